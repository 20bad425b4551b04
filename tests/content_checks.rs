//! End-to-end tests of the content checks ([`scanfit::document`]) through the real
//! binary: a card cut by the frame and a photographed screen get their codes (named as
//! certificates: both fail); convert writes the cut card and warns;
//! real scans from
//! the repository (see tests/fixtures/real/README.md and corpus/README.md) get none.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::*;
use image::{Rgb, RgbImage};

fn check_json(inputs: &[&Path]) -> Vec<serde_json::Value> {
    let mut args: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--json")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    let out = scanfit(&args);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["record"] == "file")
        .collect()
}

fn reasons(r: &serde_json::Value) -> Vec<(String, String)> {
    r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_owned(),
                x["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const CONTENT: [&str; 4] = ["border_cut", "photocopy", "screen_photo", "electronic_copy"];

/// A noisy picture: a camera's grain, so nothing in it is flat as in a render.
fn noisy(w: u32, h: u32, f: impl Fn(u32, u32) -> [f32; 3]) -> RgbImage {
    let mut state = 0x9e37_79b9_u32;
    RgbImage::from_fn(w, h, |x, y| {
        let c = f(x, y);
        Rgb(c.map(|v| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (v + (state >> 28) as f32 - 7.5).clamp(0.0, 255.0) as u8
        }))
    })
}

/// A card at (x0, y0)–(x1, y1) on a red desk: a light field with a darker band (the
/// photo, the printed background) inside the card's light margin.
fn card_on_desk(x0: u32, y0: u32, x1: u32, y1: u32) -> RgbImage {
    noisy(1200, 900, |x, y| {
        if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
            let band =
                (x0 + 30..x0 + (x1 - x0) / 3).contains(&x) && (y0 + 30..y1 - 30).contains(&y);
            if band {
                [60.0, 110.0, 190.0]
            } else {
                [210.0, 225.0, 240.0]
            }
        } else {
            [170.0, 40.0 + y as f32 * 0.02, 40.0]
        }
    })
}

#[test]
fn cut_and_screen_pictures_named_as_certificates_get_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("营业执照 裁切.png");
    card_on_desk(300, 200, 1400, 700).save(&cut).unwrap();
    let screen = dir.path().join("身份证 翻拍.png");
    noisy(1024, 768, |x, y| {
        // RGB stripes 3.3 camera pixels per screen pixel, a text-like band.
        let phase = (x as f32 / 3.3).fract();
        let lit = if (300..340).contains(&y) { 0.3 } else { 1.0 };
        let on = |lo: f32| {
            if phase >= lo && phase < lo + 0.34 {
                230.0 * lit
            } else {
                40.0
            }
        };
        [on(0.0), on(0.33), on(0.66)]
    })
    .save(&screen)
    .unwrap();
    let records = check_json(&[&cut, &screen]);
    // Both are certificates (by their names): a cut border and a screen photo fail.
    let expect = [
        (&cut, "border_cut", "fail"),
        (&screen, "screen_photo", "fail"),
    ];
    for (path, code, severity) in expect {
        let name = path.file_name().unwrap().to_str().unwrap();
        let r = records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .expect("a record");
        let found = reasons(r);
        assert!(
            found.contains(&(code.to_owned(), severity.to_owned())),
            "{name}: {found:?}"
        );
        assert_eq!(r["verdict"], severity, "{name}");
        assert_eq!(r["upload_ready"], severity == "warn", "{name}");
    }
    // The cut card's outline is in the record: its top-left corner where it was drawn.
    let r = records
        .iter()
        .find(|r| r["input"].as_str().unwrap().contains("裁切"))
        .unwrap();
    let quad = r["document"]["quad"].as_array().expect("a quad");
    let (x, y) = (quad[0][0].as_f64().unwrap(), quad[0][1].as_f64().unwrap());
    assert!(
        (x - 300.0).abs() < 15.0 && (y - 200.0).abs() < 15.0,
        "{quad:?}"
    );
}

