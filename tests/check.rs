//! End-to-end tests of `scanfit check`: generated files with known faults, run through
//! the real binary; each test asserts the verdict, the reason's code and what its message
//! names, and the exit status.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::*;
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage};

/// Runs `scanfit check --json` and returns the exit code and one record per file.
fn run_check(inputs: &[&Path], extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let mut args: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--json")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend(extra.iter().map(OsStr::new));
    let out = scanfit(&args);
    let records = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        // The client folders' lines (tests/rules.rs) follow the files'.
        .filter(|r| r["record"] == "file")
        .collect();
    (
        out.status.code().expect("exited"),
        records,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(record: &serde_json::Value) -> Vec<String> {
    record["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

fn message(record: &serde_json::Value, code: &str) -> String {
    record["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {record}"))["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn only<'a>(records: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["input"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no record for {name}"))
}

/// Draws a filled axis-aligned rectangle.
fn rect(img: &mut RgbImage, x0: u32, y0: u32, w: u32, h: u32, c: [u8; 3]) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, Rgb(c));
        }
    }
}

/// A page as a 200 dpi colour scan delivers it (1654×2339, A4): off-white paper with
/// sensor noise, lines of glyph-like strokes, a gray photo block (an ID card's portrait)
/// and, with `seal`, a red company seal ring — the only colour on the page, as on real
/// filings.
fn page(seed: u64, seal: bool) -> RgbImage {
    let (w, h) = (1654u32, 2339u32);
    let mut rng = Rng::new(seed);
    let mut img = RgbImage::from_fn(w, h, |_, _| {
        let n = (rng.byte() % 9) as i16 - 4;
        Rgb([246, 244, 238].map(|c: i16| (c + n) as u8))
    });
    // Text: 28 px cells (3.6 mm, 10.5 pt) on 50 px lines, 3–6 strokes 3 px wide per glyph.
    let mut y = 200;
    while y + 28 < h - 500 {
        let mut x = 160;
        while x + 28 < w - 160 {
            for _ in 0..3 + rng.next() % 4 {
                let (a, b) = ((rng.next() % 22) as u32, (rng.next() % 22) as u32);
                let len = 6 + (rng.next() % 16) as u32;
                if rng.next().is_multiple_of(2) {
                    rect(&mut img, x + a, y + b, len.min(28 - a), 3, [30, 30, 35]);
                } else {
                    rect(&mut img, x + a, y + b, 3, len.min(28 - b), [30, 30, 35]);
                }
            }
            x += 30;
        }
        y += 50;
    }
    // A portrait photo block: smooth gray gradient (mid tones, as real scans have).
    for yy in 0..400 {
        for xx in 0..300 {
            let v = 90 + ((xx + yy) * 120 / 700) as u8;
            img.put_pixel(1200 + xx, 1850 + yy, Rgb([v, v, v]));
        }
    }
    if seal {
        let (cx, cy, r) = (600.0f64, 2000.0f64, 150.0f64);
        for yy in (cy - r - 10.0) as u32..(cy + r + 10.0) as u32 {
            for xx in (cx - r - 10.0) as u32..(cx + r + 10.0) as u32 {
                let d = ((f64::from(xx) - cx).powi(2) + (f64::from(yy) - cy).powi(2)).sqrt();
                if (d - r).abs() < 6.0 {
                    img.put_pixel(xx, yy, Rgb([205, 45, 50]));
                }
            }
        }
    }
    img
}

fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

fn in_band(bytes: &[u8]) -> bool {
    (MIN..=MAX).contains(&(bytes.len() as u64))
}

/// Adds fresh sensor noise (after a blur, as a camera adds it after its lens).
fn noisy(img: &RgbImage, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let n = (rng.byte() % 7) as i16 - 3;
        p.0 = p.0.map(|c| (i16::from(c) + n).clamp(0, 255) as u8);
    }
    out
}

