//! Bytes to pixels, with the facts later stages need: EXIF orientation, the embedded
//! colour profile, whether the source was CMYK or animated, and what metadata it held
//! (so the report can say what was removed).
//!
//! Raster formats go through the `image` crate with its memory limits switched on and
//! the pixel count checked against `--max-pixels` *before* any pixel is decoded, so a
//! few-kilobyte "decompression bomb" is refused instead of exhausting memory.

pub mod heif;
pub mod jpeg;
pub mod pages;

use std::io::Cursor;

use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::Problem;
use crate::sniff::Format;

/// A decoded picture and what was learnt about it on the way.
#[derive(Debug)]
pub struct Decoded {
    /// The pixels as stored (not yet rotated).
    pub image: DynamicImage,
    /// EXIF orientation, 1–8 (1 = upright as stored).
    pub orientation: u8,
    /// Embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
    /// The source stored CMYK/YCCK, and how its ink became these RGB pixels.
    pub cmyk: Option<CmykConversion>,
    /// The source has more than one frame; only the first was decoded.
    pub animated: bool,
    /// Metadata found in the source (all of it is dropped from the output).
    pub metadata: Metadata,
    /// The physical resolution of the stored pixels (before EXIF orientation), which
    /// the outputs keep: JFIF or EXIF for JPEG, pHYs for PNG, TIFF's tags, a PDF page's
    /// drawn size.
    pub resolution: Option<Resolution>,
}

/// How a CMYK source's ink became RGB.
#[derive(Debug, Clone, PartialEq)]
pub enum CmykConversion {
    /// Through its embedded ICC profile to sRGB: the colours are the ones the profile
    /// describes.
    Profile,
    /// With the generic formula (each ink takes its share of the light): there was no
    /// profile, or it could not be used (why, in words).
    Generic {
        /// Why the embedded profile was not used, when there was one.
        profile_ignored: Option<String>,
    },
}

/// Metadata a source carried. Reported so users know what was stripped; GPS matters most.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Metadata {
    /// An EXIF block.
    pub exif: bool,
    /// GPS position inside the EXIF block.
    pub gps: bool,
    /// An XMP packet.
    pub xmp: bool,
    /// An ICC colour profile.
    pub icc: bool,
}

/// A picture's physical resolution in dots per inch, across and down. Not metadata in
/// the privacy sense: it says how large the paper was, which printing, OCR and viewers
/// use, and the outputs keep it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    /// Dots per inch across.
    pub x: f64,
    /// Dots per inch down.
    pub y: f64,
}

impl Resolution {
    /// A resolution, or `None` when either value is not a plausible one (1 to 100,000
    /// dpi): zero, or the "1×1" of a header that states only the pixel aspect.
    pub fn new(x: f64, y: f64) -> Option<Resolution> {
        let plausible = |v: f64| (1.5..=100_000.0).contains(&v);
        (plausible(x) && plausible(y)).then_some(Resolution { x, y })
    }

    /// The same resolution for the picture turned a quarter (across becomes down).
    pub fn transposed(self) -> Resolution {
        Resolution {
            x: self.y,
            y: self.x,
        }
    }
}

/// Decoding limits from the batch options.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Largest width × height accepted.
    pub max_pixels: u64,
}

/// One picture of an input: most inputs hold one; TIFF and PDF may hold several pages,
/// each decoded (or failed) on its own so one bad page does not lose the others.
#[derive(Debug)]
pub struct Picture {
    /// 1-based page number, set only when the file has more than one page (so a
    /// single-page TIFF or PDF keeps its plain output name).
    pub page: Option<u32>,
    /// The page's pixels and facts, or why it could not be decoded.
    pub decoded: Result<Decoded, Problem>,
}

/// The pictures of an input, in page order. Pages of a TIFF or PDF are decoded one at a
/// time as the iterator advances, so a 100-page scan costs one page's memory.
pub struct Pictures<'a> {
    /// How many pictures the input holds.
    pub count: u32,
    iter: Box<dyn Iterator<Item = Picture> + 'a>,
}

impl Iterator for Pictures<'_> {
    type Item = Picture;

    fn next(&mut self) -> Option<Picture> {
        self.iter.next()
    }
}

impl std::fmt::Debug for Pictures<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pictures")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl<'a> Pictures<'a> {
    fn one(decoded: Decoded) -> Pictures<'a> {
        Pictures {
            count: 1,
            iter: Box::new(std::iter::once(Picture {
                page: None,
                decoded: Ok(decoded),
            })),
        }
    }
}

