//! The geometry the OCR pipeline needs, written to match OpenCV's behaviour where the
//! reference pipeline (RapidOCR) calls it: bilinear resizing with OpenCV's pixel-centre
//! convention, the minimum-area rectangle of a point set, and a four-point perspective
//! crop with replicated borders.

use image::RgbImage;

/// A point in pixels (x right, y down).
pub(crate) type Point = (f32, f32);

/// One sample of `img` at (x, y) by bilinear interpolation, the border replicated
/// (OpenCV's `BORDER_REPLICATE`).
fn sample(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x0f = x.floor();
    let y0f = y.floor();
    let (fx, fy) = (x - x0f, y - y0f);
    let clamp = |v: i64, hi: i64| v.clamp(0, hi - 1) as u32;
    let (x0, y0) = (x0f as i64, y0f as i64);
    let (xa, xb) = (clamp(x0, w), clamp(x0 + 1, w));
    let (ya, yb) = (clamp(y0, h), clamp(y0 + 1, h));
    let p00 = img.get_pixel(xa, ya).0;
    let p10 = img.get_pixel(xb, ya).0;
    let p01 = img.get_pixel(xa, yb).0;
    let p11 = img.get_pixel(xb, yb).0;
    let mut out = [0.0; 3];
    for c in 0..3 {
        let top = f32::from(p00[c]) * (1.0 - fx) + f32::from(p10[c]) * fx;
        let bottom = f32::from(p01[c]) * (1.0 - fx) + f32::from(p11[c]) * fx;
        out[c] = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// `img` resized to `width` × `height` by bilinear sampling at OpenCV's pixel centres
/// (`cv2.resize`'s `INTER_LINEAR`, which samples rather than averages when shrinking: the
/// models were trained on pictures resized that way).
pub(crate) fn resize_bilinear(img: &RgbImage, width: u32, height: u32) -> RgbImage {
    let sx = img.width() as f32 / width as f32;
    let sy = img.height() as f32 / height as f32;
    let mut out = RgbImage::new(width, height);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let v = sample(img, (x as f32 + 0.5) * sx - 0.5, (y as f32 + 0.5) * sy - 0.5);
        px.0 = v.map(|c| c.round().clamp(0.0, 255.0) as u8);
    }
    out
}

/// The convex hull of `points` (Andrew's monotone chain), counter-clockwise in a y-up
/// frame; collinear points are dropped.
fn convex_hull(points: &mut [Point]) -> Vec<Point> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let cross = |o: Point, a: Point, b: Point| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<Point> = Vec::with_capacity(points.len() * 2);
    for &p in points.iter() {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    let lower = hull.len() + 1;
    for &p in points.iter().rev().skip(1) {
        while hull.len() >= lower && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    hull.pop();
    hull
}

/// A rotated rectangle: its centre, the unit vector along one side, and the lengths of
/// the side along that vector and of the side across it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RotatedRect {
    pub center: Point,
    pub axis: Point,
    pub len_along: f32,
    pub len_across: f32,
}

impl RotatedRect {
    /// The shorter side (OpenCV's `min(rect[1])`).
    pub fn short_side(&self) -> f32 {
        self.len_along.min(self.len_across)
    }

    /// The rectangle grown by `d` on every side.
    pub fn grown(&self, d: f32) -> RotatedRect {
        RotatedRect {
            len_along: self.len_along + 2.0 * d,
            len_across: self.len_across + 2.0 * d,
            ..*self
        }
    }

    /// Its corners ordered as RapidOCR's `get_mini_boxes` orders them: top left, top
    /// right, bottom right, bottom left.
    pub fn corners(&self) -> [Point; 4] {
        let (ux, uy) = self.axis;
        let (vx, vy) = (-uy, ux);
        let (ha, hc) = (self.len_along / 2.0, self.len_across / 2.0);
        let (cx, cy) = self.center;
        let mut pts = [
            (cx - ux * ha - vx * hc, cy - uy * ha - vy * hc),
            (cx + ux * ha - vx * hc, cy + uy * ha - vy * hc),
            (cx + ux * ha + vx * hc, cy + uy * ha + vy * hc),
            (cx - ux * ha + vx * hc, cy - uy * ha + vy * hc),
        ];
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (tl, bl) = if pts[1].1 > pts[0].1 { (pts[0], pts[1]) } else { (pts[1], pts[0]) };
        let (tr, br) = if pts[3].1 > pts[2].1 { (pts[2], pts[3]) } else { (pts[3], pts[2]) };
        [tl, tr, br, bl]
    }
}

/// The minimum-area rectangle around `points` (rotating calipers over the convex hull),
/// or `None` for no points.
pub(crate) fn min_area_rect(points: &mut [Point]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    match hull.len() {
        0 => return None,
        1 => {
            return Some(RotatedRect { center: hull[0], axis: (1.0, 0.0), len_along: 0.0, len_across: 0.0 });
        }
        _ => {}
    }
    let mut best: Option<(f32, RotatedRect)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (mut lo_u, mut hi_u, mut lo_v, mut hi_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let u = p.0 * ux + p.1 * uy;
            let v = -p.0 * uy + p.1 * ux;
            lo_u = lo_u.min(u);
            hi_u = hi_u.max(u);
            lo_v = lo_v.min(v);
            hi_v = hi_v.max(v);
        }
        let area = (hi_u - lo_u) * (hi_v - lo_v);
        if best.as_ref().is_none_or(|(a, _)| area < *a) {
            let (cu, cv) = ((lo_u + hi_u) / 2.0, (lo_v + hi_v) / 2.0);
            let center = (cu * ux - cv * uy, cu * uy + cv * ux);
            best = Some((
                area,
                RotatedRect { center, axis: (ux, uy), len_along: hi_u - lo_u, len_across: hi_v - lo_v },
            ));
        }
    }
    best.map(|(_, r)| r)
}

