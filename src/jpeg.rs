//! Just enough of the JPEG container to walk its marker segments: to find the frame
//! header, to say what metadata a file carries, and to drop metadata segments without
//! touching the compressed data — the lossless path for JPEGs that already meet every
//! rule — then to state the resolution the output keeps. This is the only JPEG segment
//! walker: decode, the stripper and check all use it, so they agree on what a file
//! holds.

use crate::metadata::{Found, Resolution, Unit};

/// One marker segment before the image data.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    /// The marker's second byte (0xE1 = APP1, 0xC0 = SOF0, ...).
    pub marker: u8,
    /// Offset of the 0xFF that starts the segment.
    pub start: usize,
    /// Offset one past the segment's end.
    pub end: usize,
    /// The segment's payload (after the length field).
    pub payload: &'a [u8],
}

/// The segments between SOI and the first SOS, in order. Stops quietly at anything
/// malformed: callers treat a missing segment as "not found".
pub fn segments(bytes: &[u8]) -> impl Iterator<Item = Segment<'_>> {
    let mut pos = 2usize;
    let valid = bytes.starts_with(SOI);
    std::iter::from_fn(move || {
        if !valid {
            return None;
        }
        // Fill bytes (0xFF padding) may precede a marker.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if bytes.get(pos) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(pos + 1)?;
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = u16::from_be_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]) as usize;
        if len < 2 {
            return None;
        }
        let end = pos.checked_add(2 + len)?;
        let payload = bytes.get(pos + 4..end)?;
        let seg = Segment {
            marker,
            start: pos,
            end,
            payload,
        };
        pos = end;
        Some(seg)
    })
}

/// What kind of metadata a segment holds, if it holds any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exif,
    Xmp,
    Icc,
    Other,
}

/// Whether a segment holds metadata the portal (and privacy) want gone, and which: EXIF
/// and XMP (APP1), ICC (APP2), IPTC/Photoshop (APP13), comments, and the other
/// application segments cameras fill. JFIF (APP0) and Adobe (APP14, which tells decoders
/// how the colours are stored) are not metadata: they are part of how the picture
/// decodes. The stripper drops exactly the segments this names, and [`metadata`]
/// reports exactly them, so what is reported is what is removed.
fn kind(seg: &Segment<'_>) -> Option<Kind> {
    let p = seg.payload;
    match seg.marker {
        0xE1 if p.starts_with(EXIF) => Some(Kind::Exif),
        0xE1 if p.starts_with(b"http://ns.adobe.com/") => Some(Kind::Xmp),
        0xE2 if p.starts_with(b"ICC_PROFILE\0") => Some(Kind::Icc),
        0xE0 if p.starts_with(b"JFIF\0") => None,
        0xEE if p.starts_with(b"Adobe") => None,
        0xE0..=0xEF | 0xFE => Some(Kind::Other),
        _ => None,
    }
}

/// What starts an EXIF segment's payload; the TIFF structure follows it.
const EXIF: &[u8] = b"Exif\0\0";
/// What starts a JFIF segment's payload; version, density unit and density follow.
const JFIF: &[u8] = b"JFIF\0";
/// Start of image, the first two bytes of every JPEG.
const SOI: &[u8] = &[0xFF, 0xD8];
/// What starts each ICC segment's payload; sequence number and count follow.
const ICC: &[u8] = b"ICC_PROFILE\0";

/// The density a JFIF segment's payload states, when its unit is a length (unit 0
/// states only the pixels' aspect).
fn jfif_density(payload: &[u8]) -> Option<Resolution> {
    let p = payload.strip_prefix(JFIF)?;
    let unit = match p.get(2)? {
        1 => Unit::Inch,
        2 => Unit::Centimetre,
        _ => return None,
    };
    let density = |i: usize| Some(f64::from(u16::from_be_bytes([*p.get(i)?, *p.get(i + 1)?])));
    Resolution::per(density(3)?, density(5)?, unit)
}

/// The metadata in a JPEG's segments: what convert reports as removed and check warns
/// about. Stops quietly where the structure does, like [`segments`].
pub fn metadata(bytes: &[u8]) -> Found {
    let mut found = Found::default();
    for seg in segments(bytes) {
        match kind(&seg) {
            Some(Kind::Exif) => found.add_exif(&seg.payload[EXIF.len()..]),
            Some(Kind::Xmp) => found.metadata.xmp = true,
            Some(Kind::Icc) => found.metadata.icc = true,
            Some(Kind::Other) => found.other = true,
            None if seg.marker == 0xE0 => found.stated(jfif_density(seg.payload)),
            None => {}
        }
    }
    found
}

