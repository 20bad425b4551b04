//! The Windows build (scanfit.exe, x86_64-pc-windows-gnu) run under Wine, against the
//! Linux build of the same sources: the corpus converts to the same files with the same
//! verdicts, check and stitch work, `serve` answers the API to a client on the Linux
//! side, the language follows Windows' UI language, drive letters and backslashes are
//! paths, a file another process holds locked is one clear failure in a batch that goes
//! on, and Explorer's double-click and drop do what a person expects.
//!
//! `scripts/windows-test` builds the exe and the Wine prefix (with the test-only
//! ProcessPrng stub Wine 8 needs) and runs these tests. Without them the tests print a
//! notice and pass; `SCANFIT_REQUIRE_WINE=1` (CI) makes that a failure.
//! `SCANFIT_WINDOWS_EXE` and `SCANFIT_WINE_PREFIX` point elsewhere than
//! `target/x86_64-pc-windows-gnu/debug/scanfit.exe` and `target/wine-prefix`.
#![cfg(all(feature = "cli", feature = "serve"))]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_clean_output, files_under, read_report};
use serde_json::Value;

/// The exe and the prefix it runs in.
struct Wine {
    exe: PathBuf,
    prefix: PathBuf,
}

/// The Wine set-up, or `None` with a notice when it is not there.
fn wine() -> Option<Wine> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_env = |name: &str, default: &str| {
        std::env::var_os(name).map_or_else(|| root.join(default), PathBuf::from)
    };
    let exe = from_env(
        "SCANFIT_WINDOWS_EXE",
        "target/x86_64-pc-windows-gnu/debug/scanfit.exe",
    );
    let prefix = from_env("SCANFIT_WINE_PREFIX", "target/wine-prefix");
    let wine_runs = Command::new("wine")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if wine_runs && exe.is_file() && prefix.join(".scanfit-ready").is_file() {
        return Some(Wine { exe, prefix });
    }
    let why = "skipping the Windows tests: scanfit.exe or its Wine prefix is missing \
               (run scripts/windows-test)";
    assert!(
        std::env::var("SCANFIT_REQUIRE_WINE").as_deref() != Ok("1"),
        "SCANFIT_REQUIRE_WINE=1 but {why}"
    );
    // Past the test harness's capture, so the skip is seen in every run.
    let _ = writeln!(std::io::stderr(), "{why}");
    None
}

impl Wine {
    /// `wine PROGRAM` in the prefix, in a UTF-8 locale whatever this machine's (Wine
    /// converts the arguments with the locale's encoding: the C locale would garble
    /// Chinese names) and English words unless the test changes that.
    fn program(&self, program: &Path) -> Command {
        let mut c = Command::new("wine");
        c.arg(program)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("SCANFIT_LANG", "en")
            .stdin(Stdio::null());
        c
    }

    fn scanfit(&self) -> Command {
        self.program(&self.exe)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.scanfit().args(args).output().expect("wine starts")
    }
}

/// The Linux build of the same sources.
fn linux(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanfit"))
        .env("SCANFIT_LANG", "en")
        .args(args)
        .output()
        .unwrap()
}

