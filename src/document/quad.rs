//! The document's outline: four straight edges, their corners, and whether the frame
//! cuts the document.
//!
//! Each side of the frame is searched for the straight line (within ±20 % of the other
//! side's length of tilt, so perspective and a slanted card are found) along which the
//! colour steps most coherently: the sum of the across-line step over the whole line,
//! per channel, so a paper edge (one long step of one sign) scores high and a text line
//! (short strokes, both signs) scores low. A line counts as an edge where a run of it
//! steps by at least [`MIN_STEP`] over at least [`MIN_RUN`] of the frame. Two found
//! edges whose runs meet make a visible corner: the evidence that there is a document at
//! all, without which nothing is said (a landscape, a full-page scan).
//!
//! The frame cuts the document when a found edge runs into the frame's edge where no
//! edge closes it: no edge found on that side, their corner outside the picture, the
//! edge running on past the corner (then the line on that side is another object's), or
//! a line on that side that does not reach the corner or does not step from the desk to
//! the paper as this edge does (a line printed on the document, another object). And
//! only with evidence that the edge is a document's: a visible corner with a neighbour
//! that steps alike (the same colour direction, a similar amount, both clearly), and
//! an inside as smooth as paper. Lines in a landscape, a wave, a crop of a page's text
//! meet in corners too, but their steps disagree or are faint, or they enclose texture.

use super::preview::Preview;

/// Least mean colour step along an edge's run (0–255 per channel, vector length).
pub const MIN_STEP: f32 = 14.0;
/// Least run of an edge, as a fraction of the frame side it lies along.
pub const MIN_RUN: f32 = 0.2;
/// How close to the frame's edge a run must reach to run into it (fraction).
const TOUCH: f32 = 0.03;
/// Least area of a document, as a fraction of the picture.
const MIN_AREA: f32 = 0.1;
/// Tolerance for a run reaching a corner (fraction of the side).
const CORNER_REACH: f32 = 0.06;
/// How far past the corner with a found edge a run must go to show the document
/// continues (fraction of the side): text lines and ornaments along a scanned page reach
/// a little past its corners.
const PAST_CORNER: f32 = 0.2;
/// Step of the coarse line search, in preview pixels at both ends of the line.
const COARSE: usize = 4;
/// Least fraction of smooth preview pixels inside the outline for the frame to cut a
/// document: paper and card are smooth at preview scale between their print (rendered
/// cut documents 0.39–1.0), grass, gravel or a crop of a page's text are not
/// (0.01–0.23); see docs/content-checks.md.
pub const MIN_SMOOTH_INSIDE: f32 = 0.3;
/// Least mean step (vector length) of the two edges whose corner shows that the edge
/// running out of the frame is a document's: paper against a desk steps by 50–200,
/// the faint lines of a landscape or a wave by 10–25.
pub const MIN_CUT_STEP: f32 = 30.0;
/// Least cosine between two edges' steps from outside to inside for them to belong to
/// one document (paper against one desk).
const ALIKE_COS: f32 = 0.9;
/// Largest ratio of two edges' step lengths for them to belong to one document.
const ALIKE_RATIO: f32 = 2.5;
/// Luma step (levels, across and down) under which a preview pixel is smooth.
const SMOOTH_STEP: f32 = 3.0;

/// The document's outline in the examined picture's pixels.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outline {
    /// A document with at least one visible corner: its corners, top-left, top-right,
    /// bottom-right, bottom-left (a corner outside the picture lies outside its bounds; a
    /// side not found is the frame's own edge).
    Quad([[f32; 2]; 4]),
    /// No document edges: the page fills the frame (a flatbed or full-page scan), or the
    /// picture is no document.
    Frame,
}

impl Outline {
    /// Whether the document fills the frame or lies exactly square in it, as in a render
    /// or a screenshot (a photographed document is never aligned to the pixel).
    pub fn is_upright_frame(&self) -> bool {
        match self {
            Outline::Frame => true,
            Outline::Quad([tl, tr, br, bl]) => {
                let near = |a: f32, b: f32| (a - b).abs() <= 2.0;
                near(tl[1], tr[1]) && near(bl[1], br[1]) && near(tl[0], bl[0]) && near(tr[0], br[0])
            }
        }
    }

