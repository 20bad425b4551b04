//! Whether the document itself is grey: a photographed photocopy, even when the desk or
//! poster around it is colourful or the light is warm.
//!
//! Inside the found outline (shrunk toward its centre, so the edge and the desk stay
//! out), the paper's own colour sets the white balance; a pixel is chromatic when its
//! balanced channels differ by more than [`CHROMA_MIN`]. What counts as grey depends on what the kind
//! implies:
//! - a certificate (an ID card, a licence) always shows printed colour (a tinted ground,
//!   a photo, the emblem, a red seal), so one with almost no chromatic pixel
//!   ([`CERTIFICATE_GREY_MAX`]) is a copy: a toner copy has none at all, the least
//!   colourful original about 3 % (a licence's emblem and seal);
//! - a letter may legitimately be black text on white, so a neutral one
//!   ([`NEUTRAL_MAX`]) is a copy only when it also shows the grey, smooth mid-tones a
//!   copied picture or tint leaves ([`MID_SMOOTH_MIN`]), which text on paper does not,
//!   or its round seal, red in an original, is grey ([`ring`]).
//!
//! Nothing is said without an outline: measured in the frame's centre instead, the
//! repository's real renders and flat graphics (wallpapers, a poster) were called grey
//! and no rendered copy was found that way (docs/content-checks.md).

use super::preview::Preview;
use super::KindClass;

/// Balanced channel spread (max − min, 0–255) over which a pixel counts as chromatic.
pub const CHROMA_MIN: f32 = 28.0;
/// A document with fewer chromatic pixels than this fraction is neutral.
pub const NEUTRAL_MAX: f32 = 0.01;
/// Fraction of smooth mid-tone pixels that marks a copied picture rather than text.
pub const MID_SMOOTH_MIN: f32 = 0.12;
/// A certificate with fewer chromatic pixels than this fraction is grey: a photographed
/// toner copy has none (0.0 in every rendered one), the least colourful rendered original
/// (a licence, whose colour is its emblem and seal) 0.02–0.04, an ID card 0.1 and more;
/// see docs/content-checks.md.
pub const CERTIFICATE_GREY_MAX: f32 = 0.004;
/// Least fraction of dark pixels for a grey certificate to be a copy rather than a
/// blank tinted area.
pub const DARK_MIN: f32 = 0.002;
/// Least fraction of a circle's sectors that must be a dark line for a grey seal
/// ([`ring`]): 14 of 16. Rendered letter copies score 0.75–1 (most 0.875 or more), real
/// pictures without a seal at most 0.8125 (docs/content-checks.md).
pub const RING_MIN: f32 = 0.85;
/// [`ring`] first sums one disc pixel in this many around each centre, and sums them all
/// only where that sample dips by [`PREFILTER_DIP`] of the bar.
const PREFILTER_STRIDE: usize = 4;
/// The sampled dip, as a fraction of [`RING_DIP_MIN`], below which a centre is passed over.
const PREFILTER_DIP: f32 = 0.8;
/// Sectors a candidate circle is cut into ([`ring`]).
pub const SECTORS: usize = 16;
/// How much darker than the bands 2 pixels inside and outside a sector of the ring must
/// be, as a fraction of the paper's luma.
pub const SECTOR_DIP: f32 = 0.04;
/// How much darker than those bands the whole circle must be on average, as a fraction
/// of the paper's luma: a seal's ring (0.17–0.31 in rendered copies) rather than a
/// chance alignment of text.
pub const RING_DIP_MIN: f32 = 0.15;
/// A seal's radius as a fraction of the document's shorter side, least and most: an
/// official round seal (公章) is 40–45 mm across on a 210 mm page, 0.095–0.107; the
/// margin is for perspective and an outline found a little off the paper's edge.
const SEAL_RADIUS: (f32, f32) = (0.08, 0.13);

/// The colour of the document inside its outline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DocumentColour {
    /// Fraction of the document's pixels that are chromatic under its white balance.
    pub chromatic: f32,
    /// Fraction that are smooth mid-tones (a copied photo, tint, card background).
    pub mid_smooth: f32,
    /// For a grey document: the largest fraction of a seal-sized circle that is a dark
    /// line with lighter paper on both sides (a round seal, [`ring`]); 0 otherwise.
    pub ring: f32,
    /// Fraction darker than half the paper's luma (print, a photo, a seal).
    pub dark: f32,
}

