//! One input's bytes through every stage: sniff → decode → normalise → fit. No file
//! system here: batch, watch and stitch read and write; this only computes, so it is
//! easy to test and to reuse. A sideways JPEG's DCT-domain turn needs only the bytes,
//! so an idle worker may start it before the pixels are decoded.

use std::borrow::Cow;

use image::DynamicImage;

use crate::decode::{self, DecodeLimits, Decoded, Metadata, Resolution};
use crate::document;
use crate::encode::{encode_png, Encoder, MozJpeg};
use crate::error::{Closest, Problem, Warning};
use crate::fit::{self, fit_jpeg, Fitted};
use crate::inspect::{self, ColourClass};
use crate::normalize::{normalize, Pixels};
use crate::options::{FormatChoice, Limits, Options};
use crate::par;
use crate::resize::{resize, scaled_dims, shrink_box};
use crate::sniff::{sniff, Format};
use crate::{jpeg, png, rotate};

/// The format of an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// JPEG, `.jpg`.
    Jpeg,
    /// PNG, `.png`.
    Png,
}

impl OutputFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
        }
    }
}

/// How the output was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The source JPEG or PNG with its metadata removed; compressed data untouched.
    Stripped,
    /// The source JPEG turned upright in the DCT domain (its coefficients moved, not
    /// re-quantised), without metadata.
    Rotated,
    /// Re-encoded as JPEG by the band search.
    Jpeg,
    /// Losslessly re-encoded as PNG.
    Png,
}

/// A converted picture, ready to write: its bytes and what was [`Made`] of the source.
/// It reads as its [`Made`] (`converted.width`), which is also what a
/// [`Record`](crate::report::Record) keeps of it once the bytes are written or sent.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The output file's bytes.
    pub bytes: Vec<u8>,
    /// What the output is and how it was made.
    pub made: Made,
}

impl std::ops::Deref for Converted {
    type Target = Made;

    fn deref(&self) -> &Made {
        &self.made
    }
}

impl std::ops::DerefMut for Converted {
    fn deref_mut(&mut self) -> &mut Made {
        &mut self.made
    }
}

/// What an output picture is and how it was made from its source, without its bytes:
/// one definition for the converted picture ([`Converted`]) and the record of it in
/// every report ([`Record`](crate::report::Record)).
#[derive(Debug, Clone)]
pub struct Made {
    /// Its format.
    pub format: OutputFormat,
    /// How it was made.
    pub method: Method,
    /// JPEG quality, when re-encoded as JPEG.
    pub quality: Option<u8>,
    /// Source dimensions, upright.
    pub width_in: u32,
    /// Source height, upright.
    pub height_in: u32,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Full encodes spent (0 when stripped).
    pub encodes: u32,
    /// Probe encodes spent by the band search (each about an eighth of a full one).
    pub probes: u32,
    /// Output long edge over source long edge.
    pub scale: f64,
    /// Legibility of the output against the source at the output size (1.0 for the
    /// lossless paths).
    pub score: Option<f64>,
    /// Metadata the source carried, none of which is in the output.
    pub metadata: Metadata,
    /// What the user should know.
    pub warnings: Vec<Warning>,
}

/// One input's outcome: its real format and one result per picture in it (one for
/// most files; one per page for multi-page TIFF and PDF).
#[derive(Debug)]
pub struct SourceOutcome {
    /// The real format, from the bytes.
    pub format: Format,
    /// Per picture, in page order.
    pub pictures: Vec<PictureOutcome>,
}

/// One picture's outcome.
#[derive(Debug)]
pub struct PictureOutcome {
    /// 1-based page number, for files with more than one page.
    pub page: Option<u32>,
    /// The converted picture, or why not.
    pub result: Result<Converted, Problem>,
}

