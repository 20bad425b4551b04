//! End-to-end tests of `scanfit watch`: the real binary in a child process, real files
//! written the ways scanners and copy tools write them. Each test is bounded by
//! deadlines (polling for a condition, never sleeping for a fixed time where a condition
//! can be polled) and kills its watcher when it ends, passed or failed.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use image::{DynamicImage, ImageFormat};

const JOURNAL: &str = ".scanfit-journal.jsonl";

/// A running watcher, killed when dropped so a failing test leaves no process behind.
struct Watcher {
    child: Child,
    /// Its stdout and stderr, outside every watched folder.
    log: tempfile::NamedTempFile,
}

impl Watcher {
    fn start(inp: &Path, out: &Path, extra: &[&str]) -> Watcher {
        Watcher::start_with(Command::new(env!("CARGO_BIN_EXE_scanfit")), inp, out, extra)
    }

    /// Starts the watcher with `umask` set in its process.
    fn start_with_umask(umask: u32, inp: &Path, out: &Path, extra: &[&str]) -> Watcher {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("umask {umask:03o}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_scanfit"));
        Watcher::start_with(sh, inp, out, extra)
    }

    /// Starts `cmd` (the binary, or a shell that execs it) with watch's arguments.
    fn start_with(mut cmd: Command, inp: &Path, out: &Path, extra: &[&str]) -> Watcher {
        let log = tempfile::NamedTempFile::new().unwrap();
        let err = log.reopen().unwrap();
        let child = cmd
            // English whatever the machine's locale: the tests read the English words.
            .env("SCANFIT_LANG", "en")
            .arg("watch")
            .arg(inp)
            .arg("-o")
            .arg(out)
            .args(["--jobs", "2"])
            // Short, so the tests are quick; a test that needs another passes its own.
            .args(if extra.contains(&"--settle") {
                &[][..]
            } else {
                &["--settle", "300"][..]
            })
            .args(extra)
            .stdout(err.try_clone().unwrap())
            .stderr(err)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let w = Watcher { child, log };
        // Started once it says so (the catch-up scan and the OS watch are in place).
        w.wait_for("watching", || w.log().contains("watching"));
        w
    }

    fn log(&self) -> String {
        fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Polls `cond` until it holds; fails the test with the watcher's log after 40 s
    /// (a generous bound: these machines are shared and slow).
    fn wait_for(&self, what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(40);
        while !cond() {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; watcher log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An upright JPEG with metadata, inside the band, so the conversion is the quick
/// lossless path; `seed` changes its bytes.
fn scan(seed: u64) -> Vec<u8> {
    let bytes = phone_jpeg(&quadrants(1000, 750, 120, seed), 1, 95);
    assert!((MIN..=MAX).contains(&(bytes.len() as u64)));
    bytes
}

/// Outputs under `out`: every file except hidden ones (the journal, temporaries).
fn outputs(out: &Path) -> Vec<PathBuf> {
    if !out.exists() {
        return Vec::new();
    }
    files_under(out)
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect()
}

fn journal(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join(JOURNAL))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let out = dir.path().join("out");
    (dir, inp, out)
}

#[test]
fn a_file_written_slowly_is_converted_once_after_it_is_complete() {
    let (_dir, inp, out) = dirs();
    let w = Watcher::start(&inp, &out, &["--settle", "1500"]);
    let bytes = scan(1);
    let path = inp.join("slow.jpg");
    let mut f = File::create(&path).unwrap();
    for chunk in bytes.chunks(bytes.len() / 10 + 1) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
        assert!(outputs(&out).is_empty(), "converted while still written");
    }
    drop(f);
    let output = out.join("slow.jpg");
    w.wait_for("the output", || journal(&out).len() == 1);
    assert_clean_output(&output);
    // Past the settle time, nothing more happens to it.
    std::thread::sleep(Duration::from_millis(1800));
    assert_eq!(journal(&out).len(), 1, "{}", w.log());
    assert_eq!(outputs(&out), [output]);
}

#[test]
fn fifty_files_dropped_at_once_are_all_converted_and_sigterm_stops_cleanly() {
    let (_dir, inp, out) = dirs();
    let mut w = Watcher::start(&inp, &out, &[]);
    let bytes = scan(2);
    fs::create_dir(inp.join("子")).unwrap();
    for i in 0..50 {
        let sub = if i % 2 == 0 { "" } else { "子" };
        fs::write(inp.join(sub).join(format!("扫描 {i}.jpg")), &bytes).unwrap();
    }
    w.wait_for("50 outputs", || journal(&out).len() == 50);
    let outs = outputs(&out);
    assert_eq!(outs.len(), 50);
    for o in &outs {
        assert!(fs::read(o).unwrap().starts_with(&[0xFF, 0xD8, 0xFF]));
    }
    assert_clean_output(&outs[0]);
    let pid = w.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(40);
    let status = loop {
        if let Some(status) = w.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{}", w.log());
    let temporaries: Vec<_> = files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".scanfit-") && !p.ends_with(JOURNAL))
        .collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");
}

