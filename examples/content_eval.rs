//! The evidence for the content checks ([`scanfit::document`]): regenerates a labelled
//! set of document pictures and prints precision and recall per finding, rendered
//! pictures apart from real ones.
//!
//! ```text
//! cargo run --example content_eval -- [--seed N] [--per N] [--save DIR] [REAL_DIR...]
//! ```
//!
//! Rendered (all synthetic, drawn here from a seed): ID-card-like cards (colour
//! background, guilloche, photo box, red seal), business-licence-like certificates
//! (ornamental border, title, QR block, red seal), letters (black text, signature, red
//! seal); the glyphs are generated ideograph-like strokes. Each is
//! - photographed by simulation: a perspective view on a colourful desk (wood, cloth,
//!   plain colours, a second object), uneven and warm light, blur, sensor noise, JPEG;
//!   wholly inside the frame or cut by it (one or two sides, or a corner, out);
//! - a grey photocopy (toner curve, grey paper, speckle) photographed the same way;
//! - a screen re-capture: shown on an RGB-stripe screen, photographed through the
//!   camera's own pixel grid (supersampled, so moiré appears), with a bezel;
//! - a pure render (PNG, or JPEG q90), as a download or screenshot is.
//!
//! Real pictures: every picture file under the REAL_DIRs (default: corpus/ and
//! tests/fixtures/, plus target/bench-corpus when it exists). None is a copy, a screen
//! photo or cut on purpose, so every finding there is a false alarm, except
//! electronic_copy on pictures that are renders (the corpus's console certificates and
//! screenshots): those are counted apart.

use std::path::{Path, PathBuf};

