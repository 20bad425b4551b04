//! Just enough of the JPEG container to walk its marker segments: to find the frame
//! header, to say what metadata a file carries, and to drop metadata segments without
//! touching the compressed data — the lossless path for JPEGs that already meet every
//! rule. This is the only JPEG segment walker: decode, the stripper and check all use
//! it, so they agree on what a file holds.

use crate::metadata::Found;

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
    let valid = bytes.starts_with(&[0xFF, 0xD8]);
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
            None => {}
        }
    }
    found
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
}