/// What sniffing and decoding found in one input: its real format, whether its name
/// claimed another one, and its pictures. Convert and stitch both start here, so a
/// piece of a stitch is read exactly as a file given to convert.
#[derive(Debug)]
pub struct DecodedSource<'a> {
    /// The real format, from the bytes.
    pub format: Format,
    /// The name claims another format (a renamed file).
    pub renamed: bool,
    /// Per picture, in page order; pages are decoded as they are taken.
    pub pictures: decode::Pictures<'a>,
}

/// Sniffs and decodes one input's bytes. `claimed` is the format the file's name claims,
/// if any: unknown bytes are then [`Problem::NotAPicture`] instead of `Ok(None)` (an
/// unrelated file to skip).
pub fn decode_bytes<'a>(
    bytes: &'a [u8],
    claimed: Option<Format>,
    opts: &Options,
) -> Result<Option<DecodedSource<'a>>, Problem> {
    if bytes.is_empty() {
        return if claimed.is_some() {
            Err(Problem::Empty)
        } else {
            Ok(None)
        };
    }
    let Some(format) = sniff(bytes) else {
        return if claimed.is_some() {
            Err(Problem::NotAPicture)
        } else {
            Ok(None)
        };
    };
    let limits = DecodeLimits {
        max_pixels: opts.max_pixels,
    };
    Ok(Some(DecodedSource {
        format,
        renamed: claimed.is_some_and(|c| c != format),
        pictures: decode::decode_all(bytes, format, limits)?,
    }))
}

/// Converts one input's bytes. `claimed` is the format the file's name claims, if any:
/// unknown bytes are then [`Problem::NotAPicture`] instead of `Ok(None)` (an unrelated
/// file to skip), and a mismatch is reported as a renamed file.
pub fn convert_bytes(
    bytes: &[u8],
    claimed: Option<Format>,
    opts: &Options,
) -> Result<Option<SourceOutcome>, Problem> {
    // Only a worker that may be helped reads the header for it (not `-j 1`).
    if let Some(orientation) = par::helpers_possible()
        .then(|| turn_likely(bytes, opts))
        .flatten()
    {
        return convert_beside_turn(bytes, claimed, orientation, opts);
    }
    let Some(DecodedSource {
        format,
        renamed,
        pictures,
    }) = decode_bytes(bytes, claimed, opts)?
    else {
        return Ok(None);
    };
    // One page at a time: each is decoded, converted and dropped before the next.
    let pictures = pictures
        .map(|picture| PictureOutcome {
            page: picture.page,
            result: picture.decoded.and_then(|decoded| {
                let ready = ready_to_fit(format, renamed, decoded, opts);
                fitted(bytes, format, ready, None, None, opts)
            }),
        })
        .collect();
    Ok(Some(SourceOutcome { format, pictures }))
}

/// A JPEG turned upright from its bytes alone, before its pixels were decoded: what
/// [`rotate::upright`] gave for `orientation`.
struct TurnedAhead {
    orientation: u8,
    bytes: Option<Vec<u8>>,
}

/// A picture decoded, made ready and inspected (its page number, and the warnings of
/// the inspection), or why it could not be decoded.
type Inspected = (Option<u32>, Result<(Ready, Vec<Warning>), Problem>);

