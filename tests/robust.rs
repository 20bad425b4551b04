//! Hostile and broken input, and faults around the files (issue 9): decompression bombs,
//! inputs the fuzzer found, FIFOs, links, odd names, outputs that cannot be written, a
//! full disk, inputs that change between listing and reading. Every case must end with
//! a clear per-file error, no panic, no hang, no partial or stray output, and the other
//! files of the batch converted as usual.
//!
//! The binary runs as a child process watched by `wait4`, which gives its peak RSS and
//! lets a hang fail the test after a deadline instead of blocking CI.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// What a run of the binary left behind.
struct Run {
    code: i32,
    stderr: String,
    records: Vec<serde_json::Value>,
    /// Peak resident memory of the child, in MiB.
    peak_mib: u64,
    elapsed: Duration,
}

/// Runs `scanfit convert INPUTS... -o OUT --report R EXTRA...`, failing the test if it
/// has not finished within a minute (a FIFO opened for reading would block forever).
fn convert(inputs: &[&Path], out: &Path, extra: &[&str]) -> Run {
    convert_limited(inputs, out, extra, None)
}

/// [`convert`], with the child's largest writable file limited to `max_file` bytes
/// (RLIMIT_FSIZE, with SIGXFSZ ignored so a write past it fails with EFBIG instead of
/// killing the process): a full disk, for the files that do not fit, without a mount.
fn convert_limited(inputs: &[&Path], out: &Path, extra: &[&str], max_file: Option<u64>) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.jsonl");
    let stderr_path = tmp.path().join("stderr");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanfit"));
    // English whatever the machine's locale: the tests read the English words.
    cmd.env("SCANFIT_LANG", "en")
        .arg("convert")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--report")
        .arg(&report)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&stderr_path).unwrap());
    if let Some(limit) = max_file {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit).
        unsafe {
            cmd.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let rlim = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &rlim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let started = Instant::now();
    // Reaped by `wait4` below rather than `Child::wait`, which cannot report rusage.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: rusage is plain data, fully written by wait4 when it returns the pid.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if r == pid {
            break (status, usage);
        }
        if started.elapsed() > Duration::from_secs(60) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("scanfit hung on {inputs:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    assert!(
        libc::WIFEXITED(status),
        "scanfit was killed by a signal (status {status:#x}): a crash, not a clean failure"
    );
    let records = if fs::metadata(&report).is_ok_and(|m| m.len() > 0) {
        read_report(&report)
    } else {
        Vec::new()
    };
    Run {
        code: libc::WEXITSTATUS(status),
        stderr: fs::read_to_string(&stderr_path).unwrap(),
        records,
        peak_mib: usage.ru_maxrss as u64 / 1024,
        elapsed,
    }
}

impl Run {
    /// The record whose input ends with `name`.
    fn record(&self, name: &str) -> &serde_json::Value {
        self.records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no record for {name} in {:#?}", self.records))
    }

    /// Asserts the record for `name` has `status` and an error mentioning `why`. "ok"
    /// means written: these small generated pictures also carry a low-resolution
    /// warning, which is beside the point here.
    fn expect(&self, name: &str, status: &str, why: &str) {
        let r = self.record(name);
        if status == "ok" {
            assert!(r["status"] == "ok" || r["status"] == "warn", "{name}: {r}");
        } else {
            assert_eq!(r["status"], status, "{name}: {r}");
        }
        let error = r["error"].as_str().unwrap_or("");
        assert!(error.contains(why), "{name}: expected {why:?} in {error:?}");
    }

    fn assert_no_panic(&self) {
        for bad in ["panicked", "internal error", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(bad), "{bad} in:\n{}", self.stderr);
        }
    }
}

/// A picture that converts quickly and lands in the band.
fn good_jpeg(seed: u64) -> Vec<u8> {
    phone_jpeg(&quadrants(900, 600, 60, seed), 1, 90)
}

/// Asserts nothing under `dir` is a leftover temporary file and every file decodes.
fn assert_clean_tree(dir: &Path) {
    for f in files_under(dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with(".scanfit-"), "leftover {}", f.display());
        image::load_from_memory(&fs::read(&f).unwrap())
            .unwrap_or_else(|e| panic!("{} is not a whole picture: {e}", f.display()));
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

// ---------------------------------------------------------------------------------
// Decompression bombs: tiny files whose headers claim billions of pixels.

/// PNG chunk with its CRC (CRC-32, computed bitwise: this is a test, speed is moot).
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in kind.iter().chain(data) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&(!crc).to_be_bytes());
    c
}

