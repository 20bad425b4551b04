//! The writers that render a run's [`Record`]s (and `check`'s [`CheckRecord`]s): JSON
//! Lines (with a schema version, for machines) and CSV (for spreadsheets), both from
//! one [`Row`], so the two cannot say different things.
//!
//! **CSV = JSON, flattened.** A CSV row holds exactly the fields of the JSON record, in
//! the same order, under one rule: a nested object's fields become columns named
//! `parent_field` (`metadata_removed.gps` → `metadata_removed_gps`), a list becomes one
//! cell with its items joined by `"; "` (`warnings`, `warning_codes`, `pieces`), `null`
//! becomes an empty cell, and numbers and booleans are written as JSON writes them.
//! Every column is present in every row (`pieces` is empty for convert). The file
//! starts with a UTF-8 byte order mark, so Excel on a Chinese Windows opens Chinese
//! file names as Chinese instead of guessing GBK.
//!
//! The human text (`warnings`, `error`) is in the run's language; the codes beside it
//! (`warning_codes`, `error_code`) are stable for scripts. The terminal rendering lives
//! in the binary.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde_json::Value;

use crate::check::{CheckRecord, Finding as CheckFinding, MetadataFound, Severity, Verdict};
use crate::decode::Metadata;
use crate::inspect::ColourClass;
use crate::pipeline::{Made, Method, OutputFormat};
use crate::report::{Record, Status, SCHEMA_VERSION};
use crate::rules::assess::{FolderSummary, NeedsSource};
use crate::rules::{KindId, Need};
use crate::sniff::Format;
use crate::words::{say, Lang, Message};

/// Serialises a path as text, replacing bytes that are not UTF-8 with U+FFFD: serde's
/// own `Path` serialisation fails on such names (legal on Linux), which would abort the
/// whole report at the first odd file name.
fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// [`lossy_path`] for an optional path.
fn lossy_opt_path<S: serde::Serializer>(path: &Option<&Path>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => lossy_path(p, s),
        None => s.serialize_none(),
    }
}

/// [`lossy_path`] for a list of paths.
fn lossy_paths<S: serde::Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}

/// A [`Record`] as reports show it, in one language: what JSON Lines and CSV write, and
/// what a server answers.
#[derive(Debug, serde::Serialize)]
pub struct Row<'a> {
    schema: u32,
    #[serde(serialize_with = "lossy_path")]
    input: &'a Path,
    #[serde(
        skip_serializing_if = "<[_]>::is_empty",
        serialize_with = "lossy_paths"
    )]
    pieces: &'a [PathBuf],
    format: Option<Format>,
    page: Option<u32>,
    #[serde(serialize_with = "lossy_opt_path")]
    output: Option<&'a Path>,
    output_format: Option<OutputFormat>,
    method: Option<Method>,
    status: Status,
    /// [`Record::upload_ready`].
    upload_ready: bool,
    width_in: Option<u32>,
    height_in: Option<u32>,
    width_out: Option<u32>,
    height_out: Option<u32>,
    bytes_in: u64,
    bytes_out: Option<u64>,
    quality: Option<u8>,
    encodes: u32,
    probes: u32,
    scale: Option<f64>,
    score: Option<f64>,
    metadata_removed: Option<Metadata>,
    warnings: Vec<String>,
    warning_codes: Vec<&'static str>,
    error: Option<String>,
    error_code: Option<&'static str>,
    millis: u64,
}

