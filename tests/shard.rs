//! Sharded batches, run as separate processes of the built binary: N shards of
//! `convert` over the bundled corpus and a folder of colliding names write exactly
//! the outputs of one unsharded run, byte for byte, each by one shard; the merged
//! report is the unsharded report but for timing; the shard comes from the engines'
//! variables; bad shards and mismatched reports are refused in words.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{encode, files_under, phone_jpeg, quadrants, read_report, scanfit};
use image::{DynamicImage, ImageFormat};
use serde_json::Value;

/// Names that collide (same folder, same stem, compared case-insensitively), chosen so
/// their shards differ (by the documented hash): with 2 shards `a.png` (0) and `a.jpg`
/// (1); with 3 shards `b.png` (2) and `b.jpg` (1), and `D.JPG` (0), `d.jpg` (2),
/// `d.png` (1), where `d.jpg` is named `d_jpg_2` only because `D.JPG`, in another
/// shard, comes first.
const COLLIDING: [&str; 7] = [
    "a.png", "a.jpg", "b.png", "b.jpg", "D.JPG", "d.jpg", "d.png",
];

/// A folder `made/` of real pictures with colliding names.
fn made(root: &Path) -> PathBuf {
    let dir = root.join("made");
    fs::create_dir_all(&dir).unwrap();
    for (seed, name) in COLLIDING.iter().enumerate() {
        let img = quadrants(1200, 900, 48, seed as u64 + 7);
        let bytes = if name.to_lowercase().ends_with(".png") {
            encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png)
        } else {
            phone_jpeg(&img, 1, 90)
        };
        fs::write(dir.join(name), bytes).unwrap();
    }
    dir
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// `scanfit convert INPUTS -o OUT --report REPORT -q EXTRA` as a started process,
/// with `env` set and the engines' variables cleared otherwise.
fn start(
    inputs: &[PathBuf],
    out: &Path,
    report: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanfit"));
    cmd.env("SCANFIT_LANG", "en");
    for var in [
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .arg("convert")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--report")
        .arg(report)
        .arg("-q")
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

fn finish(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// A report's rows with the timing taken out, and the legibility score rounded to 9
/// digits: its last bits follow the order in which rayon's threads add up tiles, which
/// differs between `-j 2` and `-j 1` (and between runs), shards or not.
fn untimed(rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            let fields = r.as_object_mut().unwrap();
            fields.remove("millis");
            if let Some(score) = fields["score"].as_f64() {
                fields["score"] = Value::from((score * 1e9).round() / 1e9);
            }
            r
        })
        .collect()
}

/// The rows of a shard's report (after its header line), and the header.
fn shard_rows(path: &Path) -> (Value, Vec<Value>) {
    let mut rows = read_report(path);
    let header = rows.remove(0);
    assert_eq!(header["record"], "shard", "{}", path.display());
    (header, rows)
}

/// The unsharded run of `inputs`: its outputs and report rows.
fn unsharded(inputs: &[PathBuf], root: &Path) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<Value>, i32) {
    let out = root.join("out");
    let report = root.join("whole.jsonl");
    let done = finish(start(inputs, &out, &report, &["-j", "2"], &[]));
    let code = done.status.code().unwrap();
    assert!(code <= 1, "{}", String::from_utf8_lossy(&done.stderr));
    let outputs = tree(&out);
    // Every run writes to the same OUT, so the reports name the same output paths.
    fs::remove_dir_all(&out).unwrap();
    (outputs, read_report(&report), code)
}

/// How one shard is started: its flags, and the variables set for it.
type Launch = (Vec<String>, Vec<(&'static str, &'static str)>);

