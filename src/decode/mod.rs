//! Bytes to pixels, with the facts later stages need: EXIF orientation, the embedded
//! colour profile, whether the source was CMYK or animated, and what metadata it held
//! (so the report can say what was removed).
//!
//! One file per kind of source: JPEG files and the JPEG pages of PDFs strictly through
//! libjpeg ([`jpeg`]); the other raster formats here, through the `image` crate;
//! [`tiff`] and [`pdf`] pages (with what they share in [`pages`]); [`heif`] through the
//! system's libheif. CMYK ink of any of them becomes RGB in one place, `cmyk.rs`. Every
//! one of them asks [`DecodeLimits::check`] about the size a file announces *before*
//! any pixel is decoded, so a few-kilobyte "decompression bomb" is refused instead of
//! exhausting memory, in the same words whatever the format; the decoders' own memory
//! limits are switched on as a second line.

mod cmyk;
mod dlopen;
pub mod heif;
pub mod jbig2;
pub mod jpeg;
pub mod jpeg2000;
pub mod libtiff;
mod limits;
pub mod pages;
pub mod pdf;
mod samples;
pub mod tiff;

use std::io::Cursor;

use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::Problem;
pub use crate::error::Reduced;
use crate::metadata::{read_exif, Found};
pub use crate::metadata::{Metadata, Resolution};
use crate::sniff::Format;
pub use cmyk::CmykConversion;
pub use limits::DecodeLimits;
use pages::Page;

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
    /// the outputs keep: JFIF, pHYs or EXIF, TIFF's tags, a PDF page's drawn size.
    pub resolution: Option<Resolution>,
    /// The picture is stored with more pixels than the limit and was decoded smaller.
    pub reduced: Option<Reduced>,
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
        // The tiff crate reads BigTIFF too, and libtiff what it does not.
        Format::Tiff | Format::BigTiff => return Ok(pictures(tiff::pages(bytes, limits)?)),
        Format::Pdf => return Ok(pictures(pdf::pages(bytes, limits)?)),
        Format::Jpeg => return Ok(Pictures::one(decode_jpeg(bytes, limits)?)),
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Bmp => ImageFormat::Bmp,
        Format::Webp => ImageFormat::WebP,
        Format::Heic | Format::Avif => return Ok(Pictures::one(decode_heif(bytes, limits)?)),
        Format::Jpeg2000 => return Ok(Pictures::one(decode_jpeg2000(bytes, limits)?)),
        Format::Psd | Format::JpegXl => return Err(Problem::Unsupported { format }),
    };
    Ok(Pictures::one(decode_raster(
        bytes,
        format,
        image_format,
        limits,
    )?))
}

/// Pages of a TIFF or PDF (their count, and each decoded when it is taken) as
/// pictures; numbered only when there are several.
fn pictures<'a>(
    (count, pages): (u32, impl Iterator<Item = Result<Page, Problem>> + 'a),
) -> Pictures<'a> {
    let numbered = count > 1;
    let iter = pages.enumerate().map(move |(i, page)| Picture {
        page: numbered.then_some(i as u32 + 1),
        decoded: page.map(|page| Decoded {
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
            reduced: None,
        }),
    });
    Pictures {
        count,
        iter: Box::new(iter),
    }
}

/// Decodes a JP2 file or J2K codestream; its only metadata is an ICC profile.
fn decode_jpeg2000(bytes: &[u8], limits: DecodeLimits) -> Result<Decoded, Problem> {
    let decoded = jpeg2000::decode(bytes, limits)?;
    Ok(Decoded {
        image: decoded.image,
        orientation: 1,
        metadata: Metadata {
            icc: decoded.icc.is_some(),
            ..Metadata::default()
        },
        icc: decoded.icc,
        cmyk: None,
        animated: false,
        // JP2's optional `res ` box is not read: the writers seen (OpenJPEG, scanners'
        // PDF JPX images, which take the page's resolution instead) leave it out.
        resolution: None,
        reduced: None,
    })
}