/// A zlib stream of `n` zero bytes, as stored blocks (no compressor among the test
/// dependencies; the decoder must refuse on the header alone anyway).
fn zlib_zeros(n: usize) -> Vec<u8> {
    let mut z = vec![0x78, 0x01];
    let mut left = n;
    loop {
        let len = left.min(65_535);
        left -= len;
        z.push(u8::from(left == 0));
        z.extend_from_slice(&(len as u16).to_le_bytes());
        z.extend_from_slice(&(!(len as u16)).to_le_bytes());
        z.extend(std::iter::repeat_n(0, len));
        if left == 0 {
            break;
        }
    }
    // Adler-32 of n zeros: a = 1, b = n mod 65521.
    let adler = ((n % 65_521) as u32) << 16 | 1;
    z.extend_from_slice(&adler.to_be_bytes());
    z
}

/// 30000×30000 RGB PNG: a few KB on disk, 2.7 GB decoded.
fn png_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    // The first row (filter byte + 90000 samples) really is there.
    png.extend(png_chunk(b"IDAT", &zlib_zeros(90_001)[..4_000]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// A real 16×16 JPEG whose frame header is patched to claim 65000×65000.
fn jpeg_bomb() -> Vec<u8> {
    let mut jpeg = encode(
        &image::DynamicImage::ImageRgb8(quadrants(16, 16, 0, 1)),
        image::ImageFormat::Jpeg,
    );
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    // FFC0, length (2), precision (1), height (2), width (2).
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    jpeg
}

/// A GIF whose screen and frame claim 65535×65535.
fn gif_bomb() -> Vec<u8> {
    let mut g = b"GIF89a\xff\xff\xff\xff\x80\x00\x00".to_vec();
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]); // two-colour palette
    g.extend_from_slice(b"\x2c\0\0\0\0\xff\xff\xff\xff\x00");
    g.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    g
}

/// A GIF with a 16×16 screen and one frame claiming 65535×65535: the screen size is
/// what a header check sees, the frame is what the decoder allocates.
fn gif_frame_bomb() -> Vec<u8> {
    let mut g = b"GIF89a\x10\x00\x10\x00\x80\x00\x00".to_vec();
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    g.extend_from_slice(b"\x2c\0\0\0\0\xff\xff\xff\xff\x00");
    g.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    g
}

/// An uncompressed grey TIFF claiming 100000×100000 with 16 bytes of data.
fn tiff_bomb() -> Vec<u8> {
    let entries: [(u16, u16, u32); 9] = [
        (256, 4, 100_000), // ImageWidth, LONG
        (257, 4, 100_000), // ImageLength
        (258, 3, 8),       // BitsPerSample, SHORT
        (259, 3, 1),       // Compression: none
        (262, 3, 1),       // Photometric: BlackIsZero
        (273, 4, 0),       // StripOffsets, patched below
        (277, 3, 1),       // SamplesPerPixel
        (278, 4, 100_000), // RowsPerStrip
        (279, 4, 16),      // StripByteCounts
    ];
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    t.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    let data_at = 8 + 2 + 12 * entries.len() as u32 + 4;
    for (tag, kind, value) in entries {
        let value = if tag == 273 { data_at } else { value };
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            t.extend_from_slice(&(value as u16).to_le_bytes());
            t.extend_from_slice(&[0, 0]);
        } else {
            t.extend_from_slice(&value.to_le_bytes());
        }
    }
    t.extend_from_slice(&[0; 4]); // no next IFD
    t.extend_from_slice(&[0; 16]);
    t
}