/// The embedded ICC profile: the payloads of the ICC segments joined in their sequence
/// order, or `None` when there is none or the sequence is broken (a number missing,
/// repeated, or counts that disagree), as other readers do.
pub fn icc_profile(bytes: &[u8]) -> Option<Vec<u8>> {
    let chunks: Vec<&[u8]> = segments(bytes)
        .filter(|s| s.marker == 0xE2)
        .filter_map(|s| s.payload.strip_prefix(ICC))
        .filter(|p| p.len() >= 2)
        .collect();
    let count = chunks.len();
    let mut ordered: Vec<Option<&[u8]>> = vec![None; count];
    for chunk in &chunks {
        let (seq, total) = (usize::from(chunk[0]), usize::from(chunk[1]));
        let slot = ordered
            .get_mut(seq.checked_sub(1)?)
            .filter(|_| total == count)?;
        if slot.replace(&chunk[2..]).is_some() {
            return None;
        }
    }
    let profile: Vec<u8> = ordered.into_iter().collect::<Option<Vec<_>>>()?.concat();
    (!profile.is_empty()).then_some(profile)
}

/// Whether an Adobe segment says how the colours are stored (Photoshop's CMYK is
/// stored inverted, 0 meaning full ink).
pub(crate) fn has_adobe(bytes: &[u8]) -> bool {
    segments(bytes).any(|s| s.marker == 0xEE && s.payload.starts_with(b"Adobe"))
}

/// `bytes` (an output, or a stripped source) stating `resolution` in its JFIF segment:
/// the density of the one right after SOI is set, or a JFIF segment is inserted there.
/// A JPEG with an Adobe segment and no JFIF is left alone: JFIF promises YCbCr or gray,
/// which such a file may not hold.
pub fn with_density(mut bytes: Vec<u8>, resolution: Resolution) -> Vec<u8> {
    let dpi = |v: f64| v.round().clamp(1.0, f64::from(u16::MAX)) as u16;
    let density = [1u8]
        .into_iter()
        .chain(dpi(resolution.x).to_be_bytes())
        .chain(dpi(resolution.y).to_be_bytes());
    let first = segments(&bytes).next();
    let jfif = first.filter(|s| {
        s.marker == 0xE0 && s.payload.starts_with(JFIF) && s.payload.len() >= JFIF.len() + 7
    });
    if let Some(at) = jfif.map(|s| s.start + 4 + JFIF.len() + 2) {
        // The version (2 bytes) follows the identifier, then unit and densities.
        bytes.splice(at..at + 5, density);
        return bytes;
    }
    // Another APP0 first (JFIF must be first), an Adobe segment, or not a JPEG at all.
    if first.is_some_and(|s| s.marker == 0xE0) || has_adobe(&bytes) || !bytes.starts_with(SOI) {
        return bytes;
    }
    let mut app0 = vec![0xFF, 0xE0, 0x00, 0x10];
    app0.extend_from_slice(JFIF);
    // Version 1.01, then unit and densities, and no thumbnail.
    app0.extend_from_slice(&[1, 1]);
    app0.extend(density);
    app0.extend_from_slice(&[0, 0]);
    bytes.splice(2..2, app0);
    bytes
}

/// The same JPEG without its metadata segments, or `None` if the structure could not be
/// followed up to the image data (then the file is re-encoded instead).
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut last_end = 2;
    for seg in segments(bytes) {
        if kind(&seg).is_none() {
            out.extend_from_slice(&bytes[seg.start..seg.end]);
        }
        last_end = seg.end;
    }
    // The walk must have stopped exactly at the start-of-scan marker.
    if bytes.get(last_end..last_end + 2) != Some(&[0xFF, 0xDA]) {
        return None;
    }
    out.extend_from_slice(&bytes[last_end..]);
    Some(out)
}

/// Bytes from the first start-of-scan on: the coded picture (and whatever trails it),
/// what stripping keeps whatever the metadata.
pub fn coded_len(bytes: &[u8]) -> usize {
    bytes.len() - segments(bytes).last().map_or(0, |s| s.end)
}

