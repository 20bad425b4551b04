//! The `scanfit` command line: parses arguments into the library's options, calls the
//! library, prints what a person needs, and turns the outcome into an exit status.
//!
//! One file per subcommand (each parses its own flags and is a thin loop over the
//! library), [`term`] for everything drawn on the terminal (bars, tables, summaries,
//! per-file lines). Flags that several subcommands take are declared once here, in
//! groups each subcommand flattens in; the library's own enums are parsed directly; the
//! defaults come from the library's `Default` impls and consts. Every sentence printed
//! comes from the catalogue ([`scanfit::words`]), in the run's [`Lang`].
//!
//! Exit status: 0 when every item succeeded, 1 when one failed (see each subcommand),
//! 2 for a usage error or a run that cannot start.

mod check;
mod convert;
mod rules;
mod stitch;
mod sweep;
mod term;
mod watch;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use scanfit::encode::Subsampling;
use scanfit::options::{ProfileError, SizeError, DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS};
use scanfit::words::{line, say, Args as WordArgs, Lang, Message};
use scanfit::{ByteSize, Effort, FormatChoice, Options, Profile, SetupError};

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
    Convert(convert::ConvertArgs),
    /// Check files and folders against the portal's rules, writing nothing
    /// (exit 0: all pass, 1: some fail, or warn under --strict).
    Check(check::CheckArgs),
    /// Combine several documents into one picture (the portal's "拼图"), or many sets
    /// from a CSV with --sets.
    Stitch(stitch::StitchArgs),
    /// Keep running and convert every picture that appears in IN (and its subfolders)
    /// into OUT, once it is completely written; stop with Ctrl-C or SIGTERM.
    Watch(watch::WatchArgs),
    /// Print the document rules check applies (kinds, validity windows, province
    /// exceptions) and the guide version they follow.
    Rules(rules::RulesCmdArgs),
    /// Try a grid of encoder settings on a sample of your documents: bytes, legibility
    /// and speed per setting, a chart, and a recommended profile for `convert --profile`.
    Sweep(sweep::SweepArgs),
}

/// Parses the command line, runs the subcommand and prints its errors.
pub fn main() -> ExitCode {
    let lang = Lang::En;
    let matches = with_defaults(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Convert(args) => convert::run(args, lang),
        Command::Check(args) => check::run(args, lang),
        Command::Stitch(args) => stitch::run(args, lang),
        Command::Watch(args) => watch::run(args, lang),
        Command::Sweep(args) => sweep::run(args, lang),
        Command::Rules(args) => rules::run(args, lang),
    };
    result.unwrap_or_else(|e| {
        eprintln!(
            "{}",
            line(
                lang,
                "cli-error",
                WordArgs::new().text("error", format!("{e:#}"))
            )
        );
        ExitCode::from(2)
    })
}

/// The help of optional flags with the default each one keeps when it is not given,
/// from the library's `Default` impls, so the help cannot drift from the code: the
/// profile flags (optional, so a profile file's values are not overridden) and sweep's
/// grid (an axis not given keeps the default grid's values).
fn with_defaults(mut cmd: clap::Command) -> clap::Command {
    let p = Profile::default();
    let mut profile: Vec<(&str, String)> = vec![
        ("min_size", SizeArg(ByteSize(p.min_bytes)).to_string()),
        ("max_size", SizeArg(ByteSize(p.max_bytes)).to_string()),
        ("min_score", format!("{:.2}", p.min_score)),
    ];
    let mut sweep = sweep::defaults();
    sweep.extend(profile.iter().cloned());
    profile.extend([
        ("quality", p.quality.to_string()),
        ("min_quality", p.min_quality.to_string()),
        ("min_long_edge", p.min_long_edge.to_string()),
        ("format", value_name(p.format)),
        ("effort", value_name(p.effort)),
        ("subsampling", value_name(p.subsampling)),
    ]);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let defaults = if name == "sweep" { &sweep } else { &profile };
        cmd = cmd.mut_subcommand(name, |mut sub| {
            for (id, default) in defaults {
                // Only flags without a default of their own.
                let optional =
                    |a: &clap::Arg| a.get_id() == *id && a.get_default_values().is_empty();
                if sub.get_arguments().any(optional) {
                    sub = sub.mut_arg(*id, |a| {
                        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                        a.help(format!("{help} [default: {default}]"))
                    });
                }
            }
            compact_values(sub)
        });
    }
    cmd
}

/// The library's enums document each value for programmers; on the command line their
/// names are listed after the help, one line per flag, as for any other flag.
fn compact_values(mut sub: clap::Command) -> clap::Command {
    let enums: Vec<(clap::Id, Vec<String>)> = sub
        .get_arguments()
        .filter(|a| {
            a.get_possible_values()
                .iter()
                .any(|v| v.get_help().is_some())
        })
        .map(|a| {
            let names = a.get_possible_values().into_iter();
            (
                a.get_id().clone(),
                names.map(|v| v.get_name().to_owned()).collect(),
            )
        })
        .collect();
    for (id, names) in enums {
        sub = sub.mut_arg(id, |a| {
            let help = a.get_help().map(ToString::to_string).unwrap_or_default();
            a.hide_possible_values(true)
                .help(format!("{help} [possible values: {}]", names.join(", ")))
        });
    }
    sub
}

