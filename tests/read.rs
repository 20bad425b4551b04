//! Dates read off the pictures, end to end: the real binary on client folders with no
//! manifest, whose ID card backs (rendered in a Debian CJK font, see
//! tests/support/render.rs) carry the only dates there are.
//!
//! Needs a CJK font (fonts-noto-cjk); without one the tests say so and pass, unless
//! SCANFIT_REQUIRE_CJK_FONT is set (as .ci/run sets it).

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
    let page = render::page(
        &font,
        1284,
        810,
        &[
            ("中华人民共和国", 66.0, 380.0, 90.0),
            ("居民身份证", 90.0, 380.0, 210.0),
            ("签发机关", 40.0, 220.0, 570.0),
            ("北京市公安局海淀分局", 44.0, 430.0, 566.0),
            ("有效期限", 40.0, 220.0, 670.0),
            (period, 44.0, 430.0, 666.0),
        ],
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    page.save(path).unwrap();
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
    let out = check(&clients, &[]);
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
