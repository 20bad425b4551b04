//! Whether a picture was rendered or screenshotted rather than photographed or scanned:
//! areas of one exact colour, with not one grain of sensor noise.
//!
//! Photos and scans have noise everywhere except where they clip (paper driven to pure
//! white, shadows to pure black), so only flat blocks of a colour between the clipping
//! ends count. A JPEG keeps such a block flat: a flat 8×8 block is its DC term alone. A
//! strongly compressed photo has flat blocks too (its quantiser drops faint noise), but
//! light changes from block to block: only a flat block whose right-hand neighbour is
//! flat in exactly the same colour counts.

use image::DynamicImage;

/// Side of the blocks looked at.
const BLOCK: usize = 8;
/// Blocks looked at, at most (on a grid over the whole picture).
const MAX_BLOCKS: usize = 4096;
/// Fraction of flat mid-colour blocks over which a picture counts as rendered.
pub const RENDERED_MIN: f32 = 0.05;

/// Flat, noiseless areas of a picture.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Flatness {
    /// Fraction of blocks of one exact colour, not white or black, whose right-hand
    /// neighbour has exactly that colour too.
    pub flat_mid: f32,
    /// Fraction of blocks of one exact colour, any colour.
    pub flat: f32,
}

impl Flatness {
    /// Whether these areas mark a render.
    pub fn is_rendered(&self) -> bool {
        self.flat_mid >= RENDERED_MIN
    }
}

/// Measures the flat areas of `img`.
pub fn measure(img: &DynamicImage) -> Flatness {
    measure_view(&super::View::of(img))
}

/// Measures the flat areas of a picture given as samples.
pub fn measure_view(view: &super::View<'_>) -> Flatness {
    let (w, h) = (view.width, view.height);
    let (s, ch) = (&view.samples, view.channels);
    let (bw, bh) = (w / BLOCK, h / BLOCK);
    if bw < 2 || bh == 0 {
        return Flatness::default();
    }
    let stride = ((bw * bh) as f64 / MAX_BLOCKS as f64)
        .sqrt()
        .ceil()
        .max(1.0) as usize;
    let (mut total, mut flat, mut flat_mid) = (0usize, 0usize, 0usize);
    let n = ch.min(3);
    // The block's one colour, if it has one.
    let flat_colour = |bx: usize, by: usize| -> Option<&[u8]> {
        let first = &s[(by * BLOCK * w + bx * BLOCK) * ch..][..n];
        (0..BLOCK)
            .all(|y| {
                let row = &s[((by * BLOCK + y) * w + bx * BLOCK) * ch..][..BLOCK * ch];
                row.chunks_exact(ch).all(|p| &p[..n] == first)
            })
            .then_some(first)
    };
    for by in (0..bh).step_by(stride) {
        for bx in (0..bw - 1).step_by(stride) {
            total += 1;
            if let Some(c) = flat_colour(bx, by) {
                flat += 1;
                let clipped = c.iter().all(|&v| v >= 248) || c.iter().all(|&v| v <= 8);
                if !clipped && flat_colour(bx + 1, by) == Some(c) {
                    flat_mid += 1;
                }
            }
        }
    }
    Flatness {
        flat_mid: flat_mid as f32 / total as f32,
        flat: flat as f32 / total as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn a_flat_blue_card_is_rendered_and_the_same_with_noise_is_not() {
        let card = RgbImage::from_pixel(320, 200, Rgb([70, 110, 190]));
        assert!(measure(&DynamicImage::ImageRgb8(card.clone())).is_rendered());
        let mut noisy = card;
        for (i, p) in noisy.pixels_mut().enumerate() {
            let n = ((i as u32).wrapping_mul(2_654_435_761) >> 30) as u8;
            p.0[1] = p.0[1].saturating_add(n);
        }
        assert!(!measure(&DynamicImage::ImageRgb8(noisy)).is_rendered());
    }
}
