//! Decoded pixels to the one form the encoders take: 8-bit sRGB RGB (or 8-bit gray),
//! upright, opaque.
//!
//! - EXIF orientation is applied to the pixels, because the output carries no EXIF and
//!   the portal's reviewer must see the document upright whatever viewer they use.
//! - Alpha is flattened onto white, not black: documents are dark ink on transparent
//!   backgrounds, and dropping alpha would leave black text on black.
//! - 16-bit becomes 8-bit; JPEG and the portal have no use for more.
//! - A colour profile other than sRGB (Display P3 from phones, Adobe RGB from scanners)
//!   is converted to sRGB with moxcms before it is dropped, so a red seal stays the red
//!   it was. An unreadable profile is ignored with a warning.
//! - CMYK became RGB in decode (through its own profile where it has a usable one);
//!   what is left here is to say when the generic formula had to do instead.

use image::{DynamicImage, GrayImage, RgbImage};

use crate::decode::{CmykConversion, Decoded};
use crate::error::{IccIssue, Warning};
use crate::par;

/// Pixels ready to encode: 8-bit, upright, opaque, sRGB.
#[derive(Debug, Clone, PartialEq)]
pub enum Pixels {
    /// Colour.
    Rgb(RgbImage),
    /// Gray, kept gray because encoding it as colour only adds bytes.
    Gray(GrayImage),
}

impl Pixels {
    /// Width in pixels.
    pub fn width(&self) -> u32 {
        match self {
            Pixels::Rgb(i) => i.width(),
            Pixels::Gray(i) => i.width(),
        }
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        match self {
            Pixels::Rgb(i) => i.height(),
            Pixels::Gray(i) => i.height(),
        }
    }

    /// The longer of width and height.
    pub fn long_edge(&self) -> u32 {
        self.width().max(self.height())
    }

    /// Interleaved sample bytes, row by row.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Pixels::Rgb(i) => i.as_raw(),
            Pixels::Gray(i) => i.as_raw(),
        }
    }

    /// Samples per pixel: 3 or 1.
    pub fn channels(&self) -> usize {
        match self {
            Pixels::Rgb(_) => 3,
            Pixels::Gray(_) => 1,
        }
    }

    /// The same pixels as a `DynamicImage`, without copying.
    pub fn into_dynamic(self) -> DynamicImage {
        match self {
            Pixels::Rgb(i) => DynamicImage::ImageRgb8(i),
            Pixels::Gray(i) => DynamicImage::ImageLuma8(i),
        }
    }

    /// Back from [`Pixels::into_dynamic`]; other layouts are converted.
    pub fn from_dynamic(image: DynamicImage) -> Pixels {
        match image {
            DynamicImage::ImageLuma8(i) => Pixels::Gray(i),
            DynamicImage::ImageRgb8(i) => Pixels::Rgb(i),
            other => to_8bit_opaque(other),
        }
    }
}

/// Turns a decoded picture into encoder-ready pixels, appending warnings about what it
/// found.
pub fn normalize(decoded: Decoded, warnings: &mut Vec<Warning>) -> Pixels {
    let Decoded {
        image,
        orientation,
        icc,
        cmyk,
        ..
    } = decoded;
    let mut pixels = to_8bit_opaque(image);
    // A CMYK source's profile was applied (or found unusable) when its ink became RGB.
    if let Some(CmykConversion::Generic { profile_ignored }) = cmyk {
        if let Some(why) = profile_ignored {
            warnings.push(Warning::CmykProfileIgnored(why));
        }
        warnings.push(Warning::CmykApproximate);
    } else if let Some(icc) = icc {
        if let Pixels::Rgb(rgb) = &mut pixels {
            if let Err(why) = to_srgb(rgb, &icc) {
                warnings.push(Warning::ProfileIgnored(why));
            }
        }
    }
    orient(pixels, orientation)
}

