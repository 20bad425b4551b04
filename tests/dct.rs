//! The DCT-domain shortcuts on a real photo. Lossless rotation: every EXIF orientation
//! of a JPEG that meets every other rule is turned upright in the DCT domain (method
//! `rotated`, no encode), its pixels are the source's turned, and it carries no
//! metadata. When luma's blocks can move but subsampled chroma's cannot (a mirrored
//! axis in whole 8-pixel blocks but not whole MCUs), luma still moves untouched and
//! chroma is requantised; a size whose luma blocks cannot move is re-encoded instead,
//! upright and complete.
//!
//! The photo is `corpus/客户B/手持身份证 照片.jpg` (2000×3200, 4:2:0, 1.66 MB, EXIF
//! orientation 6; its source and licence are in corpus/README.md). Its eight variants
//! are made here losslessly: only the orientation value inside its EXIF block changes;
//! the non-aligned ones only state a size 8 (or 10) pixels smaller in each direction in
//! their frame header (the same MCUs, so the coded data stays valid, as `jpegtran -crop`
//! would cut it).

mod common;

use std::path::Path;

use common::assert_clean_output;
use image::{DynamicImage, RgbImage};
use scanfit::options::Options;
use scanfit::pipeline::{convert_bytes, Converted, Method};
use scanfit::run::Runner;
use scanfit::sniff::Format;

fn photo() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/客户B/手持身份证 照片.jpg");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Offset and byte order of the TIFF structure inside the first EXIF segment.
fn exif_tiff(bytes: &[u8]) -> (usize, bool) {
    let mut pos = 2;
    loop {
        assert_eq!(bytes[pos], 0xFF, "marker expected at {pos}");
        let marker = bytes[pos + 1];
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        if marker == 0xE1 && bytes[pos + 4..].starts_with(b"Exif\0\0") {
            let tiff = pos + 10;
            return (tiff, &bytes[tiff..tiff + 2] == b"MM");
        }
        assert_ne!(marker, 0xDA, "no EXIF segment");
        pos += 2 + len;
    }
}

/// `bytes` with the orientation value in IFD0 of its EXIF block set to `orientation`.
fn with_orientation(bytes: &[u8], orientation: u16) -> Vec<u8> {
    let (tiff, big) = exif_tiff(bytes);
    let u16_at = |b: &[u8], at: usize| {
        let v = [b[at], b[at + 1]];
        if big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }
    };
    let raw = [
        bytes[tiff + 4],
        bytes[tiff + 5],
        bytes[tiff + 6],
        bytes[tiff + 7],
    ];
    let ifd = tiff
        + if big {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        } as usize;
    let mut out = bytes.to_vec();
    for i in 0..usize::from(u16_at(bytes, ifd)) {
        let entry = ifd + 2 + 12 * i;
        if u16_at(bytes, entry) == 0x0112 {
            let value = if big {
                orientation.to_be_bytes()
            } else {
                orientation.to_le_bytes()
            };
            out[entry + 8..entry + 10].copy_from_slice(&value);
            return out;
        }
    }
    panic!("no orientation tag in IFD0");
}

/// Offset of the frame header (SOF) marker, found by walking the segments (the EXIF
/// thumbnail inside APP1 has a frame header of its own).
fn frame_header(bytes: &[u8]) -> usize {
    let mut pos = 2;
    loop {
        let marker = bytes[pos + 1];
        if matches!(marker, 0xC0..=0xC2) {
            return pos;
        }
        assert!(bytes[pos] == 0xFF && marker != 0xDA, "no frame header");
        pos += 2 + usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
    }
}

/// `bytes` with its frame header stating `width` × `height`.
fn with_size(bytes: &[u8], width: u16, height: u16) -> Vec<u8> {
    let sof = frame_header(bytes);
    let mut out = bytes.to_vec();
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

fn convert(bytes: &[u8]) -> Converted {
    let outcome = convert_bytes(bytes, Some(Format::Jpeg), &Options::default())
        .unwrap()
        .unwrap();
    let mut pictures = outcome.pictures;
    assert_eq!(pictures.len(), 1);
    pictures.remove(0).result.unwrap()
}

/// The source's pixels as stored (orientation ignored), turned as EXIF `orientation`
/// says: what a viewer shows.
fn expected(bytes: &[u8], orientation: u8) -> RgbImage {
    let mut img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).unwrap();
    img.apply_orientation(image::metadata::Orientation::from_exif(orientation).unwrap());
    img.to_rgb8()
}

/// The largest and the mean absolute difference of two pictures of the same size.
fn difference(a: &RgbImage, b: &RgbImage) -> (u8, f64) {
    assert_eq!(a.dimensions(), b.dimensions());
    let (max, sum) = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .fold((0u8, 0u64), |(m, s), (x, y)| {
            let d = x.abs_diff(*y);
            (m.max(d), s + u64::from(d))
        });
    (max, sum as f64 / a.as_raw().len() as f64)
}