/// A one-page scanner-style PDF whose page image claims 100000×100000 grey pixels.
fn pdf_bomb() -> Vec<u8> {
    let data = zlib_zeros(100);
    let contents = b"q 612 0 0 792 0 0 cm /Im0 Do Q";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
           /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        [
            format!(
                "<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 \
                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode \
                 /Length {} >>\nstream\n",
                data.len()
            )
            .as_bytes(),
            &data,
            b"\nendstream",
        ]
        .concat(),
        [
            format!("<< /Length {} >>\nstream\n", contents.len()).as_bytes(),
            contents,
            b"\nendstream",
        ]
        .concat(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

#[test]
fn decompression_bombs_are_refused_quickly_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let bombs = [
        ("bomb.png", png_bomb(), "30000×30000"),
        ("bomb.jpg", jpeg_bomb(), "65000×65000"),
        ("bomb.gif", gif_bomb(), "65535×65535"),
        ("bomb.tif", tiff_bomb(), "100000×100000"),
        ("bomb.pdf", pdf_bomb(), "100000×100000"),
    ];
    for (name, bytes, _) in &bombs {
        assert!(bytes.len() < 8_000, "{name} is {} bytes", bytes.len());
        fs::write(inp.join(name), bytes).unwrap();
    }
    fs::write(inp.join("frame_bomb.gif"), gif_frame_bomb()).unwrap();
    fs::write(inp.join("good.jpg"), good_jpeg(1)).unwrap();
    let out = dir.path().join("out");
    let run = convert(&[&inp], &out, &["--jobs", "2"]);
    run.assert_no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (name, _, size) in &bombs {
        run.expect(name, "failed", size);
        run.expect(name, "failed", "limit");
    }
    // Refused while decoding rather than by its header, so the message is the
    // decoder's; what matters is that it fails at once, in little memory.
    run.expect("frame_bomb.gif", "failed", "GIF");
    run.expect("good.jpg", "ok", "");
    assert_eq!(files_under(&out), [out.join("good.jpg")]);
    eprintln!("bombs: peak RSS {} MiB, {:?}", run.peak_mib, run.elapsed);
    // One 900×600 picture in flight needs a few tens of MB; a bomb that got decoded
    // would need gigabytes.
    assert!(run.peak_mib < 300, "peak RSS {} MiB", run.peak_mib);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
}

/// A GIF whose screen is 0 pixels wide and 32 high, with a 0×32 frame: the layout of
/// Pillow's `Tests/images/zero_width.gif`, written here from the GIF89a specification.
fn gif_zero_width() -> Vec<u8> {
    let mut g = b"GIF89a\x00\x00\x20\x00\x80\x00\x00".to_vec();
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    g.extend_from_slice(b"\x2c\0\0\0\0\x00\x00\x20\x00\x00");
    g.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    g
}

#[test]
fn a_picture_with_no_width_has_its_own_reason_not_the_pixel_limit() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(inp.join("zero_width.gif"), gif_zero_width()).unwrap();
    fs::write(inp.join("good.jpg"), good_jpeg(2)).unwrap();
    let out = dir.path().join("out");
    let run = convert(&[&inp], &out, &[]);
    run.assert_no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.expect("zero_width.gif", "failed", "0×32 pixels");
    run.expect("zero_width.gif", "failed", "no width or no height");
    let record = run.record("zero_width.gif");
    assert_eq!(record["error_code"], "no_pixels", "{record}");
    let error = record["error"].as_str().unwrap();
    assert!(!error.contains("limit"), "{error}");
    // Neither the report nor the terminal suggests raising --max-pixels.
    assert!(!run.stderr.contains("--max-pixels"), "{}", run.stderr);
    run.expect("good.jpg", "ok", "");
    assert_eq!(files_under(&out), [out.join("good.jpg")]);
}

// ---------------------------------------------------------------------------------
// Inputs found by the fuzzer: replayed through the binary, none may crash it.

