//! Combining several documents into one upload picture ("拼图").
//!
//! When the filing form has no upload slot for an auxiliary document (an authorization
//! letter, a domain certificate, a proof of employment), the portal asks for that
//! document and the main identity document combined into ONE picture that obeys the
//! same format and size rules. People do this by hand in an image editor; this module
//! does it the way convert treats a file, in bulk.
//!
//! Each piece is read, sniffed, decoded and normalised by the same functions convert
//! uses ([`pipeline::decode_bytes`], [`pipeline::prepare`]), so orientation, alpha,
//! colour profiles and CMYK are handled identically and give the same warnings (named
//! after the piece). The pieces are laid out on a white canvas ([`arrange`]), and the
//! canvas goes through the same band search as a converted file
//! ([`pipeline::encode_in_band`]). A piece that cannot be used stops its set before
//! anything is written: a combined picture missing one document would be rejected by
//! the reviewer, so writing it would only hide the problem.
//!
//! ## Layout
//! Pieces are scaled to a common width (vertical), height (horizontal) or long edge
//! (grid, each piece centred in equal cells, row by row). The common side is the
//! smallest piece's, so larger pieces shrink rather than smaller ones being enlarged,
//! but no piece's long edge shrinks below the profile's resolution floor
//! (`--min-long-edge`, 2000 px by default, or the piece's own long edge if shorter):
//! an A4 scan next to a small screenshot would otherwise be crushed to the
//! screenshot's size and become illegible. Only then is the small piece enlarged. The
//! canvas is then capped at [`MAX_CANVAS_PIXELS`] (pieces shrink together; gaps and
//! margins keep their size), since the band search would shrink anything larger anyway
//! and a bigger canvas only costs memory and encode time.
//!
//! `auto` scores each layout and keeps the lowest score:
//! `loss + ASPECT_WEIGHT × |ln(long/short) − ln √2|`, where `loss` is the share of the
//! pieces' source pixels lost to shrinking (enlarging gains nothing) and the second
//! term is how far the canvas is from a page's 1:√2 shape, either way up. A weight of
//! 0.5 means a canvas twice as elongated as a page costs as much as losing a third of
//! the pixels. Ties go to vertical, then horizontal, then grid.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use image::{GrayImage, RgbImage};
use rayon::prelude::*;

use crate::batch::{read_input, Progress};
use crate::decode::Metadata;
use crate::encode::panic_text;
use crate::error::{Problem, Warning};
use crate::normalize::Pixels;
use crate::options::{FormatChoice, Options};
use crate::pipeline::{self, Converted, OutputFormat};
use crate::report::{Record, Status};
use crate::resize::resize;
use crate::sniff::{claimed_by_name, Format};
use crate::write::{write_atomic, WriteMode};

/// Default white space between pieces, in canvas pixels.
pub const DEFAULT_GAP: u32 = 40;
/// Default white border around the canvas, in canvas pixels.
pub const DEFAULT_MARGIN: u32 = 40;
/// Largest gap or margin accepted: more is a typo, and would only waste the band.
pub const MAX_SPACING: u32 = 1000;
/// Largest canvas built, in pixels: a grid of four 6 MP pieces, or each of four A4
/// pages at about 250 dpi. Past it the band search would shrink the canvas anyway.
pub const MAX_CANVAS_PIXELS: u64 = 24_000_000;
/// Weight of the aspect term against the resolution-loss term in `auto`'s score.
pub const ASPECT_WEIGHT: f64 = 0.5;

/// How pieces are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// The layout with the best score (see the module documentation).
    #[default]
    Auto,
    /// One above the other, in order, at a common width.
    Vertical,
    /// Side by side, in order, at a common height.
    Horizontal,
    /// Equal cells, row by row, ⌈√n⌉ columns, each piece at a common long edge.
    Grid,
}

/// How a set is stitched, on top of the run's [`Options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StitchOptions {
    /// Layout. Default [`Layout::Auto`].
    pub layout: Layout,
    /// White space between pieces, in canvas pixels. Default [`DEFAULT_GAP`].
    pub gap: u32,
    /// White border around everything, in canvas pixels. Default [`DEFAULT_MARGIN`].
    pub margin: u32,
}

impl Default for StitchOptions {
    fn default() -> Self {
        StitchOptions {
            layout: Layout::Auto,
            gap: DEFAULT_GAP,
            margin: DEFAULT_MARGIN,
        }
    }
}

impl StitchOptions {
    /// Checks the numbers before any work.
    pub fn validate(&self) -> Result<(), String> {
        if self.gap > MAX_SPACING || self.margin > MAX_SPACING {
            return Err(format!(
                "--gap and --margin are at most {MAX_SPACING} px (given {} and {})",
                self.gap, self.margin
            ));
        }
        Ok(())
    }
}

/// Where one piece goes on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width the piece is scaled to.
    pub width: u32,
    /// Height the piece is scaled to.
    pub height: u32,
}

/// A computed layout: canvas size, one place per piece, and its score's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrangement {
    /// The concrete layout (never [`Layout::Auto`]).
    pub layout: Layout,
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// One place per piece, in input order.
    pub places: Vec<Rect>,
    /// Share of the pieces' source pixels lost to shrinking, 0–1.
    pub loss: f64,
    /// |ln(long/short) − ln √2| of the canvas.
    pub aspect_penalty: f64,
}

