//! Damaged JPEG data (issue 16, item 1): real JPEGs (baseline, progressive, with restart
//! markers) damaged in the middle of their entropy-coded data, each confirmed corrupt
//! by libjpeg-turbo's djpeg when `tests/fixtures/damaged/make.py` made it. convert must
//! refuse every one (also on the lossless pass-through path, which the small band used
//! here selects for the originals), check must FAIL it, and a PDF page holding one must
//! fail while its good page converts. The undamaged originals must still pass.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damaged")
}

const ORIGINALS: [&str; 3] = ["baseline.jpg", "progressive.jpg", "restart.jpg"];

/// The damaged fixtures, by name.
fn damaged() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".jpg") && !ORIGINALS.contains(&n.as_str()))
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "{names:?}");
    names
}

/// A band the small fixtures fall inside, so compliant ones take the stripped path.
const SMALL_BAND: [&str; 4] = ["--min-size", "1KB", "--max-size", "4MB"];

#[test]
fn convert_refuses_every_damaged_jpeg_and_passes_the_originals_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("convert"),
        fixtures().into_os_string().leak(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ];
    args.extend(SMALL_BAND.iter().map(OsStr::new));
    let run = scanfit(&args);
    assert_eq!(
        run.status.code(),
        Some(1),
        "a damaged file must fail the run"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    let records = read_report(&report);
    let record = |name: &str| {
        records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no record for {name}"))
    };
    for name in ORIGINALS {
        let r = record(name);
        assert!(r["status"] == "ok" || r["status"] == "warn", "{name}: {r}");
        // The pass-through that never decoded strictly before.
        assert_eq!(r["method"], "stripped", "{name}: {r}");
        let output = PathBuf::from(r["output"].as_str().unwrap());
        image::load_from_memory(&fs::read(&output).unwrap()).unwrap();
    }
    for name in damaged() {
        let r = record(&name);
        assert_eq!(r["status"], "failed", "{name}: {r}");
        // A cut that took the end of the file with it is the truncation scanfit always
        // refused (`corrupt`); every other damage has its own code.
        let code = r["error_code"].as_str().unwrap();
        assert!(
            code == "corrupt_data" || (code == "corrupt" && name.contains("_cut")),
            "{name}: {r}"
        );
        assert!(
            stderr.contains(&name),
            "{name} is not named on the terminal"
        );
        assert!(r["output"].is_null(), "{name}: {r}");
        let stem = name.trim_end_matches(".jpg");
        assert!(
            !files_under(&out)
                .iter()
                .any(|o| o.file_stem().unwrap() == stem),
            "{name} has an output"
        );
    }
    assert_eq!(files_under(&out).len(), ORIGINALS.len());
}

#[test]
fn check_fails_every_damaged_jpeg_and_not_the_originals() {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("check"),
        OsStr::new("--json"),
        fixtures().into_os_string().leak(),
    ];
    args.extend(SMALL_BAND.iter().map(OsStr::new));
    let run = scanfit(&args);
    assert_eq!(run.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdict = |name: &str| {
        lines
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no line for {name}"))
    };
    for name in ORIGINALS {
        let r = verdict(name);
        assert_ne!(r["verdict"], "fail", "{name}: {r}");
    }
    for name in damaged() {
        let r = verdict(&name);
        assert_eq!(r["verdict"], "fail", "{name}: {r}");
        let reasons = r["reasons"].as_array().unwrap();
        assert!(
            reasons.iter().any(|x| x["severity"] == "fail"
                && ["damaged", "truncated"]
                    .iter()
                    .any(|w| x["message"].as_str().unwrap().contains(w))),
            "{name}: {r}"
        );
    }
}

#[test]
fn a_pdf_page_with_damaged_jpeg_data_fails_and_the_good_page_converts() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("scan.pdf");
    let good = fs::read(fixtures().join("restart.jpg")).unwrap();
    let bad = fs::read(fixtures().join("baseline_garbled.jpg")).unwrap();
    fs::write(
        &inp,
        pdf_of_jpegs(&[(&good, 400.0, 400.0), (&bad, 400.0, 400.0)]),
    )
    .unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    let run = scanfit(&[
        OsStr::new("convert"),
        inp.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let records = read_report(&report);
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(records[0]["page"], 1);
    assert!(records[0]["status"] == "ok" || records[0]["status"] == "warn");
    assert_eq!(records[1]["page"], 2);
    assert_eq!(records[1]["status"], "failed");
    assert_eq!(records[1]["error_code"], "corrupt_data", "{:?}", records[1]);
    let error = records[1]["error"].as_str().unwrap();
    assert!(error.contains("page 2"), "{error}");
    assert_eq!(files_under(&out), [out.join("scan_p1.jpg")]);
}
