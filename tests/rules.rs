//! The document rules end to end: the real binary on the bundled corpus (`corpus/`, real
//! client folders with Chinese names and spaces, see corpus/README.md for where each
//! picture comes from), with manifests in the encodings Excel writes, a fixed filing date
//! (never today's), and the JSON, CSV and sets files the runs write.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The filing date every run uses.
const FILED_ON: &str = "2026-11-30";

/// A copy of corpus client folders in a temporary folder (inputs stay untouched).
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new(clients: &[&str]) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for client in clients {
            let to = dir.path().join("clients").join(client);
            fs::create_dir_all(&to).unwrap();
            for file in fs::read_dir(corpus.join(client)).unwrap() {
                let file = file.unwrap().path();
                fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
            }
        }
        Tree { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(rel);
        fs::write(&path, bytes).unwrap();
        path
    }

    /// `scanfit check clients --json --filed-on FILED_ON` plus `extra`.
    fn check(&self, extra: &[&OsStr]) -> Output {
        self.check_filed_on(FILED_ON, extra)
    }

    /// `scanfit check clients --json --filed-on DATE` plus `extra`, which reads nothing off
    /// the pictures unless `extra` says `--read`: reading is one test's subject here, and
    /// in the debug build it costs seconds a picture.
    fn check_filed_on(&self, date: &str, extra: &[&OsStr]) -> Output {
        let clients = self.path("clients");
        let mut args: Vec<&OsStr> = vec![
            "check".as_ref(),
            clients.as_os_str(),
            "--json".as_ref(),
            "--filed-on".as_ref(),
            date.as_ref(),
        ];
        if !extra.contains(&OsStr::new("--read")) {
            args.extend_from_slice(&["--read".as_ref(), "never".as_ref()]);
        }
        args.extend_from_slice(extra);
        common::scanfit(&args)
    }
}

/// The JSON lines of a run's stdout.
fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The codes of the reasons of the file (or folder) whose path ends with `tail`.
fn codes(lines: &[Value], tail: &str) -> Vec<String> {
    let line = lines
        .iter()
        .find(|l| {
            let path = l["input"].as_str().or(l["folder"].as_str()).unwrap();
            path.ends_with(tail)
        })
        .unwrap_or_else(|| panic!("no line for {tail}"));
    line["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The reason with `code` of the file whose path ends with `tail`.
fn reason<'a>(lines: &'a [Value], tail: &str, code: &str) -> &'a Value {
    let line = lines
        .iter()
        .find(|l| l["input"].as_str().is_some_and(|p| p.ends_with(tail)))
        .unwrap();
    line["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{tail}: no {code} in {line}"))
}

/// A manifest for 客户A and 客户B: dates, provinces, one date left out, one row for a
/// picture that is not there, and what 客户B's filing needs.
const MANIFEST: &str = "文件,类型,办理日,有效期至,省份,备注\n\
    clients/客户A/授权书 2024.jpg,授权书,2026-07-01,,河北,盖章原件\n\
    clients/客户A/营业执照 扫描.png,营业执照,,2027/2/20,,\n\
    clients/客户B/域名证书.png,域名证书,2026年10月10日,,湖南,\n\
    clients/客户B/公司名称变更 证明.jpg,变更证明,,,,\n\
    clients/客户B/在职证明.jpg,在职证明,2026-11-01,,四川,\n\
    clients/客户B/,,,,,\n";

fn arg(s: &Path) -> &OsStr {
    s.as_os_str()
}