/// [`convert_bytes`] for a sideways JPEG whose header says it will likely be turned
/// ([`turn_likely`]): the turn needs only the bytes, so it starts beside the decode,
/// normalising and inspection when a worker of the runner is idle (one file alone, the
/// last of a batch), and the file costs the longer of the two instead of their sum. It
/// is speculation, taken up only by an idle worker (never with one job, never while
/// other files wait); whether the turn is used is decided after the decode, exactly as
/// without it, so the output is the same.
fn convert_beside_turn(
    bytes: &[u8],
    claimed: Option<Format>,
    orientation: u8,
    opts: &Options,
) -> Result<Option<SourceOutcome>, Problem> {
    let (source, turned) = par::alongside(
        || -> Result<Option<(Format, Vec<Inspected>)>, Problem> {
            let Some(source) = decode_bytes(bytes, claimed, opts)? else {
                return Ok(None);
            };
            let (format, renamed) = (source.format, source.renamed);
            let pictures = source.pictures.map(|picture| {
                let ready = picture.decoded.map(|decoded| {
                    let ready = ready_to_fit(format, renamed, decoded, opts);
                    let found = inspect_warnings(&ready.pixels, &opts.limits);
                    (ready, found)
                });
                (picture.page, ready)
            });
            Ok(Some((format, pictures.collect())))
        },
        || rotate::upright(bytes, orientation),
    );
    let mut ahead = turned.map(|bytes| TurnedAhead { orientation, bytes });
    Ok(source?.map(|(format, pictures)| {
        let pictures = pictures.into_iter().map(|(page, ready)| PictureOutcome {
            page,
            result: ready.and_then(|(ready, found)| {
                fitted(bytes, format, ready, Some(found), ahead.take(), opts)
            }),
        });
        SourceOutcome {
            format,
            pictures: pictures.collect(),
        }
    }))
}

/// The EXIF orientation of a JPEG whose header says [`fit_source`] will likely turn it:
/// sideways, its coded data kept (the profile allows JPEG, no ICC profile but sRGB) and
/// worth turning for its size, and not cut short (which the decode refuses at once).
/// The header cannot say CMYK or damaged data; those waste the turn, and the decision
/// after the decode still rules.
fn turn_likely(bytes: &[u8], opts: &Options) -> Option<u8> {
    if sniff(bytes) != Some(Format::Jpeg)
        || !matches!(opts.profile.format, FormatChoice::Auto | FormatChoice::Jpeg)
    {
        return None;
    }
    let orientation = jpeg::metadata(bytes).orientation.unwrap_or(1);
    let keeps_coding = jpeg::icc_profile(bytes)
        .as_deref()
        .is_none_or(crate::normalize::is_srgb_profile);
    // Stripping keeps everything from the first scan on: a file past the band by that
    // alone (a 10 MB 48 MP photo) is refused before stripping copies it.
    let scan = jpeg::coded_len(bytes);
    let likely = orientation != 1
        && keeps_coding
        && scan as f64 <= opts.profile.max_bytes as f64 * (1.0 + TURN_SLACK)
        && worth_turning(jpeg::strip_metadata(bytes)?.len(), opts)
        && jpeg::has_end(bytes);
    likely.then_some(orientation)
}

/// Normalises a decoded picture and adds the warnings convert gives about its content
/// (animation, colour handling, colour class, blur, resolution). Shared with stitch so
/// each piece is treated as convert treats a file.
pub fn prepare(
    decoded: Decoded,
    limits: &Limits,
    warnings: &mut Vec<Warning>,
) -> (Pixels, Metadata) {
    let (pixels, metadata) = normalized(decoded, warnings);
    warnings.append(&mut inspect_warnings(&pixels, limits));
    (pixels, metadata)
}

/// The normalised pixels and the metadata of a decoded picture, with the warnings about
/// animation and colour handling; [`inspect_warnings`] adds the rest.
fn normalized(decoded: Decoded, warnings: &mut Vec<Warning>) -> (Pixels, Metadata) {
    let metadata = decoded.metadata;
    if decoded.animated {
        warnings.push(Warning::Animated);
    }
    if let Some(reduced) = decoded.reduced {
        warnings.push(Warning::Reduced(reduced));
    }
    (normalize(decoded, warnings), metadata)
}

