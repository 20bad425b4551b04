//! Whether a picture is a photo of a screen: a screen's red, green and blue sub-pixels
//! make a fine colour grid, and the camera's own pixel grid resamples it into moiré.
//! Both are isolated peaks in the spectrum of the picture's chroma, which paper, ink and
//! a camera's noise do not have.
//!
//! The 256×256 block in the centre, at full resolution (the grid is gone in any reduced copy), is
//! windowed and transformed as one complex signal (R − G, B − G). A bin counts when it
//! stands over both the spectrum's mean and its own neighbourhood (a straight edge in the
//! picture makes a line through the spectrum, not a point). Bins on the JPEG block grid
//! (both frequencies multiples of N/16) are left out: the codec's own blocks peak there.

use image::DynamicImage;

/// Block side (a power of two).
const N: usize = 256;
/// Peak score over which a picture is called a photo of a screen.
///
/// Set for precision on the evaluation set (`examples/content_eval.rs`): real phone
/// photos reach about 320 (a jetty's planks), photographed screens 340–960; a periodic
/// fabric under the document can still pass it.
pub const PEAK_THRESHOLD: f32 = 450.0;
/// The spectrum's mean magnitude under one level of white chroma noise (Hann window).
const NOISE_FLOOR: f32 = 100.0;

/// The strongest isolated chroma peak of `img` (0 for pictures smaller than one block or
/// without colour).
pub fn peak(img: &DynamicImage) -> f32 {
    peak_view(&super::View::of(img))
}

/// The strongest isolated chroma peak of a picture given as samples ([`peak`]).
pub fn peak_view(view: &super::View<'_>) -> f32 {
    let (w, h) = (view.width, view.height);
    if w < N || h < N {
        return 0.0;
    }
    let (samples, ch) = (&view.samples, view.channels);
    if ch < 3 {
        return 0.0;
    }
    // One block in the centre, on the 16-pixel grid (JPEG's macroblocks): a screen
    // photo is framed on the screen, and each block is most of the measure's cost.
    let at = |len: usize| (len - N) / 2 / 16 * 16;
    block_peak(samples, ch, w, at(w), at(h))
}

/// The peak score of the block at (`x0`, `y0`) of interleaved samples `s` (`ch`
/// channels, `w` pixels a row).
fn block_peak(s: &[u8], ch: usize, w: usize, x0: usize, y0: usize) -> f32 {
    let window: Vec<f32> = (0..N)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / N as f32).cos())
        .collect();
    let mut re = vec![0f32; N * N];
    let mut im = vec![0f32; N * N];
    let (mut mr, mut mi) = (0f32, 0f32);
    for y in 0..N {
        for x in 0..N {
            let p = &s[((y0 + y) * w + x0 + x) * ch..][..3];
            let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            re[y * N + x] = r - g;
            im[y * N + x] = b - g;
            mr += r - g;
            mi += b - g;
        }
    }
    let (mr, mi) = (mr / (N * N) as f32, mi / (N * N) as f32);
    for y in 0..N {
        for x in 0..N {
            let wv = window[x] * window[y];
            re[y * N + x] = (re[y * N + x] - mr) * wv;
            im[y * N + x] = (im[y * N + x] - mi) * wv;
        }
    }
    fft2(&mut re, &mut im);
    let mag: Vec<f32> = re
        .iter()
        .zip(&im)
        .map(|(a, b)| (a * a + b * b).sqrt())
        .collect();
    let freq = |i: usize| if i > N / 2 { N - i } else { i };
    let excluded = |u: usize, v: usize| {
        let (fu, fv) = (freq(u), freq(v));
        let grid = |f: usize| matches!(f % 16, 0 | 1 | 15);
        (fu * fu + fv * fv) < 12 * 12 || (grid(fu) && grid(fv))
    };
    let mut sum = 0f64;
    let mut count = 0usize;
    for v in 0..N {
        for u in 0..N {
            if !excluded(u, v) {
                sum += f64::from(mag[v * N + u]);
                count += 1;
            }
        }
    }
    // A block under about one level of chroma noise is no camera's picture of a screen
    // (a render, a flat synthetic pattern): its spectrum is near zero everywhere, and any
    // rounding or codec pattern would stand over it.
    let mean = (sum / count.max(1) as f64) as f32;
    if mean < NOISE_FLOOR {
        return 0.0;
    }
    let mut best = 0f32;
    for v in 0..N {
        for u in 0..N {
            let m = mag[v * N + u];
            if excluded(u, v) || m < 8.0 * mean || m / mean <= best {
                continue;
            }
            // Mean of the 9×9 neighbourhood without its 3×3 centre.
            let mut ring = 0f32;
            for dv in -4i32..=4 {
                for du in -4i32..=4 {
                    if du.abs() <= 1 && dv.abs() <= 1 {
                        continue;
                    }
                    let uu = (u as i32 + du).rem_euclid(N as i32) as usize;
                    let vv = (v as i32 + dv).rem_euclid(N as i32) as usize;
                    ring += mag[vv * N + uu];
                }
            }
            let ring = ring / 72.0;
            if m > 4.0 * ring {
                best = best.max(m / mean);
            }
        }
    }
    best
}

/// In-place 2-D FFT of an N×N complex array (rows, then columns).
fn fft2(re: &mut [f32], im: &mut [f32]) {
    let mut r = vec![0f32; N];
    let mut i = vec![0f32; N];
    for y in 0..N {
        fft(&mut re[y * N..(y + 1) * N], &mut im[y * N..(y + 1) * N]);
    }
    for x in 0..N {
        for y in 0..N {
            r[y] = re[y * N + x];
            i[y] = im[y * N + x];
        }
        fft(&mut r, &mut i);
        for y in 0..N {
            re[y * N + x] = r[y];
            im[y * N + x] = i[y];
        }
    }
}

/// In-place radix-2 FFT of a power-of-two length.
fn fft(re: &mut [f32], im: &mut [f32]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let ang = -2.0 * std::f32::consts::PI / len as f32;
        let (wr, wi) = (ang.cos(), ang.sin());
        for start in (0..n).step_by(len) {
            let (mut cr, mut ci) = (1f32, 0f32);
            for k in 0..len / 2 {
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * cr - im[b] * ci;
                let ti = re[b] * ci + im[b] * cr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
                let nr = cr * wr - ci * wi;
                ci = cr * wi + ci * wr;
                cr = nr;
            }
        }
        len <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn a_sub_pixel_grid_peaks_and_a_smooth_gradient_does_not() {
        // Screen pixels 3.3 camera pixels wide, one stripe each of red, green, blue.
        let grid = RgbImage::from_fn(512, 512, |x, _| {
            let phase = (x as f32 / 3.3).fract();
            let on = |lo: f32| {
                if phase >= lo && phase < lo + 0.34 {
                    200
                } else {
                    60
                }
            };
            Rgb([on(0.0), on(0.33), on(0.66)])
        });
        assert!(peak(&DynamicImage::ImageRgb8(grid)) >= PEAK_THRESHOLD);
        // A photo's smooth shading under sensor noise (xorshift).
        let mut state = 0x2545_f491_u32;
        let smooth = RgbImage::from_fn(512, 512, |x, y| {
            let mut noise = || {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 29) as f32
            };
            let v = |base: f32, n: f32| (base + n).round() as u8;
            Rgb([
                v(x as f32 * 0.3 + 40.0, noise()),
                v(y as f32 * 0.3 + 40.0, noise()),
                v(128.0, noise()),
            ])
        });
        let p = peak(&DynamicImage::ImageRgb8(smooth));
        assert!(p < PEAK_THRESHOLD, "{p}");
    }
}