/// The name a value of a library enum has on the command line.
fn value_name(value: impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// A size flag: parsed as [`ByteSize`], shown exactly (`200KiB`, `4MB`, `512MiB`), so
/// a default in `--help` reads as it would be typed.
#[derive(Debug, Clone, Copy)]
struct SizeArg(ByteSize);

impl FromStr for SizeArg {
    type Err = SizeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(SizeArg)
    }
}

impl fmt::Display for SizeArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0 .0;
        let units: [(u64, &str); 4] = [
            (1 << 20, "MiB"),
            (1_000_000, "MB"),
            (1024, "KiB"),
            (1000, "kB"),
        ];
        match units.iter().find(|(u, _)| b >= *u && b.is_multiple_of(*u)) {
            Some((u, name)) => write!(f, "{}{name}", b / u),
            None => write!(f, "{b}"),
        }
    }
}

/// How a run uses the machine and what it refuses to read; every subcommand that
/// decodes files takes it.
#[derive(Args)]
struct RunArgs {
    /// Files worked on at once (default: all cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Refuse pictures with more pixels than this (decompression bombs).
    #[arg(long, default_value_t = DEFAULT_MAX_PIXELS, value_name = "PIXELS")]
    max_pixels: u64,
    /// Refuse input files larger than this.
    #[arg(long, default_value_t = SizeArg(ByteSize(DEFAULT_MAX_INPUT_BYTES)), value_name = "SIZE")]
    max_input_size: SizeArg,
}

impl RunArgs {
    /// Options for a run with `profile`; writing flags keep their defaults.
    fn options(&self, profile: Profile) -> Options {
        let defaults = Options::default();
        Options {
            profile,
            jobs: self.jobs.unwrap_or(defaults.jobs).max(1),
            max_pixels: self.max_pixels,
            max_input_bytes: self.max_input_size.0 .0,
            ..defaults
        }
    }
}

/// Everything a run that converts and writes takes besides its inputs and output: the
/// profile, the writing flags, the limits (convert, stitch).
#[derive(Args)]
struct JobArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    write: WriteArgs,
    #[command(flatten)]
    run: RunArgs,
}

impl JobArgs {
    /// The options these flags ask for.
    fn options(&self, lang: Lang) -> anyhow::Result<Options> {
        Ok(self
            .write
            .apply(self.run.options(self.profile.profile(lang)?)))
    }

    /// The progress bar, unless `--quiet`.
    fn bar(&self, lang: Lang) -> term::Bar {
        term::Bar::new(self.write.quiet.quiet, lang)
    }

    /// After the run: the report, the closing line (`summary`), the exit status (0 when
    /// every item succeeded or was skipped, 1 when one failed).
    fn finish(
        &self,
        records: &[scanfit::Record],
        lang: Lang,
        summary: fn(&scanfit::Summary, bool, Lang),
    ) -> anyhow::Result<ExitCode> {
        term::write_report(self.write.report.report.as_deref(), records, lang)?;
        let s = scanfit::Summary::of(records);
        summary(&s, self.write.dry_run, lang);
        Ok(exit(s.all_succeeded()))
    }
}

/// What a run that writes outputs may do, and what it says.
#[derive(Args)]
struct WriteArgs {
    /// Replace outputs that already exist (otherwise they are skipped).
    #[arg(long)]
    overwrite: bool,
    /// Do all the work but write no picture.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    quiet: QuietArgs,
}

impl WriteArgs {
    /// `opts` with this run's writing flags.
    fn apply(&self, opts: Options) -> Options {
        Options {
            overwrite: self.overwrite,
            dry_run: self.dry_run,
            ..opts
        }
    }
}