impl<'a> Row<'a> {
    /// `r` with its words in `lang`.
    pub fn new(r: &'a Record, lang: Lang) -> Row<'a> {
        let made = r.made.as_ref();
        Row {
            schema: SCHEMA_VERSION,
            input: &r.subject.input,
            pieces: &r.pieces,
            format: r.subject.format,
            page: r.page,
            output: r.output.as_deref(),
            output_format: made.map(|m| m.format),
            method: made.map(|m| m.method),
            status: r.status,
            upload_ready: r.upload_ready(),
            width_in: made.map(|m| m.width_in),
            height_in: made.map(|m| m.height_in),
            width_out: made.map(|m| m.width),
            height_out: made.map(|m| m.height),
            bytes_in: r.subject.bytes,
            bytes_out: r.bytes_out,
            quality: made.and_then(|m| m.quality),
            encodes: made.map_or(0, |m| m.encodes),
            probes: made.map_or(0, |m| m.probes),
            scale: made.map(|m| m.scale),
            score: made.and_then(|m| m.score),
            metadata_removed: made.map(|m| m.metadata),
            warnings: r.warnings().iter().map(|w| say(w, lang)).collect(),
            warning_codes: r.warnings().iter().map(Message::code).collect(),
            error: r.error.as_ref().map(|e| say(e, lang)),
            error_code: r.error.as_ref().map(Message::code),
            millis: r.millis,
        }
    }
}

/// Writes one JSON object per line.
pub fn write_jsonl(records: &[Record], lang: Lang, mut out: impl Write) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut out, &Row::new(r, lang))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The CSV columns: the flattened fields of a record that has every field.
pub static CSV_COLUMNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut full = Record::blank("x".into(), 0, Status::Ok);
    full.pieces = vec!["x".into()];
    full.made = Some(placeholder_made());
    let value = serde_json::to_value(Row::new(&full, Lang::En)).expect("a row is JSON");
    flatten("", &value).into_iter().map(|(k, _)| k).collect()
});

/// A [`Made`] whose optional parts are present, for the column list.
fn placeholder_made() -> Made {
    Made {
        format: OutputFormat::Jpeg,
        method: Method::Jpeg,
        quality: None,
        width_in: 0,
        height_in: 0,
        width: 0,
        height: 0,
        encodes: 0,
        probes: 0,
        scale: 1.0,
        score: None,
        metadata: Metadata::default(),
        warnings: Vec::new(),
    }
}

/// Writes a byte order mark, a header line and one row per record: the JSON record
/// flattened by the rule in the module documentation.
pub fn write_csv(records: &[Record], lang: Lang, out: impl Write) -> io::Result<()> {
    let values = records
        .iter()
        .map(|r| serde_json::to_value(Row::new(r, lang)).map_err(io::Error::other))
        .collect::<io::Result<Vec<Value>>>()?;
    write_csv_values(values, out)
}

/// [`write_csv`] for rows already made into JSON (a merged report's).
pub fn write_csv_values(
    values: impl IntoIterator<Item = Value>,
    mut out: impl Write,
) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS.iter())?;
    for value in values {
        let cells = flatten("", &value);
        let row = CSV_COLUMNS.iter().map(|column| {
            cells
                .iter()
                .find(|(k, _)| k == column)
                .map_or("", |(_, v)| v.as_str())
        });
        w.write_record(row)?;
    }
    w.flush()
}

/// A date source's cell.
fn source(s: Option<DateSource>) -> String {
    s.map_or(String::new(), |s| s.code().to_owned())
}

/// An end of validity's cell: the date, or `long_term`.
fn expiry_cell(e: crate::rules::Expiry) -> String {
    match e {
        crate::rules::Expiry::Until(d) => d.to_string(),
        crate::rules::Expiry::LongTerm => "long_term".into(),
    }
}

/// A JSON value as `(column, cell)` pairs, by the flattening rule.
fn flatten(prefix: &str, value: &Value) -> Vec<(String, String)> {
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(k, v)| {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}_{k}")
                };
                flatten(&name, v)
            })
            .collect(),
        Value::Array(items) => {
            let joined: Vec<String> = items.iter().map(cell).collect();
            vec![(prefix.to_owned(), joined.join("; "))]
        }
        other => vec![(prefix.to_owned(), cell(other))],
    }
}

