//! `scanfit convert`: files and folders into OUT, whole or one shard of it.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use scanfit::shard::{Shard, ShardError};
use scanfit::words::{line, say, Lang};
use scanfit::{Record, Skip, Status, Summary, Why};

use super::{exit, path_arg, setup_error, term, with_flags, JobArgs};

#[derive(Args)]
pub(super) struct ConvertArgs {
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    job: JobArgs,
    #[command(flatten)]
    sharding: ShardArgs,
    #[arg(long)]
    verify_reading: bool,
}

/// Which share of the inputs this process converts.
#[derive(Args)]
struct ShardArgs {
    #[arg(long, value_name = "I/N", conflicts_with = "shard_count")]
    shard: Option<Shard>,
    #[arg(long, value_name = "SHARDS")]
    shard_count: Option<u32>,
}

impl ShardArgs {
    /// The shard asked for: `--shard I/N`, or `--shard-count N` with the index from
    /// the engine's variable; `None` for the whole run.
    fn shard(&self, lang: Lang) -> anyhow::Result<Option<Shard>> {
        if let Some(shard) = self.shard {
            return Ok(Some(shard));
        }
        let Some(count) = self.shard_count else {
            return Ok(None);
        };
        Shard::from_env(count, |name| std::env::var(name).ok())
            .map(Some)
            .map_err(|e| {
                let flags: &[&str] = match e {
                    ShardError::NoIndex => &["--shard"],
                    _ => &[],
                };
                anyhow::anyhow!(with_flags(say(&e, lang), flags, lang))
            })
    }
}

/// Exit 0 when every picture converted (or was skipped), 1 when one failed; for a
/// shard, every picture of its share.
pub(super) fn run(args: ConvertArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut opts = args.job.options(lang)?;
    if args.verify_reading {
        let reader = scanfit::ocr::Reader::new().map_err(|e| anyhow::anyhow!(say(&e, lang)))?;
        opts.reader = Some(std::sync::Arc::new(reader));
    }
    if let Some(shard) = args.sharding.shard(lang)? {
        return run_shard(&args, shard, &opts, lang);
    }
    let bar = args.job.bar(lang);
    let records = scanfit::convert(&args.inputs, &args.output, &opts, &bar)
        .map_err(|e| setup_error(e, lang))?;
    bar.finish();
    announce_skipped(&records, lang);
    args.job.finish(&records, lang, term::print_summary_convert)
}

/// One shard: its share converted, its report (header and rows) under the report
/// name with the shard in it, so shards sharing a folder never write one file.
fn run_shard(
    args: &ConvertArgs,
    shard: Shard,
    opts: &scanfit::Options,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let report = args.job.write.report.report.as_deref();
    if let Some(path) = report.filter(|p| is_csv(p)) {
        anyhow::bail!(line(lang, "cli-shard_report_csv", path_arg(path)));
    }
    let report = report.map(|p| shard_report_path(p, shard));
    let bar = args.job.bar(lang);
    let run = scanfit::convert_shard(&args.inputs, &args.output, opts, shard, &bar)
        .map_err(|e| setup_error(e, lang))?;
    bar.finish();
    announce_skipped(&run.records, lang);
    let write = |out: BufWriter<File>| scanfit::merge::write_shard_jsonl(&run, lang, out);
    term::report_to(report.as_deref(), lang, write, write)?;
    let s = Summary::of(&run.records);
    term::print_summary_convert(&s, opts.dry_run, lang);
    Ok(exit(s.all_succeeded()))
}

/// Entries passed over before reading (links, FIFOs, existing outputs) are worth a
/// line; files that are not pictures are not.
fn announce_skipped(records: &[Record], lang: Lang) {
    let announced = |r: &&Record| {
        r.status == Status::Skipped
            && r.subject.format.is_none()
            && !matches!(r.error, Some(Why::Skip(Skip::NotAPicture)))
    };
    for r in records.iter().filter(announced) {
        term::print_skipped(r, &r.subject.input, lang);
    }
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// `report.jsonl` → `report.shard-2-of-8.jsonl` (shards counted from 0, as `--shard`).
pub(super) fn shard_report_path(path: &Path, shard: Shard) -> PathBuf {
    let mut name = path.file_stem().unwrap_or_default().to_owned();
    name.push(format!(".shard-{}-of-{}", shard.index, shard.count));
    if let Some(ext) = path.extension() {
        name.push(".");
        name.push(ext);
    }
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shard_names_its_own_report() {
        let shard = Shard { index: 2, count: 8 };
        let named = |p: &str| shard_report_path(Path::new(p), shard);
        assert_eq!(
            named("r/report.jsonl"),
            Path::new("r/report.shard-2-of-8.jsonl")
        );
        assert_eq!(named("report"), Path::new("report.shard-2-of-8"));
    }
}
