//! What a worker does with one request's uploads: convert one, or stitch several, as
//! `scanfit convert` and `scanfit stitch` do with files, with the same records
//! ([`Record::wrote`], [`Record::failed`], [`Record::skipped`]), but nothing written:
//! the pictures are kept to be sent.
//!
//! The names a client gives are labels: they decide the format a file claims (so a
//! renamed file is caught) and the output names echoed back, and never touch the disk.

use std::path::{Path, PathBuf};

use super::upload::Upload;
use crate::check::{apply_bytes, check_bytes, CheckRecord, ReadMode};
use crate::error::{Problem, Skip};
use crate::options::Options;
use crate::pipeline::{convert_bytes, Converted, OutputFormat};
use crate::report::Record;
use crate::rules::assess::Context;
use crate::rules::{dates, Rules};
use crate::run::{guarded, Done, Panicked};
use crate::sniff::{claimed_by_name, sniff};
use crate::stitch::{stitch_bytes, StitchError, StitchOptions};

/// Checks one upload as `scanfit check` checks a file given by name: its bytes and
/// pixels, then the document rules (the kind from its name, or from its text when
/// `read` reads it; the dates read off it, judged against today). A panic while
/// reading leaves the record as the byte and pixel checks made it.
pub(super) fn check_upload(
    bytes: &[u8],
    name: &str,
    opts: &Options,
    read: ReadMode,
) -> CheckRecord {
    let mut record = check_bytes(Path::new(name), bytes, opts);
    let ctx = Context {
        rules: Rules::builtin(),
        filed_on: dates::today(),
        province: None,
        manifest: None,
    };
    let done = guarded(|| apply_bytes(&mut record, bytes, &ctx, read));
    record.millis += done.millis;
    record
}

/// One output picture, ready to send.
pub(super) struct Output {
    /// Its name: the output label, `_pN` for a page, the format's extension.
    pub name: String,
    pub format: OutputFormat,
    pub bytes: Vec<u8>,
}

/// What a convert or stitch gives: a record per picture (or per failure), and the
/// pictures made.
#[derive(Default)]
pub(super) struct Outcome {
    pub records: Vec<Record>,
    pub outputs: Vec<Output>,
}

impl Outcome {
    /// `converted` recorded as made from `input` and kept, under `name`, to be sent.
    fn keep(&mut self, input: PathBuf, bytes_in: u64, name: String, c: Converted) -> Record {
        let record = Record::wrote(input, bytes_in, PathBuf::from(&name), &c);
        self.outputs.push(Output {
            name,
            format: c.format,
            bytes: c.bytes,
        });
        record
    }

    /// The outcome of work that ran on a worker: its records with the work's wall time,
    /// or, if it panicked, the one record `failed` makes of the panic's words.
    pub fn of(done: Done<Outcome>, failed: impl FnOnce(String) -> Record) -> Outcome {
        let millis = done.millis;
        let mut outcome = done.or_else(|Panicked(text)| Outcome {
            records: vec![failed(text)],
            outputs: Vec::new(),
        });
        for r in &mut outcome.records {
            r.millis = millis;
        }
        outcome
    }
}

/// A name for a file sent without one: `stem` with the extension of its real format,
/// so that nothing is claimed and nothing can be "renamed".
pub(super) fn unnamed(bytes: &[u8], stem: &str) -> String {
    match sniff(bytes) {
        Some(format) => format!("{stem}.{}", format.extension()),
        None => stem.to_owned(),
    }
}

/// `name` without its extension, folders kept: the default output label.
pub(super) fn stem_label(name: &str) -> String {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned());
    match path.parent().map(|p| p.to_string_lossy()) {
        Some(parent) if !parent.is_empty() => format!("{parent}/{stem}"),
        _ => stem,
    }
}