/// A [`CheckRecord`] as `check --json` shows it, in one language.
#[derive(Debug, serde::Serialize)]
pub struct CheckRow<'a> {
    schema: u32,
    /// `file`, beside the `folder` lines of [`FolderRow`].
    record: &'static str,
    #[serde(serialize_with = "lossy_path")]
    input: &'a Path,
    verdict: Verdict,
    /// Whether the file can be uploaded as it is: the same meaning as a convert
    /// record's (nothing the portal refuses, black-and-white and grey included).
    upload_ready: bool,
    kind: Option<&'a KindId>,
    format: Option<Format>,
    claimed: Option<Format>,
    bytes: u64,
    width: Option<u32>,
    height: Option<u32>,
    pages: Option<u32>,
    orientation: Option<u8>,
    colour: Option<ColourClass>,
    sharpness: Option<f64>,
    metadata: Option<MetadataFound>,
    /// The document's outline in the first page (corners in its pixels), for a page to
    /// draw; absent when the pixels were not examined.
    document: Option<&'a crate::document::Outline>,
    reasons: Vec<ReasonRow>,
    millis: u64,
    /// Where `kind` came from: `manifest`, `file_name`, `folder_name` or `content`.
    kind_source: Option<crate::rules::KindSource>,
    /// The issue date the rules used.
    issued: Option<jiff::civil::Date>,
    /// Where it came from: `manifest` or `picture`.
    issued_source: Option<DateSource>,
    /// How sure its reading is, in percent, when read off the picture.
    issued_confidence: Option<u8>,
    /// The end of validity the rules used (`{"until": date}`, or `"long_term"`).
    valid_until: Option<crate::rules::Expiry>,
    /// Where it came from.
    valid_until_source: Option<DateSource>,
    /// How sure its reading is, in percent, when read off the picture.
    valid_until_confidence: Option<u8>,
    /// Whether the picture's text was read.
    read: bool,
    /// When it was read: how many characters were read, confident or not.
    characters: Option<u32>,
    /// Of those, how many with confidence: the share is its legibility by reading.
    characters_sure: Option<u32>,
}

/// Where a date the rules used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The manifest's row.
    Manifest,
    /// Read off the picture.
    Picture,
}

impl DateSource {
    /// The source of a date that is present: read off the picture when it has a
    /// reading's confidence.
    fn of<T>(date: Option<T>, read: Option<u8>) -> Option<DateSource> {
        date.map(|_| match read {
            Some(_) => DateSource::Picture,
            None => DateSource::Manifest,
        })
    }

    /// Its stable name, for the CSV.
    pub fn code(self) -> &'static str {
        match self {
            DateSource::Manifest => "manifest",
            DateSource::Picture => "picture",
        }
    }
}

/// One reason of a [`CheckRow`]: machines match on the code, people read the message.
#[derive(Debug, serde::Serialize)]
struct ReasonRow {
    severity: Severity,
    code: &'static str,
    message: String,
    page: Option<u32>,
}

impl ReasonRow {
    fn new(finding: &CheckFinding, page: Option<u32>, lang: Lang) -> ReasonRow {
        ReasonRow {
            severity: finding.severity(),
            code: finding.code(),
            message: say(finding, lang),
            page,
        }
    }
}

impl<'a> CheckRow<'a> {
    /// `r` with its words in `lang`.
    pub fn new(r: &'a CheckRecord, lang: Lang) -> CheckRow<'a> {
        CheckRow {
            schema: crate::check::CHECK_SCHEMA_VERSION,
            record: "file",
            input: &r.subject.input,
            verdict: r.verdict,
            upload_ready: matches!(r.verdict, Verdict::Pass | Verdict::Warn)
                && !r.reasons.iter().any(|reason| {
                    matches!(
                        reason.finding,
                        CheckFinding::Grayscale | CheckFinding::Bilevel
                    )
                }),
            kind: r.kind.as_ref(),
            format: r.subject.format,
            claimed: r.claimed,
            bytes: r.subject.bytes,
            width: r.width,
            height: r.height,
            pages: r.pages,
            orientation: r.orientation,
            colour: r.colour,
            sharpness: r.sharpness,
            metadata: r.metadata,
            document: r.document.as_ref().map(|d| &d.outline),
            reasons: r
                .reasons
                .iter()
                .map(|x| ReasonRow::new(&x.finding, x.page, lang))
                .collect(),
            millis: r.millis,
            kind_source: r.kind_source,
            issued: r.issued,
            issued_source: DateSource::of(r.issued, r.issued_read),
            issued_confidence: r.issued_read,
            valid_until: r.valid_until,
            valid_until_source: DateSource::of(r.valid_until, r.valid_until_read),
            valid_until_confidence: r.valid_until_read,
            read: r.read,
            characters: r.characters.map(|c| c.0),
            characters_sure: r.characters.map(|c| c.1),
        }
    }
}

/// A client folder's summary as `check --json` shows it, after the files' lines.
#[derive(Debug, serde::Serialize)]
pub struct FolderRow<'a> {
    schema: u32,
    /// `folder`.
    record: &'static str,
    #[serde(serialize_with = "lossy_path")]
    folder: &'a Path,
    verdict: Verdict,
    /// Kind id → its pictures, in the rules' order of kinds.
    documents: serde_json::Map<String, Value>,
    #[serde(serialize_with = "lossy_paths")]
    unrecognised: &'a [PathBuf],
    needs: &'a [Need],
    needs_from: NeedsSource,
    reasons: Vec<ReasonRow>,
}

