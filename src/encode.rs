//! Encoders behind one trait, so the band search can be tested with a fake encoder
//! whose size is a known function of quality, and so the effort level is one value.
//!
//! mozjpeg reports codec errors by unwinding; each call is wrapped in `catch_unwind` so
//! one bad encode becomes an error value instead of tearing down the batch.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Problem;
use crate::normalize::Pixels;
use crate::options::Effort;

/// Turns pixels into a compressed file at a given quality (1–100).
pub trait Encoder: Sync {
    /// The encoded file's bytes.
    fn encode(&self, pixels: &Pixels, quality: u8) -> Result<Vec<u8>, Problem>;
}

/// JPEG through mozjpeg. Writes only a JFIF header: no EXIF, no ICC, no comment.
#[derive(Debug, Clone, Copy)]
pub struct MozJpeg {
    /// How hard the encoder works for smaller files.
    pub effort: Effort,
}

impl Encoder for MozJpeg {
    fn encode(&self, pixels: &Pixels, quality: u8) -> Result<Vec<u8>, Problem> {
        let effort = self.effort;
        catch_unwind(AssertUnwindSafe(|| encode_jpeg(pixels, quality, effort)))
            .map_err(|payload| Problem::Encode(panic_text(payload.as_ref())))?
            .map_err(|e| Problem::Encode(e.to_string()))
    }
}

fn encode_jpeg(pixels: &Pixels, quality: u8, effort: Effort) -> std::io::Result<Vec<u8>> {
    let colour = match pixels {
        Pixels::Rgb(_) => mozjpeg::ColorSpace::JCS_RGB,
        Pixels::Gray(_) => mozjpeg::ColorSpace::JCS_GRAYSCALE,
    };
    let mut c = mozjpeg::Compress::new(colour);
    match effort {
        Effort::Fast => {
            c.set_fastest_defaults();
            c.set_optimize_coding(true);
        }
        Effort::Balanced => {
            c.set_fastest_defaults();
            c.set_optimize_coding(true);
            c.set_progressive_mode();
        }
        Effort::Max => {}
    }
    c.set_size(pixels.width() as usize, pixels.height() as usize);
    c.set_quality(f32::from(quality.clamp(1, 100)));
    // A rough guess of the output size saves the Vec a few reallocations.
    let guess = pixels.as_bytes().len() / 8;
    let mut started = c.start_compress(Vec::with_capacity(guess))?;
    started.write_scanlines(pixels.as_bytes())?;
    started.finish()
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