/// `path` as Windows names it in Wine: drive Z: is the Unix root, backslashes between
/// the names.
fn win(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The bundled corpus copied under a folder with spaces and Chinese names, one level
/// deeper than it is kept (`资料 2024/第一批 文件/客户A/...`).
fn corpus_copy(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let input = dir.join("资料 2024");
    let nested = input.join("第一批 文件");
    for entry in fs::read_dir(&root).unwrap() {
        let from = entry.unwrap().path();
        if from.is_dir() {
            let to = nested.join(from.file_name().unwrap());
            fs::create_dir_all(&to).unwrap();
            for f in fs::read_dir(&from).unwrap() {
                let f = f.unwrap().path();
                fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        }
    }
    fs::copy(root.join("说明.txt"), input.join("说明.txt")).unwrap();
    input
}

/// A report's records by their input's path below `base` (`/` between names, whichever
/// system wrote it).
fn by_input(records: Vec<Value>, base: &str) -> BTreeMap<String, Value> {
    records
        .into_iter()
        .map(|r| {
            let input = r["input"].as_str().unwrap().replace('\\', "/");
            let rel = input
                .strip_prefix(&base.replace('\\', "/"))
                .unwrap_or_else(|| panic!("{input} is not under {base}"))
                .trim_start_matches('/')
                .to_owned();
            (rel, r)
        })
        .collect()
}

/// The fields of a record that say what happened, without paths and times.
fn verdict(r: &Value) -> Value {
    let keep = [
        "format",
        "output_format",
        "method",
        "status",
        "width_out",
        "height_out",
        "bytes_out",
        "quality",
        "warning_codes",
        "error_code",
        "verdict",
        "checks",
    ];
    Value::Object(
        keep.iter()
            .filter_map(|k| r.get(*k).map(|v| (k.to_string(), v.clone())))
            .collect(),
    )
}

#[test]
fn the_corpus_converts_to_what_linux_makes() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path());
    let (out_l, out_w) = (
        dir.path().join("linux out"),
        dir.path().join("windows 输出"),
    );
    let (rep_l, rep_w) = (dir.path().join("l.jsonl"), dir.path().join("w.jsonl"));
    let l = linux(&[
        "convert",
        input.to_str().unwrap(),
        "-o",
        out_l.to_str().unwrap(),
        "--report",
        rep_l.to_str().unwrap(),
    ]);
    let w = wine.run(&[
        "convert",
        &win(&input),
        "-o",
        &win(&out_w),
        "--report",
        &win(&rep_w),
    ]);
    // The corpus holds a truncated and an empty file: both builds fail those two.
    assert_eq!(l.status.code(), Some(1), "{}", text(&l));
    assert_eq!(w.status.code(), Some(1), "{}", text(&w));

    let rel = |dir: &Path| -> Vec<PathBuf> {
        files_under(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
            .collect()
    };
    let (files_l, files_w) = (rel(&out_l), rel(&out_w));
    assert_eq!(files_w, files_l, "the same outputs under the same names");
    assert!(files_w.len() >= 10, "{files_w:?}");
    let mut differ = Vec::new();
    for name in &files_w {
        let (a, b) = (out_l.join(name), out_w.join(name));
        assert_clean_output(&b);
        let (a, b) = (fs::read(a).unwrap(), fs::read(b).unwrap());
        assert_eq!(b.len(), a.len(), "{}: same size", name.display());
        if a != b {
            differ.push(name.display().to_string());
        }
    }
    assert!(differ.is_empty(), "same size, other bytes: {differ:?}");

    let records_l = by_input(read_report(&rep_l), input.to_str().unwrap());
    let records_w = by_input(read_report(&rep_w), &win(&input));
    assert_eq!(records_w.len(), records_l.len());
    for (name, l) in &records_l {
        let w = &records_w[name];
        assert_eq!(verdict(w), verdict(l), "{name}");
    }
    // The failures name their file, on the Windows side as on Linux.
    let stderr = String::from_utf8_lossy(&w.stderr);
    for broken in ["授权书 传输中断.jpg", "空文件.jpg"] {
        assert!(stderr.contains(broken), "{broken} not named in:\n{stderr}");
    }
}

#[test]
fn check_finds_what_linux_finds() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path());
    let l = linux(&["check", input.to_str().unwrap(), "--json"]);
    let w = wine.run(&["check", &win(&input), "--json"]);
    assert_eq!(w.status.code(), l.status.code(), "{}", text(&w));
    let files = |out: &Output, base: &str| {
        let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|r: &Value| r["record"] == "file")
            .collect();
        by_input(records, base)
    };
    let (fl, fw) = (files(&l, input.to_str().unwrap()), files(&w, &win(&input)));
    assert!(fl.len() >= 10, "{}", text(&l));
    assert_eq!(fw.keys().collect::<Vec<_>>(), fl.keys().collect::<Vec<_>>());
    for (name, l) in &fl {
        assert_eq!(verdict(&fw[name]), verdict(l), "{name}");
    }
}

#[test]
fn stitch_combines_two_pieces() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path()).join("第一批 文件");
    let out = dir.path().join("合并").join("客户B.jpg");
    let pieces = [
        input.join("客户B/手持身份证 照片.jpg"),
        input.join("客户A/授权书 2024.jpg"),
    ];
    let w = wine.run(&[
        "stitch",
        &win(&pieces[0]),
        &win(&pieces[1]),
        "-o",
        &win(&out),
    ]);
    assert!(w.status.success(), "{}", text(&w));
    let picture = assert_clean_output(&out);
    let l_out = dir.path().join("linux.jpg");
    let l = linux(&[
        "stitch",
        pieces[0].to_str().unwrap(),
        pieces[1].to_str().unwrap(),
        "-o",
        l_out.to_str().unwrap(),
    ]);
    assert!(l.status.success(), "{}", text(&l));
    let linux_picture = image::open(&l_out).unwrap();
    assert_eq!(
        (picture.width(), picture.height()),
        (linux_picture.width(), linux_picture.height())
    );
    assert_eq!(fs::read(&out).unwrap(), fs::read(&l_out).unwrap());
}

/// A `scanfit.exe` that serves until dropped, and the address it printed.
struct Served {
    child: Child,
    out: BufReader<std::process::ChildStdout>,
    base: String,
}