/// The homography that maps `src[i]` to `dst[i]` (OpenCV's `getPerspectiveTransform`),
/// as the 3×3 matrix's first eight entries (the ninth is 1); `None` when degenerate.
fn perspective_transform(src: &[Point; 4], dst: &[Point; 4]) -> Option<[f64; 8]> {
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (f64::from(src[i].0), f64::from(src[i].1));
        let (u, v) = (f64::from(dst[i].0), f64::from(dst[i].1));
        a[i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u, u];
        a[i + 4] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v, v];
    }
    // Gaussian elimination with partial pivoting on the 8×8 system.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = a[row][col] / a[col][col];
                for k in col..9 {
                    a[row][k] -= f * a[col][k];
                }
            }
        }
    }
    let mut h = [0f64; 8];
    for (i, hi) in h.iter_mut().enumerate() {
        *hi = a[i][8] / a[i][i];
    }
    Some(h)
}

/// The quadrilateral `quad` (top left, top right, bottom right, bottom left) of `img`
/// straightened into its own rectangle, as RapidOCR's `get_rotate_crop_image` does: the
/// width is the longer of the top and bottom sides, the height the longer of the left
/// and right; a crop at least 1.5 times taller than wide is turned a quarter
/// anticlockwise (a vertical line read as a horizontal one).
pub(crate) fn crop_quad(img: &RgbImage, quad: &[Point; 4]) -> Option<RgbImage> {
    let dist = |a: Point, b: Point| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let w = dist(quad[0], quad[1]).max(dist(quad[2], quad[3])) as u32;
    let h = dist(quad[0], quad[3]).max(dist(quad[1], quad[2])) as u32;
    if w == 0 || h == 0 {
        return None;
    }
    let rect = [(0.0, 0.0), (w as f32, 0.0), (w as f32, h as f32), (0.0, h as f32)];
    // The map from the crop's pixels back into the picture.
    let m = perspective_transform(&rect, quad)?;
    let mut out = RgbImage::new(w, h);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let (xf, yf) = (f64::from(x), f64::from(y));
        let d = m[6] * xf + m[7] * yf + 1.0;
        let sx = (m[0] * xf + m[1] * yf + m[2]) / d;
        let sy = (m[3] * xf + m[4] * yf + m[5]) / d;
        let v = sample(img, sx as f32, sy as f32);
        px.0 = v.map(|c| c.round().clamp(0.0, 255.0) as u8);
    }
    if f64::from(h) / f64::from(w) >= 1.5 {
        out = image::imageops::rotate270(&out);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_area_rect_of_a_tilted_rectangle_is_that_rectangle() {
        // The corners and edge points of a 40 × 10 rectangle turned by 30°.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let mut pts: Vec<Point> = Vec::new();
        for i in 0..=40 {
            for j in [0, 10] {
                let (u, v) = (i as f32, j as f32);
                pts.push((100.0 + u * c - v * s, 50.0 + u * s + v * c));
            }
        }
        let r = min_area_rect(&mut pts).unwrap();
        assert!((r.len_along.max(r.len_across) - 40.0).abs() < 0.01, "{r:?}");
        assert!((r.short_side() - 10.0).abs() < 0.01, "{r:?}");
        let [tl, tr, br, bl] = r.corners();
        assert!(tl.0 < tr.0 && bl.0 < br.0 && tl.1 < bl.1 && tr.1 < br.1, "{:?}", r.corners());
    }

    #[test]
    fn a_quad_crop_of_an_axis_aligned_box_is_the_box() {
        let img = RgbImage::from_fn(60, 40, |x, y| image::Rgb([x as u8 * 4, y as u8 * 6, 7]));
        let crop = crop_quad(&img, &[(10.0, 5.0), (50.0, 5.0), (50.0, 25.0), (10.0, 25.0)]).unwrap();
        assert_eq!(crop.dimensions(), (40, 20));
        for (x, y, px) in crop.enumerate_pixels() {
            assert_eq!(px, img.get_pixel(x + 10, y + 5));
        }
    }
}
