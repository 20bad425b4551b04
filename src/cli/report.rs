//! `scanfit report merge`: the reports of a sharded run's shards (`convert --shard`)
//! into the whole run's report, as one process would have written it.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use scanfit::merge::{self, ShardReport};
use scanfit::words::{say, Lang};

use super::{exit, term};

#[derive(Args)]
pub(super) struct ReportCmdArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand)]
enum ReportCommand {
    Merge(MergeArgs),
}

#[derive(Args)]
struct MergeArgs {
    #[arg(required = true, value_name = "REPORTS")]
    reports: Vec<PathBuf>,
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

/// Exit 0 when every file of the run succeeded (or was skipped), 1 when one failed in
/// any shard, 2 when the reports cannot be merged.
pub(super) fn run(args: ReportCmdArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let ReportCommand::Merge(args) = args.command;
    let merged = args
        .reports
        .iter()
        .map(|path| merge::read_shard_report(path))
        .collect::<Result<Vec<ShardReport>, _>>()
        .and_then(merge::merge)
        .map_err(|e| anyhow::anyhow!(say(&e, lang)))?;
    term::report_to(
        Some(&args.output),
        lang,
        |out: BufWriter<File>| merged.write_csv(out),
        |out: BufWriter<File>| merged.write_jsonl(out),
    )?;
    let s = merged.summary();
    term::print_summary_convert(&s, merged.dry_run, lang);
    Ok(exit(s.all_succeeded()))
}
