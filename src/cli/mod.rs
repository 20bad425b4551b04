//! The `scanfit` command line: parses arguments into the library's options, calls the
//! library, prints what a person needs, and turns the outcome into an exit status.
//!
//! One file per subcommand (each parses its own flags and is a thin loop over the
//! library), [`term`] for everything drawn on the terminal (bars, tables, summaries,
//! per-file lines). Flags that several subcommands take are declared once here, in
//! groups each subcommand flattens in; the library's own enums are parsed directly; the
//! defaults come from the library's `Default` impls and consts. Every sentence printed
//! comes from the catalogue ([`scanfit::words`]), in the run's [`Lang`], chosen once by
//! [`lang`] before parsing; the flags carry no doc comments, because their help is in
//! the catalogue too ([`help`]).
//!
//! Exit status: 0 when every item succeeded, 1 when one failed (see each subcommand),
//! 2 for a usage error or a run that cannot start.

mod check;
mod convert;
mod desktop;
mod help;
mod lang;
mod report;
mod rules;
#[cfg(feature = "serve")]
mod serve;
mod stitch;
mod sweep;
mod term;
mod watch;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;
use check::RulesArgs;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use scanfit::encode::Subsampling;
use scanfit::options::{
    ProfileError, ProfileOverrides, SizeError, DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS,
};
use scanfit::rules::Rules;
use scanfit::words::{line, say, Args as WordArgs, Lang, Message};
use scanfit::{ByteSize, Effort, FormatChoice, Options, Profile, SetupError};

// Help texts are the catalogue's (`help.ftl`), set by `help::localize`.
/// `scanfit --version`: the version and the JPEG encoder path this binary was built with
/// (`mozjpeg-simd`, or `mozjpeg-plain-c` when the build found no nasm: 2–7× slower).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (jpeg: ",
    env!("SCANFIT_JPEG_ENCODER"),
    ")"
);

#[derive(Parser)]
#[command(name = "scanfit", version = VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    // Read before parsing (`lang::choose`); declared so every subcommand accepts it.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "LANG",
        display_order = 1000
    )]
    lang: Option<Lang>,
}

#[derive(Subcommand)]
enum Command {
    Convert(convert::ConvertArgs),
    Check(check::CheckArgs),
    Stitch(stitch::StitchArgs),
    Watch(watch::WatchArgs),
    Rules(rules::RulesCmdArgs),
    // Its only subcommand is `merge`; clap's `help` subcommand would be one more
    // command to word.
    #[command(disable_help_subcommand = true)]
    Report(report::ReportCmdArgs),
    Sweep(sweep::SweepArgs),
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

impl Command {
    /// Whether the command finishes its work and exits, rather than serving or watching
    /// until stopped (see [`scanfit::run::keep_freed_memory`]).
    fn ends(&self) -> bool {
        match self {
            Command::Watch(_) => false,
            #[cfg(feature = "serve")]
            Command::Serve(_) => false,
            _ => true,
        }
    }
}

/// Parses the command line, runs the subcommand and prints its errors.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang::choose(&args, |name| std::env::var(name).ok(), lang::system);
    let program = args.first().cloned().unwrap_or_else(|| "scanfit".into());
    let start = desktop::start(&args);
    let (args, dropped_into) = match &start {
        desktop::Start::Terminal => (args, None),
        desktop::Start::Page => (desktop::page_args(&program), None),
        desktop::Start::Dropped(paths) => {
            let out = desktop::output_folder(&paths[0], lang, Path::exists);
            (desktop::convert_args(&program, paths, &out), Some(out))
        }
    };
    let cmd = Cli::command();
    #[cfg(feature = "serve")]
    let cmd = cmd.mut_subcommand("serve", serve::defaults);
    let mut cmd = help::localize(cmd, lang, implied_defaults);
    let cli = match cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, lang),
    };
    let lang = cli.lang.unwrap_or(lang);
    if cli.command.ends() {
        scanfit::run::keep_freed_memory();
    }
    let result = match cli.command {
        Command::Convert(args) => convert::run(args, lang),
        Command::Check(args) => check::run(args, lang),
        Command::Stitch(args) => stitch::run(args, lang),
        Command::Watch(args) => watch::run(args, lang),
        Command::Sweep(args) => sweep::run(args, lang),
        #[cfg(feature = "serve")]
        Command::Serve(mut args) => {
            args.double_clicked = start == desktop::Start::Page;
            serve::run(args, lang)
        }
        Command::Rules(args) => rules::run(args, lang),
        Command::Report(args) => report::run(args, lang),
    };
    let code = result.unwrap_or_else(|e| {
        let error = error_text(&e, lang);
        eprintln!(
            "{}",
            line(lang, "cli-error", WordArgs::new().text("error", error))
        );
        ExitCode::from(2)
    });
    if let Some(out) = dropped_into {
        desktop::finish_drop(&out, lang);
    }
    code
}

