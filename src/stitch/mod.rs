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
//! after the piece). The pieces are laid out on a white canvas ([`layout`]), and the
//! canvas goes through the same band search as a converted file
//! ([`pipeline::encode_in_band`]). A piece that cannot be used stops its set before
//! anything is written: a combined picture missing one document would be rejected by
//! the reviewer, so writing it would only hide the problem. Sets run on the shared
//! [`Runner`]; many sets come from a spreadsheet ([`sets`]).

mod layout;
mod sets;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use image::{GrayImage, RgbImage};
use rayon::prelude::*;

use crate::batch::read_input;
use crate::decode::Metadata;
use crate::error::{Problem, Skip, Warning};
use crate::normalize::Pixels;
use crate::options::{FormatChoice, Options};
use crate::pipeline::{self, Converted, OutputFormat};
use crate::report::Record;
use crate::resize::resize;
use crate::run::{Panicked, Progress, Runner};
use crate::sniff::{claimed_by_name, Format};
use crate::write::{write_atomic, WriteMode};

pub use crate::error::StitchError;
pub use crate::error::StitchOptionsError;
pub use layout::{
    arrange, Arrangement, Layout, LayoutError, Rect, ASPECT_WEIGHT, MAX_CANVAS_PIXELS,
};
pub use sets::{read_sets, RowError, SetsError};

/// Default white space between pieces, in canvas pixels.
pub const DEFAULT_GAP: u32 = 40;
/// Default white border around the canvas, in canvas pixels.
pub const DEFAULT_MARGIN: u32 = 40;
/// Largest gap or margin accepted: more is a typo, and would only waste the band.
pub const MAX_SPACING: u32 = 1000;
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
    pub fn validate(&self) -> Result<(), StitchOptionsError> {
        if self.gap > MAX_SPACING || self.margin > MAX_SPACING {
            return Err(StitchOptionsError::SpacingTooLarge {
                gap: self.gap,
                margin: self.margin,
                max: MAX_SPACING,
            });
        }
        Ok(())
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

/// A decoded, normalised piece.
struct Piece {
    /// File name: how warnings name the piece.
    name: String,
    /// Its page, for multi-page files.
    page: Option<u32>,
    pixels: Pixels,
    metadata: Metadata,
    warnings: Vec<Warning>,
}

/// Stitches every set on `runner` and returns one record per set, in order. Failures
/// are records, never panics.
pub fn stitch_sets(
    sets: &[StitchSet],
    opts: &Options,
    sopts: &StitchOptions,
    runner: &Runner,
    progress: &dyn Progress,
) -> Vec<Record> {
    progress.start(sets.len() as u64, 0);
    runner.map(
        sets,
        |set| stitch_set(set, opts, sopts),
        |set, done| {
            let millis = done.millis;
            let mut record = done.or_else(|Panicked(text)| {
                let first = set.pieces.first().cloned().unwrap_or_default();
                set_record(set, Record::failed(first, 0, StitchError::Panic(text)))
            });
            record.millis = millis;
            progress.record(&record);
            record
        },
    )
}

/// `record` as a set's: naming all its pieces, and its output.
fn set_record(set: &StitchSet, record: Record) -> Record {
    Record {
        pieces: set.pieces.clone(),
        ..record.with_output(Some(set.output.clone()))
    }
}

/// Stitches one set into its record: written, skipped (the output exists), or failed.
/// Run it through a [`Runner`], which catches a codec's panic.
pub fn stitch_set(set: &StitchSet, opts: &Options, sopts: &StitchOptions) -> Record {
    let first = set.pieces.first().cloned().unwrap_or_default();
    // Every piece counts, a multi-page one once.
    let bytes_in = set
        .pieces
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let record = if !opts.overwrite && set.output.exists() {
        Record::skipped(first, bytes_in, Skip::OutputExists)
    } else {
        match stitch_into(set, opts, sopts, bytes_in) {
            Ok(converted) => Record::wrote(first, bytes_in, set.output.clone(), &converted),
            Err(StitchError::Write { source, .. })
                if source.kind() == io::ErrorKind::AlreadyExists =>
            {
                Record::skipped(first, bytes_in, Skip::OutputExists)
            }
            Err(e) => Record::failed(first, bytes_in, e),
        }
    };
    set_record(set, record)
}

/// Stitches one set and writes it (unless this is a dry run); the conversion holds
/// every piece's warnings and metadata, and the canvas as its source.
fn stitch_into(
    set: &StitchSet,
    opts: &Options,
    sopts: &StitchOptions,
    bytes_in: u64,
) -> Result<Converted, StitchError> {
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
    let converted = stitch_pieces(
        per_file.into_iter().flatten().collect(),
        bytes_in,
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
    Ok(converted)
}

/// Stitches pieces a caller holds in memory (a server's uploads), each with its name:
/// the name says what warnings and errors call the piece and which format it claims,
/// and is never opened. Returns the picture unwritten, with the warnings and metadata
/// of every piece: the same layout, band and floors as [`stitch_set`].
// Its one caller is the web server (`serve`).
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
pub(crate) fn stitch_bytes(
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

/// Lays decoded pieces out, composes them and fits the canvas into the band; the
/// conversion holds every piece's warnings and metadata, and the canvas as its source.
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
            warnings.push(piece.says(Warning::EnlargedToMatch(scale)));
        }
    }
    let canvas = compose(pieces, &arrangement);
    let mut converted = pipeline::encode_in_band(&canvas, bytes_in as usize, Format::Jpeg, opts)
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

impl Piece {
    /// A warning about this piece, naming it.
    fn says(&self, warning: Warning) -> Warning {
        Warning::InPiece {
            piece: self.name.clone(),
            page: self.page,
            warning: Box::new(warning),
        }
    }
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
            let (pixels, metadata) = pipeline::prepare(decoded, &opts.limits, &mut own);
            let mut piece = Piece {
                name: name.clone(),
                page: picture.page,
                pixels,
                metadata,
                warnings: Vec::new(),
            };
            piece.warnings = own.into_iter().map(|w| piece.says(w)).collect();
            Ok(piece)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