/// The reviewer's checks on the normalised source (blur, resolution, colour class), as
/// warnings, against the limits of the rules in force. They read the pixels only, so convert runs them beside the encode (or
/// beside a turn started early, [`convert_beside_turn`]).
fn inspect_warnings(pixels: &Pixels, limits: &Limits) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let long_edge = pixels.long_edge();
    if long_edge < limits.min_long_edge {
        warnings.push(Warning::LowResolution(long_edge));
    } else {
        // Below the resolution floor the sharpness scale means nothing; the resolution
        // warning says what matters. Sharpness is measured at a fixed scale anyway, so
        // shrink with SIMD here rather than converting the full picture to luma first.
        let scale = f64::from(inspect::SHARPNESS_LONG_EDGE) / f64::from(long_edge);
        let preview = if scale < 1.0 {
            let (w, h) = scaled_dims(pixels.width(), pixels.height(), scale);
            shrink_box(pixels, w, h)
        } else {
            pixels.clone()
        };
        let sharpness = inspect::sharpness(&preview.into_dynamic());
        if sharpness < limits.min_sharpness {
            warnings.push(Warning::Blurred(sharpness));
        }
    }
    // Colour on the full picture: shrinking would pale a thin red seal's strokes.
    if limits.colour {
        match inspect::colour_class_of(pixels) {
            ColourClass::Colour => {}
            ColourClass::Grayscale => warnings.push(Warning::Grayscale),
            ColourClass::Bilevel => warnings.push(Warning::Bilevel),
        }
    }
    // What the reviewer rejects on sight; convert does not know the kind, so these warn.
    if !limits.content {
        return warnings;
    }
    let view = match pixels {
        Pixels::Rgb(i) => {
            document::View::new(i.width() as usize, i.height() as usize, i.as_raw(), 3)
        }
        Pixels::Gray(i) => {
            document::View::new(i.width() as usize, i.height() as usize, i.as_raw(), 1)
        }
    };
    let examined = document::examine_view(&view);
    warnings.extend(
        examined
            .findings(document::KindClass::Unknown)
            .into_iter()
            .map(Warning::Content),
    );
    warnings
}

/// Removes a container's metadata without touching its compressed data.
type Stripper = fn(&[u8]) -> Option<Vec<u8>>;

/// A decoded picture normalised, with what fitting it must know of the source (read
/// before normalising consumed it) and the warnings so far.
struct Ready {
    pixels: Pixels,
    metadata: Metadata,
    warnings: Vec<Warning>,
    /// How to remove the metadata, when the source may keep its coded data.
    strip: Option<Stripper>,
    orientation: u8,
    /// The resolution of the upright picture.
    resolution: Option<Resolution>,
}

/// Normalises one decoded picture of a `format` file (`renamed` when its name claims
/// another format) and notes what [`fitted`] needs.
fn ready_to_fit(format: Format, renamed: bool, decoded: Decoded, opts: &Options) -> Ready {
    let mut warnings = Vec::new();
    if renamed {
        warnings.push(Warning::Renamed { real: format });
    }
    // A source that already meets every rule keeps its compressed data: only metadata
    // is removed, so there is no generation loss and no encode at all. A JPEG that
    // meets them all but its orientation is turned in the DCT domain instead.
    // A picture decoded smaller is no longer the one its coded data holds.
    let keeps_coding = decoded.cmyk.is_none()
        && !decoded.animated
        && decoded.reduced.is_none()
        && decoded
            .icc
            .as_deref()
            .is_none_or(crate::normalize::is_srgb_profile);
    let orientation = decoded.orientation;
    let strip: Option<Stripper> = match (format, opts.profile.format) {
        (Format::Jpeg, FormatChoice::Auto | FormatChoice::Jpeg) => Some(jpeg::strip_metadata),
        (Format::Png, FormatChoice::Auto | FormatChoice::Png)
            if opts.limits.accepts(Format::Png)
                && matches!(
                    decoded.image,
                    DynamicImage::ImageRgb8(_) | DynamicImage::ImageLuma8(_)
                ) =>
        {
            Some(png::strip_metadata)
        }
        _ => None,
    };
    // Resolution of the upright picture: EXIF orientations 5–8 turn it a quarter.
    let resolution = decoded.resolution.map(|r| {
        if decoded.orientation >= 5 {
            r.transposed()
        } else {
            r
        }
    });
    let (pixels, metadata) = normalized(decoded, &mut warnings);
    Ready {
        pixels,
        metadata,
        warnings,
        strip: strip.filter(|_| keeps_coding),
        orientation,
        resolution,
    }
}

