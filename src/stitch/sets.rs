//! `stitch --sets FILE.csv`: many sets in one run, read from a spreadsheet.
//!
//! One row per output: `name,piece,piece[,piece...]`. The file is read by
//! [`crate::sheet`], as a rules manifest is: RFC 4180 CSV (quoted cells may hold commas,
//! quotes and line breaks) in UTF-8 with or without a BOM, UTF-16 or the GBK/GB18030
//! Excel saves on Chinese Windows, detected, never refused; rows whose first cell starts
//! with `#` are comments; empty trailing cells (Excel pads short rows) are ignored;
//! cells are trimmed (people type `a.jpg, b.jpg`). `scanfit check --write-sets` writes
//! such a file for every auxiliary document found alone. A mistake anywhere stops the
//! run before anything is stitched: it is better fixed once than discovered in half of
//! the outputs.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::StitchSet;
use crate::options::Options;
use crate::sheet::{self, SheetError};

/// Why a sets file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SetsError {
    /// The file cannot be read, is no text Excel writes, or is not CSV.
    Sheet(#[from] SheetError),
    /// A row is malformed.
    Row {
        /// The sets file.
        path: PathBuf,
        /// 1-based line where the row starts.
        line: u64,
        /// What is wrong.
        why: RowError,
    },
    /// No rows.
    Empty {
        /// The sets file.
        path: PathBuf,
    },
}

/// What is wrong with one row of a sets file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// Fewer than two pictures after the name.
    TooFewPictures {
        /// The output name.
        name: String,
        /// The pictures given.
        count: usize,
    },
    /// A picture cell between others is empty (1-based cell number).
    EmptyCell(usize),
    /// The output name would leave the output folder (or is empty).
    BadName(String),
    /// An earlier row has the same output (names compared case-insensitively).
    NameTaken(String),
}

/// Reads a sets file. Output names are relative to `out` and get the output format's
/// extension; piece paths are relative to the sets file's folder, so a sets file
/// travels with its pictures.
pub fn read_sets(csv: &Path, out: &Path, opts: &Options) -> Result<Vec<StitchSet>, SetsError> {
    let rows = sheet::read_sheet(csv)?.rows;
    let base = csv.parent().unwrap_or(Path::new(""));
    let mut sets = Vec::new();
    let mut outputs = HashSet::new();
    for row in &rows {
        let row_error = |why| SetsError::Row {
            path: csv.to_path_buf(),
            line: row.line as u64,
            why,
        };
        let Some((name, pieces)) = row.cells.split_first() else {
            continue;
        };
        let set = set_of_row(name, pieces, base, out, opts).map_err(row_error)?;
        // Outputs travel to Windows and macOS, where case does not separate names.
        if !outputs.insert(set.output.to_string_lossy().to_lowercase()) {
            return Err(row_error(RowError::NameTaken(name.to_owned())));
        }
        sets.push(set);
    }
    if sets.is_empty() {
        return Err(SetsError::Empty {
            path: csv.to_path_buf(),
        });
    }
    Ok(sets)
}

/// The set one row describes, or what is wrong with the row.
fn set_of_row(
    name: &str,
    pieces: &[String],
    base: &Path,
    out: &Path,
    opts: &Options,
) -> Result<StitchSet, RowError> {
    if pieces.len() < 2 {
        return Err(RowError::TooFewPictures {
            name: name.to_owned(),
            count: pieces.len(),
        });
    }
    if let Some(i) = pieces.iter().position(|p| p.is_empty()) {
        return Err(RowError::EmptyCell(i + 2));
    }
    let name_path = Path::new(name);
    if name.is_empty()
        || !name_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(RowError::BadName(name.to_owned()));
    }
    Ok(StitchSet::new(
        &out.join(name_path),
        pieces.iter().map(|p| base.join(p)).collect(),
        opts,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn sets_resolve_against_the_csv_folder_and_refuse_mistakes() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sets.csv");
        let opts = Options::default();
        let out = Path::new("/out");
        fs::write(&csv, "\u{feff}合并 一,a.jpg,sub/b.png\n").unwrap();
        let sets = read_sets(&csv, out, &opts).unwrap();
        assert_eq!(sets[0].output, Path::new("/out/合并 一.jpg"));
        assert_eq!(
            sets[0].pieces,
            vec![dir.path().join("a.jpg"), dir.path().join("sub/b.png")]
        );
        for (bad, why) in [
            ("x,a.jpg\n", "at least two"),
            ("../x,a.jpg,b.jpg\n", "inside the output folder"),
            ("x,a.jpg,b.jpg\nX.jpg,c.jpg,d.jpg\n", "earlier row"),
            ("x,a.jpg,,b.jpg\n", "empty"),
        ] {
            fs::write(&csv, bad).unwrap();
            let err = read_sets(&csv, out, &opts).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        // GBK, as Excel saves "CSV" on Chinese Windows, reads as UTF-8 does.
        let (gbk, _, lossy) = encoding_rs::GBK.encode("合并,授权书.jpg,身份证.jpg\n");
        assert!(!lossy);
        fs::write(&csv, &gbk).unwrap();
        let sets = read_sets(&csv, out, &opts).unwrap();
        assert_eq!(sets[0].output, Path::new("/out/合并.jpg"));
        assert_eq!(sets[0].pieces[0], dir.path().join("授权书.jpg"));
        // Quotes, commas and line breaks in cells, padding, comments, blank lines.
        fs::write(
            &csv,
            "\"客户A, 合并\",\"手持身份证 照片.jpg\", 授权书 2024.jpg ,,\r\n\r\n\
             # a comment,x,y\n\
             b,\"say \"\"hi\"\".png\",\"two\nlines.jpg\"\n",
        )
        .unwrap();
        let sets = read_sets(&csv, out, &opts).unwrap();
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].output, Path::new("/out/客户A, 合并.jpg"));
        assert_eq!(sets[0].pieces[1], dir.path().join("授权书 2024.jpg"));
        assert_eq!(sets[1].pieces[0], dir.path().join("say \"hi\".png"));
        assert_eq!(sets[1].pieces[1], dir.path().join("two\nlines.jpg"));
        fs::write(&csv, "a,b.jpg,c.jpg\n\nx,a.jpg\n").unwrap();
        assert!(matches!(
            read_sets(&csv, out, &opts),
            Err(SetsError::Row { line: 3, .. })
        ));
        fs::write(&csv, "# only a comment\n").unwrap();
        assert!(matches!(
            read_sets(&csv, out, &opts),
            Err(SetsError::Empty { .. })
        ));
    }
}