#[test]
fn a_restart_after_sigkill_converts_the_rest_and_duplicates_nothing() {
    let (_dir, inp, out) = dirs();
    const N: usize = 40;
    for i in 0..N {
        fs::write(inp.join(format!("{i:02}.jpg")), scan(100 + i as u64)).unwrap();
    }
    let mut w = Watcher::start(&inp, &out, &[]);
    w.wait_for("a few outputs", || journal(&out).len() >= 3);
    w.kill();
    let before = journal(&out).len();
    let w = Watcher::start(&inp, &out, &[]);
    w.wait_for("every input in the journal", || {
        let mut inputs: Vec<String> = journal(&out)
            .iter()
            .map(|e| e["input"].as_str().unwrap().to_owned())
            .collect();
        inputs.sort();
        inputs.dedup();
        inputs.len() == N
    });
    let lines = journal(&out);
    assert_eq!(lines.len(), N, "an input was journaled twice: {lines:?}");
    let outs = outputs(&out);
    assert_eq!(outs.len(), N, "{outs:?}");
    for o in &outs {
        assert!(o.file_stem().unwrap().len() == 2, "duplicate name {o:?}");
        let bytes = fs::read(o).unwrap();
        assert!(image::load_from_memory(&bytes).is_ok(), "{o:?} is broken");
    }
    assert!(before < N, "the kill came after everything was done");
}

#[test]
fn out_inside_in_causes_no_loop_and_temporary_names_are_ignored_until_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().to_path_buf();
    let out = inp.join("out");
    let w = Watcher::start(&inp, &out, &[]);
    let bytes = scan(3);
    fs::write(inp.join("a.jpg"), &bytes).unwrap();
    for ignored in [
        ".DS_Store",
        "~$b.jpg",
        "c.jpg.crdownload",
        ".d.jpg",
        "e.tmp",
    ] {
        fs::write(inp.join(ignored), &bytes).unwrap();
    }
    fs::write(inp.join("f.jpg.part"), &bytes).unwrap();
    w.wait_for("a.jpg's output", || journal(&out).len() == 1);
    // Twice the settle time and more: a loop, or a temporary taken for input, shows.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(outputs(&out), [out.join("a.jpg")], "{}", w.log());
    fs::rename(inp.join("f.jpg.part"), inp.join("f.jpg")).unwrap();
    w.wait_for("f.jpg's output", || journal(&out).len() == 2);
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(outputs(&out), [out.join("a.jpg"), out.join("f.jpg")]);
    assert_eq!(journal(&out).len(), 2);
}

#[test]
fn an_overwritten_input_gives_a_fresh_output_in_place_of_the_old_one() {
    let (_dir, inp, out) = dirs();
    let w = Watcher::start(&inp, &out, &[]);
    let input = inp.join("a.jpg");
    let output = out.join("a.jpg");
    fs::write(&input, scan(4)).unwrap();
    w.wait_for("the first output", || journal(&out).len() == 1);
    let first = fs::read(&output).unwrap();
    fs::write(&input, scan(5)).unwrap();
    w.wait_for("the second output", || journal(&out).len() == 2);
    let second = fs::read(&output).unwrap();
    assert_ne!(first, second);
    assert_clean_output(&output);
    assert_eq!(outputs(&out), [output]);
}

#[test]
fn originals_are_moved_or_deleted_only_once_the_output_exists() {
    for mode in ["move", "delete"] {
        let (dir, inp, out) = dirs();
        let done = dir.path().join("done");
        let arg = if mode == "move" {
            format!("move:{}", done.display())
        } else {
            "delete".into()
        };
        let w = Watcher::start(&inp, &out, &["--originals", &arg]);
        fs::create_dir(inp.join("sub")).unwrap();
        let input = inp.join("sub/a.jpg");
        let output = out.join("sub/a.jpg");
        let bytes = scan(6);
        fs::write(&input, &bytes).unwrap();
        w.wait_for("the original to go", || {
            let gone = !input.exists();
            if gone {
                assert!(output.exists(), "{mode}: the original went first");
            }
            gone
        });
        assert_clean_output(&output);
        if mode == "move" {
            assert_eq!(fs::read(done.join("sub/a.jpg")).unwrap(), bytes);
        } else {
            assert!(!done.exists());
        }
        assert_eq!(journal(&out).len(), 1);
    }
}