/// Fits a picture made ready. `source` holds the original bytes, used for the lossless
/// paths of compliant JPEGs and to judge whether PNG can fit; `inspected` holds the
/// inspection's warnings when it already ran (beside a turn started early), `ahead`
/// that turn.
fn fitted(
    source: &[u8],
    format: Format,
    ready: Ready,
    inspected: Option<Vec<Warning>>,
    ahead: Option<TurnedAhead>,
    opts: &Options,
) -> Result<Converted, Problem> {
    let Ready {
        pixels,
        metadata,
        mut warnings,
        strip,
        orientation,
        resolution,
    } = ready;
    let fit = || fit_source(source, format, strip, orientation, ahead, &pixels, opts);
    let (mut found, converted) = match inspected {
        Some(found) => (found, fit()),
        // The checks only read the pixels: an idle worker runs them beside the encode.
        None => par::both(|| inspect_warnings(&pixels, &opts.limits), fit),
    };
    warnings.append(&mut found);
    let mut converted = converted?;
    if let Some(r) = resolution {
        keep_resolution(&mut converted, r, opts);
    }
    if converted.scale > 1.0 {
        warnings.push(Warning::Enlarged(converted.scale));
    }
    converted.metadata = metadata;
    warnings.append(&mut converted.warnings);
    converted.warnings = warnings;
    Ok(converted)
}

/// The source's own compressed data, when `strip` is given and that lands in the band:
/// with its metadata stripped, or, for a JPEG stored turned (`orientation` 2–8), turned
/// upright in the DCT domain (or taken from `ahead`, the same turn done beside the
/// decode). Otherwise the pixels encoded into the band.
fn fit_source(
    source: &[u8],
    format: Format,
    strip: Option<Stripper>,
    orientation: u8,
    ahead: Option<TurnedAhead>,
    pixels: &Pixels,
    opts: &Options,
) -> Result<Converted, Problem> {
    let lossless = strip
        .and_then(|strip| {
            let stripped = strip(source)?;
            match orientation {
                1 => Some((stripped, Method::Stripped)),
                _ if format == Format::Jpeg && worth_turning(stripped.len(), opts) => {
                    let turned = match ahead {
                        Some(ahead) if ahead.orientation == orientation => ahead.bytes,
                        _ => rotate::upright(source, orientation),
                    };
                    turned.map(|bytes| (bytes, Method::Rotated))
                }
                _ => None,
            }
        })
        .filter(|(bytes, _)| opts.profile.in_band(bytes.len() as u64))
        // The source's own pixels must also be inside the rules' pixel bounds.
        .filter(|_| {
            opts.limits
                .pixel_bounds(pixels.width(), pixels.height())
                .is_ok()
        });
    Ok(match lossless {
        Some((bytes, method)) => Converted {
            bytes,
            made: Made {
                format: if format == Format::Png {
                    OutputFormat::Png
                } else {
                    OutputFormat::Jpeg
                },
                method,
                quality: None,
                width_in: pixels.width(),
                height_in: pixels.height(),
                width: pixels.width(),
                height: pixels.height(),
                encodes: 0,
                probes: 0,
                scale: 1.0,
                score: Some(1.0),
                // The caller fills in what was removed.
                metadata: Metadata::default(),
                warnings: Vec::new(),
            },
        },
        None => encode_in_band(pixels, source.len(), format, opts)?,
    })
}

