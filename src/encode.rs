//! Encoders behind one trait, so the band search can be tested with a fake encoder
//! whose size is a known function of quality, and so the effort level is one value.
//!
//! mozjpeg reports codec errors by unwinding; each call is wrapped in `catch_unwind` so
//! one bad encode becomes an error value instead of tearing down the batch.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use mozjpeg::qtable;

use crate::error::Problem;
use crate::normalize::Pixels;

/// Turns pixels into a compressed file at a given quality (1–100).
pub trait Encoder: Sync {
    /// The encoded file's bytes.
    fn encode(&self, pixels: &Pixels, quality: u8) -> Result<Vec<u8>, Problem>;

    /// The same bytes as [`Encoder::encode`], or `None` if `stop` was set before the
    /// encode finished: a speculative encode that turned out unneeded gives its worker
    /// back soon instead of finishing. This default checks only before it starts.
    fn encode_unless(
        &self,
        pixels: &Pixels,
        quality: u8,
        stop: &AtomicBool,
    ) -> Result<Option<Vec<u8>>, Problem> {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        self.encode(pixels, quality).map(Some)
    }

    /// The same encoder keeping chroma at full resolution (4:4:4), if it subsamples
    /// now: the band search's last invisible source of bytes for a flat colour picture.
    fn full_chroma(&self) -> Option<Box<dyn Encoder + '_>> {
        None
    }
}

/// How much CPU the JPEG encoder may spend for smaller files.
///
/// Measured on A4 scans and 12 MP photos (see README): `Fast` is libjpeg-turbo's
/// behaviour, `Balanced` adds progressive scans with optimised Huffman tables (about
/// 10–15 % smaller files for little time), `Max` adds mozjpeg's trellis quantisation
/// and scan optimisation (another ~10 % smaller, but 10–30× the time of `Fast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    /// Baseline JPEG, optimised Huffman tables.
    Fast,
    /// Progressive JPEG, optimised Huffman tables, no trellis.
    #[default]
    Balanced,
    /// mozjpeg's full profile: progressive, trellis quantisation, optimised scans.
    Max,
}

/// Chroma subsampling of a colour JPEG: how many pixels share one colour sample.
///
/// 4:2:0 halves the colour resolution both ways (the smallest files, and what cameras
/// write); 4:4:4 keeps it whole, which thin red seal strokes and coloured text on a
/// scan can need.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Subsampling {
    /// One colour sample per 2×2 pixels.
    #[default]
    #[serde(rename = "420")]
    #[cfg_attr(feature = "cli", value(name = "420", alias = "4:2:0"))]
    S420,
    /// One colour sample per 2×1 pixels.
    #[serde(rename = "422")]
    #[cfg_attr(feature = "cli", value(name = "422", alias = "4:2:2"))]
    S422,
    /// A colour sample for every pixel.
    #[serde(rename = "444")]
    #[cfg_attr(feature = "cli", value(name = "444", alias = "4:4:4"))]
    S444,
}

impl Subsampling {
    /// Every subsampling, from the most to the least reduced colour.
    pub const ALL: [Subsampling; 3] = [Subsampling::S420, Subsampling::S422, Subsampling::S444];

    /// The size of one colour sample in pixels (horizontal, vertical).
    fn chroma_pixel_size(self) -> (u8, u8) {
        match self {
            Subsampling::S420 => (2, 2),
            Subsampling::S422 => (2, 1),
            Subsampling::S444 => (1, 1),
        }
    }
}

impl fmt::Display for Subsampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Subsampling::S420 => "4:2:0",
            Subsampling::S422 => "4:2:2",
            Subsampling::S444 => "4:4:4",
        })
    }
}

impl FromStr for Subsampling {
    type Err = String;

    /// Accepts `420`, `4:2:0`, `422`, `4:2:2`, `444`, `4:4:4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().replace(':', "").as_str() {
            "420" => Ok(Subsampling::S420),
            "422" => Ok(Subsampling::S422),
            "444" => Ok(Subsampling::S444),
            _ => Err(format!(
                "'{s}' is not a chroma subsampling (use 420, 422 or 444)"
            )),
        }
    }
}

/// The JPEG encoder's settings other than quality: the axes `scanfit sweep` explores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JpegSettings {
    /// Chroma subsampling (ignored for grey pictures).
    pub subsampling: Subsampling,
    /// Progressive scans instead of one baseline scan.
    pub progressive: bool,
    /// mozjpeg's trellis quantisation with its scan optimisation: smaller files for
    /// many times the encode time.
    pub trellis: bool,
}

impl From<Effort> for JpegSettings {
    fn from(effort: Effort) -> Self {
        JpegSettings {
            subsampling: Subsampling::S420,
            progressive: effort != Effort::Fast,
            trellis: effort == Effort::Max,
        }
    }
}

