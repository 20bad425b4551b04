//! The `scanfit` command: parses arguments into [`scanfit::Options`], calls the library,
//! prints progress, problems and a summary, and turns the outcome into an exit status
//! (0 all converted, 1 some failed, 2 usage error). `check` exits 0 when every file
//! passes, 1 when any fails (or warns, under `--strict`), 2 on a usage error. `stitch`
//! exits like `convert`, one outcome per combined picture. `watch` runs until Ctrl-C or
//! SIGTERM and then exits 0 (per-file failures are printed as they happen), or 2 when it
//! cannot start or its journal cannot be written. `sweep` exits 0 with a
//! recommendation, 1 when no setting keeps the floors, 2 on a usage error. `serve` runs
//! until Ctrl-C or SIGTERM and exits 0, or 2 when it cannot start.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use scanfit::batch::Progress;
use scanfit::encode::Subsampling;
use scanfit::sweep::{parse_qualities, Grid, SweepOptions};
use scanfit::watch::{Observer, Originals, WatchOptions};
#[cfg(feature = "serve")]
#[path = "cli/serve.rs"]
mod serve;

use scanfit::{
    ByteSize, CheckRecord, CheckSummary, Effort, FormatChoice, Layout, Options, Profile, Record,
    Status, StitchOptions, StitchSet, Summary,
};

#[derive(Parser)]
#[command(
    name = "scanfit",
    version,
    about = "Make scans and photos acceptable to an upload portal: real JPEG/PNG, 200 KiB–4 MB, upright, no metadata, legible."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert files and folders (recursively) into OUT, mirroring the folder tree.
    Convert(ConvertArgs),
    /// Check files and folders against the portal's rules, writing nothing
    /// (exit 0: all pass, 1: some fail, or warn under --strict).
    Check(CheckArgs),
    /// Combine several documents into one picture (the portal's "拼图"), or many sets
    /// from a CSV with --sets.
    Stitch(StitchArgs),
    /// Keep running and convert every picture that appears in IN (and its subfolders)
    /// into OUT, once it is completely written; stop with Ctrl-C or SIGTERM.
    Watch(WatchArgs),
    /// Try a grid of encoder settings on a sample of your documents: bytes, legibility
    /// and speed per setting, a chart, and a recommended profile for `convert --profile`.
    Sweep(SweepArgs),
    /// Serve a web page (drop pictures, download an upload-ready ZIP) and an HTTP API
    /// (convert, check, stitch) on this machine; stop with Ctrl-C.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

#[derive(Args)]
struct SweepArgs {
    /// Files and folders to sample from (folders recursively).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Qualities: ranges FROM..TO/STEP and single values, comma-separated.
    #[arg(long, default_value = "60..95/5", value_name = "LIST")]
    quality: String,
    /// Chroma subsamplings, comma-separated: 420, 422, 444.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "420,444",
        value_name = "LIST"
    )]
    subsampling: Vec<Subsampling>,
    /// Progressive (true) and/or baseline (false), comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "true,false",
        value_name = "LIST"
    )]
    progressive: Vec<bool>,
    /// Trellis quantisation on (true) and/or off (false), comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "true,false",
        value_name = "LIST"
    )]
    trellis: Vec<bool>,
    /// Downscale factors of the long edge, comma-separated, in (0, 1].
    #[arg(long, value_delimiter = ',', default_value = "1", value_name = "LIST")]
    scale: Vec<f64>,
    /// Pictures sampled from the inputs ("all" for every one).
    #[arg(long, default_value = "20", value_name = "N|all")]
    sample: String,
    /// Seed of the sample: the same seed on the same files gives the same sample.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Encodes per file and setting; the median time is kept.
    #[arg(long, default_value_t = 1, value_name = "N")]
    repeats: u32,
    /// The profile compared against and used for the band, the legibility floor and
    /// the rest of a saved profile (default: the portal's rules).
    #[arg(long, value_name = "FILE.toml")]
    profile: Option<PathBuf>,
    /// Legibility floor the recommendation must keep on its worst file [default: the
    /// profile's, 0.70].
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
    /// Colour floor (0-1) the recommendation must keep on its worst file: the Cb/Cr
    /// planes scored like legibility, where 4:2:0 smears red seals; 0 ignores colour.
    #[arg(long, default_value_t = scanfit::sweep::DEFAULT_MIN_COLOUR, value_name = "SCORE")]
    min_colour: f64,
    /// Write one row per setting to FILE.csv.
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,
    /// Draw bytes against legibility to FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Write the recommended setting as a profile for `convert --profile`.
    #[arg(long, value_name = "FILE.toml")]
    save_profile: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args)]
