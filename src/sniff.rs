//! The real format of a file, from its first bytes.
//!
//! The portal rejects files whose suffix lies ("do not just change the suffix"), and
//! users rename HEIC photos to `.jpg` all the time, so the extension is never trusted:
//! it is only used to tell a broken picture (a `.jpg` full of text: an error) from a
//! file that never claimed to be one (a `.txt`: skipped).

use std::fmt;
use std::path::Path;

/// A file format recognised from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG/JFIF/EXIF.
    Jpeg,
    /// PNG.
    Png,
    /// GIF87a/89a.
    Gif,
    /// Windows bitmap.
    Bmp,
    /// WebP (lossy, lossless or animated).
    Webp,
    /// TIFF, little or big endian (not BigTIFF).
    Tiff,
    /// HEIF/HEIC, as phones save it.
    Heic,
    /// AVIF.
    Avif,
    /// PDF.
    Pdf,
    /// Photoshop document: recognised so the error can name it.
    Psd,
    /// JPEG 2000.
    Jpeg2000,
    /// JPEG XL.
    JpegXl,
    /// BigTIFF, which scanners do not write.
    BigTiff,
}

impl Format {
    /// The name people know the format by.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::Bmp => "BMP",
            Format::Webp => "WebP",
            Format::Tiff => "TIFF",
            Format::Heic => "HEIC",
            Format::Avif => "AVIF",
            Format::Pdf => "PDF",
            Format::Psd => "PSD",
            Format::Jpeg2000 => "JPEG 2000",
            Format::JpegXl => "JPEG XL",
            Format::BigTiff => "BigTIFF",
        }
    }
}

impl Format {
    /// The usual file extension of the format, without the dot: the one
    /// [`claimed_by_name`] reads back as this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Bmp => "bmp",
            Format::Webp => "webp",
            Format::Tiff | Format::BigTiff => "tif",
            Format::Heic => "heic",
            Format::Avif => "avif",
            Format::Pdf => "pdf",
            Format::Psd => "psd",
            Format::Jpeg2000 => "jp2",
            Format::JpegXl => "jxl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 32;

/// The format of `head` (the file's first bytes; [`SNIFF_LEN`] are enough), if known.
pub fn sniff(head: &[u8]) -> Option<Format> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(Format::Gif);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some(Format::Tiff);
    }
    if starts(b"II+\0") || starts(b"MM\0+") {
        return Some(Format::BigTiff);
    }
    if head.len() >= 12 && starts(b"RIFF") && &head[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if starts(b"%PDF-") {
        return Some(Format::Pdf);
    }
    if starts(b"8BPS") {
        return Some(Format::Psd);
    }
    if starts(b"\0\0\0\x0CjP  \r\n\x87\n") || starts(&[0xFF, 0x4F, 0xFF, 0x51]) {
        return Some(Format::Jpeg2000);
    }
    if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0CJXL \r\n\x87\n") {
        return Some(Format::JpegXl);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return iso_brand(head);
    }
    if is_bmp(head) {
        return Some(Format::Bmp);
    }
    None
}

/// HEIF and AVIF share the ISO base media container; the brands tell them apart.
fn iso_brand(head: &[u8]) -> Option<Format> {
    let box_len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = box_len.clamp(12, head.len());
    // Major brand at 8..12, then minor version, then compatible brands.
    let brands =
        std::iter::once(&head[8..12]).chain(head.get(16..end).unwrap_or(&[]).chunks_exact(4));
    let mut heif = false;
    for brand in brands {
        match brand {
            b"avif" | b"avis" => return Some(Format::Avif),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                heif = true
            }
            _ => {}
        }
    }
    heif.then_some(Format::Heic)
}

/// "BM" alone would match many text files; the DIB header size pins it down.
fn is_bmp(head: &[u8]) -> bool {
    head.len() >= 18
        && head.starts_with(b"BM")
        && matches!(
            u32::from_le_bytes([head[14], head[15], head[16], head[17]]),
            12 | 16 | 40 | 52 | 56 | 64 | 108 | 124
        )
}

/// The format a file's name claims, if it names a picture format (or a document
/// scanners write). Unreadable bytes under such a name are an error; under any other
/// name, an unrelated file to skip. A claim that differs from the bytes is a renamed file.
pub fn claimed_by_name(path: &Path) -> Option<Format> {
    format_of_extension(path.extension()?.to_str()?)
}

/// The format a file name ending (without the dot, any case) stands for.
pub fn format_of_extension(ext: &str) -> Option<Format> {
    Some(match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "png" => Format::Png,
        "gif" => Format::Gif,
        "bmp" | "dib" => Format::Bmp,
        "webp" => Format::Webp,
        "tif" | "tiff" => Format::Tiff,
        "heic" | "heif" | "hif" => Format::Heic,
        "avif" => Format::Avif,
        "pdf" => Format::Pdf,
        "psd" => Format::Psd,
        "jp2" | "j2k" | "j2c" | "jpc" | "jpf" | "jpx" => Format::Jpeg2000,
        "jxl" => Format::JpegXl,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_win_over_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(Format::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Some(Format::Tiff));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Format::Pdf));
        // A JP2 file's signature box, and a bare codestream's SOC + SIZ markers.
        assert_eq!(
            sniff(b"\0\0\0\x0CjP  \r\n\x87\n\0\0\0\x14ftypjp2 "),
            Some(Format::Jpeg2000)
        );
        assert_eq!(sniff(b"\xFF\x4F\xFF\x51\0\x29"), Some(Format::Jpeg2000));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(Format::Heic)
        );
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Some(Format::Avif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif"),
            Some(Format::Avif)
        );
        assert_eq!(sniff(b"\0\0\0\x14ftypisom\0\0\0\0isom"), None);
        let mut bmp = b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        assert_eq!(sniff(&bmp), Some(Format::Bmp));
        bmp[14] = 0x99;
        assert_eq!(sniff(&bmp), None);
        assert_eq!(sniff(b"BMW is a car brand, not a bitmap"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn names_claim_formats() {
        assert_eq!(
            claimed_by_name(Path::new("a/营业执照 扫描.JPG")),
            Some(Format::Jpeg)
        );
        assert_eq!(claimed_by_name(Path::new("x.heic")), Some(Format::Heic));
        assert_eq!(claimed_by_name(Path::new("说明.txt")), None);
        assert_eq!(claimed_by_name(Path::new("README")), None);
    }

    #[test]
    fn each_formats_extension_claims_it() {
        for f in [
            Format::Jpeg,
            Format::Png,
            Format::Gif,
            Format::Bmp,
            Format::Webp,
            Format::Tiff,
            Format::Heic,
            Format::Avif,
            Format::Pdf,
            Format::Psd,
            Format::Jpeg2000,
            Format::JpegXl,
        ] {
            let name = format!("x.{}", f.extension());
            assert_eq!(claimed_by_name(Path::new(&name)), Some(f));
        }
    }
}
