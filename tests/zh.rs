//! End-to-end tests of the Chinese interface (issue 14): the real binary on the bundled
//! corpus (client folders with Chinese names and spaces), in Chinese chosen by
//! `--lang zh`, `SCANFIT_LANG` or the locale. What a person reads must be Chinese in the
//! portal's words (../shared/glossary-zh.md); what a script reads (the JSON and CSV
//! reports' keys and codes) must be the same as in English.
//!
//! Every run sets its language through its own environment and arguments, never the
//! test process's, so the tests run in parallel without racing on a locale.
#![cfg(feature = "cli")]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use unicode_width::UnicodeWidthStr;

/// How a run chooses its language.
#[derive(Clone, Copy)]
enum Choice<'a> {
    /// `--lang VALUE` after the subcommand.
    Flag(&'a str),
    /// Environment variables, nothing on the command line.
    Env(&'a [(&'a str, &'a str)]),
    /// Both.
    FlagAndEnv(&'a str, &'a [(&'a str, &'a str)]),
}

/// What a run printed.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `scanfit ARGS` with the language chosen as `choice`; no language variable of
/// the test machine leaks in.
fn run(choice: Choice, args: &[&str]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanfit"));
    for var in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "SCANFIT_LANG"] {
        cmd.env_remove(var);
    }
    cmd.args(args);
    let (flag, env): (Option<&str>, &[(&str, &str)]) = match choice {
        Choice::Flag(f) => (Some(f), &[]),
        Choice::Env(e) => (None, e),
        Choice::FlagAndEnv(f, e) => (Some(f), e),
    };
    if let Some(flag) = flag {
        cmd.args(["--lang", flag]);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

const ZH: Choice = Choice::Flag("zh");
const EN: Choice = Choice::Flag("en");

/// Latin words that may stand in Chinese text: format and unit names, commands, flag
/// values and the names of things the user types.
const ALLOWED: &[&str] = &[
    "JPEG",
    "JPG",
    "PNG",
    "GIF",
    "TIFF",
    "BMP",
    "WebP",
    "HEIC",
    "AVIF",
    "PDF",
    "EXIF",
    "GPS",
    "XMP",
    "IPTC",
    "ICC",
    "SVG",
    "CSV",
    "JSON",
    "Lines",
    "TOML",
    "UTF",
    // What a manifest is saved with and in (the Chinese Windows encoding).
    "Excel",
    "GBK",
    "KB",
    "MB",
    "KiB",
    "MiB",
    "scanfit",
    "convert",
    "check",
    "stitch",
    "watch",
    "sweep",
    "rules",
    "help",
    "auto",
    // check --read's values.
    "always",
    "never",
    "jpeg",
    "png",
    "true",
    "false",
    "fast",
    "balanced",
    "max",
    "mozjpeg",
    "keep",
    "move",
    "delete",
    "all",
    "en",
    "zh",
    "vertical",
    "horizontal",
    "grid",
    "SCANFIT_LANG",
    // serve's: its command, what it serves and the header and variable a client sets.
    "serve",
    "ZIP",
    "HTTP",
    "API",
    "CORS",
    "Authorization",
    "Bearer",
    "SCANFIT_TOKEN",
    // serve's operation: --log-format's values, the readiness path, the orchestrator.
    "text",
    "json",
    "readyz",
    "Kubernetes",
    // A province as typed in pinyin (--province sichuan).
    "sichuan",
    "Ctrl",
    "C",
    "SIGTERM",
    // Sharded batches: the command, and the engines and variables that give a shard.
    "report",
    "merge",
    "Kubernetes",
    "Indexed",
    "Job",
    "Slurm",
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
];

/// The Latin words in `text` that are not allowed in Chinese output, with their line,
/// after taking out the file `names` (never translated), flags (`--quality`, `-o`),
/// file suffixes (`.jpg`) and anything with a digit (sizes, dimensions, values).
fn english(text: &str, names: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut rest = line.to_owned();
        for name in names {
            rest = rest.replace(name.as_str(), " ");
        }
        let words = rest
            .split(|c: char| !(c.is_ascii_alphanumeric() || "_.-'".contains(c)))
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty() && !w.starts_with(['-', '.']))
            .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
            .flat_map(|w| w.split(['-', '.']))
            .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()));
        for word in words {
            if !ALLOWED.contains(&word) {
                found.push(format!("{word:?} in {line:?}"));
            }
        }
    }
    found
}