impl Served {
    fn start(mut command: Command) -> Served {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let base = line
            .split(|c: char| c.is_whitespace() || "()（）".contains(c))
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Served { child, out, base }
    }

    fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_answers_the_api_to_a_linux_client() {
    let Some(wine) = wine() else { return };
    let mut command = wine.scanfit();
    command.args(["serve", "--port", "0"]);
    let served = Served::start(command);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let photo = fs::read(corpus.join("客户B/手持身份证 照片.jpg")).unwrap();
    let answer = ureq::post(format!(
        "{}/api/v1/convert?name=photo.jpg&as=json",
        served.base
    ))
    .header("Content-Type", "image/jpeg")
    .send(&photo[..])
    .unwrap();
    assert_eq!(answer.status(), 200);
    let json: Value = answer.into_body().read_json().unwrap();
    let record = &json["records"][0];
    assert_eq!(record["status"], "ok", "{json}");
    let bytes = record["bytes_out"].as_u64().unwrap();
    assert!((common::MIN..=common::MAX).contains(&bytes), "{bytes}");

    // The Linux build makes the same picture of the same upload.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let l = linux(&[
        "convert",
        corpus.join("客户B/手持身份证 照片.jpg").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(l.status.success(), "{}", text(&l));
    let linux_bytes = fs::read(&files_under(&out)[0]).unwrap();
    assert_eq!(bytes, linux_bytes.len() as u64);
}

#[test]
fn the_language_is_the_windows_ui_language() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let missing = win(&dir.path().join("missing.jpg"));
    // Wine takes the UI language from the Unix locale it starts in; cmd then clears
    // LANG, so only Windows' own setting (GetUserPreferredUILanguages) is left.
    let said = |locale: &str| {
        let out = wine
            .program(Path::new("cmd"))
            .env_remove("SCANFIT_LANG")
            .env("LANG", locale)
            .args([
                "/c",
                &format!("set LANG=&& {} check {missing}", win(&wine.exe)),
            ])
            .output()
            .unwrap();
        // A missing input is a run that cannot start.
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let zh = said("zh_CN.UTF-8");
    assert!(chinese(&zh) && zh.contains("missing.jpg"), "{zh}");
    let en = said("en_US.UTF-8");
    assert!(!chinese(&en) && en.contains("missing.jpg"), "{en}");
}

#[test]
fn drive_letters_and_backslashes_are_paths() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path());
    // Drive S: of this prefix is the test's folder (as a USB stick or share would be).
    let link = wine.prefix.join("dosdevices").join("s:");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    let from = "S:\\资料 2024\\第一批 文件\\客户A";
    let w = wine.run(&["convert", from, "-o", "S:\\输出\\客户A"]);
    let _ = fs::remove_file(&link);
    assert!(w.status.success(), "{}", text(&w));
    let outputs = files_under(&dir.path().join("输出").join("客户A"));
    let sources = fs::read_dir(input.join("第一批 文件").join("客户A")).unwrap();
    assert_eq!(outputs.len(), sources.count());
    for o in &outputs {
        assert_clean_output(o);
    }
}

#[test]
fn a_file_locked_by_another_process_fails_alone() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path()).join("第一批 文件").join("客户A");
    let locked = input.join("授权书 2024.jpg");
    let mut hold = wine
        .program(&wine.prefix.join("drive_c").join("hold.exe"))
        .arg(win(&locked))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    BufReader::new(hold.stdout.as_mut().unwrap())
        .read_line(&mut said)
        .unwrap();
    assert_eq!(said.trim(), "held");
    let out = dir.path().join("out");
    let w = wine.run(&["convert", &win(&input), "-o", &win(&out)]);
    drop(hold.stdin.take());
    hold.wait().unwrap();
    assert_eq!(w.status.code(), Some(1), "{}", text(&w));
    let stderr = String::from_utf8_lossy(&w.stderr);
    let naming: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("授权书 2024.jpg"))
        .collect();
    assert_eq!(naming.len(), 1, "one line names the locked file:\n{stderr}");
    // The other picture of the folder converted.
    let outputs = files_under(&out);
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    assert_clean_output(&outputs[0]);
    // The locked file is untouched.
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/客户A/授权书 2024.jpg");
    assert_eq!(fs::read(&locked).unwrap(), fs::read(original).unwrap());
}

/// Whether this process runs as root (who writes into read-only folders).
fn root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

