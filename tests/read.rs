//! Dates read off the pictures, end to end: the real binary on client folders with no
//! manifest, whose ID card backs (rendered in a Debian CJK font, see
//! tests/support/render.rs) carry the only dates there are.
//!
//! Needs a CJK font (fonts-noto-cjk); without one the tests say so and pass, unless
//! SCANFIT_REQUIRE_CJK_FONT is set (as .ci/run sets it).
#![cfg(feature = "cli")]

mod common;
#[path = "support/render.rs"]
mod render;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

/// The filing date every run uses.
const FILED_ON: &str = "2026-11-30";

/// The first CJK font installed: (bytes, face index).
fn font() -> Option<(Vec<u8>, u32)> {
    let found = render::load_fonts().into_iter().next();
    if found.is_none() && std::env::var_os("SCANFIT_REQUIRE_CJK_FONT").is_some() {
        panic!("SCANFIT_REQUIRE_CJK_FONT is set but no CJK font is installed");
    }
    if found.is_none() {
        eprintln!("skipped: no CJK font is installed (apt install fonts-noto-cjk)");
    }
    found.map(|(_, bytes, index)| (bytes, index))
}

/// Writes the back of an ID card whose validity period reads `period` as a JPEG.
fn id_back(path: &Path, font: &(Vec<u8>, u32), period: &str) {
    let font = ab_glyph::FontRef::try_from_slice_and_index(&font.0, font.1).unwrap();
    let page = render::id_card_back(&font, period);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    page.save(path).unwrap();
}

/// The printed characters of [`id_back`] with a 21-character period, spaces aside.
const BACK_CHARACTERS: u64 = 7 + 5 + 4 + 10 + 4 + 21;

/// The row of the check CSV report at `report` for `input`, by column name.
fn csv_row(report: &Path, input: &str) -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(report).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|row| row.unwrap())
        .find(|row| &row[1] == input)
        .map(|row| {
            head.iter()
                .cloned()
                .zip(row.iter().map(String::from))
                .collect()
        })
        .unwrap_or_else(|| panic!("no CSV row for {input}"))
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let dir = dir.to_str().unwrap();
    let mut args = vec!["check", dir, "--json", "--filed-on", FILED_ON];
    args.extend_from_slice(extra);
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    common::scanfit(&args)
}

