//! Shared helpers for the integration tests: picture generators that write real files
//! with real metadata, and independent checks of outputs (these helpers parse JPEG
//! markers themselves rather than trusting scanfit's own parser).
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

#[path = "../support/rng.rs"]
mod rng;

pub const MIN: u64 = 204_800;
pub const MAX: u64 = 4_000_000;

/// Deterministic pseudo-random bytes (splitmix64), so "photo-like" noise is repeatable.
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        rng::splitmix64(&mut self.0)
    }
    pub fn byte(&mut self) -> u8 {
        (self.next() >> 56) as u8
    }
}

/// A picture with four coloured quadrants (TL red, TR green, BL blue, BR yellow) and
/// `noise` amplitude of grain, so both orientation and compressibility are controlled.
pub fn quadrants(w: u32, h: u32, noise: u8, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    RgbImage::from_fn(w, h, |x, y| {
        let base = match (x < w / 2, y < h / 2) {
            (true, true) => [220, 30, 30],
            (false, true) => [30, 200, 30],
            (true, false) => [30, 30, 220],
            (false, false) => [230, 220, 30],
        };
        let n = if noise == 0 {
            0
        } else {
            i16::from(rng.byte() % noise) - i16::from(noise / 2)
        };
        Rgb(base.map(|c: i16| (c + n).clamp(0, 255) as u8))
    })
}

/// Which quadrant colour a pixel is closest to: 'R', 'G', 'B', 'Y'.
pub fn colour_name(p: [u8; 3]) -> char {
    let refs = [
        ('R', [220, 30, 30]),
        ('G', [30, 200, 30]),
        ('B', [30, 30, 220]),
        ('Y', [230, 220, 30]),
    ];
    refs.iter()
        .min_by_key(|(_, c)| (0..3).map(|i| (i32::from(p[i]) - c[i]).pow(2)).sum::<i32>())
        .unwrap()
        .0
}

/// The quadrant colours of a picture, read at 25 %/75 % of each axis: TL, TR, BL, BR.
pub fn quadrant_names(img: &RgbImage) -> [char; 4] {
    let (w, h) = img.dimensions();
    let at = |fx: f64, fy: f64| {
        colour_name(
            img.get_pixel((fx * f64::from(w)) as u32, (fy * f64::from(h)) as u32)
                .0,
        )
    };
    [
        at(0.25, 0.25),
        at(0.75, 0.25),
        at(0.25, 0.75),
        at(0.75, 0.75),
    ]
}

/// Stores `upright` so that a viewer applying EXIF `orientation` shows it upright.
pub fn stored_for_orientation(upright: &RgbImage, orientation: u16) -> RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match orientation {
        2 => flip_horizontal(upright),
        3 => rotate180(upright),
        4 => flip_vertical(upright),
        5 => flip_horizontal(&rotate90(upright)), // transpose is its own inverse
        6 => rotate270(upright),
        7 => flip_horizontal(&rotate270(upright)), // transverse is its own inverse
        8 => rotate90(upright),
        _ => upright.clone(),
    }
}

/// A minimal big-endian EXIF block (TIFF structure) with an orientation and, optionally,
/// a GPS IFD with a latitude, as phones write it.
pub fn exif_block(orientation: u16, gps: bool) -> Vec<u8> {
    let mut t: Vec<u8> = b"MM\0*\0\0\0\x08".to_vec();
    let entries: u16 = if gps { 3 } else { 2 };
    t.extend(entries.to_be_bytes());
    // 0x010F Make, ASCII, 6 bytes, at offset (value stored later)
    let ifd_end = 8 + 2 + 12 * u32::from(entries) + 4;
    t.extend([0x01, 0x0F, 0, 2]);
    t.extend(6u32.to_be_bytes());
    t.extend(ifd_end.to_be_bytes());
    t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend(orientation.to_be_bytes());
    t.extend([0, 0]);
    let gps_ifd = ifd_end + 6;
    if gps {
        t.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
        t.extend(gps_ifd.to_be_bytes());
    }
    t.extend(0u32.to_be_bytes());
    t.extend(b"Phone\0");
    if gps {
        // GPS IFD: GPSLatitudeRef 'N', GPSLatitude 3 rationals.
        let rationals_at = gps_ifd + 2 + 12 * 2 + 4;
        t.extend(2u16.to_be_bytes());
        t.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        t.extend([0x00, 0x02, 0, 5, 0, 0, 0, 3]);
        t.extend(rationals_at.to_be_bytes());
        t.extend(0u32.to_be_bytes());
        for v in [39u32, 54, 27] {
            t.extend(v.to_be_bytes());
            t.extend(1u32.to_be_bytes());
        }
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    app1
}

/// Inserts marker segments right after SOI.
pub fn with_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, *marker]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    }
    out.extend(&jpeg[2..]);
    out
}

