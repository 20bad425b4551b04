//! The reduced picture the outline and colour measures work on: box-averaged, which also
//! averages away sensor noise and the texture of paper.

use image::DynamicImage;

/// The preview's long side, at most. 256 pixels keep a card's edge several pixels from
/// the frame's edge and the line search at a few milliseconds.
pub const PREVIEW_LONG_SIDE: u32 = 256;

/// A box-averaged RGB copy of a picture, one `f32` plane per channel.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Width in preview pixels.
    pub w: usize,
    /// Height in preview pixels.
    pub h: usize,
    /// Red, green, blue planes, row-major, 0–255.
    pub planes: [Vec<f32>; 3],
    /// Original pixels per preview pixel, per axis (x, y).
    pub scale: (f32, f32),
}

impl Preview {
    /// The preview of `img`.
    pub fn of(img: &DynamicImage) -> Preview {
        let (width, height) = (img.width() as usize, img.height() as usize);
        let long = width.max(height).max(1);
        let f = long.div_ceil(PREVIEW_LONG_SIDE as usize).max(1);
        let (w, h) = ((width / f).max(1), (height / f).max(1));
        let (samples, channels) = super::samples(img);
        let mut planes = [vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]];
        let (fx, fy) = (f.min(width), f.min(height));
        let norm = 1.0 / (fx * fy) as f32;
        let mut sums = vec![[0u32; 3]; w];
        for py in 0..h {
            sums.iter_mut().for_each(|s| *s = [0; 3]);
            for y in py * fy..(py * fy + fy).min(height) {
                let row = &samples[y * width * channels..(y + 1) * width * channels];
                for (px, s) in sums.iter_mut().enumerate() {
                    for x in px * fx..(px * fx + fx).min(width) {
                        let p = &row[x * channels..];
                        if channels == 1 {
                            let v = u32::from(p[0]);
                            s[0] += v;
                            s[1] += v;
                            s[2] += v;
                        } else {
                            s[0] += u32::from(p[0]);
                            s[1] += u32::from(p[1]);
                            s[2] += u32::from(p[2]);
                        }
                    }
                }
            }
            for (px, s) in sums.iter().enumerate() {
                for c in 0..3 {
                    planes[c][py * w + px] = s[c] as f32 * norm;
                }
            }
        }
        Preview {
            w,
            h,
            planes,
            scale: (fx as f32, fy as f32),
        }
    }

    /// BT.601 luma at a preview pixel.
    pub fn luma(&self, i: usize) -> f32 {
        0.299 * self.planes[0][i] + 0.587 * self.planes[1][i] + 0.114 * self.planes[2][i]
    }

    /// A point of the original picture in preview coordinates.
    pub fn to_preview(&self, p: [f32; 2]) -> [f32; 2] {
        [p[0] / self.scale.0, p[1] / self.scale.1]
    }

    /// A preview point in the original picture's coordinates.
    pub fn to_original(&self, p: [f32; 2]) -> [f32; 2] {
        [p[0] * self.scale.0, p[1] * self.scale.1]
    }
}
