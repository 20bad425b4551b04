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
    /// Pictures to combine, in layout order (each page of a PDF or TIFF is one piece).
    #[arg(conflicts_with = "sets")]
    pieces: Vec<PathBuf>,
    /// Stitch many sets: a CSV (UTF-8, UTF-16 or GBK) whose rows are an output name,
    /// then two or more pictures (relative to the CSV's folder), as `check --write-sets`
    /// writes it. OUT is then a folder.
    #[arg(long, value_name = "FILE.csv")]
    sets: Option<PathBuf>,
    /// Output picture (its extension becomes .jpg, or .png under --format png); with
    /// --sets, the output folder.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// How pieces are placed: auto keeps the layout losing the least resolution with
    /// the most page-like shape.
    #[arg(long, value_enum, default_value_t = Layout::default())]
    layout: Layout,
    /// White space between pieces, in pixels of the combined picture.
    #[arg(long, default_value_t = DEFAULT_GAP, value_name = "PX")]
    gap: u32,
    /// White border around the combined picture, in pixels.
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
        term::print_skipped(r, r.output.as_deref().unwrap_or(&r.input), lang);
    }
    args.job.finish(&records, lang, term::print_summary_stitch)
}
