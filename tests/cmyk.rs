//! CMYK JPEGs with an embedded profile (issue 16, item 4): the ink must become the sRGB
//! colours the profile describes, as Little CMS computes them, not the generic
//! "each ink takes its share of the light" formula.
//!
//! `tests/fixtures/cmyk/make.py` wrote a LUT-based CMYK profile from a simple ink model,
//! a CMYK JPEG of 64 flat patches with it embedded, and, once, Little CMS's sRGB for the
//! centre of every patch (`expected.json`). Tolerances: the profile is applied to the
//! same libjpeg-decoded ink by two CMMs that interpolate the same 9⁴ table in their own
//! ways and encode Lab → sRGB each with its own rounding, so a few levels of difference
//! are expected (measured: mean 0.4, at most 2 before encoding); the converted JPEG adds
//! its own compression error on top (flat patches, centres only).

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cmyk")
        .join(name)
}

struct Patch {
    x: u32,
    y: u32,
    cmyk: [u8; 4],
    srgb: [u8; 3],
}

fn expected() -> Vec<Patch> {
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(fixture("expected.json")).unwrap()).unwrap();
    let arr = |v: &serde_json::Value| -> Vec<u8> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap() as u8)
            .collect()
    };
    json["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Patch {
            x: p["x"].as_u64().unwrap() as u32,
            y: p["y"].as_u64().unwrap() as u32,
            cmyk: arr(&p["cmyk"]).try_into().unwrap(),
            srgb: arr(&p["srgb"]).try_into().unwrap(),
        })
        .collect()
}

/// Mean and largest per-channel difference between `rgb`'s patch centres and Little CMS.
fn error_against_lcms(rgb: &image::RgbImage, patches: &[Patch]) -> (f64, u8) {
    let mut sum = 0u64;
    let mut worst = 0u8;
    for p in patches {
        let got = rgb.get_pixel(p.x, p.y).0;
        for (a, b) in got.iter().zip(p.srgb) {
            let d = a.abs_diff(b);
            sum += u64::from(d);
            worst = worst.max(d);
        }
    }
    (sum as f64 / (patches.len() * 3) as f64, worst)
}

/// The generic formula on the decoded ink, for the "before" number.
fn generic(patches: &[Patch]) -> image::RgbImage {
    let mut img = image::RgbImage::new(256, 256);
    for p in patches {
        let light = 255 - u32::from(p.cmyk[3]);
        let ch = |c: u8| ((255 - u32::from(c)) * light / 255) as u8;
        img.put_pixel(
            p.x,
            p.y,
            image::Rgb([ch(p.cmyk[0]), ch(p.cmyk[1]), ch(p.cmyk[2])]),
        );
    }
    img
}

#[test]
fn the_embedded_cmyk_profile_is_applied_as_little_cms_applies_it() {
    let patches = expected();
    let bytes = fs::read(fixture("cmyk_profiled.jpg")).unwrap();
    let opts = scanfit::Options::default();
    let mut source = scanfit::pipeline::decode_bytes(&bytes, None, &opts)
        .unwrap()
        .unwrap();
    let decoded = source.pictures.next().unwrap().decoded.unwrap();
    assert_eq!(decoded.cmyk, Some(scanfit::decode::CmykConversion::Profile));
    assert!(decoded.metadata.icc, "the profile is reported as removed");
    let mut warnings = Vec::new();
    let (pixels, _) =
        scanfit::pipeline::prepare(decoded, &scanfit::options::Limits::default(), &mut warnings);
    assert!(
        !warnings.contains(&scanfit::Warning::CmykApproximate),
        "{warnings:?}"
    );
    let rgb = pixels.into_dynamic().to_rgb8();
    let (mean, worst) = error_against_lcms(&rgb, &patches);
    let (generic_mean, generic_worst) = error_against_lcms(&generic(&patches), &patches);
    eprintln!(
        "against Little CMS: profile applied mean {mean:.2} max {worst}; \
         generic formula mean {generic_mean:.2} max {generic_worst}"
    );
    assert!(mean <= 1.0 && worst <= 4, "mean {mean:.2}, max {worst}");
    // The fixture is one the generic formula gets visibly wrong.
    assert!(generic_mean > 8.0, "{generic_mean:.2}");
}

#[test]
fn convert_writes_the_profiled_colours_without_the_cmyk_warning() {
    let patches = expected();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    let run = scanfit(&[
        OsStr::new("convert"),
        fixture("cmyk_profiled.jpg").as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
        OsStr::new("--subsampling"),
        OsStr::new("444"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let record = &read_report(&report)[0];
    let codes = &record["warning_codes"];
    assert!(
        codes
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c != "cmyk" && c != "cmyk_profile_ignored"),
        "{codes}"
    );
    assert_eq!(record["metadata_removed"]["icc"], true);
    let output = PathBuf::from(record["output"].as_str().unwrap());
    let img = assert_clean_output(&output).to_rgb8();
    // The small fixture is enlarged into the band: patch centres scale with it.
    let scale = f64::from(img.width()) / 256.0;
    let scaled: Vec<Patch> = patches
        .iter()
        .map(|p| Patch {
            x: (f64::from(p.x) * scale) as u32,
            y: (f64::from(p.y) * scale) as u32,
            ..*p
        })
        .collect();
    let (mean, worst) = error_against_lcms(&img, &scaled);
    eprintln!("converted output against Little CMS: mean {mean:.2} max {worst}");
    assert!(mean <= 2.0 && worst <= 8, "mean {mean:.2}, max {worst}");
}

#[test]
fn without_a_profile_the_generic_formula_and_its_warning_remain() {
    // The same JPEG with its ICC segments removed.
    let bytes = fs::read(fixture("cmyk_profiled.jpg")).unwrap();
    let kept: Vec<(u8, Vec<u8>)> = jpeg_markers(&bytes)
        .into_iter()
        .filter(|(m, p)| !(*m == 0xE2 && p.starts_with(b"ICC_PROFILE")))
        .collect();
    let stripped = rebuild(&bytes, &kept);
    let opts = scanfit::Options::default();
    let mut source = scanfit::pipeline::decode_bytes(&stripped, None, &opts)
        .unwrap()
        .unwrap();
    let decoded = source.pictures.next().unwrap().decoded.unwrap();
    assert_eq!(
        decoded.cmyk,
        Some(scanfit::decode::CmykConversion::Generic {
            profile_ignored: None
        })
    );
    let mut warnings = Vec::new();
    let (pixels, _) =
        scanfit::pipeline::prepare(decoded, &scanfit::options::Limits::default(), &mut warnings);
    assert!(warnings.contains(&scanfit::Warning::CmykApproximate));
    let patches = expected();
    let rgb = pixels.into_dynamic().to_rgb8();
    let (mean, _) = error_against_lcms(&rgb, &patches);
    let (generic_mean, _) = error_against_lcms(&generic(&patches), &patches);
    assert!(
        (mean - generic_mean).abs() < 0.5,
        "{mean} vs {generic_mean}"
    );
}

/// `original`'s SOI, then `segments`, then its data from the first SOS on.
fn rebuild(original: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let sos = original.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let mut out = vec![0xFF, 0xD8];
    for (m, payload) in segments {
        out.extend([0xFF, *m]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    }
    out.extend(&original[sos..]);
    out
}