/// Writes the output where the shared checks want a file, and runs them: in band,
/// JPEG magic, no metadata segment, no EXIF bytes anywhere.
fn check_clean(converted: &Converted) -> DynamicImage {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jpg");
    std::fs::write(&path, &converted.bytes).unwrap();
    assert!(
        !converted.bytes.windows(9).any(|w| w == b"http://ns"),
        "XMP left"
    );
    assert_clean_output(&path)
}

#[test]
fn every_orientation_of_a_real_photo_is_turned_losslessly() {
    let source = photo();
    for orientation in 1..=8u8 {
        let bytes = with_orientation(&source, u16::from(orientation));
        let converted = convert(&bytes);
        let want = if orientation == 1 {
            Method::Stripped
        } else {
            Method::Rotated
        };
        assert_eq!(converted.method, want, "orientation {orientation}");
        assert_eq!((converted.encodes, converted.quality), (0, None));
        let upright = expected(&bytes, orientation);
        let out = check_clean(&converted).to_rgb8();
        assert_eq!(
            out.dimensions(),
            (converted.width, converted.height),
            "orientation {orientation}"
        );
        // Same coefficients, turned: only the decoder's rounding (IDCT, chroma
        // upsampling) can differ between a picture and its turned copy.
        let (max, mean) = difference(&out, &upright);
        eprintln!("orientation {orientation}: max {max}, mean {mean:.4}");
        assert!(
            max <= 4 && mean < 0.25,
            "orientation {orientation}: max {max}, mean {mean}"
        );
        assert!(converted.metadata.exif && converted.metadata.gps);
    }
    assert_eq!(
        serde_json::to_value(Method::Rotated).unwrap(),
        serde_json::json!("rotated")
    );
}

/// The luma plane a decoder makes of `bytes` (libjpeg's grayscale output of a YCbCr
/// JPEG is its Y component, untouched by chroma), turned as EXIF `orientation` says.
fn luma(bytes: &[u8], orientation: u8) -> image::GrayImage {
    let mut started = mozjpeg::Decompress::new_mem(bytes)
        .unwrap()
        .grayscale()
        .unwrap();
    let (w, h) = (started.width() as u32, started.height() as u32);
    let samples = started.read_scanlines::<u8>().unwrap();
    started.finish().unwrap();
    let mut img = DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, samples).unwrap());
    img.apply_orientation(image::metadata::Orientation::from_exif(orientation).unwrap());
    img.to_luma8()
}

#[test]
fn a_photo_whose_chroma_blocks_cannot_move_is_turned_with_its_luma_lossless() {
    // 1992 × 3192, 4:2:0: luma is whole 8-pixel blocks both ways (249 × 399), chroma
    // (996 × 1596) is not, and neither is a whole number of 16-pixel MCUs. Every
    // orientation but 1 and 5 mirrors an axis whose chroma blocks cannot move: luma
    // moves, chroma is requantised with the source's own tables.
    let cut = with_size(&photo(), 1992, 3192);
    for orientation in 2..=8u8 {
        let bytes = with_orientation(&cut, u16::from(orientation));
        let converted = convert(&bytes);
        assert_eq!(
            converted.method,
            Method::Rotated,
            "orientation {orientation}"
        );
        assert_eq!((converted.encodes, converted.quality), (0, None));
        let out = check_clean(&converted).to_rgb8();
        let upright = if orientation >= 5 {
            (3192, 1992)
        } else {
            (1992, 3192)
        };
        assert_eq!(out.dimensions(), upright, "orientation {orientation}");
        assert_eq!((converted.width, converted.height), upright);
        // Luma: the same coefficients, turned; only the decoder's IDCT rounding differs
        // (measured: max 1, mean 0.023 where the turn transposes, else 0.0000).
        let (y_out, y_want) = (luma(&converted.bytes, 1), luma(&bytes, orientation));
        let (y_max, y_mean) = difference(
            &DynamicImage::ImageLuma8(y_out).to_rgb8(),
            &DynamicImage::ImageLuma8(y_want).to_rgb8(),
        );
        // Colour: chroma quantised a second time with the same tables (steps 4–24 in
        // this photo). Measured: max 25 at sharp colour edges, mean ≤ 0.82 (exact
        // turns: max 4, mean 0.06); chroma turned but not mirrored gives mean 7.8.
        let (max, mean) = difference(&out, &expected(&bytes, orientation));
        eprintln!(
            "orientation {orientation}: luma max {y_max} mean {y_mean:.4}; rgb max {max} mean {mean:.4}"
        );
        assert!(
            y_max <= 1 && y_mean < 0.05,
            "orientation {orientation}: luma max {y_max}, mean {y_mean}"
        );
        assert!(
            max <= 32 && mean < 1.0,
            "orientation {orientation}: max {max}, mean {mean}"
        );
    }
}

