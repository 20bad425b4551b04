//! JPEG pixels, for JPEG files and the JPEG pages of PDFs alike, through libjpeg-turbo
//! (mozjpeg's decoder, already built for encoding), with every report of damaged data
//! made an error.
//!
//! A JPEG damaged in the middle of its entropy-coded data (a copy garbled or cut in
//! transfer, a lost disk sector) still "decodes": decoders are built to show what they
//! can, and fill the rest of the picture with garbage or gray. zune-jpeg, which the
//! `image` crate uses, says nothing at all; libjpeg says it as a warning ("Corrupt JPEG
//! data: bad Huffman code", "premature end of data segment", "found marker 0xd7 instead
//! of RST4", "N extraneous bytes before marker") and goes on. Here those warnings stop
//! the decode, so a damaged scan is refused instead of being uploaded with its lower
//! half missing. Warnings that say nothing about the picture data (an unknown JFIF
//! version, an unknown Adobe transform code, a malformed ICC marker) are ignored, as
//! libjpeg ignores them.
//!
//! Damage that leaves the Huffman decoder in step (a few flipped bits often does) is
//! invisible to every decoder; it changes some blocks and cannot be told from content.
//!
//! libjpeg reports both warnings and fatal errors through callbacks; these unwind (as
//! the mozjpeg crate's own error handler does) with a typed payload that [`decode`]
//! catches, so nothing unwinds past this module. The metadata (orientation, profile,
//! resolution) is read by the one JPEG walker, [`crate::jpeg`], not here.

use std::os::raw::c_int;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use image::{DynamicImage, GrayImage, RgbImage};
use mozjpeg::{ColorSpace, Decompress};
use mozjpeg_sys::{jpeg_common_struct, jpeg_error_mgr, jpeg_std_error};

use super::cmyk::{self, CmykConversion};
use super::limits::DecodeLimits;
use super::pages::PageError;
use super::Reduced;
pub use crate::error::JpegDamage;
use crate::error::Problem;
use crate::sniff::Format;

/// Why a JPEG's pixels were not decoded.
#[derive(Debug)]
pub enum JpegError {
    /// The entropy-coded data is damaged.
    Damaged(JpegDamage),
    /// libjpeg could not decode it at all (its own words).
    Unreadable(String),
    /// The size its header announces is over the pixel limit (or empty).
    Refused(Problem),
}

impl JpegError {
    /// The problem of a JPEG file (`page` is `None`) or of page `page` of a PDF.
    pub(super) fn into_problem(self, page: Option<u32>) -> Problem {
        match (self, page) {
            (JpegError::Refused(problem), _) => problem,
            (JpegError::Damaged(damage), None) => Problem::CorruptData {
                format: Format::Jpeg,
                damage,
            },
            (JpegError::Damaged(damage), Some(page)) => {
                PageError::CorruptData { page, damage }.into()
            }
            (JpegError::Unreadable(detail), None) => Problem::Corrupt {
                format: Format::Jpeg,
                detail,
            },
            (JpegError::Unreadable(detail), Some(page)) => {
                PageError::Corrupt { page, detail }.into()
            }
        }
    }
}

/// Decoded samples, as the file stores their colours.
#[derive(Debug)]
pub enum Samples {
    /// One gray channel.
    Gray(GrayImage),
    /// RGB (from YCbCr or RGB JPEGs).
    Rgb(RgbImage),
    /// Four channels of ink amounts, 0 = no ink and 255 = full ink, in C, M, Y, K order
    /// (Adobe's inverted storage is already undone).
    Cmyk {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// `width × height × 4` ink samples.
        ink: Vec<u8>,
    },
}

impl Samples {
    /// The samples as an image: CMYK ink goes to sRGB through `profile` (the embedded
    /// CMYK profile) when it is usable, by the generic formula otherwise, and the
    /// second value says how (`None` for gray and RGB).
    pub(crate) fn into_image(
        self,
        profile: Option<&[u8]>,
    ) -> (DynamicImage, Option<CmykConversion>) {
        match self {
            Samples::Gray(g) => (DynamicImage::ImageLuma8(g), None),
            Samples::Rgb(rgb) => (DynamicImage::ImageRgb8(rgb), None),
            Samples::Cmyk { width, height, ink } => {
                let (rgb, how) = cmyk::to_rgb(&ink, width, height, profile);
                (DynamicImage::ImageRgb8(rgb), Some(how))
            }
        }
    }
}

/// What the libjpeg callbacks unwind with.
enum Fault {
    Damaged(JpegDamage),
    Fatal(String),
}

