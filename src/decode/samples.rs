//! Stored samples to pixels: the conversions TIFF and PDF pages both need (packed
//! 1/2/4/8/16-bit rows handed to [`cmyk`](super::cmyk) when they are ink, a decoded
//! buffer checked against the page size), and the rule for when an embedded ICC profile
//! still describes the pixels.

use image::{DynamicImage, GrayImage, ImageBuffer};

use super::cmyk::generic as generic_cmyk;

/// The colour spaces an image may use, resolved to what decoding needs.
#[derive(Debug, Clone)]
pub(super) enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed {
        base: Box<Space>,
        hival: u32,
        lookup: Vec<u8>,
    },
}

impl Space {
    pub(super) fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

/// Turns raw PDF samples into an image, applying the Decode array and the colour space.
pub(super) fn raw_samples(
    data: &[u8],
    width: u32,
    height: u32,
    bits: u8,
    space: &Space,
    decode: Option<&[f32]>,
) -> Option<DynamicImage> {
    let w = width as usize;
    let h = height as usize;
    let n = space.components();
    let row_bytes = (w * n * usize::from(bits)).div_ceil(8);
    if data.len() < row_bytes.checked_mul(h)? {
        return None;
    }
    let max = ((1u32 << bits) - 1) as f32;
    // Decode maps a sample s in 0..=max to dmin + s·(dmax − dmin)/max (ISO 32000-1, 8.9.5.2).
    let range = |c: usize, default_max: f32| -> (f32, f32) {
        match decode {
            Some(d) if d.len() >= 2 * (c + 1) => (d[2 * c], d[2 * c + 1]),
            _ => (0.0, default_max),
        }
    };
    let sample = |row: &[u8], i: usize| -> u32 {
        let bit = i * usize::from(bits);
        match bits {
            16 => u32::from(u16::from_be_bytes([row[bit / 8], row[bit / 8 + 1]])),
            8 => u32::from(row[bit / 8]),
            _ => u32::from((row[bit / 8] >> (8 - usize::from(bits) - bit % 8)) & ((1 << bits) - 1)),
        }
    };
    let rows = data.chunks_exact(row_bytes).take(h);
    // Every sample in order through the Decode array, scaled to 0..=`full` and rounded.
    let levels = |full: f32| {
        rows.clone().flat_map(move |row| {
            (0..w * n).map(move |i| {
                let (dmin, dmax) = range(i % n, 1.0);
                let v = dmin + sample(row, i) as f32 * (dmax - dmin) / max;
                (v.clamp(0.0, 1.0) * full).round()
            })
        })
    };
    match space {
        Space::Indexed {
            base,
            hival,
            lookup,
        } => {
            let (dmin, dmax) = range(0, max);
            let bn = base.components();
            let mut out = Vec::with_capacity(w * h * bn);
            for row in rows {
                for x in 0..w {
                    let s = sample(row, x) as f32;
                    let index = (dmin + s * (dmax - dmin) / max)
                        .round()
                        .clamp(0.0, *hival as f32);
                    let at = index as usize * bn;
                    // A short palette is padded with black rather than refused.
                    for c in 0..bn {
                        out.push(lookup.get(at + c).copied().unwrap_or(0));
                    }
                }
            }
            match **base {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma8),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb8),
                Space::Cmyk => generic_cmyk(&out, width, height).map(DynamicImage::ImageRgb8),
                Space::Indexed { .. } => None,
            }
        }
        _ if bits == 16 => {
            let out: Vec<u16> = levels(65535.0).map(|v| v as u16).collect();
            match space {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma16),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb16),
                _ => {
                    let bytes: Vec<u8> = out.iter().map(|s| (s >> 8) as u8).collect();
                    generic_cmyk(&bytes, width, height).map(DynamicImage::ImageRgb8)
                }
            }
        }
        _ => {
            let out: Vec<u8> = levels(255.0).map(|v| v as u8).collect();
            match space {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma8),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb8),
                _ => generic_cmyk(&out, width, height).map(DynamicImage::ImageRgb8),
            }
        }
    }
}

/// Packed 1/2/4-bit grey rows (MSB first, rows padded to a byte) to 8-bit grey.
pub(super) fn unpack_gray(data: &[u8], width: u32, height: u32, bits: u8) -> Option<GrayImage> {
    gray_from_bits(data, width, height, bits, None)
}

/// Like [`unpack_gray`], with an optional PDF Decode array (`[1 0]` swaps black and white).
pub(super) fn gray_from_bits(
    data: &[u8],
    width: u32,
    height: u32,
    bits: u8,
    decode: Option<&[f32]>,
) -> Option<GrayImage> {
    let image = raw_samples(data, width, height, bits, &Space::Gray, decode)?;
    match image {
        DynamicImage::ImageLuma8(g) => Some(g),
        _ => None,
    }
}

pub(super) fn buffer<P: image::Pixel>(
    width: u32,
    height: u32,
    mut data: Vec<P::Subpixel>,
) -> Option<ImageBuffer<P, Vec<P::Subpixel>>> {
    let len = (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(usize::from(P::CHANNEL_COUNT))?;
    if data.len() < len {
        return None;
    }
    // Decoders may hand back row padding or a trailing partial strip; keep what fits.
    data.truncate(len);
    ImageBuffer::from_raw(width, height, data)
}

/// An ICC profile only travels with pixels it describes: its header's colour space
/// (bytes 16–19) must match the decoded channels, so a CMYK profile is dropped once the
/// pixels are RGB.
pub(super) fn icc_matches(profile: &[u8], image: &DynamicImage) -> bool {
    let Some(space) = profile.get(16..20) else {
        return false;
    };
    let gray = matches!(
        image.color(),
        image::ColorType::L8
            | image::ColorType::L16
            | image::ColorType::La8
            | image::ColorType::La16
    );
    if gray {
        space == b"GRAY"
    } else {
        space == b"RGB "
    }
}