impl DocumentColour {
    /// Whether a document of kind `kind` with this colour is a photocopy.
    pub fn is_copy(&self, kind: KindClass) -> bool {
        if kind == KindClass::Certificate {
            // A blank tinted area (a card's ground found as the outline) balances to
            // grey as well; a copied certificate shows dark print (photo, emblem, seal).
            self.chromatic < CERTIFICATE_GREY_MAX && self.dark >= DARK_MIN
        } else {
            let grey_seal = self.chromatic < CERTIFICATE_GREY_MAX && self.ring >= RING_MIN;
            grey_seal || (self.chromatic < NEUTRAL_MAX && self.mid_smooth >= MID_SMOOTH_MIN)
        }
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
            ring: 0.0,
            dark: 0.0,
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
    let (mut chromatic, mut mid, mut dark) = (0usize, 0usize, 0usize);
    for &i in &inside {
        let v = [0, 1, 2].map(|c| p.planes[c][i] * gain[c]);
        let spread =
            v.iter().copied().fold(f32::MIN, f32::max) - v.iter().copied().fold(f32::MAX, f32::min);
        if spread > CHROMA_MIN {
            chromatic += 1;
        }
        let l = p.luma(i);
        if l < 0.5 * paper_luma {
            dark += 1;
        }
        let grad =
            (p.luma(i + 1) - p.luma(i - 1)).abs() + (p.luma(i + p.w) - p.luma(i - p.w)).abs();
        if l > 0.25 * paper_luma && l < 0.8 * paper_luma && grad < 8.0 {
            mid += 1;
        }
    }
    let n = inside.len() as f32;
    let chromatic = chromatic as f32 / n;
    let side = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let short = side(corners[0], corners[1])
        .min(side(corners[1], corners[2]))
        .min(side(corners[2], corners[3]))
        .min(side(corners[3], corners[0]));
    DocumentColour {
        chromatic,
        mid_smooth: mid as f32 / n,
        dark: dark as f32 / n,
        ring: if chromatic < CERTIFICATE_GREY_MAX {
            ring(p, &shrunk, paper_luma, short)
        } else {
            0.0
        },
    }
}

/// The best circle of a seal's size inside `q`: the largest fraction of its [`SECTORS`]
/// sectors in which it is a dark line, darker by [`SECTOR_DIP`] of the paper than the
/// bands 2 pixels inside and outside, among circles that are such a line on average
/// ([`RING_DIP_MIN`]). A round seal is such a circle in a copy as in the original.
///
/// Each circle is judged on the mean luma of thin annuli (half a pixel wide), per
/// sector: a seal's ring, less than a preview pixel wide, is still a clear dip in that
/// mean, text lying over part of the ring takes only the sectors it covers, and text
/// alone, which crosses circles but does not follow them, leaves few sectors with a dip
/// at one radius (docs/content-checks.md has the scores).
pub fn ring(p: &Preview, q: &[[f32; 2]; 4], paper_luma: f32, short_side: f32) -> f32 {
    /// Width of one annulus, preview pixels.
    const BIN: f32 = 0.5;
    /// The reference bands' distance from the ring, in annuli (2 pixels).
    const D: usize = 4;
    let r_lo = (short_side * SEAL_RADIUS.0).max(4.0);
    let r_hi = (short_side * SEAL_RADIUS.1).max(r_lo);
    // Annuli from just inside the inner band of the smallest circle to just outside the
    // outer band of the largest.
    let k0 = ((r_lo / BIN) as usize).saturating_sub(D + 1);
    let k1 = (r_hi / BIN) as usize + D + 2;
    let nb = k1 - k0;
    let reach = (k1 as f32 * BIN).ceil() as i32;
    let (w, h) = (p.w as i32, p.h as i32);
    // Each pixel of the disc: its offset, annulus and sector.
    let mut offsets: Vec<(i32, usize)> = Vec::new();
    let mut count = vec![0f32; SECTORS * nb];
    for dy in -reach..=reach {
        for dx in -reach..=reach {
            let k = ((dx as f32).hypot(dy as f32) / BIN).round() as usize;
            if k < k0 || k >= k1 {
                continue;
            }
            let turn = ((dy as f32).atan2(dx as f32) / std::f32::consts::TAU).rem_euclid(1.0);
            let s = ((turn * SECTORS as f32) as usize).min(SECTORS - 1);
            offsets.push((dy * w + dx, s * nb + k - k0));
            count[s * nb + k - k0] += 1.0;
        }
    }
    let luma: Vec<f32> = (0..p.w * p.h).map(|i| p.luma(i)).collect();
    let total_count: Vec<f32> = (0..nb)
        .map(|k| (0..SECTORS).map(|s| count[s * nb + k]).sum())
        .collect();
    // Every fourth pixel of the disc, by annulus: a quarter of the work tells most
    // centres at once that no circle around them dips by even half the bar, so the whole
    // disc is summed only where a ring may be (a grey A4 page: most of the search).
    let sparse: Vec<(i32, usize)> = offsets
        .iter()
        .step_by(PREFILTER_STRIDE)
        .map(|&(off, slot)| (off, slot % nb))
        .collect();
    let mut sparse_count = vec![0f32; nb];
    for &(_, k) in &sparse {
        sparse_count[k] += 1.0;
    }
    let mut sparse_total = vec![0f32; nb];
    // Mean of annuli lo..=hi of one sector's (or the whole circle's) sums.
    let band = |sums: &[f32], count: &[f32], lo: usize, hi: usize| {
        sums[lo..=hi].iter().sum::<f32>() / count[lo..=hi].iter().sum::<f32>().max(1.0)
    };
    let x0 = q.iter().map(|c| c[0]).fold(f32::MAX, f32::min);
    let x1 = q.iter().map(|c| c[0]).fold(f32::MIN, f32::max);
    let y0 = q.iter().map(|c| c[1]).fold(f32::MAX, f32::min);
    let y1 = q.iter().map(|c| c[1]).fold(f32::MIN, f32::max);
    let mut sums = vec![0f32; SECTORS * nb];
    let mut total = vec![0f32; nb];
    let mut best = 0f32;
    for cy in y0.ceil() as i32..=y1.floor() as i32 {
        for cx in x0.ceil() as i32..=x1.floor() as i32 {
            let (fx, fy) = (cx as f32, cy as f32);
            // The circle and its outer band stay inside the document's bounds.
            let room = (fx - x0).min(x1 - fx).min(fy - y0).min(y1 - fy) - 2.0;
            if room < r_lo
                || !in_quad(q, [fx, fy])
                || cx < reach
                || cy < reach
                || cx + reach >= w
                || cy + reach >= h
            {
                continue;
            }
            let centre = cy * w + cx;
            let k_max = (((room.min(r_hi)) / BIN) as usize).saturating_sub(k0);
            let radii = (r_lo / BIN).ceil() as usize - k0..=k_max.min(nb - D - 2);
            sparse_total.iter_mut().for_each(|v| *v = 0.0);
            for &(off, k) in &sparse {
                sparse_total[k] += luma[(centre + off) as usize];
            }
            let may_dip = radii.clone().any(|k| {
                let at = band(&sparse_total, &sparse_count, k - 1, k + 1);
                let inside = band(&sparse_total, &sparse_count, k - D - 1, k - D) - at;
                let outside = band(&sparse_total, &sparse_count, k + D, k + D + 1) - at;
                (inside + outside) / 2.0 >= PREFILTER_DIP * RING_DIP_MIN * paper_luma
            });
            if !may_dip {
                continue;
            }
            sums.iter_mut().for_each(|v| *v = 0.0);
            for &(off, slot) in &offsets {
                sums[slot] += luma[(centre + off) as usize];
            }
            for (k, t) in total.iter_mut().enumerate() {
                *t = (0..SECTORS).map(|s| sums[s * nb + k]).sum();
            }
            for k in radii {
                let dip = |v: &[f32], c: &[f32]| {
                    let at = band(v, c, k - 1, k + 1);
                    let inside = band(v, c, k - D - 1, k - D) - at;
                    let outside = band(v, c, k + D, k + D + 1) - at;
                    (inside, outside)
                };
                let (inside, outside) = dip(&total, &total_count);
                if (inside + outside) / 2.0 < RING_DIP_MIN * paper_luma {
                    continue;
                }
                let sectors = (0..SECTORS)
                    .filter(|&s| {
                        let at = s * nb..(s + 1) * nb;
                        let (i, o) = dip(&sums[at.clone()], &count[at]);
                        i > SECTOR_DIP * paper_luma && o > SECTOR_DIP * paper_luma
                    })
                    .count();
                best = best.max(sectors as f32 / SECTORS as f32);
            }
        }
    }
    best
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
                        // The card's printed lines.
                        if y % 10 == 0 {
                            Rgb([40, 40, 40])
                        } else {
                            card
                        }
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

    #[test]
    fn a_grey_page_of_text_is_a_copy_as_a_certificate_and_not_as_a_letter() {
        // White paper, black text lines, nothing mid-grey; on a green desk.
        let page = DynamicImage::ImageRgb8(RgbImage::from_fn(200, 150, |x, y| {
            if (20..180).contains(&x) && (20..130).contains(&y) {
                if (y / 4) % 3 == 0 && (40..160).contains(&x) {
                    Rgb([30, 30, 30])
                } else {
                    Rgb([235, 235, 232])
                }
            } else {
                Rgb([40, 160, 60])
            }
        }));
        let grey = measure(&Preview::of(&page), &quad());
        assert!(grey.is_copy(KindClass::Certificate), "{grey:?}");
        assert!(!grey.is_copy(KindClass::Plain), "{grey:?}");
        assert!(!grey.is_copy(KindClass::Unknown), "{grey:?}");
    }

    /// A grey page on a green desk: paper, rows of character-sized glyphs, and
    /// optionally a grey seal (ring and star) whose lower half lies under two rows.
    fn letter(seal: bool) -> DynamicImage {
        let (cx, cy, r) = (130.0f32, 92.0f32, 12.0f32);
        DynamicImage::ImageRgb8(RgbImage::from_fn(200, 150, |x, y| {
            if !((20..180).contains(&x) && (20..130).contains(&y)) {
                return Rgb([40, 160, 60]);
            }
            let d = (x as f32 - cx).hypot(y as f32 - cy);
            if seal && ((d - r).abs() < 0.7 || d < 2.5) {
                return Rgb([95, 95, 95]);
            }
            // Rows 8 px apart (paragraphs, then two rows across the seal's lower half);
            // glyphs 5 px wide with 2 px between, each a few strokes.
            let row = [30, 38, 46, 54, 62, 92, 100]
                .into_iter()
                .find(|&r0| (r0..r0 + 5).contains(&y));
            let ink = row.filter(|_| (40..160).contains(&x)).is_some_and(|r0| {
                let (gx, gy) = ((x - 40) % 7, y - r0);
                let glyph = (x - 40) / 7 + r0;
                gx < 5
                    && (gy == 2
                        || gx == 2
                        || (glyph % 3 == 0 && gy == 0)
                        || (glyph % 2 == 1 && gx == 0))
            });
            if ink {
                Rgb([30, 30, 30])
            } else {
                Rgb([232, 232, 230])
            }
        }))
    }

    #[test]
    fn a_grey_letter_whose_seal_lies_half_under_text_is_a_copy_and_one_without_a_seal_is_not() {
        let sealed = measure(&Preview::of(&letter(true)), &quad());
        assert!(sealed.ring >= RING_MIN, "{sealed:?}");
        assert!(sealed.is_copy(KindClass::Plain), "{sealed:?}");
        assert!(sealed.is_copy(KindClass::Unknown), "{sealed:?}");
        let plain = measure(&Preview::of(&letter(false)), &quad());
        assert!(plain.chromatic < CERTIFICATE_GREY_MAX, "{plain:?}");
        assert!(!plain.is_copy(KindClass::Plain), "{plain:?}");
        assert!(!plain.is_copy(KindClass::Unknown), "{plain:?}");
    }
}
