//! End to end: PDFs whose pages are JBIG2 (OCRmyPDF's real test files,
//! tests/fixtures/pages/README.md) through the real binary, with the system's jbig2dec
//! and with a library name that does not load, which is what a machine without
//! `libjbig2dec0` sees.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use lopdf::{Document, Object};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name)
}

/// Whether the system's jbig2dec is there to test with; CI sets SCANFIT_REQUIRE_JBIG2,
/// where a missing library fails instead.
fn have_jbig2dec() -> bool {
    let found = ["libjbig2dec.so.0"].iter().any(|name| {
        [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
        ]
        .iter()
        .any(|dir| Path::new(dir).join(name).exists())
    });
    if !found {
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_JBIG2").is_none(),
            "SCANFIT_REQUIRE_JBIG2 is set but libjbig2dec.so.0 is not installed"
        );
        eprintln!("skipped: jbig2dec is not installed (apt install libjbig2dec0)");
    }
    found
}

/// Runs the binary in `lang`, with `SCANFIT_JBIG2_LIBRARY` set when `library` is given.
fn run(args: &[&OsStr], lang: &str, library: Option<&str>) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("scanfit").unwrap();
    cmd.env("SCANFIT_LANG", lang).args(args);
    match library {
        Some(name) => cmd.env("SCANFIT_JBIG2_LIBRARY", name),
        None => cmd.env_remove("SCANFIT_JBIG2_LIBRARY"),
    };
    cmd.output().unwrap()
}

/// `jbig2.pdf` with its page's JBIG2 data cut in half (the PDF itself intact).
fn cut_jbig2_pdf() -> Vec<u8> {
    let mut doc = Document::load(fixture("jbig2.pdf")).unwrap();
    let stream = doc
        .objects
        .values_mut()
        .filter_map(|o| o.as_stream_mut().ok())
        .find(|s| {
            s.dict
                .get(b"Filter")
                .and_then(Object::as_name)
                .is_ok_and(|f| f == b"JBIG2Decode")
        })
        .unwrap();
    let half = stream.content[..stream.content.len() / 2].to_vec();
    stream.set_content(half);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn jbig2_pages_are_read_and_reported_black_and_white() {
    if !have_jbig2dec() {
        return;
    }
    let inputs = [fixture("jbig2.pdf"), fixture("linn.pdf")];
    let mut args = vec![OsStr::new("check"), OsStr::new("--json")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    let out = run(&args, "en", None);
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["record"] == "file")
        .collect();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!(
            (record["width"].as_u64(), record["height"].as_u64()),
            (Some(2550), Some(3300)),
            "{record}"
        );
        assert_eq!(record["colour"], "bilevel", "{record}");
        let codes: Vec<&str> = record["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"bilevel"), "{record}");
        assert!(!codes.contains(&"unreadable"), "{record}");
    }
}

#[test]
fn a_cut_jbig2_page_fails_alone_and_the_batch_goes_on() {
    if !have_jbig2dec() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    fs::copy(fixture("jbig2.pdf"), inputs.join("good.pdf")).unwrap();
    fs::write(inputs.join("cut.pdf"), cut_jbig2_pdf()).unwrap();
    let out_dir = dir.path().join("out");
    let out = run(
        &[
            OsStr::new("convert"),
            inputs.as_os_str(),
            OsStr::new("-o"),
            out_dir.as_os_str(),
        ],
        "en",
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("cut.pdf")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("page 1 is damaged: the JBIG2 data ends inside segment"),
        "{stderr}"
    );
    // The good page was converted: a picture of white paper with some ink.
    let outputs = files_under(&out_dir);
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    assert!(outputs[0].to_string_lossy().contains("good"), "{outputs:?}");
    let picture = assert_clean_output(&outputs[0]).to_luma8();
    let white = picture.pixels().filter(|p| p.0[0] > 200).count();
    let dark = picture.pixels().filter(|p| p.0[0] < 60).count();
    assert!(white * 10 > picture.len() * 8, "paper stays white");
    assert!(
        dark * 200 > picture.len(),
        "the text survives: {dark} dark pixels"
    );
}

#[test]
fn without_jbig2dec_the_page_says_what_to_install_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let jbig2 = fixture("jbig2.pdf");
    let other = fixture("scan_2pages.pdf");
    for (lang, sentence) in [
        (
            "en",
            "page 1 is stored as JBIG2, which needs jbig2dec at run time (Debian/Ubuntu: apt install libjbig2dec0)",
        ),
        (
            "zh",
            "第 1 页以 JBIG2 存储，读取它需要系统装有 jbig2dec（Debian/Ubuntu：apt install libjbig2dec0）",
        ),
    ] {
        let out = run(
            &[
                OsStr::new("convert"),
                jbig2.as_os_str(),
                other.as_os_str(),
                OsStr::new("-o"),
                out_dir.as_os_str(),
                OsStr::new("--overwrite"),
            ],
            lang,
            Some("libjbig2dec-not-here.so.9"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        let line = stderr
            .lines()
            .find(|l| l.contains("jbig2.pdf"))
            .unwrap_or_else(|| panic!("no line for jbig2.pdf: {stderr}"));
        assert!(line.contains(sentence), "{lang}: {line}");
        assert!(line.contains("libjbig2dec-not-here.so.9"), "{lang}: {line}");
        // The other PDF's two pages were converted all the same.
        let outputs = files_under(&out_dir);
        assert_eq!(outputs.len(), 2, "{lang}: {outputs:?}");
        for output in &outputs {
            assert_clean_output(output);
        }
    }
}
