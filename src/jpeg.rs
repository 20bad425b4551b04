//! Just enough of the JPEG container to walk its marker segments: to find the frame
//! header, and to drop metadata segments without touching the compressed data — the
//! lossless path for JPEGs that already meet every rule.

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

/// Whether a segment holds metadata the portal (and privacy) want gone: EXIF and XMP
/// (APP1), ICC (APP2), IPTC/Photoshop (APP13), comments, and the other application
/// segments cameras fill. JFIF (APP0) and Adobe (APP14, which tells decoders how the
/// colours are stored) stay: they are part of how the picture decodes.
fn is_metadata(seg: &Segment<'_>) -> bool {
    match seg.marker {
        0xE0 => !seg.payload.starts_with(b"JFIF\0"),
        0xEE => !seg.payload.starts_with(b"Adobe"),
        0xE1..=0xED | 0xEF | 0xFE => true,
        _ => false,
    }
}

/// The same JPEG without its metadata segments, or `None` if the structure could not be
/// followed up to the image data (then the file is re-encoded instead).
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut last_end = 2;
    for seg in segments(bytes) {
        if !is_metadata(&seg) {
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

/// Whether the JPEG still holds any metadata segment (used by tests and `check`).
pub fn has_metadata(bytes: &[u8]) -> bool {
    segments(bytes).any(|s| is_metadata(&s))
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
        assert!(has_metadata(&j));
        let s = strip_metadata(&j).unwrap();
        assert!(!has_metadata(&s));
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
}