/// Fails unless `text` has no English word (but the test's own `names`).
fn assert_chinese(text: &str, names: &[String]) {
    let found = english(text, names);
    assert!(
        found.is_empty(),
        "English under --lang zh:\n{}",
        found.join("\n")
    );
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese at all: {text}"
    );
}

/// A copy of the bundled corpus, plus a client folder with a space in its name, so the
/// tests see the names the people who file use.
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("资料");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for file in common::files_under(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let to = root.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&file, &to).unwrap();
    }
    let client = root.join("客户A 资料");
    fs::create_dir_all(&client).unwrap();
    fs::copy(src.join("客户A/授权书 2024.jpg"), client.join("授权书.jpg")).unwrap();
    (tmp, root)
}

/// Every file and folder under `root` as the binary prints it (`root` given as `shown`):
/// check names client folders in its summary.
fn names(root: &Path, shown: &str) -> Vec<String> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for file in common::files_under(root) {
        let rel = file.strip_prefix(root).unwrap();
        for name in rel.ancestors().filter(|a| !a.as_os_str().is_empty()) {
            names.insert(format!("{shown}/{}", name.to_str().unwrap()));
        }
    }
    let mut names: Vec<String> = names.into_iter().collect();
    // Longest first, so a name is never cut by a shorter one it contains.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.push(shown.to_owned());
    names
}

/// The table line of the file whose name ends with `name`: its first or second column
/// (after the verdict), not a finding that names it (a stitch command).
fn row<'a>(table: &'a str, name: &str) -> &'a str {
    table
        .lines()
        .find(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .take(2)
                .any(|c| c.ends_with(name))
        })
        .unwrap_or_else(|| panic!("no line for {name} in\n{table}"))
}