#[test]
fn renamed_png_fails_and_names_png() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("营业执照.jpg");
    let bytes = encode(
        &DynamicImage::ImageRgb8(quadrants(1600, 1200, 40, 1)),
        ImageFormat::Png,
    );
    assert!(bytes.starts_with(b"\x89PNG"));
    fs::write(&path, &bytes).unwrap();
    let (code, records, _) = run_check(&[&path], &[]);
    assert_eq!(code, 1);
    let r = &records[0];
    assert_eq!(r["verdict"], "fail");
    assert_eq!(r["format"], "png");
    assert_eq!(r["claimed"], "jpeg");
    assert!(message(r, "renamed").contains("PNG"), "{r}");

    // The table says it too, on one line.
    let out = scanfit(&[OsStr::new("check"), path.as_os_str()]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table.lines().count(), 1);
    assert!(
        table.starts_with("FAIL") && table.contains("the bytes are PNG"),
        "{table}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sharp_page_passes_and_blurred_copy_warns() {
    let dir = tempfile::tempdir().unwrap();
    let sharp = page(1, true);
    // σ = 2 px at 200 dpi is σ = 3 px at 300 dpi: plainly out of focus.
    let blurred = noisy(&image::imageops::blur(&sharp, 2.0), 2);
    let sharp_bytes = jpeg(&DynamicImage::ImageRgb8(sharp), 90);
    let blurred_bytes = jpeg(&DynamicImage::ImageRgb8(blurred), 90);
    // Both inside the band, so the only difference check can see is the blur.
    assert!(in_band(&sharp_bytes) && in_band(&blurred_bytes));
    fs::write(dir.path().join("sharp.jpg"), sharp_bytes).unwrap();
    fs::write(dir.path().join("blurred.jpg"), blurred_bytes).unwrap();

    let (code, records, stderr) = run_check(&[dir.path()], &[]);
    assert_eq!(code, 0, "warnings alone exit 0: {stderr}");
    let s = only(&records, "sharp.jpg");
    assert_eq!(s["verdict"], "pass", "{s}");
    assert_eq!(s["colour"], "colour");
    assert_eq!(
        (s["width"].as_u64(), s["height"].as_u64()),
        (Some(1654), Some(2339))
    );
    let b = only(&records, "blurred.jpg");
    assert_eq!(b["verdict"], "warn", "{b}");
    assert_eq!(codes(b), ["blurred"]);
    assert!(b["sharpness"].as_f64().unwrap() < s["sharpness"].as_f64().unwrap() / 2.0);

    let (code, _, _) = run_check(&[dir.path()], &["--strict"]);
    assert_eq!(code, 1, "--strict fails on warnings");
}

#[test]
fn grayscale_and_one_bit_scans_warn() {
    let dir = tempfile::tempdir().unwrap();
    let colour = page(3, true);
    // A grayscale scan, stored as gray: the seal is now just a gray ring.
    let gray = GrayImage::from_fn(colour.width(), colour.height(), |x, y| {
        let [r, g, b] = colour.get_pixel(x, y).0;
        Luma([((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8])
    });
    // A 1-bit scan: every pixel black or white, then stored as JPEG the way scanners'
    // "black and white" mode usually reaches people (and the same in RGB).
    let bw = GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        Luma([if gray.get_pixel(x, y).0[0] < 150 {
            0
        } else {
            255
        }])
    });
    let gray_bytes = jpeg(&DynamicImage::ImageLuma8(gray), 90);
    let bw_bytes = jpeg(
        &DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(bw.clone()).to_rgb8()),
        90,
    );
    assert!(in_band(&gray_bytes) && in_band(&bw_bytes));
    fs::write(dir.path().join("gray.jpg"), gray_bytes).unwrap();
    fs::write(dir.path().join("bw.jpg"), bw_bytes).unwrap();
    // And as a real 1-bit-content PNG, checked with a band that lets its small size pass.
    let bw_png = encode(&DynamicImage::ImageLuma8(bw), ImageFormat::Png);
    fs::write(dir.path().join("bw.png"), &bw_png).unwrap();

    let (code, records, _) = run_check(&[dir.path()], &["--min-size", "1KB"]);
    assert_eq!(code, 0);
    let g = only(&records, "gray.jpg");
    assert_eq!(
        (g["verdict"].as_str(), g["colour"].as_str()),
        (Some("warn"), Some("grayscale"))
    );
    assert_eq!(codes(g), ["grayscale"]);
    for name in ["bw.jpg", "bw.png"] {
        let r = only(&records, name);
        assert_eq!(r["verdict"], "warn", "{r}");
        assert_eq!(r["colour"], "bilevel", "{r}");
        assert!(message(r, "bilevel").contains("black-and-white scans are rejected"));
    }
}