#[test]
fn real_scans_get_no_content_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // corpus/客户A/营业执照 扫描.png is left out: it is the 1555 book page of the first
    // file, black ink on tan paper, named as a licence; a licence without any printed
    // colour is told it looks like a copy (docs/content-checks.md, known limits).
    let files = [
        root.join("tests/fixtures/real/scan_page_color.png"),
        root.join("corpus/客户C/事业单位 批文.jpg"),
        root.join("corpus/客户A/授权书 2024.jpg"),
        // A phone photo of a jetty (corpus/README.md): its planks and the shore are
        // lines meeting in corners and running out of the frame, but no document.
        root.join("corpus/客户B/手持营业执照 照片.jpg"),
    ];
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let records = check_json(&paths);
    assert_eq!(records.len(), files.len());
    for r in &records {
        let found = reasons(r);
        assert!(
            !found.iter().any(|(c, _)| CONTENT.contains(&c.as_str())),
            "{}: {found:?}",
            r["input"]
        );
    }
}

#[test]
fn convert_writes_a_cut_card_and_reports_the_finding_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let cut = input.join("营业执照 裁切.png");
    card_on_desk(300, 200, 1400, 700).save(&cut).unwrap();
    let whole = input.join("营业执照 完整.png");
    card_on_desk(250, 180, 950, 700).save(&whole).unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    scanfit(&[
        OsStr::new("convert"),
        input.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("-q"),
        OsStr::new("--report"),
        report.as_os_str(),
    ]);
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["input"].is_string())
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no record of {name}: {rows:?}"))
    };
    let cut_row = row("营业执照 裁切.png");
    let codes = cut_row["warning_codes"].as_array().unwrap();
    assert!(codes.iter().any(|c| c == "border_cut"), "{cut_row}");
    assert_eq!(cut_row["status"], "warn", "{cut_row}");
    // Still written: a warning, and the output decodes to the source's picture size.
    let written = image::open(cut_row["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        (written.width(), written.height()),
        (
            cut_row["width_out"].as_u64().unwrap() as u32,
            cut_row["height_out"].as_u64().unwrap() as u32
        )
    );
    let whole_row = row("营业执照 完整.png");
    let codes = whole_row["warning_codes"].as_array().unwrap();
    assert!(
        !codes.iter().any(|c| CONTENT.contains(&c.as_str().unwrap())),
        "{whole_row}"
    );
}

/// A grey photocopy of a card on a copier's sheet, photographed on a red desk under warm
/// light: the sheet is light grey, the copied card a mid grey band with dark print.
fn grey_copy_on_desk() -> RgbImage {
    let warm = [1.06, 1.0, 0.86];
    noisy(1200, 900, |x, y| {
        let grey = if (250..950).contains(&x) && (180..700).contains(&y) {
            let card = (350..850).contains(&x) && (280..600).contains(&y);
            let print = card && (y / 12) % 3 == 0 && (420..800).contains(&x);
            if print {
                60.0
            } else if card {
                150.0
            } else {
                225.0
            }
        } else {
            return [170.0, 40.0 + y as f32 * 0.02, 40.0];
        };
        warm.map(|w| grey * w)
    })
}

#[test]
fn a_photographed_grey_copy_of_a_certificate_fails_and_a_real_colour_photo_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("身份证 复印件.png");
    grey_copy_on_desk().save(&copy).unwrap();
    // A real photograph (tests/fixtures/real/README.md) named as a certificate, where the
    // bar is lowest.
    let photo = dir.path().join("身份证 正面.jpg");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("tests/fixtures/real/photo_orient6_gps.jpg"),
        &photo,
    )
    .unwrap();
    let records = check_json(&[&copy, &photo]);
    let of = |name: &str| {
        let r = records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .expect("a record");
        (reasons(r), r["upload_ready"].clone())
    };
    let (found, ready) = of("身份证 复印件.png");
    assert!(
        found.contains(&("photocopy".to_owned(), "fail".to_owned())),
        "{found:?}"
    );
    assert_eq!(ready, false);
    // The scene is colourful: the copy is not told by the whole-picture colour check.
    assert!(
        !found
            .iter()
            .any(|(c, _)| c == "grayscale" || c == "bilevel"),
        "{found:?}"
    );
    let (found, _) = of("身份证 正面.jpg");
    assert!(!found.iter().any(|(c, _)| c == "photocopy"), "{found:?}");
}