/// Where the per-item records go.
#[derive(Args)]
struct ReportArgs {
    /// Write one record per output to FILE: JSON Lines, or CSV when FILE ends in .csv
    /// (watch appends JSON Lines).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// No progress bar.
#[derive(Args)]
struct QuietArgs {
    /// No progress bar (problems and the summary are still printed).
    #[arg(short, long)]
    quiet: bool,
}

/// The profile file a run starts from.
#[derive(Args)]
struct ProfileFileArgs {
    /// Start from this profile (TOML, as `scanfit sweep --save-profile` writes it);
    /// flags given as well override its values.
    #[arg(long, value_name = "FILE.toml")]
    profile: Option<PathBuf>,
}

/// The size band.
#[derive(Args)]
struct BandArgs {
    /// Smallest accepted output (e.g. 200KiB, 204800).
    #[arg(long, value_name = "SIZE")]
    min_size: Option<SizeArg>,
    /// Largest accepted output (e.g. 4MB, 4000000).
    #[arg(long, value_name = "SIZE")]
    max_size: Option<SizeArg>,
}

/// The legibility floor.
#[derive(Args)]
struct FloorArgs {
    /// Legibility floor (0-1): an encode scoring below it is never accepted; 0 disables.
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
}

/// How outputs are encoded.
#[derive(Args)]
struct EncoderArgs {
    /// JPEG quality tried first.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    quality: Option<u8>,
    /// JPEG quality never gone below.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    min_quality: Option<u8>,
    /// Long edge never downscaled below, in pixels (or the source's, if smaller).
    #[arg(long, value_name = "PX")]
    min_long_edge: Option<u32>,
    /// Output format.
    #[arg(long, value_enum)]
    format: Option<FormatChoice>,
    /// Encoder effort: fast (baseline), balanced (progressive), max (mozjpeg trellis).
    #[arg(long, value_enum)]
    effort: Option<Effort>,
    /// Chroma subsampling of colour JPEGs.
    #[arg(long, value_enum)]
    subsampling: Option<Subsampling>,
    /// Progressive JPEG (true) or baseline (false), whatever the effort says.
    #[arg(long, value_name = "BOOL")]
    progressive: Option<bool>,
    /// Trellis quantisation on (true) or off (false), whatever the effort says.
    #[arg(long, value_name = "BOOL")]
    trellis: Option<bool>,
}

/// The whole profile: the portal's rules by default, then a profile file's values,
/// then each flag given.
#[derive(Args)]
struct ProfileArgs {
    #[command(flatten)]
    file: ProfileFileArgs,
    #[command(flatten)]
    band: BandArgs,
    #[command(flatten)]
    encoder: EncoderArgs,
    #[command(flatten)]
    floor: FloorArgs,
}

impl ProfileArgs {
    fn profile(&self, lang: Lang) -> anyhow::Result<Profile> {
        let mut p = self.file.load(lang)?;
        self.band.apply(&mut p);
        let e = &self.encoder;
        set(&mut p.quality, e.quality);
        set(&mut p.min_quality, e.min_quality);
        set(&mut p.min_long_edge, e.min_long_edge);
        set(&mut p.format, e.format);
        if let Some(effort) = e.effort {
            p.effort = effort;
            // An effort given on the command line means its own progression and
            // trellis, not the profile file's.
            p.progressive = None;
            p.trellis = None;
        }
        set(&mut p.subsampling, e.subsampling);
        if e.progressive.is_some() {
            p.progressive = e.progressive;
        }
        if e.trellis.is_some() {
            p.trellis = e.trellis;
        }
        self.floor.apply(&mut p);
        Ok(p)
    }
}

impl BandArgs {
    fn apply(&self, p: &mut Profile) {
        set(&mut p.min_bytes, self.min_size.map(|s| s.0 .0));
        set(&mut p.max_bytes, self.max_size.map(|s| s.0 .0));
    }
}

impl FloorArgs {
    fn apply(&self, p: &mut Profile) {
        set(&mut p.min_score, self.min_score);
    }
}

impl ProfileFileArgs {
    /// The profile in the file given, or the built-in one (the portal's rules).
    fn load(&self, lang: Lang) -> anyhow::Result<Profile> {
        let Some(path) = &self.profile else {
            return Ok(Profile::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| line(lang, "cli-reading_profile", path_arg(path)))?;
        Profile::from_toml(&text).map_err(|e| {
            anyhow::anyhow!(line(
                lang,
                "cli-invalid_profile",
                path_arg(path).text("why", say(&e, lang))
            ))
        })
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

/// Arguments holding one path.
fn path_arg(path: &Path) -> WordArgs {
    WordArgs::new().text("path", path.display())
}

/// A setup error in words, with the flags that set the values it is about: the library
/// does not know that its settings came from flags.
fn setup_error(e: SetupError, lang: Lang) -> anyhow::Error {
    let text = say(&e, lang);
    let flags = match &e {
        SetupError::Profile(p) => profile_flags(p),
        SetupError::Stitch(_) => Some("--gap, --margin"),
        SetupError::Sweep(s) => match s.code() {
            "scale_range" => Some("--scale"),
            "quality_range" => Some("--quality"),
            "sample_zero" => Some("--sample, --repeats"),
            "min_colour_range" => Some("--min-colour"),
            _ => None,
        },
        SetupError::Input { .. } | SetupError::Output { .. } => None,
    };
    anyhow::anyhow!(match flags {
        Some(flags) => line(
            lang,
            "cli-hint-flags",
            WordArgs::new().text("why", text).text("flags", flags)
        ),
        None => text,
    })
}

/// The flags behind a profile error.
fn profile_flags(e: &ProfileError) -> Option<&'static str> {
    Some(match e {
        ProfileError::MinAboveMax { .. } | ProfileError::BandTooNarrow => "--min-size, --max-size",
        ProfileError::MaxTooSmall => "--max-size",
        ProfileError::QualityRange | ProfileError::MinQualityAboveQuality { .. } => {
            "--quality, --min-quality"
        }
        ProfileError::MinScoreRange => "--min-score",
        ProfileError::MinLongEdgeZero => "--min-long-edge",
    })
}

/// The exit status of a run whose items all succeeded or not.
fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
