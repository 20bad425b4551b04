//! Putting bytes on disk without ever leaving a half-written file or replacing one by
//! accident: each output is written to a hidden temporary file in its target folder and
//! renamed into place, so a crash or a full disk leaves either the old state or the
//! complete new file. Without `overwrite`, the rename refuses to replace an existing
//! file (an atomic no-clobber rename, not a check-then-write race).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Prefix of temporary files; walking skips names starting with a dot.
pub(crate) const TEMP_PREFIX: &str = ".scanfit-";

/// How an output is committed to disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteMode {
    /// Replace an existing file.
    pub overwrite: bool,
    /// fsync the file and its folder before returning: needed before an original is
    /// moved or deleted, not for a plain batch (it costs a disk flush per file).
    pub durable: bool,
}

/// A file stands where a folder of the output must go; the cause inside the
/// [`io::Error`] `write_atomic` returns then, so the message can be given in words.
#[derive(Debug, thiserror::Error)]
pub struct InTheWay(pub PathBuf);

/// Writes `bytes` to `path` atomically, creating missing parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: WriteMode) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            // A *file* where a folder must go comes back as AlreadyExists, which callers
            // rightly read as "this output exists already" and skip: it is a failure.
            io::Error::new(io::ErrorKind::NotADirectory, InTheWay(dir.to_path_buf()))
        } else {
            e
        }
    })?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".tmp");
    // tempfile creates 0600 files, and the rename keeps the mode: outputs on a shared
    // folder would be unreadable to everyone else. Asking for 0666 lets the kernel
    // apply the umask, so the output gets exactly the mode `cp` or an editor would give.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    if mode.durable {
        tmp.as_file().sync_all()?;
    }
    // On error the temporary file is deleted when `PersistError` drops.
    if mode.overwrite {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    if mode.durable {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("子 目录/a b.jpg");
        write_atomic(&p, b"one", WriteMode::default()).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        let err = write_atomic(&p, b"two", WriteMode::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_atomic(
            &p,
            b"three",
            WriteMode {
                overwrite: true,
                durable: true,
            },
        )
        .unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(TEMP_PREFIX))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
