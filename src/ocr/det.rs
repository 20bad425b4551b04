//! Text detection: the DB model's probability map turned into text boxes, as RapidOCR's
//! `TextDetector` and `DBPostProcess` do it (threshold, 2×2 dilation, a minimum-area box
//! per region, the region's mean probability, the box grown by the DB "unclip" distance).

use image::RgbImage;

use super::geom::{self, Point};

/// The side the detector's input is enlarged to when the picture's shorter side is below
/// it (RapidOCR's `limit_side_len` with `limit_type: min`).
const LIMIT_SIDE: f32 = 736.0;
/// A pixel is text when its probability is above this.
const THRESH: f32 = 0.3;
/// A region is kept when its mean probability is at least this.
const BOX_THRESH: f32 = 0.5;
/// The DB unclip ratio: how far a region's box is grown (area × ratio / perimeter).
const UNCLIP_RATIO: f32 = 1.6;
/// Regions whose box is thinner than this (map pixels) are noise.
const MIN_SIZE: f32 = 3.0;
/// At most this many regions are looked at.
const MAX_CANDIDATES: usize = 1000;

/// The detector's input size for a picture of `w` × `h`: the shorter side brought up to
/// [`LIMIT_SIDE`], both rounded to a multiple of 32 (the network's stride).
pub(crate) fn input_size(w: u32, h: u32) -> (u32, u32) {
    let (wf, hf) = (w as f32, h as f32);
    let ratio = if wf.min(hf) < LIMIT_SIDE { LIMIT_SIDE / wf.min(hf) } else { 1.0 };
    let round32 = |v: f32| ((((v as u32) as f32) / 32.0).round() as u32 * 32).max(32);
    (round32(wf * ratio), round32(hf * ratio))
}

/// The boxes of text in a probability map of `map_w` × `map_h`, in the coordinates of a
/// picture of `dest_w` × `dest_h`, each as four corners (top left, top right, bottom
/// right, bottom left), in reading order.
pub(crate) fn boxes(map: &[f32], map_w: usize, map_h: usize, dest_w: u32, dest_h: u32) -> Vec<[Point; 4]> {
    let mask = dilated_mask(map, map_w, map_h);
    let mut out = Vec::new();
    for mut region in regions(&mask, map_w, map_h).into_iter().take(MAX_CANDIDATES) {
        let Some(rect) = geom::min_area_rect(&mut region) else { continue };
        if rect.short_side() < MIN_SIZE {
            continue;
        }
        let corners = rect.corners();
        if box_score(map, map_w, map_h, &corners) < BOX_THRESH {
            continue;
        }
        let area = rect.len_along * rect.len_across;
        let perimeter = 2.0 * (rect.len_along + rect.len_across);
        let grown = rect.grown(area * UNCLIP_RATIO / perimeter);
        if grown.short_side() < MIN_SIZE + 2.0 {
            continue;
        }
        let to_dest = |p: Point| {
            (
                (p.0 / map_w as f32 * dest_w as f32).round().clamp(0.0, dest_w as f32),
                (p.1 / map_h as f32 * dest_h as f32).round().clamp(0.0, dest_h as f32),
            )
        };
        let quad = order_clockwise(grown.corners().map(to_dest));
        // RapidOCR's `clip_det_res`: inside the picture, whole pixels.
        let quad = quad.map(|(x, y)| {
            (x.clamp(0.0, dest_w as f32 - 1.0).trunc(), y.clamp(0.0, dest_h as f32 - 1.0).trunc())
        });
        let dist = |a: Point, b: Point| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        if dist(quad[0], quad[1]) as i32 <= 3 || dist(quad[0], quad[3]) as i32 <= 3 {
            continue;
        }
        out.push(quad);
    }
    sort_reading_order(&mut out);
    out
}

/// The thresholded map, dilated by OpenCV's 2×2 kernel (anchor at its bottom right: a
/// pixel is set when it or its left, upper or upper-left neighbour is above threshold).
fn dilated_mask(map: &[f32], w: usize, h: usize) -> Vec<bool> {
    let on = |x: usize, y: usize| map[y * w + x] > THRESH;
    let mut mask = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            mask[y * w + x] = on(x, y)
                || (x > 0 && on(x - 1, y))
                || (y > 0 && on(x, y - 1))
                || (x > 0 && y > 0 && on(x - 1, y - 1));
        }
    }
    mask
}