#[test]
fn a_manifest_with_chinese_names_and_spaces_gives_each_document_its_dated_findings() {
    let tree = Tree::new(&["客户A", "客户B"]);
    let manifest = tree.write("docs.csv", MANIFEST.as_bytes());
    let out = tree.check(&[
        "--manifest".as_ref(),
        arg(&manifest),
        "--read".as_ref(),
        "auto".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = lines(&out);
    // Hebei allows 6 months: issued 2026-07-01 is inside, 32 days from its limit.
    let auth = codes(&lines, "授权书 2024.jpg");
    assert!(!auth.iter().any(|c| c.starts_with("issued_")), "{auth:?}");
    // The licence expires 2027-02-20; it must be valid until 2027-02-28 (3 months).
    let licence = reason(&lines, "营业执照 扫描.png", "validity_too_short");
    assert_eq!(licence["severity"], "fail");
    assert!(
        licence["message"].as_str().unwrap().contains("2027-02-28"),
        "{licence}"
    );
    // Hunan: a domain certificate within 45 days (earliest 2026-10-16, 6 days over).
    let domain = reason(&lines, "域名证书.png", "issued_outside_window");
    let text = domain["message"].as_str().unwrap();
    assert!(
        text.contains("Hunan allows 45 days (6 days over)"),
        "{text}"
    );
    // A date the rule needs and the manifest leaves empty is read off the picture: this
    // "proof of change" is ocrmypdf's map of Baiona, printed "Eguneratua: 2014/10/04".
    let change = codes(&lines, "公司名称变更 证明.jpg");
    assert!(!change.contains(&"date_missing".to_owned()), "{change:?}");
    assert!(change.contains(&"date_read".to_owned()), "{change:?}");
    let read = reason(&lines, "公司名称变更 证明.jpg", "issued_outside_window");
    assert_eq!(read["severity"], "fail");
    assert!(
        read["message"].as_str().unwrap().contains("2014-10-04"),
        "{read}"
    );
    assert!(change.contains(&"auxiliary_alone".to_owned()), "{change:?}");
    // The kinds found, per file.
    let kind_of = |tail: &str| {
        let l = lines
            .iter()
            .find(|l| l["input"].as_str().is_some_and(|p| p.ends_with(tail)));
        l.unwrap()["kind"].clone()
    };
    assert_eq!(kind_of("营业执照 扫描.png"), "business_licence");
    assert_eq!(kind_of("手持身份证 照片.jpg"), "hand_held");
    // Client folders: a row for a picture that is not there.
    let folder = codes(&lines, "客户B");
    assert_eq!(folder, vec!["manifest_file_missing"], "{folder:?}");
    let b = lines
        .iter()
        .find(|l| l["record"] == "folder" && l["folder"].as_str().unwrap().ends_with("客户B"))
        .unwrap();
    assert_eq!(
        b["documents"]["domain_certificate"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(b["schema"], 3);
}

#[test]
fn the_province_decides_the_window_and_a_manifest_in_gbk_reads_as_utf8() {
    let tree = Tree::new(&["客户A"]);
    // No province in the manifest: the run's decides.
    let text = "file,kind,issued\nclients/客户A/授权书 2024.jpg,authorization,2026/7/1\n";
    let run = |manifest: &Path, province: &str| {
        let out = tree.check(&[
            "--manifest".as_ref(),
            arg(manifest),
            "--province".as_ref(),
            province.as_ref(),
        ]);
        codes(&lines(&out), "授权书 2024.jpg")
    };
    let utf8 = tree.write("utf8.csv", text.as_bytes());
    // Hebei (in pinyin): 6 months. Guangdong: the guide's 3 months.
    assert!(!run(&utf8, "hebei").contains(&"issued_outside_window".to_owned()));
    assert!(run(&utf8, "广东").contains(&"issued_outside_window".to_owned()));
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    let gbk = tree.write("gbk.csv", &gbk);
    let bom = tree.write("bom.csv", &[b"\xef\xbb\xbf", text.as_bytes()].concat());
    for manifest in [&gbk, &bom] {
        assert_eq!(run(manifest, "广东"), run(&utf8, "广东"), "{manifest:?}");
        assert_eq!(run(manifest, "河北"), run(&utf8, "河北"), "{manifest:?}");
    }
}

#[test]
fn a_changed_rules_file_changes_the_verdict_and_rules_shows_it() {
    let tree = Tree::new(&["客户A"]);
    let manifest = tree.write(
        "docs.csv",
        "file,kind,issued,province\nclients/客户A/授权书 2024.jpg,授权书,2026-07-01,河北\n"
            .as_bytes(),
    );
    let builtin = common::scanfit(&["rules".as_ref(), "--toml".as_ref()]);
    assert!(builtin.status.success());
    let toml = String::from_utf8(builtin.stdout).unwrap();
    let hebei = "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"6 months\"";
    assert!(toml.contains(hebei));
    let changed = toml.replace(hebei, &hebei.replace("6 months", "3 months"));
    let rules = tree.write("mine.toml", changed.as_bytes());
    let check = |extra: &[&OsStr]| {
        let mut args = vec!["--manifest".as_ref(), arg(&manifest)];
        args.extend_from_slice(extra);
        codes(&lines(&tree.check(&args)), "授权书 2024.jpg")
    };
    assert!(!check(&[]).contains(&"issued_outside_window".to_owned()));
    let with_rules = check(&["--rules".as_ref(), arg(&rules)]);
    assert!(
        with_rules.contains(&"issued_outside_window".to_owned()),
        "{with_rules:?}"
    );
    // `scanfit rules --json` shows the rules in force, with the guide's version.
    let json = |extra: &[&OsStr]| {
        let mut args = vec!["rules".as_ref(), "--json".as_ref()];
        args.extend_from_slice(extra);
        let out = common::scanfit(&args);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let hebei_window = |v: &Value| {
        v["exceptions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["province"] == "hebei" && e["kind"] == "authorization")
            .unwrap()["issued_within"]
            .clone()
    };
    let builtin = json(&[]);
    assert_eq!(builtin["guide"]["version"], "2026-11-30");
    assert_eq!(hebei_window(&builtin), serde_json::json!({ "months": 6 }));
    assert_eq!(
        hebei_window(&json(&["--rules".as_ref(), arg(&rules)])),
        serde_json::json!({ "months": 3 })
    );
    // The table names the guide and the Sichuan exception.
    let table = common::scanfit(&["rules".as_ref()]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("version 2026-11-30"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("Sichuan") && l.contains("45 days")),
        "{table}"
    );
}

#[test]
fn mistakes_in_the_manifest_the_flags_or_the_rules_stop_the_run_naming_them() {
    let tree = Tree::new(&["客户A"]);
    let bad_date = tree.write(
        "docs.csv",
        "file,kind,issued\nclients/客户A/授权书 2024.jpg,授权书,2026-07-01\nclients/客户A/营业执照 扫描.png,营业执照,2026-13-01\n".as_bytes(),
    );
    let bad_rules = tree.write("bad.toml", b"warn_days = 14\n[guide]\nversion = \"soon\"\n");
    let cases: [(&str, Vec<&OsStr>, &str); 4] = [
        (
            FILED_ON,
            vec!["--manifest".as_ref(), arg(&bad_date)],
            "docs.csv, row 3, column C (issued): '2026-13-01' is not a date",
        ),
        ("30.11.2026", vec![], "'30.11.2026' is not a date"),
        (
            FILED_ON,
            vec!["--province".as_ref(), "火星".as_ref()],
            "(--province)",
        ),
        (
            FILED_ON,
            vec!["--rules".as_ref(), arg(&bad_rules)],
            "bad.toml, line",
        ),
    ];
    for (date, extra, want) in cases {
        let out = tree.check_filed_on(date, &extra);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
        assert!(out.stdout.is_empty(), "nothing is checked: {extra:?}");
    }
    // An unknown kind is a finding, not a stop: the file's name decides instead.
    let unknown = tree.write(
        "unknown.csv",
        "file,kind\nclients/客户A/授权书 2024.jpg,合同\n".as_bytes(),
    );
    let out = tree.check(&["--manifest".as_ref(), arg(&unknown)]);
    let lines = lines(&out);
    let found = reason(&lines, "授权书 2024.jpg", "unknown_kind");
    assert!(
        found["message"].as_str().unwrap().contains("合同"),
        "{found}"
    );
    let kind = &lines
        .iter()
        .find(|l| {
            l["input"]
                .as_str()
                .is_some_and(|p| p.ends_with("授权书 2024.jpg"))
        })
        .unwrap()["kind"];
    assert_eq!(kind, "authorization");
}

#[test]
fn what_a_folder_needs_is_missing_fails_the_run_and_the_csv_report_says_it() {
    let tree = Tree::new(&["客户A"]);
    // The manifest says what 客户A's filing needs; the folder has neither.
    let manifest = tree.write(
        "docs.csv",
        "file,needs\nclients/客户A/,身份证;域名证书\n".as_bytes(),
    );
    let report = tree.path("report.csv");
    let out = tree.check(&[
        "--manifest".as_ref(),
        arg(&manifest),
        "--report".as_ref(),
        arg(&report),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let folder = codes(&lines(&out), "客户A");
    assert_eq!(folder, vec!["kind_missing", "kind_missing"], "{folder:?}");
    let bytes = fs::read(&report).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for Excel");
    let mut csv = csv::Reader::from_reader(&bytes[3..]);
    let head: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(head, scanfit::rows::CHECK_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let folder = rows.iter().find(|r| &r[0] == "folder").unwrap();
    assert!(folder[1].ends_with("客户A"));
    assert_eq!(&folder[2], "fail");
    assert_eq!(&folder[8], "kind_missing; kind_missing");
    assert!(
        folder[9].contains("ID card") && folder[9].contains("domain certificate"),
        "{folder:?}"
    );
    let auth = rows
        .iter()
        .find(|r| r[1].ends_with("授权书 2024.jpg"))
        .unwrap();
    assert_eq!(&auth[3], "authorization");
    assert!(
        auth[8].split("; ").any(|c| c == "auxiliary_alone"),
        "{auth:?}"
    );
}

#[test]
fn the_suggested_sets_file_stitches_each_auxiliary_document_with_its_id() {
    let tree = Tree::new(&["客户A"]);
    let sets = tree.path("拼图 sets.csv");
    let clients = tree.path("clients");
    let write_sets = || {
        common::scanfit(&[
            "check".as_ref(),
            arg(&clients),
            "--filed-on".as_ref(),
            FILED_ON.as_ref(),
            "--write-sets".as_ref(),
            arg(&sets),
            "--read".as_ref(),
            "never".as_ref(),
        ])
    };
    let out = write_sets();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 combined picture"), "{err}");
    let text = fs::read_to_string(&sets).unwrap();
    assert_eq!(
        text.trim(),
        "clients/客户A/授权书+营业执照,clients/客户A/营业执照 扫描.png,clients/客户A/授权书 2024.jpg"
    );
    // A second run does not overwrite the file.
    let again = write_sets();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&sets).unwrap(), text);
    // Saved again by Excel on Chinese Windows (GBK), stitch reads it all the same.
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    fs::write(&sets, &gbk).unwrap();
    let out_dir = tree.path("out");
    let out = common::scanfit(&[
        "stitch".as_ref(),
        "--sets".as_ref(),
        arg(&sets),
        "-o".as_ref(),
        arg(&out_dir),
        "-q".as_ref(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let combined = out_dir.join("clients/客户A/授权书+营业执照.jpg");
    let picture = common::assert_clean_output(&combined);
    let size = fs::metadata(&combined).unwrap().len();
    assert!((204_800..=4_000_000).contains(&size), "{size}");
    // Both pieces are in it: bigger than either piece along the layout's long side.
    let (w, h) = (picture.width(), picture.height());
    let piece = image::image_dimensions(tree.path("clients/客户A/授权书 2024.jpg")).unwrap();
    assert!(w > piece.0 || h > piece.1, "{w}×{h} vs {piece:?}");
    // Checking the output folder: the combined picture is known as a combined one.
    let out = common::scanfit(&[
        "check".as_ref(),
        arg(&out_dir),
        "--json".as_ref(),
        "--filed-on".as_ref(),
        FILED_ON.as_ref(),
        "--read".as_ref(),
        "never".as_ref(),
    ]);
    let lines = lines(&out);
    let combined = codes(&lines, "授权书+营业执照.jpg");
    assert!(
        !combined.contains(&"auxiliary_alone".to_owned()),
        "{combined:?}"
    );
    assert_eq!(lines[0]["kind"], "authorization", "{:?}", lines[0]);
    assert!(!combined.contains(&"too_small".to_owned()), "{combined:?}");
}
