//! convert's reading check (`--verify-reading`): an output must read as well as its
//! source; when the JPEG the band search chose misses characters the source reads with
//! confidence, the search runs again with a higher quality floor, as long as the band
//! has room.

use image::{DynamicImage, RgbImage};

use crate::error::Warning;
use crate::fit::Fitted;
use crate::normalize::Pixels;
use crate::ocr::legible::{legibility, reading_loss, ReadingLoss};
use crate::ocr::Reader;

/// An output may miss at most this share of the characters its source reads with
/// confidence: a margin for the engine reading a rescaled copy of the same text
/// slightly differently (not yet measured on converted outputs).
pub const MAX_LOSS: f64 = 0.02;
/// Each new search starts this many quality steps above the last output's quality.
const QUALITY_STEP: u8 = 8;

/// `fitted`, or a better-reading output `refit` finds with a higher JPEG quality floor
/// (`refit(floor)` is the band search with that floor, `None` when the band cannot be
/// met with it); a warning when the output still misses characters (or could not be
/// read).
pub fn keep_reading(
    reader: &Reader,
    pixels: &Pixels,
    fitted: Fitted,
    mut refit: impl FnMut(u8) -> Option<Fitted>,
) -> (Fitted, Option<Warning>) {
    let Ok(source) = reader.read(&rgb(pixels)) else {
        return (fitted, Some(Warning::ReadingUnchecked));
    };
    if legibility(&source).confident == 0 {
        return (fitted, None);
    }
    let loss_of = |f: &Fitted| -> Option<ReadingLoss> {
        let out = image::load_from_memory(&f.bytes).ok()?.to_rgb8();
        Some(reading_loss(&source, &reader.read(&out).ok()?))
    };
    let Some(mut loss) = loss_of(&fitted) else {
        return (fitted, Some(Warning::ReadingUnchecked));
    };
    let mut best = fitted;
    let mut floor = best.quality;
    let mut encodes = best.encodes;
    while loss.share() > MAX_LOSS && floor < 100 {
        floor = floor.saturating_add(QUALITY_STEP).min(100);
        let Some(next) = refit(floor) else { break };
        encodes += next.encodes;
        let Some(next_loss) = loss_of(&next) else {
            break;
        };
        // A higher floor may have been met with fewer pixels instead: keep whichever
        // output reads better.
        if next_loss.missed < loss.missed {
            best = next;
            loss = next_loss;
        }
    }
    best.encodes = encodes;
    let warning = (loss.share() > MAX_LOSS).then_some(Warning::ReadingLost {
        source: loss.source as u32,
        missed: loss.missed as u32,
    });
    (best, warning)
}

fn rgb(pixels: &Pixels) -> RgbImage {
    match pixels {
        Pixels::Rgb(img) => img.clone(),
        Pixels::Gray(img) => DynamicImage::ImageLuma8(img.clone()).to_rgb8(),
    }
}
