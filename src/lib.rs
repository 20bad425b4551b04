//! scanfit turns whatever a scanner or a phone produced into pictures an upload portal
//! accepts: real JPEG or PNG bytes, inside a size band (by default the ICP filing
//! portal's 204,800–4,000,000 bytes), upright, without metadata, and legible.
//!
//! The pipeline, one module per stage: [`sniff`] the real format → [`decode`] →
//! [`normalize`] (orientation, alpha, bit depth, colour) → [`fit`] (the band search over
//! [`encode`]rs, [`resize`] when quality alone cannot do it) → [`write`](mod@write) atomically;
//! [`batch`] walks folders and converts files, each command runs its items on the
//! shared per-item runner ([`run`]), [`report`] makes the records and renders them
//! ([`shard`] splits one batch over many processes, [`merge`] joins their reports), and
//! [`words`] is the catalogue every sentence a person reads comes from (the library
//! itself only produces typed values: [`Problem`], [`Warning`], check findings...).
//! [`check`](mod@check) inspects files against the portal's rules without writing anything, with
//! the pixel measures of [`inspect`] (colour class, sharpness, legibility).
//! [`stitch`](mod@stitch) combines several documents into one upload picture, through the same
//! stages. [`sweep`] measures a grid of encoder settings on the user's own documents and
//! recommends a profile. `watch` (feature `watch`, on by default through `cli`) follows a folder and
//! converts what appears in it, exactly once per version. `serve` (feature `serve`, on by
//! default) puts the same stages behind a web page and an HTTP API.
//!
//! ```no_run
//! use scanfit::{convert, run::NoProgress, Options};
//! let records = convert(&["scans".into()], "out".as_ref(), &Options::default(), &NoProgress)?;
//! println!("{} files", records.len());
//! # Ok::<(), scanfit::SetupError>(())
//! ```

pub mod batch;
pub mod check;
pub mod decode;
pub mod document;
pub mod encode;
pub mod error;
pub mod fit;
pub mod inspect;
pub mod jpeg;
pub mod merge;
pub mod metadata;
pub mod normalize;
pub mod options;
pub mod pipeline;
pub mod png;
pub mod report;
pub mod resize;
pub mod rotate;
pub mod rules;
pub mod run;
#[cfg(feature = "serve")]
pub mod serve;
pub mod shard;
pub mod sheet;
pub mod sniff;
pub mod stitch;
pub mod sweep;
#[cfg(feature = "watch")]
pub mod watch;
pub mod words;
pub mod write;

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
    let fingerprint = shard::fingerprint(&plan, out, opts, shard.count);
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
