//! File modes (issue 16, item 2): what scanfit creates gets the mode any program's
//! normal create gets, 0666 for files and 0777 for folders minus the umask, as `cp`
//! gives. A temporary file's private 0600 must not survive the rename into place, or
//! nobody else on a shared folder (Samba, NFS, a colleague's account) can open the
//! upload. The binary runs in a child whose umask the test sets, so the test does not
//! depend on the umask it was started with.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::*;

/// Runs `scanfit ARGS...` with `umask` set in the child, and fails on a non-zero exit.
fn scanfit_with_umask(umask: u32, args: &[&OsStr]) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask:03o}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_scanfit"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "umask {umask:03o} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn outputs_reports_and_folders_get_the_umask_mode() {
    for umask in [0o022, 0o077] {
        let dir = tempfile::tempdir().unwrap();
        let inp = dir.path().join("in");
        fs::create_dir_all(inp.join("子 folder")).unwrap();
        // A compliant JPEG (the stripped pass-through) and a PNG that is re-encoded.
        fs::write(
            inp.join("子 folder/a.jpg"),
            phone_jpeg(&quadrants(1000, 750, 120, 1), 1, 95),
        )
        .unwrap();
        fs::write(
            inp.join("b.png"),
            encode(
                &image::DynamicImage::ImageRgb8(quadrants(600, 400, 40, 2)),
                image::ImageFormat::Png,
            ),
        )
        .unwrap();
        // OUT does not exist yet, two levels deep: every folder on the way is created.
        let out = dir.path().join("new/out");
        let jsonl = dir.path().join("report.jsonl");
        let csv = dir.path().join("report.csv");
        for report in [&jsonl, &csv] {
            scanfit_with_umask(
                umask,
                &[
                    OsStr::new("convert"),
                    inp.as_os_str(),
                    OsStr::new("-o"),
                    out.as_os_str(),
                    OsStr::new("--overwrite"),
                    OsStr::new("--report"),
                    report.as_os_str(),
                ],
            );
        }
        let stitched = dir.path().join("stitched/one.jpg");
        scanfit_with_umask(
            umask,
            &[
                OsStr::new("stitch"),
                inp.join("子 folder/a.jpg").as_os_str(),
                inp.join("b.png").as_os_str(),
                OsStr::new("-o"),
                stitched.as_os_str(),
            ],
        );

        let file_mode = 0o666 & !umask;
        let dir_mode = 0o777 & !umask;
        let outputs = files_under(&out);
        assert_eq!(outputs.len(), 2, "{outputs:?}");
        for file in outputs.iter().chain([&jsonl, &csv, &stitched]) {
            assert_eq!(
                mode(file),
                file_mode,
                "umask {umask:03o}: {} has mode {:o}",
                file.display(),
                mode(file)
            );
        }
        for folder in [
            dir.path().join("new"),
            out.clone(),
            out.join("子 folder"),
            dir.path().join("stitched"),
        ] {
            assert_eq!(
                mode(&folder),
                dir_mode,
                "umask {umask:03o}: {} has mode {:o}",
                folder.display(),
                mode(&folder)
            );
        }
    }
}