use image::{DynamicImage, Rgb, RgbImage};
use scanfit::document::{examine, ContentFinding, KindClass};
use scanfit::inspect::{colour_class, ColourClass};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
    fn gauss(&mut self) -> f32 {
        (0..4).map(|_| self.f()).sum::<f32>() - 2.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Doc {
    Card,
    Licence,
    Letter,
}

impl Doc {
    fn kind(self) -> KindClass {
        match self {
            Doc::Card | Doc::Licence => KindClass::Certificate,
            Doc::Letter => KindClass::Plain,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Inside,
    Cut,
    CopyInside,
    Screen,
    Render,
}

// ---------------------------------------------------------------- drawing

fn rect(img: &mut RgbImage, x0: i32, y0: i32, x1: i32, y1: i32, c: [u8; 3]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    for y in y0.max(0)..y1.min(h) {
        for x in x0.max(0)..x1.min(w) {
            img.put_pixel(x as u32, y as u32, Rgb(c));
        }
    }
}

fn ring(img: &mut RgbImage, cx: f32, cy: f32, r: f32, t: f32, c: [u8; 3]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    for y in ((cy - r - t) as i32).max(0)..((cy + r + t) as i32).min(h) {
        for x in ((cx - r - t) as i32).max(0)..((cx + r + t) as i32).min(w) {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if (d - r).abs() <= t / 2.0 {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

/// An ideograph-like glyph: a few horizontal, vertical and slanted strokes in a cell.
fn glyph(img: &mut RgbImage, rng: &mut Rng, x: i32, y: i32, s: i32, c: [u8; 3]) {
    let t = (s / 9).max(1);
    for _ in 0..3 + rng.below(4) {
        let a = rng.below(s as u32) as i32;
        let b = rng.below(s as u32 / 2 + 1) as i32;
        let l = s / 3 + rng.below(s as u32 / 2 + 1) as i32;
        match rng.below(3) {
            0 => rect(img, x + b, y + a, x + (b + l).min(s), y + a + t, c),
            1 => rect(img, x + a, y + b, x + a + t, y + (b + l).min(s), c),
            _ => {
                for k in 0..l {
                    rect(
                        img,
                        x + b + k,
                        y + a + k / 2,
                        x + b + k + t,
                        y + a + k / 2 + t,
                        c,
                    );
                }
            }
        }
    }
}

fn text_line(img: &mut RgbImage, rng: &mut Rng, x: i32, x_end: i32, y: i32, s: i32, c: [u8; 3]) {
    let mut gx = x;
    while gx + s <= x_end {
        if rng.below(12) > 0 {
            glyph(img, rng, gx, y, s, c);
        }
        gx += s + s / 6;
    }
}

fn seal(img: &mut RgbImage, rng: &mut Rng, cx: f32, cy: f32, r: f32) {
    let red = [205, 35, 40];
    ring(img, cx, cy, r, r / 10.0, red);
    // The star and the curved name, as strokes.
    rect(
        img,
        (cx - r / 5.0) as i32,
        (cy - r / 5.0) as i32,
        (cx + r / 5.0) as i32,
        (cy + r / 5.0) as i32,
        red,
    );
    for i in 0..10 {
        let a = std::f32::consts::PI * (1.15 + 0.07 * i as f32);
        let (gx, gy) = (cx + 0.7 * r * a.cos(), cy + 0.7 * r * a.sin());
        glyph(
            img,
            rng,
            gx as i32 - (r / 8.0) as i32,
            gy as i32 - (r / 8.0) as i32,
            (r / 4.0) as i32,
            red,
        );
    }
}

fn hue(rng: &mut Rng, light: f32) -> [f32; 3] {
    let h = rng.range(0.0, 6.0);
    let x = 1.0 - ((h % 2.0) - 1.0).abs();
    let (r, g, b) = match h as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    let s = rng.range(0.35, 0.9);
    [r, g, b].map(|v| 255.0 * (light * (1.0 - s) + v * s * light))
}

fn card(rng: &mut Rng) -> RgbImage {
    let (w, h) = (856, 540);
    let base = hue(rng, 0.95);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let t = x as f32 / w as f32 * 0.15 + y as f32 / h as f32 * 0.1;
        let wave = ((x as f32 * 0.05 + (y as f32 * 0.02).sin() * 6.0).sin() * 0.5 + 0.5) * 0.08;
        Rgb(base.map(|c| (c * (0.85 + t + wave)).min(255.0) as u8))
    });
    let ink = [30, 30, 40];
    rect(&mut img, 600, 90, 800, 340, [170, 180, 195]);
    ring(&mut img, 700.0, 180.0, 45.0, 90.0, [210, 170, 150]);
    for i in 0..6 {
        let y = 80 + i * 55;
        text_line(&mut img, rng, 60, 60 + 90, y, 26, [90, 90, 100]);
        text_line(&mut img, rng, 170, 560, y, 26, ink);
    }
    text_line(&mut img, rng, 60, 800, 450, 34, ink);
    seal(&mut img, rng, 200.0, 420.0, 70.0);
    img
}

fn licence(rng: &mut Rng) -> RgbImage {
    let (w, h) = (1200, 850);
    let mut img = RgbImage::from_pixel(w, h, Rgb([250, 246, 236]));
    let border = hue(rng, 0.7).map(|c| c as u8);
    for k in 0..4 {
        let m = 20 + k * 12;
        let c = if k % 2 == 0 { border } else { [200, 160, 80] };
        rect(&mut img, m, m, w as i32 - m, m + 6, c);
        rect(&mut img, m, h as i32 - m - 6, w as i32 - m, h as i32 - m, c);
        rect(&mut img, m, m, m + 6, h as i32 - m, c);
        rect(&mut img, w as i32 - m - 6, m, w as i32 - m, h as i32 - m, c);
    }
    let ink = [25, 25, 25];
    text_line(&mut img, rng, 420, 780, 110, 60, ink);
    for i in 0..8 {
        let y = 230 + i * 52;
        text_line(&mut img, rng, 120, 240, y, 28, ink);
        let end = 640 + rng.below(300) as i32;
        text_line(&mut img, rng, 280, end, y, 28, ink);
    }
    for i in 0..9 {
        for j in 0..9 {
            if rng.below(2) == 0 {
                rect(
                    &mut img,
                    1000 + i * 12,
                    130 + j * 12,
                    1012 + i * 12,
                    142 + j * 12,
                    ink,
                );
            }
        }
    }
    seal(&mut img, rng, 930.0, 650.0, 95.0);
    img
}

fn letter(rng: &mut Rng) -> RgbImage {
    let (w, h) = (850, 1200);
    let mut img = RgbImage::from_pixel(w, h, Rgb([252, 252, 250]));
    let ink = [20, 20, 25];
    text_line(&mut img, rng, 300, 560, 90, 44, ink);
    for i in 0..16 {
        let y = 200 + i * 48;
        let end = if i % 5 == 4 { 400 } else { 780 };
        text_line(&mut img, rng, 80, end, y, 26, ink);
    }
    for k in 0..80 {
        let x = 560 + k * 2;
        let y = 1010 + ((k as f32) * 0.3).sin() as i32 * 12;
        rect(&mut img, x, y, x + 3, y + 3, [20, 30, 120]);
    }
    seal(&mut img, rng, 640.0, 1000.0, 85.0);
    img
}

fn render(doc: Doc, rng: &mut Rng) -> RgbImage {
    match doc {
        Doc::Card => card(rng),
        Doc::Licence => licence(rng),
        Doc::Letter => letter(rng),
    }
}

/// A grey photocopy: luma through a toner curve on grey copier paper, with speckle; a
/// card is copied onto a sheet bigger than itself, as on a copier's glass.
fn photocopy(doc: &RgbImage, is_card: bool, rng: &mut Rng) -> RgbImage {
    let paper = rng.range(215.0, 245.0);
    let gamma = rng.range(1.2, 1.8);
    let (mx, my) = if is_card {
        (doc.width() / 5, doc.height() / 3)
    } else {
        (0, 0)
    };
    let (w, h) = (doc.width() + 2 * mx, doc.height() + 2 * my);
    RgbImage::from_fn(w, h, |x, y| {
        let l = if x >= mx && y >= my && x < mx + doc.width() && y < my + doc.height() {
            let p = doc.get_pixel(x - mx, y - my).0;
            (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])) / 255.0
        } else {
            1.0
        };
        let v = paper * l.powf(gamma) + rng.gauss() * 4.0;
        let v = if rng.below(400) == 0 { v * 0.4 } else { v };
        let g = v.clamp(0.0, 255.0) as u8;
        Rgb([g, g, g])
    })
}

// ---------------------------------------------------------------- photographing

/// The homography taking the unit square's corners to `q` (clockwise from top-left).
fn homography(q: [[f32; 2]; 4]) -> [f64; 9] {
    let src = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (src[i][0], src[i][1]);
        let (u, v) = (f64::from(q[i][0]), f64::from(q[i][1]));
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for c in 0..8 {
        let p = (c..8)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        let pivot = a[c];
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    let s: Vec<f64> = (0..8).map(|i| a[i][8] / a[i][i]).collect();
    [s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], 1.0]
}

fn invert(m: [f64; 9]) -> [f64; 9] {
    let [a, b, c, d, e, f, g, h, i] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    [
        (e * i - f * h) / det,
        (c * h - b * i) / det,
        (b * f - c * e) / det,
        (f * g - d * i) / det,
        (a * i - c * g) / det,
        (c * d - a * f) / det,
        (d * h - e * g) / det,
        (b * g - a * h) / det,
        (a * e - b * d) / det,
    ]
}

fn bilinear(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
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

fn desk(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let light = rng.range(0.35, 0.9);
    let base = hue(rng, light);
    let style = rng.below(3);
    let freq = rng.range(0.01, 0.05);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let tex = match style {
            0 => (yf * freq + (xf * 0.003).sin() * 4.0).sin() * 0.08,
            1 => (xf * 0.2).sin() * (yf * 0.2).sin() * 0.05,
            _ => 0.0,
        };
        let g = 0.9 + 0.2 * (xf / w as f32) - 0.1 * (yf / h as f32);
        Rgb(base.map(|c| (c * (g + tex)).clamp(0.0, 255.0) as u8))
    });
    if rng.below(2) == 0 {
        // A book or a phone on the desk.
        let light = rng.range(0.3, 0.9);
        let c = hue(rng, light).map(|v| v as u8);
        let (x0, y0) = (rng.below(w) as i32, rng.below(h) as i32);
        rect(&mut img, x0, y0, x0 + w as i32 / 4, y0 + h as i32 / 3, c);
    }
    img
}

/// Where the document lies in a `w`×`h` frame: inside with a margin, or cut.
fn placement(rng: &mut Rng, w: f32, h: f32, aspect: f32, cut: bool) -> [[f32; 2]; 4] {
    loop {
        let size = rng.range(0.55, 0.85);
        let (mut dw, mut dh) = (w * size, w * size / aspect);
        if dh > h * 0.85 {
            dh = h * rng.range(0.6, 0.85);
            dw = dh * aspect;
        }
        let (cx, cy) = (
            w / 2.0 + rng.range(-0.08, 0.08) * w,
            h / 2.0 + rng.range(-0.08, 0.08) * h,
        );
        let ang = rng.range(-0.15, 0.15);
        let (ca, sa) = (ang.cos(), ang.sin());
        let mut q = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]].map(|[u, v]| {
            let (x, y) = (u * dw, v * dh);
            [cx + x * ca - y * sa, cy + x * sa + y * ca]
        });
        for c in &mut q {
            c[0] += rng.range(-0.035, 0.035) * w;
            c[1] += rng.range(-0.035, 0.035) * h;
        }
        if cut {
            // Push one side (and sometimes the next) past the frame by 8–30 % of the document.
            let side = rng.below(4);
            let by = rng.range(0.08, 0.3);
            let (dx, dy) = match side {
                0 => (0.0, -1.0),
                1 => (1.0, 0.0),
                2 => (0.0, 1.0),
                _ => (-1.0, 0.0),
            };
            let (mut dx, mut dy) = (dx * (dw * by + w * 0.1), dy * (dh * by + h * 0.1));
            if rng.below(3) == 0 {
                // A corner out as well.
                if dx == 0.0 {
                    dx = if rng.below(2) == 0 { 1.0 } else { -1.0 } * (w * 0.15);
                } else {
                    dy = if rng.below(2) == 0 { 1.0 } else { -1.0 } * (h * 0.15);
                }
            }
            for c in &mut q {
                c[0] += dx;
                c[1] += dy;
            }
        }
        let out = q
            .iter()
            .filter(|c| c[0] < 0.0 || c[1] < 0.0 || c[0] > w || c[1] > h)
            .count();
        let margin = q
            .iter()
            .all(|c| c[0] > 0.03 * w && c[1] > 0.03 * h && c[0] < 0.97 * w && c[1] < 0.97 * h);
        // The document must stay mostly in the picture when cut.
        let centre_in = {
            let (mx, my) = (
                q.iter().map(|c| c[0]).sum::<f32>() / 4.0,
                q.iter().map(|c| c[1]).sum::<f32>() / 4.0,
            );
            mx > 0.0 && my > 0.0 && mx < w && my < h
        };
        if (cut && out > 0 && centre_in) || (!cut && margin) {
            return q;
        }
    }
}