impl Arrangement {
    /// `auto`'s score: lower is better.
    pub fn score(&self) -> f64 {
        self.loss + ASPECT_WEIGHT * self.aspect_penalty
    }
}

/// Why a layout cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// Nothing to lay out.
    #[error("no pieces to lay out")]
    NoPieces,
    /// Even with every piece at one pixel, gaps and margins exceed the canvas limit.
    #[error("{pieces} pieces with a {gap} px gap and {margin} px margin need more than {max} pixels; use fewer pieces or smaller gaps")]
    TooLarge {
        /// Number of pieces.
        pieces: usize,
        /// Gap used.
        gap: u32,
        /// Margin used.
        margin: u32,
        /// Canvas limit.
        max: u64,
    },
}

/// Lays out pieces of the given upright sizes. `floor` is the side larger pieces are
/// not shrunk below (the profile's `min_long_edge`); `max_pixels` caps the canvas.
pub fn arrange(
    sizes: &[(u32, u32)],
    layout: Layout,
    gap: u32,
    margin: u32,
    floor: u32,
    max_pixels: u64,
) -> Result<Arrangement, LayoutError> {
    if sizes.is_empty() {
        return Err(LayoutError::NoPieces);
    }
    let concrete = |l| arrange_as(sizes, l, gap, margin, floor, max_pixels);
    match layout {
        Layout::Auto => {
            let mut best = concrete(Layout::Vertical)?;
            for l in [Layout::Horizontal, Layout::Grid] {
                let candidate = concrete(l)?;
                // Strictly better only, so ties keep the earlier layout.
                if candidate.score() < best.score() - 1e-12 {
                    best = candidate;
                }
            }
            Ok(best)
        }
        l => concrete(l),
    }
}

/// The common side (width, height or long edge, as `side` picks from a size): the
/// smallest piece's, raised as far as needed so that no piece's long edge shrinks below
/// `floor` (or below its own long edge, when that is shorter).
fn common_side(sizes: &[(u32, u32)], side: impl Fn((u32, u32)) -> u32, floor: u32) -> f64 {
    let min = sizes.iter().map(|&s| side(s)).min().unwrap_or(1);
    sizes
        .iter()
        .map(|&(w, h)| {
            let long = w.max(h);
            f64::from(floor.min(long)) * f64::from(side((w, h))) / f64::from(long)
        })
        .fold(f64::from(min), f64::max)
}

fn arrange_as(
    sizes: &[(u32, u32)],
    layout: Layout,
    gap: u32,
    margin: u32,
    floor: u32,
    max_pixels: u64,
) -> Result<Arrangement, LayoutError> {
    let side = match layout {
        Layout::Vertical => common_side(sizes, |s| s.0, floor),
        Layout::Horizontal => common_side(sizes, |s| s.1, floor),
        Layout::Grid | Layout::Auto => common_side(sizes, |s| s.0.max(s.1), floor),
    };
    let too_large = || LayoutError::TooLarge {
        pieces: sizes.len(),
        gap,
        margin,
        max: max_pixels,
    };
    let mut placed = place(sizes, layout, side, gap, margin);
    let area = |p: &Placed| p.width.saturating_mul(p.height);
    if area(&placed) > max_pixels {
        // Shrink the pieces together; gaps and margins keep their size so borders stay
        // visible. Rounding can leave the first guess a little over: step down.
        let mut side = side * (max_pixels as f64 / area(&placed) as f64).sqrt();
        placed = place(sizes, layout, side, gap, margin);
        while area(&placed) > max_pixels {
            if side <= 1.0 {
                return Err(too_large());
            }
            side = (side * 0.98).floor().max(1.0);
            placed = place(sizes, layout, side, gap, margin);
        }
    }
    let (Ok(width), Ok(height)) = (u32::try_from(placed.width), u32::try_from(placed.height))
    else {
        return Err(too_large());
    };
    let total: f64 = sizes
        .iter()
        .map(|&(w, h)| f64::from(w) * f64::from(h))
        .sum();
    let lost: f64 = sizes
        .iter()
        .zip(&placed.places)
        .map(|(&(w, h), r)| {
            let s = (f64::from(r.width) / f64::from(w)).min(1.0);
            f64::from(w) * f64::from(h) * (1.0 - s * s)
        })
        .sum();
    let (long, short) = (width.max(height), width.min(height));
    Ok(Arrangement {
        layout: if layout == Layout::Auto {
            Layout::Grid
        } else {
            layout
        },
        width,
        height,
        places: placed.places,
        loss: lost / total,
        // A distance in ln units: a canvas squarer than a page is as far off as one
        // more elongated by the same ratio.
        aspect_penalty: ((f64::from(long) / f64::from(short.max(1))).ln()
            - std::f64::consts::SQRT_2.ln())
        .abs(),
    })
}

/// A placement before it is checked against the canvas limit (sizes in u64 so absurd
/// inputs cannot overflow).
struct Placed {
    width: u64,
    height: u64,
    places: Vec<Rect>,
}