/// The set of key paths of a JSON value (`reasons[].code`, `metadata.gps`).
fn keys(value: &serde_json::Value, prefix: &str, into: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}.{k}");
                into.insert(path.clone());
                keys(v, &path, into);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                keys(item, &format!("{prefix}[]"), into);
            }
        }
        _ => {}
    }
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Per input: the verdict or status and every code, in a form to compare across
/// languages.
fn codes(records: &[serde_json::Value]) -> Vec<String> {
    let mut all: Vec<String> = records
        .iter()
        .map(|r| {
            let mut codes = vec![
                r["input"].to_string(),
                r["folder"].to_string(),
                r["verdict"].to_string(),
                r["status"].to_string(),
                r["error_code"].to_string(),
                r["warning_codes"].to_string(),
            ];
            if let Some(reasons) = r["reasons"].as_array() {
                codes.extend(
                    reasons
                        .iter()
                        .map(|x| format!("{}/{}", x["severity"], x["code"])),
                );
            }
            codes.join(" ")
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_detector_finds_english() {
    // Without this, a detector that finds nothing would pass every test below.
    let out = run(EN, &["check", "--help"]);
    assert!(english(&out.stdout, &[]).len() > 20, "{}", out.stdout);
    let line = "不通过  资料/a b.jpg  JPEG  79 KB  文件太小 too small";
    assert_eq!(english(line, &["资料/a b.jpg".into()]).len(), 2);
}

#[test]
fn every_help_is_chinese() {
    let mut commands: Vec<&[&str]> = vec![
        &["--help"],
        &["convert", "--help"],
        &["check", "--help"],
        &["stitch", "--help"],
        &["watch", "--help"],
        &["sweep", "--help"],
        &["rules", "--help"],
        &["report", "--help"],
        &["report", "merge", "--help"],
        // clap's `help` reads every word after it as a command name: `--lang` goes
        // before.
        &["--lang", "zh", "help", "sweep"],
        &["--lang", "zh", "help"],
    ];
    if cfg!(feature = "serve") {
        commands.push(&["serve", "--help"]);
    }
    for args in commands {
        let out = match args[0] {
            "--lang" => run(Choice::Env(&[]), args),
            _ => run(ZH, args),
        };
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_chinese(&out.stdout, &[]);
        assert!(out.stdout.contains("用法"), "{args:?}:\n{}", out.stdout);
        let en = match args[0] {
            "--lang" => run(Choice::Env(&[]), &args[2..]),
            _ => run(EN, args),
        };
        assert!(en.stdout.contains("Usage:"), "{args:?}:\n{}", en.stdout);
    }
    let convert = run(ZH, &["convert", "--help"]).stdout;
    for words in [
        "覆盖",
        "输出文件夹",
        "清晰度",
        "[默认：4MB]",
        "[可选：auto, jpeg, png]",
    ] {
        assert!(convert.contains(words), "{words} not in\n{convert}");
    }
    // Chinese placeholders take two columns a character: the help texts still start
    // in one column.
    let starts: BTreeSet<usize> = convert
        .lines()
        .filter(|l| l.trim_start().starts_with("--"))
        .map(|l| {
            // The flag and its placeholder hold single spaces; two or more end them.
            let indent = l.len() - l.trim_start().len();
            let gap = indent + l[indent..].find("  ").unwrap();
            let text = gap + l[gap..].len() - l[gap..].trim_start().len();
            l[..text].width()
        })
        .collect();
    assert_eq!(starts.len(), 1, "help texts not aligned:\n{convert}");
}

#[test]
fn command_line_mistakes_are_said_in_chinese() {
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--bogus", "x"], "无法识别的参数 '--bogus'"),
        (&["chek", "x"], "是不是要用 'check'"),
        (
            &["check", "--quality", "101", "x"],
            "质量应在 1 到 100 之间",
        ),
        (&["check", "--min-size", "abc", "x"], "不是大小"),
        (
            &["check", "--format", "bmp", "x"],
            "[可选：auto, jpeg, png]",
        ),
        (&["check"], "缺少必需的参数"),
        (&["convert", "x"], "缺少必需的参数"),
    ];
    for (args, words) in cases {
        let out = run(ZH, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(words),
            "{args:?}: {words} not in\n{}",
            out.stderr
        );
        // What was typed is said back as typed.
        let typed: Vec<String> = args
            .iter()
            .flat_map(|a| [format!("'{a}'"), format!("“{a}”")])
            .collect();
        assert_chinese(&out.stderr, &typed);
        // The same mistake in English says it in English.
        let en = run(EN, args);
        assert_eq!(en.code, 2);
        assert!(en.stderr.contains("error:"), "{args:?}: {}", en.stderr);
    }
}

#[test]
fn check_speaks_the_portals_words_and_keeps_its_codes() {
    let (_tmp, root) = corpus();
    let dir = root.to_str().unwrap();
    let shown = names(&root, dir);
    // Nothing is read off the pictures: the words of reading are the catalogue's like any
    // others (src/words/tests.rs), and reading the corpus three times in the debug build
    // was most of this file's time.
    let zh = run(ZH, &["check", "--read", "never", dir]);
    assert_eq!(zh.code, 1, "{}", zh.stderr);
    assert_chinese(&zh.stdout, &shown);
    assert_chinese(&zh.stderr, &shown);
    let table = &zh.stdout;
    // Each finding in the words of the rule it enforces (glossary-zh.md).
    let expect: &[(&str, &str, &[&str])] = &[
        (
            "客户C/打印件 300dpi 黑白.tif",
            "不通过",
            &["格式", "黑白扫描件", "彩色扫描", "原件"],
        ),
        (
            "客户B/公司名称变更 证明.jpg",
            "不通过",
            &["后缀", "另存为", "低于下限 204.8 KB"],
        ),
        (
            "客户A/营业执照 扫描.png",
            "不通过",
            &["4.37 MB 超过上限 4 MB", "元数据"],
        ),
        (
            "客户A 资料/授权书.jpg",
            "不通过",
            &["154.7 KB 低于下限 204.8 KB"],
        ),
        ("客户B/手持身份证 照片.jpg", "注意", &["GPS", "转正"]),
        ("客户C/事业单位 批文.jpg", "通过", &[]),
        ("客户D/空文件.jpg", "不通过", &["无法读取", "空的"]),
        ("说明.txt", "已跳过", &["不是图片"]),
    ];
    for (name, verdict, words) in expect {
        let line = row(table, name);
        assert!(
            line.starts_with(&format!("{verdict} ")),
            "{verdict}: {line}"
        );
        for w in *words {
            assert!(line.contains(w), "{w} not in {line}");
        }
    }
    assert!(
        zh.stderr.contains("已检查 19 个：通过 1 个"),
        "{}",
        zh.stderr
    );
    // The columns after the names line up in terminal columns, two per Chinese
    // character: the format column starts at one width on every line.
    let columns: BTreeSet<usize> = shown
        .iter()
        .filter(|n| Path::new(n).is_file())
        .map(|n| {
            let line = row(table, n);
            let after = line.find(n.as_str()).unwrap() + n.len();
            let pad = line[after..].len() - line[after..].trim_start().len();
            line[..after + pad].width()
        })
        .collect();
    assert_eq!(columns.len(), 1, "columns not aligned:\n{table}");

    // `--json`: the same keys and codes as in English, the messages in Chinese.
    let zh = run(ZH, &["check", "--json", "--read", "never", dir]);
    let en = run(EN, &["check", "--json", "--read", "never", dir]);
    assert_eq!((zh.code, en.code), (1, 1));
    let (zh, en) = (json_lines(&zh.stdout), json_lines(&en.stdout));
    // One record per file, then one per client folder (the document rules' summary).
    let count = |record: &str| zh.iter().filter(|r| r["record"] == record).count();
    assert_eq!(count("file"), 19);
    assert_eq!(count("folder"), zh.len() - 19);
    assert!(count("folder") >= 4, "{zh:?}");
    let key_set = |records: &[serde_json::Value]| {
        let mut set = BTreeSet::new();
        records.iter().for_each(|r| keys(r, "", &mut set));
        set
    };
    assert_eq!(key_set(&zh), key_set(&en));
    assert!(key_set(&zh).contains(".reasons[].code"));
    assert_eq!(codes(&zh), codes(&en));
    let messages = |records: &[serde_json::Value]| -> Vec<String> {
        records
            .iter()
            .flat_map(|r| r["reasons"].as_array().unwrap().clone())
            .map(|x| x["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let (zh_messages, en_messages) = (messages(&zh), messages(&en));
    assert!(zh_messages.len() > 10);
    for (z, e) in zh_messages.iter().zip(&en_messages) {
        assert_ne!(z, e);
        assert_chinese(z, &shown);
    }
}

#[test]
fn convert_reports_keep_their_keys_and_codes() {
    let (tmp, root) = corpus();
    let dir = root.to_str().unwrap();
    let mut reports = Vec::new();
    for (lang, choice) in [("zh", ZH), ("en", EN)] {
        let out = tmp.path().join(format!("输出 {lang}"));
        let jsonl = tmp.path().join(format!("{lang}.jsonl"));
        let csv = tmp.path().join(format!("{lang}.csv"));
        let args = [
            "convert",
            dir,
            "-o",
            out.to_str().unwrap(),
            "--report",
            jsonl.to_str().unwrap(),
        ];
        let run_out = run(choice, &args);
        assert_eq!(run_out.code, 1, "{}", run_out.stderr);
        if lang == "zh" {
            assert_chinese(&run_out.stderr, &names(&root, dir));
            for words in ["已转换 11 个", "黑白扫描件", "彩色", "后缀", "文件是空的"]
            {
                assert!(
                    run_out.stderr.contains(words),
                    "{words} not in\n{}",
                    run_out.stderr
                );
            }
            // Every output written under zh is a real picture in the band.
            let written = common::files_under(&out);
            assert_eq!(written.len(), 11);
            for file in &written {
                common::assert_clean_output(file);
                let bytes = fs::metadata(file).unwrap().len();
                assert!((204_800..=4_000_000).contains(&bytes), "{file:?}: {bytes}");
            }
        }
        // CSV too (a dry run into a folder of its own: the outputs are above).
        let dry = tmp.path().join(format!("dry {lang}"));
        let mut csv_args = args.to_vec();
        csv_args[3] = dry.to_str().unwrap();
        csv_args[5] = csv.to_str().unwrap();
        csv_args.push("--dry-run");
        assert_eq!(run(choice, &csv_args).code, 1);
        reports.push((
            common::read_report(&jsonl),
            fs::read_to_string(&csv).unwrap(),
        ));
    }
    let [(zh, zh_csv), (en, en_csv)] = <[_; 2]>::try_from(reports).ok().unwrap();
    assert_eq!(zh.len(), en.len());
    let key_set = |records: &[serde_json::Value]| {
        let mut set = BTreeSet::new();
        records.iter().for_each(|r| keys(r, "", &mut set));
        set
    };
    assert_eq!(key_set(&zh), key_set(&en));
    assert_eq!(codes(&zh), codes(&en));
    // The words follow the language: an error under zh is Chinese, the same record's
    // English differs.
    let empty = |records: &[serde_json::Value]| {
        records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with("空文件.jpg"))
            .unwrap()["error"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(empty(&zh), "文件是空的");
    assert_ne!(empty(&en), empty(&zh));
    // CSV: the same header, and the same codes column by column.
    let (zh_rows, en_rows) = (csv_rows(&zh_csv), csv_rows(&en_csv));
    assert_eq!(zh_rows[0], en_rows[0]);
    for column in ["status", "error_code", "warning_codes", "input"] {
        let i = zh_rows[0].iter().position(|h| h == column).unwrap();
        let pick = |rows: &[Vec<String>]| {
            let mut v: Vec<String> = rows[1..].iter().map(|r| r[i].clone()).collect();
            v.sort();
            v
        };
        assert_eq!(pick(&zh_rows), pick(&en_rows), "column {column}");
    }
}

/// CSV rows, with quoted fields (names with spaces and Chinese punctuation).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn stitch_speaks_chinese() {
    let (tmp, root) = corpus();
    let a = root.join("客户A 资料/授权书.jpg");
    let b = root.join("客户B/手持身份证 照片.jpg");
    let out = tmp.path().join("拼图 结果.jpg");
    let args = [
        "stitch",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let mut shown = names(&root, root.to_str().unwrap());
    shown.insert(0, out.to_str().unwrap().to_owned());
    let first = run(ZH, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_chinese(&first.stderr, &shown);
    assert!(first.stderr.contains("拼图 1 张"), "{}", first.stderr);
    let picture = common::assert_clean_output(&out);
    assert!(picture.width() > 0 && picture.height() > 0);
    // Again: the output exists and is kept, said in Chinese with the flag that changes it.
    let again = run(ZH, &args);
    assert_chinese(&again.stderr, &shown);
    assert!(again.stderr.contains("--overwrite"), "{}", again.stderr);
}

#[test]
fn rules_names_kinds_and_provinces_in_chinese() {
    // `--lang` before the command, as a user would type it.
    let zh = run(Choice::Env(&[]), &["--lang", "zh", "rules"]);
    let en = run(Choice::Env(&[]), &["--lang", "en", "rules"]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    assert_eq!(en.code, 0, "{}", en.stderr);
    let json = run(EN, &["rules", "--json"]);
    let rules: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let kinds = rules["kinds"].as_array().unwrap();
    assert!(kinds.len() >= 10, "{}", json.stdout);
    // Each kind's row (found by its id, the first column) names it in the language of
    // the run: the rules file's Chinese name under zh, its English one under en.
    for kind in kinds {
        let id = kind["id"].as_str().unwrap();
        let cells = |table: &str| -> Vec<String> {
            let line = table
                .lines()
                .find(|l| l.starts_with(&format!("{id} ")))
                .unwrap_or_else(|| panic!("no row for {id} in\n{table}"));
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let (zh_row, en_row) = (cells(&zh.stdout), cells(&en.stdout));
        assert_eq!(zh_row[1], kind["zh"].as_str().unwrap(), "{zh_row:?}");
        assert_eq!(en_row[1], kind["en"].as_str().unwrap(), "{en_row:?}");
        // Role and windows are words of the catalogue: Chinese, or "-" for none.
        for cell in &zh_row[1..5] {
            assert_chinese_or_dash(cell);
        }
    }
    for words in [
        "类型",
        "提交前办理期限",
        "辅助资料",
        "四川",
        "河北",
        "45 天",
        "6 个月",
    ] {
        assert!(zh.stdout.contains(words), "{words} not in\n{}", zh.stdout);
    }
    for words in ["kind", "issued within", "Sichuan", "months", "auxiliary"] {
        assert!(!zh.stdout.contains(words), "{words} in\n{}", zh.stdout);
        assert!(en.stdout.contains(words), "{words} not in\n{}", en.stdout);
    }
    // The province table: Hebei's authorization window, in each language.
    let hebei = row(&zh.stdout, "河北");
    assert!(
        hebei.contains("授权书") && hebei.contains("6 个月"),
        "{hebei}"
    );
}

/// A table cell in Chinese words (numbers allowed), or "-".
fn assert_chinese_or_dash(cell: &str) {
    if cell != "-" {
        assert_chinese(cell, &[]);
    }
}

#[test]
fn the_locale_chooses_unless_scanfit_is_told() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/客户C/事业单位 批文.jpg");
    let file = file.to_str().unwrap();
    let verdict = |choice| {
        let out = run(choice, &["check", file]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.split_whitespace().next().unwrap().to_owned()
    };
    let zh_cn: &[(&str, &str)] = &[("LANG", "zh_CN.UTF-8")];
    assert_eq!(verdict(Choice::Env(zh_cn)), "通过");
    assert_eq!(verdict(Choice::Env(&[("LANG", "C")])), "PASS");
    assert_eq!(verdict(Choice::Env(&[])), "PASS");
    assert_eq!(
        verdict(Choice::Env(&[("LC_ALL", "zh_SG.UTF-8"), ("LANG", "C")])),
        "通过"
    );
    assert_eq!(
        verdict(Choice::Env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
        "PASS"
    );
    assert_eq!(verdict(Choice::FlagAndEnv("en", zh_cn)), "PASS");
    assert_eq!(
        verdict(Choice::Env(&[("SCANFIT_LANG", "zh"), ("LANG", "C")])),
        "通过"
    );
    let told_en = [("SCANFIT_LANG", "en"), ("LANG", "zh_CN.UTF-8")];
    assert_eq!(verdict(Choice::Env(&told_en)), "PASS");
    assert_eq!(verdict(Choice::FlagAndEnv("zh", &told_en)), "通过");
    // The help follows the same choice.
    let help = run(Choice::Env(zh_cn), &["sweep", "--help"]);
    assert!(help.stdout.contains("用法"), "{}", help.stdout);
}
