//! scanfit turns whatever a scanner or a phone produced into pictures an upload portal
//! accepts: real JPEG or PNG bytes, inside a size band (by default the ICP filing
//! portal's 204,800–4,000,000 bytes), upright, without metadata, and legible.
//!
//! What a program embedding scanfit uses:
//!
//! - converting: [`convert`] files and folders into an output folder, or one input's
//!   bytes in memory with [`pipeline::convert_bytes`]; [`stitch()`] several documents
//!   into one picture;
//! - checking files against the portal's rules without writing anything: [`check()`],
//!   [`check_file`], [`check::check_bytes`];
//! - what a run is asked to do: [`Options`] and its [`Profile`] (the size band, quality
//!   and resolution floors), and the filing guide's document [`rules`];
//! - what a run found: [`Record`] and [`Summary`] for conversions, [`CheckRecord`] for
//!   checks, with typed reasons ([`Problem`], [`Warning`], [`Why`]); [`rows`] writes them
//!   as JSON Lines or CSV, and [`words`] says any of them in English or Chinese.
//!
//! Progress goes to a [`run::Progress`]. The modules that are not listed here are the
//! stages and commands behind these (decoding, the band search, the runner, the web
//! server of the `serve` feature): the scanfit binary and the tests use them, and they
//! are not a stable API.
//!
//! ```
//! use scanfit::{pipeline, words, Options, Verdict};
//! use std::io::Cursor;
//!
//! // A small colour picture, as a phone app might hand it over: under the portal's
//! // minimum size, so scanfit enlarges it into the band.
//! let pixels = image::RgbImage::from_fn(600, 400, |x, y| {
//!     image::Rgb([(x % 200) as u8, (y % 150) as u8, ((x + y) % 256) as u8])
//! });
//! let mut png = Vec::new();
//! image::DynamicImage::ImageRgb8(pixels)
//!     .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)?;
//!
//! let opts = Options::default();
//! let outcome = pipeline::convert_bytes(&png, None, &opts)?.expect("a picture");
//! let converted = outcome.pictures[0].result.as_ref().expect("converted");
//! assert!(opts.profile.in_band(converted.bytes.len() as u64));
//! for warning in &converted.warnings {
//!     println!("{}", words::say(warning, words::Lang::Zh));
//! }
//!
//! // The same bytes as a file named .png: checking says what the portal would think.
//! let record = scanfit::check::check_bytes("scan.png".as_ref(), &png, &opts);
//! assert_ne!(record.verdict, Verdict::Pass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod error;
pub mod options;
pub mod pipeline;
pub mod report;
pub mod rows;
pub mod rules;
pub mod run;
pub mod words;

// The stages and commands behind the API: public for the scanfit binary, the tests and
// the benchmarks, left out of the documentation because they are not a stable API.
#[doc(hidden)]
pub mod batch;
#[doc(hidden)]
pub mod decode;
#[doc(hidden)]
pub mod document;
#[doc(hidden)]
pub mod encode;
#[doc(hidden)]
pub mod fit;
#[doc(hidden)]
pub mod inspect;
#[doc(hidden)]
pub mod jpeg;
#[doc(hidden)]
pub mod merge;
#[doc(hidden)]
pub mod normalize;
#[doc(hidden)]
pub mod ocr;
#[doc(hidden)]
pub mod read;
#[doc(hidden)]
pub mod resize;
#[doc(hidden)]
pub mod rotate;
#[cfg(feature = "serve")]
#[doc(hidden)]
pub mod serve;
#[doc(hidden)]
pub mod shard;
#[doc(hidden)]
pub mod sniff;
#[doc(hidden)]
pub mod stitch;
#[doc(hidden)]
pub mod sweep;
#[cfg(feature = "ocr")]
#[doc(hidden)]
pub mod verify;
#[cfg(feature = "watch")]
#[doc(hidden)]
pub mod watch;
#[doc(hidden)]
pub mod write;

mod metadata;
mod par;
mod png;
mod sheet;

use std::fs;
use std::path::{Path, PathBuf};

pub use check::{check, check_file, CheckRecord, CheckSummary, Verdict};
pub use encode::Effort;
pub use error::{Error, Problem, SetupError, Skip, Warning, Why};
pub use options::{ByteSize, FormatChoice, Options, Profile};
pub use report::{Record, Status, Summary};
pub use stitch::{Layout, StitchOptions, StitchSet};

/// Converts files and folders into `out`, mirroring folder trees, and returns one record
/// per input (and per entry passed over). Per-file failures are records, not errors;
/// the error is for a run that cannot start.
pub fn convert(
    inputs: &[PathBuf],
    out: &Path,
    opts: &Options,
    progress: &dyn run::Progress,
) -> Result<Vec<Record>, SetupError> {
    let plan = prepare(inputs, out, opts)?;
    Ok(batch::run(
        plan,
        opts,
        &run::Runner::new(opts.jobs),
        progress,
    ))
}

/// One shard of a sharded [`convert`]: plans the whole run over every input (so output
/// names are the same in every shard), converts the inputs `shard` owns, and returns
/// their records with where each stands in the whole run, for the shard's report
/// ([`merge`]). See [`shard`] for which inputs a shard owns.
pub fn convert_shard(
    inputs: &[PathBuf],
    out: &Path,
    opts: &Options,
    shard: shard::Shard,
    progress: &dyn run::Progress,
) -> Result<merge::ShardRun, SetupError> {
    let plan = prepare(inputs, out, opts)?;
    let fingerprint = batch::fingerprint(&plan, out, opts, shard.count);
    let share = plan.share(shard);
    let total = share.total;
    let items = (share.jobs_at.len() + share.skipped_at.len()) as u64;
    let (records, at) = batch::run_share(share, opts, &run::Runner::new(opts.jobs), progress);
    Ok(merge::ShardRun {
        run: fingerprint,
        shard,
        dry_run: opts.dry_run,
        records,
        at,
        items,
        total,
    })
}

/// Checks the profile, creates OUT (unless nothing is written) and plans the run.
fn prepare(inputs: &[PathBuf], out: &Path, opts: &Options) -> Result<batch::Plan, SetupError> {
    opts.profile.validate()?;
    if !opts.dry_run {
        fs::create_dir_all(out).map_err(|e| SetupError::Output {
            path: out.to_path_buf(),
            why: error::OutputWhy::Create(e),
        })?;
    }
    batch::plan(inputs, out)
}

/// Stitches each set into one picture (in parallel) and returns one record per set, in
/// order. A set that fails is a record, not an error; the error is for settings that
/// contradict each other.
pub fn stitch(
    sets: &[StitchSet],
    opts: &Options,
    sopts: &StitchOptions,
    progress: &dyn run::Progress,
) -> Result<Vec<Record>, SetupError> {
    opts.profile.validate()?;
    sopts.validate()?;
    Ok(stitch::stitch_sets(
        sets,
        opts,
        sopts,
        &run::Runner::new(opts.jobs),
        progress,
    ))
}