fn to_8bit_opaque(image: DynamicImage) -> Pixels {
    match image {
        DynamicImage::ImageLuma8(g) => Pixels::Gray(g),
        DynamicImage::ImageRgb8(rgb) => Pixels::Rgb(rgb),
        DynamicImage::ImageLuma16(_) => Pixels::Gray(image.to_luma8()),
        DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_) => {
            let la = image.to_luma_alpha8();
            let (w, h) = la.dimensions();
            let data = la
                .as_raw()
                .chunks_exact(2)
                .map(|p| over_white(p[0], p[1]))
                .collect();
            Pixels::Gray(GrayImage::from_raw(w, h, data).expect("size matches"))
        }
        DynamicImage::ImageRgba8(_)
        | DynamicImage::ImageRgba16(_)
        | DynamicImage::ImageRgba32F(_) => {
            let rgba = image.to_rgba8();
            let (w, h) = rgba.dimensions();
            let mut data = Vec::with_capacity(w as usize * h as usize * 3);
            for p in rgba.as_raw().chunks_exact(4) {
                data.extend([
                    over_white(p[0], p[3]),
                    over_white(p[1], p[3]),
                    over_white(p[2], p[3]),
                ]);
            }
            Pixels::Rgb(RgbImage::from_raw(w, h, data).expect("size matches"))
        }
        other => Pixels::Rgb(other.to_rgb8()),
    }
}

/// Straight (non-premultiplied) alpha composited onto white, rounded.
fn over_white(c: u8, a: u8) -> u8 {
    let (c, a) = (u32::from(c), u32::from(a));
    ((c * a + 255 * (255 - a) + 127) / 255) as u8
}

/// Converts RGB pixels described by `icc` to sRGB in place; a no-op for sRGB profiles.
fn to_srgb(rgb: &mut RgbImage, icc: &[u8]) -> Result<(), IccIssue> {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let src =
        ColorProfile::new_from_slice(icc).map_err(|e| IccIssue::Unreadable(format!("{e:?}")))?;
    if src.color_space != DataColorSpace::Rgb {
        return Err(IccIssue::NotRgb(format!("{:?}", src.color_space)));
    }
    let srgb = ColorProfile::new_srgb();
    if is_srgb_like(&src, &srgb) {
        return Ok(());
    }
    let transform = src
        .create_transform_8bit(Layout::Rgb, &srgb, Layout::Rgb, TransformOptions::default())
        .map_err(|e| IccIssue::CannotConvert(format!("{e:?}")))?;
    let mut out = vec![0u8; rgb.as_raw().len()];
    transform
        .transform(rgb.as_raw(), &mut out)
        .map_err(|e| IccIssue::ConversionFailed(format!("{e:?}")))?;
    rgb.copy_from_slice(&out);
    Ok(())
}

/// Whether an ICC profile describes sRGB (so pixels need no conversion). Unreadable
/// profiles count as not sRGB.
pub fn is_srgb_profile(icc: &[u8]) -> bool {
    moxcms::ColorProfile::new_from_slice(icc).is_ok_and(|p| {
        p.color_space == moxcms::DataColorSpace::Rgb
            && is_srgb_like(&p, &moxcms::ColorProfile::new_srgb())
    })
}

/// Same primaries as sRGB (within rounding of the profile's s15Fixed16 numbers): the
/// many "sRGB IEC61966-2.1" variants cameras embed need no conversion.
fn is_srgb_like(p: &moxcms::ColorProfile, srgb: &moxcms::ColorProfile) -> bool {
    let close = |a: moxcms::Xyzd, b: moxcms::Xyzd| {
        (a.x - b.x).abs() < 0.003 && (a.y - b.y).abs() < 0.003 && (a.z - b.z).abs() < 0.003
    };
    p.red_trc.is_some()
        && p.lut_a_to_b_perceptual.is_none()
        && close(p.red_colorant, srgb.red_colorant)
        && close(p.green_colorant, srgb.green_colorant)
        && close(p.blue_colorant, srgb.blue_colorant)
}

/// Applies EXIF orientation 1–8 to the pixels.
///
/// Every 12 MP phone photo is stored sideways, so this runs on most photos. `image`'s
/// rotations go pixel by pixel through bounds-checked accessors (84 ms for 12 MP here);
/// walking the output in 64×64 tiles with one index step per pixel keeps both sides in
/// cache and costs a fraction of that.
pub fn orient(pixels: Pixels, orientation: u8) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return pixels;
    }
    match pixels {
        Pixels::Rgb(i) => {
            let (w, h) = i.dimensions();
            let (dw, dh, data) = transform::<3>(i.as_raw(), w, h, orientation);
            Pixels::Rgb(RgbImage::from_raw(dw, dh, data).expect("size matches"))
        }
        Pixels::Gray(i) => {
            let (w, h) = i.dimensions();
            let (dw, dh, data) = transform::<1>(i.as_raw(), w, h, orientation);
            Pixels::Gray(GrayImage::from_raw(dw, dh, data).expect("size matches"))
        }
    }
}