/// Runs `n` shards at once into `root/out`, each with its own `--shard` flag or
/// variables, and returns their outputs and the shard reports' paths.
fn sharded(
    inputs: &[PathBuf],
    root: &Path,
    n: u32,
    how: &[Launch],
) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<PathBuf>) {
    let out = root.join("out");
    let reports = root.join(format!("reports{n}"));
    fs::create_dir_all(&reports).unwrap();
    let report = reports.join("report.jsonl");
    let children: Vec<Child> = how
        .iter()
        .map(|(flags, env)| {
            let mut flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            flags.extend(["-j", "1"]);
            start(inputs, &out, &report, &flags, env)
        })
        .collect();
    for child in children {
        let done = finish(child);
        assert!(
            done.status.code().unwrap() <= 1,
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
    let paths = (0..n)
        .map(|i| reports.join(format!("report.shard-{i}-of-{n}.jsonl")))
        .collect();
    let outputs = tree(&out);
    fs::remove_dir_all(&out).unwrap();
    (outputs, paths)
}

fn by_flag(n: u32) -> Vec<Launch> {
    (0..n)
        .map(|i| (vec!["--shard".into(), format!("{i}/{n}")], vec![]))
        .collect()
}

fn merge(reports: &[PathBuf], output: &Path) -> Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new("report"), OsStr::new("merge")];
    args.extend(reports.iter().map(|p| p.as_os_str()));
    args.extend([OsStr::new("-o"), output.as_os_str()]);
    scanfit(&args)
}

