//! Inputs people actually have: HEIC from phones, every page of TIFF and scanner PDFs,
//! and colour profiles other than sRGB. Each test runs the real binary and decodes its
//! outputs.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Converts `inputs` into a fresh OUT and returns (exit code, records, OUT).
fn convert(
    inputs: &[&Path],
    extra: &[&str],
) -> (Option<i32>, Vec<serde_json::Value>, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join(".report.jsonl");
    let mut args: Vec<&OsStr> = vec![OsStr::new("convert")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend([
        OsStr::new("-o"),
        out.path().as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ]);
    args.extend(extra.iter().map(OsStr::new));
    let output = scanfit(&args);
    let records = read_report(&report);
    (output.status.code(), records, out)
}

/// Whether libheif is missing, so HEIC tests must be skipped (CI requires it).
fn libheif_missing() -> bool {
    let found = [
        "/usr/lib/x86_64-linux-gnu/libheif.so.1",
        "/usr/lib/aarch64-linux-gnu/libheif.so.1",
        "/usr/lib/libheif.so.1",
    ]
    .iter()
    .any(|p| Path::new(p).exists());
    if !found && std::env::var_os("SCANFIT_REQUIRE_HEIF").is_some() {
        panic!("SCANFIT_REQUIRE_HEIF is set but libheif.so.1 is not installed");
    }
    if !found {
        eprintln!("skipped: libheif is not installed (apt install libheif1)");
    }
    !found
}

#[test]
fn rotated_heic_comes_out_upright() {
    if libheif_missing() {
        return;
    }
    // Stored 200×400 with a 90° rotation box; upright it is 400×200 with a red square
    // at the top left and a blue bar on the right.
    let (code, records, out) = convert(&[&fixture("heif/irot90_400x200.heic")], &[]);
    assert_eq!(code, Some(0), "{records:?}");
    assert_eq!(records[0]["format"], "heic");
    let img = assert_clean_output(&out.path().join("irot90_400x200.jpg")).to_rgb8();
    let (w, h) = img.dimensions();
    assert_eq!(w, 2 * h, "{w}×{h}");
    let at = |fx: f64, fy: f64| {
        img.get_pixel((fx * f64::from(w)) as u32, (fy * f64::from(h)) as u32)
            .0
    };
    let red = at(0.05, 0.1);
    let blue = at(0.97, 0.5);
    let white = at(0.5, 0.9);
    assert!(
        red[0] > 200 && red[1] < 60 && red[2] < 60,
        "top left {red:?}"
    );
    assert!(blue[2] > 200 && blue[0] < 60, "right {blue:?}");
    assert!(white.iter().all(|&c| c > 200), "centre bottom {white:?}");
}

#[test]
fn heic_renamed_to_jpg_is_decoded_and_reported_as_renamed() {
    if libheif_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("IMG_0001.jpg");
    fs::copy(fixture("heif/irot90_400x200.heic"), &renamed).unwrap();
    let (code, records, out) = convert(&[&renamed], &[]);
    assert_eq!(code, Some(0));
    assert!(records[0]["warnings"]
        .to_string()
        .contains("renamed file: the bytes are HEIC"));
    assert_clean_output(&out.path().join("IMG_0001.jpg"));
}

#[test]
fn every_tiff_page_becomes_an_output() {
    let (code, records, out) = convert(&[&fixture("pages/three_pages.tif")], &[]);
    assert_eq!(code, Some(0), "{records:?}");
    assert_eq!(records.len(), 3);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["page"], i as u64 + 1);
        assert_eq!(r["format"], "tiff");
    }
    // Page 1 is red | blue, page 2 gray with a black corner, page 3 white with a black
    // rectangle: check one telling pixel of each, upright.
    let p1 = assert_clean_output(&out.path().join("three_pages_p1.jpg")).to_rgb8();
    let (w, h) = p1.dimensions();
    assert!(p1.get_pixel(w / 4, h / 2).0[0] > 200 && p1.get_pixel(3 * w / 4, h / 2).0[2] > 200);
    let p2 = assert_clean_output(&out.path().join("three_pages_p2.jpg")).to_luma8();
    assert!(
        p2.get_pixel(2, 2).0[0] < 50
            && (100..160).contains(&p2.get_pixel(p2.width() - 3, p2.height() - 3).0[0])
    );
    let p3 = assert_clean_output(&out.path().join("three_pages_p3.jpg")).to_luma8();
    let (w, h) = p3.dimensions();
    assert!(p3.get_pixel(w / 2, h / 2).0[0] < 60, "rectangle is black");
    assert!(p3.get_pixel(2, 2).0[0] > 200, "paper is white");
}

