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

    /// `scanfit check clients --json --filed-on FILED_ON --read never` plus `extra`.
    /// What a filing needs comes from names and the manifest here; the pictures are
    /// drawn without text, so reading them (tests/read.rs's subject) would only cost time.
    fn check(&self, extra: &[&str]) -> Output {
        let clients = self.path("clients");
        let mut args: Vec<&OsStr> = vec![
            "check".as_ref(),
            clients.as_os_str(),
            "--json".as_ref(),
            "--filed-on".as_ref(),
            FILED_ON.as_ref(),
            "--read".as_ref(),
            "never".as_ref(),
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
    tree.copy(
        "客户C/打印件 300dpi 黑白.tif",
        "clients/甲公司/营业执照 黑白.tif",
    );
    tree.copy(
        "客户C/事业单位 批文.jpg",
        "clients/甲公司/事业单位法人证书.jpg",
    );
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
        assert_eq!(
            has(&codes(&base, file), code),
            !appears,
            "built-in: {file} {code}"
        );
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
    let small = rules_with(
        &tree,
        "small.toml",
        "max_bytes = 4000000",
        "max_bytes = 1000000",
    );
    let flagged = lines(&tree.check(&["--rules", &small, "--max-size", "4MB"]));
    assert!(!has(&codes(&flagged, "手持身份证.jpg"), "too_large"));
}

#[test]
fn convert_fits_the_band_of_the_rules_file() {
    let tree = Tree::new();
    let input = tree.copy("客户A/营业执照 扫描.png", "in/营业执照.png");
    let rules = rules_with(
        &tree,
        "two.toml",
        "max_bytes = 4000000",
        "max_bytes = 2000000",
    );
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

/// The reason with `code` of the file (or folder) whose path ends with `tail`.
fn reason<'a>(lines: &'a [Value], tail: &str, code: &str) -> &'a Value {
    let l = line(lines, tail);
    l["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{tail}: no {code} in {l}"))
}

/// The kind found for the file whose path ends with `tail`.
fn kind_of(lines: &[Value], tail: &str) -> Value {
    line(lines, tail)["kind"].clone()
}

#[test]
fn the_guides_own_titles_and_every_identity_document_are_recognised() {
    let tree = Tree::new();
    let picture = "客户C/事业单位 批文.jpg";
    let names = [
        ("有关网站备案域名注册人的证明.jpg", "registrant_proof"),
        ("说明书.jpg", "business_nature_statement"),
        ("国家企业信用信息公示系统截图.jpg", "change_proof"),
        ("工作证明.jpg", "employment_proof"),
        ("事业单位法人证书.jpg", "institution_certificate"),
        (
            "社会团体法人登记证书.jpg",
            "social_organisation_certificate",
        ),
        ("护照.jpg", "passport"),
        ("港澳居民来往内地通行证.jpg", "hk_macao_permit"),
        ("台胞证.jpg", "taiwan_permit"),
    ];
    for (name, _) in names {
        tree.copy(picture, &format!("clients/各类资料/{name}"));
    }
    let out = lines(&tree.check(&[]));
    for (name, kind) in names {
        assert_eq!(kind_of(&out, name), kind, "{name}");
    }
    // A public institution whose only identity is its certificate has one.
    let only = Tree::new();
    only.copy(picture, "clients/某事业单位/事业单位法人证书.jpg");
    let out = lines(&only.check(&[]));
    assert!(!has(&codes(&out, "某事业单位"), "identity_missing"));
    // One passport: an identity too.
    let only = Tree::new();
    only.copy(picture, "clients/外籍个人/护照.jpg");
    let out = lines(&only.check(&[]));
    assert!(!has(&codes(&out, "外籍个人"), "identity_missing"));
}

