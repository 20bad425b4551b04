//! The per-file outcomes of a run, and the writers that render them: JSON Lines (with a
//! schema version, for machines) and CSV (for spreadsheets). The terminal rendering
//! lives in the binary.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::decode::Metadata;
use crate::error::Warning;
use crate::pipeline::{Converted, Method, OutputFormat};
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

/// One input's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Record {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema: u32,
    /// The input file (for a stitched picture, its first piece).
    #[serde(serialize_with = "lossy_path")]
    pub input: PathBuf,
    /// Every piece of a stitched picture, in layout order; empty for convert.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "lossy_paths")]
    pub pieces: Vec<PathBuf>,
    /// Its real format, when known.
    pub format: Option<Format>,
    /// 1-based page, for files with several pages (each page is one output).
    pub page: Option<u32>,
    /// The output file (planned, under `--dry-run`).
    #[serde(serialize_with = "lossy_opt_path")]
    pub output: Option<PathBuf>,
    /// The output's format.
    pub output_format: Option<OutputFormat>,
    /// How the output was made.
    pub method: Option<Method>,
    /// Outcome.
    pub status: Status,
    /// Upright source width.
    pub width_in: Option<u32>,
    /// Upright source height.
    pub height_in: Option<u32>,
    /// Output width.
    pub width_out: Option<u32>,
    /// Output height.
    pub height_out: Option<u32>,
    /// Input size in bytes.
    pub bytes_in: u64,
    /// Output size in bytes.
    pub bytes_out: Option<u64>,
    /// JPEG quality chosen.
    pub quality: Option<u8>,
    /// Full encodes spent.
    pub encodes: u32,
    /// Probe encodes spent (each about an eighth of a full encode).
    pub probes: u32,
    /// Output long edge over source long edge.
    pub scale: Option<f64>,
    /// Legibility of the output against its source at the output size (0–1).
    pub score: Option<f64>,
    /// Metadata found in the source and removed.
    pub metadata_removed: Option<Metadata>,
    /// What the user should know.
    pub warnings: Vec<Warning>,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    /// Wall time for this input.
    pub millis: u64,
}

/// Serialises a path as text, replacing bytes that are not UTF-8 with U+FFFD: serde's
/// own `Path` serialisation fails on such names (legal on Linux), which would abort the
/// whole report at the first odd file name.
pub fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// [`lossy_path`] for an optional path.
pub fn lossy_opt_path<S: serde::Serializer>(
    path: &Option<PathBuf>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => lossy_path(p, s),
        None => s.serialize_none(),
    }
}

/// [`lossy_path`] for a list of paths.
fn lossy_paths<S: serde::Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}

impl Record {
    /// A record for `input` with nothing filled in yet.
    pub fn new(input: PathBuf, status: Status) -> Record {
        Record {
            schema: SCHEMA_VERSION,
            input,
            pieces: Vec::new(),
            format: None,
            page: None,
            output: None,
            output_format: None,
            method: None,
            status,
            width_in: None,
            height_in: None,
            width_out: None,
            height_out: None,
            bytes_in: 0,
            bytes_out: None,
            quality: None,
            encodes: 0,
            probes: 0,
            scale: None,
            score: None,
            metadata_removed: None,
            warnings: Vec::new(),
            error: None,
            millis: 0,
        }
    }
}

impl Record {
    /// Fills in a converted picture written (or, for a server, sent) as `output`: its
    /// format, method, sizes, encoder figures and warnings, and the status they give.
    /// The one place a conversion becomes a record, so a file converted by `convert`,
    /// `watch` or `serve` is reported the same way.
    pub fn set_converted(&mut self, output: PathBuf, converted: &Converted) {
        self.output = Some(output);
        self.output_format = Some(converted.format);
        self.method = Some(converted.method);
        self.width_in = Some(converted.width_in);
        self.height_in = Some(converted.height_in);
        self.width_out = Some(converted.width);
        self.height_out = Some(converted.height);
        self.bytes_out = Some(converted.bytes.len() as u64);
        self.quality = converted.quality;
        self.encodes = converted.encodes;
        self.probes = converted.probes;
        self.scale = Some(converted.scale);
        self.score = converted.score;
        self.metadata_removed = Some(converted.metadata);
        self.status = if converted.warnings.is_empty() {
            Status::Ok
        } else {
            Status::Warn
        };
        self.warnings = converted.warnings.clone();
    }
}