/// A phone photo of `doc` lying at `q` on a desk; `screen` shows the document on an RGB
/// stripe screen instead (pitch in camera pixels).
fn photograph(doc: &RgbImage, q: [[f32; 2]; 4], rng: &mut Rng, screen: Option<f32>) -> RgbImage {
    let (w, h) = (1600u32, 1200u32);
    let bg = desk(rng, w, h);
    let inv = invert(homography(q));
    let warm = rng.below(2) == 0;
    let light: [f32; 3] = if warm {
        [1.06, 1.0, 0.86]
    } else {
        [1.0, 1.0, 1.0]
    };
    let lx = rng.range(-0.25, 0.25);
    let ss = if screen.is_some() { 3 } else { 1 };
    let (dw, dh) = (doc.width() as f32, doc.height() as f32);
    let mut out = RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            let mut hits = 0;
            for sy in 0..ss {
                for sx in 0..ss {
                    let (px, py) = (
                        f64::from(x) + (f64::from(sx) + 0.5) / f64::from(ss),
                        f64::from(y) + (f64::from(sy) + 0.5) / f64::from(ss),
                    );
                    let z = inv[6] * px + inv[7] * py + inv[8];
                    let u = ((inv[0] * px + inv[1] * py + inv[2]) / z) as f32;
                    let v = ((inv[3] * px + inv[4] * py + inv[5]) / z) as f32;
                    if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                        hits += 1;
                        let c = bilinear(doc, u * dw, v * dh);
                        match screen {
                            None => acc.iter_mut().zip(c).for_each(|(a, c)| *a += c),
                            Some(pitch) => {
                                // Screen pixels: `dw / pitch`-wide grid; each pixel
                                // three stripes. The document is resampled to the screen.
                                let sxp = u * dw / pitch * 3.0;
                                let stripe = (sxp.rem_euclid(3.0)) as usize;
                                let row_gap = (v * dh / pitch).fract() > 0.85;
                                if !row_gap {
                                    acc[stripe.min(2)] += c[stripe.min(2)] * 2.6;
                                }
                            }
                        }
                    }
                }
            }
            let n = (ss * ss) as f32;
            let b = bg.get_pixel(x, y).0.map(f32::from);
            let cover = hits as f32 / n;
            let bgc = if screen.is_some() {
                [18.0, 18.0, 20.0]
            } else {
                b
            };
            let g = 0.85 + lx * (x as f32 / w as f32 - 0.5) + 0.1 * (1.0 - y as f32 / h as f32);
            let mut p = [0f32; 3];
            for c in 0..3 {
                let docv = if hits > 0 { acc[c] / hits as f32 } else { 0.0 };
                p[c] = (docv * cover + bgc[c] * (1.0 - cover)) * g * light[c];
            }
            out.put_pixel(x, y, Rgb(p.map(|v| v.clamp(0.0, 255.0) as u8)));
        }
    }
    let out = blur(&out, 1 + rng.below(2) as i32 - 1);
    let sigma = rng.range(1.5, 4.0);
    let noisy = RgbImage::from_fn(w, h, |x, y| {
        let p = out.get_pixel(x, y).0;
        Rgb(p.map(|v| (f32::from(v) + rng.gauss() * sigma).clamp(0.0, 255.0) as u8))
    });
    jpeg(&noisy, 80 + rng.below(13) as u8)
}