impl<'a> FolderRow<'a> {
    /// `f` with its words in `lang`.
    pub fn new(f: &'a FolderSummary, lang: Lang) -> FolderRow<'a> {
        let documents = f
            .documents
            .iter()
            .map(|kf| {
                let files = kf.files.iter().map(|p| p.to_string_lossy().into());
                (kf.kind.0.clone(), Value::Array(files.collect()))
            })
            .collect();
        FolderRow {
            schema: crate::check::CHECK_SCHEMA_VERSION,
            record: "folder",
            folder: &f.folder,
            verdict: f.verdict(),
            documents,
            unrecognised: &f.unrecognised,
            needs: &f.needs,
            needs_from: f.needs_from,
            reasons: f
                .findings
                .iter()
                .map(|x| ReasonRow::new(&CheckFinding::Rule(x.clone()), None, lang))
                .collect(),
        }
    }
}

/// Writes one JSON object per checked file, then one per client folder.
pub fn write_check_jsonl(
    records: &[CheckRecord],
    folders: &[FolderSummary],
    lang: Lang,
    mut out: impl Write,
) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut out, &CheckRow::new(r, lang))?;
        out.write_all(b"\n")?;
    }
    for f in folders {
        serde_json::to_writer(&mut out, &FolderRow::new(f, lang))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The columns of `check --report FILE.csv`: one row per file, then one per client
/// folder (`record` says which); `codes` and `reasons` list the findings' stable codes
/// and their words, joined by `"; "` in the same order. The columns after `reasons` say
/// where the kind and the dates the rules used came from (`issued_confidence` and
/// `valid_until_confidence`: percent, for dates read off the picture), and, for a
/// picture whose text was read, how many characters were read and how many surely.
pub const CHECK_CSV_COLUMNS: [&str; 19] = [
    "record",
    "path",
    "verdict",
    "kind",
    "format",
    "bytes",
    "width",
    "height",
    "codes",
    "reasons",
    "kind_source",
    "issued",
    "issued_source",
    "issued_confidence",
    "valid_until",
    "valid_until_source",
    "valid_until_confidence",
    "characters",
    "characters_sure",
];

/// Writes a byte order mark (for Excel on Chinese Windows), the header and the rows of
/// [`CHECK_CSV_COLUMNS`].
pub fn write_check_csv(
    records: &[CheckRecord],
    folders: &[FolderSummary],
    lang: Lang,
    mut out: impl Write,
) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CHECK_CSV_COLUMNS)?;
    let text = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
    let join = |rows: &[ReasonRow]| {
        let codes: Vec<&str> = rows.iter().map(|r| r.code).collect();
        let words: Vec<&str> = rows.iter().map(|r| r.message.as_str()).collect();
        [codes.join("; "), words.join("; ")]
    };
    for r in records {
        let row = CheckRow::new(r, lang);
        let [codes, words] = join(&row.reasons);
        w.write_record([
            "file".into(),
            r.subject.input.to_string_lossy().into_owned(),
            r.verdict.code().to_owned(),
            r.kind.as_ref().map_or(String::new(), |k| k.0.clone()),
            r.subject
                .format
                .map_or(String::new(), |f| f.name().to_owned()),
            r.subject.bytes.to_string(),
            text(r.width.map(u64::from)),
            text(r.height.map(u64::from)),
            codes,
            words,
            r.kind_source.map_or(String::new(), |k| k.code().to_owned()),
            r.issued.map_or(String::new(), |d| d.to_string()),
            source(DateSource::of(r.issued, r.issued_read)),
            text(r.issued_read.map(u64::from)),
            r.valid_until.map_or(String::new(), expiry_cell),
            source(DateSource::of(r.valid_until, r.valid_until_read)),
            text(r.valid_until_read.map(u64::from)),
            text(r.characters.map(|c| u64::from(c.0))),
            text(r.characters.map(|c| u64::from(c.1))),
        ])?;
    }
    for f in folders {
        let row = FolderRow::new(f, lang);
        let [codes, words] = join(&row.reasons);
        let verdict = row.verdict.code().to_owned();
        let path = f.folder.to_string_lossy().into_owned();
        let empty = String::new;
        w.write_record([
            "folder".into(),
            path,
            verdict,
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
            codes,
            words,
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
            empty(),
        ])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Problem, Skip, Warning};

    fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_reader(bytes);
        let head = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = r
            .records()
            .map(|row| row.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (head, rows)
    }

    #[test]
    fn csv_is_the_json_flattened_and_quotes_awkward_names() {
        let mut failed = Record::failed(
            PathBuf::from("客户 A/a,\"b\".jpg"),
            7,
            Problem::ChangedWhileRead { opened: 7, read: 3 },
        );
        failed.made = Some(Made {
            warnings: vec![Warning::Grayscale, Warning::Grained { levels: 1 }],
            ..placeholder_made()
        });
        let mut ok = Record::skipped("b.png".into(), 9, Skip::OutputExists);
        ok.made = Some(Made {
            metadata: Metadata {
                gps: true,
                ..Metadata::default()
            },
            ..placeholder_made()
        });
        let records = [failed, ok];
        let mut out = Vec::new();
        write_csv(&records, Lang::En, &mut out).unwrap();
        assert!(out.starts_with("\u{feff}".as_bytes()));
        let (head, rows) = read_csv(&out);
        assert_eq!(head, *CSV_COLUMNS);
        assert!(head.contains(&"metadata_removed_gps".to_owned()));
        let mut jsonl = Vec::new();
        write_jsonl(&records, Lang::En, &mut jsonl).unwrap();
        for (line, row) in String::from_utf8(jsonl).unwrap().lines().zip(&rows) {
            let json: Value = serde_json::from_str(line).unwrap();
            let flat = flatten("", &json);
            for (column, cell) in head.iter().zip(row) {
                let expected = flat
                    .iter()
                    .find(|(k, _)| k == column)
                    .map_or("", |(_, v)| v.as_str());
                assert_eq!(cell, expected, "{column}");
            }
        }
        let cell = |row: usize, column: &str| {
            rows[row][head.iter().position(|h| h == column).unwrap()].clone()
        };
        assert_eq!(cell(0, "input"), "客户 A/a,\"b\".jpg");
        assert_eq!(cell(0, "warning_codes"), "grayscale; grained");
        assert_eq!(cell(0, "error_code"), "changed_while_read");
        assert_eq!(cell(1, "metadata_removed_gps"), "true");
        assert_eq!(cell(1, "error"), "output already exists");
        assert_eq!(cell(1, "pieces"), "");
    }

    #[test]
    fn jsonl_has_schema_codes_and_one_line_per_record() {
        let rs = vec![
            Record::blank("a".into(), 0, Status::Ok),
            Record::skipped("b".into(), 0, Skip::NotAPicture),
        ];
        let mut out = Vec::new();
        write_jsonl(&rs, Lang::En, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(v[0]["schema"], SCHEMA_VERSION);
        assert_eq!(v[0]["status"], "ok");
        assert_eq!(v[0]["error_code"], Value::Null);
        assert_eq!(v[1]["error"], "not a picture");
        assert_eq!(v[1]["error_code"], "not_a_picture");
    }
}
