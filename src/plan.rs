//! What can be known about an output before its source is decoded: whether a JPEG
//! must shrink so far that decoding it at 1/2, 1/4 or 1/8 of its size in the DCT
//! domain loses nothing the output keeps. Such a decode skips most of libjpeg's work
//! (inverse DCTs, chroma upsampling, colour conversion of pixels the resizer would
//! throw away), and the resizer then finishes at the exact size the band search picks.
//!
//! The header says enough for a prediction: the stored size, the file's size, and the
//! quantiser steps it was coded with. The band search's own model ([`crate::fit`])
//! turns those into the scale at which the output lands: the source is one encode
//! already measured, at the quantiser scale its luminance table shows; the search
//! lowers the quality to its floor before it resamples. Sources differ from scanfit's
//! encoder (chroma kept whole, unoptimised tables), so the prediction can be far off;
//! a decode is shrunk only when the predicted scale lies well inside the smaller
//! size ([`MARGIN`]), and the pipeline checks the outcome: when the search did not
//! need to shrink further, the source is decoded again at its full size, so the output
//! is never smaller than it would have been.

use crate::fit::quant_scale;
use crate::inspect::MIN_LEGIBLE_LONG_EDGE;
use crate::options::Profile;

/// The JPEG standard's example luminance table (Annex K), which libjpeg scales by
/// quality: a file's own table over this one is its quantiser scale. Sums make the
/// ratio independent of the order the steps are stored in.
const ANNEX_K_LUMA_SUM: f64 = 3688.0;

/// How far inside the shrunk size the predicted output scale must lie: the shrunk
/// decode is used only if the output is predicted at most 1/(k·MARGIN) of the source.
pub const MARGIN: f64 = 1.5;

/// The search model's prior slope of ln(bytes) in −ln(quantiser scale).
const SLOPE: f64 = 0.7;
/// The search model's prior exponent of bytes in scale when shrinking.
const SCALE_EXPONENT: f64 = 1.5;

/// By how much the JPEG `bytes` can be shrunk in the DCT domain before the band search
/// (1, 2, 4 or 8): the largest factor whose decode is still predicted to be larger
/// than the output by [`MARGIN`] (the output is predicted no smaller than the profile's
/// resolution floor), and no smaller than the size the inspections warn under (so a
/// shrunk decode warns as the full one would). 1 when the header lacks what is needed.
pub fn jpeg_shrink(bytes: &[u8], profile: &Profile) -> u8 {
    let Some((width, height)) = crate::jpeg::frame_size(bytes) else {
        return 1;
    };
    let Some(table) = crate::jpeg::luma_table(bytes).filter(|t| t.len() == 64) else {
        return 1;
    };
    let source_scale =
        (100.0 * table.iter().map(|&q| f64::from(q)).sum::<f64>() / ANNEX_K_LUMA_SUM).max(1.0);
    let long = width.max(height);
    // The search never goes under the resolution floor, whatever the bytes say.
    let predicted = predicted_scale(bytes.len() as f64, source_scale, profile)
        .max(f64::from(profile.min_long_edge) / f64::from(long));
    [8u8, 4, 2]
        .into_iter()
        .find(|&k| {
            predicted * MARGIN <= 1.0 / f64::from(k) && long / u32::from(k) >= MIN_LEGIBLE_LONG_EDGE
        })
        .unwrap_or(1)
}

/// The scale (output long edge over source long edge) the band search is predicted to
/// land at for a source of `len` bytes coded at quantiser scale `source_scale` (%):
/// the bytes at the quality floor from the source's, then the scale that brings them
/// to the search's aim below the maximum. 1.0 or more: no shrinking predicted.
fn predicted_scale(len: f64, source_scale: f64, profile: &Profile) -> f64 {
    let floor_scale = quant_scale(profile.min_quality);
    // Only ever fewer bytes at the floor: re-encoding a coarse source at a finer step
    // adds no detail.
    let at_floor = len * (SLOPE * (source_scale / floor_scale).ln()).exp().min(1.0);
    let aim = profile.max_bytes as f64 * 0.85;
    (aim / at_floor).powf(1.0 / SCALE_EXPONENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_far_over_the_band_are_shrunk() {
        let profile = Profile::default();
        // A source at quantiser scale 30 (quality 85): the bytes at quality 70 are
        // about 60 % of its own.
        assert!(predicted_scale(4e6, 30.0, &profile) > 1.0);
        let far = predicted_scale(60e6, 30.0, &profile);
        assert!(far < 0.5 / MARGIN && far > 0.125, "{far}");
        // A coarse source gains nothing from a finer step.
        assert!(
            (predicted_scale(20e6, 90.0, &profile) - predicted_scale(20e6, 60.0, &profile)).abs()
                < 1e-12
        );
    }

    #[test]
    fn the_header_decides_and_the_resolution_floor_bounds_it() {
        // A real header: the corpus photo (2000 × 3200, quality ≈ 88).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/客户B/手持身份证 照片.jpg"
        );
        let bytes = std::fs::read(path).unwrap();
        let band = |max_bytes, min_long_edge| Profile {
            min_bytes: 1_000,
            max_bytes,
            min_long_edge,
            ..Profile::default()
        };
        assert_eq!(jpeg_shrink(&bytes, &Profile::default()), 1);
        // A band far below the file: the decode stops at the size the inspections
        // warn under (1200 pixels), the output at the profile's resolution floor.
        assert_eq!(jpeg_shrink(&bytes, &band(10_000, 100)), 2);
        assert_eq!(jpeg_shrink(&bytes, &band(10_000, 1100)), 1);
        // A source twice as long (only its header's size changed) goes further.
        let mut bigger = bytes.clone();
        let sof = crate::jpeg::segments(&bytes)
            .find(|s| matches!(s.marker, 0xC0 | 0xC2))
            .unwrap()
            .start;
        bigger[sof + 5..sof + 7].copy_from_slice(&6400u16.to_be_bytes());
        assert_eq!(crate::jpeg::frame_size(&bigger), Some((2000, 6400)));
        assert_eq!(jpeg_shrink(&bigger, &band(10_000, 100)), 4);
        assert_eq!(jpeg_shrink(&bigger, &band(10_000, 2200)), 1);
        assert_eq!(jpeg_shrink(b"not a jpeg", &Profile::default()), 1);
    }
}
