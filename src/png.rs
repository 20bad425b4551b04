//! Just enough of the PNG container to walk its chunks: to say what metadata a file
//! carries, and to drop metadata chunks without touching the compressed pixels — the
//! lossless path for PNGs that already meet every rule, the counterpart of
//! [`crate::jpeg::strip_metadata`] — and to state the resolution the output keeps.
//! This is the only PNG chunk walker: decode, the stripper and check all use it, so
//! they agree on what a file holds.

use crate::metadata::{Found, Resolution, Unit};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// One chunk: its type, its data, and the whole chunk (length, type, data, CRC).
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// The chunk type (`IHDR`, `tEXt`, ...).
    pub kind: &'a [u8; 4],
    /// The chunk's data.
    pub data: &'a [u8],
    /// The chunk's bytes as stored, CRC included (not checked).
    pub bytes: &'a [u8],
}

/// The chunks after the signature, in order, up to and including `IEND`. Stops quietly
/// at anything malformed or cut short: callers that need the whole structure check that
/// the last chunk was `IEND`.
pub fn chunks(bytes: &[u8]) -> impl Iterator<Item = Chunk<'_>> {
    let mut rest = bytes.strip_prefix(SIGNATURE).unwrap_or_default();
    std::iter::from_fn(move || {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let kind: &[u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let chunk = rest.get(..len.checked_add(12)?)?;
        rest = if kind == b"IEND" {
            &[]
        } else {
            &rest[chunk.len()..]
        };
        Some(Chunk {
            kind,
            data: &chunk[8..8 + len],
            bytes: chunk,
        })
    })
}