struct StitchArgs {
    /// Pictures to combine, in layout order (each page of a PDF or TIFF is one piece).
    #[arg(conflicts_with = "sets")]
    pieces: Vec<PathBuf>,
    /// Stitch many sets: a CSV (UTF-8) whose rows are an output name, then two or more
    /// pictures (relative to the CSV's folder). OUT is then a folder.
    #[arg(long, value_name = "FILE.csv")]
    sets: Option<PathBuf>,
    /// Output picture (its extension becomes .jpg, or .png under --format png); with
    /// --sets, the output folder.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// How pieces are placed: auto keeps the layout losing the least resolution with
    /// the most page-like shape.
    #[arg(long, value_enum, default_value_t = LayoutArg::Auto)]
    layout: LayoutArg,
    /// White space between pieces, in pixels of the combined picture.
    #[arg(long, default_value_t = scanfit::stitch::DEFAULT_GAP, value_name = "PX")]
    gap: u32,
    /// White border around the combined picture, in pixels.
    #[arg(long, default_value_t = scanfit::stitch::DEFAULT_MARGIN, value_name = "PX")]
    margin: u32,
    #[command(flatten)]
    profile: ProfileArgs,
    /// Replace outputs that already exist (otherwise they are skipped).
    #[arg(long)]
    overwrite: bool,
    /// Do all the work but write no picture.
    #[arg(long)]
    dry_run: bool,
    /// Write one record per combined picture to FILE: JSON Lines, or CSV when FILE
    /// ends in .csv.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// No progress bar (problems and the summary are still printed).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    Auto,
    Vertical,
    Horizontal,
    Grid,
}

