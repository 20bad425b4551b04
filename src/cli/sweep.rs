//! `scanfit sweep`: measure a grid of encoder settings on the user's documents and
//! recommend a profile.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use scanfit::encode::Subsampling;
use scanfit::rules::Rules;
use scanfit::sweep::{
    parse_qualities, Grid, Sweep, SweepOptions, DEFAULT_MIN_COLOUR, DEFAULT_QUALITIES,
};
use scanfit::words::{line, say, Args as WordArgs, Lang};

use super::term::{self, Bar};
use super::{path_arg, setup_error, BandArgs, FloorArgs, ProfileFileArgs, QuietArgs, RunArgs};

#[derive(Args)]
pub(super) struct SweepArgs {
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(long, default_value = DEFAULT_QUALITIES, value_name = "LIST")]
    quality: String,
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    subsampling: Vec<Subsampling>,
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    progressive: Vec<bool>,
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    trellis: Vec<bool>,
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    scale: Vec<f64>,
    #[arg(long, value_name = "N|all")]
    sample: Option<String>,
    #[arg(long, default_value_t = SweepOptions::default().seed)]
    seed: u64,
    #[arg(long, default_value_t = SweepOptions::default().repeats, value_name = "N")]
    repeats: u32,
    #[command(flatten)]
    profile: ProfileFileArgs,
    #[command(flatten)]
    band: BandArgs,
    #[command(flatten)]
    floor: FloorArgs,
    #[arg(long, default_value_t = DEFAULT_MIN_COLOUR, value_name = "SCORE")]
    min_colour: f64,
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    #[arg(long, value_name = "FILE.toml")]
    save_profile: Option<PathBuf>,
    #[command(flatten)]
    quiet: QuietArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// The defaults of the grid and sample flags, for `--help` (they are optional: an axis
/// not given keeps the default grid's values).
pub(super) fn defaults() -> Vec<(&'static str, String)> {
    let d = SweepOptions::default();
    let list = |items: Vec<String>| items.join(",");
    let subsamplings = d.grid.subsamplings.iter().map(|s| super::value_name(*s));
    vec![
        ("subsampling", list(subsamplings.collect())),
        (
            "progressive",
            list(d.grid.progressive.iter().map(ToString::to_string).collect()),
        ),
        (
            "trellis",
            list(d.grid.trellis.iter().map(ToString::to_string).collect()),
        ),
        (
            "scale",
            list(d.grid.scales.iter().map(ToString::to_string).collect()),
        ),
        (
            "sample",
            d.sample.map_or("all".to_owned(), |n| n.to_string()),
        ),
    ]
}

/// Exit 0 with a recommendation, 1 when no setting keeps the floors.
pub(super) fn run(args: SweepArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let profile = args
        .band
        .overrides(&args.floor)
        .apply(&args.profile.load(lang)?);
    let opts = args.run.options(profile, Rules::builtin());
    let sopts = sweep_options(&args, lang)?;
    let bar = Bar::encodes(args.quiet.quiet, lang);
    let result = scanfit::sweep::sweep(&args.inputs, &opts, &sopts, &bar)
        .map_err(|e| setup_error(e, lang))?;
    bar.finish();
    for (path, why) in &result.skipped {
        eprintln!(
            "{}",
            line(
                lang,
                "cli-skipped",
                path_arg(path).text("why", say(why, lang))
            )
        );
    }
    term::print_sweep_table(&result, lang, BufWriter::new(std::io::stdout().lock()))?;
    if let Some(path) = &args.csv {
        let file =
            File::create(path).with_context(|| line(lang, "cli-creating", path_arg(path)))?;
        scanfit::sweep::write_csv(&result, BufWriter::new(file))
            .with_context(|| line(lang, "cli-writing", path_arg(path)))?;
    }
    if let Some(path) = &args.plot {
        scanfit::words::chart::plot(&result, path, lang)
            .map_err(|e| anyhow::anyhow!(say(&e, lang)))?;
    }
    recommend(&result, &sopts, &args, &opts.profile, lang)
}

