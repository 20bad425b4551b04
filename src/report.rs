//! The per-item outcomes of a run ([`Record`], made one way for every command) and the
//! counts over a run ([`Summary`]). Their rendering as JSON Lines and CSV, in the run's
//! language, is [`crate::rows`]'s.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Skip, Warning, Why};
use crate::pipeline::{Converted, Made};
use crate::sniff::Format;

/// Version of the record layout below; bumped when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// How one input ended. Ordered from best to worst, so the worst decides the exit code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written, nothing to note.
    Ok,
    /// Not a picture, or already converted: nothing to do.
    Skipped,
    /// Written, with warnings.
    Warn,
    /// Not written.
    Failed,
}

/// The file a record is about, as every command's record names it: a convert, stitch
/// or watch [`Record`] and a [`CheckRecord`](crate::check::CheckRecord).
#[derive(Debug, Clone)]
pub struct Subject {
    /// The file (for a stitched picture, its first piece).
    pub input: PathBuf,
    /// Its real format, from the bytes, when known.
    pub format: Option<Format>,
    /// Its size in bytes (of the whole file, on each of its pages' records; of all
    /// pieces, for a stitched picture).
    pub bytes: u64,
}

impl Subject {
    /// `input`, of `bytes` bytes, its format not known yet.
    pub fn new(input: PathBuf, bytes: u64) -> Subject {
        Subject {
            input,
            format: None,
            bytes,
        }
    }
}

/// One output's outcome (one per input, or per page of a multi-page input, or per
/// stitched set). Made by [`Record::wrote`], [`Record::failed`] or [`Record::skipped`].
#[derive(Debug)]
pub struct Record {
    /// The input.
    pub subject: Subject,
    /// Every piece of a stitched picture, in layout order; empty for convert.
    pub pieces: Vec<PathBuf>,
    /// 1-based page, for files with several pages (each page is one output).
    pub page: Option<u32>,
    /// The output file (planned, under `--dry-run`).
    pub output: Option<PathBuf>,
    /// Outcome.
    pub status: Status,
    /// What the output is and how it was made (its source dimensions are the canvas's,
    /// for a stitched picture), when one was made.
    pub made: Option<Made>,
    /// Output size in bytes.
    pub bytes_out: Option<u64>,
    /// Why it failed or was skipped (or, for `watch`, why its original stayed).
    pub error: Option<Why>,
    /// Wall time for this input.
    pub millis: u64,
}

impl Record {
    /// Whether the output can be uploaded as it is: written, and nothing on it the portal
    /// refuses ([`Warning::refused_by_portal`]). A picture that is not ready is still
    /// written (it may be all the user has), but every report and the server's ZIP set
    /// it apart, with what to do.
    pub fn upload_ready(&self) -> bool {
        matches!(self.status, Status::Ok | Status::Warn)
            && self.output.is_some()
            && !self.warnings().iter().any(Warning::refused_by_portal)
    }

    /// What the user should know of the output (nothing, when none was made).
    pub fn warnings(&self) -> &[Warning] {
        self.made.as_ref().map_or(&[], |m| &m.warnings)
    }

    pub(crate) fn blank(input: PathBuf, bytes_in: u64, status: Status) -> Record {
        Record {
            subject: Subject::new(input, bytes_in),
            pieces: Vec::new(),
            page: None,
            output: None,
            status,
            made: None,
            bytes_out: None,
            error: None,
            millis: 0,
        }
    }

    /// `input` (of `bytes_in` bytes) was converted into `output`: ok, or warn when the
    /// conversion has warnings. The picture's bytes stay with the caller, which writes
    /// them (or a server, which sends them).
    pub fn wrote(input: PathBuf, bytes_in: u64, output: PathBuf, converted: &Converted) -> Record {
        let status = if converted.warnings.is_empty() {
            Status::Ok
        } else {
            Status::Warn
        };
        Record {
            output: Some(output),
            made: Some(converted.made.clone()),
            bytes_out: Some(converted.bytes.len() as u64),
            ..Record::blank(input, bytes_in, status)
        }
    }

    /// `input` was not converted, for `why`.
    pub fn failed(input: PathBuf, bytes_in: u64, why: impl Into<Why>) -> Record {
        Record {
            error: Some(why.into()),
            ..Record::blank(input, bytes_in, Status::Failed)
        }
    }

    /// `input` was passed over: nothing to do.
    pub fn skipped(input: PathBuf, bytes_in: u64, skip: Skip) -> Record {
        Record {
            error: Some(Why::Skip(skip)),
            ..Record::blank(input, bytes_in, Status::Skipped)
        }
    }

    /// An entry a folder walk passed over (skipped) or could not read (failed).
    pub fn passed_over(path: PathBuf, why: Why) -> Record {
        match why {
            Why::Skip(skip) => Record::skipped(path, 0, skip),
            why => Record::failed(path, 0, why),
        }
    }

    /// The record with its output path.
    pub fn with_output(self, output: Option<PathBuf>) -> Record {
        Record { output, ..self }
    }

    /// The record with the input's format and page.
    pub fn of_source(self, format: Format, page: Option<u32>) -> Record {
        Record {
            subject: Subject {
                format: Some(format),
                ..self.subject
            },
            page,
            ..self
        }
    }

    /// Whether this is the first record of its input (a multi-page input has one per
    /// page): progress counts input files.
    pub fn first_of_input(&self) -> bool {
        self.page.is_none_or(|p| p == 1)
    }
}

/// Counts over a run, for the closing summary and the exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Written without warnings.
    pub ok: usize,
    /// Written with warnings.
    pub warned: usize,
    /// Not written.
    pub failed: usize,
    /// Nothing to do.
    pub skipped: usize,
    /// Bytes read from inputs with at least one output, each input counted once.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Inputs whose bytes are counted already.
    counted: HashSet<PathBuf>,
}

impl Summary {
    /// Adds up records.
    pub fn of(records: &[Record]) -> Summary {
        let mut s = Summary::default();
        for r in records {
            s.add(r);
        }
        s
    }

    /// Adds one record. This is the one place a multi-page input's bytes are counted:
    /// once, with its first written page, however many pages were written.
    pub fn add(&mut self, r: &Record) {
        self.add_outcome(r.status, &r.subject.input, r.subject.bytes, r.bytes_out);
    }

    /// Adds one record's outcome, given by its fields (a merged report's rows).
    pub fn add_outcome(
        &mut self,
        status: Status,
        input: &Path,
        bytes_in: u64,
        bytes_out: Option<u64>,
    ) {
        match status {
            Status::Ok => self.ok += 1,
            Status::Warn => self.warned += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
        }
        if let Some(out) = bytes_out {
            if self.counted.insert(input.to_path_buf()) {
                self.bytes_in += bytes_in;
            }
            self.bytes_out += out;
        }
    }

    /// Whether every picture was converted.
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_page_input_counts_its_bytes_once() {
        let page = |n: u32, out: u64| {
            let mut r = Record::blank("scan.pdf".into(), 1_000_000, Status::Ok);
            r.page = Some(n);
            r.bytes_out = Some(out);
            r
        };
        let mut other = Record::blank("photo.jpg".into(), 50, Status::Ok);
        other.bytes_out = Some(40);
        let s = Summary::of(&[page(1, 300), page(2, 400), page(3, 500), other]);
        assert_eq!((s.bytes_in, s.bytes_out, s.ok), (1_000_050, 1_240, 4));
    }
}