#[test]
fn every_province_reads_by_the_guides_spelling_short_name_and_pinyin() {
    let tree = Tree::new();
    tree.copy("客户C/事业单位 批文.jpg", "clients/甲/身份证.jpg");
    for name in [
        "内蒙",
        "内蒙古自治区",
        "neimeng",
        "Nei Mongol",
        "川",
        "湘",
        "沪",
        "广西壮族自治区",
        "Guangxi Zhuang Autonomous Region",
    ] {
        let out = tree.check(&["--province", name]);
        assert_ne!(out.status.code(), Some(2), "{name}: {out:?}");
    }
    let out = tree.check(&["--province", "火星"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn a_domain_certificate_is_issued_within_3_months_outside_hunan() {
    let tree = Tree::new();
    tree.copy("客户B/域名证书.png", "clients/甲公司/域名证书.png");
    tree.copy("客户C/事业单位 批文.jpg", "clients/甲公司/身份证.jpg");
    // Issued 2026-07-01: 152 days before filing; 3 months is from 2026-08-30.
    let manifest = tree.write(
        "docs.csv",
        "文件,类型,办理日,有效期至,省份\n\
         clients/甲公司/域名证书.png,域名证书,2026-07-01,,广东\n\
         clients/甲公司/身份证.jpg,身份证,,长期,广东\n",
    );
    let out = lines(&tree.check(&["--manifest", manifest.to_str().unwrap()]));
    let found = reason(&out, "域名证书.png", "issued_outside_window");
    let text = found["message"].as_str().unwrap();
    assert!(text.contains("2026-08-30"), "{text}");
    // Issued 2026-10-01, inside 3 months: no window finding.
    let manifest = tree.write(
        "docs.csv",
        "文件,类型,办理日,有效期至,省份\n\
         clients/甲公司/域名证书.png,域名证书,2026-10-01,,广东\n\
         clients/甲公司/身份证.jpg,身份证,,长期,广东\n",
    );
    let out = lines(&tree.check(&["--manifest", manifest.to_str().unwrap()]));
    assert!(!has(&codes(&out, "域名证书.png"), "issued_outside_window"));
}

#[test]
fn the_words_say_gongzuo_zhengming_and_exact_bytes_at_the_boundary() {
    let tree = Tree::new();
    // A real JPEG padded after its end to one byte under the floor (decoders ignore
    // what follows the end marker).
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut bytes = fs::read(corpus.join("客户A/授权书 2024.jpg")).unwrap();
    bytes.resize(204_799, 0);
    let path = tree.path("clients/甲公司/身份证.jpg");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, &bytes).unwrap();
    let out = lines(&tree.check(&[]));
    let small = reason(&out, "身份证.jpg", "too_small");
    let text = small["message"].as_str().unwrap();
    assert!(
        text.contains("204799 bytes") && text.contains("204800 bytes"),
        "{text}"
    );
    let zh = lines(&tree.check(&["--lang", "zh"]));
    let text = reason(&zh, "身份证.jpg", "too_small")["message"].clone();
    assert!(text.as_str().unwrap().contains("204799 字节"), "{text}");
    // The guide's 工作证明, in a Chinese finding and in the rules table.
    let tree = Tree::new();
    tree.copy("客户C/事业单位 批文.jpg", "clients/甲公司/工作证明.jpg");
    let manifest = tree.write(
        "docs.csv",
        "文件,类型,办理日,省份\nclients/甲公司/工作证明.jpg,,2026-09-01,四川\n",
    );
    let zh = lines(&tree.check(&["--lang", "zh", "--manifest", manifest.to_str().unwrap()]));
    let text = reason(&zh, "工作证明.jpg", "issued_outside_window")["message"].clone();
    assert!(text.as_str().unwrap().contains("工作证明"), "{text}");
    assert!(!text.as_str().unwrap().contains("在职证明"), "{text}");
}

#[test]
fn an_id_inside_a_combined_or_hand_held_picture_is_checked_for_validity() {
    let tree = Tree::new();
    tree.copy(
        "客户C/事业单位 批文.jpg",
        "clients/甲公司/授权书+身份证.jpg",
    );
    tree.copy("客户B/手持身份证 照片.jpg", "clients/乙个人/手持身份证.jpg");
    // One row per kind of the combined picture; one row for the hand-held photo.
    let manifest = tree.write(
        "docs.csv",
        "文件,类型,办理日,有效期至,省份\n\
         clients/甲公司/授权书+身份证.jpg,授权书,2026-10-01,,广东\n\
         clients/甲公司/授权书+身份证.jpg,身份证,,2026-12-31,广东\n\
         clients/乙个人/手持身份证.jpg,,,2027-01-15,广东\n",
    );
    let out = lines(&tree.check(&["--manifest", manifest.to_str().unwrap()]));
    // The ID card must be valid until 2027-02-28 (3 months after 2026-11-30).
    let combined = reason(&out, "授权书+身份证.jpg", "validity_too_short");
    assert!(
        combined["message"].as_str().unwrap().contains("2027-02-28"),
        "{combined}"
    );
    assert!(!has(
        &codes(&out, "授权书+身份证.jpg"),
        "issued_outside_window"
    ));
    let held = reason(&out, "手持身份证.jpg", "validity_too_short");
    assert_eq!(held["severity"], "fail");
    // The hand-held photo's ID is the folder's identity.
    assert!(!has(&codes(&out, "乙个人"), "identity_missing"));
    // One row giving both dates works as well.
    let manifest = tree.write(
        "one.csv",
        "文件,办理日,有效期至\nclients/甲公司/授权书+身份证.jpg,2026-10-01,2026-12-31\n",
    );
    let out = lines(&tree.check(&["--manifest", manifest.to_str().unwrap()]));
    assert!(has(&codes(&out, "授权书+身份证.jpg"), "validity_too_short"));
    // A valid ID passes.
    let manifest = tree.write(
        "ok.csv",
        "文件,办理日,有效期至\nclients/甲公司/授权书+身份证.jpg,2026-10-01,2030-01-01\n",
    );
    let out = lines(&tree.check(&["--manifest", manifest.to_str().unwrap()]));
    assert!(!has(
        &codes(&out, "授权书+身份证.jpg"),
        "validity_too_short"
    ));
}

/// The requirement_missing reason of a folder whose message names `kind` (in the run's
/// language).
fn requirement<'a>(lines: &'a [Value], folder: &str, kind: &str) -> Option<&'a Value> {
    line(lines, folder)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["code"] == "requirement_missing"
                && r["message"].as_str().is_some_and(|m| m.contains(kind))
        })
}

