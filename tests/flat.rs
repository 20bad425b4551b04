//! Pictures too flat to reach the portal's minimum: a plain encode leaves them under
//! 204,800 bytes even enlarged to a 6000-pixel long edge at quality 100. Full chroma
//! and then bounded grain (src/fit.rs, `MAX_GRAIN`) bring them into the band; the outputs are decoded and compared with the sources.

mod common;

use std::path::PathBuf;

use common::*;
use image::imageops::FilterType;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/flat")
        .join(name)
}

/// Converts `name`, checks the output is a clean JPEG in the band that still shows the
/// source, and returns its report record and bytes.
fn converts_into_the_band(name: &str) -> (serde_json::Value, Vec<u8>) {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.jsonl");
    let dest = out.path().join("out");
    let output = scanfit(&[
        "convert".as_ref(),
        fixture(name).as_os_str(),
        "-o".as_ref(),
        dest.as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = read_report(&report).remove(0);
    let stem = name.trim_end_matches(".png");
    let path = dest.join(format!("{stem}.jpg"));
    assert_clean_output(&path);
    let bytes = std::fs::read(&path).unwrap();
    // The output is the source enlarged, plus grain of at most ±4 levels and JPEG at
    // quality 100: against the source enlarged here with the same kind of filter
    // (Catmull-Rom), the mean difference is a few levels, far from the ~100 levels
    // between the glyphs and their background.
    let source = image::open(fixture(name)).unwrap().to_rgb8();
    let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let (w, h) = source.dimensions();
    let (ow, oh) = decoded.dimensions();
    assert!(ow.max(oh) > 4 * w.max(h), "{name}: {ow}×{oh} not enlarged");
    let ratio = f64::from(ow) / f64::from(oh) / (f64::from(w) / f64::from(h));
    assert!((ratio - 1.0).abs() < 0.01, "{name}: aspect changed");
    let enlarged = image::imageops::resize(&source, ow, oh, FilterType::CatmullRom);
    let diff: f64 = decoded
        .as_raw()
        .iter()
        .zip(enlarged.as_raw())
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / enlarged.as_raw().len() as f64;
    assert!(diff < 4.0, "{name}: mean difference {diff:.2}");
    (record, bytes)
}

/// Each component's sampling factors (horizontal, vertical) from the JPEG's frame header.
fn sampling(jpeg: &[u8]) -> Vec<(u8, u8)> {
    let (_, frame) = jpeg_markers(jpeg)
        .into_iter()
        .find(|(m, _)| matches!(m, 0xC0..=0xC2))
        .expect("a frame header");
    frame[6..]
        .chunks(3)
        .map(|c| (c[1] >> 4, c[1] & 0x0F))
        .collect()
}

#[test]
fn a_one_line_text_strip_reaches_the_minimum() {
    let (record, bytes) = converts_into_the_band("text_strip_high_ascii.png");
    assert_eq!(sampling(&bytes).len(), 1, "a grey picture stays grey");
    let warnings = record["warnings"].to_string();
    assert!(warnings.contains("grain added (±"), "{warnings}");
}

#[test]
fn a_flat_colour_graphic_reaches_the_minimum() {
    let (record, bytes) = converts_into_the_band("flat_graphic_rtl_text.png");
    // Colour at full resolution in every component: the first invisible source of bytes.
    assert_eq!(sampling(&bytes), vec![(1, 1); 3]);
    assert_eq!(record["quality"], 100);
}