/// The shard whose report has a row for `input` (a file name under made/).
fn owner(shards: &[Vec<Value>], name: &str) -> usize {
    let ends = format!("made/{name}");
    let found: Vec<usize> = (0..shards.len())
        .filter(|&s| {
            shards[s]
                .iter()
                .any(|r| r["input"].as_str().unwrap().ends_with(&ends))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name} reported by shards {found:?}");
    found[0]
}

#[test]
fn shards_write_exactly_the_unsharded_outputs_and_merge_into_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![corpus(), made(dir.path())];
    let (whole, whole_rows, whole_code) = unsharded(&inputs, dir.path());
    // The corpus holds broken files on purpose: the run fails, and so must the merge.
    assert_eq!(whole_code, 1);
    // Named over all inputs: `D.JPG` first, so `d.jpg` is the second `d_jpg`.
    let names: BTreeSet<String> = whole
        .keys()
        .map(|p| p.with_extension("").to_string_lossy().into_owned())
        .collect();
    for name in [
        "D_jpg", "d_jpg_2", "d_png", "a_png", "a_jpg", "b_png", "b_jpg",
    ] {
        assert!(names.contains(name), "{name} not in {names:?}");
    }
    for n in [1u32, 2, 3] {
        let (outputs, reports) = sharded(&inputs, dir.path(), n, &by_flag(n));
        assert_eq!(
            outputs.keys().collect::<Vec<_>>(),
            whole.keys().collect::<Vec<_>>(),
            "{n} shards: other files"
        );
        for (path, bytes) in &whole {
            assert!(
                outputs[path] == *bytes,
                "{n} shards: {} differs",
                path.display()
            );
        }
        // Every output written by exactly one shard: each is reported written by one
        // shard, and no shard found another's output in its way.
        let shards: Vec<Vec<Value>> = reports.iter().map(|r| shard_rows(r).1).collect();
        let mut written: BTreeMap<String, usize> = BTreeMap::new();
        for rows in &shards {
            for r in rows {
                assert_ne!(r["error_code"], "output_exists", "{n} shards: {r}");
                if let Some(o) = r["output"].as_str() {
                    *written.entry(o.to_owned()).or_default() += 1;
                }
            }
        }
        assert_eq!(written.len(), whole.len(), "{n} shards");
        assert!(written.values().all(|&c| c == 1), "{written:?}");
        let all: usize = shards.iter().map(Vec::len).sum();
        assert_eq!(all, whole_rows.len());
        if n == 2 {
            assert_ne!(owner(&shards, "a.png"), owner(&shards, "a.jpg"));
        }
        if n == 3 {
            assert_ne!(owner(&shards, "b.png"), owner(&shards, "b.jpg"));
            let d: BTreeSet<usize> = ["D.JPG", "d.jpg", "d.png"]
                .iter()
                .map(|f| owner(&shards, f))
                .collect();
            assert_eq!(d.len(), 3, "the three d's in three shards");
        }
        // The merge, whatever order the reports come in.
        let mut shuffled = reports.clone();
        shuffled.reverse();
        let merged_path = dir.path().join(format!("all{n}.jsonl"));
        let done = merge(&shuffled, &merged_path);
        assert_eq!(
            done.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let merged = untimed(&read_report(&merged_path));
        assert_eq!(merged.len(), whole_rows.len(), "{n} shards: merged report");
        for (got, want) in merged.iter().zip(untimed(&whole_rows)) {
            assert_eq!(*got, want, "{n} shards: merged report");
        }
        let csv_path = dir.path().join(format!("all{n}.csv"));
        assert_eq!(merge(&reports, &csv_path).status.code(), Some(1));
        let csv = fs::read_to_string(&csv_path).unwrap();
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let head = reader.headers().unwrap().clone();
        let input = head.iter().position(|h| h == "input").unwrap();
        let status = head.iter().position(|h| h == "status").unwrap();
        let rows: Vec<(String, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[input].to_owned(), r[status].to_owned())
            })
            .collect();
        let expected: Vec<(String, String)> = whole_rows
            .iter()
            .map(|r| {
                (
                    r["input"].as_str().unwrap().into(),
                    r["status"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(rows, expected, "{n} shards: merged CSV");
    }
}

#[test]
fn the_shard_comes_from_kubernetes_or_slurm_variables() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![made(dir.path())];
    let (whole, whole_rows, _) = unsharded(&inputs, dir.path());
    let k8s: Vec<Launch> = ["0", "1"]
        .iter()
        .map(|&i| {
            let flags = vec!["--shard-count".into(), "2".into()];
            (flags, vec![("JOB_COMPLETION_INDEX", i)])
        })
        .collect();
    let (outputs, reports) = sharded(&inputs, dir.path(), 2, &k8s);
    assert!(outputs == whole);
    let merged = dir.path().join("k8s.jsonl");
    assert_eq!(merge(&reports, &merged).status.code(), Some(0));
    assert_eq!(untimed(&read_report(&merged)), untimed(&whole_rows));
    // A Slurm array --array=1-3 runs shards 0, 1, 2.
    let slurm: Vec<Launch> = ["1", "2", "3"]
        .iter()
        .map(|&id| {
            let flags = vec!["--shard-count".into(), "3".into()];
            (
                flags,
                vec![("SLURM_ARRAY_TASK_ID", id), ("SLURM_ARRAY_TASK_MIN", "1")],
            )
        })
        .collect();
    let (outputs, reports) = sharded(&inputs, dir.path(), 3, &slurm);
    assert!(outputs == whole);
    for (i, report) in reports.iter().enumerate() {
        assert_eq!(shard_rows(report).0["shard"], i as u64);
    }
}

#[test]
fn a_bad_shard_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![made(dir.path())];
    let out = dir.path().join("out");
    let report = dir.path().join("r.jsonl");
    let refused = |extra: &[&str], env: &[(&str, &str)], lang: &str| {
        let mut extra = extra.to_vec();
        extra.extend(["--lang", lang]);
        let done = finish(start(&inputs, &out, &report, &extra, env));
        assert_eq!(done.status.code(), Some(2), "{extra:?}");
        String::from_utf8(done.stderr).unwrap()
    };
    let says = |text: String, words: &str| assert!(text.contains(words), "{words} not in {text}");
    says(
        refused(&["--shard", "3/3"], &[], "en"),
        "shard 3 does not exist: the 3 shards are 0 to 2",
    );
    says(refused(&["--shard", "3/3"], &[], "zh"), "分片 3 不存在");
    says(
        refused(&["--shard", "x"], &[], "en"),
        "'x' is not a shard: write I/N",
    );
    says(refused(&["--shard", "1/0"], &[], "en"), "at least 1");
    says(
        refused(&["--shard-count", "2"], &[], "en"),
        "neither JOB_COMPLETION_INDEX",
    );
    says(refused(&["--shard-count", "2"], &[], "en"), "--shard");
    says(
        refused(&["--shard-count", "2"], &[], "zh"),
        "不知道本进程是第几个分片",
    );
    let k8s = [("JOB_COMPLETION_INDEX", "2")];
    says(
        refused(&["--shard-count", "2"], &k8s, "en"),
        "shard 2 does not exist",
    );
    let slurm = [("SLURM_ARRAY_TASK_ID", "2")];
    says(
        refused(&["--shard-count", "2"], &slurm, "en"),
        "SLURM_ARRAY_TASK_MIN is not",
    );
    let both = ["--shard", "0/2", "--shard-count", "2"];
    says(refused(&both, &[], "en"), "cannot be used with");
    let csv = finish(start(
        &inputs,
        &out,
        &dir.path().join("r.csv"),
        &["--shard", "0/2"],
        &[],
    ));
    assert_eq!(csv.status.code(), Some(2));
    says(String::from_utf8(csv.stderr).unwrap(), "ending in .jsonl");
    assert!(!out.exists(), "a refused run wrote something");
}

#[test]
fn merge_refuses_reports_that_are_not_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![made(dir.path())];
    let run = |name: &str, shard: &str, extra: &[&str]| {
        let report = dir.path().join(format!("{name}.jsonl"));
        let mut flags = vec!["--shard", shard, "--dry-run"];
        flags.extend(extra);
        let done = finish(start(
            &inputs,
            &dir.path().join("out"),
            &report,
            &flags,
            &[],
        ));
        assert_eq!(
            done.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let n = shard.split('/').nth(1).unwrap();
        let i = shard.split('/').next().unwrap();
        dir.path().join(format!("{name}.shard-{i}-of-{n}.jsonl"))
    };
    let s0 = run("r", "0/2", &[]);
    let s1 = run("r", "1/2", &[]);
    let other = run("q", "1/2", &["--quality", "80"]);
    let all = dir.path().join("all.jsonl");
    let refused = |reports: &[&PathBuf], words: &str| {
        let reports: Vec<PathBuf> = reports.iter().map(|p| (*p).clone()).collect();
        let done = merge(&reports, &all);
        let text = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(2), "{text}");
        assert!(text.contains(words), "{words} not in {text}");
    };
    refused(
        &[&s0],
        "the report of shard 1 is missing: all 2 shards' reports are needed",
    );
    refused(&[&s0, &s0, &s1], "shard 0 is given twice");
    refused(&[&s0, &other], "is from another run than");
    // An unsharded report, and a shard's report cut short.
    let plain = dir.path().join("plain.jsonl");
    let done = finish(start(
        &inputs,
        &dir.path().join("out"),
        &plain,
        &["--dry-run"],
        &[],
    ));
    assert_eq!(done.status.code(), Some(0));
    refused(&[&plain, &s1], "is not a shard's report");
    let text = fs::read_to_string(&s1).unwrap();
    let cut = dir.path().join("cut.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    fs::write(&cut, lines[..lines.len() - 1].join("\n")).unwrap();
    refused(&[&s0, &cut], "do not match its header");
    assert!(!all.exists(), "a refused merge wrote a report");
    // And the whole run merges, planned outputs and all, without writing a picture.
    let done = merge(&[s1.clone(), s0.clone()], &all);
    assert_eq!(done.status.code(), Some(0));
    let merged = read_report(&all);
    let planned: Vec<&str> = merged
        .iter()
        .map(|r| r["input"].as_str().unwrap())
        .collect();
    let mut sorted = planned.clone();
    sorted.sort_by_key(|p| Path::new(p).file_name().unwrap().to_owned());
    assert_eq!(planned, sorted, "rows not in the walk's order");
    assert_eq!(merged.len(), COLLIDING.len());
    assert!(!dir.path().join("out").exists() || files_under(&dir.path().join("out")).is_empty());
}
