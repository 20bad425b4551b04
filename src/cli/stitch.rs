//! `scanfit stitch`: several documents into one picture, or many sets from a CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use scanfit::stitch::{Layout, StitchOptions, StitchSet, DEFAULT_GAP, DEFAULT_MARGIN};
use scanfit::words::{line, say, Args as WordArgs, Lang};
use scanfit::Status;

use super::{setup_error, term, JobArgs};

#[derive(Args)]
pub(super) struct StitchArgs {
    #[arg(conflicts_with = "sets")]
    pieces: Vec<PathBuf>,
    #[arg(long, value_name = "FILE.csv")]
    sets: Option<PathBuf>,
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[arg(long, value_enum, default_value_t = Layout::default())]
    layout: Layout,
    #[arg(long, default_value_t = DEFAULT_GAP, value_name = "PX")]
    gap: u32,
    #[arg(long, default_value_t = DEFAULT_MARGIN, value_name = "PX")]
    margin: u32,
    #[command(flatten)]
    job: JobArgs,
}

/// Exits like convert, one outcome per combined picture.
pub(super) fn run(args: StitchArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let opts = args.job.options(lang)?;
    let sopts = StitchOptions {
        layout: args.layout,
        gap: args.gap,
        margin: args.margin,
    };
    let sets = match &args.sets {
        Some(csv) => scanfit::stitch::read_sets(csv, &args.output, &opts)
            .map_err(|e| anyhow::anyhow!(say(&e, lang)))?,
        None if args.pieces.len() >= 2 => {
            vec![StitchSet::new(&args.output, args.pieces.clone(), &opts)]
        }
        None => anyhow::bail!(line(lang, "cli-stitch_needs_two", WordArgs::new())),
    };
    let bar = args.job.bar(lang);
    let records = scanfit::stitch(&sets, &opts, &sopts, &bar).map_err(|e| setup_error(e, lang))?;
    bar.finish();
    for r in records.iter().filter(|r| r.status == Status::Skipped) {
        term::print_skipped(r, r.output.as_deref().unwrap_or(&r.subject.input), lang);
    }
    args.job.finish(&records, lang, term::print_summary_stitch)
}