/// The 8-connected regions of `mask`, each as the end pixels of its runs on every row
/// (enough for the convex hull, which is all the boxes need).
fn regions(mask: &[bool], w: usize, h: usize) -> Vec<Vec<Point>> {
    let mut label = vec![u32::MAX; w * h];
    let mut out: Vec<Vec<Point>> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || label[start] != u32::MAX {
            continue;
        }
        let id = out.len() as u32;
        label[start] = id;
        stack.push(start);
        // Per row of the region: its leftmost and rightmost pixel.
        let mut rows: std::collections::HashMap<usize, (usize, usize)> = Default::default();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let e = rows.entry(y).or_insert((x, x));
            e.0 = e.0.min(x);
            e.1 = e.1.max(x);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if mask[j] && label[j] == u32::MAX {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        let mut pts = Vec::with_capacity(rows.len() * 2);
        for (y, (lo, hi)) in rows {
            pts.push((lo as f32, y as f32));
            if hi != lo {
                pts.push((hi as f32, y as f32));
            }
        }
        out.push(pts);
    }
    out
}

/// The mean probability inside the box (RapidOCR's `box_score_fast`: the polygon filled
/// at whole-pixel corners).
fn box_score(map: &[f32], w: usize, h: usize, quad: &[Point; 4]) -> f32 {
    let q = quad.map(|(x, y)| (x.trunc(), y.trunc()));
    let xmin = (quad.iter().map(|p| p.0).fold(f32::MAX, f32::min).floor() as i64).clamp(0, w as i64 - 1);
    let xmax = (quad.iter().map(|p| p.0).fold(f32::MIN, f32::max).ceil() as i64).clamp(0, w as i64 - 1);
    let ymin = (quad.iter().map(|p| p.1).fold(f32::MAX, f32::min).floor() as i64).clamp(0, h as i64 - 1);
    let ymax = (quad.iter().map(|p| p.1).fold(f32::MIN, f32::max).ceil() as i64).clamp(0, h as i64 - 1);
    let (mut sum, mut n) = (0f64, 0u64);
    for y in ymin..=ymax {
        for x in xmin..=xmax {
            if inside(&q, (x as f32, y as f32)) {
                sum += f64::from(map[y as usize * w + x as usize]);
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

/// Whether `p` is inside the convex quadrilateral `q` or on its edge (half a pixel of
/// slack, as `fillPoly` paints the edge pixels too).
fn inside(q: &[Point; 4], p: Point) -> bool {
    let mut sign = 0f32;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let (ex, ey) = (b.0 - a.0, b.1 - a.1);
        let len = (ex * ex + ey * ey).sqrt().max(1e-6);
        let d = (ex * (p.1 - a.1) - ey * (p.0 - a.0)) / len;
        if d.abs() <= 0.5 {
            continue;
        }
        if sign == 0.0 {
            sign = d.signum();
        } else if d.signum() != sign {
            return false;
        }
    }
    true
}

/// RapidOCR's `order_points_clockwise`: the two leftmost points give the top and bottom
/// left (by y), the two rightmost the top and bottom right.
fn order_clockwise(pts: [Point; 4]) -> [Point; 4] {
    let mut p = pts;
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (tl, bl) = if p[0].1 <= p[1].1 { (p[0], p[1]) } else { (p[1], p[0]) };
    let (tr, br) = if p[2].1 <= p[3].1 { (p[2], p[3]) } else { (p[3], p[2]) };
    [tl, tr, br, bl]
}

/// Top to bottom, then left to right among boxes whose tops are within 10 pixels
/// (RapidOCR's `sorted_boxes`).
fn sort_reading_order(boxes: &mut [[Point; 4]]) {
    boxes.sort_by(|a, b| a[0].1.total_cmp(&b[0].1).then(a[0].0.total_cmp(&b[0].0)));
    for i in 0..boxes.len().saturating_sub(1) {
        for j in (0..=i).rev() {
            if (boxes[j + 1][0].1 - boxes[j][0].1).abs() < 10.0 && boxes[j + 1][0].0 < boxes[j][0].0 {
                boxes.swap(j, j + 1);
            } else {
                break;
            }
        }
    }
}

/// The picture as the detector's input tensor data: resized to `size`, BGR (the models
/// were trained on OpenCV's channel order), scaled to -1..1, planar.
pub(crate) fn input(img: &RgbImage, size: (u32, u32)) -> Vec<f32> {
    let resized = geom::resize_bilinear(img, size.0, size.1);
    planar_bgr(&resized, size.0 as usize)
}

/// `img`'s pixels as planar BGR floats scaled to -1..1, `width` columns per row (pixels
/// beyond the picture's own width stay 0, the reference's zero padding).
pub(crate) fn planar_bgr(img: &RgbImage, width: usize) -> Vec<f32> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let plane = width * h;
    let mut out = vec![0f32; 3 * plane];
    for (x, y, px) in img.enumerate_pixels() {
        let i = y as usize * width + x as usize;
        debug_assert!((x as usize) < w);
        for (c, &v) in px.0.iter().rev().enumerate() {
            out[c * plane + i] = f32::from(v) / 127.5 - 1.0;
        }
    }
    out
}