/// Whether a JPEG whose coded data (metadata removed) is `len` bytes may land in the band
/// once turned in the DCT domain. The turn keeps every coefficient; only the Huffman
/// tables, optimised again for the turned runs of zeros, change the size (by under 1 %
/// on the phone photos measured). A file further out is not worth the turn: a 10 MB
/// 48 MP photo took half a second to turn only to be re-encoded anyway.
fn worth_turning(len: usize, opts: &Options) -> bool {
    let (len, p) = (len as f64, &opts.profile);
    len >= p.min_bytes as f64 * (1.0 - TURN_SLACK) && len <= p.max_bytes as f64 * (1.0 + TURN_SLACK)
}

/// How far outside the band, as a share of its bounds, a JPEG is still turned.
const TURN_SLACK: f64 = 0.05;

/// Writes the source's resolution into the output, scaled with the output's pixels so
/// the paper keeps its size. The chunk or segment this may add (at most 21 bytes) must
/// not push the file out of the band; if it would, the output goes without it.
fn keep_resolution(converted: &mut Converted, source: Resolution, opts: &Options) {
    let scaled = Resolution {
        x: source.x * f64::from(converted.width) / f64::from(converted.width_in),
        y: source.y * f64::from(converted.height) / f64::from(converted.height_in),
    };
    let bytes = converted.bytes.clone();
    let stamped = match converted.format {
        OutputFormat::Jpeg => jpeg::with_density(bytes, scaled),
        OutputFormat::Png => png::with_density(bytes, scaled),
    };
    if opts.profile.in_band(stamped.len() as u64) {
        converted.bytes = stamped;
    }
}

/// Encodes normalised pixels into the band: PNG where the profile and the source allow
/// it and the lossless file fits, JPEG otherwise; inside the pixel bounds of the rules
/// in force, or [`Problem::BandUnreachable`].
pub fn encode_in_band(
    pixels: &Pixels,
    source_len: usize,
    source: Format,
    opts: &Options,
) -> Result<Converted, Problem> {
    let profile = &opts.profile;
    let (width_in, height_in) = (pixels.width(), pixels.height());
    let (bounded, pre_scale) = into_pixel_bounds(pixels, &opts.limits);
    let pixels: &Pixels = &bounded;
    let converted = encode_bounded(pixels, width_in, height_in, source_len, source, opts)?;
    let mut converted = converted;
    converted.scale *= pre_scale;
    // Bounds that no scale meets (a strip too narrow for the minimum once inside the
    // maximum): the closest output is reported, not written.
    if opts
        .limits
        .pixel_bounds(converted.width, converted.height)
        .is_err()
    {
        let closest = match converted.format {
            OutputFormat::Png => Closest::Png {
                bytes: converted.bytes.len() as u64,
            },
            OutputFormat::Jpeg => Closest::Jpeg {
                estimated: false,
                bytes: converted.bytes.len() as f64,
                quality: converted.quality.unwrap_or(0),
                width: converted.width,
                height: converted.height,
                illegible: None,
                gave_up_after: None,
            },
        };
        return Err(Problem::BandUnreachable {
            min: profile.min_bytes,
            max: profile.max_bytes,
            closest,
        });
    }
    Ok(converted)
}

/// `pixels` rescaled into the pixel bounds of the rules in force, and the scale used
/// (1.0: untouched): shrunk to the maximum, or enlarged to the minimum where the
/// maximum leaves room. The band search then moves only inside them.
fn into_pixel_bounds<'a>(pixels: &'a Pixels, limits: &Limits) -> (Cow<'a, Pixels>, f64) {
    let long = f64::from(pixels.long_edge());
    let short = f64::from(pixels.width().min(pixels.height()));
    let to_max = limits.max_pixels.map_or(f64::INFINITY, |(l, s)| {
        (f64::from(l) / long).min(f64::from(s) / short)
    });
    let to_min = limits.min_pixels.map_or(0.0, |(l, s)| {
        (f64::from(l) / long).max(f64::from(s) / short)
    });
    let scale = if to_max < 1.0 {
        to_max
    } else if to_min > 1.0 {
        to_min.min(to_max)
    } else {
        return (Cow::Borrowed(pixels), 1.0);
    };
    let (w, h) = scaled_dims(pixels.width(), pixels.height(), scale);
    (Cow::Owned(resize(pixels, w, h)), scale)
}

