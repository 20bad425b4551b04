//! Whether the document itself is grey: a photographed photocopy, even when the desk or
//! poster around it is colourful or the light is warm.
//!
//! Inside the found outline (shrunk toward its centre, so the edge and the desk stay
//! out), the paper's own colour sets the white balance; a pixel is chromatic when its
//! balanced channels differ by more than [`CHROMA_MIN`]. A neutral document is a copy
//! when it also shows the grey, smooth mid-tones a copied picture or tint leaves, which
//! text on paper does not: a letter may legitimately be black text on white. A
//! certificate (an ID card, a licence) has printed colour and a red seal, so it needs
//! fewer of them ([`CERTIFICATE_MID_SMOOTH_MIN`] against [`MID_SMOOTH_MIN`]).

use super::preview::Preview;
use super::KindClass;

/// Balanced channel spread (max − min, 0–255) over which a pixel counts as chromatic.
pub const CHROMA_MIN: f32 = 28.0;
/// A document with fewer chromatic pixels than this fraction is neutral.
pub const NEUTRAL_MAX: f32 = 0.01;
/// Fraction of smooth mid-tone pixels that marks a copied picture rather than text.
pub const MID_SMOOTH_MIN: f32 = 0.12;
/// The same for a certificate, whose original has printed colour: a neutral one needs
/// less to be a copy, but not nothing (a real scan of a near-neutral page named as a
/// licence has about 0.02).
pub const CERTIFICATE_MID_SMOOTH_MIN: f32 = 0.05;

/// The colour of the document inside its outline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DocumentColour {
    /// Fraction of the document's pixels that are chromatic under its white balance.
    pub chromatic: f32,
    /// Fraction that are smooth mid-tones (a copied photo, tint, card background).
    pub mid_smooth: f32,
}

impl DocumentColour {
    /// Whether a document of kind `kind` with this colour is a photocopy.
    pub fn is_copy(&self, kind: KindClass) -> bool {
        let min = if kind == KindClass::Certificate {
            CERTIFICATE_MID_SMOOTH_MIN
        } else {
            MID_SMOOTH_MIN
        };
        self.chromatic < NEUTRAL_MAX && self.mid_smooth >= min
    }
}

/// Measures the document inside `corners` (preview coordinates, clockwise from top-left).
pub fn measure(p: &Preview, corners: &[[f32; 2]; 4]) -> DocumentColour {
    let cx = corners.iter().map(|c| c[0]).sum::<f32>() / 4.0;
    let cy = corners.iter().map(|c| c[1]).sum::<f32>() / 4.0;
    let shrunk = corners.map(|c| [cx + (c[0] - cx) * 0.85, cy + (c[1] - cy) * 0.85]);
    let mut inside = Vec::new();
    for y in 1..p.h.saturating_sub(1) {
        for x in 1..p.w.saturating_sub(1) {
            if in_quad(&shrunk, [x as f32, y as f32]) {
                inside.push(y * p.w + x);
            }
        }
    }
    if inside.len() < 64 {
        return DocumentColour {
            chromatic: 1.0,
            mid_smooth: 0.0,
        };
    }
    // The paper: the brightest tenth of the document.
    let mut lumas: Vec<f32> = inside.iter().map(|&i| p.luma(i)).collect();
    let k = lumas.len() * 9 / 10;
    let (_, &mut paper_luma, _) = lumas.select_nth_unstable_by(k, f32::total_cmp);
    let mut paper = [0f64; 3];
    let mut n = 0usize;
    for &i in &inside {
        if p.luma(i) >= paper_luma {
            for (c, s) in paper.iter_mut().enumerate() {
                *s += f64::from(p.planes[c][i]);
            }
            n += 1;
        }
    }
    let paper = paper.map(|s| (s / n.max(1) as f64) as f32);
    let grey = (paper[0] + paper[1] + paper[2]) / 3.0;
    let gain = paper.map(|c| (grey / c.max(1.0)).clamp(0.5, 2.0));
    let (mut chromatic, mut mid) = (0usize, 0usize);
    for &i in &inside {
        let v = [0, 1, 2].map(|c| p.planes[c][i] * gain[c]);
        let spread =
            v.iter().copied().fold(f32::MIN, f32::max) - v.iter().copied().fold(f32::MAX, f32::min);
        if spread > CHROMA_MIN {
            chromatic += 1;
        }
        let l = p.luma(i);
        let grad =
            (p.luma(i + 1) - p.luma(i - 1)).abs() + (p.luma(i + p.w) - p.luma(i - p.w)).abs();
        if l > 0.25 * paper_luma && l < 0.8 * paper_luma && grad < 8.0 {
            mid += 1;
        }
    }
    let n = inside.len() as f32;
    DocumentColour {
        chromatic: chromatic as f32 / n,
        mid_smooth: mid as f32 / n,
    }
}

/// Whether `p` lies inside the convex quadrilateral `q` (either winding).
fn in_quad(q: &[[f32; 2]; 4], p: [f32; 2]) -> bool {
    let mut sign = 0f32;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        if cross != 0.0 {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, Rgb, RgbImage};

    fn quad() -> [[f32; 2]; 4] {
        [[20.0, 20.0], [180.0, 20.0], [180.0, 130.0], [20.0, 130.0]]
    }

    #[test]
    fn a_grey_card_in_warm_light_on_a_red_desk_is_a_copy_and_a_blue_card_is_not() {
        let picture = |card: Rgb<u8>| {
            DynamicImage::ImageRgb8(RgbImage::from_fn(200, 150, |x, y| {
                if (20..180).contains(&x) && (20..130).contains(&y) {
                    if (40..100).contains(&x) {
                        card
                    } else {
                        Rgb([240, 225, 200])
                    }
                } else {
                    Rgb([200, 30, 30])
                }
            }))
        };
        let grey = measure(&Preview::of(&picture(Rgb([150, 140, 125]))), &quad());
        assert!(grey.is_copy(KindClass::Certificate), "{grey:?}");
        let blue = measure(&Preview::of(&picture(Rgb([80, 120, 200]))), &quad());
        assert!(!blue.is_copy(KindClass::Certificate), "{blue:?}");
    }
}