/// Chunks a decoder needs to show the same pixels. Everything else (text, EXIF, XMP,
/// ICC, gamma, timestamps, private chunks) is metadata here. `tRNS` is absent on
/// purpose: a picture with transparency is flattened onto white, not passed through.
const KEPT: [&[u8; 4]; 4] = [b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// The same PNG with only its critical chunks, or `None` when its structure could not be
/// followed to IEND, or it carries transparency or animation (those need re-encoding).
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = SIGNATURE.to_vec();
    for chunk in chunks(bytes) {
        if chunk.kind == b"tRNS" || chunk.kind == b"acTL" {
            return None;
        }
        if KEPT.contains(&chunk.kind) {
            out.extend_from_slice(chunk.bytes);
        }
        if chunk.kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

/// The metadata in a PNG's chunks that has a meaning for the person uploading it (what
/// convert reports as removed and check warns about); rendering hints such as gamma or
/// physical size are removed too but not worth a word. Stops quietly where the
/// structure does, like [`chunks`].
pub fn metadata(bytes: &[u8]) -> Found {
    let mut found = Found::default();
    for Chunk { kind, data, .. } in chunks(bytes) {
        match kind {
            b"pHYs" => found.stated(phys_resolution(data)),
            b"eXIf" => found.add_exif(data),
            b"iCCP" => found.metadata.icc = true,
            b"iTXt" if data.starts_with(b"XML:com.adobe.xmp\0") => found.metadata.xmp = true,
            // ImageMagick stores EXIF as hex in a text chunk of this name.
            b"tEXt" | b"zTXt" | b"iTXt" if data.starts_with(b"Raw profile type exif\0") => {
                found.metadata.exif = true;
                found.other = true;
            }
            b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" => found.other = true,
            _ => {}
        }
    }
    found
}

/// The resolution a `pHYs` chunk's data states, when its unit is the metre (unit 0
/// states only the pixels' aspect).
fn phys_resolution(data: &[u8]) -> Option<Resolution> {
    if data.len() != 9 || data[8] != 1 {
        return None;
    }
    let per_metre = |i: usize| {
        f64::from(u32::from_be_bytes([
            data[i],
            data[i + 1],
            data[i + 2],
            data[i + 3],
        ]))
    };
    Resolution::per(per_metre(0), per_metre(4), Unit::Metre)
}

/// `bytes` (an output, or a stripped source) stating `resolution` in a `pHYs` chunk
/// right after `IHDR`, in place of any it had. Returned unchanged when its structure
/// cannot be followed to `IEND` (scanfit's own outputs always can).
pub fn with_density(bytes: Vec<u8>, resolution: Resolution) -> Vec<u8> {
    let per_metre = |dpi: f64| ((dpi / 0.0254).round() as u32).to_be_bytes();
    let mut phys = 9u32.to_be_bytes().to_vec();
    phys.extend_from_slice(b"pHYs");
    phys.extend(per_metre(resolution.x));
    phys.extend(per_metre(resolution.y));
    phys.push(1);
    phys.extend(crc32fast::hash(&phys[4..]).to_be_bytes());

    let mut out = Vec::with_capacity(bytes.len() + phys.len());
    out.extend_from_slice(SIGNATURE);
    for chunk in chunks(&bytes) {
        if chunk.kind != b"pHYs" {
            out.extend_from_slice(chunk.bytes);
        }
        if chunk.kind == b"IHDR" {
            out.extend_from_slice(&phys);
        }
        if chunk.kind == b"IEND" {
            return out;
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked here
        c
    }

    #[test]
    fn keeps_critical_chunks_only() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for (k, d) in [
            (b"IHDR", &[0u8; 13][..]),
            (b"tEXt", b"Comment\0secret"),
            (b"eXIf", b"MM\0*"),
            (b"IDAT", b"pixels"),
            (b"IEND", b""),
        ] {
            png.extend(chunk(k, d));
        }
        let s = strip_metadata(&png).unwrap();
        assert!(!s.windows(4).any(|w| w == b"tEXt" || w == b"eXIf"));
        assert!(s.windows(6).any(|w| w == b"pixels"));
        assert!(s.ends_with(&chunk(b"IEND", b"")));
    }

    #[test]
    fn transparency_and_broken_structure_are_not_passed_through() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"tRNS", &[0, 0]));
        png.extend(chunk(b"IEND", b""));
        assert!(strip_metadata(&png).is_none());
        assert!(strip_metadata(&png[..20]).is_none());
        assert!(strip_metadata(b"not a png").is_none());
    }

    #[test]
    fn metadata_names_what_matters_and_gps_needs_a_position() {
        use crate::metadata::tests::{exif_block, field, latitude};
        use exif::{Tag, Value};
        let png = |extra: &[Vec<u8>]| {
            let mut png = SIGNATURE.to_vec();
            png.extend(chunk(b"IHDR", &[0; 13]));
            extra.iter().for_each(|c| png.extend(c));
            png.extend(chunk(b"IDAT", b"pixels"));
            png.extend(chunk(b"IEND", b""));
            png
        };
        let plain = metadata(&png(&[chunk(b"gAMA", &[0, 0, 0xB1, 0x8F])]));
        assert_eq!(plain, Found::default(), "gamma is not worth a word");

        let six = field(Tag::Orientation, Value::Short(vec![6]));
        let version = field(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0]));
        let placed = metadata(&png(&[chunk(
            b"eXIf",
            &exif_block(&[six, version.clone(), latitude()]),
        )]));
        assert!(placed.metadata.exif && placed.metadata.gps && !placed.other);
        assert_eq!(placed.orientation, Some(6));
        let bare = metadata(&png(&[chunk(b"eXIf", &exif_block(&[version]))]));
        assert!(bare.metadata.exif && !bare.metadata.gps);

        let text = metadata(&png(&[
            chunk(b"tEXt", b"Author\0x"),
            chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
            chunk(b"iCCP", b"sRGB\0\0x"),
        ]));
        assert!(text.other && text.metadata.xmp && text.metadata.icc);
        assert!(!text.metadata.exif && !text.metadata.gps);
        let magick = metadata(&png(&[chunk(b"zTXt", b"Raw profile type exif\0\0x")]));
        assert!(magick.metadata.exif && magick.other);
    }

    #[test]
    fn phys_round_trips_and_replaces_the_old_one() {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([9, 8, 7]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(metadata(&png).resolution, None);
        let dpi = |x, y| Resolution::new(x, y).unwrap();
        let once = with_density(png, dpi(300.0, 150.0));
        let twice = with_density(once, dpi(200.0, 200.0));
        let got = metadata(&twice).resolution.unwrap();
        assert!(
            (got.x - 200.0).abs() < 0.01 && (got.y - 200.0).abs() < 0.01,
            "{got:?}"
        );
        assert_eq!(chunks(&twice).filter(|c| c.kind == b"pHYs").count(), 1);
        // The CRC is right (the png crate refuses a bad one) and the pixels are intact.
        let back = image::load_from_memory(&twice).unwrap().to_rgb8();
        assert_eq!(back, img);
        // A structure that cannot be followed is returned as it was.
        assert_eq!(
            with_density(b"not a png".to_vec(), dpi(72.0, 72.0)),
            b"not a png"
        );
    }
}
