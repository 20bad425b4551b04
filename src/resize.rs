//! Rescaling with fast_image_resize on concrete pixel types (U8x3, U8): resizing a
//! `DynamicImage` through its generic support makes the crate take minutes to compile.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{GrayImage, RgbImage};

use crate::normalize::Pixels;

/// Pixels rescaled to `width` × `height`: Lanczos3 when shrinking (sharp text), Catmull-Rom
/// when enlarging (less ringing around strokes than Lanczos).
pub fn resize(src: &Pixels, width: u32, height: u32) -> Pixels {
    let filter = if u64::from(width) * u64::from(height)
        < u64::from(src.width()) * u64::from(src.height())
    {
        FilterType::Lanczos3
    } else {
        FilterType::CatmullRom
    };
    resize_with(src, width, height, filter)
}

/// An area-averaged (box filter) shrink: the scale the inspections are calibrated at,
/// without Lanczos' sharpening.
pub fn shrink_box(src: &Pixels, width: u32, height: u32) -> Pixels {
    resize_with(src, width, height, FilterType::Box)
}

fn resize_with(src: &Pixels, width: u32, height: u32, filter: FilterType) -> Pixels {
    let (pixel_type, channels) = match src {
        Pixels::Rgb(_) => (PixelType::U8x3, 3),
        Pixels::Gray(_) => (PixelType::U8, 1),
    };
    let view = ImageRef::new(src.width(), src.height(), src.as_bytes(), pixel_type)
        .expect("buffer length matches the dimensions");
    let mut dst = Image::new(width, height, pixel_type);
    Resizer::new()
        .resize(
            &view,
            &mut dst,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter)),
        )
        .expect("pixel types match and sizes are non-zero");
    let data = dst.into_vec();
    debug_assert_eq!(data.len(), width as usize * height as usize * channels);
    match src {
        Pixels::Rgb(_) => Pixels::Rgb(RgbImage::from_raw(width, height, data).expect("size")),
        Pixels::Gray(_) => Pixels::Gray(GrayImage::from_raw(width, height, data).expect("size")),
    }
}

/// Dimensions of `src` scaled by `scale`, each at least 1 pixel.
pub fn scaled_dims(width: u32, height: u32, scale: f64) -> (u32, u32) {
    let w = (f64::from(width) * scale).round().max(1.0) as u32;
    let h = (f64::from(height) * scale).round().max(1.0) as u32;
    (w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resizing_keeps_flat_colour_and_dimensions() {
        let src = Pixels::Rgb(RgbImage::from_pixel(40, 30, image::Rgb([200, 10, 20])));
        for (w, h) in [(20, 15), (97, 71)] {
            let out = resize(&src, w, h);
            assert_eq!((out.width(), out.height()), (w, h));
            let Pixels::Rgb(img) = out else {
                unreachable!()
            };
            assert!(img.pixels().all(|p| p
                .0
                .iter()
                .zip([200u8, 10, 20])
                .all(|(a, b)| a.abs_diff(b) <= 1)));
        }
    }
}