#[test]
fn outputs_journal_report_and_moved_originals_get_the_umask_mode() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for umask in [0o022, 0o077] {
        let (dir, inp, out) = dirs();
        let done = dir.path().join("done");
        let report = dir.path().join("report.jsonl");
        let w = Watcher::start_with_umask(
            umask,
            &inp,
            &out,
            &[
                "--originals",
                &format!("move:{}", done.display()),
                "--report",
                report.to_str().unwrap(),
            ],
        );
        fs::create_dir(inp.join("sub")).unwrap();
        let input = inp.join("sub/a.jpg");
        fs::write(&input, scan(7)).unwrap();
        // The original keeps the mode its owner gave it, whatever scanfit's umask.
        fs::set_permissions(&input, fs::Permissions::from_mode(0o640)).unwrap();
        let moved = done.join("sub/a.jpg");
        w.wait_for("the original to be moved", || moved.exists());
        w.wait_for("the report line", || {
            fs::read_to_string(&report).is_ok_and(|r| r.ends_with('\n'))
        });
        let (file_mode, dir_mode) = (0o666 & !umask, 0o777 & !umask);
        for file in [out.join("sub/a.jpg"), out.join(JOURNAL), report.clone()] {
            assert_eq!(
                mode(&file),
                file_mode,
                "umask {umask:03o}: {}",
                file.display()
            );
        }
        for folder in [out.clone(), out.join("sub"), done.clone(), done.join("sub")] {
            assert_eq!(
                mode(&folder),
                dir_mode,
                "umask {umask:03o}: {}",
                folder.display()
            );
        }
        assert_eq!(mode(&moved), 0o640, "umask {umask:03o}: the moved original");
    }
}

/// Runs a watch with `--originals MODE` (and a report) over inputs that succeed, fail,
/// are skipped or only partly convert, and checks that only the fully converted
/// original went away and every other one is still there, byte for byte.
fn originals_stay_unless_every_output_was_written(mode: &str) {
    let (dir, inp, out) = dirs();
    let done = dir.path().join("done");
    let report = dir.path().join("report.jsonl");
    let arg = match mode {
        "move" => format!("move:{}", done.display()),
        _ => "delete".into(),
    };
    // An output already in OUT that no journal knows: its input is skipped, not replaced.
    fs::create_dir_all(&out).unwrap();
    let by_hand = scan(21);
    fs::write(out.join("existing.jpg"), &by_hand).unwrap();
    let w = Watcher::start(
        &inp,
        &out,
        &["--originals", &arg, "--report", report.to_str().unwrap()],
    );
    let damaged = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damaged/baseline_garbled.jpg"),
    )
    .unwrap();
    let good_page = scan(22);
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("good.jpg", scan(23)),
        // Fails: damaged JPEG data.
        ("damaged.jpg", damaged.clone()),
        // Fails: not a picture at all, under a picture's name.
        ("text.jpg", b"not a picture".to_vec()),
        // Skipped: its output exists already.
        ("existing.jpg", scan(24)),
        // Partly converted: page 1 converts, page 2 is damaged.
        (
            "partial.pdf",
            pdf_of_jpegs(&[(&good_page, 720.0, 540.0), (&damaged, 288.0, 288.0)]),
        ),
    ];
    for (name, bytes) in &inputs {
        fs::write(inp.join(name), bytes).unwrap();
    }
    w.wait_for("every input in the journal", || {
        journal(&out).len() == inputs.len()
    });
    w.wait_for("the good original to go", || !inp.join("good.jpg").exists());
    let status = |name: &str| {
        journal(&out)
            .into_iter()
            .find(|e| e["input"] == name)
            .map(|e| e["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        status("damaged.jpg").as_deref(),
        Some("failed"),
        "{}",
        w.log()
    );
    assert_eq!(status("text.jpg").as_deref(), Some("failed"));
    assert_eq!(status("existing.jpg").as_deref(), Some("skipped"));
    assert_eq!(status("partial.pdf").as_deref(), Some("failed"));
    // Twice the settle time more: nothing else may go.
    std::thread::sleep(Duration::from_millis(800));
    for (name, bytes) in &inputs[1..] {
        assert_eq!(
            fs::read(inp.join(name)).ok().as_ref(),
            Some(bytes),
            "{mode}: the original {name} was touched; log:\n{}",
            w.log()
        );
    }
    assert_eq!(fs::read(out.join("existing.jpg")).unwrap(), by_hand);
    assert!(
        out.join("partial_p1.jpg").exists(),
        "the good page converts"
    );
    if mode == "move" {
        assert_eq!(fs::read(done.join("good.jpg")).unwrap(), inputs[0].1);
        assert_eq!(files_under(&done), [done.join("good.jpg")]);
    }
    // The report has one line per output page, with the same outcomes.
    let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), inputs.len() + 1, "{lines:#?}");
    let outcome = |name: &str, page: Option<u64>| {
        lines
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name) && r["page"].as_u64() == page)
            .unwrap_or_else(|| panic!("no report line for {name} {page:?}"))["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(["ok", "warn"].contains(&outcome("good.jpg", None).as_str()));
    assert_eq!(outcome("damaged.jpg", None), "failed");
    assert_eq!(outcome("existing.jpg", None), "skipped");
    assert!(["ok", "warn"].contains(&outcome("partial.pdf", Some(1)).as_str()));
    assert_eq!(outcome("partial.pdf", Some(2)), "failed");
}