/// JPEG through mozjpeg. Writes only a JFIF header: no EXIF, no ICC, no comment.
#[derive(Debug, Clone, Copy)]
pub struct MozJpeg {
    /// How the encoder works.
    pub settings: JpegSettings,
}

impl From<Effort> for MozJpeg {
    fn from(effort: Effort) -> Self {
        MozJpeg {
            settings: effort.into(),
        }
    }
}

impl Encoder for MozJpeg {
    fn encode(&self, pixels: &Pixels, quality: u8) -> Result<Vec<u8>, Problem> {
        let never = AtomicBool::new(false);
        self.encode_unless(pixels, quality, &never)
            .map(|bytes| bytes.expect("an encode nobody stops finishes"))
    }

    fn encode_unless(
        &self,
        pixels: &Pixels,
        quality: u8,
        stop: &AtomicBool,
    ) -> Result<Option<Vec<u8>>, Problem> {
        let settings = self.settings;
        catch_unwind(AssertUnwindSafe(|| {
            encode_jpeg(pixels, quality, settings, stop, ROWS_PER_WRITE)
        }))
        .map_err(|payload| Problem::Encode(panic_text(payload.as_ref())))?
        .map_err(|e| Problem::Encode(e.to_string()))
    }

    fn full_chroma(&self) -> Option<Box<dyn Encoder + '_>> {
        (self.settings.subsampling != Subsampling::S444).then(|| {
            Box::new(MozJpeg {
                settings: JpegSettings {
                    subsampling: Subsampling::S444,
                    ..self.settings
                },
            }) as Box<dyn Encoder>
        })
    }
}

/// Rows handed to mozjpeg at a time, so a stopped encode ends within a few
/// milliseconds. libjpeg's output does not depend on how the rows are handed in.
const ROWS_PER_WRITE: usize = 256;

fn encode_jpeg(
    pixels: &Pixels,
    quality: u8,
    settings: JpegSettings,
    stop: &AtomicBool,
    rows_per_write: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let colour = match pixels {
        Pixels::Rgb(_) => mozjpeg::ColorSpace::JCS_RGB,
        Pixels::Gray(_) => mozjpeg::ColorSpace::JCS_GRAYSCALE,
    };
    let mut c = mozjpeg::Compress::new(colour);
    // mozjpeg offers trellis only as part of its default profile (trellis, progressive
    // scans and scan optimisation together); without it, libjpeg-turbo's behaviour.
    // Each profile then turns progression on or off.
    if settings.trellis {
        if !settings.progressive {
            // No scan script: one sequential scan, as `cjpeg -baseline` does.
            c.set_optimize_scans(false);
        }
    } else {
        c.set_fastest_defaults();
        c.set_optimize_coding(true);
        if settings.progressive {
            c.set_progressive_mode();
        }
    }
    if matches!(pixels, Pixels::Rgb(_)) {
        let size = settings.subsampling.chroma_pixel_size();
        c.set_chroma_sampling_pixel_sizes(size, size);
    }
    c.set_size(pixels.width() as usize, pixels.height() as usize);
    // `Compress::set_quality` lets quantiser steps exceed 255 (mozjpeg's trellis table
    // reaches 418 at quality 50, 259 at 69), which needs 16-bit tables and turns a
    // baseline file into "extended sequential" (SOF1): valid JPEG that strict upload
    // validators and old decoders refuse. The same tables, scaled as libjpeg scales
    // them for the quality and capped at 255, keep every file baseline or progressive.
    // The tables are the ones each profile's `set_quality` would use (mozjpeg's
    // ImageMagick/Robidoux table for both with trellis, Annex K otherwise).
    let q = f32::from(quality.clamp(1, 100));
    let (luma, chroma) = if settings.trellis {
        (&qtable::NRobidoux, &qtable::NRobidoux)
    } else {
        (&qtable::AnnexK_Luma, &qtable::AnnexK_Chroma)
    };
    c.set_luma_qtable(&luma.scaled(q, q));
    c.set_chroma_qtable(&chroma.scaled(q, q));
    // A rough guess of the output size saves the Vec a few reallocations.
    let guess = pixels.as_bytes().len() / 8;
    let mut started = c.start_compress(Vec::with_capacity(guess))?;
    let row_len = pixels.width() as usize * pixels.channels();
    for rows in pixels.as_bytes().chunks((row_len * rows_per_write).max(1)) {
        if stop.load(Ordering::Relaxed) {
            started.abort();
            return Ok(None);
        }
        started.write_scanlines(rows)?;
    }
    started.finish().map(Some)
}