#[test]
fn photo_with_gps_reports_gps_and_orientation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("IMG_0001.JPG");
    let bytes = phone_jpeg(&quadrants(2000, 1500, 60, 4), 6, 92);
    assert!(in_band(&bytes));
    fs::write(&path, bytes).unwrap();
    let (code, records, _) = run_check(&[&path], &[]);
    assert_eq!(code, 0);
    let r = &records[0];
    assert_eq!(r["verdict"], "warn");
    assert_eq!(r["metadata"]["gps"], true);
    assert_eq!(r["metadata"]["exif"], true);
    assert_eq!(r["metadata"]["xmp"], true);
    assert_eq!(r["orientation"], 6);
    let c = codes(r);
    assert!(
        c.contains(&"gps".to_owned()) && c.contains(&"orientation".to_owned()),
        "{c:?}"
    );
    assert!(message(r, "gps").contains("GPS"));
    // EXIF and XMP without GPS are a note, not a warning.
    let m = &r["reasons"].as_array().unwrap()[c.iter().position(|x| x == "metadata").unwrap()];
    assert_eq!(m["severity"], "note");
}

#[test]
fn formats_the_portal_does_not_take_fail_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgb8(quadrants(1200, 900, 40, 5));
    let files = [
        ("scan.webp", encode(&img, ImageFormat::WebP), "WebP"),
        ("scan.bmp", encode(&img, ImageFormat::Bmp), "BMP"),
        ("scan.tif", encode(&img, ImageFormat::Tiff), "TIFF"),
        // A HEIC header (scanfit cannot decode HEIC; the bytes still say what it is).
        (
            "IMG_0002.heic",
            {
                let mut b = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
                b.resize(300_000, 7);
                b
            },
            "HEIC",
        ),
    ];
    for (name, bytes, _) in &files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (code, records, _) = run_check(&[dir.path()], &["--min-size", "1KB", "--max-size", "50MB"]);
    assert_eq!(code, 1);
    assert_eq!(records.len(), files.len());
    for (name, _, format) in files {
        let r = only(&records, name);
        assert_eq!(r["verdict"], "fail", "{r}");
        assert_eq!(codes(r)[0], "not_accepted", "{r}");
        assert!(message(r, "not_accepted").starts_with(format), "{r}");
    }
    // Decodable ones are still measured, so the agency knows whether converting is enough.
    assert_eq!(only(&records, "scan.webp")["width"], 1200);
    assert_eq!(only(&records, "scan.tif")["colour"], "colour");
}

#[test]
fn sizes_outside_the_band_fail_and_the_band_flags_move_it() {
    let dir = tempfile::tempdir().unwrap();
    // Small: a 1200×900 picture at low quality. Large: noise as PNG.
    let small = jpeg(&DynamicImage::ImageRgb8(quadrants(1200, 900, 8, 6)), 60);
    let mut rng = Rng::new(7);
    let large = encode(
        &DynamicImage::ImageRgb8(RgbImage::from_fn(1500, 1200, |_, _| {
            Rgb([rng.byte(), rng.byte(), rng.byte()])
        })),
        ImageFormat::Png,
    );
    assert!((small.len() as u64) < MIN && (large.len() as u64) > MAX);
    fs::write(dir.path().join("small.jpg"), &small).unwrap();
    fs::write(dir.path().join("large.png"), &large).unwrap();
    let (code, records, _) = run_check(&[dir.path()], &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(only(&records, "small.jpg")), ["too_small"]);
    assert_eq!(codes(only(&records, "large.png")), ["too_large"]);
    assert!(message(only(&records, "small.jpg"), "too_small").contains("204800"));

    // With a band that holds both, both pass (the pixels are sharp colour).
    let (code, records, _) = run_check(
        &[dir.path()],
        &[
            "--min-size",
            &format!("{}", small.len()),
            "--max-size",
            &format!("{}", large.len()),
        ],
    );
    assert_eq!(code, 0, "{records:?}");
    assert!(
        records.iter().all(|r| r["verdict"] == "pass"),
        "{records:?}"
    );
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jpg");
    fs::write(&good, phone_jpeg(&quadrants(2000, 1500, 60, 8), 1, 92)).unwrap();
    let notes = dir.path().join("readme.txt");
    fs::write(&notes, "not a picture").unwrap();
    let code = |args: &[&OsStr]| scanfit(args).status.code();
    let check = OsStr::new("check");
    // Passing picture (EXIF without GPS is a note) and an unrelated file: 0.
    let clean = dir.path().join("clean.jpg");
    fs::write(
        &clean,
        jpeg(&DynamicImage::ImageRgb8(quadrants(2000, 1500, 60, 9)), 92),
    )
    .unwrap();
    assert_eq!(
        code(&[check, clean.as_os_str(), notes.as_os_str()]),
        Some(0)
    );
    assert_eq!(
        code(&[check, OsStr::new("--strict"), clean.as_os_str()]),
        Some(0)
    );
    // GPS warns: 0, but 1 under --strict.
    assert_eq!(code(&[check, good.as_os_str()]), Some(0));
    assert_eq!(
        code(&[check, OsStr::new("--strict"), good.as_os_str()]),
        Some(1)
    );
    // Usage errors: 2 (no input, a bad size, a missing input, a contradictory band).
    assert_eq!(code(&[check]), Some(2));
    assert_eq!(
        code(&[
            check,
            OsStr::new("--max-size"),
            OsStr::new("4 parsecs"),
            good.as_os_str()
        ]),
        Some(2)
    );
    assert_eq!(
        code(&[check, dir.path().join("missing.jpg").as_os_str()]),
        Some(2)
    );
    assert_eq!(
        code(&[
            check,
            OsStr::new("--min-size"),
            OsStr::new("5MB"),
            good.as_os_str()
        ]),
        Some(2)
    );
}