#[test]
fn fuzzer_inputs_replay_cleanly() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() != Some(OsStr::new("md")))
        .collect();
    inputs.sort();
    // An empty folder would make this test pass without testing anything.
    assert!(
        inputs.len() >= 20,
        "tests/fixtures/fuzz holds {} inputs; the replay needs the fuzzer's set",
        inputs.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    // The fuzz target's profile (fuzz/fuzz_targets/convert.rs), under which the inputs
    // were found: small outputs keep the replay of ~100 conversions quick.
    let profile = [
        "--jobs",
        "2",
        "--min-size",
        "4000",
        "--max-size",
        "40000",
        "--min-long-edge",
        "64",
        "--effort",
        "fast",
        "--max-pixels",
        "1000000",
    ];
    let run = convert(&refs, &out, &profile);
    run.assert_no_panic();
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    for input in &inputs {
        let name = input.file_name().unwrap().to_str().unwrap();
        let r = run.record(name);
        // A finding (what once crashed, hung or exhausted memory) must be refused; the
        // other inputs reach every outcome the fuzzer saw, conversions included.
        let finding = ["crash-", "oom-", "timeout-", "panic-", "slow-"]
            .iter()
            .any(|p| name.starts_with(p));
        if finding {
            assert!(
                r["status"] == "failed" || r["status"] == "skipped",
                "{name}: a fuzz finding converted? {r}"
            );
        }
        if r["status"] == "failed" {
            assert!(
                r["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{name}: {r}"
            );
        }
    }
    assert_clean_tree(&out);
}

// ---------------------------------------------------------------------------------
// Entries that are not files, links, and names.

#[test]
fn fifos_folders_and_broken_links_are_passed_over_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(inp.join("folder.jpg")).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(inp.join("folder.jpg/inside.jpg"), good_jpeg(2)).unwrap();
    fs::write(inp.join("good.jpg"), good_jpeg(3)).unwrap();
    fs::write(elsewhere.join("target.jpg"), good_jpeg(4)).unwrap();
    mkfifo(&inp.join("fifo.jpg"));
    let named_fifo = dir.path().join("named_fifo.jpg");
    mkfifo(&named_fifo);
    symlink(dir.path().join("nowhere.jpg"), inp.join("dangling.jpg")).unwrap();
    symlink(inp.join("loop_b.jpg"), inp.join("loop_a.jpg")).unwrap();
    symlink(inp.join("loop_a.jpg"), inp.join("loop_b.jpg")).unwrap();
    symlink(&inp, inp.join("self_loop")).unwrap();
    // A link to a file outside the input is followed: reading is harmless and the
    // output lands under OUT with the link's name.
    symlink(elsewhere.join("target.jpg"), inp.join("outside.jpg")).unwrap();

    let out = dir.path().join("out");
    let run = convert(&[&inp, &named_fifo], &out, &[]);
    run.assert_no_panic();
    run.expect("fifo.jpg", "skipped", "not a regular file");
    run.expect("named_fifo.jpg", "skipped", "not a regular file");
    run.expect("dangling.jpg", "skipped", "broken link");
    run.expect("loop_a.jpg", "skipped", "broken link");
    run.expect("loop_b.jpg", "skipped", "broken link");
    run.expect("self_loop", "skipped", "link to a folder");
    run.expect("folder.jpg/inside.jpg", "ok", "");
    run.expect("good.jpg", "ok", "");
    run.expect("outside.jpg", "ok", "");
    assert_eq!(
        files_under(&out),
        [
            out.join("folder.jpg/inside.jpg"),
            out.join("good.jpg"),
            out.join("outside.jpg")
        ]
    );
    assert_clean_tree(&out);
    assert_eq!(files_under(&elsewhere), [elsewhere.join("target.jpg")]);
}

#[test]
fn odd_names_keep_their_bytes_and_the_report_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(inp.join("客户 A")).unwrap();
    // Latin-1 "café": legal on Linux, not UTF-8.
    let latin1 = OsStr::from_bytes(b"caf\xe9 scan.jpg");
    fs::write(inp.join(latin1), good_jpeg(5)).unwrap();
    fs::write(inp.join("客户 A/营业执照 正本 (1).jpg"), good_jpeg(6)).unwrap();
    fs::write(inp.join(" leading space.jpg"), good_jpeg(7)).unwrap();
    let out = dir.path().join("out");
    let run = convert(&[&inp], &out, &[]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Every record made it into the report, the odd one with U+FFFD in its name.
    assert_eq!(run.records.len(), 3, "{:#?}", run.records);
    run.expect("caf\u{FFFD} scan.jpg", "ok", "");
    let mut expected = vec![
        out.join(OsStr::from_bytes(b"caf\xe9 scan.jpg")),
        out.join(" leading space.jpg"),
        out.join("客户 A/营业执照 正本 (1).jpg"),
    ];
    expected.sort();
    assert_eq!(files_under(&out), expected);
    assert_clean_tree(&out);
}

