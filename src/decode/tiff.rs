//! TIFF files, one picture per page.
//!
//! TIFF pages are read with the `tiff` crate directly (the `image` crate only decodes
//! the first page). Every compression scanners use is accepted: none, LZW, Deflate,
//! PackBits, new-style JPEG and CCITT Group 4; 1-bit pages become 8-bit grey (0/255) with
//! the file's photometric polarity honoured, CMYK becomes RGB (naively, without a
//! profile), and the TIFF `Orientation` tag is applied so pages come out upright.
//! Pages the `tiff` crate cannot decode (fax G3, palette, old JPEG, CIE Lab, unusual
//! samples...) go to the system's libtiff through [`libtiff`](super::libtiff). The fax
//! decoder is also lent to [`pdf`](super::pdf): PDF's CCITTFaxDecode is the same
//! coding, so its data is wrapped in a one-strip TIFF.

use std::io::Cursor;

use image::{DynamicImage, Rgb, RgbImage};
use tiff::decoder::{Decoder as TiffDecoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType as TiffColor;

use super::cmyk::generic as generic_cmyk;
use super::libtiff;
use super::limits::DecodeLimits;
use super::pages::{Page, PageError, MAX_PAGES};
use super::samples::{buffer, icc_matches, unpack_gray};
use crate::error::Problem;
use crate::metadata::{Resolution, Unit};

/// Counts the pages (image directories) of a TIFF, cheaply, without decoding pixels.
pub(crate) fn page_count(bytes: &[u8]) -> Result<u32, PageError> {
    let mut decoder = open_tiff(bytes)?;
    let mut count = 1u32;
    while decoder.more_images() {
        // A directory whose tags are unusable still counts as a page: pages reports
        // it as a damaged page rather than hiding it.
        let _ = decoder.next_image();
        count += 1;
        if count > MAX_PAGES {
            return Err(PageError::Tiff(format!("more than {MAX_PAGES} pages")));
        }
    }
    Ok(count)
}

/// A TIFF's pages, each decoded when taken, by the `tiff` crate or by libtiff.
pub type PageIter<'a> = Box<dyn Iterator<Item = Result<Page, Problem>> + 'a>;

/// The page count of a TIFF and its pages, each decoded when it is taken, so a long
/// document never holds more than one decoded page in memory. The outer error means
/// the file could not be read at all; the per-page results let one bad page fail
/// without losing the others.
///
/// Pages are read with the `tiff` crate; a page it cannot decode (and a file it cannot
/// open, BigTIFF included) goes to the system's libtiff ([`libtiff`](super::libtiff)),
/// which reads the fax, palette, old-JPEG, Lab and unusual-sample layouts the crate
/// lacks. A page over the pixel limit is refused by either without a second try.
pub fn pages(bytes: &[u8], limits: DecodeLimits) -> Result<(u32, PageIter<'_>), PageError> {
    // Counting walks the directories without decoding pixels, and refuses a chain of
    // more than MAX_PAGES before any page is decoded.
    let count = match page_count(bytes) {
        Ok(count) => count,
        Err(crate_error) if libtiff::available() => {
            return match libtiff::pages(bytes, limits) {
                Ok((count, pages)) => Ok((count, Box::new(pages))),
                // The crate's words for a file neither can open: it was asked first.
                Err(_) => Err(crate_error),
            };
        }
        Err(e) => return Err(e),
    };
    let mut decoder = open_tiff(bytes)?;
    // The tiff crate refuses buffers over this size; it mirrors max_pixels for the widest
    // layout we accept (16-bit RGBA, 8 bytes a pixel) so a lying header cannot allocate
    // more than a legitimate page could.
    let mut buffers = tiff::decoder::Limits::default();
    let budget = usize::try_from(limits.max_pixels.saturating_mul(8).saturating_add(1 << 20))
        .unwrap_or(usize::MAX);
    buffers.decoding_buffer_size = budget;
    buffers.intermediate_buffer_size = budget;
    decoder = decoder.with_limits(buffers);

    let mut number = 0u32;
    let iter = std::iter::from_fn(move || {
        number += 1;
        if number > 1 {
            if !decoder.more_images() {
                return None;
            }
            if let Err(e) = decoder.next_image() {
                return Some(fall_back(
                    bytes,
                    number,
                    limits,
                    tiff_page_error(number, e).into(),
                ));
            }
        }
        Some(
            tiff_page(&mut decoder, number, limits)
                .or_else(|e| fall_back(bytes, number, limits, e)),
        )
    });
    Ok((count, Box::new(iter.take(count as usize))))
}

/// Page `number` from libtiff, after the `tiff` crate failed with `crate_error`. When
/// libtiff fails too, the crate's error stands, unless the crate only said the layout
/// is unknown to it: then libtiff's words (it knows the layout) or, when libtiff is not
/// installed, the crate's words and which package would read the page.
fn fall_back(
    bytes: &[u8],
    number: u32,
    limits: DecodeLimits,
    crate_error: Problem,
) -> Result<Page, Problem> {
    let unsupported = matches!(
        crate_error,
        Problem::Page(PageError::UnsupportedColor { .. })
    );
    if matches!(
        crate_error,
        Problem::TooManyPixels { .. } | Problem::NoPixels { .. }
    ) {
        return Err(crate_error);
    }
    match libtiff::page(bytes, number, limits) {
        Ok(page) => Ok(page),
        Err(Problem::TiffLib(missing)) if unsupported => Err(PageError::UnsupportedColor {
            page: number,
            what: format!("{crate_error}; {missing}"),
        }
        .into()),
        Err(libtiff_error) if unsupported => Err(libtiff_error),
        Err(_) => Err(crate_error),
    }
}

fn open_tiff(bytes: &[u8]) -> Result<TiffDecoder<Cursor<&[u8]>>, PageError> {
    TiffDecoder::new(Cursor::new(bytes)).map_err(|e| PageError::Tiff(e.to_string()))
}

fn tiff_page_error(page: u32, e: tiff::TiffError) -> PageError {
    match e {
        tiff::TiffError::UnsupportedError(u) => PageError::UnsupportedColor {
            page,
            what: format!("a TIFF layout the decoder does not support ({u})"),
        },
        other => PageError::Corrupt {
            page,
            detail: other.to_string(),
        },
    }
}

/// Decodes the decoder's current image as page `number`.
fn tiff_page(
    decoder: &mut TiffDecoder<Cursor<&[u8]>>,
    number: u32,
    limits: DecodeLimits,
) -> Result<Page, Problem> {
    let err = |e| tiff_page_error(number, e);
    let (width, height) = decoder.dimensions().map_err(err)?;
    limits.check(width, height)?;
    let color = decoder.colortype().map_err(|e| match e {
        // The crate reports palette pages as an unsupported interpretation; say it plainly.
        tiff::TiffError::UnsupportedError(_) => PageError::UnsupportedColor {
            page: number,
            what: "a palette or CIE Lab TIFF page".into(),
        },
        other => err(other),
    })?;
    let icc = decoder.get_tag_u8_vec(Tag::IccProfile).ok();
    let resolution = tiff_resolution(decoder);
    let orientation = decoder
        .find_tag_unsigned::<u8>(Tag::Orientation)
        .ok()
        .flatten();
    let data = decoder.read_image().map_err(err)?;

    let corrupt = || PageError::Corrupt {
        page: number,
        detail: "the pixel data is shorter than the page size".into(),
    };
    let unsupported = |what: String| PageError::UnsupportedColor { page: number, what };
    let image = match (color, data) {
        (TiffColor::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            // The tiff crate has already applied WhiteIsZero, so a sample of all ones is
            // white whatever the file's polarity; only the packing is left to undo.
            DynamicImage::ImageLuma8(unpack_gray(&v, width, height, bits).ok_or_else(corrupt)?)
        }
        (TiffColor::Gray(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageLuma8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::Gray(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageLuma16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::GrayA(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageLumaA8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::GrayA(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageLumaA16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGB(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgb8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGB(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageRgb16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGBA(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgba8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGBA(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageRgba16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::CMYK(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgb8(generic_cmyk(&v, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::CMYK(16), DecodingResult::U16(v)) => {
            // Scans are 8-bit in practice; keeping the top byte loses nothing visible.
            let bytes: Vec<u8> = v.iter().map(|s| (s >> 8) as u8).collect();
            DynamicImage::ImageRgb8(generic_cmyk(&bytes, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::YCbCr(8), DecodingResult::U8(v)) => {
            // Only reachable for JPEG-compressed pages: the crate asks the JPEG decoder
            // not to convert colour, and refuses subsampled YCbCr in other compressions.
            DynamicImage::ImageRgb8(ycbcr_to_rgb(v, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::Palette(_), _) => return Err(unsupported("a palette TIFF page".into()).into()),
        (c, _) => return Err(unsupported(format!("TIFF colour type {c:?}")).into()),
    };
    let image = match orientation.and_then(image::metadata::Orientation::from_exif) {
        Some(o) => {
            let mut image = image;
            image.apply_orientation(o);
            image
        }
        None => image,
    };
    let icc = icc.filter(|p| icc_matches(p, &image));
    // Orientations 5–8 turn the page a quarter: across becomes down.
    let resolution = match orientation {
        Some(5..=8) => resolution.map(Resolution::transposed),
        _ => resolution,
    };
    Ok(Page {
        number,
        image,
        icc,
        resolution,
    })
}

/// XResolution and YResolution (ResolutionUnit 2, the default, is inches; 3 is
/// centimetres; 1 means no unit, so no physical size).
fn tiff_resolution(decoder: &mut TiffDecoder<Cursor<&[u8]>>) -> Option<Resolution> {
    let mut rational = |tag| -> Option<f64> {
        match decoder.get_tag(tag).ok()? {
            tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => {
                Some(f64::from(n) / f64::from(d))
            }
            other => other.into_f64().ok(),
        }
    };
    let (x, y) = (rational(Tag::XResolution)?, rational(Tag::YResolution)?);
    let unit = Unit::tiff(
        decoder
            .find_tag_unsigned::<u32>(Tag::ResolutionUnit)
            .ok()
            .flatten(),
    )?;
    Resolution::per(x, y, unit)
}

/// Full-range BT.601 YCbCr (what JPEG uses) to RGB.
fn ycbcr_to_rgb(mut data: Vec<u8>, width: u32, height: u32) -> Option<RgbImage> {
    for p in data.chunks_exact_mut(3) {
        let y = f32::from(p[0]);
        let cb = f32::from(p[1]) - 128.0;
        let cr = f32::from(p[2]) - 128.0;
        p[0] = (y + 1.402 * cr).round().clamp(0.0, 255.0) as u8;
        p[1] = (y - 0.344_136 * cb - 0.714_136 * cr)
            .round()
            .clamp(0.0, 255.0) as u8;
        p[2] = (y + 1.772 * cb).round().clamp(0.0, 255.0) as u8;
    }
    buffer::<Rgb<u8>>(width, height, data)
}

/// Decodes CCITT Group 4 data of `columns` × `rows` pixels into packed 1-bit rows, for
/// [`pdf`](super::pdf): the data is wrapped in a minimal in-memory TIFF so the `tiff`
/// crate's decoder does the work. With `black_is_1`, 1 means black; otherwise white.
pub(super) fn g4_rows(
    data: &[u8],
    columns: u32,
    rows: u32,
    black_is_1: bool,
    page: u32,
) -> Result<Vec<u8>, PageError> {
    // TIFF's WhiteIsZero (0) makes the tiff crate return 1 for white, matching the PDF
    // default; with BlackIs1 the PDF wants 1 for black, which BlackIsZero (1) returns.
    let photometric = u16::from(black_is_1);
    let tiff = wrap_g4_in_tiff(data, columns, rows, photometric);
    let mut decoder =
        TiffDecoder::new(Cursor::new(tiff.as_slice())).map_err(|e| tiff_page_error(page, e))?;
    match decoder.read_image().map_err(|e| tiff_page_error(page, e))? {
        DecodingResult::U8(v) => Ok(v),
        _ => Err(PageError::Corrupt {
            page,
            detail: "the fax data did not decode to 1-bit rows".into(),
        }),
    }
}

/// A little-endian TIFF with one Group 4 strip: header, nine IFD entries, then the data.
fn wrap_g4_in_tiff(data: &[u8], width: u32, height: u32, photometric: u16) -> Vec<u8> {
    const ENTRIES: u16 = 9;
    let ifd_len = 2 + usize::from(ENTRIES) * 12 + 4;
    let data_offset = 8 + ifd_len as u32;
    let byte_count = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(8 + ifd_len + data.len());
    out.extend_from_slice(b"II");
    out.extend_from_slice(&42u16.to_le_bytes());
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&ENTRIES.to_le_bytes());
    // (tag, type: 3 SHORT / 4 LONG, value), in ascending tag order as TIFF requires.
    let entries: [(u16, u16, u32); ENTRIES as usize] = [
        (256, 4, width),
        (257, 4, height),
        (258, 3, 1),
        (259, 3, 4), // Compression: CCITT T.6 (Group 4)
        (262, 3, u32::from(photometric)),
        (273, 4, data_offset),
        (277, 3, 1),
        (278, 4, height),
        (279, 4, byte_count),
    ];
    for (tag, kind, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::pages::testing::*;
    use image::GenericImageView;

    #[test]
    fn tiff_three_pages_mixed_compressions() {
        let bytes = fixture("three_pages.tif");
        assert_eq!(page_count(&bytes).unwrap(), 3);
        let pages = ok_pages(pages(&bytes, MAX).unwrap().1);
        let sizes: Vec<_> = pages.iter().map(|p| p.image.dimensions()).collect();
        assert_eq!(sizes, [(64, 48), (40, 30), (80, 60)]);
        assert_eq!(
            pages.iter().map(|p| p.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        // Page 1, LZW RGB: red left half, blue right half.
        assert_eq!(rgb(&pages[0], 5, 5), [255, 0, 0]);
        assert_eq!(rgb(&pages[0], 60, 40), [0, 0, 255]);
        // Page 2, Deflate grey: 50 % grey with a black top-left square.
        assert!(matches!(pages[1].image, DynamicImage::ImageLuma8(_)));
        assert_eq!(rgb(&pages[1], 2, 2), [0, 0, 0]);
        assert!(near(rgb(&pages[1], 30, 20), [128, 128, 128], 1));
        // Page 3, Group 4 min-is-white: white paper, black rectangle.
        assert_eq!(rgb(&pages[2], 1, 1), [255, 255, 255]);
        assert_eq!(rgb(&pages[2], 40, 30), [0, 0, 0]);
    }

    #[test]
    fn tiff_g4_min_is_black_keeps_paper_white() {
        let pages = ok_pages(pages(&fixture("g4_min_is_black.tif"), MAX).unwrap().1);
        assert_eq!(pages[0].image.dimensions(), (32, 16));
        assert_eq!(rgb(&pages[0], 20, 10), [255, 255, 255]);
        assert_eq!(rgb(&pages[0], 3, 3), [0, 0, 0]);
    }

    #[test]
    fn tiff_cmyk_16bit_and_jpeg_pages() {
        let cmyk = ok_pages(pages(&fixture("cmyk_packbits.tif"), MAX).unwrap().1);
        assert_eq!(rgb(&cmyk[0], 8, 8), [0, 255, 255]);
        let deep = ok_pages(pages(&fixture("rgb16.tif"), MAX).unwrap().1);
        assert!(matches!(deep[0].image, DynamicImage::ImageRgb16(_)));
        assert_eq!(rgb(&deep[0], 8, 8), [0, 255, 0]);
        let jpeg = ok_pages(pages(&fixture("jpeg_ycbcr.tif"), MAX).unwrap().1);
        assert_eq!(jpeg[0].image.dimensions(), (64, 48));
        assert!(near(rgb(&jpeg[0], 5, 5), [255, 0, 0], 8));
        assert!(near(rgb(&jpeg[0], 60, 40), [0, 0, 255], 8));
    }

    #[test]
    fn tiff_palette_page_goes_to_libtiff_or_names_the_package() {
        let pages = all(pages(&fixture("palette.tif"), MAX));
        match pages.into_iter().next().unwrap() {
            Ok(page) => {
                assert!(super::libtiff::available());
                assert_eq!(rgb(&page, 2, 2), [255, 165, 0]);
                assert_eq!(rgb(&page, 12, 2), [128, 0, 128]);
            }
            Err(err) => {
                assert!(!super::libtiff::available(), "{err}");
                assert!(err.to_string().contains("apt install libtiff6"), "{err}");
            }
        }
    }

    #[test]
    fn tiff_max_pixels_refused_before_decoding() {
        let pages = all(pages(&fixture("three_pages.tif"), limit(2_000)));
        // 64×48 = 3072 and 80×60 = 4800 exceed 2000; 40×30 = 1200 does not.
        assert!(matches!(
            pages[0],
            Err(Problem::TooManyPixels {
                width: 64,
                height: 48,
                max: 2_000
            })
        ));
        assert!(pages[1].is_ok());
        assert!(matches!(
            pages[2],
            Err(Problem::TooManyPixels {
                width: 80,
                height: 60,
                ..
            })
        ));
    }

    #[test]
    fn garbage_and_truncated_input_give_errors_not_panics() {
        let garbage = b"this is not a scan at all".as_slice();
        assert!(page_count(garbage).is_err());
        assert!(pages(garbage, MAX).is_err());
        assert!(pages(b"II*\0", MAX).is_err());
        assert_cuts_fail("three_pages.tif", |b| {
            pages(b, MAX).is_ok_and(|(_, mut pages)| pages.all(|p| p.is_ok()))
        });
    }
}