#[test]
fn hostile_folder_never_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = jpeg(&DynamicImage::ImageRgb8(quadrants(2000, 1500, 60, 10)), 92);
    fs::write(dir.path().join("a_good.jpg"), &good).unwrap();
    fs::write(dir.path().join("b_cut.jpg"), &good[..good.len() / 2]).unwrap();
    fs::write(dir.path().join("c_empty.png"), b"").unwrap();
    fs::write(
        dir.path().join("d_garbage.gif"),
        b"GIF89a\xFF\xFF\xFF\xFF\0\0garbage",
    )
    .unwrap();
    fs::write(dir.path().join("e_text.jpg"), b"<html>not a jpeg</html>").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("f_broken.jpg"))
        .unwrap();
    let (code, records, _) = run_check(&[dir.path()], &[]);
    assert_eq!(code, 1);
    assert_eq!(only(&records, "a_good.jpg")["verdict"], "pass");
    for name in ["b_cut.jpg", "c_empty.png", "d_garbage.gif", "e_text.jpg"] {
        let r = only(&records, name);
        assert_eq!(r["verdict"], "fail", "{r}");
        assert!(codes(r).contains(&"unreadable".to_owned()), "{r}");
    }
}

#[test]
fn every_output_of_convert_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(inp.join("客户A")).unwrap();
    // Colour inputs of the kinds people upload, each with noise so sizes are realistic:
    // a phone photo rotated by EXIF with GPS, a colour scan as PNG (too large as it is),
    // a small screenshot-like PNG (under the band), and a BMP. The scan is a letter's page
    // (black text, a grey photo, a red seal): named as a licence, whose emblem and border
    // are printed in colour, a page this grey is a photocopy (docs/content-checks.md).
    fs::write(
        inp.join("photo.jpg"),
        phone_jpeg(&quadrants(3000, 2000, 50, 11), 6, 95),
    )
    .unwrap();
    fs::write(
        inp.join("客户A/colour scan.png"),
        encode(
            &DynamicImage::ImageRgb8(noisy(&page(12, true), 13)),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    fs::write(
        inp.join("客户A/domain.png"),
        encode(
            &DynamicImage::ImageRgb8(quadrants(1400, 1000, 6, 14)),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    fs::write(
        inp.join("scan.bmp"),
        encode(&DynamicImage::ImageRgb8(page(15, true)), ImageFormat::Bmp),
    )
    .unwrap();
    // And one gray scan: its output may warn, but only that it is gray.
    fs::write(
        inp.join("gray.jpg"),
        jpeg(
            &DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(page(16, false)).to_luma8()),
            92,
        ),
    )
    .unwrap();

    let out = dir.path().join("out");
    let conv = scanfit(&[
        OsStr::new("convert"),
        inp.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("-q"),
    ]);
    assert!(
        conv.status.success(),
        "{}",
        String::from_utf8_lossy(&conv.stderr)
    );
    assert_eq!(files_under(&out).len(), 5);

    let (code, records, stderr) = run_check(&[&out], &[]);
    assert_eq!(code, 0, "{stderr}\n{records:#?}");
    assert_eq!(records.len(), 5);
    for r in &records {
        let name = r["input"].as_str().unwrap();
        if name.ends_with("gray.jpg") {
            assert_eq!(codes(r), ["grayscale"], "{r}");
        } else {
            assert_eq!(r["verdict"], "pass", "{r}");
            assert!(r["reasons"].as_array().unwrap().is_empty(), "{r}");
        }
        assert_eq!(r["metadata"]["exif"], false);
        assert_eq!(r["orientation"], 1);
    }
}

/// The committed real pictures (provenance in tests/fixtures/real/README.md): what check
/// must find in real files, not only in generated ones.
#[test]
fn real_fixtures_are_classified() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    if !dir.join("README.md").exists() {
        return;
    }
    let (code, records, _) = run_check(&[&dir], &[]);
    assert_eq!(code, 1, "undersized fixtures fail");
    let photo = only(&records, "photo_orient6_gps.jpg");
    assert_eq!(photo["metadata"]["gps"], true);
    assert_eq!(photo["metadata"]["xmp"], true);
    assert_eq!(photo["orientation"], 6);
    assert!(codes(photo).contains(&"gps".to_owned()));
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(1000), Some(1600))
    );
    // Over the pixel limit the photo is decoded at half size, and check still states
    // the size the file stores.
    let (_, limited, _) = run_check(&[&dir], &["--max-pixels", "800000"]);
    let reduced = only(&limited, "photo_orient6_gps.jpg");
    assert_eq!(
        (reduced["width"].as_u64(), reduced["height"].as_u64()),
        (Some(1000), Some(1600))
    );
    assert_eq!(reduced["orientation"], 6);
    let g4 = only(&records, "scan_bilevel_g4.tif");
    assert_eq!(g4["colour"], "bilevel");
    assert!(message(g4, "not_accepted").starts_with("TIFF"));
    assert_eq!(only(&records, "scan_text_gray.png")["colour"], "grayscale");
    assert_eq!(only(&records, "scan_page_color.png")["colour"], "colour");
}