/// Decodes HEIC/AVIF through the system's libheif. The pixels come upright: HEIF
/// stores rotation and mirroring in its own boxes, which libheif applies, and the EXIF
/// orientation copied from the camera must not be applied a second time.
fn decode_heif(bytes: &[u8], limits: DecodeLimits) -> Result<Decoded, Problem> {
    let image = heif::decode(bytes, |width, height| limits.check(width, height))?;
    let icc = heif::icc_profile(bytes)?;
    let exif = heif::exif(bytes)?;
    let gps = exif.as_deref().and_then(read_exif).is_some_and(|p| p.gps);
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
        reduced: None,
    })
}

/// Decodes a JPEG file with the strict decoder; its metadata, profile and resolution
/// come from the one JPEG walker, [`crate::jpeg`].
fn decode_jpeg(bytes: &[u8], limits: DecodeLimits) -> Result<Decoded, Problem> {
    // A file cut short by an interrupted copy is said as such, before any decoding.
    if !crate::jpeg::has_end(bytes) {
        return Err(Problem::Truncated {
            format: Format::Jpeg,
        });
    }
    let found = crate::jpeg::metadata(bytes);
    let icc = crate::jpeg::icc_profile(bytes);
    let (samples, reduced) = jpeg::decode(bytes, limits).map_err(|e| e.into_problem(None))?;
    let (image, cmyk) = samples.into_image(icc.as_deref());
    Ok(Decoded {
        image,
        orientation: found.orientation.unwrap_or(1),
        // A CMYK profile describes the ink, not the RGB pixels made from it.
        icc: icc.filter(|_| cmyk.is_none()),
        cmyk,
        animated: false,
        metadata: found.metadata,
        // The same paper in fewer pixels.
        resolution: found.resolution.map(|r| match reduced {
            Some(reduced) => {
                let d = f64::from(reduced.denominator);
                Resolution {
                    x: r.x / d,
                    y: r.y / d,
                }
            }
            None => r,
        }),
        reduced,
    })
}

/// Decodes a single-picture raster file (not JPEG) through the `image` crate.
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

    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut image_limits = Limits::default();
    // 16-bit RGBA is the widest layout any of these decoders produces; allow one such
    // buffer plus slack for the decoder's own scratch space.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(image_limits.clone());
    let mut decoder = reader.into_decoder().map_err(corrupt)?;

    let (width, height) = decoder.dimensions();
    limits.check(width, height)?;

    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|p| !p.is_empty());
    let found = raster_metadata(bytes, format, &mut decoder, icc.is_some());
    let orientation = match found.orientation {
        Some(o) => o,
        // No readable EXIF block: the decoder may still know one (its own reader).
        None => orientation_number(decoder.orientation().map_err(corrupt)?),
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
        _ => (DynamicImage::from_decoder(decoder).map_err(corrupt)?, false),
    };

    Ok(Decoded {
        image,
        orientation,
        icc,
        cmyk: None,
        animated,
        metadata: found.metadata,
        resolution: found.resolution,
        reduced: None,
    })
}

/// The metadata of a single-picture file, with the orientation and resolution its
/// EXIF block gives, if one could be read.
fn raster_metadata(
    bytes: &[u8],
    format: Format,
    decoder: &mut impl ImageDecoder,
    icc: bool,
) -> Found {
    // The container scanfit walks itself: the same reading check gives.
    if format == Format::Png {
        return crate::png::metadata(bytes);
    }
    let exif = decoder.exif_metadata().ok().flatten();
    let facts = exif.as_deref().and_then(read_exif);
    Found {
        metadata: Metadata {
            exif: exif.is_some(),
            gps: facts.is_some_and(|f| f.gps),
            xmp: decoder.xmp_metadata().ok().flatten().is_some(),
            icc,
        },
        other: false,
        orientation: facts.map(|f| f.orientation),
        resolution: facts.and_then(|f| f.resolution),
    }
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
