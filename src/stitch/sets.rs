//! `stitch --sets FILE.csv`: many sets in one run, read from a spreadsheet.
//!
//! One row per output: `name,piece,piece[,piece...]`, RFC 4180 CSV read with the `csv`
//! crate (quoted cells may hold commas, quotes and line breaks), UTF-8 with or without
//! the BOM Excel writes. Lines starting with `#` are comments; empty trailing cells
//! (Excel pads short rows) are ignored; cells are trimmed (people type `a.jpg, b.jpg`).
//! A mistake anywhere stops the run before anything is stitched: it is better fixed
//! once than discovered in half of the outputs.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::StitchSet;
use crate::options::Options;

/// Why a sets file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SetsError {
    /// The file cannot be read.
    Read {
        /// The sets file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The file is not UTF-8 (Chinese Excel saves plain "CSV" as GBK).
    NotUtf8 {
        /// The sets file.
        path: PathBuf,
    },
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
    /// The CSV reader refused it; its words.
    Csv(String),
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
    let bytes = fs::read(csv).map_err(|source| SetsError::Read {
        path: csv.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| SetsError::NotUtf8 {
        path: csv.to_path_buf(),
    })?;
    let row_error = |line, why| SetsError::Row {
        path: csv.to_path_buf(),
        line,
        why,
    };
    let base = csv.parent().unwrap_or(Path::new(""));
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut sets = Vec::new();
    let mut outputs = HashSet::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(text, p.byte()));
            row_error(line, RowError::Csv(e.to_string()))
        })?;
        let line = row.position().map_or(0, |p| line_at(text, p.byte()));
        let mut cells: Vec<&str> = row.iter().collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        let Some((&name, pieces)) = cells.split_first() else {
            continue;
        };
        let set = set_of_row(name, pieces, base, out, opts).map_err(|why| row_error(line, why))?;
        // Outputs travel to Windows and macOS, where case does not separate names.
        if !outputs.insert(set.output.to_string_lossy().to_lowercase()) {
            return Err(row_error(line, RowError::NameTaken(name.to_owned())));
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

/// The 1-based line of the record that starts at byte `at` (or after the blank lines
/// there), as a spreadsheet numbers it.
fn line_at(text: &str, at: u64) -> u64 {
    let at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
    let blank = text[at..]
        .bytes()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|&b| b == b'\n')
        .count();
    (text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + blank) as u64
        + 1
}

/// The set one row describes, or what is wrong with the row.
fn set_of_row(
    name: &str,
    pieces: &[&str],
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
        fs::write(&csv, b"x,\xb0\xa1.jpg,b.jpg\n").unwrap();
        assert!(matches!(
            read_sets(&csv, out, &opts),
            Err(SetsError::NotUtf8 { .. })
        ));
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