#[test]
fn no_output_lands_outside_out_whatever_the_paths_or_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let inp = root.join("in");
    let escape = root.join("escape");
    fs::create_dir_all(inp.join("sub")).unwrap();
    fs::create_dir_all(inp.join("linked")).unwrap();
    fs::create_dir_all(&escape).unwrap();
    fs::write(inp.join("a.jpg"), good_jpeg(8)).unwrap();
    fs::write(inp.join("sub/b.jpg"), good_jpeg(9)).unwrap();
    fs::write(inp.join("linked/c.jpg"), good_jpeg(10)).unwrap();
    let out = root.join("out");
    fs::create_dir_all(&out).unwrap();
    // Someone left a link in OUT where the mirror of in/linked would go.
    symlink(&escape, out.join("linked")).unwrap();

    // `..` components and an absolute path on the command line, and a folder.
    let dotted: PathBuf = ["in", "sub", "..", "..", "in", "sub", "b.jpg"]
        .iter()
        .collect();
    let mut cmd_inputs: Vec<PathBuf> = vec![root.join(&dotted), inp.join("a.jpg")];
    cmd_inputs.push(inp.join("linked"));
    let refs: Vec<&Path> = cmd_inputs.iter().map(PathBuf::as_path).collect();
    let run = convert(&refs, &out, &[]);
    run.assert_no_panic();
    run.expect("b.jpg", "ok", "");
    run.expect("a.jpg", "ok", "");
    // in/linked given as a folder mirrors its contents directly under OUT: c.jpg.
    run.expect("c.jpg", "ok", "");

    let run = convert(&[&inp], &out.join("tree"), &[]);
    run.assert_no_panic();
    // Now mirror the whole tree into OUT itself, whose `linked` entry is the link.
    let run2 = convert(&[&inp], &out, &[]);
    run2.assert_no_panic();
    run2.expect("linked/c.jpg", "failed", "is a link");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        files_under(&escape).is_empty(),
        "{:?}",
        files_under(&escape)
    );
    for f in files_under(&out) {
        let real = f.canonicalize().unwrap();
        assert!(real.starts_with(&out), "{} escaped", real.display());
    }
    assert_clean_tree(&out);
}

// ---------------------------------------------------------------------------------
// Outputs that cannot be written.

#[test]
fn an_output_folder_that_cannot_be_created_fails_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(inp.join("sub")).unwrap();
    fs::write(inp.join("top.jpg"), good_jpeg(11)).unwrap();
    fs::write(inp.join("sub/a.jpg"), good_jpeg(12)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // A regular file where the folder OUT/sub must go: root cannot get past that
    // (unlike permission bits, which root ignores).
    fs::write(out.join("sub"), b"in the way").unwrap();
    let run = convert(&[&inp], &out, &[]);
    run.assert_no_panic();
    assert_eq!(run.code, 1);
    run.expect("sub/a.jpg", "failed", "cannot write");
    run.expect("top.jpg", "ok", "");
    assert_eq!(fs::read(out.join("sub")).unwrap(), b"in the way");
    assert_eq!(files_under(&out), [out.join("sub"), out.join("top.jpg")]);
}

/// Runs `mount ARGS... AT`. Where mounting is not allowed (not root, a container
/// without the capability) the scenario cannot be set up: that is a notice for a
/// developer, and a failure where SCANFIT_REQUIRE_MOUNT is set (CI sets it), so CI never
/// passes a test that did not run.
fn mount(args: &[&str], source: &OsStr, at: &Path, what: &str) -> bool {
    let ok = Command::new("mount")
        .args(args)
        .arg(source)
        .arg(at)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_MOUNT").is_none(),
            "SCANFIT_REQUIRE_MOUNT is set but `mount {}` failed: the {what} test cannot run",
            args.join(" ")
        );
        eprintln!("notice: cannot mount here (not root?); {what} test skipped");
    }
    ok
}

/// Mounts a tmpfs of `size` at `at` (see [`mount`]).
fn mount_tmpfs(at: &Path, size: &str) -> bool {
    mount(
        &["-t", "tmpfs", "-o", &format!("size={size}")],
        OsStr::new("tmpfs"),
        at,
        "disk-full (tmpfs)",
    )
}

struct Unmount(PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_files_that_do_not_fit_and_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(&inp).unwrap();
    for i in 0..4 {
        fs::write(inp.join(format!("{i}.jpg")), good_jpeg(20 + i)).unwrap();
    }
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // Each output is at least 200 KiB (the band's minimum): two fit, not four.
    if !mount_tmpfs(&out, "600k") {
        return;
    }
    let _unmount = Unmount(out.clone());
    let run = convert(&[&inp], &out, &["--jobs", "1"]);
    run.assert_no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let failed: Vec<_> = run
        .records
        .iter()
        .filter(|r| r["status"] == "failed")
        .collect();
    assert!(!failed.is_empty(), "{:#?}", run.records);
    for r in &failed {
        let error = r["error"].as_str().unwrap();
        assert!(error.contains("No space left"), "{error}");
    }
    let written: Vec<PathBuf> = run
        .records
        .iter()
        .filter(|r| r["status"] == "ok" || r["status"] == "warn")
        .map(|r| PathBuf::from(r["output"].as_str().unwrap()))
        .collect();
    assert!(!written.is_empty());
    assert_eq!(files_under(&out), written);
    assert_clean_tree(&out);
}