/// The grid and sample the flags ask for.
fn sweep_options(args: &SweepArgs, lang: Lang) -> anyhow::Result<SweepOptions> {
    let defaults = SweepOptions::default();
    let sample = match args.sample.as_deref() {
        None => defaults.sample,
        Some("all") => None,
        Some(n) => Some(n.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
            anyhow::anyhow!(line(
                lang,
                "cli-bad_sample",
                WordArgs::new().text("value", n)
            ))
        })?),
    };
    let qualities = parse_qualities(&args.quality).map_err(|e| {
        anyhow::anyhow!(line(
            lang,
            "cli-bad_quality",
            WordArgs::new().text("why", say(&e, lang))
        ))
    })?;
    // An axis not given keeps the default grid's values.
    fn or<T: Clone>(given: &[T], default: Vec<T>) -> Vec<T> {
        if given.is_empty() {
            default
        } else {
            given.to_vec()
        }
    }
    let grid = defaults.grid;
    Ok(SweepOptions {
        grid: Grid {
            qualities,
            subsamplings: or(&args.subsampling, grid.subsamplings),
            progressive: or(&args.progressive, grid.progressive),
            trellis: or(&args.trellis, grid.trellis),
            scales: or(&args.scale, grid.scales),
        },
        sample,
        seed: args.seed,
        repeats: args.repeats,
        min_colour: args.min_colour,
    })
}

/// Says what the sweep recommends and saves it as a profile when asked.
fn recommend(
    result: &Sweep,
    sopts: &SweepOptions,
    args: &SweepArgs,
    base: &scanfit::Profile,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let say_line = |id: &str, a: WordArgs| eprintln!("{}", line(lang, id, a));
    say_line(
        "cli-sweep-measured",
        WordArgs::new()
            .num("files", result.files.len() as u64)
            .num("skipped", result.skipped.len() as u64)
            .num("settings", result.results.len() as u64),
    );
    let Some(best) = result.recommended() else {
        say_line(
            "cli-sweep-nothing",
            WordArgs::new().text("floor", format!("{:.2}", result.floor)),
        );
        return Ok(ExitCode::from(1));
    };
    say_line(
        "cli-sweep-recommended",
        WordArgs::new()
            .text("setting", best.setting.label_in(lang))
            .size("size", best.total_bytes, lang)
            .text("score", format!("{:.3}", best.worst_score)),
    );
    if let Some(default) = result.results.iter().find(|r| r.default) {
        let change = (best.total_bytes as f64 / default.total_bytes.max(1) as f64 - 1.0) * 100.0;
        say_line(
            "cli-sweep-against_default",
            WordArgs::new()
                .text("setting", default.setting.label_in(lang))
                .text("change", format!("{change:+.0}")),
        );
    }
    if sopts.grid.qualities.first() == Some(&best.setting.quality) {
        say_line("cli-sweep-lowest_passes", WordArgs::new());
    }
    if let Some(path) = &args.save_profile {
        let saved = result
            .recommended_profile(base)
            .expect("a recommendation exists");
        let header = [
            line(
                lang,
                "cli-sweep-profile-header",
                WordArgs::new().num("files", result.files.len() as u64),
            ),
            line(
                lang,
                "cli-sweep-profile-recommended",
                WordArgs::new()
                    .text("setting", best.setting.label_in(lang))
                    .text("score", format!("{:.3}", best.worst_score))
                    .text("floor", format!("{:.2}", result.floor)),
            ),
            line(lang, "cli-sweep-profile-use", path_arg(path)),
        ];
        let text = format!("{}\n{}", header.join("\n"), saved.to_toml());
        std::fs::write(path, text).with_context(|| line(lang, "cli-writing", path_arg(path)))?;
        say_line("cli-sweep-profile-written", path_arg(path));
    }
    Ok(ExitCode::SUCCESS)
}