#[test]
fn a_read_only_output_folder_fails_each_file_clearly() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path()).join("第一批 文件").join("客户A");
    let out = dir.path().join("只读");
    fs::create_dir(&out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    let args = [
        "convert".to_owned(),
        win(&input),
        "-o".to_owned(),
        win(&out),
    ];
    let w = if root() {
        // As `nobody`, in its own prefix (scripts/windows-test makes it in /tmp, which
        // `nobody` can reach wherever the work tree is).
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let nobody = Path::new("/tmp/scanfit-wine-prefix-nobody");
        assert!(
            nobody.join("prefix/.scanfit-ready").is_file(),
            "run scripts/windows-test"
        );
        // A copy of the exe that `nobody` can read wherever the work tree is.
        let exe = dir.path().join("scanfit.exe");
        fs::copy(&wine.exe, &exe).unwrap();
        Command::new("setpriv")
            .args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "wine",
            ])
            .arg(&exe)
            .args(&args)
            .env("HOME", nobody)
            .env("WINEPREFIX", nobody.join("prefix"))
            .env("WINEDEBUG", "-all")
            .env("SCANFIT_LANG", "en")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    } else {
        wine.scanfit().args(&args).output().unwrap()
    };
    assert_eq!(w.status.code(), Some(1), "{}", text(&w));
    let stderr = String::from_utf8_lossy(&w.stderr);
    for name in ["授权书 2024.jpg", "营业执照 扫描.png"] {
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name}:\n{stderr}");
        assert!(lines[0].contains("Access denied"), "{}", lines[0]);
    }
    assert!(files_under(&out).is_empty(), "nothing written");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
}

impl Wine {
    /// scanfit.exe started as Explorer starts it (a console of its own), by
    /// tests/wine/explorer.c, with `args` (a drop's paths).
    fn started_by_explorer(&self, args: &[String]) -> Command {
        let mut c = self.program(&self.prefix.join("drive_c").join("explorer.exe"));
        c.arg(win(&self.exe)).args(args);
        c
    }
}

#[test]
fn a_double_click_opens_the_page_and_says_how_to_stop() {
    let Some(wine) = wine() else { return };
    let mut command = wine.started_by_explorer(&[]);
    command
        .env_remove("SCANFIT_LANG")
        .env("LANG", "zh_CN.UTF-8");
    let mut served = Served::start(command);
    let info = ureq::get(format!("{}/api/v1/info", served.base))
        .call()
        .unwrap();
    assert_eq!(info.status(), 200);
    let said = served.next_line();
    assert!(said.contains(&served.base), "{said}");
    assert!(
        said.contains("Ctrl-C") && said.contains("关闭本窗口"),
        "{said}"
    );
}

#[test]
fn files_dropped_on_the_exe_convert_beside_the_first() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = corpus_copy(dir.path()).join("第一批 文件");
    let (a, b) = (
        input.join("客户A"),
        input.join("客户B").join("域名证书.png"),
    );
    let mut dropped = wine
        .started_by_explorer(&[win(&a), win(&b)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once done it says where the pictures are, and waits for Enter.
    let mut stdout = dropped.stdout.take().unwrap();
    let started = Instant::now();
    let mut said = Vec::new();
    let mut buf = [0; 4096];
    while !String::from_utf8_lossy(&said).contains("Press Enter") {
        assert!(started.elapsed() < Duration::from_secs(300), "never done");
        let n = stdout.read(&mut buf).unwrap();
        let so_far = String::from_utf8_lossy(&said).into_owned();
        assert!(n > 0, "ended before waiting: {so_far}");
        said.extend_from_slice(&buf[..n]);
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(dropped.try_wait().unwrap().is_none(), "it waits for Enter");
    dropped.stdin.take().unwrap().write_all(b"\r\n").unwrap();
    let mut stderr = String::new();
    dropped
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(dropped.wait().unwrap().success(), "{stderr}");
    // The summary, in the console.
    assert!(stderr.contains("3 converted"), "{stderr}");
    let out = input.join("客户A upload pictures");
    assert!(String::from_utf8_lossy(&said).contains("客户A upload pictures"));
    let outputs = files_under(&out);
    assert_eq!(outputs.len(), 3, "{outputs:?}");
    for o in &outputs {
        assert_clean_output(o);
    }
}

#[test]
fn from_a_terminal_the_command_line_is_as_on_linux() {
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("scans");
    fs::create_dir(&input).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/客户A/授权书 2024.jpg"),
        input.join("a.jpg"),
    )
    .unwrap();
    // cmd shares its console with scanfit: a path alone is then a usage error, as on
    // Linux, not a drop.
    let w = wine
        .program(Path::new("cmd"))
        .args(["/c", &format!("{} {}", win(&wine.exe), win(&input))])
        .output()
        .unwrap();
    let l = linux(&[input.to_str().unwrap()]);
    assert_eq!(l.status.code(), Some(2));
    assert_eq!(w.status.code(), Some(2), "{}", text(&w));
    assert!(
        String::from_utf8_lossy(&w.stderr).contains("scans"),
        "{}",
        text(&w)
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
}
