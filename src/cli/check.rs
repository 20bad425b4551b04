//! `scanfit check`: would the portal take these files, writing nothing.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use scanfit::words::Lang;
use scanfit::CheckSummary;

use super::term;
use super::{exit, setup_error, ProfileArgs, RunArgs};

#[derive(Args)]
pub(super) struct CheckArgs {
    /// Files and folders to check (folders recursively).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Print one JSON object per file (JSON Lines) instead of a table.
    #[arg(long)]
    json: bool,
    /// Exit 1 when any file has warnings, not only when one fails.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Exit 0 when every file passes (warnings allowed unless --strict), 1 otherwise.
pub(super) fn run(args: CheckArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let opts = args.run.options(args.profile.profile(lang)?);
    let records = scanfit::check(&args.inputs, &opts).map_err(|e| setup_error(e, lang))?;
    let stdout = std::io::stdout().lock();
    if args.json {
        let mut out = BufWriter::new(stdout);
        scanfit::report::write_check_jsonl(&records, &[], lang, &mut out)?;
        out.flush()?;
    } else {
        term::print_check_table(&records, lang, BufWriter::new(stdout))?;
    }
    let s = CheckSummary::of(&records);
    term::print_summary_check(records.len(), &s, lang);
    Ok(exit(s.ok(args.strict)))
}
