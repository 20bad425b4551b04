//! A shard's report, and the whole run's report made from every shard's
//! (`scanfit report merge`).
//!
//! A shard's report is JSON Lines: one header line (`"record": "shard"`), then exactly
//! the rows an unsharded run's report has for the inputs the shard owns, in the same
//! layout, words and codes. The header names the run (its [`fingerprint`]), the shard and
//! the number of shards, how many of the run's items (inputs, and entries passed over)
//! the shard owns out of the run's total, and, for each row, the position of its input
//! in the whole run. The merge therefore never rewrites a row: it checks that the
//! reports are one run's, every shard exactly once and none cut short, then puts the
//! rows back in the unsharded run's order. Only the timing (`millis`) can differ from
//! one process's report, as it does between any two runs.
//!
//! [`fingerprint`]: crate::batch::fingerprint

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::report::{Record, Status, Summary, SCHEMA_VERSION};
use crate::rows;
pub use crate::shard::MergeError;
use crate::shard::Shard;
use crate::words::Lang;

/// What one shard did: its records, each with its input's position in the whole run.
#[derive(Debug)]
pub struct ShardRun {
    /// The run's fingerprint, the same in every shard.
    pub run: String,
    /// Which shard this was.
    pub shard: Shard,
    /// Whether the run wrote nothing.
    pub dry_run: bool,
    /// One record per output of the shard's inputs, then its skipped entries.
    pub records: Vec<Record>,
    /// Beside `records`: the position of each record's input in the whole run.
    pub at: Vec<u64>,
    /// Items (inputs and entries passed over) this shard owns.
    pub items: u64,
    /// Items in the whole run.
    pub total: u64,
}

/// The first line of a shard's report.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Header {
    schema: u32,
    /// `shard`: tells this line from the rows.
    record: String,
    run: String,
    shard: u32,
    shards: u32,
    dry_run: bool,
    items: u64,
    total: u64,
    /// Each row's input's position in the whole run.
    at: Vec<u64>,
}

const HEADER_RECORD: &str = "shard";

/// Writes a shard's report: its header, then its rows as [`rows::write_jsonl`]
/// writes them.
pub fn write_shard_jsonl(run: &ShardRun, lang: Lang, mut out: impl Write) -> io::Result<()> {
    let header = Header {
        schema: SCHEMA_VERSION,
        record: HEADER_RECORD.to_owned(),
        run: run.run.clone(),
        shard: run.shard.index,
        shards: run.shard.count,
        dry_run: run.dry_run,
        items: run.items,
        total: run.total,
        at: run.at.clone(),
    };
    serde_json::to_writer(&mut out, &header)?;
    out.write_all(b"\n")?;
    rows::write_jsonl(&run.records, lang, out)
}

/// One shard's report as read: its header and its rows as written.
#[derive(Debug)]
pub struct ShardReport {
    path: PathBuf,
    header: Header,
    rows: Vec<String>,
}

/// Reads a shard's report from `text` (the contents of `path`).
pub(crate) fn parse_shard_report(path: &Path, text: &str) -> Result<ShardReport, MergeError> {
    let mut lines = text.lines();
    let header: Header = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .filter(|h: &Header| h.record == HEADER_RECORD && h.schema == SCHEMA_VERSION)
        .ok_or_else(|| MergeError::NotShardReport {
            path: path.to_path_buf(),
        })?;
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(_)) => rows.push(line.to_owned()),
            _ => {
                return Err(MergeError::BadLine {
                    path: path.to_path_buf(),
                    line: n + 2,
                })
            }
        }
    }
    let distinct: HashSet<u64> = header.at.iter().copied().collect();
    let consistent = rows.len() == header.at.len()
        && distinct.len() as u64 == header.items
        && header.at.iter().all(|&a| a < header.total)
        && header.shard < header.shards;
    if !consistent {
        return Err(MergeError::Inconsistent {
            path: path.to_path_buf(),
        });
    }
    Ok(ShardReport {
        path: path.to_path_buf(),
        header,
        rows,
    })
}

/// Reads a shard's report from a file.
pub fn read_shard_report(path: &Path) -> Result<ShardReport, MergeError> {
    let text = std::fs::read_to_string(path).map_err(|source| MergeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_shard_report(path, &text)
}

/// The whole run's report, merged from its shards'.
#[derive(Debug)]
pub struct Merged {
    /// The rows, as the shards wrote them, in the unsharded run's order.
    pub rows: Vec<String>,
    /// Whether the run wrote nothing.
    pub dry_run: bool,
}

/// Merges the reports of every shard of one run (in any order).
pub fn merge(reports: Vec<ShardReport>) -> Result<Merged, MergeError> {
    let Some(first) = reports.first() else {
        return Ok(Merged {
            rows: Vec::new(),
            dry_run: false,
        });
    };
    let same_run = |h: &Header| {
        let f = &first.header;
        h.run == f.run && h.shards == f.shards && h.total == f.total && h.dry_run == f.dry_run
    };
    let mut by_shard: BTreeMap<u32, &ShardReport> = BTreeMap::new();
    let mut seen: HashSet<u64> = HashSet::new();
    for r in &reports {
        if !same_run(&r.header) {
            return Err(MergeError::OtherRun {
                path: r.path.clone(),
                first: first.path.clone(),
            });
        }
        if let Some(other) = by_shard.insert(r.header.shard, r) {
            return Err(MergeError::Duplicate {
                shard: r.header.shard,
                first: other.path.clone(),
                path: r.path.clone(),
            });
        }
        let distinct: HashSet<u64> = r.header.at.iter().copied().collect();
        if !distinct.is_disjoint(&seen) {
            return Err(MergeError::Inconsistent {
                path: r.path.clone(),
            });
        }
        seen.extend(distinct);
    }
    let count = first.header.shards;
    let missing: Vec<u32> = (0..count).filter(|s| !by_shard.contains_key(s)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            shards: missing,
            count,
        });
    }
    if seen.len() as u64 != first.header.total {
        return Err(MergeError::Inconsistent {
            path: first.path.clone(),
        });
    }
    // A stable sort: the pages of one input keep their order.
    let mut rows: Vec<(u64, &String)> = by_shard
        .values()
        .flat_map(|r| r.header.at.iter().copied().zip(&r.rows))
        .collect();
    rows.sort_by_key(|(at, _)| *at);
    Ok(Merged {
        rows: rows.into_iter().map(|(_, row)| row.clone()).collect(),
        dry_run: first.header.dry_run,
    })
}

impl Merged {
    /// Writes the rows as JSON Lines, as an unsharded run's report.
    pub fn write_jsonl(&self, mut out: impl Write) -> io::Result<()> {
        for row in &self.rows {
            out.write_all(row.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }

    /// Writes the rows as CSV, as an unsharded run's CSV report.
    pub fn write_csv(&self, out: impl Write) -> io::Result<()> {
        rows::write_csv_values(self.values(), out)
    }

    /// The closing counts of the whole run.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for v in self.values() {
            let status: Status = match serde_json::from_value(v["status"].clone()) {
                Ok(status) => status,
                Err(_) => continue,
            };
            let input = Path::new(v["input"].as_str().unwrap_or_default());
            let bytes_in = v["bytes_in"].as_u64().unwrap_or(0);
            s.add_outcome(status, input, bytes_in, v["bytes_out"].as_u64());
        }
        s
    }

    fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.rows
            .iter()
            .map(|row| serde_json::from_str(row).unwrap_or(Value::Null))
    }
}