fn blur(img: &RgbImage, r: i32) -> RgbImage {
    if r <= 0 {
        return img.clone();
    }
    let (w, h) = (img.width() as i32, img.height() as i32);
    RgbImage::from_fn(w as u32, h as u32, |x, y| {
        let mut s = [0u32; 3];
        let mut n = 0;
        for dy in -r..=r {
            for dx in -r..=r {
                let p = img
                    .get_pixel(
                        (x as i32 + dx).clamp(0, w - 1) as u32,
                        (y as i32 + dy).clamp(0, h - 1) as u32,
                    )
                    .0;
                for c in 0..3 {
                    s[c] += u32::from(p[c]);
                }
                n += 1;
            }
        }
        Rgb(s.map(|v| (v / n) as u8))
    })
}

fn jpeg(img: &RgbImage, q: u8) -> RgbImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, q)
        .encode_image(img)
        .expect("encode");
    image::load_from_memory(&bytes).expect("decode").to_rgb8()
}

// ---------------------------------------------------------------- the run

#[derive(Default, Clone, Copy)]
struct Tally {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Tally {
    fn add(&mut self, truth: bool, said: bool) {
        match (truth, said) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn line(&self, name: &str) {
        let p = f64::from(self.tp) / f64::from((self.tp + self.fp).max(1));
        let r = f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1));
        println!(
            "| {name} | {} | {} | {} | {} | {:.1} % | {:.1} % |",
            self.tp,
            self.fp,
            self.fn_,
            self.tn,
            100.0 * p,
            100.0 * r
        );
    }
}