/// Decodes the pictures in `bytes`, whose format `sniff` found to be `format`: a
/// single picture at once (its failure is the error), pages as they are taken.
pub fn decode_all(
    bytes: &[u8],
    format: Format,
    limits: DecodeLimits,
) -> Result<Pictures<'_>, Problem> {
    let image_format = match format {
        Format::Tiff => return Ok(pictures(pages::tiff_pages(bytes, limits.max_pixels)?)),
        Format::Pdf => return Ok(pictures(pages::pdf_pages(bytes, limits.max_pixels)?)),
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Bmp => ImageFormat::Bmp,
        Format::Webp => ImageFormat::WebP,
        Format::Heic | Format::Avif => return Ok(Pictures::one(decode_heif(bytes, limits)?)),
        Format::Psd | Format::Jpeg2000 | Format::JpegXl | Format::BigTiff => {
            return Err(Problem::Unsupported {
                format,
                hint: ": save it as JPEG or PNG first",
            })
        }
    };
    Ok(Pictures::one(decode_raster(
        bytes,
        format,
        image_format,
        limits,
    )?))
}

/// Pages of a TIFF or PDF as pictures; numbered only when there are several.
fn pictures(pages: pages::Pages<'_>) -> Pictures<'_> {
    let count = pages.count;
    let numbered = count > 1;
    let iter = pages.enumerate().map(move |(i, page)| Picture {
        page: numbered.then_some(i as u32 + 1),
        decoded: page.map_err(Problem::from).map(|page| Decoded {
            metadata: Metadata {
                icc: page.icc.is_some(),
                ..Metadata::default()
            },
            image: page.image,
            // Pages come upright: TIFF orientation and PDF /Rotate are applied.
            orientation: 1,
            icc: page.icc,
            cmyk: None,
            animated: false,
            resolution: page.resolution,
        }),
    });
    Pictures {
        count,
        iter: Box::new(iter),
    }
}

/// Decodes HEIC/AVIF through the system's libheif. The pixels come upright: HEIF
/// stores rotation and mirroring in its own boxes, which libheif applies, and the EXIF
/// orientation copied from the camera must not be applied a second time.
fn decode_heif(bytes: &[u8], limits: DecodeLimits) -> Result<Decoded, Problem> {
    let image = heif::decode(bytes, limits.max_pixels)?;
    let icc = heif::icc_profile(bytes)?;
    let exif = heif::exif(bytes)?;
    let gps = exif.as_deref().and_then(parse_exif).is_some_and(|p| p.gps);
    Ok(Decoded {
        image,
        orientation: 1,
        metadata: Metadata {
            exif: exif.is_some(),
            gps,
            xmp: false,
            icc: icc.is_some(),
        },
        icc,
        cmyk: None,
        animated: false,
        resolution: None,
    })
}

/// Decodes a single-picture raster file through the `image` crate.
fn decode_raster(
    bytes: &[u8],
    format: Format,
    image_format: ImageFormat,
    limits: DecodeLimits,
) -> Result<Decoded, Problem> {
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Problem::Corrupt {
            format,
            detail: format!("{e} (it would need more memory than allowed)"),
        },
        _ => Problem::Corrupt {
            format,
            detail: e.to_string(),
        },
    };

    // zune-jpeg fills a truncated scan with gray instead of failing; a file cut short by
    // an interrupted copy must be reported, not converted into half a document.
    if format == Format::Jpeg && !crate::jpeg::has_end(bytes) {
        return Err(Problem::Corrupt {
            format,
            detail: "the file ends before the picture data does".into(),
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut image_limits = Limits::default();
    // 16-bit RGBA is the widest layout any of these decoders produces; allow one such
    // buffer plus slack for the decoder's own scratch space.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(image_limits.clone());
    let mut decoder = reader.into_decoder().map_err(corrupt)?;

    let (width, height) = decoder.dimensions();
    check_pixels(width, height, limits.max_pixels)?;

    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|p| !p.is_empty());
    let exif = decoder.exif_metadata().ok().flatten();
    let xmp = decoder.xmp_metadata().ok().flatten().is_some();
    let parsed = exif.as_deref().and_then(parse_exif);
    let orientation = match &parsed {
        Some(p) => p.orientation,
        // TIFF keeps the orientation in its own tags rather than an EXIF block.
        None => orientation_number(decoder.orientation().map_err(corrupt)?),
    };
    let metadata = Metadata {
        exif: exif.is_some(),
        gps: parsed.as_ref().is_some_and(|p| p.gps),
        xmp,
        icc: icc.is_some(),
    };

    let mut cmyk = None;
    let mut resolution = match format {
        Format::Png => crate::density::png_resolution(bytes),
        _ => None,
    };
    let (image, animated) = match format {
        // GIF and WebP decoders hand out the first frame through the animation API, which
        // also tells whether there are more frames.
        Format::Gif => {
            let mut gif =
                image::codecs::gif::GifDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
            // This second decoder needs the limits too: a frame may claim far more pixels
            // than the screen size checked above (a 35-byte GIF with a 65535×65535 frame
            // on a 16×16 screen took 4 GB and 13 s before this; found by tests/robust.rs).
            gif.set_limits(image_limits).map_err(corrupt)?;
            let mut frames = gif.into_frames();
            let first = frames
                .next()
                .ok_or_else(|| Problem::Corrupt {
                    format,
                    detail: "no frame".into(),
                })?
                .map_err(corrupt)?;
            let animated = frames.next().is_some();
            (DynamicImage::ImageRgba8(first.into_buffer()), animated)
        }
        Format::Webp => {
            let webp =
                image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
            let animated = webp.has_animation();
            (
                DynamicImage::from_decoder(decoder).map_err(corrupt)?,
                animated,
            )
        }
        Format::Jpeg => {
            drop(decoder);
            let decoded = jpeg::decode(bytes).map_err(|e| jpeg_problem(format, e))?;
            let (image, conversion) = jpeg_image(decoded.samples, icc.as_deref());
            cmyk = conversion;
            // JFIF's density first: it describes these pixels; EXIF's is often the
            // camera's default 72 dpi.
            resolution = decoded
                .resolution
                .or_else(|| parsed.as_ref().and_then(|p| p.resolution));
            (image, false)
        }
        _ => (DynamicImage::from_decoder(decoder).map_err(corrupt)?, false),
    };

    Ok(Decoded {
        image,
        orientation,
        // A CMYK profile describes the ink, not the RGB pixels made from it.
        icc: icc.filter(|_| cmyk.is_none()),
        cmyk,
        animated,
        metadata,
        resolution,
    })
}

/// A strict JPEG decoder's refusal as a [`Problem`].
fn jpeg_problem(format: Format, e: jpeg::JpegError) -> Problem {
    match e {
        jpeg::JpegError::Damaged(damage) => Problem::CorruptData { format, damage },
        jpeg::JpegError::Unreadable(detail) => Problem::Corrupt { format, detail },
    }
}

/// JPEG samples as an image. CMYK ink goes to sRGB through the embedded profile when
/// there is a usable one, by the generic formula otherwise; the second value says which
/// (`None` for gray and RGB JPEGs).
fn jpeg_image(
    samples: jpeg::Samples,
    icc: Option<&[u8]>,
) -> (DynamicImage, Option<CmykConversion>) {
    match samples {
        jpeg::Samples::Gray(g) => (DynamicImage::ImageLuma8(g), None),
        jpeg::Samples::Rgb(rgb) => (DynamicImage::ImageRgb8(rgb), None),
        jpeg::Samples::Cmyk { width, height, ink } => {
            let profiled = icc.map(|p| crate::normalize::cmyk_to_srgb(&ink, width, height, p));
            let (rgb, conversion) = match profiled {
                Some(Ok(rgb)) => (rgb, CmykConversion::Profile),
                other => (
                    crate::normalize::cmyk_generic(&ink, width, height),
                    CmykConversion::Generic {
                        profile_ignored: other.and_then(Result::err),
                    },
                ),
            };
            (DynamicImage::ImageRgb8(rgb), Some(conversion))
        }
    }
}

/// Refuses pictures over the pixel limit.
pub fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<(), Problem> {
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Problem::TooManyPixels {
            width,
            height,
            max: max_pixels,
        });
    }
    if width == 0 || height == 0 {
        return Err(Problem::TooManyPixels {
            width,
            height,
            max: max_pixels,
        });
    }
    Ok(())
}