#[test]
fn a_file_size_limit_fails_the_outputs_over_it_and_leaves_no_partial_output() {
    // Runs everywhere (no mount): RLIMIT_FSIZE makes every write past the limit fail, as
    // a full disk fails the files that do not fit. Two small pictures (outputs just
    // over the band's minimum) fit under the limit, two big ones (stripped photos of
    // about 2 MB) do not.
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(&inp).unwrap();
    for i in 0..2u64 {
        fs::write(inp.join(format!("small{i}.jpg")), good_jpeg(50 + i)).unwrap();
        let big = phone_jpeg(&quadrants(2400, 1800, 120, 60 + i), 1, 92);
        assert!(
            big.len() > 1_500_000 && big.len() < 4_000_000,
            "{}",
            big.len()
        );
        fs::write(inp.join(format!("big{i}.jpg")), big).unwrap();
    }
    let out = dir.path().join("out");
    let run = convert_limited(&[&inp], &out, &["--jobs", "2"], Some(1_000_000));
    run.assert_no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    for i in 0..2 {
        run.expect(&format!("big{i}.jpg"), "failed", "File too large");
        run.expect(&format!("small{i}.jpg"), "ok", "");
    }
    assert_eq!(
        files_under(&out),
        [out.join("small0.jpg"), out.join("small1.jpg")]
    );
    assert_clean_tree(&out);
}

#[test]
fn a_read_only_output_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(&inp).unwrap();
    fs::write(inp.join("a.jpg"), good_jpeg(30)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // Root ignores permission bits; a read-only bind mount stops even root. Anyone else
    // is stopped by the bits.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
        let run = convert(&[&inp], &out, &[]);
        fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
        run.assert_no_panic();
        assert_eq!(run.code, 1);
        run.expect("a.jpg", "failed", "Permission denied");
        assert!(files_under(&out).is_empty());
        return;
    }
    if !mount(
        &["--bind", "-o", "ro"],
        out.as_os_str(),
        &out,
        "read-only folder",
    ) {
        return;
    }
    let _unmount = Unmount(out.clone());
    let run = convert(&[&inp], &out, &[]);
    run.assert_no_panic();
    assert_eq!(run.code, 1);
    run.expect("a.jpg", "failed", "Read-only file system");
    assert!(files_under(&out).is_empty());
}

// ---------------------------------------------------------------------------------
// Inputs that change between listing and reading (library level, to place the change
// exactly between the two).

#[test]
fn inputs_deleted_truncated_or_replaced_after_listing_fail_alone() {
    use scanfit::batch::{plan, run};
    use scanfit::run::{NoProgress, Runner};
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(&inp).unwrap();
    let jpeg = good_jpeg(40);
    for name in ["deleted.jpg", "good.jpg", "swapped.jpg", "truncated.jpg"] {
        fs::write(inp.join(name), &jpeg).unwrap();
    }
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let planned = plan(std::slice::from_ref(&inp), &out).unwrap();
    assert_eq!(planned.jobs.len(), 4);

    fs::remove_file(inp.join("deleted.jpg")).unwrap();
    fs::write(inp.join("truncated.jpg"), &jpeg[..jpeg.len() / 3]).unwrap();
    fs::remove_file(inp.join("swapped.jpg")).unwrap();
    mkfifo(&inp.join("swapped.jpg"));

    let opts = scanfit::Options {
        jobs: 1,
        ..scanfit::Options::default()
    };
    let records = run(planned, &opts, &Runner::new(1), &NoProgress);
    let by_name = |name: &str| {
        records
            .iter()
            .find(|r| r.subject.input.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let expect = |name: &str, why: &str| {
        let r = by_name(name);
        assert_eq!(r.status, scanfit::Status::Failed, "{name}");
        let error = r
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(error.contains(why), "{name}: {error}");
    };
    expect("deleted.jpg", "No such file");
    expect("truncated.jpg", "ends before the picture data");
    expect("swapped.jpg", "not a regular file");
    assert!(matches!(
        by_name("good.jpg").status,
        scanfit::Status::Ok | scanfit::Status::Warn
    ));
    assert_eq!(files_under(&out), [out.join("good.jpg")]);
    assert_clean_tree(&out);
}
