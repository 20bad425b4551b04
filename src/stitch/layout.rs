//! Where each piece of a stitched picture goes: the geometry of the layouts, and how
//! `auto` chooses between them. Pure arithmetic on sizes, no pixels.
//!
//! Pieces are scaled to a common width (vertical), height (horizontal) or long edge
//! (grid, each piece centred in equal cells, row by row). The common side is the
//! smallest piece's, so larger pieces shrink rather than smaller ones being enlarged,
//! but no piece's long edge shrinks below the profile's resolution floor
//! (`min_long_edge`, 2000 px by default, or the piece's own long edge if shorter):
//! an A4 scan next to a small screenshot would otherwise be crushed to the
//! screenshot's size and become illegible. Only then is the small piece enlarged. The
//! canvas is then capped at [`MAX_CANVAS_PIXELS`] (pieces shrink together; gaps and
//! margins keep their size), since the band search would shrink anything larger anyway
//! and a bigger canvas only costs memory and encode time.
//!
//! `auto` scores each layout and keeps the lowest score:
//! `loss + ASPECT_WEIGHT × |ln(long/short) − ln √2|`, where `loss` is the share of the
//! pieces' source pixels lost to shrinking (enlarging gains nothing) and the second
//! term is how far the canvas is from a page's 1:√2 shape, either way up. A weight of
//! 0.5 means a canvas twice as elongated as a page costs as much as losing a third of
//! the pixels. Ties go to vertical, then horizontal, then grid.

pub use crate::error::LayoutError;

/// Largest canvas built, in pixels: a grid of four 6 MP pieces, or each of four A4
/// pages at about 250 dpi. Past it the band search would shrink the canvas anyway.
pub const MAX_CANVAS_PIXELS: u64 = 24_000_000;
/// Weight of the aspect term against the resolution-loss term in `auto`'s score.
pub const ASPECT_WEIGHT: f64 = 0.5;
/// How pieces are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// The layout with the best score (see the module documentation).
    #[default]
    Auto,
    /// One above the other, in order, at a common width.
    Vertical,
    /// Side by side, in order, at a common height.
    Horizontal,
    /// Equal cells, row by row, ⌈√n⌉ columns, each piece at a common long edge.
    Grid,
}

/// Where one piece goes on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width the piece is scaled to.
    pub width: u32,
    /// Height the piece is scaled to.
    pub height: u32,
}

/// A computed layout: canvas size, one place per piece, and its score's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrangement {
    /// The concrete layout (never [`Layout::Auto`]).
    pub layout: Layout,
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// One place per piece, in input order.
    pub places: Vec<Rect>,
    /// Share of the pieces' source pixels lost to shrinking, 0–1.
    pub loss: f64,
    /// |ln(long/short) − ln √2| of the canvas.
    pub aspect_penalty: f64,
}

impl Arrangement {
    /// `auto`'s score: lower is better.
    pub fn score(&self) -> f64 {
        self.loss + ASPECT_WEIGHT * self.aspect_penalty
    }
}

/// Lays out pieces of the given upright sizes. `floor` is the side larger pieces are
/// not shrunk below (the profile's `min_long_edge`); `max_pixels` caps the canvas.
pub fn arrange(
    sizes: &[(u32, u32)],
    layout: Layout,
    gap: u32,
    margin: u32,
    floor: u32,
    max_pixels: u64,
) -> Result<Arrangement, LayoutError> {
    if sizes.is_empty() {
        return Err(LayoutError::NoPieces);
    }
    let concrete = |l| arrange_as(sizes, l, gap, margin, floor, max_pixels);
    match layout {
        Layout::Auto => {
            let mut best = concrete(Layout::Vertical)?;
            for l in [Layout::Horizontal, Layout::Grid] {
                let candidate = concrete(l)?;
                // Strictly better only, so ties keep the earlier layout.
                if candidate.score() < best.score() - 1e-12 {
                    best = candidate;
                }
            }
            Ok(best)
        }
        l => concrete(l),
    }
}

/// The common side (width, height or long edge, as `side` picks from a size): the
/// smallest piece's, raised as far as needed so that no piece's long edge shrinks below
/// `floor` (or below its own long edge, when that is shorter).
fn common_side(sizes: &[(u32, u32)], side: impl Fn((u32, u32)) -> u32, floor: u32) -> f64 {
    let min = sizes.iter().map(|&s| side(s)).min().unwrap_or(1);
    sizes
        .iter()
        .map(|&(w, h)| {
            let long = w.max(h);
            f64::from(floor.min(long)) * f64::from(side((w, h))) / f64::from(long)
        })
        .fold(f64::from(min), f64::max)
}