/// Converts one upload named `name` into pictures named after `output`, one record per
/// picture (a multi-page input has one per page, `_pN` in its output name, as convert
/// names files).
pub(super) fn convert_upload(bytes: &[u8], name: &str, output: &str, opts: &Options) -> Outcome {
    let input = PathBuf::from(name);
    let bytes_in = bytes.len() as u64;
    let mut outcome = Outcome::default();
    let source = match convert_bytes(bytes, claimed_by_name(&input), opts) {
        Ok(Some(source)) => source,
        Ok(None) => {
            let skipped = Record::skipped(input, bytes_in, Skip::NotAPicture);
            outcome.records.push(skipped);
            return outcome;
        }
        Err(problem) => {
            outcome
                .records
                .push(Record::failed(input, bytes_in, problem));
            return outcome;
        }
    };
    for picture in source.pictures {
        let page = picture.page;
        let record = match picture.result {
            Ok(c) => {
                let suffix = page.map(|n| format!("_p{n}")).unwrap_or_default();
                let name = format!("{output}{suffix}.{}", c.format.extension());
                outcome.keep(input.clone(), bytes_in, name, c)
            }
            Err(problem) => Record::failed(input.clone(), bytes_in, problem),
        };
        outcome.records.push(record.of_source(source.format, page));
    }
    outcome
}

/// The labels of stitched pieces: their names, or `piece<N>` with the extension of
/// their real format.
pub(super) fn piece_names(files: &[Upload]) -> Vec<PathBuf> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f.name.clone();
            PathBuf::from(name.unwrap_or_else(|| unnamed(&f.bytes, &format!("piece{}", i + 1))))
        })
        .collect()
}

/// Stitches uploaded pieces (labelled `names`) into one picture named after `output`,
/// as `scanfit stitch` stitches files: one record, naming every piece.
pub(super) fn stitch_uploads(
    files: &[Upload],
    names: Vec<PathBuf>,
    output: &str,
    opts: &Options,
    sopts: &StitchOptions,
) -> Outcome {
    let pieces: Vec<(&Path, &[u8])> = names
        .iter()
        .zip(files)
        .map(|(n, f)| (n.as_path(), &f.bytes[..]))
        .collect();
    let first = names.first().cloned().unwrap_or_default();
    let bytes_in = files.iter().map(|f| f.bytes.len() as u64).sum();
    let mut outcome = Outcome::default();
    let record = match stitch_bytes(&pieces, opts, sopts) {
        Ok(c) => {
            let name = format!("{output}.{}", c.format.extension());
            outcome.keep(first, bytes_in, name, c)
        }
        Err(e) => Record::failed(first, bytes_in, e),
    };
    outcome.records.push(stitched(record, names));
    outcome
}

/// A stitched picture's record, naming its pieces.
pub(super) fn stitched(record: Record, pieces: Vec<PathBuf>) -> Record {
    Record { pieces, ..record }
}

/// The record of a stitch whose work panicked.
pub(super) fn stitch_panicked(pieces: Vec<PathBuf>, bytes_in: u64, text: String) -> Record {
    let first = pieces.first().cloned().unwrap_or_default();
    stitched(
        Record::failed(first, bytes_in, StitchError::Panic(text)),
        pieces,
    )
}

/// The record of a conversion whose work panicked.
pub(super) fn convert_panicked(name: &str, bytes_in: u64, text: String) -> Record {
    Record::failed(PathBuf::from(name), bytes_in, Problem::Panic(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_labels_keep_folders_and_drop_the_extension() {
        assert_eq!(stem_label("客户A/授权书 2024.jpg"), "客户A/授权书 2024");
        assert_eq!(stem_label("v1.2.png"), "v1.2");
        assert_eq!(stem_label("upload"), "upload");
    }

    #[test]
    fn a_converted_upload_is_recorded_as_convert_records_a_file() {
        let opts = Options::default();
        let text = convert_upload(b"not a picture at all", "note.jpg", "note", &opts);
        assert_eq!(text.records.len(), 1);
        assert!(text.outputs.is_empty());
        assert_eq!(text.records[0].status, crate::report::Status::Failed);
        let unnamed = convert_upload(b"not a picture at all", "upload", "upload", &opts);
        assert_eq!(unnamed.records[0].status, crate::report::Status::Skipped);
    }
}
