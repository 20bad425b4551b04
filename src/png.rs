//! Just enough of the PNG container to drop metadata chunks without touching the
//! compressed pixels: the lossless path for PNGs that already meet every rule, the
//! counterpart of [`crate::jpeg::strip_metadata`].

/// Chunks a decoder needs to show the same pixels. Everything else (text, EXIF, XMP,
/// ICC, gamma, timestamps, private chunks) is metadata here. `tRNS` is absent on
/// purpose: a picture with transparency is flattened onto white, not passed through.
const KEPT: [&[u8; 4]; 4] = [b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// The same PNG with only its critical chunks, or `None` when its structure could not be
/// followed to IEND, or it carries transparency or animation (those need re-encoding).
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut rest = bytes.strip_prefix(SIGNATURE)?;
    let mut out = SIGNATURE.to_vec();
    loop {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let kind: &[u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let chunk = rest.get(..len.checked_add(12)?)?;
        if kind == b"tRNS" || kind == b"acTL" {
            return None;
        }
        if KEPT.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        rest = &rest[chunk.len()..];
        if kind == b"IEND" {
            return Some(out);
        }
    }
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
}