#[test]
fn a_filing_needs_what_its_applicant_type_and_province_need() {
    let tree = Tree::new();
    let pic = "客户C/事业单位 批文.jpg";
    for f in [
        "clients/云南某事业单位/事业单位法人证书.jpg",
        "clients/云南某事业单位/身份证.jpg",
        "clients/广东某事业单位/事业单位法人证书.jpg",
        "clients/广东某事业单位/身份证.jpg",
        "clients/北京甲公司/营业执照.jpg",
        "clients/北京甲公司/身份证.jpg",
        "clients/北京乙公司/营业执照.jpg",
        "clients/北京乙公司/身份证.jpg",
        "clients/北京乙公司/工作证明.jpg",
        "clients/四川丙公司/营业执照.jpg",
        "clients/四川丙公司/身份证.jpg",
        "clients/更名丁公司/营业执照.jpg",
        "clients/更名丁公司/身份证.jpg",
        "clients/戊公司/营业执照.jpg",
        "clients/戊公司/身份证.jpg",
    ] {
        tree.copy(pic, f);
    }
    let manifest = tree.write(
        "docs.csv",
        "文件,主体类型,省份,经营范围,曾用名,主体负责人证件号码,网站负责人证件号码\n\
         clients/云南某事业单位/,事业单位,云南,,,,\n\
         clients/广东某事业单位/,事业单位,广东,,,,\n\
         clients/北京甲公司/,企业,北京,,,110101199001011234,110101199001011234\n\
         clients/北京乙公司/,公司,北京,,,110101199001011234,110101199001011234\n\
         clients/四川丙公司/,企业,四川,技术开发；电子商务平台运营,,,\n\
         clients/更名丁公司/,企业,广东,,丁旧名有限公司,,\n\
         clients/戊公司/,企业,广东,,,110101198001011111,110101199502022222\n",
    );
    let m = manifest.to_str().unwrap();
    let out = lines(&tree.check(&["--manifest", m]));
    // Yunnan public institution: the establishment approval, a failure; its
    // certificate is its identity.
    let yunnan = requirement(&out, "云南某事业单位", "establishment approval").unwrap();
    assert_eq!(yunnan["severity"], "fail");
    assert!(!has(&codes(&out, "云南某事业单位"), "identity_missing"));
    assert!(requirement(&out, "广东某事业单位", "establishment approval").is_none());
    // Beijing: one website manager in two filings; the one with a proof of employment
    // passes, the other is warned (the reviewer asks for it then).
    let beijing = requirement(&out, "北京甲公司", "proof of employment").unwrap();
    assert_eq!(beijing["severity"], "warn");
    assert!(
        beijing["message"].as_str().unwrap().contains("北京乙公司"),
        "{beijing}"
    );
    assert!(!beijing["message"]
        .as_str()
        .unwrap()
        .contains("110101199001011234"));
    assert!(requirement(&out, "北京乙公司", "proof of employment").is_none());
    // Sichuan: 电子商务 in the business scope.
    let sichuan = requirement(&out, "四川丙公司", "business-nature statement").unwrap();
    assert!(
        sichuan["message"].as_str().unwrap().contains("电子商务"),
        "{sichuan}"
    );
    // A changed name, a website manager who is not the legal representative.
    assert!(requirement(&out, "更名丁公司", "proof of change").is_some());
    assert!(requirement(&out, "戊公司", "authorization letter").is_some());
    assert!(requirement(&out, "北京甲公司", "authorization letter").is_none());
    // The folder line says it in the guide's words.
    let zh = lines(&tree.check(&["--manifest", m, "--lang", "zh"]));
    let text = requirement(&zh, "云南某事业单位", "编办证明").unwrap()["message"].clone();
    assert!(
        text.as_str()
            .unwrap()
            .contains("云南事业单位备案需提供编办证明"),
        "{text}"
    );

    // Each document added meets its requirement: the credit system's screenshot for
    // the name change, an authorization combined with the ID for the manager.
    tree.copy(pic, "clients/云南某事业单位/编办证明.jpg");
    tree.copy(pic, "clients/四川丙公司/经营性说明书.jpg");
    tree.copy(pic, "clients/更名丁公司/国家企业信用信息公示系统截图.jpg");
    tree.copy(pic, "clients/戊公司/授权书+身份证.jpg");
    tree.copy(pic, "clients/北京甲公司/工作证明.jpg");
    let out = lines(&tree.check(&["--manifest", m]));
    for folder in [
        "云南某事业单位",
        "四川丙公司",
        "更名丁公司",
        "戊公司",
        "北京甲公司",
    ] {
        assert!(
            !has(&codes(&out, folder), "requirement_missing"),
            "{folder}: {:?}",
            codes(&out, folder)
        );
    }
    // A company without its licence fails on the applicant's own certificate.
    fs::remove_file(tree.path("clients/北京甲公司/营业执照.jpg")).unwrap();
    let out = lines(&tree.check(&["--manifest", m]));
    assert!(requirement(&out, "北京甲公司", "business licence").is_some());
}