    /// The corners, for a found document.
    pub fn corners(&self) -> Option<[[f32; 2]; 4]> {
        match self {
            Outline::Quad(c) => Some(*c),
            Outline::Frame => None,
        }
    }
}

/// What [`find`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The outline, in original pixels.
    pub outline: Outline,
    /// The frame cuts the document.
    pub cut: bool,
}

/// A found edge, in the coordinates of the search (`along` is x for top and bottom, y
/// for left and right): the line from `(0, a0)` to `(len - 1, a1)`.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a0: f32,
    a1: f32,
    /// The run of the line that steps, along the line.
    run: (f32, f32),
    len: f32,
    /// The mean colour step across the run, per channel, toward greater depth.
    step: [f32; 3],
}

impl Edge {
    /// The step from outside to inside the document, for the edge on side `side`.
    fn inward(&self, side: usize) -> [f32; 3] {
        // Top and left search toward greater depth, which is inward.
        let sign = if side == 0 || side == 3 { 1.0 } else { -1.0 };
        self.step.map(|v| v * sign)
    }

    /// Length of the mean step.
    fn strength(&self, side: usize) -> f32 {
        self.inward(side).iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    /// Whether this edge (on `side`) and `other` (on `other_side`) step from outside to
    /// inside alike: in the same colour direction and by a similar amount.
    fn alike(&self, side: usize, other: &Edge, other_side: usize) -> bool {
        let (a, b) = (self.inward(side), other.inward(other_side));
        let (na, nb) = (self.strength(side), other.strength(other_side));
        let dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        na > 0.0 && nb > 0.0 && dot >= ALIKE_COS * na * nb && na.max(nb) <= ALIKE_RATIO * na.min(nb)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Top,
    Right,
    Bottom,
    Left,
}

const SIDES: [Side; 4] = [Side::Top, Side::Right, Side::Bottom, Side::Left];

/// Finds the document in `p`.
pub fn find(p: &Preview) -> Found {
    let rows = Field::rows(p);
    let cols = Field::cols(p);
    let (w, h) = (p.w as f32, p.h as f32);
    let mut edges: [Option<Edge>; 4] = [None; 4];
    for (i, side) in SIDES.into_iter().enumerate() {
        let (field, low) = match side {
            Side::Top => (&rows, true),
            Side::Bottom => (&rows, false),
            Side::Left => (&cols, true),
            Side::Right => (&cols, false),
        };
        edges[i] = field.best_edge(low);
    }
    // The outline shown (and whose colour is measured) is the edges as found, unless
    // the frame cuts the document: then it is the document's sides as resolved.
    let found = Sides { edges, w, h };
    let sides = Sides::resolve(edges, w, h);
    let cut = sides.is_document() && sides.cut(p);
    let shown = if cut { sides } else { found };
    if !shown.is_document() {
        return Found {
            outline: Outline::Frame,
            cut: false,
        };
    }
    Found {
        outline: Outline::Quad(PAIRS.map(|pair| p.to_original(shown.corner(pair)))),
        cut,
    }
}

/// Corners: top-left, top-right, bottom-right, bottom-left, as (side, side).
const PAIRS: [(usize, usize); 4] = [(0, 3), (0, 1), (2, 1), (2, 3)];

/// Where a point lies along side `i`'s own axis.
fn along(i: usize, c: [f32; 2]) -> f32 {
    match SIDES[i] {
        Side::Top | Side::Bottom => c[0],
        Side::Left | Side::Right => c[1],
    }
}

/// The found edges, one a side (top, right, bottom, left), in a `w` × `h` preview.
#[derive(Clone, Copy)]
struct Sides {
    edges: [Option<Edge>; 4],
    w: f32,
    h: f32,
}

impl Sides {
    /// Puts each found edge on the side of the document it belongs to.
    ///
    /// Each side is searched in its own half of the frame, but a document pushed out of
    /// the frame has its edges where they fall: a card running off the right may have its
    /// left edge in the right half, where the right side's search finds it (stepping from
    /// the paper to the desk, as a right edge would not). Of the ways to read each axis's
    /// edges (as found, or one of them as the opposite side's and the other dropped) the
    /// reading with the most visible corners of edges that step alike wins; as found on a
    /// tie, else the larger outline (the document is most of what the frame shows). Then,
    /// when two neighbouring edges step alike and clearly (a document), an edge alike
    /// with neither neighbour is a line printed on the document or another object's, and
    /// is dropped: the document's side there is the frame's edge.
    fn resolve(found: [Option<Edge>; 4], w: f32, h: f32) -> Sides {
        // Readings of one axis's two sides (low, high).
        let readings = |lo: Option<Edge>, hi: Option<Edge>| {
            let mut r = vec![(lo, hi, true)];
            if lo.is_some() {
                r.push((None, lo, false));
            }
            if hi.is_some() {
                r.push((hi, None, false));
            }
            r
        };
        let mut best: Option<(Sides, usize, bool, f32)> = None;
        for (top, bottom, rows_found) in readings(found[0], found[2]) {
            for (left, right, cols_found) in readings(found[3], found[1]) {
                let sides = Sides {
                    edges: [top, right, bottom, left],
                    w,
                    h,
                };
                let as_found = rows_found && cols_found;
                let corners = PAIRS
                    .iter()
                    .filter(|&&(s, q)| sides.visible_corner((s, q)) && sides.alike(s, q))
                    .count();
                let area = sides.area();
                let better = best.as_ref().is_none_or(|&(_, c, f, a)| {
                    (corners, as_found) > (c, f) || (corners == c && !f && !as_found && area > a)
                });
                if better {
                    best = Some((sides, corners, as_found, area));
                }
            }
        }
        let mut sides = best.expect("one reading at least").0;
        let alike_any =
            |sides: &Sides, s: usize| sides.alike(s, (s + 1) % 4) || sides.alike(s, (s + 3) % 4);
        let document = (0..4).any(|s| {
            let q = (s + 1) % 4;
            sides.alike(s, q)
                && sides.edges[s].is_some_and(|e| e.strength(s) >= MIN_CUT_STEP)
                && sides.edges[q].is_some_and(|e| e.strength(q) >= MIN_CUT_STEP)
        });
        if document {
            let keep: Vec<bool> = (0..4)
                .map(|s| sides.edges[s].is_none() || alike_any(&sides, s))
                .collect();
            for (e, keep) in sides.edges.iter_mut().zip(keep) {
                if !keep {
                    *e = None;
                }
            }
        }
        sides
    }

    /// Whether these edges outline a document: two of them meet in a visible corner, and
    /// they cover a real part of the picture (two sides' searches meeting on one line, a
    /// single strong stripe, make no quadrilateral).
    fn is_document(&self) -> bool {
        PAIRS.iter().any(|&pair| self.visible_corner(pair))
            && self.area() >= MIN_AREA * self.w * self.h
    }

    /// Whether the frame cuts the document: a found edge runs into the frame's edge at
    /// side `q` and no edge on `q` closes it inside the picture, with the evidence that
    /// the edge is a document's, and what the outline encloses is smooth as paper.
    fn cut(&self, p: &Preview) -> bool {
        let edges = self.edges;
        let mut cut = false;
        for (s, e) in edges.iter().enumerate() {
            let Some(e) = e else { continue };
            let ends = [
                (e.run.0 <= TOUCH * e.len, if s % 2 == 0 { 3 } else { 0 }),
                (
                    e.run.1 >= (1.0 - TOUCH) * e.len - 1.0,
                    if s % 2 == 0 { 1 } else { 2 },
                ),
            ];
            for (touches, q) in ends {
                if !touches {
                    continue;
                }
                let pair = PAIRS
                    .iter()
                    .copied()
                    .find(|&(a, b)| (a, b) == (s, q) || (a, b) == (q, s))
                    .expect("every side meets its neighbours");
                // The edge on `q` closes the document only where this edge ends at their
                // corner; an edge that runs on past it to the frame belongs to a document
                // that continues (the line on `q` is another object's).
                let c = self.corner(pair);
                let t = along(s, c);
                let past = if q == 3 || q == 0 {
                    t - e.run.0
                } else {
                    e.run.1 - t
                };
                let closed = edges[q].is_some()
                    && self.inside(c)
                    && past <= PAST_CORNER * e.len
                    && self.reaches(q, c)
                    && self.alike(s, q);
                // The evidence that the edge running out is a document's: a visible
                // corner with a neighbour that steps alike, both clearly.
                let evidence = PAIRS.iter().any(|&(a, b)| {
                    (a == s || b == s)
                        && self.visible_corner((a, b))
                        && self.alike(a, b)
                        && edges[a].is_some_and(|e| e.strength(a) >= MIN_CUT_STEP)
                        && edges[b].is_some_and(|e| e.strength(b) >= MIN_CUT_STEP)
                });
                if !closed && evidence {
                    cut = true;
                }
            }
        }
        // Only a document is cut: lines in a texture (grass, gravel, a page's text) also
        // meet in corners, but what they enclose is not smooth as paper is.
        cut && smooth_inside(p, &PAIRS.map(|pair| self.corner(pair))) >= MIN_SMOOTH_INSIDE
    }

    /// Side `i`'s line as two points in preview (x, y): the found edge, or the frame's
    /// own edge.
    fn line(&self, i: usize) -> ([f32; 2], [f32; 2]) {
        let (w, h) = (self.w, self.h);
        match (SIDES[i], self.edges[i]) {
            (Side::Top | Side::Bottom, Some(e)) => ([0.0, e.a0], [w - 1.0, e.a1]),
            (Side::Left | Side::Right, Some(e)) => ([e.a0, 0.0], [e.a1, h - 1.0]),
            (Side::Top, None) => ([0.0, 0.0], [w - 1.0, 0.0]),
            (Side::Bottom, None) => ([0.0, h - 1.0], [w - 1.0, h - 1.0]),
            (Side::Left, None) => ([0.0, 0.0], [0.0, h - 1.0]),
            (Side::Right, None) => ([w - 1.0, 0.0], [w - 1.0, h - 1.0]),
        }
    }

    /// Where two sides' lines meet.
    fn corner(&self, (s, q): (usize, usize)) -> [f32; 2] {
        intersect(self.line(s), self.line(q))
    }

    /// Whether a point lies in the picture (within 1 %).
    fn inside(&self, c: [f32; 2]) -> bool {
        let (w, h) = (self.w, self.h);
        let (tx, ty) = (w * 0.01 + 1.0, h * 0.01 + 1.0);
        c[0] >= -tx && c[0] <= w - 1.0 + tx && c[1] >= -ty && c[1] <= h - 1.0 + ty
    }

    /// Whether side `i`'s edge runs to the point `c` on its line.
    fn reaches(&self, i: usize, c: [f32; 2]) -> bool {
        self.edges[i].is_some_and(|e| {
            let t = along(i, c);
            let tol = CORNER_REACH * e.len;
            e.run.0 <= t + tol && e.run.1 >= t - tol
        })
    }

    /// Whether two found edges meet in the picture where both run.
    fn visible_corner(&self, (s, q): (usize, usize)) -> bool {
        let c = self.corner((s, q));
        self.edges[s].is_some()
            && self.edges[q].is_some()
            && self.inside(c)
            && self.reaches(s, c)
            && self.reaches(q, c)
    }

    /// Whether two found edges step from the desk to the paper alike.
    fn alike(&self, s: usize, q: usize) -> bool {
        match (self.edges[s], self.edges[q]) {
            (Some(a), Some(b)) => a.alike(s, &b, q),
            _ => false,
        }
    }

    /// The outline's area, in preview pixels.
    fn area(&self) -> f32 {
        let quad = PAIRS.map(|pair| self.corner(pair));
        0.5 * (0..4)
            .map(|i| {
                let (a, b) = (quad[i], quad[(i + 1) % 4]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f32>()
            .abs()
    }
}

/// Fraction of the preview pixels inside `quad` (shrunk toward its centre, so the edges
/// stay out) whose luma steps by less than [`SMOOTH_STEP`] to the right and down.
fn smooth_inside(p: &Preview, quad: &[[f32; 2]; 4]) -> f32 {
    let cx = quad.iter().map(|q| q[0]).sum::<f32>() / 4.0;
    let cy = quad.iter().map(|q| q[1]).sum::<f32>() / 4.0;
    let s = quad.map(|q| [cx + (q[0] - cx) * 0.85, cy + (q[1] - cy) * 0.85]);
    let inside = |x: f32, y: f32| {
        (0..4).all(|i| {
            let (a, b) = (s[i], s[(i + 1) % 4]);
            (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) >= 0.0
        })
    };
    let (mut n, mut smooth) = (0u32, 0u32);
    for y in 0..p.h.saturating_sub(1) {
        for x in 0..p.w.saturating_sub(1) {
            if !inside(x as f32, y as f32) {
                continue;
            }
            let i = y * p.w + x;
            let step = (p.luma(i + 1) - p.luma(i)).abs() + (p.luma(i + p.w) - p.luma(i)).abs();
            n += 1;
            smooth += u32::from(step < SMOOTH_STEP);
        }
    }
    smooth as f32 / n.max(1) as f32
}

/// Where two lines, each through two points, meet (far away for parallel ones).
fn intersect(a: ([f32; 2], [f32; 2]), b: ([f32; 2], [f32; 2])) -> [f32; 2] {
    let (p, r) = (a.0, [a.1[0] - a.0[0], a.1[1] - a.0[1]]);
    let (q, s) = (b.0, [b.1[0] - b.0[0], b.1[1] - b.0[1]]);
    let denom = r[0] * s[1] - r[1] * s[0];
    if denom.abs() < 1e-6 {
        return [f32::MAX / 4.0, f32::MAX / 4.0];
    }
    let t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / denom;
    [p[0] + t * r[0], p[1] + t * r[1]]
}

/// The across-line colour step of every pixel, for lines running along x: the mean of
/// the two rows below minus the mean of the two rows above, per channel.
struct Field {
    /// Along the lines.
    len: usize,
    /// Across the lines.
    depth: usize,
    /// Step per channel, indexed `[across * len + along]`.
    step: [Vec<f32>; 3],
}

impl Field {
    fn rows(p: &Preview) -> Field {
        Field::new(p.w, p.h, |c, x, y| p.planes[c][y * p.w + x])
    }

    fn cols(p: &Preview) -> Field {
        Field::new(p.h, p.w, |c, y, x| p.planes[c][y * p.w + x])
    }

    fn new(len: usize, depth: usize, at: impl Fn(usize, usize, usize) -> f32) -> Field {
        let mut step = [
            vec![0f32; len * depth],
            vec![0f32; len * depth],
            vec![0f32; len * depth],
        ];
        if depth >= 5 {
            for (c, plane) in step.iter_mut().enumerate() {
                for a in 2..depth - 2 {
                    for t in 0..len {
                        plane[a * len + t] =
                            (at(c, t, a + 1) + at(c, t, a + 2) - at(c, t, a - 1) - at(c, t, a - 2))
                                * 0.5;
                    }
                }
            }
        }
        Field { len, depth, step }
    }

    /// The per-channel step sums along the line from `(0, a0)` to `(len - 1, a1)`.
    fn sums(&self, a0: usize, a1: usize) -> [f32; 3] {
        let mut s = [0f32; 3];
        let slope = (a1 as f32 - a0 as f32) / (self.len as f32 - 1.0).max(1.0);
        for t in 0..self.len {
            let a = (a0 as f32 + slope * t as f32).round() as usize;
            let i = a * self.len + t;
            s[0] += self.step[0][i];
            s[1] += self.step[1][i];
            s[2] += self.step[2][i];
        }
        s
    }

    /// The best edge in the low half (`low`) or the high half of the depth.
    fn best_edge(&self, low: bool) -> Option<Edge> {
        if self.depth < 12 || self.len < 12 {
            return None;
        }
        let (lo, hi) = if low {
            (2, self.depth / 2)
        } else {
            (self.depth / 2, self.depth - 3)
        };
        let tilt = (self.len as f32 * 0.2) as usize;
        let score = |s: [f32; 3]| s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
        let mut best = (0f32, 0usize, 0usize);
        let clamp = |a: isize| a.clamp(2, self.depth as isize - 3) as usize;
        // Coarse grid (the step field is 4 rows deep, so a line 2 rows off still scores),
        // then the neighbourhood of its best.
        for a0 in (lo..=hi).step_by(COARSE) {
            let from = clamp(a0 as isize - tilt as isize);
            let to = clamp((a0 + tilt) as isize);
            for a1 in (from..=to).step_by(COARSE) {
                let mid = (a0 + a1) / 2;
                if mid < lo || mid > hi {
                    continue;
                }
                let v = score(self.sums(a0, a1));
                if v > best.0 {
                    best = (v, a0, a1);
                }
            }
        }
        let (_, c0, c1) = best;
        let r = COARSE as isize - 1;
        for a0 in clamp(c0 as isize - r)..=clamp(c0 as isize + r) {
            for a1 in clamp(c1 as isize - r)..=clamp(c1 as isize + r) {
                let v = score(self.sums(a0, a1));
                if v > best.0 {
                    best = (v, a0, a1);
                }
            }
        }
        let (v, a0, a1) = best;
        if v <= 0.0 {
            return None;
        }
        // The step along the line, in the direction of the whole line's step.
        let total = self.sums(a0, a1);
        let norm = v.sqrt();
        let u = total.map(|x| x / norm);
        let slope = (a1 as f32 - a0 as f32) / (self.len as f32 - 1.0).max(1.0);
        let along: Vec<f32> = (0..self.len)
            .map(|t| {
                let i = (a0 as f32 + slope * t as f32).round() as usize * self.len + t;
                (0..3).map(|c| self.step[c][i] * u[c]).sum()
            })
            .collect();
        let run = longest_run(&along, MIN_STEP * 0.5, (self.len / 40).max(2))?;
        let n = (run.1 - run.0 + 1) as f32;
        let mean = along[run.0..=run.1].iter().sum::<f32>() / n;
        let mut step = [0f32; 3];
        for t in run.0..=run.1 {
            let i = (a0 as f32 + slope * t as f32).round() as usize * self.len + t;
            for (c, s) in step.iter_mut().enumerate() {
                *s += self.step[c][i] / n;
            }
        }
        (n >= MIN_RUN * self.len as f32 && mean >= MIN_STEP).then_some(Edge {
            a0: a0 as f32,
            a1: a1 as f32,
            run: (run.0 as f32, run.1 as f32),
            len: self.len as f32,
            step,
        })
    }
}

/// The longest stretch of `v` at or over `min`, bridging gaps of up to `gap` samples.
fn longest_run(v: &[f32], min: f32, gap: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start: Option<usize> = None;
    let mut last = 0;
    for (i, &x) in v.iter().enumerate() {
        if x >= min {
            match start {
                Some(_) if i - last <= gap + 1 => {}
                _ => start = Some(i),
            }
            last = i;
            let s = start.expect("just set");
            if best.is_none_or(|(a, b)| b - a < last - s) {
                best = Some((s, last));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, Rgb, RgbImage};

    /// A light card on a dark desk, its top-left corner at (x, y), size cw × ch.
    fn card(x: i64, y: i64, cw: i64, ch: i64) -> DynamicImage {
        let img = RgbImage::from_fn(800, 600, |px, py| {
            let (px, py) = (px as i64, py as i64);
            if px >= x && px < x + cw && py >= y && py < y + ch {
                Rgb([225, 220, 210])
            } else {
                Rgb([60, 80, 70])
            }
        });
        DynamicImage::ImageRgb8(img)
    }

    #[test]
    fn a_card_wholly_inside_has_four_corners_near_its_own() {
        let f = find(&Preview::of(&card(150, 100, 500, 350)));
        assert!(!f.cut);
        let c = f.outline.corners().expect("a quad");
        for (got, want) in c
            .iter()
            .zip([[150., 100.], [650., 100.], [650., 450.], [150., 450.]])
        {
            assert!(
                (got[0] - want[0]).abs() < 12.0 && (got[1] - want[1]).abs() < 12.0,
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_card_running_off_the_right_is_cut() {
        let f = find(&Preview::of(&card(300, 100, 700, 350)));
        assert!(f.cut, "{f:?}");
    }

    #[test]
    fn a_line_printed_near_the_cut_side_does_not_close_the_card() {
        // A dark stripe printed on the card short of its top and bottom edges, where
        // the frame cuts the card off.
        let mut img = card(300, 100, 700, 350).to_rgb8();
        for y in 180..370 {
            for x in 700..716 {
                img.put_pixel(x, y, Rgb([40, 50, 120]));
            }
        }
        let f = find(&Preview::of(&DynamicImage::ImageRgb8(img)));
        assert!(f.cut, "{f:?}");
    }

    #[test]
    fn edges_that_step_to_different_colours_are_not_one_cut_document() {
        // Green above; below, blue on the left and red on the right: the top line and
        // the vertical line meet in a corner, but one steps into blue from green, the
        // other into blue from red.
        let img = RgbImage::from_fn(800, 600, |x, y| match (x < 500, y > 200) {
            (_, false) => Rgb([60, 160, 60]),
            (true, true) => Rgb([60, 60, 200]),
            (false, true) => Rgb([200, 60, 60]),
        });
        let f = find(&Preview::of(&DynamicImage::ImageRgb8(img)));
        assert!(!f.cut, "{f:?}");
    }

    #[test]
    fn a_card_flush_with_one_side_and_cut_on_another_is_cut() {
        // The card's top edge lies on the frame's top, and it runs off the right: its left
        // edge lies in the right half of the frame, where the right side's search finds it.
        let f = find(&Preview::of(&card(460, 0, 600, 400)));
        assert!(f.cut, "{f:?}");
        let c = f.outline.corners().expect("a quad");
        // The found left edge is the card's (x 460), not the frame's.
        assert!((c[3][0] - 460.0).abs() < 12.0, "{c:?}");
    }

    #[test]
    fn a_full_page_scan_with_its_margins_is_not_cut() {
        // A page filling the frame: light paper, lines of dark words inside a 60-pixel
        // margin, a little noise.
        let mut state = 0x2545_f491_u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let mut img = RgbImage::from_fn(600, 800, |_, _| Rgb([244, 241, 234]));
        for line in 0..26 {
            let y0 = 80 + line * 24;
            let mut x = 60;
            while x < 520 {
                let word = 20 + next() % 60;
                for y in y0..y0 + 12 {
                    for px in x..(x + word).min(540) {
                        img.put_pixel(px, y, Rgb([40, 38, 36]));
                    }
                }
                x += word + 10;
            }
        }
        for p in img.pixels_mut() {
            let n = (next() % 9) as u8;
            p.0 = p.0.map(|v| v.saturating_add(n).saturating_sub(4));
        }
        let f = find(&Preview::of(&DynamicImage::ImageRgb8(img)));
        assert!(!f.cut, "{f:?}");
    }

    #[test]
    fn a_flat_picture_has_no_document() {
        let f = find(&Preview::of(&DynamicImage::ImageRgb8(
            RgbImage::from_pixel(400, 300, Rgb([240, 240, 240])),
        )));
        assert_eq!(f.outline, Outline::Frame);
        assert!(!f.cut);
    }
}
