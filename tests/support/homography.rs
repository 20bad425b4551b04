//! The projective map from the unit square onto a quadrilateral, and the bilinear sampler
//! that warps a page through it, for the examples that photograph a page by simulation
//! (examples/content_eval.rs, read_eval.rs, make_corpus.rs).

#![allow(dead_code)]

/// Projective map from the unit square onto a quadrilateral, after Heckbert, "Fundamentals of
/// Texture Mapping and Image Warping" (1989), §2.2.3; its adjugate maps photo pixels back
/// onto the page. Row-major 3×3, applied to (x, y, 1).
#[derive(Debug, Clone, Copy)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// Corners in order: (0,0), (1,0), (1,1), (0,1) of the square.
    pub fn square_to_quad<T: Into<f64>>(q: [(T, T); 4]) -> Self {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q.map(|(x, y)| (x.into(), y.into()));
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let det = dx1 * dy2 - dx2 * dy1;
        let g = (sx * dy2 - dx2 * sy) / det;
        let h = (dx1 * sy - sx * dy1) / det;
        Homography([
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
            1.0,
        ])
    }

    /// The inverse up to scale, which is all a projective map needs.
    pub fn adjugate(&self) -> Self {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        Homography([
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ])
    }

    /// The image of (x, y).
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let (u, v) = self.apply64(f64::from(x), f64::from(y));
        (u as f32, v as f32)
    }

    /// The image of (x, y), in full precision.
    pub fn apply64(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.0;
        let w = m[6] * x + m[7] * y + m[8];
        (
            (m[0] * x + m[1] * y + m[2]) / w,
            (m[3] * x + m[4] * y + m[5]) / w,
        )
    }
}

/// The colour at a fractional position (pixel centres at integers), blending the four
/// nearest pixels; positions outside repeat the edge.
pub fn bilinear(img: &image::RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width() as i32, img.height() as i32);
    let (x0, y0) = (x.floor() as i32, y.floor() as i32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let at = |xx: i32, yy: i32| {
        img.get_pixel(xx.clamp(0, w - 1) as u32, yy.clamp(0, h - 1) as u32)
            .0
    };
    let mut out = [0f32; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let v = |xx, yy| f32::from(at(xx, yy)[c]);
        *o = (v(x0, y0) * (1.0 - fx) + v(x0 + 1, y0) * fx) * (1.0 - fy)
            + (v(x0, y0 + 1) * (1.0 - fx) + v(x0 + 1, y0 + 1) * fx) * fy;
    }
    out
}