fn arrange_as(
    sizes: &[(u32, u32)],
    layout: Layout,
    gap: u32,
    margin: u32,
    floor: u32,
    max_pixels: u64,
) -> Result<Arrangement, LayoutError> {
    let side = match layout {
        Layout::Vertical => common_side(sizes, |s| s.0, floor),
        Layout::Horizontal => common_side(sizes, |s| s.1, floor),
        Layout::Grid | Layout::Auto => common_side(sizes, |s| s.0.max(s.1), floor),
    };
    let too_large = || LayoutError::TooLarge {
        pieces: sizes.len(),
        gap,
        margin,
        max: max_pixels,
    };
    let mut placed = place(sizes, layout, side, gap, margin);
    let area = |p: &Placed| p.width.saturating_mul(p.height);
    if area(&placed) > max_pixels {
        // Shrink the pieces together; gaps and margins keep their size so borders stay
        // visible. Rounding can leave the first guess a little over: step down.
        let mut side = side * (max_pixels as f64 / area(&placed) as f64).sqrt();
        placed = place(sizes, layout, side, gap, margin);
        while area(&placed) > max_pixels {
            if side <= 1.0 {
                return Err(too_large());
            }
            side = (side * 0.98).floor().max(1.0);
            placed = place(sizes, layout, side, gap, margin);
        }
    }
    let (Ok(width), Ok(height)) = (u32::try_from(placed.width), u32::try_from(placed.height))
    else {
        return Err(too_large());
    };
    let total: f64 = sizes
        .iter()
        .map(|&(w, h)| f64::from(w) * f64::from(h))
        .sum();
    let lost: f64 = sizes
        .iter()
        .zip(&placed.places)
        .map(|(&(w, h), r)| {
            let s = (f64::from(r.width) / f64::from(w)).min(1.0);
            f64::from(w) * f64::from(h) * (1.0 - s * s)
        })
        .sum();
    let (long, short) = (width.max(height), width.min(height));
    Ok(Arrangement {
        layout: if layout == Layout::Auto {
            Layout::Grid
        } else {
            layout
        },
        width,
        height,
        places: placed.places,
        loss: lost / total,
        // A distance in ln units: a canvas squarer than a page is as far off as one
        // more elongated by the same ratio.
        aspect_penalty: ((f64::from(long) / f64::from(short.max(1))).ln()
            - std::f64::consts::SQRT_2.ln())
        .abs(),
    })
}

/// A placement before it is checked against the canvas limit (sizes in u64 so absurd
/// inputs cannot overflow).
struct Placed {
    width: u64,
    height: u64,
    places: Vec<Rect>,
}