/// The text of a panic payload (mozjpeg panics with a `String`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Lossless PNG through oxipng, metadata chunks stripped.
pub fn encode_png(pixels: &Pixels) -> Result<Vec<u8>, Problem> {
    let color = match pixels {
        Pixels::Rgb(_) => oxipng::ColorType::RGB {
            transparent_color: None,
        },
        Pixels::Gray(_) => oxipng::ColorType::Grayscale {
            transparent_shade: None,
        },
    };
    let raw = oxipng::RawImage::new(
        pixels.width(),
        pixels.height(),
        color,
        oxipng::BitDepth::Eight,
        pixels.as_bytes().to_vec(),
    )
    .map_err(|e| Problem::Encode(e.to_string()))?;
    // Preset 2 is oxipng's default: most of the gain of the higher presets at a fraction
    // of their time. The timeout bounds what a noisy picture can cost (8 s measured on
    // a 4 MP scan); oxipng then keeps the best result found so far.
    let mut opts = oxipng::Options::from_preset(2);
    opts.strip = oxipng::StripChunks::All;
    opts.timeout = Some(std::time::Duration::from_secs(2));
    catch_unwind(AssertUnwindSafe(|| raw.create_optimized_png(&opts)))
        .map_err(|payload| Problem::Encode(panic_text(payload.as_ref())))?
        .map_err(|e| Problem::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn every_setting_writes_the_frame_it_promises_with_8_bit_tables() {
        let img = RgbImage::from_fn(96, 64, |x, y| {
            Rgb([
                (x * 7 % 256) as u8,
                (y * 11 % 256) as u8,
                ((x + y) * 5 % 256) as u8,
            ])
        });
        let pixels = Pixels::Rgb(img);
        for subsampling in Subsampling::ALL {
            for progressive in [false, true] {
                for trellis in [false, true] {
                    let settings = JpegSettings {
                        subsampling,
                        progressive,
                        trellis,
                    };
                    for quality in [1, 30, 50, 69, 85, 100] {
                        let jpeg = MozJpeg { settings }.encode(&pixels, quality).unwrap();
                        let segs: Vec<_> = crate::jpeg::segments(&jpeg)
                            .map(|s| (s.marker, s.payload))
                            .collect();
                        let what = format!("{settings:?} q{quality}");
                        let (sof, frame) = segs
                            .iter()
                            .find(|(m, _)| {
                                (0xC0..=0xCF).contains(m) && ![0xC4, 0xC8, 0xCC].contains(m)
                            })
                            .expect("a frame header");
                        assert_eq!(*sof, if progressive { 0xC2 } else { 0xC0 }, "{what}");
                        let (h, v) = subsampling.chroma_pixel_size();
                        assert_eq!(frame[7], (h << 4) | v, "{what}: luma sampling");
                        assert_eq!([frame[10], frame[13]], [0x11, 0x11], "{what}");
                        for (_, dqt) in segs.iter().filter(|(m, _)| *m == 0xDB) {
                            // Precision nibble 0: 8-bit entries, 65 bytes per table.
                            assert!(dqt.chunks(65).all(|t| t[0] >> 4 == 0), "{what}");
                        }
                        let back = image::load_from_memory(&jpeg).unwrap();
                        assert_eq!((back.width(), back.height()), (96, 64));
                    }
                }
            }
        }
    }

    #[test]
    fn rows_handed_in_any_number_at_a_time_give_the_same_file_and_a_stop_ends_it() {
        // Taller than two writes, not a multiple of one, nor of an MCU row.
        let img = RgbImage::from_fn(200, ROWS_PER_WRITE as u32 * 2 + 37, |x, y| {
            Rgb([(x * 3 % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8])
        });
        let pixels = Pixels::Rgb(img);
        let never = AtomicBool::new(false);
        for effort in [Effort::Fast, Effort::Balanced, Effort::Max] {
            let settings = JpegSettings::from(effort);
            let encode = |rows| encode_jpeg(&pixels, 85, settings, &never, rows).unwrap();
            let whole = encode(pixels.height() as usize).unwrap();
            assert_eq!(encode(1), Some(whole.clone()), "{effort:?}");
            assert_eq!(encode(ROWS_PER_WRITE), Some(whole.clone()), "{effort:?}");
            assert_eq!(MozJpeg::from(effort).encode(&pixels, 85).unwrap(), whole);
        }
        let stopped = AtomicBool::new(true);
        let made = MozJpeg::from(Effort::Balanced).encode_unless(&pixels, 85, &stopped);
        assert_eq!(made.unwrap(), None);
    }

    #[test]
    fn subsampling_parses_both_spellings() {
        for (text, s) in [
            ("420", Subsampling::S420),
            ("4:2:2", Subsampling::S422),
            ("444", Subsampling::S444),
        ] {
            assert_eq!(text.parse::<Subsampling>(), Ok(s));
            assert_eq!(s.to_string().parse::<Subsampling>(), Ok(s));
        }
        assert!("411".parse::<Subsampling>().is_err());
    }
}