/// A JPEG of `img` (image's baseline encoder) with EXIF orientation, GPS, an XMP packet
/// and a comment.
pub fn phone_jpeg(img: &RgbImage, orientation: u16, quality: u8) -> Vec<u8> {
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, quality)
        .encode_image(img)
        .unwrap();
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".to_vec();
    with_segments(
        &plain,
        &[
            (0xE1, exif_block(orientation, true)),
            (0xE1, xmp),
            (0xFE, b"shot on a phone".to_vec()),
        ],
    )
}

/// Encodes a `DynamicImage` in a format, in memory.
pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// The marker bytes of every segment before the first SOS, parsed independently.
pub fn jpeg_markers(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut pos = 2;
    let mut out = Vec::new();
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let m = bytes[pos + 1];
        if m == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
        out.push((m, bytes[pos + 4..pos + 2 + len].to_vec()));
        pos += 2 + len;
    }
    out
}

/// Asserts an output is a clean upload: real JPEG or PNG by magic bytes matching its
/// extension, inside the band, decodable, and without metadata.
pub fn assert_clean_output(path: &Path) -> DynamicImage {
    let bytes = fs::read(path).unwrap();
    let len = bytes.len() as u64;
    assert!(
        (MIN..=MAX).contains(&len),
        "{}: {len} bytes is out of band",
        path.display()
    );
    let ext = path.extension().unwrap().to_str().unwrap();
    match ext {
        "jpg" => {
            assert!(
                bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
                "{} is not a JPEG",
                path.display()
            );
            for (m, payload) in jpeg_markers(&bytes) {
                let allowed = matches!(m, 0xC0..=0xCF | 0xDB | 0xDD)
                    || (m == 0xE0 && payload.starts_with(b"JFIF\0"))
                    || (m == 0xEE && payload.starts_with(b"Adobe"));
                assert!(
                    allowed,
                    "{}: metadata segment 0xFF{m:02X} left",
                    path.display()
                );
            }
            assert!(bytes.windows(4).all(|w| w != b"Exif"), "EXIF bytes left");
        }
        "png" => {
            assert!(
                bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{} is not a PNG",
                path.display()
            );
            let mut pos = 8;
            while pos + 8 <= bytes.len() {
                let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
                let kind = &bytes[pos + 4..pos + 8];
                assert!(
                    matches!(
                        kind,
                        b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"sRGB" | b"pHYs"
                    ),
                    "{}: chunk {} left",
                    path.display(),
                    String::from_utf8_lossy(kind)
                );
                pos += 12 + len;
            }
        }
        other => panic!("unexpected output extension {other}"),
    }
    image::load_from_memory(&bytes).expect("output decodes")
}

/// Runs the binary, in English whatever the machine's locale (the tests that read its
/// words read the English catalogue; tests/zh.rs chooses Chinese itself).
pub fn scanfit(args: &[&std::ffi::OsStr]) -> Output {
    assert_cmd::Command::cargo_bin("scanfit")
        .unwrap()
        .env("SCANFIT_LANG", "en")
        .args(args)
        .output()
        .unwrap()
}

/// All files below a folder, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Reads a JSON Lines report.
pub fn read_report(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A PDF whose pages each draw one JPEG (DCTDecode, RGB) as a scanner writes it: the
/// picture over the whole page, `(jpeg, width_pt, height_pt)` per page.
pub fn pdf_of_jpegs(pages: &[(&[u8], f32, f32)]) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (jpeg, wpt, hpt) in pages {
        let (w, h) = image::ImageReader::new(std::io::Cursor::new(jpeg))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap();
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => i64::from(w), "Height" => i64::from(h),
                "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            jpeg.to_vec(),
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            format!("q {wpt} 0 0 {hpt} 0 0 cm /Im0 Do Q").into_bytes(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), (*wpt).into(), (*hpt).into()],
            "Contents" => content,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}