/// Decodes `bytes` strictly: any report of damaged data is an error. The size the
/// header announces goes through `limits` before any pixel is decoded; a sequential
/// JPEG over them is decoded smaller ([`Reduced`]) when 1/8 of its size fits.
pub fn decode(bytes: &[u8], limits: DecodeLimits) -> Result<(Samples, Option<Reduced>), JpegError> {
    guarded(|| decode_unguarded(bytes, limits))
}

/// Runs `work`, which drives libjpeg with [`strict_error_mgr`] managers, and turns what
/// their callbacks unwind with into a [`JpegError`]: the one place libjpeg's faults are
/// caught, for the decoder here and the lossless rotation ([`crate::rotate`]).
pub(crate) fn guarded<T>(work: impl FnOnce() -> Result<T, JpegError>) -> Result<T, JpegError> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => match payload.downcast::<Fault>() {
            Ok(fault) => Err(match *fault {
                Fault::Damaged(damage) => JpegError::Damaged(damage),
                Fault::Fatal(message) => JpegError::Unreadable(message),
            }),
            // Not ours (a bug elsewhere): the per-item guard of the runner reports it.
            Err(other) => resume_unwind(other),
        },
    }
}

fn decode_unguarded(
    bytes: &[u8],
    limits: DecodeLimits,
) -> Result<(Samples, Option<Reduced>), JpegError> {
    let io = |e: std::io::Error| JpegError::Unreadable(e.to_string());
    let mut d = Decompress::builder()
        .with_err(strict_error_mgr())
        .from_mem(bytes)
        .map_err(io)?;
    // The header is read; nothing of the picture's size has been allocated yet.
    let stored = (
        u32::try_from(d.width()).unwrap_or(u32::MAX),
        u32::try_from(d.height()).unwrap_or(u32::MAX),
    );
    let reduced = match limits.check(stored.0, stored.1) {
        Ok(()) => None,
        Err(over @ Problem::TooManyPixels { .. }) => {
            let Some(denominator) = reduction(bytes, stored, limits) else {
                return Err(JpegError::Refused(over));
            };
            d.scale(8 / denominator);
            Some(Reduced {
                width: stored.0,
                height: stored.1,
                denominator,
                limit: limits.max_pixels,
            })
        }
        Err(other) => return Err(JpegError::Refused(other)),
    };
    // libjpeg's scaled size: each side times 1/denominator, rounded up.
    let (width, height) = reduced.map_or(stored, |r| {
        let d = u32::from(r.denominator);
        (stored.0.div_ceil(d), stored.1.div_ceil(d))
    });
    let samples = match d.color_space() {
        ColorSpace::JCS_GRAYSCALE => {
            let mut started = d.grayscale().map_err(io)?;
            let data = started.read_scanlines::<u8>().map_err(io)?;
            started.finish().map_err(io)?;
            Samples::Gray(GrayImage::from_raw(width, height, data).ok_or_else(short)?)
        }
        ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK => {
            let mut started = d.to_colorspace(ColorSpace::JCS_CMYK).map_err(io)?;
            let mut ink = started.read_scanlines::<u8>().map_err(io)?;
            started.finish().map_err(io)?;
            // Photoshop, which writes the Adobe marker, stores CMYK inverted (0 = full
            // ink); files without it store ink amounts as they are.
            if crate::jpeg::has_adobe(bytes) {
                ink.iter_mut().for_each(|v| *v = 255 - *v);
            }
            if ink.len() != width as usize * height as usize * 4 {
                return Err(short());
            }
            Samples::Cmyk { width, height, ink }
        }
        _ => {
            let mut started = d.rgb().map_err(io)?;
            let data = started.read_scanlines::<u8>().map_err(io)?;
            started.finish().map_err(io)?;
            Samples::Rgb(RgbImage::from_raw(width, height, data).ok_or_else(short)?)
        }
    };
    Ok((samples, reduced))
}

/// The smallest reduction (2, 4 or 8) that brings a `stored`-size JPEG under `limits`,
/// if it is sequential and holds coded data for the size it claims. A progressive file
/// is not reduced (it stays refused over the limit): libjpeg keeps all of its coefficients at full size whatever
/// the output's, so its memory follows the stored size, which is what the limit bounds.
/// And a few-kilobyte "bomb" whose header claims billions of pixels is refused at once,
/// not decoded at a reduced picture's cost: no real JPEG codes 512 pixels in less than
/// a byte (a blank page takes at least two bits per 8×8 block, a byte per 256 pixels).
fn reduction(bytes: &[u8], stored: (u32, u32), limits: DecodeLimits) -> Option<u8> {
    let progressive =
        crate::jpeg::segments(bytes).any(|s| matches!(s.marker, 0xC2 | 0xC6 | 0xCA | 0xCE));
    let coded = crate::jpeg::coded_len(bytes);
    let claimed = u64::from(stored.0) * u64::from(stored.1);
    if progressive || (coded as u64) * 512 < claimed {
        return None;
    }
    [2u8, 4, 8].into_iter().find(|&d| {
        let d = u32::from(d);
        limits
            .check(stored.0.div_ceil(d), stored.1.div_ceil(d))
            .is_ok()
    })
}