/// [`encode_in_band`] on pixels already inside the pixel bounds; `width_in` ×
/// `height_in` is the source's size.
fn encode_bounded(
    pixels: &Pixels,
    width_in: u32,
    height_in: u32,
    source_len: usize,
    source: Format,
    opts: &Options,
) -> Result<Converted, Problem> {
    let profile = &opts.profile;
    let try_png = match profile.format {
        FormatChoice::Png => true,
        FormatChoice::Jpeg => false,
        // Lossless only pays off for sources that were lossless and already in the band:
        // oxipng gains a few percent on a PNG (seconds on a big noisy scan, for a file
        // that then stays far above the maximum), and a file under the minimum only
        // gets smaller. BMP is uncompressed, so its size says nothing; small ones
        // (screenshots) are worth a try.
        // A PNG only where the rules in force take one.
        FormatChoice::Auto if !opts.limits.accepts(Format::Png) => false,
        FormatChoice::Auto => match source {
            Format::Png | Format::Gif => profile.in_band(source_len as u64),
            Format::Bmp => u64::from(pixels.width()) * u64::from(pixels.height()) <= 2_000_000,
            _ => false,
        },
    };
    if try_png {
        let png = encode_png(pixels)?;
        if profile.in_band(png.len() as u64) {
            return Ok(Converted {
                bytes: png,
                made: Made {
                    format: OutputFormat::Png,
                    method: Method::Png,
                    quality: None,
                    width_in,
                    height_in,
                    width: pixels.width(),
                    height: pixels.height(),
                    encodes: 1,
                    probes: 0,
                    scale: 1.0,
                    score: Some(1.0),
                    metadata: Metadata::default(),
                    warnings: Vec::new(),
                },
            });
        }
        if profile.format == FormatChoice::Png {
            return Err(Problem::BandUnreachable {
                min: profile.min_bytes,
                max: profile.max_bytes,
                closest: Closest::Png {
                    bytes: png.len() as u64,
                },
            });
        }
    }
    let encoder = MozJpeg {
        settings: profile.jpeg_settings(),
    };
    let limits = fit::Limits {
        max_pixels: opts.max_pixels,
        max_edges: opts.limits.max_pixels,
        min_edges: opts.limits.min_pixels,
    };
    let fitted = fit_jpeg(pixels, profile, &encoder as &dyn Encoder, limits)?;
    #[cfg(feature = "ocr")]
    let (fitted, reading) = match opts.reader.as_deref() {
        Some(reader) => crate::verify::keep_reading(reader, pixels, fitted, |floor| {
            let stricter = crate::options::Profile {
                min_quality: floor,
                ..profile.clone()
            };
            fit_jpeg(pixels, &stricter, &encoder as &dyn Encoder, limits).ok()
        }),
        None => (fitted, None),
    };
    #[cfg(not(feature = "ocr"))]
    let reading: Option<Warning> = None;
    let Fitted {
        bytes,
        grain,
        quality,
        width,
        height,
        encodes,
        probes,
        scale,
        score,
    } = fitted;
    let mut warnings = Vec::new();
    if grain > 0 {
        warnings.push(Warning::Grained { levels: grain });
    }
    warnings.extend(reading);
    Ok(Converted {
        bytes,
        made: Made {
            format: OutputFormat::Jpeg,
            method: Method::Jpeg,
            quality: Some(quality),
            width_in,
            height_in,
            width,
            height,
            encodes: encodes + u32::from(try_png),
            probes,
            scale,
            score,
            metadata: Metadata::default(),
            warnings,
        },
    })
}