/// A help or version request printed by clap (exit 0), or a mistake on the command
/// line said in `lang` (exit 2).
fn usage_error(e: clap::Error, lang: Lang) -> ExitCode {
    match e.kind() {
        clap::error::ErrorKind::DisplayHelp
        | clap::error::ErrorKind::DisplayVersion
        | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Nothing more to say when stdout is gone.
            let _ = e.print();
            ExitCode::from(e.exit_code() as u8)
        }
        _ => {
            eprintln!("{}", help::error_text(&e, lang));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, joined as the catalogue joins them, with the system's
/// I/O errors in `lang`'s words.
fn error_text(e: &anyhow::Error, lang: Lang) -> String {
    let sep = line(lang, "cli-error-chain", WordArgs::new());
    e.chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => scanfit::words::io_text(io, lang),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(&sep)
}

/// The defaults of the optional flags of subcommand `name`, which clap cannot show
/// (they are `None` when not given, so a profile file's values are not overridden):
/// from the library's `Default` impls, so the help cannot drift from the code. The
/// profile flags; sweep's grid (an axis not given keeps the default grid's values).
fn implied_defaults(name: &str) -> Vec<(&'static str, String)> {
    let p = Profile::default();
    let mut band = vec![
        ("min_size", SizeArg(ByteSize(p.min_bytes)).to_string()),
        ("max_size", SizeArg(ByteSize(p.max_bytes)).to_string()),
        ("min_score", format!("{:.2}", p.min_score)),
    ];
    if name == "sweep" {
        band.extend(sweep::defaults());
        return band;
    }
    band.extend([
        ("quality", p.quality.to_string()),
        ("min_quality", p.min_quality.to_string()),
        ("min_long_edge", p.min_long_edge.to_string()),
        ("format", value_name(p.format)),
        ("effort", value_name(p.effort)),
        ("subsampling", value_name(p.subsampling)),
    ]);
    band
}

/// The name a value of a library enum has on the command line.
fn value_name(value: impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// A JPEG quality flag (1-100), refused in the catalogue's words.
fn quality(text: &str) -> Result<u8, ProfileError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|q| (1..=100).contains(q))
        .ok_or(ProfileError::QualityRange)
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
    #[arg(short, long)]
    jobs: Option<usize>,
    #[arg(long, default_value_t = DEFAULT_MAX_PIXELS, value_name = "PIXELS")]
    max_pixels: u64,
    #[arg(long, default_value_t = SizeArg(ByteSize(DEFAULT_MAX_INPUT_BYTES)), value_name = "SIZE")]
    max_input_size: SizeArg,
}

impl RunArgs {
    /// Options for a run with `profile` under `rules`; writing flags keep their
    /// defaults.
    fn options(&self, profile: Profile, rules: &Rules) -> Options {
        let defaults = Options::default();
        Options {
            profile,
            limits: rules.limits(),
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
        let rules = self.profile.rules.load(lang)?;
        let profile = self.profile.profile(&rules, lang)?;
        Ok(self.write.apply(self.run.options(profile, &rules)))
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
    #[arg(long)]
    overwrite: bool,
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
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// No progress bar.
#[derive(Args)]
struct QuietArgs {
    #[arg(short, long)]
    quiet: bool,
}

/// The profile file a run starts from.
#[derive(Args)]
struct ProfileFileArgs {
    #[arg(long, value_name = "FILE.toml")]
    profile: Option<PathBuf>,
}

/// The size band.
#[derive(Args)]
struct BandArgs {
    #[arg(long, value_name = "SIZE")]
    min_size: Option<SizeArg>,
    #[arg(long, value_name = "SIZE")]
    max_size: Option<SizeArg>,
}

/// The legibility floor.
#[derive(Args)]
struct FloorArgs {
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
}

/// How outputs are encoded.
#[derive(Args)]
struct EncoderArgs {
    #[arg(long, value_parser = quality)]
    quality: Option<u8>,
    #[arg(long, value_parser = quality)]
    min_quality: Option<u8>,
    #[arg(long, value_name = "PX")]
    min_long_edge: Option<u32>,
    #[arg(long, value_enum)]
    format: Option<FormatChoice>,
    #[arg(long, value_enum)]
    effort: Option<Effort>,
    #[arg(long, value_enum)]
    subsampling: Option<Subsampling>,
    #[arg(long, value_name = "BOOL")]
    progressive: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    trellis: Option<bool>,
}

/// The whole profile: the rules in force (built-in or `--rules`) by default, then a
/// profile file's values, then each flag given.
#[derive(Args)]
struct ProfileArgs {
    #[command(flatten)]
    rules: RulesArgs,
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
    /// The profile under `rules` (their size band), or the profile file's, with the
    /// flags given on top.
    fn profile(&self, rules: &Rules, lang: Lang) -> anyhow::Result<Profile> {
        let base = match &self.file.profile {
            // A profile file states its own band, as `sweep --save-profile` wrote it.
            Some(_) => self.file.load(lang)?,
            None => Profile {
                min_bytes: rules.upload.min_bytes,
                max_bytes: rules.upload.max_bytes,
                ..Profile::default()
            },
        };
        Ok(self.overrides().apply(&base))
    }

    /// The flags given, as changes to a profile: the same [`ProfileOverrides`] a server
    /// makes of a request's parameters, so both change a profile by one rule.
    fn overrides(&self) -> ProfileOverrides {
        let e = &self.encoder;
        ProfileOverrides {
            quality: e.quality,
            min_quality: e.min_quality,
            min_long_edge: e.min_long_edge,
            format: e.format,
            effort: e.effort,
            subsampling: e.subsampling,
            progressive: e.progressive,
            trellis: e.trellis,
            ..self.band.overrides(&self.floor)
        }
    }
}

impl BandArgs {
    /// The band and the legibility floor given (the flags sweep takes too).
    fn overrides(&self, floor: &FloorArgs) -> ProfileOverrides {
        ProfileOverrides {
            min_size: self.min_size.map(|s| s.0),
            max_size: self.max_size.map(|s| s.0),
            min_score: floor.min_score,
            ..ProfileOverrides::default()
        }
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

/// Arguments holding one path.
fn path_arg(path: &Path) -> WordArgs {
    WordArgs::new().text("path", path.display())
}

/// A setup error in words, with the flags that set the values it is about: the library
/// does not know that its settings came from flags.
fn setup_error(e: SetupError, lang: Lang) -> anyhow::Error {
    let text = say(&e, lang);
    let flags: &[&str] = match &e {
        SetupError::Profile(p) => profile_flags(p),
        SetupError::Stitch(_) => &["--gap", "--margin"],
        SetupError::Sweep(s) => match s.code() {
            "scale_range" => &["--scale"],
            "quality_range" => &["--quality"],
            "sample_zero" => &["--sample", "--repeats"],
            "min_colour_range" => &["--min-colour"],
            _ => &[],
        },
        SetupError::Input { .. } | SetupError::Output { .. } => &[],
    };
    anyhow::anyhow!(with_flags(text, flags, lang))
}

/// `why`, with the flags that change it, if any.
fn with_flags(why: String, flags: &[&str], lang: Lang) -> String {
    if flags.is_empty() {
        return why;
    }
    let flags = flags.join(&line(lang, "list-separator", WordArgs::new()));
    line(
        lang,
        "cli-hint-flags",
        WordArgs::new().text("why", why).text("flags", flags),
    )
}

/// The flags behind a profile error.
fn profile_flags(e: &ProfileError) -> &'static [&'static str] {
    match e {
        ProfileError::MinAboveMax { .. } | ProfileError::BandTooNarrow => {
            &["--min-size", "--max-size"]
        }
        ProfileError::MaxTooSmall => &["--max-size"],
        ProfileError::QualityRange | ProfileError::MinQualityAboveQuality { .. } => {
            &["--quality", "--min-quality"]
        }
        ProfileError::MinScoreRange => &["--min-score"],
        ProfileError::MinLongEdgeZero => &["--min-long-edge"],
    }
}

/// The exit status of a run whose items all succeeded or not.
fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