/// Fewer samples than the header's size: the data ended early.
fn short() -> JpegError {
    JpegError::Damaged(JpegDamage::PrematureEndOfFile)
}

/// libjpeg's standard error manager with both exits replaced: fatal errors and
/// corrupt-data warnings unwind with a [`Fault`], which [`guarded`] catches.
pub(crate) fn strict_error_mgr() -> jpeg_error_mgr {
    // SAFETY: jpeg_error_mgr is plain C data (function pointers and integers) that
    // jpeg_std_error fills in completely.
    let mut err: jpeg_error_mgr = unsafe { std::mem::zeroed() };
    unsafe { jpeg_std_error(&mut err) };
    err.error_exit = Some(on_fatal);
    err.emit_message = Some(on_message);
    err
}

/// libjpeg's message parameters (its `msg_parm.i` array).
fn parameters(err: &jpeg_error_mgr) -> [u32; 2] {
    [
        err.msg_parm._bindgen_data_[0],
        err.msg_parm._bindgen_data_[1],
    ]
}

extern "C-unwind" fn on_message(cinfo: &mut jpeg_common_struct, level: c_int) {
    // Levels 0 and up are trace messages; -1 is a warning.
    if level >= 0 {
        return;
    }
    // SAFETY: libjpeg calls this with `err` pointing at the manager installed above,
    // which the Decompress owns for as long as the call lasts.
    let err = unsafe { &*cinfo.err };
    let [p0, p1] = parameters(err);
    let damage = match err.msg_code {
        mozjpeg_sys::JWRN_HUFF_BAD_CODE => JpegDamage::BadHuffmanCode,
        mozjpeg_sys::JWRN_HIT_MARKER => JpegDamage::PrematureEnd,
        mozjpeg_sys::JWRN_EXTRANEOUS_DATA => JpegDamage::Extraneous {
            count: p0,
            marker: p1 as u8,
        },
        mozjpeg_sys::JWRN_MUST_RESYNC => JpegDamage::RestartMarker {
            found: p0 as u8,
            expected: p1 as u8,
        },
        mozjpeg_sys::JWRN_BOGUS_PROGRESSION => JpegDamage::BadProgression,
        mozjpeg_sys::JWRN_JPEG_EOF => JpegDamage::PrematureEndOfFile,
        // An unknown JFIF version or Adobe transform, a malformed ICC marker, odd SOS
        // parameters of a sequential file: nothing about the picture data.
        _ => return,
    };
    resume_unwind(Box::new(Fault::Damaged(damage)));
}

