//! Verdicts that tell the truth: a picture the portal will not accept (black-and-white
//! or grey) is written, but its record says `upload_ready: false`, the same in the API's
//! answer and in `scanfit convert`'s report; a colour photo is ready. Real pictures
//! from tests/fixtures/real (provenance in its README).
#![cfg(all(feature = "cli", feature = "serve"))]

mod common;
mod server;

use std::ffi::OsStr;
use std::fs;

use common::{read_report, scanfit};
use server::{post, Server};

const BILEVEL: &str = "tests/fixtures/real/scan_bilevel_g4.tif";
const GREY: &str = "tests/fixtures/real/scan_text_gray.png";
const PHOTO: &str = "tests/fixtures/real/photo_orient6_gps.jpg";

/// The API's one record for `path`, with its output decoded as a check that it exists.
fn api_record(server: &Server, path: &str) -> serde_json::Value {
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let answer = post(
        &server.url(&format!("/api/v1/convert?as=json&name={name}")),
        &[],
        &fs::read(path).unwrap(),
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let json = answer.json();
    let outputs = json["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "the file is still offered");
    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    records[0].clone()
}

/// `scanfit convert`'s report record for `path`.
fn cli_record(path: &str) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.jsonl");
    let output = scanfit(&[
        OsStr::new("convert"),
        OsStr::new(path),
        OsStr::new("-o"),
        out.path().join("out").as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ]);
    assert!(output.status.code().is_some());
    let records = read_report(&report);
    assert_eq!(records.len(), 1);
    records[0].clone()
}

#[test]
fn black_and_white_and_grey_are_not_upload_ready_in_the_api_and_the_cli_alike() {
    let server = Server::start(&[]);
    for (path, ready) in [(BILEVEL, false), (GREY, false), (PHOTO, true)] {
        let api = api_record(&server, path);
        let cli = cli_record(path);
        assert_eq!(api["upload_ready"], ready, "{path}: {api}");
        assert_eq!(cli["upload_ready"], ready, "{path}: {cli}");
        // Written all the same: the person may have nothing better.
        assert!(
            matches!(api["status"].as_str(), Some("ok" | "warn")),
            "{api}"
        );
        if !ready {
            let codes = api["warning_codes"].as_array().unwrap();
            assert!(
                codes.iter().any(|c| c == "grayscale" || c == "bilevel"),
                "{path}: {codes:?}"
            );
        }
    }
    // The picture answer carries the same in its record header.
    let answer = post(
        &server.url("/api/v1/convert?name=scan.tif"),
        &[],
        &fs::read(BILEVEL).unwrap(),
    );
    assert_eq!(answer.status, 200);
    image::load_from_memory(&answer.body).expect("the picture decodes");
    let record: serde_json::Value =
        serde_json::from_str(answer.header("scanfit-record").unwrap()).unwrap();
    assert_eq!(record["upload_ready"], false);
}
