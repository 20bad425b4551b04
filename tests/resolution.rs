//! The scan's resolution survives conversion (issue 16, item 3): the output states the
//! source's dots per inch, scaled with any resize so the paper keeps its physical size,
//! in the JFIF density (JPEG) or a pHYs chunk (PNG); PDF pages get the resolution of
//! their image's pixels over the size it is drawn at. Nothing else of the metadata
//! comes back (assert_clean_output). Resolutions are read here with parsers of the
//! test's own, not scanfit's.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// (dpi across, dpi down) from a JPEG's JFIF segment, when it states inches.
fn jfif_dpi(jpeg: &[u8]) -> Option<(f64, f64)> {
    let (_, p) = jpeg_markers(jpeg)
        .into_iter()
        .find(|(m, p)| *m == 0xE0 && p.starts_with(b"JFIF\0"))?;
    let v = |i: usize| f64::from(u16::from_be_bytes([p[i], p[i + 1]]));
    match p[7] {
        1 => Some((v(8), v(10))),
        2 => Some((v(8) * 2.54, v(10) * 2.54)),
        _ => None,
    }
}

/// (dpi across, dpi down) from a PNG's pHYs chunk, when it states metres.
fn phys_dpi(png: &[u8]) -> Option<(f64, f64)> {
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if &png[pos + 4..pos + 8] == b"pHYs" && png[pos + 16] == 1 {
            let v = |i: usize| {
                f64::from(u32::from_be_bytes(png[i..i + 4].try_into().unwrap())) * 0.0254
            };
            return Some((v(pos + 8), v(pos + 12)));
        }
        pos += 12 + len;
    }
    None
}

/// Converts `input` with `extra` flags and returns the output's path and record.
fn convert(input: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("convert"),
        input.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let run = scanfit(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let record = read_report(&report).remove(0);
    let output = PathBuf::from(record["output"].as_str().unwrap());
    (dir, output, record)
}

/// Asserts the output's physical size (pixels over dpi) is `inches`, within 0.5 %.
fn assert_same_paper(output: &Path, dpi: (f64, f64), inches: (f64, f64)) {
    let img = image::open(output).unwrap();
    let size = (
        f64::from(img.width()) / dpi.0,
        f64::from(img.height()) / dpi.1,
    );
    let close = |a: f64, b: f64| (a - b).abs() <= b * 0.005;
    assert!(
        close(size.0, inches.0) && close(size.1, inches.1),
        "{}: {}×{} px at {dpi:?} dpi is {size:?} in, the source was {inches:?} in",
        output.display(),
        img.width(),
        img.height()
    );
}

#[test]
fn a_resized_jpeg_scan_keeps_its_paper_size() {
    // A real 150-dpi book-page scan in a band so low that it must be downscaled: the
    // output's dpi must shrink with it.
    let input = repo("corpus/客户A/授权书 2024.jpg");
    let source = fs::read(&input).unwrap();
    let dpi_in = jfif_dpi(&source).expect("the source states its dpi");
    let img = image::load_from_memory(&source).unwrap();
    let inches = (
        f64::from(img.width()) / dpi_in.0,
        f64::from(img.height()) / dpi_in.1,
    );
    let band = [
        "--min-size",
        "20KB",
        "--max-size",
        "60KB",
        "--min-long-edge",
        "600",
    ];
    let (_dir, output, record) = convert(&input, &band);
    assert!(record["scale"].as_f64().unwrap() < 0.9, "{record}");
    let dpi_out = jfif_dpi(&fs::read(&output).unwrap()).expect("the output states its dpi");
    assert!(dpi_out.0 < dpi_in.0, "{dpi_out:?}");
    assert_same_paper(&output, dpi_out, inches);
}

#[test]
fn a_scan_decoded_smaller_keeps_its_paper_size() {
    // The real 150-dpi scan (1052×1524) under a pixel limit it is over: decoded at half
    // size, its dpi halves with it, and the output is still the same paper.
    let input = repo("corpus/客户A/授权书 2024.jpg");
    let source = fs::read(&input).unwrap();
    let dpi_in = jfif_dpi(&source).expect("the source states its dpi");
    let inches = (1052.0 / dpi_in.0, 1524.0 / dpi_in.1);
    let (_dir, output, record) = convert(&input, &["--max-pixels", "1000000"]);
    assert_eq!(record["warning_codes"][0], "reduced", "{record}");
    assert_eq!(record["width_in"], 526, "{record}");
    let dpi_out = jfif_dpi(&fs::read(&output).unwrap()).expect("the output states its dpi");
    assert_clean_output(&output);
    assert_same_paper(&output, dpi_out, inches);
}

#[test]
fn a_stripped_jpeg_keeps_its_dpi() {
    let input = repo("corpus/客户C/事业单位 批文.jpg");
    let dpi_in = jfif_dpi(&fs::read(&input).unwrap()).unwrap();
    let (_dir, output, record) = convert(&input, &[]);
    assert_eq!(record["method"], "stripped", "{record}");
    assert_clean_output(&output);
    assert_eq!(jfif_dpi(&fs::read(&output).unwrap()), Some(dpi_in));
}

#[test]
fn a_300_dpi_tiff_scan_becomes_a_png_with_its_phys() {
    // Real 300-dpi G4 scan (tests/fixtures/real/README.md).
    let input = repo("tests/fixtures/real/scan_bilevel_g4.tif");
    let (_dir, output, _) = convert(&input, &["--format", "png", "--min-size", "1KB"]);
    assert_clean_output_lenient(&output);
    let dpi = phys_dpi(&fs::read(&output).unwrap()).expect("a pHYs chunk");
    assert_same_paper(&output, dpi, (2157.0 / 300.0, 2968.0 / 300.0));
}

#[test]
fn a_pdf_page_gets_the_resolution_of_its_drawn_size() {
    // A real JPEG drawn over a page of 4 × 3 inches (288 × 216 points).
    let jpeg = fs::read(repo("tests/fixtures/damaged/restart.jpg")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("scan.pdf");
    fs::write(&input, pdf_of_jpegs(&[(&jpeg, 288.0, 216.0)])).unwrap();
    let (_out_dir, output, _) = convert(&input, &[]);
    assert_clean_output(&output);
    let dpi = jfif_dpi(&fs::read(&output).unwrap()).expect("the output states its dpi");
    assert_same_paper(&output, dpi, (4.0, 3.0));
}

/// Checks a PNG output as assert_clean_output does, except the band (the test chose a
/// small one).
fn assert_clean_output_lenient(path: &Path) {
    let bytes = fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        assert!(
            matches!(kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"pHYs"),
            "chunk {} left",
            String::from_utf8_lossy(kind)
        );
        pos += 12 + len;
    }
    image::load_from_memory(&bytes).unwrap();
}