extern "C-unwind" fn on_fatal(cinfo: &mut jpeg_common_struct) {
    // SAFETY: as in on_message.
    let err = unsafe { &*cinfo.err };
    let message = match err.format_message {
        Some(format) => {
            let mut text = [0u8; 80];
            // SAFETY: format_message writes at most JMSG_LENGTH_MAX (80) bytes, NUL
            // included, into the buffer; the binding declares it `&[u8; 80]` although
            // C writes through it, so it is handed a pointer to a local array.
            let format: unsafe extern "C-unwind" fn(&mut jpeg_common_struct, *mut [u8; 80]) =
                unsafe { std::mem::transmute(format) };
            unsafe { format(cinfo, &mut text) };
            let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
            String::from_utf8_lossy(&text[..end]).into_owned()
        }
        None => format!("libjpeg error {}", err.msg_code),
    };
    resume_unwind(Box::new(Fault::Fatal(message)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: DecodeLimits = DecodeLimits {
        max_pixels: 100_000_000,
    };

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/damaged/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn clean_originals_decode_and_every_damaged_copy_is_refused() {
        for original in ["baseline", "progressive", "restart"] {
            let bytes = fixture(&format!("{original}.jpg"));
            let (Samples::Rgb(rgb), None) = decode(&bytes, MAX).unwrap() else {
                panic!("{original}: not RGB at full size")
            };
            // zune-jpeg, an independent decoder, agrees on the pixels within rounding.
            let other = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!(rgb.dimensions(), other.dimensions(), "{original}");
            let diff = rgb
                .as_raw()
                .iter()
                .zip(other.as_raw())
                .map(|(a, b)| f64::from(a.abs_diff(*b)))
                .sum::<f64>()
                / rgb.as_raw().len() as f64;
            assert!(diff < 2.0, "{original}: mean difference {diff}");
        }
        let dir = format!("{}/tests/fixtures/damaged", env!("CARGO_MANIFEST_DIR"));
        let mut damaged: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains('_') && n.ends_with(".jpg"))
            .collect();
        damaged.sort();
        assert_eq!(damaged.len(), 12, "{damaged:?}");
        for name in damaged {
            match decode(&fixture(&name), MAX) {
                Err(JpegError::Damaged(_)) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn restart_damage_names_the_markers() {
        let err = decode(&fixture("restart_rst_out_of_order.jpg"), MAX).unwrap_err();
        assert!(
            matches!(
                err,
                JpegError::Damaged(JpegDamage::RestartMarker {
                    found: 0xD7,
                    expected: 4
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn over_the_pixel_limit_a_sequential_file_is_decoded_smaller_and_others_are_refused() {
        // Both real pictures, 400×400 (baseline) and 412×408 (progressive).
        let baseline = fixture("baseline.jpg");
        let (Samples::Rgb(full), None) = decode(&baseline, MAX).unwrap() else {
            panic!("not RGB at full size")
        };
        let limit = |max_pixels| DecodeLimits { max_pixels };
        // One pixel over: half the size across and down, and the sizes said.
        let (Samples::Rgb(half), Some(reduced)) = decode(&baseline, limit(160_000 - 1)).unwrap()
        else {
            panic!("not decoded smaller")
        };
        assert_eq!(half.dimensions(), (200, 200));
        assert_eq!(
            reduced,
            Reduced {
                width: 400,
                height: 400,
                denominator: 2,
                limit: 160_000 - 1
            }
        );
        // The same picture: each pixel is its 2×2 block of the full decode, within the
        // scaled inverse DCT's rounding.
        let full = &full;
        let diff = half
            .enumerate_pixels()
            .flat_map(|(x, y, p)| {
                (0..3).map(move |c| {
                    let block: u32 = [(0, 0), (1, 0), (0, 1), (1, 1)]
                        .iter()
                        .map(|&(dx, dy)| u32::from(full.get_pixel(2 * x + dx, 2 * y + dy)[c]))
                        .sum();
                    (f64::from(p[c]) - f64::from(block) / 4.0).abs()
                })
            })
            .sum::<f64>()
            / (200.0 * 200.0 * 3.0);
        assert!(diff < 2.0, "mean difference {diff}");
        // The largest reduction that fits: 100×100 is over 9 999, 50×50 is not.
        let (Samples::Rgb(eighth), Some(r)) = decode(&baseline, limit(9_999)).unwrap() else {
            panic!("not decoded smaller")
        };
        assert_eq!((eighth.dimensions(), r.denominator), ((50, 50), 8));
        // Under 1/8 nothing fits, and a progressive file is never reduced (libjpeg would
        // hold all its coefficients at full size): both refused with the stored size.
        for (bytes, max, size) in [
            (&baseline, 2_499, (400, 400)),
            (&fixture("progressive.jpg"), 168_095, (412, 408)),
        ] {
            match decode(bytes, limit(max)) {
                Err(JpegError::Refused(Problem::TooManyPixels { width, height, .. })) => {
                    assert_eq!((width, height), size);
                }
                other => panic!("{other:?}"),
            }
        }
        let err = decode(b"\xFF\xD8\xFF\xDB\x00\x02\xFF\xD9", MAX).unwrap_err();
        assert!(matches!(err, JpegError::Unreadable(_)), "{err:?}");
    }

    #[test]
    fn a_header_claiming_more_pixels_than_its_data_can_code_is_refused_not_reduced() {
        // The real baseline picture's frame patched to claim 8000×8000: 1/2 of that fits
        // a 20 MP limit, but its few kilobytes of coded data cannot hold 64 MP.
        let mut bomb = fixture("baseline.jpg");
        let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bomb[sof + 5..sof + 9].copy_from_slice(&[0x1F, 0x40, 0x1F, 0x40]);
        let limits = DecodeLimits {
            max_pixels: 20_000_000,
        };
        match decode(&bomb, limits) {
            Err(JpegError::Refused(Problem::TooManyPixels { width, height, .. })) => {
                assert_eq!((width, height), (8000, 8000));
            }
            other => panic!("{other:?}"),
        }
    }
}