/// Issue 20: `check` decodes with convert's decoders, so the TIFF layouts only libtiff
/// reads, JPEG 2000 files and PDF JPX pages are readable (not "unreadable"); they still
/// fail as formats the portal does not take, and the reviewer's inspections run on
/// their pixels (the fax page is reported as black-and-white).
#[test]
fn libtiff_layouts_and_jpeg_2000_are_readable() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names = vec![
        "jpeg2000/colour_lossless.jp2",
        "jpeg2000/grey_lossless.j2k",
        "jpeg2000/jpx_page.pdf",
    ];
    let libtiff = ["libtiff.so.6", "libtiff.so.5"].iter().any(|name| {
        [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib",
        ]
        .iter()
        .any(|dir| Path::new(dir).join(name).exists())
    });
    if libtiff || std::env::var_os("SCANFIT_REQUIRE_LIBTIFF").is_some() {
        names.extend([
            "pages/fax_g3_2d.tif",
            "pages/fax_mh_rle.tif",
            "pages/old_jpeg.tif",
            "pages/palette_lzw.tif",
            "pages/cielab.tif",
            "pages/grey_int16.tif",
            "pages/bigtiff_g3.tif",
        ]);
    } else {
        eprintln!("libtiff layouts skipped: libtiff is not installed (apt install libtiff6)");
    }
    let paths: Vec<_> = names.iter().map(|n| fixtures.join(n)).collect();
    let inputs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let (code, records, _) = run_check(&inputs, &[]);
    assert_eq!(code, 1, "TIFF, JPEG 2000 and PDF are not accepted formats");
    assert_eq!(records.len(), names.len());
    for name in &names {
        let file = Path::new(name).file_name().unwrap().to_str().unwrap();
        let record = only(&records, file);
        let codes = codes(record);
        assert!(
            !codes.iter().any(|c| c == "unreadable"),
            "{name}: {codes:?}"
        );
        assert!(
            codes.iter().any(|c| c == "not_accepted"),
            "{name}: {codes:?}"
        );
        assert!(record["width"].as_u64().unwrap() > 100, "{name}");
        if file.starts_with("fax_") {
            assert_eq!(record["colour"], "bilevel", "{name}");
        }
    }
}
