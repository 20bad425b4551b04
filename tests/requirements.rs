//! What a filing needs, scenario by scenario as an agency files: the real binary on
//! copies of the bundled corpus (`corpus/`, see corpus/README.md for where each picture
//! comes from) renamed as the documents of a filing, with a fixed filing date.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The filing date every run uses.
const FILED_ON: &str = "2026-11-30";

/// The built-in rules, as `scanfit rules --toml` prints them.
fn builtin_toml() -> String {
    let out = common::scanfit(&["rules".as_ref(), "--toml".as_ref()]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// A temporary tree of client folders made of corpus pictures (inputs stay untouched).
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copies corpus file `from` (relative to corpus/) to `to` (relative to the tree).
    fn copy(&self, from: &str, to: &str) -> PathBuf {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let to = self.path(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(corpus.join(from), &to).unwrap();
        to
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// `scanfit check clients --json --filed-on FILED_ON` plus `extra`.
    fn check(&self, extra: &[&str]) -> Output {
        let clients = self.path("clients");
        let mut args: Vec<&OsStr> = vec![
            "check".as_ref(),
            clients.as_os_str(),
            "--json".as_ref(),
            "--filed-on".as_ref(),
            FILED_ON.as_ref(),
        ];
        args.extend(extra.iter().map(|a| OsStr::new(*a)));
        common::scanfit(&args)
    }
}

/// The JSON lines of a run's stdout.
fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The line of the file (or folder) whose path ends with `tail`.
fn line<'a>(lines: &'a [Value], tail: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| {
            let path = l["input"].as_str().or(l["folder"].as_str()).unwrap();
            path.ends_with(tail)
        })
        .unwrap_or_else(|| panic!("no line for {tail} in {lines:?}"))
}

/// The codes of the reasons of the file (or folder) whose path ends with `tail`.
fn codes(lines: &[Value], tail: &str) -> Vec<String> {
    line(lines, tail)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

fn has(codes: &[String], code: &str) -> bool {
    codes.iter().any(|c| c == code)
}

/// The built-in rules with `from` replaced by `to` (once), as a file in the tree.
fn rules_with(tree: &Tree, name: &str, from: &str, to: &str) -> String {
    let toml = builtin_toml();
    assert!(toml.contains(from), "{from}");
    let path = tree.write(name, &toml.replacen(from, to, 1));
    path.to_str().unwrap().to_owned()
}

/// One client's pictures, each limit of the rules file met or missed by one of them.
fn one_client() -> Tree {
    let tree = Tree::new();
    tree.copy("客户C/网站首页 截图.gif", "clients/甲公司/网站首页截图.gif");
    tree.copy("客户A/授权书 2024.jpg", "clients/甲公司/授权书.jpg");
    tree.copy("客户B/手持身份证 照片.jpg", "clients/甲公司/手持身份证.jpg");
    tree.copy("客户C/打印件 300dpi 黑白.tif", "clients/甲公司/营业执照 黑白.tif");
    tree.copy("客户C/事业单位 批文.jpg", "clients/甲公司/事业单位法人证书.jpg");
    tree.copy("客户B/域名证书.png", "clients/甲公司/域名证书.png");
    tree
}

#[test]
fn every_limit_check_applies_comes_from_the_rules_file_and_flags_override_it() {
    let tree = one_client();
    let base = lines(&tree.check(&[]));
    // Each change: the line of the rules file, its new text, the file whose verdict
    // changes, the code that appears (true) or goes away (false).
    let cases: [(&str, &str, &str, &str, bool); 9] = [
        (
            "formats = [\"jpg\", \"jpeg\", \"png\", \"gif\"]",
            "formats = [\"jpg\", \"jpeg\", \"png\"]",
            "网站首页截图.gif",
            "not_accepted",
            true,
        ),
        (
            "min_bytes = 204800",
            "min_bytes = 100000",
            "授权书.jpg",
            "too_small",
            false,
        ),
        (
            "max_bytes = 4000000",
            "max_bytes = 1000000",
            "手持身份证.jpg",
            "too_large",
            true,
        ),
        (
            "colour = true",
            "colour = false",
            "营业执照 黑白.tif",
            "bilevel",
            false,
        ),
        (
            "min_long_edge = 1200",
            "min_long_edge = 1400",
            "事业单位法人证书.jpg",
            "low_resolution",
            true,
        ),
        (
            "min_sharpness = 12.0",
            "min_sharpness = 1000.0",
            "事业单位法人证书.jpg",
            "blurred",
            true,
        ),
        (
            "max_bytes = 4000000",
            "max_bytes = 4000000\nmin_pixels = [500, 300]",
            "域名证书.png",
            "too_few_pixels",
            true,
        ),
        (
            "max_bytes = 4000000",
            "max_bytes = 4000000\nmax_pixels = [3000, 3000]",
            "手持身份证.jpg",
            "too_many_pixels",
            true,
        ),
        (
            "max_bytes = 4000000",
            "max_bytes = 4000000\nmin_pixels = [3000, 300]",
            "授权书.jpg",
            "too_few_pixels",
            true,
        ),
    ];
    for (i, (from, to, file, code, appears)) in cases.into_iter().enumerate() {
        assert_eq!(has(&codes(&base, file), code), !appears, "built-in: {file} {code}");
        let rules = rules_with(&tree, &format!("rules{i}.toml"), from, to);
        let changed = lines(&tree.check(&["--rules", &rules]));
        assert_eq!(
            has(&codes(&changed, file), code),
            appears,
            "{to}: {file} {code}: {:?}",
            codes(&changed, file)
        );
    }
    // The words say which formats the rules take.
    let rules = rules_with(&tree, "nogif.toml", "\"png\", \"gif\"]", "\"png\"]");
    let changed = lines(&tree.check(&["--rules", &rules]));
    let gif = &line(&changed, "网站首页截图.gif")["reasons"][0]["message"];
    assert!(
        gif.as_str().unwrap().contains("only JPG, JPEG, PNG are"),
        "{gif}"
    );
    // A flag wins over the rules file: --max-size over the file's max_bytes.
    let small = rules_with(&tree, "small.toml", "max_bytes = 4000000", "max_bytes = 1000000");
    let flagged = lines(&tree.check(&["--rules", &small, "--max-size", "4MB"]));
    assert!(!has(&codes(&flagged, "手持身份证.jpg"), "too_large"));
}

#[test]
fn convert_fits_the_band_of_the_rules_file() {
    let tree = Tree::new();
    let input = tree.copy("客户A/营业执照 扫描.png", "in/营业执照.png");
    let rules = rules_with(&tree, "two.toml", "max_bytes = 4000000", "max_bytes = 2000000");
    let out_dir = tree.path("out");
    let out = common::scanfit(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out_dir.as_os_str(),
        "--rules".as_ref(),
        rules.as_ref(),
        "--quiet".as_ref(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let outputs = common::files_under(&out_dir);
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    let len = fs::metadata(&outputs[0]).unwrap().len();
    assert!((204_800..=2_000_000).contains(&len), "{len}");
    image::open(&outputs[0]).unwrap();
}
