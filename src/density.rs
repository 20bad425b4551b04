//! The physical resolution (dots per inch) carried from a source into its output.
//!
//! Stripping metadata must not strip the size of the paper: printing, OCR and viewers
//! read it from the JFIF density or the PNG `pHYs` chunk, and without it a 300-dpi scan
//! prints at 72 dpi, four times too large, and OCR engines guess the text size wrong.
//! Neither field says anything about the person or the device, so outputs keep it,
//! scaled with any resize so the physical size stays the same. Nothing else of the
//! source's metadata comes back.

use crate::decode::Resolution;
use crate::pipeline::OutputFormat;

/// Metres per inch, for PNG's pixels-per-metre.
const INCH: f64 = 0.0254;

/// A PNG's `pHYs` resolution, when its unit is the metre (unit 0 states only the
/// pixel aspect).
pub fn png_resolution(bytes: &[u8]) -> Option<Resolution> {
    let mut rest = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().ok()?) as usize;
        let kind = &rest[4..8];
        let data = rest.get(8..8usize.checked_add(len)?)?;
        match kind {
            b"pHYs" if len == 9 && data[8] == 1 => {
                let ppm =
                    |i: usize| f64::from(u32::from_be_bytes(data[i..i + 4].try_into().unwrap()));
                return Resolution::new(ppm(0) * INCH, ppm(4) * INCH);
            }
            // pHYs must come before the image data.
            b"IDAT" | b"IEND" => return None,
            _ => {}
        }
        rest = rest.get(12 + len..)?;
    }
    None
}

/// `bytes` (an output scanfit made, or a stripped source) stating `resolution`: the
/// JFIF density of a JPEG, the `pHYs` chunk of a PNG.
pub fn stamp(bytes: Vec<u8>, format: OutputFormat, resolution: Resolution) -> Vec<u8> {
    match format {
        OutputFormat::Jpeg => stamp_jpeg(bytes, resolution),
        OutputFormat::Png => stamp_png(bytes, resolution),
    }
}

fn dpi(v: f64) -> u16 {
    v.round().clamp(1.0, f64::from(u16::MAX)) as u16
}

/// Sets the density of the JFIF segment right after SOI, or inserts one. A JPEG with an
/// Adobe segment and no JFIF is left alone: JFIF promises YCbCr, which such a file may
/// not hold.
fn stamp_jpeg(mut bytes: Vec<u8>, r: Resolution) -> Vec<u8> {
    let density = [1u8]
        .into_iter()
        .chain(dpi(r.x).to_be_bytes())
        .chain(dpi(r.y).to_be_bytes());
    // SOI, APP0 marker, length, "JFIF\0", version (2 bytes), then units, X, Y.
    if bytes.len() > 18 && bytes[2..4] == [0xFF, 0xE0] && &bytes[6..11] == b"JFIF\0" {
        bytes.splice(13..18, density);
        return bytes;
    }
    if crate::jpeg::segments(&bytes).any(|s| s.marker == 0xEE) || !bytes.starts_with(&[0xFF, 0xD8])
    {
        return bytes;
    }
    let mut app0 = vec![0xFF, 0xE0, 0x00, 0x10];
    app0.extend_from_slice(b"JFIF\0\x01\x01");
    app0.extend(density);
    app0.extend_from_slice(&[0, 0]);
    bytes.splice(2..2, app0);
    bytes
}

/// Replaces any `pHYs` chunk by one stating `r`, right after IHDR.
fn stamp_png(bytes: Vec<u8>, r: Resolution) -> Vec<u8> {
    const IHDR_END: usize = 8 + 12 + 13;
    if bytes.len() < IHDR_END || &bytes[12..16] != b"IHDR" {
        return bytes;
    }
    let ppm = |v: f64| ((v / INCH).round() as u32).to_be_bytes();
    let mut chunk = vec![0, 0, 0, 9];
    chunk.extend_from_slice(b"pHYs");
    chunk.extend(ppm(r.x));
    chunk.extend(ppm(r.y));
    chunk.push(1);
    chunk.extend(crc32fast::hash(&chunk[4..]).to_be_bytes());
    let mut out = Vec::with_capacity(bytes.len() + chunk.len());
    out.extend_from_slice(&bytes[..IHDR_END]);
    out.extend(chunk);
    let mut rest = &bytes[IHDR_END..];
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let Some(whole) = rest.get(..len.saturating_add(12)) else {
            break;
        };
        if &whole[4..8] != b"pHYs" {
            out.extend_from_slice(whole);
        }
        rest = &rest[whole.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f64, y: f64) -> Resolution {
        Resolution::new(x, y).unwrap()
    }

    #[test]
    fn png_phys_round_trips_and_replaces_the_old_one() {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([9, 8, 7]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(png_resolution(&png), None);
        let once = stamp(png, OutputFormat::Png, r(300.0, 150.0));
        let twice = stamp(once, OutputFormat::Png, r(200.0, 200.0));
        let got = png_resolution(&twice).unwrap();
        assert!(
            (got.x - 200.0).abs() < 0.01 && (got.y - 200.0).abs() < 0.01,
            "{got:?}"
        );
        assert_eq!(twice.windows(4).filter(|w| w == b"pHYs").count(), 1);
        // The CRC is right: the png crate refuses a bad one.
        assert_eq!(image::load_from_memory(&twice).unwrap().width(), 4);
    }

    #[test]
    fn jpeg_density_is_set_or_inserted() {
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb([9, 8, 7]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&img)
            .unwrap();
        let stamped = stamp(jpeg.clone(), OutputFormat::Jpeg, r(299.6, 150.0));
        let decoded = crate::decode::jpeg::decode(&stamped).unwrap();
        assert_eq!(decoded.resolution, Some(r(300.0, 150.0)));
        // Without a JFIF segment, one is inserted.
        let bare: Vec<u8> = [&jpeg[..2], &jpeg[2 + 18..]].concat();
        assert!(crate::decode::jpeg::decode(&bare)
            .unwrap()
            .resolution
            .is_none());
        let stamped = stamp(bare, OutputFormat::Jpeg, r(72.0, 72.0));
        let decoded = crate::decode::jpeg::decode(&stamped).unwrap();
        assert_eq!(decoded.resolution, Some(r(72.0, 72.0)));
    }
}