#[test]
fn each_provider_brings_its_own_published_limits() {
    let tree = one_client();
    tree.copy(
        "客户A/营业执照 扫描.png",
        "clients/甲公司/营业执照 扫描.png",
    );
    let run = |portal: &str| lines(&tree.check(&["--portal", portal]));
    let aliyun = run("aliyun");
    assert!(!has(&codes(&aliyun, "网站首页截图.gif"), "not_accepted"));
    assert!(has(&codes(&aliyun, "授权书.jpg"), "too_small"));
    assert!(has(&codes(&aliyun, "营业执照 扫描.png"), "too_large"));
    // Volcengine: no GIF, up to 5 MB, no floor, 500×300 to 5000×5000 pixels.
    let volc = run("volcengine");
    assert!(has(&codes(&volc, "网站首页截图.gif"), "not_accepted"));
    assert!(!has(&codes(&volc, "授权书.jpg"), "too_small"));
    assert!(!has(&codes(&volc, "营业执照 扫描.png"), "too_large"));
    assert!(has(&codes(&volc, "域名证书.png"), "too_few_pixels"));
    // Tencent Cloud: under 2 MB.
    let tencent = run("tencent");
    assert!(has(&codes(&tencent, "营业执照 扫描.png"), "too_large"));
    assert!(!has(&codes(&tencent, "手持身份证.jpg"), "too_large"));
    // Huawei Cloud: JPG and PNG only.
    assert!(has(
        &codes(&run("huawei"), "网站首页截图.gif"),
        "not_accepted"
    ));
    // The rules file chooses one too; the flag still wins.
    let huawei = rules_with(
        &tree,
        "huawei.toml",
        "portal = \"aliyun\"\n",
        "portal = \"huawei\"\n",
    );
    let out = lines(&tree.check(&["--rules", &huawei]));
    assert!(has(&codes(&out, "网站首页截图.gif"), "not_accepted"));
    let out = lines(&tree.check(&["--rules", &huawei, "--portal", "aliyun"]));
    assert!(!has(&codes(&out, "网站首页截图.gif"), "not_accepted"));
    // An unknown provider is refused, naming the ones known.
    let out = tree.check(&["--portal", "azure"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("azure") && err.contains("volcengine"), "{err}");
    // `scanfit rules --portal X` prints its limits and their sources.
    let out = common::scanfit(&["rules".as_ref(), "--portal".as_ref(), "volcengine".as_ref()]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["volcengine", "500×300", "5000×5000", "5.00 MB", "火山引擎"] {
        assert!(text.contains(word), "{word} not in {text}");
    }
}

/// `scanfit convert INPUT -o OUT --portal volcengine --report REPORT` plus `extra`: the
/// run's output and its report's records.
fn convert_volcengine(
    tree: &Tree,
    input: &Path,
    out: &str,
    extra: &[&str],
) -> (Output, Vec<Value>) {
    let out_dir = tree.path(out);
    let report = tree.path(&format!("{out}.jsonl"));
    let mut args: Vec<&OsStr> = vec![
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out_dir.as_os_str(),
        "--portal".as_ref(),
        "volcengine".as_ref(),
        "--report".as_ref(),
        report.as_os_str(),
        "--quiet".as_ref(),
    ];
    args.extend(extra.iter().map(|a| OsStr::new(*a)));
    let run = common::scanfit(&args);
    (run, common::read_report(&report))
}

#[test]
fn convert_keeps_every_output_inside_the_providers_pixel_bounds() {
    let tree = Tree::new();
    // A real photo (tests/fixtures/real/photo_orient6_gps.jpg, see its README) enlarged
    // past Volcengine's 5000×5000 to 4500×6000, as a 27 MP phone would take it. Its
    // JPEG lands inside the byte band as it is, so only the pixel bounds make convert
    // re-encode it.
    let real =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/photo_orient6_gps.jpg");
    let big = image::open(real)
        .unwrap()
        .resize_exact(4500, 6000, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let input = tree.path("in/大照片.jpg");
    fs::create_dir_all(input.parent().unwrap()).unwrap();
    fs::write(
        &input,
        common::encode(
            &image::DynamicImage::ImageRgb8(big),
            image::ImageFormat::Jpeg,
        ),
    )
    .unwrap();
    let input_len = fs::metadata(&input).unwrap().len();
    assert!(
        input_len <= 5_000_000,
        "the input must fit the bytes: {input_len}"
    );
    // check names the input as too large in pixels: the output must not be.
    let checked = |dir: &Path| {
        lines(&common::scanfit(&[
            "check".as_ref(),
            dir.as_os_str(),
            "--json".as_ref(),
            "--portal".as_ref(),
            "volcengine".as_ref(),
        ]))
    };
    let before = checked(&tree.path("in"));
    assert!(has(&codes(&before, "大照片.jpg"), "too_many_pixels"));

    let (run, records) = convert_volcengine(&tree, &input, "out", &[]);
    assert!(run.status.success(), "{run:?}");
    let outputs = common::files_under(&tree.path("out"));
    assert_eq!(outputs.len(), 1, "{outputs:?} {records:?}");
    let len = fs::metadata(&outputs[0]).unwrap().len();
    assert!(len <= 5_000_000, "{len}");
    let (w, h) = image::image_dimensions(&outputs[0]).unwrap();
    assert!(w.max(h) <= 5000 && w.min(h) <= 5000, "{w}×{h}");
    assert!(w.min(h) >= 300 && w.max(h) >= 500, "{w}×{h}");
    // The picture keeps its shape (portrait, 3:4) and as many pixels as the bound allows.
    assert!(
        h > w && (f64::from(w) / f64::from(h) - 0.75).abs() < 0.01,
        "{w}×{h}"
    );
    assert_eq!(h, 5000, "shrunk to the bound, not below it");
    let after = checked(&tree.path("out"));
    let found = codes(&after, &outputs[0].file_name().unwrap().to_string_lossy());
    for code in [
        "too_many_pixels",
        "too_few_pixels",
        "too_large",
        "not_accepted",
    ] {
        assert!(!has(&found, code), "{code} in {found:?}");
    }

    // A small scan (tests/fixtures/real/scan_text_gray.png, 1065×560) with a band that
    // only a much larger picture reaches: enlarged at most to 5000 px, never to the
    // 6000 px the search may reach without the provider's bound; failed with the reason
    // otherwise.
    let small = tree.path("small/小扫描.png");
    fs::create_dir_all(small.parent().unwrap()).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/scan_text_gray.png"),
        &small,
    )
    .unwrap();
    let (run, records) = convert_volcengine(&tree, &small, "out_small", &["--min-size", "4MB"]);
    let outputs = common::files_under(&tree.path("out_small"));
    assert_eq!(records.len(), 1, "{records:?}");
    match outputs.as_slice() {
        [output] => {
            assert!(run.status.success(), "{run:?}");
            let (w, h) = image::image_dimensions(output).unwrap();
            assert!(w.max(h) <= 5000 && w.min(h) <= 5000, "{w}×{h}");
        }
        [] => {
            assert_eq!(run.status.code(), Some(1), "{run:?}");
            assert_eq!(records[0]["error_code"], "band_unreachable", "{records:?}");
        }
        more => panic!("{more:?}"),
    }
}