/// Places pieces with the common side `side` (width, height or long edge).
fn place(sizes: &[(u32, u32)], layout: Layout, side: f64, gap: u32, margin: u32) -> Placed {
    let c = side.round().max(1.0) as u32;
    let (gap64, m64) = (u64::from(gap), u64::from(margin));
    let n = sizes.len() as u64;
    // `other * c / this`, rounded, at least one pixel.
    let along = |other: u32, this: u32| -> u32 {
        ((f64::from(other) * f64::from(c) / f64::from(this)).round() as u32).max(1)
    };
    let dims: Vec<(u32, u32)> = sizes
        .iter()
        .map(|&(w, h)| match layout {
            Layout::Vertical => (c, along(h, w)),
            Layout::Horizontal => (along(w, h), c),
            Layout::Grid | Layout::Auto if w >= h => (c, along(h, w)),
            Layout::Grid | Layout::Auto => (along(w, h), c),
        })
        .collect();
    // Positions saturate instead of overflowing; such a canvas fails the size check.
    let at = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    match layout {
        Layout::Vertical | Layout::Horizontal => {
            let vertical = layout == Layout::Vertical;
            let mut along_pos = m64;
            let places = dims
                .iter()
                .map(|&(w, h)| {
                    let r = if vertical {
                        Rect {
                            x: margin,
                            y: at(along_pos),
                            width: w,
                            height: h,
                        }
                    } else {
                        Rect {
                            x: at(along_pos),
                            y: margin,
                            width: w,
                            height: h,
                        }
                    };
                    along_pos += u64::from(if vertical { h } else { w }) + gap64;
                    r
                })
                .collect();
            let length = along_pos - gap64 + m64;
            let across = u64::from(c) + 2 * m64;
            let (width, height) = if vertical {
                (across, length)
            } else {
                (length, across)
            };
            Placed {
                width,
                height,
                places,
            }
        }
        Layout::Grid | Layout::Auto => {
            let cols = (n as f64).sqrt().ceil().max(1.0) as u64;
            let rows = n.div_ceil(cols);
            let cell_w = u64::from(dims.iter().map(|d| d.0).max().unwrap_or(1));
            let cell_h = u64::from(dims.iter().map(|d| d.1).max().unwrap_or(1));
            let places = dims
                .iter()
                .enumerate()
                .map(|(i, &(w, h))| {
                    let (col, row) = (i as u64 % cols, i as u64 / cols);
                    Rect {
                        x: at(m64 + col * (cell_w + gap64) + (cell_w - u64::from(w)) / 2),
                        y: at(m64 + row * (cell_h + gap64) + (cell_h - u64::from(h)) / 2),
                        width: w,
                        height: h,
                    }
                })
                .collect();
            Placed {
                width: 2 * m64 + cols * cell_w + (cols - 1) * gap64,
                height: 2 * m64 + rows * cell_h + (rows - 1) * gap64,
                places,
            }
        }
    }
}

/// One set: the pieces, in layout order, and the output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StitchSet {
    /// The output file, with the extension the output format gets.
    pub output: PathBuf,
    /// The pieces.
    pub pieces: Vec<PathBuf>,
}

impl StitchSet {
    /// A set writing to `output`, whose extension is replaced by the one the profile's
    /// format gives (`.jpg`, or `.png` under `--format png`) so name and bytes agree.
    pub fn new(output: &Path, pieces: Vec<PathBuf>, opts: &Options) -> StitchSet {
        StitchSet {
            output: output_path(output, output_format(opts)),
            pieces,
        }
    }
}

/// Stitched canvases are new pictures, mostly photos: JPEG unless PNG is demanded.
fn output_format(opts: &Options) -> OutputFormat {
    if opts.profile.format == FormatChoice::Png {
        OutputFormat::Png
    } else {
        OutputFormat::Jpeg
    }
}

/// `path` with a picture extension (.jpg, .jpeg, .png, any case) replaced by `format`'s,
/// or `format`'s appended (so `v1.2` becomes `v1.2.jpg`, not `v1.jpg`).
fn output_path(path: &Path, format: OutputFormat) -> PathBuf {
    let known = path.extension().is_some_and(|e| {
        ["jpg", "jpeg", "png"]
            .iter()
            .any(|k| e.eq_ignore_ascii_case(k))
    });
    let mut s = if known {
        path.with_extension("").into_os_string()
    } else {
        path.as_os_str().to_owned()
    };
    s.push(".");
    s.push(format.extension());
    PathBuf::from(s)
}

/// Why one set was not stitched.
#[derive(Debug, thiserror::Error)]
pub enum StitchError {
    /// A piece could not be read or decoded.
    #[error("piece {}{}: {problem}; nothing was written", path.display(), page.map(|p| format!(" (page {p})")).unwrap_or_default())]
    Piece {
        /// The piece.
        path: PathBuf,
        /// Its page, when the file has several.
        page: Option<u32>,
        /// What went wrong.
        problem: Problem,
    },
    /// Fewer than two pieces.
    #[error("a stitch needs at least two pieces, {0} given")]
    TooFewPieces(usize),
    /// The layout cannot be built.
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// The canvas could not be brought into the band.
    #[error("the stitched picture: {0}")]
    Fit(Problem),
    /// The output would replace one of the pieces.
    #[error("the output {} is one of the pieces; choose another name", path.display())]
    WouldOverwriteInput {
        /// The output.
        path: PathBuf,
    },
    /// Writing failed; nothing partial was left.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A decoder or encoder panicked; caught so the batch goes on.
    #[error("internal error while stitching (please report it): {0}")]
    Panic(String),
}