/// Places pieces with the common side `side` (width, height or long edge).
fn place(sizes: &[(u32, u32)], layout: Layout, side: f64, gap: u32, margin: u32) -> Placed {
    let c = side.round().max(1.0) as u32;
    let (gap64, m64) = (u64::from(gap), u64::from(margin));
    let n = sizes.len() as u64;
    // `other * c / this`, rounded, at least one pixel.
    let along = |other: u32, this: u32| -> u32 {
        ((f64::from(other) * f64::from(c) / f64::from(this)).round() as u32).max(1)
    };
    let dims: Vec<(u32, u32)> = sizes
        .iter()
        .map(|&(w, h)| match layout {
            Layout::Vertical => (c, along(h, w)),
            Layout::Horizontal => (along(w, h), c),
            Layout::Grid | Layout::Auto if w >= h => (c, along(h, w)),
            Layout::Grid | Layout::Auto => (along(w, h), c),
        })
        .collect();
    // Positions saturate instead of overflowing; such a canvas fails the size check.
    let at = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    match layout {
        Layout::Vertical | Layout::Horizontal => {
            let vertical = layout == Layout::Vertical;
            let mut along_pos = m64;
            let places = dims
                .iter()
                .map(|&(w, h)| {
                    let r = if vertical {
                        Rect {
                            x: margin,
                            y: at(along_pos),
                            width: w,
                            height: h,
                        }
                    } else {
                        Rect {
                            x: at(along_pos),
                            y: margin,
                            width: w,
                            height: h,
                        }
                    };
                    along_pos += u64::from(if vertical { h } else { w }) + gap64;
                    r
                })
                .collect();
            let length = along_pos - gap64 + m64;
            let across = u64::from(c) + 2 * m64;
            let (width, height) = if vertical {
                (across, length)
            } else {
                (length, across)
            };
            Placed {
                width,
                height,
                places,
            }
        }
        Layout::Grid | Layout::Auto => {
            let cols = (n as f64).sqrt().ceil().max(1.0) as u64;
            let rows = n.div_ceil(cols);
            let cell_w = u64::from(dims.iter().map(|d| d.0).max().unwrap_or(1));
            let cell_h = u64::from(dims.iter().map(|d| d.1).max().unwrap_or(1));
            let places = dims
                .iter()
                .enumerate()
                .map(|(i, &(w, h))| {
                    let (col, row) = (i as u64 % cols, i as u64 / cols);
                    Rect {
                        x: at(m64 + col * (cell_w + gap64) + (cell_w - u64::from(w)) / 2),
                        y: at(m64 + row * (cell_h + gap64) + (cell_h - u64::from(h)) / 2),
                        width: w,
                        height: h,
                    }
                })
                .collect();
            Placed {
                width: 2 * m64 + cols * cell_w + (cols - 1) * gap64,
                height: 2 * m64 + rows * cell_h + (rows - 1) * gap64,
                places,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: u64 = u64::MAX;

    fn vertical(sizes: &[(u32, u32)], floor: u32) -> Arrangement {
        arrange(sizes, Layout::Vertical, 40, 40, floor, BIG).unwrap()
    }

    #[test]
    fn vertical_shrinks_the_larger_piece_to_the_smaller_width() {
        let a = vertical(&[(4000, 3000), (3000, 4000)], 2000);
        assert_eq!(
            a.places[0],
            Rect {
                x: 40,
                y: 40,
                width: 3000,
                height: 2250
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 40,
                y: 40 + 2250 + 40,
                width: 3000,
                height: 4000
            }
        );
        assert_eq!((a.width, a.height), (3080, 40 + 2250 + 40 + 4000 + 40));
        // The landscape piece lost 1 - 0.75² of its 12 MP, half the total.
        assert!((a.loss - 0.4375 / 2.0).abs() < 1e-9, "{}", a.loss);
    }

    #[test]
    fn the_floor_keeps_a_large_piece_legible_next_to_a_small_one() {
        // A 600 px screenshot must not crush an A4 scan to 600 px wide: the scan keeps
        // a 2000 px long edge, and the screenshot is enlarged to match.
        let a = vertical(&[(600, 400), (2480, 3508)], 2000);
        assert_eq!(a.places[0].width, 1414);
        assert_eq!((a.places[1].width, a.places[1].height), (1414, 2000));
        // A landscape photo beside a small portrait letter shrinks to the letter's
        // height, which still leaves its long edge above the floor: nothing enlarged.
        let a = arrange(
            &[(3840, 2160), (1150, 1526)],
            Layout::Horizontal,
            0,
            0,
            2000,
            BIG,
        )
        .unwrap();
        assert_eq!(
            a.places[1],
            Rect {
                x: 2713,
                y: 0,
                width: 1150,
                height: 1526
            }
        );
        assert_eq!(a.places[0].width, 2713);
        // ...but two small pieces are not enlarged to the floor.
        let a = vertical(&[(600, 400), (800, 600)], 2000);
        assert_eq!(a.places[1].width, 800);
        assert_eq!(a.loss, 0.0);
    }

    #[test]
    fn horizontal_uses_a_common_height() {
        let a = arrange(
            &[(4000, 3000), (1000, 2000)],
            Layout::Horizontal,
            10,
            5,
            100,
            BIG,
        )
        .unwrap();
        assert_eq!(
            a.places[0],
            Rect {
                x: 5,
                y: 5,
                width: 2667,
                height: 2000
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 5 + 2667 + 10,
                y: 5,
                width: 1000,
                height: 2000
            }
        );
        assert_eq!((a.width, a.height), (5 + 2667 + 10 + 1000 + 5, 2010));
    }

    #[test]
    fn grid_of_four_is_two_by_two_and_centres_pieces_in_cells() {
        let sizes = [(1000, 800), (1000, 800), (800, 1000), (1000, 800)];
        let a = arrange(&sizes, Layout::Grid, 20, 30, 500, BIG).unwrap();
        // Common long edge 1000; cells 1000×1000.
        assert_eq!((a.width, a.height), (30 + 1000 + 20 + 1000 + 30, 2080));
        assert_eq!(
            a.places[0],
            Rect {
                x: 30,
                y: 130,
                width: 1000,
                height: 800
            }
        );
        assert_eq!(
            a.places[1],
            Rect {
                x: 1050,
                y: 130,
                width: 1000,
                height: 800
            }
        );
        assert_eq!(
            a.places[2],
            Rect {
                x: 130,
                y: 1050,
                width: 800,
                height: 1000
            }
        );
        assert_eq!(
            a.places[3],
            Rect {
                x: 1050,
                y: 1150,
                width: 1000,
                height: 800
            }
        );
        // Three pieces: still two columns, two rows, the last cell empty.
        let a = arrange(&sizes[..3], Layout::Grid, 20, 30, 500, BIG).unwrap();
        assert_eq!((a.width, a.height), (2080, 2080));
    }

    #[test]
    fn places_never_overlap_and_stay_inside_the_canvas() {
        let sizes = [
            (4000, 3000),
            (713, 1999),
            (1, 5000),
            (3000, 1),
            (2480, 3508),
        ];
        for layout in [Layout::Vertical, Layout::Horizontal, Layout::Grid] {
            let a = arrange(&sizes, layout, 7, 11, 2000, 30_000_000).unwrap();
            assert!(u64::from(a.width) * u64::from(a.height) <= 30_000_000);
            for (i, r) in a.places.iter().enumerate() {
                assert!(r.x >= 11 && r.y >= 11 && r.width > 0 && r.height > 0);
                assert!(r.x + r.width <= a.width - 11 && r.y + r.height <= a.height - 11);
                for s in &a.places[i + 1..] {
                    let apart = r.x + r.width + 7 <= s.x
                        || s.x + s.width + 7 <= r.x
                        || r.y + r.height + 7 <= s.y
                        || s.y + s.height + 7 <= r.y;
                    assert!(apart, "{layout:?}: {r:?} and {s:?} are closer than the gap");
                }
            }
        }
    }

    #[test]
    fn the_canvas_cap_shrinks_pieces_but_not_gaps() {
        let sizes = [(4000, 3000); 4];
        let a = arrange(&sizes, Layout::Grid, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert!(u64::from(a.width) * u64::from(a.height) <= MAX_CANVAS_PIXELS);
        assert!(a.width > 5000, "shrunk too far: {}", a.width);
        assert_eq!(a.places[1].x - (a.places[0].x + a.places[0].width), 40);
        assert!(a.loss > 0.4 && a.loss < 0.6, "{}", a.loss);
    }

    #[test]
    fn absurd_inputs_fail_instead_of_overflowing() {
        let many = vec![(10, 10); 5000];
        let err = arrange(&many, Layout::Vertical, 1000, 1000, 1, 24_000_000).unwrap_err();
        assert!(matches!(err, LayoutError::TooLarge { .. }));
        assert_eq!(
            arrange(&[], Layout::Auto, 0, 0, 1, BIG),
            Err(LayoutError::NoPieces)
        );
        let huge = [(u32::MAX, u32::MAX), (u32::MAX, 1)];
        // A 4-gigapixel-long sliver cannot sit beside anything at a common height: an
        // error, not an overflow or a giant allocation.
        for layout in [Layout::Vertical, Layout::Horizontal, Layout::Grid] {
            match arrange(&huge, layout, 0, 0, 1, 24_000_000) {
                Ok(a) => assert!(u64::from(a.width) * u64::from(a.height) <= 24_000_000),
                Err(e) => assert!(matches!(e, LayoutError::TooLarge { .. })),
            }
        }
    }

    #[test]
    fn auto_picks_vertical_for_two_landscapes_and_a_grid_for_four() {
        let two = [(4000, 3000), (4000, 3000)];
        let a = arrange(&two, Layout::Auto, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert_eq!(a.layout, Layout::Vertical);
        let two_portraits = [(2480, 3508), (2480, 3508)];
        let a = arrange(
            &two_portraits,
            Layout::Auto,
            40,
            40,
            2000,
            MAX_CANVAS_PIXELS,
        )
        .unwrap();
        assert_eq!(a.layout, Layout::Horizontal);
        let four = [(2000, 1500); 4];
        let a = arrange(&four, Layout::Auto, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap();
        assert_eq!(a.layout, Layout::Grid);
        // An ID card photo and an A4 letter: stacked, the letter barely shrinks.
        let id_and_letter = [(1600, 1000), (2480, 3508)];
        let a = arrange(
            &id_and_letter,
            Layout::Auto,
            40,
            40,
            2000,
            MAX_CANVAS_PIXELS,
        )
        .unwrap();
        assert_eq!(a.layout, Layout::Vertical);
    }
}