/// Counts over a run, for the closing summary and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Written without warnings.
    pub ok: usize,
    /// Written with warnings.
    pub warned: usize,
    /// Not written.
    pub failed: usize,
    /// Nothing to do.
    pub skipped: usize,
    /// Bytes read from converted inputs.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
}

impl Summary {
    /// Adds up records. An input's bytes count once, however many of its pages were
    /// written.
    pub fn of(records: &[Record]) -> Summary {
        let mut s = Summary::default();
        let mut counted = std::collections::HashSet::new();
        for r in records {
            match r.status {
                Status::Ok => s.ok += 1,
                Status::Warn => s.warned += 1,
                Status::Failed => s.failed += 1,
                Status::Skipped => s.skipped += 1,
            }
            if let Some(out) = r.bytes_out {
                if counted.insert(&r.input) {
                    s.bytes_in += r.bytes_in;
                }
                s.bytes_out += out;
            }
        }
        s
    }

    /// Whether every picture was converted.
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0
    }
}

/// Writes one JSON object per line.
pub fn write_jsonl(records: &[Record], mut out: impl Write) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

const CSV_HEADER: &[&str] = &[
    "input",
    "format",
    "page",
    "output",
    "output_format",
    "method",
    "status",
    "width_in",
    "height_in",
    "width_out",
    "height_out",
    "bytes_in",
    "bytes_out",
    "quality",
    "encodes",
    "probes",
    "scale",
    "score",
    "gps_removed",
    "warnings",
    "error",
    "millis",
    "pieces",
];

/// Writes a header line and one row per record (RFC 4180 quoting).
pub fn write_csv(records: &[Record], mut out: impl Write) -> io::Result<()> {
    writeln!(out, "{}", CSV_HEADER.join(","))?;
    fn opt<T: ToString>(v: Option<T>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }
    fn name<T: serde::Serialize>(v: Option<T>) -> String {
        v.and_then(|v| serde_json::to_value(v).ok())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
    for r in records {
        let fields = [
            r.input.display().to_string(),
            name(r.format),
            opt(r.page),
            r.output
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            name(r.output_format),
            name(r.method),
            name(Some(r.status)),
            opt(r.width_in),
            opt(r.height_in),
            opt(r.width_out),
            opt(r.height_out),
            r.bytes_in.to_string(),
            opt(r.bytes_out),
            opt(r.quality),
            r.encodes.to_string(),
            r.probes.to_string(),
            r.scale.map(|s| format!("{s:.4}")).unwrap_or_default(),
            r.score.map(|s| format!("{s:.3}")).unwrap_or_default(),
            opt(r.metadata_removed.map(|m| m.gps)),
            r.warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            r.error.clone().unwrap_or_default(),
            r.millis.to_string(),
            r.pieces
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("; "),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", row.join(","))?;
    }
    out.flush()
}

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, quote or line break.
pub(crate) fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_awkward_names_and_has_every_column() {
        let mut r = Record::new(PathBuf::from("客户 A/a,\"b\".jpg"), Status::Failed);
        r.error = Some("bad\nthing".into());
        let mut out = Vec::new();
        write_csv(&[r], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"客户 A/a,\"\"b\"\".jpg\""));
        assert!(text.contains("failed"));
        assert_eq!(
            text.lines().next().unwrap().split(',').count(),
            CSV_HEADER.len()
        );
    }

    #[test]
    fn a_multi_page_input_counts_its_bytes_once() {
        let page = |n: u32, out: u64| {
            let mut r = Record::new("scan.pdf".into(), Status::Ok);
            r.page = Some(n);
            r.bytes_in = 1_000_000;
            r.bytes_out = Some(out);
            r
        };
        let mut other = Record::new("photo.jpg".into(), Status::Ok);
        other.bytes_in = 50;
        other.bytes_out = Some(40);
        let s = Summary::of(&[page(1, 300), page(2, 400), page(3, 500), other]);
        assert_eq!((s.bytes_in, s.bytes_out, s.ok), (1_000_050, 1_240, 4));
    }

    #[test]
    fn jsonl_has_schema_and_one_line_per_record() {
        let rs = vec![
            Record::new("a".into(), Status::Ok),
            Record::new("b".into(), Status::Skipped),
        ];
        let mut out = Vec::new();
        write_jsonl(&rs, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["schema"], SCHEMA_VERSION);
        assert_eq!(v["status"], "ok");
    }
}
