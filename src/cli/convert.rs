//! `scanfit convert`: files and folders into OUT.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use scanfit::words::Lang;
use scanfit::{Record, Skip, Status, Why};

use super::{setup_error, term, JobArgs};

#[derive(Args)]
pub(super) struct ConvertArgs {
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    job: JobArgs,
}

/// Exit 0 when every picture converted (or was skipped), 1 when one failed.
pub(super) fn run(args: ConvertArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let opts = args.job.options(lang)?;
    let bar = args.job.bar(lang);
    let records = scanfit::convert(&args.inputs, &args.output, &opts, &bar)
        .map_err(|e| setup_error(e, lang))?;
    bar.finish();
    // Entries passed over before reading (links, FIFOs, existing outputs) are worth a
    // line; files that are not pictures are not.
    let announced = |r: &&Record| {
        r.status == Status::Skipped
            && r.format.is_none()
            && !matches!(r.error, Some(Why::Skip(Skip::NotAPicture)))
    };
    for r in records.iter().filter(announced) {
        term::print_skipped(r, &r.input, lang);
    }
    args.job.finish(&records, lang, term::print_summary_convert)
}