#[derive(Args)]
struct WatchArgs {
    /// The folder to follow (a scanner's output folder, a shared folder).
    input: PathBuf,
    /// Output folder (created if missing; may lie inside IN). Holds the journal
    /// `.scanfit-journal.jsonl` that makes restarts resume without redoing anything.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    profile: ProfileArgs,
    /// How long a file's size and time must stay unchanged before it is read, when
    /// the OS gives no close-after-write event for it.
    #[arg(long, default_value_t = 1500, value_name = "MS")]
    settle: u64,
    /// Look for changes every SECS seconds instead of waiting for file events (for
    /// network shares, where events don't arrive).
    #[arg(long, value_name = "SECS")]
    poll: Option<f64>,
    /// What to do with an input once its output is safely on disk.
    #[arg(long, default_value = "keep", value_name = "keep|move:DIR|delete")]
    originals: Originals,
    /// Append one JSON Lines record per output to FILE as files are converted.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args)]
struct CheckArgs {
    /// Files and folders to check (folders recursively).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Print one JSON object per file (JSON Lines) instead of a table.
    #[arg(long)]
    json: bool,
    /// Exit 1 when any file has warnings, not only when one fails.
    #[arg(long)]
    strict: bool,
    /// Smallest accepted file (e.g. 200KiB, 204800).
    #[arg(long, default_value = "200KiB", value_name = "SIZE")]
    min_size: ByteSize,
    /// Largest accepted file (e.g. 4MB, 4000000).
    #[arg(long, default_value = "4MB", value_name = "SIZE")]
    max_size: ByteSize,
    /// Files checked at once (default: all cores).
    #[arg(short, long)]
    jobs: Option<usize>,
}

#[derive(Args)]
struct ConvertArgs {
    /// Files and folders to convert.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output folder (created if missing; may lie inside an input folder).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    profile: ProfileArgs,
    /// Replace outputs that already exist (otherwise they are skipped).
    #[arg(long)]
    overwrite: bool,
    /// Plan and report without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Write one record per input to FILE: JSON Lines, or CSV when FILE ends in .csv.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// No progress bar (problems and the summary are still printed).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    run: RunArgs,
}

/// How a run uses the machine and what it refuses to read; shared by the commands that
/// decode files.
#[derive(Args)]
struct RunArgs {
    /// Files worked on at once (default: all cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Refuse pictures with more pixels than this (decompression bombs).
    #[arg(long, default_value_t = 120_000_000, value_name = "PIXELS")]
    max_pixels: u64,
    /// Refuse input files larger than this.
    #[arg(long, default_value = "512MiB", value_name = "SIZE")]
    max_input_size: ByteSize,
}

impl RunArgs {
    /// Options for a run with `profile`; writing flags keep their defaults.
    fn options(&self, profile: Profile) -> Options {
        let defaults = Options::default();
        Options {
            profile,
            jobs: self.jobs.unwrap_or(defaults.jobs).max(1),
            max_pixels: self.max_pixels,
            max_input_bytes: self.max_input_size.0,
            ..defaults
        }
    }
}

/// The profile: the portal's rules by default, then a profile file's values, then each
/// flag given.
#[derive(Args)]
struct ProfileArgs {
    /// Start from this profile (TOML, as `scanfit sweep --save-profile` writes it);
    /// flags given as well override its values.
    #[arg(long, value_name = "FILE.toml")]
    profile: Option<PathBuf>,
    /// Smallest accepted output (e.g. 200KiB, 204800) [default: 200KiB].
    #[arg(long, value_name = "SIZE")]
    min_size: Option<ByteSize>,
    /// Largest accepted output (e.g. 4MB, 4000000) [default: 4MB].
    #[arg(long, value_name = "SIZE")]
    max_size: Option<ByteSize>,
    /// JPEG quality tried first [default: 85].
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    quality: Option<u8>,
    /// JPEG quality never gone below [default: 70].
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    min_quality: Option<u8>,
    /// Long edge never downscaled below, in pixels (or the source's, if smaller)
    /// [default: 2000].
    #[arg(long, value_name = "PX")]
    min_long_edge: Option<u32>,
    /// Output format [default: auto].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Encoder effort: fast (baseline), balanced (progressive), max (mozjpeg trellis)
    /// [default: balanced].
    #[arg(long, value_enum)]
    effort: Option<EffortArg>,
    /// Chroma subsampling of colour JPEGs: 420, 422 or 444 [default: 420].
    #[arg(long, value_name = "420|422|444")]
    subsampling: Option<Subsampling>,
    /// Progressive JPEG (true) or baseline (false), whatever the effort says.
    #[arg(long, value_name = "BOOL")]
    progressive: Option<bool>,
    /// Trellis quantisation on (true) or off (false), whatever the effort says.
    #[arg(long, value_name = "BOOL")]
    trellis: Option<bool>,
    /// Legibility floor (0-1): an encode scoring below it is never accepted; 0 disables
    /// [default: 0.70].
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Auto,
    Jpeg,
    Png,
}

#[derive(Clone, Copy, ValueEnum)]
enum EffortArg {
    Fast,
    Balanced,
    Max,
}

impl ProfileArgs {
    fn profile(&self) -> anyhow::Result<Profile> {
        let mut p = load_profile(self.profile.as_deref())?;
        set(&mut p.min_bytes, self.min_size.map(|s| s.0));
        set(&mut p.max_bytes, self.max_size.map(|s| s.0));
        set(&mut p.quality, self.quality);
        set(&mut p.min_quality, self.min_quality);
        set(&mut p.min_long_edge, self.min_long_edge);
        set(
            &mut p.format,
            self.format.map(|f| match f {
                FormatArg::Auto => FormatChoice::Auto,
                FormatArg::Jpeg => FormatChoice::Jpeg,
                FormatArg::Png => FormatChoice::Png,
            }),
        );
        if let Some(effort) = self.effort {
            p.effort = match effort {
                EffortArg::Fast => Effort::Fast,
                EffortArg::Balanced => Effort::Balanced,
                EffortArg::Max => Effort::Max,
            };
            // An effort given on the command line means its own progression and
            // trellis, not the profile file's.
            p.progressive = None;
            p.trellis = None;
        }
        set(&mut p.subsampling, self.subsampling);
        if self.progressive.is_some() {
            p.progressive = self.progressive;
        }
        if self.trellis.is_some() {
            p.trellis = self.trellis;
        }
        set(&mut p.min_score, self.min_score);
        Ok(p)
    }
}

/// The profile in `path`, or the built-in one (the portal's rules).
fn load_profile(path: Option<&Path>) -> anyhow::Result<Profile> {
    let Some(path) = path else {
        return Ok(Profile::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the profile {}", path.display()))?;
    Profile::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("the profile {} is not valid: {e}", path.display()))
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert(args),
        Command::Check(args) => check(args),
        Command::Stitch(args) => stitch(args),
        Command::Watch(args) => watch(args),
        Command::Sweep(args) => sweep(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::serve(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scanfit: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let opts = Options {
        overwrite: args.overwrite,
        dry_run: args.dry_run,
        ..args.run.options(args.profile.profile()?)
    };
    let bar = Bar::new(args.quiet);
    let records = scanfit::convert(&args.inputs, &args.output, &opts, &bar)?;
    bar.finish();
    for r in records.iter().filter(|r| {
        r.status == Status::Skipped
            && r.format.is_none()
            && r.error.as_deref() != Some("not a picture")
    }) {
        eprintln!(
            "skipped {}: {}",
            r.input.display(),
            r.error.as_deref().unwrap_or("")
        );
    }
    if let Some(path) = &args.report {
        write_report(path, &records)
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    let s = Summary::of(&records);
    eprintln!(
        "{} converted ({} with warnings), {} failed, {} skipped; {} → {}{}",
        s.ok + s.warned,
        s.warned,
        s.failed,
        s.skipped,
        ByteSize(s.bytes_in),
        ByteSize(s.bytes_out),
        if opts.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if s.all_succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn stitch(args: StitchArgs) -> anyhow::Result<ExitCode> {
    let opts = Options {
        overwrite: args.overwrite,
        dry_run: args.dry_run,
        ..args.run.options(args.profile.profile()?)
    };
    let sopts = StitchOptions {
        layout: match args.layout {
            LayoutArg::Auto => Layout::Auto,
            LayoutArg::Vertical => Layout::Vertical,
            LayoutArg::Horizontal => Layout::Horizontal,
            LayoutArg::Grid => Layout::Grid,
        },
        gap: args.gap,
        margin: args.margin,
    };
    let sets = match &args.sets {
        Some(csv) => scanfit::stitch::read_sets(csv, &args.output, &opts)?,
        None if args.pieces.len() >= 2 => {
            vec![StitchSet::new(&args.output, args.pieces.clone(), &opts)]
        }
        None => anyhow::bail!(
            "stitch needs two or more pictures (scanfit stitch A B -o OUT.jpg), or --sets FILE.csv"
        ),
    };
    let bar = Bar::new(args.quiet);
    let records = scanfit::stitch(&sets, &opts, &sopts, &bar)?;
    bar.finish();
    for r in records.iter().filter(|r| r.status == Status::Skipped) {
        eprintln!(
            "skipped {}: {}",
            r.output.as_deref().unwrap_or(&r.input).display(),
            r.error.as_deref().unwrap_or("")
        );
    }
    if let Some(path) = &args.report {
        write_report(path, &records)
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    let s = Summary::of(&records);
    eprintln!(
        "{} stitched ({} with warnings), {} failed, {} skipped{}",
        s.ok + s.warned,
        s.warned,
        s.failed,
        s.skipped,
        if opts.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if s.all_succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn watch(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let poll = match args.poll {
        Some(secs) if secs.is_finite() && secs > 0.0 => Some(Duration::from_secs_f64(secs)),
        Some(secs) => anyhow::bail!("--poll {secs}: give a number of seconds above 0"),
        None => None,
    };
    let opts = WatchOptions {
        convert: args.run.options(args.profile.profile()?),
        settle: Duration::from_millis(args.settle),
        poll,
        originals: args.originals,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C/SIGTERM handler")?;
    let report = match &args.report {
        Some(path) => Some(BufWriter::new(
            File::options()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening the report {}", path.display()))?,
        )),
        None => None,
    };
    let mut lines = WatchLines { report };
    let totals = scanfit::watch::watch(&args.input, &args.output, &opts, &stop, &mut lines)?;
    eprintln!(
        "stopped: {} converted ({} with warnings), {} failed, {} skipped",
        totals.ok + totals.warned,
        totals.warned,
        totals.failed,
        totals.skipped
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints one line per finished input with the running count, and appends the
/// records to the report.
struct WatchLines {
    report: Option<BufWriter<File>>,
}

impl Observer for WatchLines {
    fn watching(&mut self, root: &Path, pending: usize) {
        eprintln!(
            "watching {} ({pending} files to catch up on); Ctrl-C stops",
            root.display()
        );
    }

    fn finished(&mut self, records: &[Record], totals: &Summary) {
        let count = format!(
            "[{} converted, {} failed]",
            totals.ok + totals.warned,
            totals.failed
        );
        for r in records {
            let line = match r.status {
                Status::Ok | Status::Warn => format!(
                    "{} → {} ({}, {} ms){}",
                    r.input.display(),
                    r.output.as_deref().unwrap_or(Path::new("?")).display(),
                    ByteSize(r.bytes_out.unwrap_or(0)),
                    r.millis,
                    if r.warnings.is_empty() {
                        String::new()
                    } else {
                        let w: Vec<String> = r.warnings.iter().map(ToString::to_string).collect();
                        format!(" warning: {}", w.join("; "))
                    }
                ),
                Status::Failed => format!(
                    "FAILED {}: {}",
                    r.input.display(),
                    r.error.as_deref().unwrap_or("unknown error")
                ),
                Status::Skipped => format!(
                    "skipped {}: {}",
                    r.input.display(),
                    r.error.as_deref().unwrap_or("")
                ),
            };
            println!("{count} {line}");
        }
        if let Some(report) = &mut self.report {
            // A report that cannot be written is said once per file, not fatal: the
            // outputs and the journal are what matter.
            if let Err(e) = scanfit::report::write_jsonl(records, &mut *report) {
                eprintln!("cannot append to the report: {e}");
            }
        }
    }

    fn notice(&mut self, message: &str) {
        eprintln!("{message}");
    }
}

fn sweep(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let mut profile = load_profile(args.profile.as_deref())?;
    set(&mut profile.min_score, args.min_score);
    let opts = args.run.options(profile);
    let sample = match args.sample.as_str() {
        "all" => None,
        n => Some(
            n.parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| anyhow::anyhow!("--sample {n}: give a count above 0, or all"))?,
        ),
    };
    let sopts = SweepOptions {
        grid: Grid {
            qualities: parse_qualities(&args.quality)
                .map_err(|e| anyhow::anyhow!("--quality: {e}"))?,
            subsamplings: args.subsampling,
            progressive: args.progressive,
            trellis: args.trellis,
            scales: args.scale,
        },
        sample,
        seed: args.seed,
        repeats: args.repeats,
        min_colour: args.min_colour,
    };
    let bar = SweepBar::new(args.quiet);
    let result = scanfit::sweep::sweep(&args.inputs, &opts, &sopts, &bar)?;
    bar.bar.finish_and_clear();
    for (path, why) in &result.skipped {
        eprintln!("skipped {}: {why}", path.display());
    }
    print_sweep_table(&result, BufWriter::new(std::io::stdout().lock()))?;
    if let Some(path) = &args.csv {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        scanfit::sweep::write_csv(&result, BufWriter::new(file))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.plot {
        scanfit::sweep::plot(&result, path)?;
    }
    eprintln!(
        "{} files measured, {} skipped, {} settings",
        result.files.len(),
        result.skipped.len(),
        result.results.len()
    );
    let Some(best) = result.recommended() else {
        eprintln!(
            "no full-resolution setting kept every file's legibility at or over {:.2}: nothing to recommend",
            result.floor
        );
        return Ok(ExitCode::from(1));
    };
    eprintln!(
        "recommended: {} ({} for the sample, worst legibility {:.3})",
        best.setting.label(),
        ByteSize(best.total_bytes),
        best.worst_score
    );
    if let Some(default) = result.results.iter().find(|r| r.default) {
        eprintln!(
            "  against the default {}: {:+.0} % bytes",
            default.setting.label(),
            (best.total_bytes as f64 / default.total_bytes.max(1) as f64 - 1.0) * 100.0
        );
    }
    if sopts.grid.qualities.first() == Some(&best.setting.quality) {
        eprintln!(
            "  the lowest quality tried still passes: --quality with lower values may find smaller files"
        );
    }
    if let Some(path) = &args.save_profile {
        let saved = result
            .recommended_profile(&opts.profile)
            .expect("a recommendation exists");
        let text = format!(
            "# scanfit profile: written by `scanfit sweep` from {} files.\n\
             # Recommended: {}, worst legibility {:.3} (floor {:.2}).\n\
             # Use it with: scanfit convert IN -o OUT --profile {}\n{}",
            result.files.len(),
            best.setting.label(),
            best.worst_score,
            result.floor,
            path.display(),
            saved.to_toml()
        );
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("profile written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per setting, Pareto and default marked, the recommendation starred.
fn print_sweep_table(sweep: &scanfit::sweep::Sweep, mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "   {:<36} {:>11} {:>10} {:>7} {:>7} {:>7} {:>7} {:>8}  front",
        "setting", "total", "median", "in band", "median", "worst", "worst", "ms/MP"
    )?;
    writeln!(
        out,
        "   {:<36} {:>11} {:>10} {:>7} {:>7} {:>7} {:>7} {:>8}",
        "", "bytes", "bytes", "", "legib.", "legib.", "colour", "encode"
    )?;
    for (i, r) in sweep.results.iter().enumerate() {
        let mark = if sweep.recommended == Some(i) {
            "*"
        } else if r.default {
            "d"
        } else {
            " "
        };
        writeln!(
            out,
            "{mark}  {:<36} {:>11} {:>10} {:>6.0}% {:>7.3} {:>7.3} {:>7.3} {:>8.1}  {}",
            r.setting.label(),
            r.total_bytes,
            r.median_bytes,
            r.in_band * 100.0,
            r.median_score,
            r.worst_score,
            r.worst_colour,
            r.ms_per_megapixel,
            if r.pareto { "yes" } else { "" }
        )?;
    }
    writeln!(
        out,
        "(* recommended, d default; legibility is convert's score, floor {:.2}; colour floor {:.2})",
        sweep.floor, sweep.colour_floor
    )?;
    out.flush()
}

/// The sweep's progress bar, counting encodes.
struct SweepBar {
    bar: ProgressBar,
}

/// A progress bar counting `unit` on stderr, hidden under `--quiet` or when stderr is
/// not a terminal (logs and pipes get the problem lines and the summary only).
fn progress_bar(quiet: bool, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {unit}  {{msg}}  ETA {{eta}}"
        ))
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

impl SweepBar {
    fn new(quiet: bool) -> SweepBar {
        let bar = progress_bar(quiet, "encodes");
        SweepBar { bar }
    }
}

impl scanfit::sweep::Progress for SweepBar {
    fn start(&self, files: u64, encodes: u64) {
        self.bar.set_length(encodes);
        self.bar.set_message(format!("{files} files"));
    }

    fn advance(&self, encodes: u64) {
        self.bar.inc(encodes);
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let defaults = Options::default();
    let opts = Options {
        profile: Profile {
            min_bytes: args.min_size.0,
            max_bytes: args.max_size.0,
            ..Profile::default()
        },
        jobs: args.jobs.unwrap_or(defaults.jobs).max(1),
        ..defaults
    };
    let records = scanfit::check(&args.inputs, &opts)?;
    let stdout = std::io::stdout().lock();
    if args.json {
        let mut out = BufWriter::new(stdout);
        for r in &records {
            serde_json::to_writer(&mut out, r)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    } else {
        print_check_table(&records, BufWriter::new(stdout))?;
    }
    let s = CheckSummary::of(&records);
    eprintln!(
        "{} checked: {} pass, {} warn, {} fail, {} skipped",
        records.len(),
        s.pass,
        s.warn,
        s.fail,
        s.skipped
    );
    Ok(if s.ok(args.strict) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One line per file: verdict, file, format, size, dimensions, reasons. Columns are
/// padded to the widest entry so the reasons line up.
fn print_check_table(records: &[CheckRecord], mut out: impl Write) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = records
        .iter()
        .map(|r| {
            let dims = match (r.width, r.height) {
                (Some(w), Some(h)) => match r.pages {
                    Some(n) => format!("{w}×{h} ({n} pages)"),
                    None => format!("{w}×{h}"),
                },
                _ => "-".into(),
            };
            let reasons: Vec<String> = r.reasons.iter().map(ToString::to_string).collect();
            [
                r.verdict.label().to_owned(),
                r.input.display().to_string(),
                r.format.map_or("-".into(), |f| f.name().to_owned()),
                ByteSize(r.bytes).to_string(),
                dims,
                reasons.join("; "),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (w, cell) in widths.iter().zip(row) {
            line.push_str(cell);
            line.push_str(&" ".repeat(w - display_width(cell) + 2));
        }
        line.push_str(&row[5]);
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()
}

/// Terminal columns a string takes: CJK ideographs, kana, hangul and full-width forms
/// take two. Client folders are full of Chinese names, and counting them as one column
/// would shift every column after the file name.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn write_report(path: &PathBuf, records: &[Record]) -> anyhow::Result<()> {
    let file = BufWriter::new(File::create(path)?);
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv {
        scanfit::report::write_csv(records, file)?;
    } else {
        scanfit::report::write_jsonl(records, file)?;
    }
    Ok(())
}

/// The terminal side of progress: a bar on a terminal, and one line per problem always.
struct Bar {
    bar: ProgressBar,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = progress_bar(quiet, "files");
        Bar {
            bar,
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, files: u64, _bytes: u64) {
        self.bar.set_length(files);
    }

    fn done(&self, r: &Record) {
        // The bar counts input files; the pages of a multi-page file are one file.
        if r.page.is_none_or(|p| p == 1) {
            self.bar.inc(1);
        }
        // A stitched picture is known by its output: its input is only the first piece.
        let name = match (&r.output, r.pieces.is_empty()) {
            (Some(output), false) => output.display(),
            _ => r.input.display(),
        };
        let line = match r.status {
            Status::Failed => Some(format!(
                "FAILED {}: {}",
                name,
                r.error.as_deref().unwrap_or("unknown error")
            )),
            Status::Warn => Some(format!(
                "warning {}: {}",
                name,
                r.warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            _ => None,
        };
        if let Some(line) = line {
            self.bar.suspend(|| eprintln!("{line}"));
        }
        if let Some(out) = r.bytes_out {
            if r.page.is_none_or(|p| p == 1) {
                self.bytes_in.fetch_add(r.bytes_in, Ordering::Relaxed);
            }
            let total_out = self.bytes_out.fetch_add(out, Ordering::Relaxed) + out;
            let total_in = self.bytes_in.load(Ordering::Relaxed);
            self.bar
                .set_message(format!("{} → {}", ByteSize(total_in), ByteSize(total_out)));
        }
    }
}