fn real_pictures(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            if d.is_file() {
                out.push(d);
            }
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn decode(path: &Path) -> Option<DynamicImage> {
    let bytes = std::fs::read(path).ok()?;
    let format = scanfit::sniff::sniff(&bytes)?;
    let limits = scanfit::decode::DecodeLimits {
        max_pixels: 100_000_000,
    };
    let mut pictures = scanfit::decode::decode_all(&bytes, format, limits).ok()?;
    pictures.next()?.decoded.ok().map(|d| d.image)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seed, mut per, mut save, mut dirs) = (1u64, 12u32, None::<PathBuf>, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--per" => per = args.next().and_then(|v| v.parse().ok()).expect("--per N"),
            "--save" => save = args.next().map(PathBuf::from),
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    if dirs.is_empty() {
        dirs = vec!["corpus".into(), "tests/fixtures".into()];
        if Path::new("target/bench-corpus").is_dir() {
            dirs.push("target/bench-corpus".into());
        }
    }
    if let Some(d) = &save {
        std::fs::create_dir_all(d).expect("--save folder");
    }
    let mut t = [Tally::default(); 4];
    let mut copy_told = (0u32, 0u32);
    let mut cut_inside = (0u32, 0u32);
    let mut rng = Rng(seed);
    println!("rendered set (seed {seed}, {per} per document kind and case):");
    for case in [
        Case::Inside,
        Case::Cut,
        Case::CopyInside,
        Case::Screen,
        Case::Render,
    ] {
        for doc in [Doc::Card, Doc::Licence, Doc::Letter] {
            for n in 0..per {
                let original = render(doc, &mut rng);
                let aspect = original.width() as f32 / original.height() as f32;
                let img = match case {
                    Case::Inside | Case::Cut => {
                        let q = placement(&mut rng, 1600.0, 1200.0, aspect, case == Case::Cut);
                        photograph(&original, q, &mut rng, None)
                    }
                    Case::CopyInside => {
                        let copy = photocopy(&original, doc == Doc::Card, &mut rng);
                        let a = copy.width() as f32 / copy.height() as f32;
                        let q = placement(&mut rng, 1600.0, 1200.0, a, false);
                        photograph(&copy, q, &mut rng, None)
                    }
                    Case::Screen => {
                        // The screen fills most of the frame, slightly askew.
                        let m = rng.range(0.0, 0.05);
                        let q = [
                            [1600.0 * m, 1200.0 * m],
                            [1600.0 * (1.0 - m), 1200.0 * (m + 0.02)],
                            [1600.0 * (1.0 - m - 0.02), 1200.0 * (1.0 - m)],
                            [1600.0 * (m + 0.01), 1200.0 * (1.0 - m)],
                        ];
                        let pitch = rng.range(1.6, 3.2) * original.width() as f32 / 1500.0;
                        photograph(&original, q, &mut rng, Some(pitch))
                    }
                    Case::Render => {
                        if rng.below(2) == 0 {
                            jpeg(&original, 90)
                        } else {
                            original.clone()
                        }
                    }
                };
                if let Some(d) = &save {
                    if n < 2 {
                        img.save(d.join(format!("{case:?}-{doc:?}-{n}.png").to_lowercase()))
                            .expect("save");
                    }
                }
                let dyn_img = DynamicImage::ImageRgb8(img);
                let ex = examine(&dyn_img);
                let found = ex.findings(doc.kind());
                if std::env::var_os("CONTENT_EVAL_DEBUG").is_some() {
                    println!("  {case:?} {doc:?} {n}: cut {} colour {:?} screen {:.1} flat {:?} outline {:?}", ex.border_cut, ex.colour, ex.screen_peak, ex.flat, ex.outline);
                }
                let has = |f| found.contains(&f);
                if case != Case::Render {
                    t[0].add(case == Case::Cut, has(ContentFinding::BorderCut));
                }
                if case == Case::Cut {
                    cut_inside.0 += 1;
                }
                if case == Case::Inside {
                    cut_inside.1 += u32::from(has(ContentFinding::BorderCut));
                }
                if case == Case::Inside || case == Case::CopyInside {
                    let copy = case == Case::CopyInside;
                    t[1].add(copy, has(ContentFinding::Photocopy));
                    if copy {
                        copy_told.0 += 1;
                        let grey = colour_class(&dyn_img) != ColourClass::Colour;
                        copy_told.1 += u32::from(has(ContentFinding::Photocopy) || grey);
                    }
                }
                t[2].add(case == Case::Screen, has(ContentFinding::ScreenPhoto));
                if doc.kind() == KindClass::Certificate {
                    t[3].add(case == Case::Render, has(ContentFinding::ElectronicCopy));
                }
            }
        }
    }
    println!("| finding | TP | FP | FN | TN | precision | recall |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, f) in ContentFinding::ALL.iter().enumerate() {
        t[i].line(f.code());
    }
    println!(
        "grey copies told copy (photocopy, or grayscale/bilevel): {}/{} = {:.1} %",
        copy_told.1,
        copy_told.0,
        100.0 * f64::from(copy_told.1) / f64::from(copy_told.0.max(1))
    );
    let inside_n = 3 * per;
    println!(
        "documents wholly inside with border_cut: {}/{} = {:.1} %",
        cut_inside.1,
        inside_n,
        100.0 * f64::from(cut_inside.1) / f64::from(inside_n.max(1))
    );
    // Real pictures: every finding is a false alarm (kind unknown; electronic_copy as if
    // each were a certificate, the worst case).
    println!(
        "\nreal pictures ({}):",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut counts = [0u32; 4];
    let mut total = 0u32;
    for path in real_pictures(&dirs) {
        let picture = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["jpg", "jpeg", "png", "gif", "tif", "tiff", "webp", "bmp"]
                .contains(&e.to_ascii_lowercase().as_str())
        });
        if !picture {
            continue;
        }
        let Some(img) = decode(&path) else { continue };
        if img.width() < 64 || img.height() < 64 {
            continue;
        }
        total += 1;
        let ex = examine(&img);
        let mut found = ex.findings(KindClass::Unknown);
        if ex
            .findings(KindClass::Certificate)
            .contains(&ContentFinding::ElectronicCopy)
        {
            found.push(ContentFinding::ElectronicCopy);
        }
        for (i, f) in ContentFinding::ALL.iter().enumerate() {
            if found.contains(f) {
                counts[i] += 1;
            }
        }
        if std::env::var_os("CONTENT_EVAL_DEBUG").is_some() {
            println!(
                "  {}: screen {:.1} flat {:?} colour {:?}",
                path.display(),
                ex.screen_peak,
                ex.flat,
                ex.colour
            );
        }
        if !found.is_empty() {
            let codes: Vec<&str> = found.iter().map(|f| f.code()).collect();
            println!("  {} {}", path.display(), codes.join(","));
        }
    }
    println!("| finding | flagged | of | rate |");
    println!("|---|---:|---:|---:|");
    for (i, f) in ContentFinding::ALL.iter().enumerate() {
        println!(
            "| {} | {} | {total} | {:.1} % |",
            f.code(),
            counts[i],
            100.0 * f64::from(counts[i]) / f64::from(total.max(1))
        );
    }
}
