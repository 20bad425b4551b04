//! The reduced picture the outline and colour measures work on: box-averaged, which also
//! averages away sensor noise and the texture of paper.

use image::DynamicImage;

/// The preview's long side, at most. 256 pixels keep a card's edge several pixels from
/// the frame's edge and the line search at a few milliseconds.
pub const PREVIEW_LONG_SIDE: u32 = 256;
/// Rows of a preview pixel's box that are read, at most.
const ROWS_PER_BOX: usize = 4;

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
    ///
    /// Each preview pixel averages whole rows of its box, but at most [`ROWS_PER_BOX`]
    /// rows of it (evenly spaced): the preview is then one pass over a fraction of a
    /// large picture's memory, and still averages dozens of samples, which is what
    /// takes sensor noise and paper texture away.
    pub fn of(img: &DynamicImage) -> Preview {
        Preview::of_view(&super::View::of(img))
    }

    /// The preview of a picture given as samples ([`Preview::of`]).
    pub fn of_view(view: &super::View<'_>) -> Preview {
        let (width, height) = (view.width, view.height);
        let long = width.max(height).max(1);
        let f = long.div_ceil(PREVIEW_LONG_SIDE as usize).max(1);
        let (w, h) = ((width / f).max(1), (height / f).max(1));
        let (samples, channels) = (&view.samples, view.channels);
        let mut planes = [vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]];
        let (fx, fy) = (f.min(width), f.min(height));
        let row_step = fy.div_ceil(ROWS_PER_BOX).max(1);
        let rows_read = fy.div_ceil(row_step);
        let norm = 1.0 / (fx * rows_read) as f32;
        let mut sums = vec![[0u32; 3]; w];
        for py in 0..h {
            sums.iter_mut().for_each(|s| *s = [0; 3]);
            for y in (py * fy..(py * fy + fy).min(height)).step_by(row_step) {
                let row = &samples[y * width * channels..][..w * fx * channels];
                let boxes = row.chunks_exact(fx * channels).zip(sums.iter_mut());
                match channels {
                    1 => boxes.for_each(|(b, s)| {
                        let v: u32 = b.iter().map(|&v| u32::from(v)).sum();
                        s[0] += v;
                        s[1] += v;
                        s[2] += v;
                    }),
                    _ => boxes.for_each(|(b, s)| {
                        for p in b.chunks_exact(channels) {
                            s[0] += u32::from(p[0]);
                            s[1] += u32::from(p[1]);
                            s[2] += u32::from(p[2]);
                        }
                    }),
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