/// Reorders `C`-channel pixels for EXIF orientation `o`, returning the new dimensions.
///
/// Each output pixel (dx, dy) reads the source at `sx = a·dx + b·dy + c`,
/// `sy = d·dx + e·dy + f`, the inverse of the EXIF transform.
fn transform<const C: usize>(src: &[u8], w: u32, h: u32, o: u8) -> (u32, u32, Vec<u8>) {
    let (wi, hi) = (i64::from(w), i64::from(h));
    #[rustfmt::skip]
    let (a, b, c, d, e, f) = match o {
        2 => (-1, 0, wi - 1, 0, 1, 0),
        3 => (-1, 0, wi - 1, 0, -1, hi - 1),
        4 => (1, 0, 0, 0, -1, hi - 1),
        5 => (0, 1, 0, 1, 0, 0),
        6 => (0, 1, 0, -1, 0, hi - 1),
        7 => (0, -1, wi - 1, -1, 0, hi - 1),
        _ => (0, -1, wi - 1, 1, 0, 0), // 8
    };
    let (dw, dh) = if o >= 5 { (h, w) } else { (w, h) };
    let mut dst = vec![0u8; src.len()];
    let step_x = (d * wi + a) * C as i64;
    const TILE: u32 = 64;
    // One band of tile rows per task: idle workers of the runner share a lone photo.
    let band_len = (TILE * dw) as usize * C;
    par::chunks_mut(&mut dst, band_len.max(1), |band, out| {
        let ty = band as u32 * TILE;
        for tx in (0..dw).step_by(TILE as usize) {
            for dy in ty..(ty + TILE).min(dh) {
                let (dx0, dy0) = (i64::from(tx), i64::from(dy));
                let mut si = ((d * dx0 + e * dy0 + f) * wi + (a * dx0 + b * dy0 + c)) * C as i64;
                let row = (dy - ty) as usize * dw as usize;
                for dx in tx..(tx + TILE).min(dw) {
                    let di = (row + dx as usize) * C;
                    let s = si as usize;
                    out[di..di + C].copy_from_slice(&src[s..s + C]);
                    si += step_x;
                }
            }
        }
    });
    (dw, dh, dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_goes_onto_white() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(200, 255), 200);
        assert_eq!(over_white(0, 128), 127);
    }

    #[test]
    fn orientation_bands_shared_by_workers_give_the_same_picture() {
        // Several 64-row bands and a partial one; every pixel distinct enough to tell.
        let img = RgbImage::from_fn(150, 197, |x, y| {
            image::Rgb([x as u8, y as u8, (x * 7 + y * 3) as u8])
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for o in 1..=8 {
            let alone = orient(Pixels::Rgb(img.clone()), o);
            let shared = pool.install(|| orient(Pixels::Rgb(img.clone()), o));
            assert_eq!(alone.as_bytes(), shared.as_bytes(), "orientation {o}");
        }
        let Pixels::Rgb(turned) = pool.install(|| orient(Pixels::Rgb(img.clone()), 6)) else {
            unreachable!()
        };
        assert_eq!(turned, image::imageops::rotate90(&img));
    }

    #[test]
    fn orientations_move_a_marked_corner() {
        // 3×2 image, top-left pixel marked; each orientation moves the mark where the
        // EXIF specification says the stored (0,0) belongs.
        let mut img = GrayImage::new(3, 2);
        img.put_pixel(0, 0, image::Luma([255]));
        let expect = [
            (1, (3, 2), (0, 0)),
            (2, (3, 2), (2, 0)),
            (3, (3, 2), (2, 1)),
            (4, (3, 2), (0, 1)),
            (5, (2, 3), (0, 0)),
            (6, (2, 3), (1, 0)),
            (7, (2, 3), (1, 2)),
            (8, (2, 3), (0, 2)),
        ];
        for (o, (w, h), (x, y)) in expect {
            let Pixels::Gray(out) = orient(Pixels::Gray(img.clone()), o) else {
                unreachable!()
            };
            assert_eq!(out.dimensions(), (w, h), "orientation {o}");
            assert_eq!(out.get_pixel(x, y).0[0], 255, "orientation {o}");
        }
    }
}
