//! `scanfit watch`: follow a folder and convert what appears in it.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use scanfit::watch::{Notice, Observer, Originals, WatchOptions, DEFAULT_SETTLE};
use scanfit::words::{line, say, Args as WordArgs, Lang};
use scanfit::{Record, Summary};

use super::term;
use super::{path_arg, setup_error, ProfileArgs, ReportArgs, RunArgs};

#[derive(Args)]
pub(super) struct WatchArgs {
    input: PathBuf,
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    profile: ProfileArgs,
    #[arg(long, default_value_t = DEFAULT_SETTLE.as_millis() as u64, value_name = "MS")]
    settle: u64,
    #[arg(long, value_name = "SECS")]
    poll: Option<f64>,
    #[arg(long, default_value_t = Originals::default(), value_name = "keep|move:DIR|delete")]
    originals: Originals,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Runs until Ctrl-C or SIGTERM, then exits 0 (per-file failures are printed as they
/// happen); 2 when it cannot start or its journal cannot be written.
pub(super) fn run(args: WatchArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let poll = match args.poll {
        Some(secs) if secs.is_finite() && secs > 0.0 => Some(Duration::from_secs_f64(secs)),
        Some(secs) => anyhow::bail!(line(
            lang,
            "cli-bad_poll",
            WordArgs::new().text("value", secs)
        )),
        None => None,
    };
    let rules = args.profile.rules.load(lang)?;
    let opts = WatchOptions {
        convert: args
            .run
            .options(args.profile.profile(&rules, lang)?, &rules),
        settle: Duration::from_millis(args.settle),
        poll,
        originals: args.originals,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .with_context(|| line(lang, "cli-ctrlc", WordArgs::new()))?;
    let report = match &args.report.report {
        Some(path) => Some(BufWriter::new(
            File::options()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| line(lang, "cli-opening_report", path_arg(path)))?,
        )),
        None => None,
    };
    let mut lines = WatchLines { report, lang };
    let totals = scanfit::watch::watch(&args.input, &args.output, &opts, &stop, &mut lines)
        .map_err(|e| match e {
            scanfit::watch::WatchError::Setup(e) => setup_error(e, lang),
            e => anyhow::anyhow!(say(&e, lang)),
        })?;
    term::print_summary_watch(&totals, lang);
    Ok(ExitCode::SUCCESS)
}

/// Prints one line per finished input with the running count, and appends the
/// records to the report.
struct WatchLines {
    report: Option<BufWriter<File>>,
    lang: Lang,
}

impl Observer for WatchLines {
    fn watching(&mut self, root: &Path, pending: usize) {
        eprintln!(
            "{}",
            line(
                self.lang,
                "cli-watching",
                path_arg(root).num("pending", pending as u64)
            )
        );
    }

    fn finished(&mut self, records: &[Record], totals: &Summary) {
        for r in records {
            println!("{}", term::watch_line(r, totals, self.lang));
        }
        if let Some(report) = &mut self.report {
            // A report that cannot be written is said once per file, not fatal: the
            // outputs and the journal are what matter.
            if let Err(e) = scanfit::rows::write_jsonl(records, self.lang, &mut *report) {
                eprintln!(
                    "{}",
                    line(
                        self.lang,
                        "cli-watch-report",
                        WordArgs::new().text("detail", e)
                    )
                );
            }
        }
    }

    fn notice(&mut self, notice: &Notice) {
        eprintln!("{}", say(notice, self.lang));
    }
}