#[test]
fn a_size_whose_luma_blocks_cannot_move_is_reencoded_upright_and_complete() {
    // 1990 × 3190: luma's 3190 rows are not whole 8-pixel blocks, so orientation 6
    // (which mirrors the stored height) would move padding into the picture.
    let bytes = with_size(&with_orientation(&photo(), 6), 1990, 3190);
    let converted = convert(&bytes);
    assert_eq!(converted.method, Method::Jpeg);
    assert_eq!((converted.width, converted.height), (3190, 1990));
    let out = check_clean(&converted).to_rgb8();
    assert_eq!(out.dimensions(), (3190, 1990));
    // Re-encoded at the band search's quality: close to the turned source everywhere,
    // including the last rows and columns (nothing trimmed, nothing padded in).
    let upright = expected(&bytes, 6);
    let (_, mean) = difference(&out, &upright);
    assert!(mean < 4.0, "mean difference {mean}");
    let edge = |img: &RgbImage| -> f64 {
        let (w, h) = img.dimensions();
        let rows = (0..w).map(|x| img.get_pixel(x, h - 1).0[1] as f64);
        let cols = (0..h).map(|y| img.get_pixel(w - 1, y).0[1] as f64);
        rows.chain(cols).sum::<f64>() / f64::from(w + h)
    };
    assert!((edge(&out) - edge(&upright)).abs() < 4.0);
}

/// `convert` with `opts`, off any runner (parts of the file one after another) and as
/// the one item of a two-worker runner (the idle worker takes the turn beside the
/// decode); both must make the same file.
fn convert_alone_and_overlapped(bytes: &[u8], opts: &Options) -> Converted {
    let one = |bytes: &[u8]| {
        let outcome = convert_bytes(bytes, Some(Format::Jpeg), opts)
            .unwrap()
            .unwrap();
        outcome.pictures.into_iter().next().unwrap().result.unwrap()
    };
    let alone = one(bytes);
    let overlapped = Runner::new(2)
        .map(&[()], |_| one(bytes), |_, done| done.result.unwrap())
        .remove(0);
    assert_eq!(alone.method, overlapped.method);
    assert!(alone.bytes == overlapped.bytes, "outputs differ");
    assert_eq!(alone.warnings, overlapped.warnings);
    overlapped
}

#[test]
fn the_turn_started_beside_the_decode_gives_the_file_the_turn_after_it_gives() {
    for orientation in [3u16, 6, 8] {
        let bytes = with_orientation(&photo(), orientation);
        let converted = convert_alone_and_overlapped(&bytes, &Options::default());
        assert_eq!(
            converted.method,
            Method::Rotated,
            "orientation {orientation}"
        );
        let out = check_clean(&converted).to_rgb8();
        let (max, mean) = difference(&out, &expected(&bytes, orientation as u8));
        assert!(max <= 4 && mean < 0.25, "max {max}, mean {mean}");
    }
}

/// `bytes` with an EXIF block stating `orientation` right after SOI.
fn with_exif_orientation(bytes: &[u8], orientation: u8) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
    tiff.extend([orientation, 0, 0, 0, 0, 0, 0]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    let mut out = bytes[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend(payload);
    out.extend(&bytes[2..]);
    out
}

/// `bytes` without its APP2 (ICC) segments.
fn without_icc(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes[..2].to_vec();
    let mut pos = 2;
    while bytes[pos + 1] != 0xDA {
        let end = pos + 2 + usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        if bytes[pos + 1] != 0xE2 {
            out.extend(&bytes[pos..end]);
        }
        pos = end;
    }
    out.extend(&bytes[pos..]);
    out
}

#[test]
fn a_sideways_cmyk_jpeg_is_reencoded_whether_or_not_its_turn_was_started() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cmyk/cmyk_profiled.jpg");
    let profiled = with_exif_orientation(&std::fs::read(path).unwrap(), 6);
    // The fixture is small: a band around it makes the turn worth trying for its size.
    let mut opts = Options::default();
    opts.profile.min_bytes = 1_000;
    // Its CMYK profile refuses the turn from the header; without the profile only the
    // decode finds the ink, after the turn was started beside it.
    let bare = without_icc(&profiled);
    assert!(scanfit::jpeg::icc_profile(&profiled).is_some());
    assert!(scanfit::jpeg::icc_profile(&bare).is_none());
    for bytes in [profiled, bare] {
        let converted = convert_alone_and_overlapped(&bytes, &opts);
        assert_eq!(converted.method, Method::Jpeg);
        assert!(converted.metadata.exif);
        // Upright: the same ink as the file stored upright, turned a quarter.
        let upright = convert_alone_and_overlapped(&with_exif_orientation(&bytes, 1), &opts);
        let mut want = image::load_from_memory(&upright.bytes).unwrap();
        want.apply_orientation(image::metadata::Orientation::from_exif(6).unwrap());
        let out = image::load_from_memory(&converted.bytes).unwrap();
        let (_, mean) = difference(&out.to_rgb8(), &want.to_rgb8());
        assert!(mean < 3.0, "mean difference {mean}");
    }
}