/// The JSON line of the file whose path ends with `tail`.
fn record<'a>(out: &'a [Value], tail: &str) -> &'a Value {
    out.iter()
        .find(|l| l["input"].as_str().is_some_and(|p| p.ends_with(tail)))
        .unwrap_or_else(|| panic!("no line for {tail}"))
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn codes(line: &Value) -> Vec<&str> {
    line["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

#[test]
fn a_folder_without_a_manifest_gets_its_validity_verdicts_from_the_pictures() {
    let Some(font) = font() else { return };
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    id_back(
        &clients.join("甲/身份证反面.jpg"),
        &font,
        "2016.03.01-2036.03.01",
    );
    id_back(
        &clients.join("乙/身份证反面.jpg"),
        &font,
        "2006.08.15-2026.08.15",
    );
    let report = dir.path().join("report.csv");
    let out = check(&clients, &["--report", report.to_str().unwrap()]);
    let json = lines(&out);
    let valid = record(&json, "甲/身份证反面.jpg");
    let expired = record(&json, "乙/身份证反面.jpg");
    assert_eq!(
        valid["valid_until"],
        serde_json::json!({ "until": "2036-03-01" }),
        "{valid}"
    );
    assert_eq!(
        expired["valid_until"],
        serde_json::json!({ "until": "2026-08-15" }),
        "{expired}"
    );
    for r in [valid, expired] {
        assert_eq!(r["valid_until_source"], "picture", "{r}");
        assert!(r["valid_until_confidence"].as_u64().unwrap() >= 90, "{r}");
        assert_eq!(r["kind_source"], "file_name", "{r}");
        assert_eq!(r["read"], true, "{r}");
        assert!(codes(r).contains(&"date_read"), "{r}");
        // How much of the text was read: the card's 51 printed characters, nearly all
        // of them surely on a clean rendering, in the JSON and the CSV.
        let characters = r["characters"].as_u64().unwrap();
        let sure = r["characters_sure"].as_u64().unwrap();
        assert!(characters.abs_diff(BACK_CHARACTERS) <= 3, "{r}");
        assert!(sure <= characters && sure * 10 >= characters * 9, "{r}");
        let row = csv_row(&report, r["input"].as_str().unwrap());
        assert_eq!(row["characters"], characters.to_string());
        assert_eq!(row["characters_sure"], sure.to_string());
    }
    assert!(codes(expired).contains(&"validity_too_short"), "{expired}");
    assert_eq!(expired["verdict"], "fail", "{expired}");
    assert!(
        !codes(valid).iter().any(|c| c.starts_with("validity_")),
        "{valid}"
    );
    assert!(!out.status.success());

    // Without reading, the same folder has no dates to judge.
    let never = lines(&check(&clients, &["--read", "never"]));
    for tail in ["甲/身份证反面.jpg", "乙/身份证反面.jpg"] {
        let r = record(&never, tail);
        assert_eq!(r["read"], false, "{r}");
        assert!(r["valid_until"].is_null(), "{r}");
        assert!(r["characters"].is_null(), "{r}");
        assert!(
            !codes(r)
                .iter()
                .any(|c| c.starts_with("validity_") || c.starts_with("date_read")),
            "{r}"
        );
    }

    // A manifest's date wins over the picture's.
    let manifest = dir.path().join("docs.csv");
    std::fs::write(
        &manifest,
        format!(
            "file,kind,valid_until\n{}/乙/身份证反面.jpg,身份证,2036-08-15\n",
            clients.display()
        ),
    )
    .unwrap();
    let with = lines(&check(
        &clients,
        &["--manifest", manifest.to_str().unwrap()],
    ));
    let r = record(&with, "乙/身份证反面.jpg");
    assert_eq!(
        r["valid_until"],
        serde_json::json!({ "until": "2036-08-15" }),
        "{r}"
    );
    assert_eq!(r["valid_until_source"], "manifest", "{r}");
    assert!(!codes(r).contains(&"validity_too_short"), "{r}");
}

#[test]
fn an_uncertain_reading_asks_for_the_manifest_instead_of_a_verdict() {
    let Some(font) = font() else { return };
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    // Not 5, 10 or 20 years to the day, as no ID card's period is: a misread digit is
    // likelier than such a card, so the reading is not trusted.
    id_back(
        &clients.join("丙/身份证反面.jpg"),
        &font,
        "2016.03.01-2026.08.01",
    );
    let json = lines(&check(&clients, &[]));
    let r = record(&json, "丙/身份证反面.jpg");
    assert_eq!(r["valid_until_source"], "picture", "{r}");
    assert!(r["valid_until_confidence"].as_u64().unwrap() < 90, "{r}");
    let codes = codes(r);
    assert!(codes.contains(&"date_read_uncertain"), "{r}");
    // Expired if the reading were right, yet no verdict on it.
    assert!(!codes.iter().any(|c| c.starts_with("validity_")), "{r}");
    let asks = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "date_read_uncertain")
        .unwrap();
    assert!(
        asks["message"].as_str().unwrap().contains("valid_until"),
        "{asks}"
    );
}

/// A combined picture (拼图): an ID card's front above an authorization letter, the
/// letter naming `person` with `number`, the card showing 张三 and [`CARD_NUMBER`].
fn letter_with_card(path: &Path, font: &(Vec<u8>, u32), person: &str, number: &str) {
    let font = ab_glyph::FontRef::try_from_slice_and_index(&font.0, font.1).unwrap();
    let sentence = format!("兹授权{person}（公民身份号码：{number}）");
    let page = render::page(
        &font,
        900,
        1000,
        &[
            ("姓名", 30.0, 60.0, 50.0),
            ("张三", 36.0, 180.0, 46.0),
            ("性别 男    民族 汉", 30.0, 60.0, 120.0),
            ("出生 1990年3月7日", 30.0, 60.0, 190.0),
            ("公民身份号码", 30.0, 60.0, 300.0),
            (CARD_NUMBER, 34.0, 300.0, 298.0),
            ("授权书", 56.0, 370.0, 440.0),
            (&sentence, 28.0, 60.0, 560.0),
            ("为我公司网站备案负责人，特此授权。", 28.0, 60.0, 620.0),
            ("北京某某科技有限公司", 28.0, 480.0, 760.0),
            ("2026年11月1日", 28.0, 540.0, 820.0),
        ],
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    page.save(path).unwrap();
}

/// 张三's number on the card (born 1990-03-07, check digit by GB 11643).
const CARD_NUMBER: &str = "110105199003071239";

/// An ID number for a birth date and sequence, with its GB 11643 check digit.
fn id_number(first17: &str) -> String {
    format!(
        "{first17}{}",
        scanfit::read::id_check_digit(first17).unwrap()
    )
}

#[test]
fn a_letter_and_an_id_card_in_one_picture_are_compared() {
    let Some(font) = font() else { return };
    assert_eq!(id_number("11010519900307123"), CARD_NUMBER);
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    let same = clients.join("甲/授权书+身份证.jpg");
    let other = clients.join("乙/授权书+身份证.jpg");
    letter_with_card(&same, &font, "张三", CARD_NUMBER);
    let stranger = id_number("44052419800101002");
    letter_with_card(&other, &font, "李四", &stranger);
    let json = lines(&check(&clients, &["--read", "always"]));
    let agree = record(&json, "甲/授权书+身份证.jpg");
    let differ = record(&json, "乙/授权书+身份证.jpg");
    assert_eq!(agree["read"], true, "{agree}");
    assert!(!codes(agree).contains(&"person_mismatch"), "{agree}");
    // The card and the letter disagree on both the person and the number, and the
    // warning says the card is in the same picture.
    let said: Vec<&str> = differ["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["code"] == "person_mismatch")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert_eq!(said.len(), 2, "{differ}");
    for (letter, card) in [("李四", "张三"), (stranger.as_str(), CARD_NUMBER)] {
        let found = said.iter().any(|t| t.contains(letter) && t.contains(card));
        assert!(found, "{letter} / {card}: {said:?}");
    }
    assert!(said.iter().all(|t| t.contains("same picture")), "{said:?}");
}

/// Lines of small print: what a tight band blurs first.
const SMALL_PRINT: [&str; 4] = [
    "兹授权张三为我公司网站备案负责人",
    "办理网站备案相关事宜，特此授权。",
    "北京某某科技有限公司",
    "二〇二六年十一月一日",
];

/// The picture's text as the engine reads it.
fn read_text(reader: &scanfit::ocr::Reader, path: &Path) -> Vec<scanfit::ocr::TextLine> {
    reader.read(&image::open(path).unwrap().to_rgb8()).unwrap()
}

#[test]
fn verify_reading_spends_bytes_on_text_a_tight_band_loses() {
    let Some(font) = font() else { return };
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("in/授权书.png");
    let face = ab_glyph::FontRef::try_from_slice_and_index(&font.0, font.1).unwrap();
    let runs: Vec<(&str, f32, f32, f32)> = SMALL_PRINT
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, 22.0, 40.0, 40.0 + 50.0 * i as f32))
        .collect();
    std::fs::create_dir_all(source.parent().unwrap()).unwrap();
    render::page(&face, 640, 260, &runs).save(&source).unwrap();
    let convert = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let report = out.with_extension("jsonl");
        let mut args = vec![
            "convert".as_ref(),
            source.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--min-size".as_ref(),
            "1kB".as_ref(),
            "--max-size".as_ref(),
            BAND_MAX.as_ref(),
            // The band, not the legibility floors, decides: the floors would refuse it.
            "--min-quality".as_ref(),
            "1".as_ref(),
            "--min-score".as_ref(),
            "0".as_ref(),
            "--report".as_ref(),
            report.as_os_str(),
            "-q".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let run = common::scanfit(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        (
            out.join("授权书.jpg"),
            common::read_report(&report).remove(0),
        )
    };
    let (plain, plain_record) = convert("plain", &[]);
    let (checked, checked_record) = convert("checked", &["--verify-reading"]);
    let reader = scanfit::ocr::Reader::new().unwrap();
    let source_text = read_text(&reader, &source);
    let loss =
        |path: &Path| scanfit::ocr::legible::reading_loss(&source_text, &read_text(&reader, path));
    let (lost, kept) = (loss(&plain), loss(&checked));
    let bytes = |path: &Path| std::fs::metadata(path).unwrap().len();
    // The band's own choice misses text the source reads clearly.
    assert!(
        lost.share() > scanfit::verify::MAX_LOSS,
        "{lost:?} {plain_record}"
    );
    let codes = |r: &Value| r["warning_codes"].as_array().unwrap().clone();
    assert!(
        !codes(&plain_record).contains(&"reading_lost".into()),
        "{plain_record}"
    );
    let warned = codes(&checked_record).contains(&"reading_lost".into());
    // Checked, the output reads at least as well, spending more bytes, or says it
    // cannot within the band.
    assert!(kept.missed <= lost.missed, "{kept:?} {lost:?}");
    if warned {
        assert!(
            kept.share() > scanfit::verify::MAX_LOSS,
            "{kept:?} {checked_record}"
        );
        // Its numbers are what reading the output here finds.
        let said = format!("{} of the {} characters", kept.missed, kept.source);
        assert!(
            checked_record["warnings"].to_string().contains(&said),
            "{said}: {checked_record}"
        );
    } else {
        assert!(bytes(&checked) > bytes(&plain), "{checked_record}");
        assert!(
            kept.share() <= scanfit::verify::MAX_LOSS,
            "{kept:?} {checked_record}"
        );
    }
}

/// The tight band's maximum.
const BAND_MAX: &str = "3kB";