/// A decoded, normalised piece.
struct Piece {
    /// File name, with the page for multi-page files: how warnings name the piece.
    name: String,
    pixels: Pixels,
    metadata: Metadata,
    warnings: Vec<Warning>,
}

/// Stitches every set (in parallel on `opts.jobs` threads) and returns one record per
/// set, in order. Failures are records, never panics.
pub fn stitch_sets(
    sets: &[StitchSet],
    opts: &Options,
    sopts: &StitchOptions,
    progress: &dyn Progress,
) -> Vec<Record> {
    progress.start(sets.len() as u64, 0);
    let work = |set: &StitchSet| {
        let record = stitch_set(set, opts, sopts);
        progress.done(&record);
        record
    };
    if opts.jobs <= 1 {
        return sets.iter().map(work).collect();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
    {
        // One set per task, as in convert: sets differ a lot in cost.
        Ok(pool) => pool.install(|| sets.par_iter().with_max_len(1).map(work).collect()),
        Err(_) => sets.iter().map(work).collect(),
    }
}

/// Stitches one set into its record: written, skipped (the output exists), or failed.
pub fn stitch_set(set: &StitchSet, opts: &Options, sopts: &StitchOptions) -> Record {
    let started = Instant::now();
    let mut record = Record::new(
        set.pieces.first().cloned().unwrap_or_default(),
        Status::Failed,
    );
    record.pieces = set.pieces.clone();
    record.output = Some(set.output.clone());
    if !opts.overwrite && set.output.exists() {
        record.status = Status::Skipped;
        record.error = Some("output already exists (--overwrite replaces it)".into());
        return record;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        stitch_into(set, opts, sopts, &mut record)
    }))
    .unwrap_or_else(|payload| Err(StitchError::Panic(panic_text(payload.as_ref()))));
    match outcome {
        Ok(()) => {}
        Err(StitchError::Write { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => {
            record.status = Status::Skipped;
            record.error = Some("output already exists (--overwrite replaces it)".into());
        }
        Err(e) => {
            record.status = Status::Failed;
            record.error = Some(e.to_string());
        }
    }
    record.millis = started.elapsed().as_millis() as u64;
    record
}

fn stitch_into(
    set: &StitchSet,
    opts: &Options,
    sopts: &StitchOptions,
    record: &mut Record,
) -> Result<(), StitchError> {
    if set.pieces.len() < 2 {
        return Err(StitchError::TooFewPieces(set.pieces.len()));
    }
    if let Ok(out) = fs::canonicalize(&set.output) {
        if set
            .pieces
            .iter()
            .any(|p| fs::canonicalize(p).is_ok_and(|p| p == out))
        {
            return Err(StitchError::WouldOverwriteInput {
                path: set.output.clone(),
            });
        }
    }
    // Every piece is decoded before anything else: one bad piece fails the set early.
    let per_file: Vec<Vec<Piece>> = set
        .pieces
        .par_iter()
        .map(|path| read_piece(path, opts))
        .collect::<Result<_, _>>()?;
    record.bytes_in = set
        .pieces
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let converted = stitch_pieces(
        per_file.into_iter().flatten().collect(),
        record.bytes_in,
        opts,
        sopts,
    )?;
    if !opts.dry_run {
        let mode = WriteMode {
            overwrite: opts.overwrite,
            durable: false,
        };
        write_atomic(&set.output, &converted.bytes, mode).map_err(|source| StitchError::Write {
            path: set.output.clone(),
            source,
        })?;
    }
    record.set_converted(set.output.clone(), &converted);
    Ok(())
}

/// Stitches pieces a caller already holds in memory (a server's uploads), each given
/// with its name: the name says what the warnings call the piece and which format it
/// claims, and is never opened. Returns the picture unwritten, with the warnings and
/// metadata of every piece; the same layout, band and floors as [`stitch_set`].
pub fn stitch_bytes(
    pieces: &[(&Path, &[u8])],
    opts: &Options,
    sopts: &StitchOptions,
) -> Result<Converted, StitchError> {
    if pieces.len() < 2 {
        return Err(StitchError::TooFewPieces(pieces.len()));
    }
    let per_file: Vec<Vec<Piece>> = pieces
        .par_iter()
        .map(|(name, bytes)| decode_piece(name, bytes, opts))
        .collect::<Result<_, _>>()?;
    let bytes_in = pieces.iter().map(|(_, b)| b.len() as u64).sum();
    stitch_pieces(
        per_file.into_iter().flatten().collect(),
        bytes_in,
        opts,
        sopts,
    )
}

/// Lays decoded pieces out, composes them and fits the canvas into the band. The
/// result carries every piece's warnings and the metadata they held.
fn stitch_pieces(
    pieces: Vec<Piece>,
    bytes_in: u64,
    opts: &Options,
    sopts: &StitchOptions,
) -> Result<Converted, StitchError> {
    let sizes: Vec<(u32, u32)> = pieces
        .iter()
        .map(|p| (p.pixels.width(), p.pixels.height()))
        .collect();
    let arrangement = arrange(
        &sizes,
        sopts.layout,
        sopts.gap,
        sopts.margin,
        opts.profile.min_long_edge,
        MAX_CANVAS_PIXELS.min(opts.max_pixels),
    )?;

    let mut warnings = Vec::new();
    let mut metadata = Metadata::default();
    for (piece, place) in pieces.iter().zip(&arrangement.places) {
        metadata.exif |= piece.metadata.exif;
        metadata.gps |= piece.metadata.gps;
        metadata.xmp |= piece.metadata.xmp;
        metadata.icc |= piece.metadata.icc;
        warnings.extend(piece.warnings.iter().cloned());
        let scale = f64::from(place.width) / f64::from(piece.pixels.width());
        // Past a few percent, an enlarged piece is visibly softer: say which one.
        if scale > 1.05 {
            warnings.push(Warning::InPiece {
                piece: piece.name.clone(),
                warning: Box::new(Warning::EnlargedToMatch(scale)),
            });
        }
    }
    let canvas = compose(pieces, &arrangement);
    let mut converted: Converted =
        pipeline::encode_in_band(&canvas, bytes_in as usize, Format::Jpeg, opts)
            .map_err(StitchError::Fit)?;
    drop(canvas);
    if converted.scale > 1.0 {
        warnings.push(Warning::Enlarged(converted.scale));
    }
    warnings.append(&mut converted.warnings);
    converted.warnings = warnings;
    converted.metadata = metadata;
    Ok(converted)
}

/// Reads one piece file: every picture in it (each page of a multi-page TIFF or PDF is
/// a piece of its own, in page order), normalised as convert does.
fn read_piece(path: &Path, opts: &Options) -> Result<Vec<Piece>, StitchError> {
    let bytes = read_input(path, opts.max_input_bytes).map_err(|problem| StitchError::Piece {
        path: path.to_path_buf(),
        page: None,
        problem,
    })?;
    decode_piece(path, &bytes, opts)
}

/// Decodes one piece's bytes; `path` names it (in warnings and errors) and says which
/// format it claims.
fn decode_piece(path: &Path, bytes: &[u8], opts: &Options) -> Result<Vec<Piece>, StitchError> {
    let fail = |page, problem| StitchError::Piece {
        path: path.to_path_buf(),
        page,
        problem,
    };
    let claimed = claimed_by_name(path);
    // A file named explicitly as a piece must be a picture, whatever its name says.
    let source = pipeline::decode_bytes(bytes, claimed, opts)
        .map_err(|p| fail(None, p))?
        .ok_or_else(|| {
            fail(
                None,
                if bytes.is_empty() {
                    Problem::Empty
                } else {
                    Problem::NotAPicture
                },
            )
        })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    source
        .pictures
        .map(|picture| {
            let decoded = picture.decoded.map_err(|p| fail(picture.page, p))?;
            let mut own = Vec::new();
            if source.renamed {
                own.push(Warning::Renamed {
                    real: source.format,
                });
            }
            let (pixels, metadata) = pipeline::prepare(decoded, &mut own);
            let label = match picture.page {
                Some(n) => format!("{name} page {n}"),
                None => name.clone(),
            };
            Ok(Piece {
                pixels,
                metadata,
                warnings: own
                    .into_iter()
                    .map(|w| Warning::InPiece {
                        piece: label.clone(),
                        warning: Box::new(w),
                    })
                    .collect(),
                name: label,
            })
        })
        .collect()
}

/// Scales each piece to its place and paints it on a white canvas: gray when every
/// piece is gray (a third of the bytes to encode), colour otherwise.
fn compose(pieces: Vec<Piece>, arrangement: &Arrangement) -> Pixels {
    let gray = pieces.iter().all(|p| matches!(p.pixels, Pixels::Gray(_)));
    let (w, h) = (arrangement.width, arrangement.height);
    let scaled: Vec<Pixels> = pieces
        .into_par_iter()
        .zip(arrangement.places.par_iter())
        .map(|(piece, place)| {
            if (piece.pixels.width(), piece.pixels.height()) == (place.width, place.height) {
                piece.pixels
            } else {
                resize(&piece.pixels, place.width, place.height)
            }
        })
        .collect();
    let at = |place: &Rect| (i64::from(place.x), i64::from(place.y));
    if gray {
        let mut canvas = GrayImage::from_pixel(w, h, image::Luma([255]));
        for (pixels, place) in scaled.into_iter().zip(&arrangement.places) {
            if let Pixels::Gray(g) = pixels {
                let (x, y) = at(place);
                image::imageops::replace(&mut canvas, &g, x, y);
            }
        }
        Pixels::Gray(canvas)
    } else {
        let mut canvas = RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
        for (pixels, place) in scaled.into_iter().zip(&arrangement.places) {
            let (x, y) = at(place);
            let rgb = match pixels {
                Pixels::Rgb(rgb) => rgb,
                Pixels::Gray(g) => image::DynamicImage::ImageLuma8(g).into_rgb8(),
            };
            image::imageops::replace(&mut canvas, &rgb, x, y);
        }
        Pixels::Rgb(canvas)
    }
}

/// Why a sets file cannot be used. Nothing is stitched then: a mistake in the file is
/// better fixed once than discovered in half of the outputs.
#[derive(Debug, thiserror::Error)]
pub enum SetsError {
    /// The file cannot be read.
    #[error("cannot read the sets file {}: {source}", path.display())]
    Read {
        /// The sets file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The file is not UTF-8 (Chinese Excel saves plain "CSV" as GBK).
    #[error("{}: not UTF-8 text; save it as \"CSV UTF-8\" (Excel: Save As → CSV UTF-8)", path.display())]
    NotUtf8 {
        /// The sets file.
        path: PathBuf,
    },
    /// A row is malformed.
    #[error("{}, line {line}: {why}", path.display())]
    Row {
        /// The sets file.
        path: PathBuf,
        /// 1-based line where the row starts.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// No rows.
    #[error("{}: no sets (each row: output name, then two or more pictures)", path.display())]
    Empty {
        /// The sets file.
        path: PathBuf,
    },
}

/// Reads a sets file: one row per output, `name,piece,piece[,piece...]`, RFC 4180 CSV
/// (quoted fields may hold commas, quotes and line breaks), UTF-8 with or without the
/// BOM Excel writes. Rows whose first cell starts with `#` are comments; empty
/// trailing cells (Excel pads short rows) are ignored. Output names are relative to
/// `out` and get the output format's extension; piece paths are relative to the sets
/// file's folder, so a sets file travels with its pictures.
pub fn read_sets(csv: &Path, out: &Path, opts: &Options) -> Result<Vec<StitchSet>, SetsError> {
    let bytes = fs::read(csv).map_err(|source| SetsError::Read {
        path: csv.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| SetsError::NotUtf8 {
        path: csv.to_path_buf(),
    })?;
    let row_error = |line, why: String| SetsError::Row {
        path: csv.to_path_buf(),
        line,
        why,
    };
    let base = csv.parent().unwrap_or(Path::new(""));
    let mut sets = Vec::new();
    let mut outputs = HashSet::new();
    for (line, mut cells) in parse_csv(text.trim_start_matches('\u{feff}'))
        .map_err(|(line, why)| row_error(line, why.into()))?
    {
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        let Some((name, pieces)) = cells.split_first() else {
            continue;
        };
        if name.starts_with('#') {
            continue;
        }
        if pieces.len() < 2 {
            return Err(row_error(
                line,
                format!(
                    "'{name}' has {} picture(s); a set needs an output name and at least two pictures",
                    pieces.len()
                ),
            ));
        }
        if let Some(i) = pieces.iter().position(String::is_empty) {
            return Err(row_error(line, format!("cell {} is empty", i + 2)));
        }
        let name_path = Path::new(name);
        if name.is_empty()
            || !name_path
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(row_error(
                line,
                format!(
                    "output name '{name}' must be a plain name or a path inside the output folder"
                ),
            ));
        }
        let set = StitchSet::new(
            &out.join(name_path),
            pieces.iter().map(|p| base.join(p)).collect(),
            opts,
        );
        // Outputs travel to Windows and macOS, where case does not separate names.
        if !outputs.insert(set.output.to_string_lossy().to_lowercase()) {
            return Err(row_error(
                line,
                format!("output name '{name}' is used by an earlier row"),
            ));
        }
        sets.push(set);
    }
    if sets.is_empty() {
        return Err(SetsError::Empty {
            path: csv.to_path_buf(),
        });
    }
    Ok(sets)
}

/// A CSV record and the 1-based line it starts on.
type CsvRow = (usize, Vec<String>);

/// RFC 4180 records with the line each starts on. Unquoted cells are trimmed (people
/// type `a.jpg, b.jpg`); quoted cells are kept exactly. Blank lines give no record.
fn parse_csv(text: &str) -> Result<Vec<CsvRow>, (usize, &'static str)> {
    let mut records = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let (mut quoted, mut in_quotes, mut closed) = (false, false, false);
    let (mut line, mut row_line) = (1, 1);
    let mut chars = text.chars().peekable();
    let finish = |cell: &mut String, quoted: bool| {
        let text = std::mem::take(cell);
        if quoted {
            text
        } else {
            text.trim().to_owned()
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    in_quotes = false;
                    closed = true;
                }
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    cell.push(c);
                }
            }
            continue;
        }
        match c {
            ',' => {
                row.push(finish(&mut cell, quoted));
                (quoted, closed) = (false, false);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(finish(&mut cell, quoted));
                (quoted, closed) = (false, false);
                if row.iter().any(|c| !c.is_empty()) {
                    records.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
            }
            '"' if !quoted && cell.trim().is_empty() => {
                cell.clear();
                (quoted, in_quotes) = (true, true);
            }
            '"' if !quoted => {
                return Err((
                    line,
                    "a quote inside an unquoted cell; quote the whole cell and double the quote (\"a \"\"b\"\" c\")",
                ))
            }
            c if closed && c.is_whitespace() => {}
            _ if closed => return Err((line, "text after a closing quote")),
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err((row_line, "a quoted cell is not closed"));
    }
    row.push(finish(&mut cell, quoted));
    if row.iter().any(|c| !c.is_empty()) {
        records.push((row_line, row));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: u64 = u64::MAX;

    fn vertical(sizes: &[(u32, u32)], floor: u32) -> Arrangement {
        arrange(sizes, Layout::Vertical, 40, 40, floor, BIG).unwrap()
    }

    #[test]
    fn vertical_shrinks_the_larger_piece_to_the_smaller_width() {
        let a = vertical(&[(4000, 3000), (3000, 4000)], 2000);
        assert_eq!(
            a.places[0],
            Rect {
                x: 40,
                y: 40,
                width: 3000,
                height: 2250
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 40,
                y: 40 + 2250 + 40,
                width: 3000,
                height: 4000
            }
        );
        assert_eq!((a.width, a.height), (3080, 40 + 2250 + 40 + 4000 + 40));
        // The landscape piece lost 1 - 0.75² of its 12 MP, half the total.
        assert!((a.loss - 0.4375 / 2.0).abs() < 1e-9, "{}", a.loss);
    }

    #[test]
    fn the_floor_keeps_a_large_piece_legible_next_to_a_small_one() {
        // A 600 px screenshot must not crush an A4 scan to 600 px wide: the scan keeps
        // a 2000 px long edge, and the screenshot is enlarged to match.
        let a = vertical(&[(600, 400), (2480, 3508)], 2000);
        assert_eq!(a.places[0].width, 1414);
        assert_eq!((a.places[1].width, a.places[1].height), (1414, 2000));
        // A landscape photo beside a small portrait letter shrinks to the letter's
        // height, which still leaves its long edge above the floor: nothing enlarged.
        let a = arrange(
            &[(3840, 2160), (1150, 1526)],
            Layout::Horizontal,
            0,
            0,
            2000,
            BIG,
        )
        .unwrap();
        assert_eq!(
            a.places[1],
            Rect {
                x: 2713,
                y: 0,
                width: 1150,
                height: 1526
            }
        );
        assert_eq!(a.places[0].width, 2713);
        // ...but two small pieces are not enlarged to the floor.
        let a = vertical(&[(600, 400), (800, 600)], 2000);
        assert_eq!(a.places[1].width, 800);
        assert_eq!(a.loss, 0.0);
    }

    #[test]
    fn horizontal_uses_a_common_height() {
        let a = arrange(
            &[(4000, 3000), (1000, 2000)],
            Layout::Horizontal,
            10,
            5,
            100,
            BIG,
        )
        .unwrap();
        assert_eq!(
            a.places[0],
            Rect {
                x: 5,
                y: 5,
                width: 2667,
                height: 2000
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 5 + 2667 + 10,
                y: 5,
                width: 1000,
                height: 2000
            }
        );
        assert_eq!((a.width, a.height), (5 + 2667 + 10 + 1000 + 5, 2010));
    }

    #[test]
    fn grid_of_four_is_two_by_two_and_centres_pieces_in_cells() {
        let sizes = [(1000, 800), (1000, 800), (800, 1000), (1000, 800)];
        let a = arrange(&sizes, Layout::Grid, 20, 30, 500, BIG).unwrap();
        // Common long edge 1000; cells 1000×1000.
        assert_eq!((a.width, a.height), (30 + 1000 + 20 + 1000 + 30, 2080));
        assert_eq!(
            a.places[0],
            Rect {
                x: 30,
                y: 130,
                width: 1000,
                height: 800
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 1050,
                y: 130,
                width: 1000,
                height: 800
            }
        );
        assert_eq!(
            a.places[2],
            Rect {
                x: 130,
                y: 1050,
                width: 800,
                height: 1000
            }
        );
        assert_eq!(
            a.places[3],
            Rect {
                x: 1050,
                y: 1150,
                width: 1000,
                height: 800
            }
        );
        // Three pieces: still two columns, two rows, the last cell empty.
        let a = arrange(&sizes[..3], Layout::Grid, 20, 30, 500, BIG).unwrap();
        assert_eq!((a.width, a.height), (2080, 2080));
    }

    #[test]
    fn places_never_overlap_and_stay_inside_the_canvas() {
        let sizes = [
            (4000, 3000),
            (713, 1999),
            (1, 5000),
            (3000, 1),
            (2480, 3508),
        ];
        for layout in [Layout::Vertical, Layout::Horizontal, Layout::Grid] {
            let a = arrange(&sizes, layout, 7, 11, 2000, 30_000_000).unwrap();
            assert!(u64::from(a.width) * u64::from(a.height) <= 30_000_000);
            for (i, r) in a.places.iter().enumerate() {
                assert!(r.x >= 11 && r.y >= 11 && r.width > 0 && r.height > 0);
                assert!(r.x + r.width <= a.width - 11 && r.y + r.height <= a.height - 11);
                for s in &a.places[i + 1..] {
                    let apart = r.x + r.width + 7 <= s.x
                        || s.x + s.width + 7 <= r.x
                        || r.y + r.height + 7 <= s.y
                        || s.y + s.height + 7 <= r.y;
                    assert!(apart, "{layout:?}: {r:?} and {s:?} are closer than the gap");
                }
            }
        }
    }

    #[test]
    fn the_canvas_cap_shrinks_pieces_but_not_gaps() {
        let sizes = [(4000, 3000); 4];
        let a = arrange(&sizes, Layout::Grid, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert!(u64::from(a.width) * u64::from(a.height) <= MAX_CANVAS_PIXELS);
        assert!(a.width > 5000, "shrunk too far: {}", a.width);
        assert_eq!(a.places[1].x - (a.places[0].x + a.places[0].width), 40);
        assert!(a.loss > 0.4 && a.loss < 0.6, "{}", a.loss);
    }

    #[test]
    fn absurd_inputs_fail_instead_of_overflowing() {
        let many = vec![(10, 10); 5000];
        let err = arrange(&many, Layout::Vertical, 1000, 1000, 1, 24_000_000).unwrap_err();
        assert!(matches!(err, LayoutError::TooLarge { .. }));
        assert_eq!(
            arrange(&[], Layout::Auto, 0, 0, 1, BIG),
            Err(LayoutError::NoPieces)
        );
        let huge = [(u32::MAX, u32::MAX), (u32::MAX, 1)];
        // A 4-gigapixel-long sliver cannot sit beside anything at a common height: an
        // error, not an overflow or a giant allocation.
        for layout in [Layout::Vertical, Layout::Horizontal, Layout::Grid] {
            match arrange(&huge, layout, 0, 0, 1, 24_000_000) {
                Ok(a) => assert!(u64::from(a.width) * u64::from(a.height) <= 24_000_000),
                Err(e) => assert!(matches!(e, LayoutError::TooLarge { .. })),
            }
        }
    }

    #[test]
    fn auto_picks_vertical_for_two_landscapes_and_a_grid_for_four() {
        let two = [(4000, 3000), (4000, 3000)];
        let a = arrange(&two, Layout::Auto, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert_eq!(a.layout, Layout::Vertical);
        let two_portraits = [(2480, 3508), (2480, 3508)];
        let a = arrange(
            &two_portraits,
            Layout::Auto,
            40,
            40,
            2000,
            MAX_CANVAS_PIXELS,
        )
        .unwrap();
        assert_eq!(a.layout, Layout::Horizontal);
        let four = [(2000, 1500); 4];
        let a = arrange(&four, Layout::Auto, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert_eq!(a.layout, Layout::Grid);
        // An ID card photo and an A4 letter: stacked, the letter barely shrinks.
        let id_and_letter = [(1600, 1000), (2480, 3508)];
        let a = arrange(
            &id_and_letter,
            Layout::Auto,
            40,
            40,
            2000,
            MAX_CANVAS_PIXELS,
        )
        .unwrap();
        assert_eq!(a.layout, Layout::Vertical);
    }

    #[test]
    fn output_names_get_the_format_extension() {
        let jpg = OutputFormat::Jpeg;
        assert_eq!(
            output_path(Path::new("a/合并.jpg"), jpg),
            Path::new("a/合并.jpg")
        );
        assert_eq!(output_path(Path::new("x.JPEG"), jpg), Path::new("x.jpg"));
        assert_eq!(output_path(Path::new("v1.2"), jpg), Path::new("v1.2.jpg"));
        assert_eq!(
            output_path(Path::new("x.jpg"), OutputFormat::Png),
            Path::new("x.png")
        );
    }

    #[test]
    fn csv_reader_handles_quotes_commas_line_breaks_and_padding() {
        let text = "\"客户A, 合并\",\"手持身份证 照片.jpg\", 授权书 2024.jpg ,,\r\n\
                    \r\n\
                    # a comment,x,y\n\
                    b,\"say \"\"hi\"\".png\",\"two\nlines.jpg\"\n\
                    last,c.jpg,d.jpg";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            (
                1,
                vec![
                    "客户A, 合并".to_owned(),
                    "手持身份证 照片.jpg".to_owned(),
                    "授权书 2024.jpg".to_owned(),
                    String::new(),
                    String::new()
                ]
            )
        );
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[2].0, 4);
        assert_eq!(rows[2].1[1], "say \"hi\".png");
        assert_eq!(rows[2].1[2], "two\nlines.jpg");
        assert_eq!(rows[3].0, 6);
        assert_eq!(parse_csv("a,\"b").unwrap_err().0, 1);
        assert_eq!(parse_csv("a,b\nc,d\"e\"").unwrap_err().0, 2);
        assert_eq!(parse_csv("a,\"b\"c").unwrap_err().0, 1);
    }

    #[test]
    fn sets_resolve_against_the_csv_folder_and_refuse_mistakes() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sets.csv");
        let opts = Options::default();
        let out = Path::new("/out");
        fs::write(&csv, "\u{feff}合并 一,a.jpg,sub/b.png\n").unwrap();
        let sets = read_sets(&csv, out, &opts).unwrap();
        assert_eq!(sets[0].output, Path::new("/out/合并 一.jpg"));
        assert_eq!(
            sets[0].pieces,
            vec![dir.path().join("a.jpg"), dir.path().join("sub/b.png")]
        );
        for (bad, why) in [
            ("x,a.jpg\n", "at least two"),
            ("../x,a.jpg,b.jpg\n", "inside the output folder"),
            ("x,a.jpg,b.jpg\nX.jpg,c.jpg,d.jpg\n", "earlier row"),
            ("x,a.jpg,,b.jpg\n", "empty"),
        ] {
            fs::write(&csv, bad).unwrap();
            let err = read_sets(&csv, out, &opts).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        fs::write(&csv, b"x,\xb0\xa1.jpg,b.jpg\n").unwrap();
        assert!(matches!(
            read_sets(&csv, out, &opts),
            Err(SetsError::NotUtf8 { .. })
        ));
        fs::write(&csv, "# only a comment\n").unwrap();
        assert!(matches!(
            read_sets(&csv, out, &opts),
            Err(SetsError::Empty { .. })
        ));
    }
}