#[test]
fn scanner_pdf_pages_become_outputs_and_a_text_page_fails_alone() {
    let (code, records, out) = convert(&[&fixture("pages/scan_2pages.pdf")], &[]);
    assert_eq!(code, Some(0), "{records:?}");
    assert_eq!(records.len(), 2);
    let p1 = assert_clean_output(&out.path().join("scan_2pages_p1.jpg")).to_rgb8();
    let (w, h) = p1.dimensions();
    assert!(p1.get_pixel(w / 4, h / 2).0[0] > 180, "left half red");
    assert!(
        p1.get_pixel(3 * w / 4, h / 2).0[1] > 160,
        "right half green"
    );
    assert_clean_output(&out.path().join("scan_2pages_p2.jpg"));

    let (code, records, out) = convert(&[&fixture("pages/mixed_content.pdf")], &[]);
    assert_eq!(code, Some(1));
    let failed: Vec<u64> = records
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["page"].as_u64().unwrap())
        .collect();
    assert_eq!(failed, [2, 4, 5]);
    assert!(records[1]["error"]
        .as_str()
        .unwrap()
        .contains("page 2 is not a scanned image"));
    for page in [1, 3, 6] {
        assert_clean_output(&out.path().join(format!("mixed_content_p{page}.jpg")));
    }
}

/// sRGB transfer function and its inverse.
fn to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}
fn from_linear(c: f64) -> f64 {
    let c = c.clamp(0.0, 1.0);
    if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    }
}

/// Expected sRGB of a colour in another RGB space, computed independently of scanfit:
/// decode with the space's transfer curve, then its published linear-RGB → linear-sRGB
/// matrix (both D65), then encode with the sRGB curve.
fn expected_srgb(rgb: [u8; 3], decode: fn(f64) -> f64, m: [[f64; 3]; 3]) -> [f64; 3] {
    let lin = rgb.map(|c| decode(f64::from(c) / 255.0));
    let mut out = [0.0; 3];
    for (i, row) in m.iter().enumerate() {
        out[i] = 255.0 * from_linear(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]);
    }
    out
}

fn profile_png(rgb: [u8; 3], icc: Vec<u8>) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_pixel(64, 64, image::Rgb(rgb));
    let mut out = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new(&mut out);
    enc.set_icc_profile(icc).unwrap();
    enc.write_image(img.as_raw(), 64, 64, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn display_p3_and_adobe_rgb_reds_become_the_colour_managed_srgb_red() {
    let p3_to_srgb = [
        [1.2249, -0.2247, 0.0],
        [-0.0420, 1.0419, 0.0],
        [-0.0197, -0.0786, 1.0979],
    ];
    let adobe_to_srgb = [
        [1.3982, -0.3982, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, -0.0429, 1.0429],
    ];
    let adobe_decode: fn(f64) -> f64 = |c| c.powf(563.0 / 256.0);
    let seal = [200u8, 60, 50];
    let cases = [
        (
            "p3.png",
            moxcms::ColorProfile::new_display_p3(),
            expected_srgb(seal, to_linear, p3_to_srgb),
        ),
        (
            "adobe.png",
            moxcms::ColorProfile::new_adobe_rgb(),
            expected_srgb(seal, adobe_decode, adobe_to_srgb),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, profile, _) in &cases {
        fs::write(
            dir.path().join(name),
            profile_png(seal, profile.encode().unwrap()),
        )
        .unwrap();
    }
    // A lossless output, so the comparison measures colour management, not JPEG.
    let (code, records, out) = convert(&[dir.path()], &["--format", "png", "--min-size", "10"]);
    assert_eq!(code, Some(0), "{records:?}");
    for (name, _, want) in &cases {
        let stem = name.trim_end_matches(".png");
        let path = out.path().join(format!("{stem}.png"));
        let bytes = fs::read(&path).unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"iCCP"),
            "{name}: profile left in the output"
        );
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let n = f64::from(img.width() * img.height());
        for (c, want) in want.iter().enumerate() {
            let mean = img.pixels().map(|p| f64::from(p.0[c])).sum::<f64>() / n;
            assert!(
                (mean - want).abs() < 2.0,
                "{name} channel {c}: {mean:.1}, want {want:.1}"
            );
        }
        // And the conversion did something: the unmanaged value would be far off.
        let got = img.get_pixel(0, 0).0;
        assert!(got != seal, "{name}: pixels passed through unconverted");
    }
}