/// Whether the image data is complete: an end-of-image marker follows the first
/// start-of-scan. Entropy-coded data cannot contain 0xFFD9 (0xFF is stuffed), so finding
/// it there means the scans ended properly; bytes after it (some phones append data)
/// are allowed.
pub fn has_end(bytes: &[u8]) -> bool {
    let Some(last) = segments(bytes).last() else {
        return false;
    };
    bytes.get(last.end..).is_some_and(|rest| {
        rest.starts_with(&[0xFF, 0xDA]) && rest.windows(2).any(|w| w == [0xFF, 0xD9])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn strips_metadata_and_keeps_structure() {
        let mut j = vec![0xFF, 0xD8];
        j.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        j.extend(seg(0xE1, b"Exif\0\0MM\0*"));
        j.extend(seg(0xFE, b"a comment"));
        j.extend(seg(0xDB, &[0; 65]));
        j.extend_from_slice(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        assert_ne!(metadata(&j), Found::default());
        let s = strip_metadata(&j).unwrap();
        assert_eq!(metadata(&s), Found::default());
        assert_eq!(s.len(), j.len() - 14 - 13);
        assert!(s.ends_with(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]));
        assert_eq!(segments(&s).count(), 2);
        assert!(has_end(&s));
        assert!(!has_end(&s[..s.len() - 2]));
    }

    #[test]
    fn malformed_structure_is_not_stripped() {
        assert!(strip_metadata(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]).is_none());
        assert!(strip_metadata(&[0xFF, 0xD8]).is_none());
        assert_eq!(segments(b"not a jpeg").count(), 0);
    }

    #[test]
    fn metadata_names_each_kind_and_gps_needs_a_position() {
        use crate::metadata::tests::{exif_block, field, latitude};
        use crate::metadata::Metadata;
        use exif::{Tag, Value};
        let jpeg = |segs: &[Vec<u8>]| {
            let mut j = vec![0xFF, 0xD8];
            segs.iter().for_each(|s| j.extend(s));
            j.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
            j
        };
        let app1 = |fields: &[exif::Field]| seg(0xE1, &[EXIF, &exif_block(fields)].concat());
        let six = field(Tag::Orientation, Value::Short(vec![6]));
        let version = field(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0]));

        let placed = metadata(&jpeg(&[app1(&[six.clone(), version.clone(), latitude()])]));
        assert!(placed.metadata.exif && placed.metadata.gps);
        assert_eq!(placed.orientation, Some(6));
        let bare = metadata(&jpeg(&[app1(&[six, version])]));
        assert!(bare.metadata.exif && !bare.metadata.gps);

        let others = metadata(&jpeg(&[
            seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
            seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"),
            seg(0xE2, b"ICC_PROFILE\0\x01\x01"),
            seg(0xED, b"Photoshop 3.0\0"),
            seg(0xEE, b"Adobe\0\x64\0\0\0\0\x01"),
        ]));
        assert_eq!(
            (others.metadata, others.other, others.orientation),
            (
                Metadata {
                    xmp: true,
                    icc: true,
                    ..Metadata::default()
                },
                true,
                None
            )
        );
    }

    #[test]
    fn density_is_set_or_inserted_and_read_back() {
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb([9, 8, 7]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&img)
            .unwrap();
        let dpi = |x, y| Resolution::new(x, y).unwrap();
        let stamped = with_density(jpeg.clone(), dpi(299.6, 150.0));
        assert_eq!(
            stamped.len(),
            jpeg.len(),
            "the JFIF segment is rewritten in place"
        );
        assert_eq!(metadata(&stamped).resolution, Some(dpi(300.0, 150.0)));
        // Without a JFIF segment, one is inserted right after SOI.
        let bare: Vec<u8> = [&jpeg[..2], &jpeg[2 + 18..]].concat();
        assert_eq!(metadata(&bare).resolution, None);
        let stamped = with_density(bare, dpi(72.0, 72.0));
        assert_eq!(metadata(&stamped).resolution, Some(dpi(72.0, 72.0)));
        assert_eq!(image::load_from_memory(&stamped).unwrap().width(), 16);
        // Dots per centimetre are counted per inch.
        let cm = seg(0xE0, b"JFIF\0\x01\x01\x02\0\x64\0\x64\0\0");
        let with_cm: Vec<u8> = [&stamped[..2], &cm, &stamped[2 + 18..]].concat();
        assert_eq!(metadata(&with_cm).resolution, Some(dpi(254.0, 254.0)));
        // An Adobe file without JFIF is left alone: JFIF would promise YCbCr.
        let adobe: Vec<u8> = [&[0xFF, 0xD8][..], &seg(0xEE, b"Adobe\0\x64\0\0\0\0\x02")].concat();
        assert_eq!(with_density(adobe.clone(), dpi(72.0, 72.0)), adobe);
    }

    #[test]
    fn icc_profile_joins_its_segments_in_order_or_gives_none() {
        let jpeg = |segs: &[Vec<u8>]| {
            let mut j = vec![0xFF, 0xD8];
            segs.iter().for_each(|s| j.extend(s));
            j.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
            j
        };
        let part = |n: u8, of: u8, data: &[u8]| seg(0xE2, &[ICC, &[n, of], data].concat());
        let two = jpeg(&[part(2, 2, b"def"), part(1, 2, b"abc")]);
        assert_eq!(icc_profile(&two).as_deref(), Some(&b"abcdef"[..]));
        assert_eq!(icc_profile(&jpeg(&[part(1, 2, b"abc")])), None);
        assert_eq!(
            icc_profile(&jpeg(&[part(1, 1, b"a"), part(1, 1, b"b")])),
            None
        );
        assert_eq!(icc_profile(&jpeg(&[])), None);
    }
}