#[test]
fn originals_move_never_takes_a_failed_skipped_or_partial_input() {
    originals_stay_unless_every_output_was_written("move");
}

#[test]
fn originals_delete_never_deletes_a_failed_skipped_or_partial_input() {
    originals_stay_unless_every_output_was_written("delete");
}

#[test]
fn poll_mode_converts_what_appears_without_file_events() {
    let (_dir, inp, out) = dirs();
    let w = Watcher::start(&inp, &out, &["--poll", "0.2"]);
    fs::create_dir(inp.join("sub")).unwrap();
    fs::write(inp.join("sub/a.jpg"), scan(25)).unwrap();
    w.wait_for("the output", || journal(&out).len() == 1);
    assert_clean_output(&out.join("sub/a.jpg"));
    // A new version, seen by polling only, replaces its output.
    let first = fs::read(out.join("sub/a.jpg")).unwrap();
    fs::write(inp.join("sub/a.jpg"), scan(26)).unwrap();
    w.wait_for("the second version", || journal(&out).len() == 2);
    assert_ne!(fs::read(out.join("sub/a.jpg")).unwrap(), first);
    assert_eq!(outputs(&out), [out.join("sub/a.jpg")]);
}

/// Names: files there when the watch starts are named exactly as `convert` names the
/// same folder (colliding stems both get their extension). A file arriving after its
/// namesake was converted gets its extension alone, because an output already written
/// (perhaps already uploaded) is never renamed; the README says so.
#[test]
fn outputs_are_named_as_convert_names_them_and_late_namesakes_get_their_extension() {
    let (dir, inp, out) = dirs();
    let png = |seed| {
        encode(
            &DynamicImage::ImageRgb8(quadrants(900, 700, 120, seed)),
            ImageFormat::Png,
        )
    };
    fs::write(inp.join("a.jpg"), scan(11)).unwrap();
    fs::write(inp.join("A.png"), png(12)).unwrap();
    fs::write(inp.join("b.jpg"), scan(13)).unwrap();
    let converted = dir.path().join("by-convert");
    let run = scanfit(&[
        OsStr::new("convert"),
        inp.as_os_str(),
        OsStr::new("-o"),
        converted.as_os_str(),
    ]);
    assert!(run.status.success(), "{run:?}");
    // Output stems (a PNG may stay PNG, so the extension says nothing about names).
    let names = |root: &Path, files: Vec<PathBuf>| -> Vec<String> {
        let mut n: Vec<String> = files
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(root).unwrap().with_extension("");
                rel.to_string_lossy().into_owned()
            })
            .collect();
        n.sort();
        n
    };
    let by_convert = names(&converted, outputs(&converted));
    assert_eq!(by_convert, ["A_png", "a_jpg", "b"]);

    let w = Watcher::start(&inp, &out, &[]);
    w.wait_for("the three outputs", || journal(&out).len() == 3);
    assert_eq!(names(&out, outputs(&out)), by_convert, "{}", w.log());

    fs::write(inp.join("c.jpg"), scan(14)).unwrap();
    w.wait_for("c.jpg's output", || journal(&out).len() == 4);
    fs::write(inp.join("c.png"), png(15)).unwrap();
    w.wait_for("c.png's output", || journal(&out).len() == 5);
    assert_eq!(
        names(&out, outputs(&out)),
        ["A_png", "a_jpg", "b", "c", "c_png"],
        "{}",
        w.log()
    );
}