struct ExifFacts {
    orientation: u8,
    gps: bool,
    resolution: Option<Resolution>,
}

/// Reads the orientation and the presence of GPS from a raw EXIF block (TIFF structure).
fn parse_exif(raw: &[u8]) -> Option<ExifFacts> {
    let exif = exif::Reader::new().read_raw(raw.to_vec()).ok()?;
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|v| (1..=8).contains(v))
        .map_or(1, |v| v as u8);
    let gps = exif
        .fields()
        .any(|f| f.ifd_num == exif::In::PRIMARY && is_gps_tag(f.tag));
    let rational = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Rational(v) => v.first().map(|r| r.to_f64()),
                _ => None,
            })
    };
    let per_inch = match exif
        .get_field(exif::Tag::ResolutionUnit, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
    {
        None | Some(2) => Some(1.0),
        Some(3) => Some(2.54),
        _ => None,
    };
    let resolution = match (
        rational(exif::Tag::XResolution),
        rational(exif::Tag::YResolution),
        per_inch,
    ) {
        (Some(x), Some(y), Some(k)) => Resolution::new(x * k, y * k),
        _ => None,
    };
    Some(ExifFacts {
        orientation,
        gps,
        resolution,
    })
}

fn is_gps_tag(tag: exif::Tag) -> bool {
    tag.context() == exif::Context::Gps
}

fn orientation_number(o: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}
