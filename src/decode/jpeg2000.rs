//! JPEG 2000: `.jp2` files, raw `.j2k` codestreams, and the JPXDecode images of scanner
//! PDFs ([`pdf`](super::pdf) hands them here).
//!
//! Decoded by OpenJPEG (the reference decoder, BSD-2-Clause), compiled into scanfit by
//! the `openjpeg-sys` crate from its bundled C sources with the C compiler the build
//! already needs for mozjpeg. Unlike libtiff and libheif it is not loaded at run time:
//! JPEG 2000 turns up as much on Windows and macOS scanning setups as on Linux, and a
//! built-in decoder works on every machine with nothing to install. The crate is used
//! directly rather than through the `jpeg2k` wrapper, because scanfit needs three things
//! between reading the header and decoding the pixels that the wrapper does not offer:
//! the pixel-limit check on the size the codestream announces, strict mode (a truncated
//! codestream is an error, not a blurred picture), and OpenJPEG's own error text.
//!
//! Components are converted here, as OpenJPEG's own command-line tool does: signed
//! samples are offset, subsampled components (sYCC 4:2:0) are repeated up to full size,
//! sYCC becomes RGB, CMYK becomes RGB (by [`cmyk`](super::cmyk)'s generic formula, as for TIFF and PDF), and a fourth
//! component marked as alpha stays alpha. Palettes and channel definitions inside a JP2
//! file are applied by OpenJPEG itself.

use std::ffi::{c_char, c_void, CStr};
use std::ptr::{self, NonNull};

use image::{DynamicImage, ImageBuffer, Luma, LumaA, Rgb, Rgba};
use openjpeg_sys as opj;

use super::cmyk;
use super::limits::DecodeLimits;
pub use crate::error::Jpeg2000Error;
use crate::error::Problem;

/// A decoded JPEG 2000 picture and its ICC profile, if the file carried one.
#[derive(Debug)]
pub struct Decoded {
    /// The pixels: 8-bit, or 16-bit when the codestream holds more than 8 bits.
    pub image: DynamicImage,
    /// The JP2 `colr` box's ICC profile.
    pub icc: Option<Vec<u8>>,
}

/// The two ways JPEG 2000 is stored, from the first bytes.
fn codec(bytes: &[u8]) -> Option<opj::CODEC_FORMAT> {
    if bytes.starts_with(b"\0\0\0\x0CjP  \r\n\x87\n") {
        Some(opj::CODEC_FORMAT::OPJ_CODEC_JP2)
    } else if bytes.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        Some(opj::CODEC_FORMAT::OPJ_CODEC_J2K)
    } else {
        None
    }
}

/// Decodes a JP2 file or a J2K codestream. The size the header announces is checked
/// against `limits` before any pixel is decoded.
pub fn decode(bytes: &[u8], limits: DecodeLimits) -> Result<Decoded, Problem> {
    let corrupt = |detail: String| Jpeg2000Error::Corrupt { detail };
    let format =
        codec(bytes).ok_or_else(|| corrupt("neither a JP2 file nor a J2K codestream".into()))?;
    // Declared before the session, so it outlives the decoder that writes into it.
    let mut messages = Vec::<String>::new();
    let session = Session::open(bytes, format, &mut messages)?;
    let header = session
        .read_header()
        .map_err(|()| corrupt(first(&messages)))?;
    // SAFETY: the header image is live and owned by `header`; these fields are plain data.
    let (x0, y0, x1, y1) = unsafe {
        let i = header.0.as_ptr();
        ((*i).x0, (*i).y0, (*i).x1, (*i).y1)
    };
    let (width, height) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    limits.check(width, height)?;
    if !session.decode(&header) {
        return Err(corrupt(first(&messages)).into());
    }
    Ok(header.to_image(width, height)?)
}

fn first(messages: &[String]) -> String {
    messages
        .first()
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| "OpenJPEG refused the data".into())
}

/// The bytes OpenJPEG reads through the stream callbacks.
struct Source<'a> {
    bytes: &'a [u8],
    position: usize,
}

/// A decoder and the stream it reads; dropped in reverse order of creation.
struct Session<'a> {
    codec: NonNull<opj::opj_codec_t>,
    stream: NonNull<opj::opj_stream_t>,
    _source: Box<Source<'a>>,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        // SAFETY: both were created by OpenJPEG in `open` and are destroyed once.
        unsafe {
            opj::opj_destroy_codec(self.codec.as_ptr());
            opj::opj_stream_destroy(self.stream.as_ptr());
        }
    }
}

/// An image OpenJPEG allocated, destroyed on drop.
struct Header(NonNull<opj::opj_image_t>);

impl Drop for Header {
    fn drop(&mut self) {
        // SAFETY: allocated by opj_read_header, destroyed once.
        unsafe { opj::opj_image_destroy(self.0.as_ptr()) };
    }
}

impl<'a> Session<'a> {
    /// Sets up a strict decoder over `bytes` whose errors are pushed onto `messages`
    /// (warnings and progress information are dropped: nothing reaches the terminal).
    fn open(
        bytes: &'a [u8],
        format: opj::CODEC_FORMAT,
        messages: &mut Vec<String>,
    ) -> Result<Session<'a>, Jpeg2000Error> {
        let failed = |what: &str| Jpeg2000Error::Corrupt {
            detail: format!("OpenJPEG could not {what}"),
        };
        let mut source = Box::new(Source { bytes, position: 0 });
        // SAFETY: every pointer handed to OpenJPEG outlives the session: `source` is owned
        // by it, `messages` by the caller for longer; the callbacks match the typedefs.
        unsafe {
            let stream = NonNull::new(opj::opj_stream_create(1 << 16, 1))
                .ok_or_else(|| failed("create a stream"))?;
            opj::opj_stream_set_read_function(stream.as_ptr(), Some(read_fn));
            opj::opj_stream_set_skip_function(stream.as_ptr(), Some(skip_fn));
            opj::opj_stream_set_seek_function(stream.as_ptr(), Some(seek_fn));
            opj::opj_stream_set_user_data(stream.as_ptr(), ptr::addr_of_mut!(*source).cast(), None);
            opj::opj_stream_set_user_data_length(stream.as_ptr(), bytes.len() as u64);
            let Some(codec) = NonNull::new(opj::opj_create_decompress(format)) else {
                opj::opj_stream_destroy(stream.as_ptr());
                return Err(failed("create a decoder"));
            };
            let session = Session {
                codec,
                stream,
                _source: source,
            };
            let sink: *mut c_void = ptr::from_mut(messages).cast();
            opj::opj_set_error_handler(codec.as_ptr(), Some(error_fn), sink);
            opj::opj_set_warning_handler(codec.as_ptr(), Some(ignore_fn), ptr::null_mut());
            opj::opj_set_info_handler(codec.as_ptr(), Some(ignore_fn), ptr::null_mut());
            let mut params: opj::opj_dparameters_t = std::mem::zeroed();
            opj::opj_set_default_decoder_parameters(&mut params);
            if opj::opj_setup_decoder(codec.as_ptr(), &mut params) != 1
                || opj::opj_decoder_set_strict_mode(codec.as_ptr(), 1) != 1
            {
                return Err(failed("set up the decoder"));
            }
            Ok(session)
        }
    }

    fn read_header(&self) -> Result<Header, ()> {
        let mut image: *mut opj::opj_image_t = ptr::null_mut();
        // SAFETY: live stream and codec; `image` receives a new image or stays null.
        let ok =
            unsafe { opj::opj_read_header(self.stream.as_ptr(), self.codec.as_ptr(), &mut image) };
        let header = NonNull::new(image).map(Header);
        match header {
            Some(header) if ok == 1 => Ok(header),
            _ => Err(()),
        }
    }

    fn decode(&self, header: &Header) -> bool {
        // SAFETY: live stream, codec and header image from this session.
        unsafe {
            opj::opj_decode(self.codec.as_ptr(), self.stream.as_ptr(), header.0.as_ptr()) == 1
                && opj::opj_end_decompress(self.codec.as_ptr(), self.stream.as_ptr()) == 1
        }
    }
}

/// One decoded component, checked: its samples cover its stated size.
struct Component<'i> {
    data: &'i [i32],
    width: u32,
    height: u32,
    /// Added to every sample so signed data starts at 0.
    offset: i64,
    /// The largest sample value after the offset.
    max: i64,
    alpha: bool,
}

impl Component<'_> {
    /// The sample covering pixel (x, y) of a `width` × `height` picture, scaled to
    /// 0..=`full`: subsampled components repeat their samples.
    fn at(&self, x: u32, y: u32, width: u32, height: u32, full: i64) -> i64 {
        let cx = (u64::from(x) * u64::from(self.width) / u64::from(width)) as usize;
        let cy = (u64::from(y) * u64::from(self.height) / u64::from(height)) as usize;
        let v = i64::from(self.data[cy * self.width as usize + cx]) + self.offset;
        (v.clamp(0, self.max) * full + self.max / 2) / self.max
    }
}

const OPJ_CLRSPC_SYCC: i32 = 3;
const OPJ_CLRSPC_EYCC: i32 = 4;
const OPJ_CLRSPC_CMYK: i32 = 5;

impl Header {
    /// The decoded components as an image of `width` × `height`, and the ICC profile.
    fn to_image(&self, width: u32, height: u32) -> Result<Decoded, Jpeg2000Error> {
        let unsupported = |what: String| Jpeg2000Error::Unsupported { what };
        // SAFETY: the image is live; `comps` holds `numcomps` components whose `data`
        // (when non-null) holds w × h samples, as opj_decode allocated them. The colour
        // space is read as the C int it is, never as the Rust enum, so an unexpected
        // value cannot be undefined behaviour.
        let (components, space, icc) = unsafe {
            let image = &*self.0.as_ptr();
            let space = ptr::addr_of!(image.color_space).cast::<i32>().read();
            let raw = if image.comps.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(image.comps, image.numcomps as usize)
            };
            let mut components = Vec::with_capacity(raw.len());
            for c in raw {
                let len = (c.w as usize).checked_mul(c.h as usize);
                if c.data.is_null() || len.is_none_or(|n| n == 0) || !(1..=16).contains(&c.prec) {
                    return Err(unsupported(format!(
                        "a component of {}×{} samples of {} bits",
                        c.w, c.h, c.prec
                    )));
                }
                components.push(Component {
                    data: std::slice::from_raw_parts(c.data, len.unwrap_or(0)),
                    width: c.w,
                    height: c.h,
                    offset: if c.sgnd == 1 { 1 << (c.prec - 1) } else { 0 },
                    max: (1 << c.prec) - 1,
                    alpha: c.alpha != 0,
                });
            }
            let icc = (!image.icc_profile_buf.is_null() && image.icc_profile_len > 0).then(|| {
                std::slice::from_raw_parts(image.icc_profile_buf, image.icc_profile_len as usize)
                    .to_vec()
            });
            let deep = raw.iter().any(|c| c.prec > 8);
            (components, (space, deep), icc)
        };
        let (space, deep) = space;
        if space == OPJ_CLRSPC_EYCC {
            return Err(unsupported("e-sYCC colour".into()));
        }
        let image = match (components.as_slice(), space) {
            ([y, cb, cr, ..], OPJ_CLRSPC_SYCC) => ycc_image(y, cb, cr, width, height),
            ([c, m, y, k, ..], OPJ_CLRSPC_CMYK) => cmyk_image([c, m, y, k], width, height),
            ([grey], _) => plane_image::<1>([grey], width, height, deep),
            ([grey, a], _) if a.alpha => plane_image::<2>([grey, a], width, height, deep),
            ([r, g, b, a, ..], _) if a.alpha => plane_image::<4>([r, g, b, a], width, height, deep),
            ([r, g, b, ..], _) => plane_image::<3>([r, g, b], width, height, deep),
            (other, _) => {
                return Err(unsupported(format!("{} components", other.len())));
            }
        };
        let image = image.ok_or_else(|| Jpeg2000Error::Corrupt {
            detail: "the decoded components do not fit the picture size".into(),
        })?;
        Ok(Decoded { image, icc })
    }
}

/// Interleaves `N` components (grey, grey + alpha, RGB, RGBA) at 8 or 16 bits.
fn plane_image<const N: usize>(
    planes: [&Component; N],
    width: u32,
    height: u32,
    deep: bool,
) -> Option<DynamicImage> {
    let full = if deep { 65535 } else { 255 };
    let samples = (0..height).flat_map(|y| {
        (0..width).flat_map(move |x| planes.map(|p| p.at(x, y, width, height, full)))
    });
    if deep {
        let v: Vec<u16> = samples.map(|s| s as u16).collect();
        match N {
            1 => ImageBuffer::<Luma<u16>, _>::from_raw(width, height, v)
                .map(DynamicImage::ImageLuma16),
            2 => ImageBuffer::<LumaA<u16>, _>::from_raw(width, height, v)
                .map(DynamicImage::ImageLumaA16),
            3 => {
                ImageBuffer::<Rgb<u16>, _>::from_raw(width, height, v).map(DynamicImage::ImageRgb16)
            }
            _ => ImageBuffer::<Rgba<u16>, _>::from_raw(width, height, v)
                .map(DynamicImage::ImageRgba16),
        }
    } else {
        let v: Vec<u8> = samples.map(|s| s as u8).collect();
        match N {
            1 => {
                ImageBuffer::<Luma<u8>, _>::from_raw(width, height, v).map(DynamicImage::ImageLuma8)
            }
            2 => ImageBuffer::<LumaA<u8>, _>::from_raw(width, height, v)
                .map(DynamicImage::ImageLumaA8),
            3 => ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, v).map(DynamicImage::ImageRgb8),
            _ => {
                ImageBuffer::<Rgba<u8>, _>::from_raw(width, height, v).map(DynamicImage::ImageRgba8)
            }
        }
    }
}

/// sYCC (full-range BT.601, chroma centred on half the range) to 8-bit RGB, chroma
/// repeated up to full size.
fn ycc_image(
    y: &Component,
    cb: &Component,
    cr: &Component,
    width: u32,
    height: u32,
) -> Option<DynamicImage> {
    let mut out = Vec::with_capacity(width as usize * height as usize * 3);
    for row in 0..height {
        for x in 0..width {
            let luma = y.at(x, row, width, height, 255) as f32;
            let b = cb.at(x, row, width, height, 255) as f32 - 128.0;
            let r = cr.at(x, row, width, height, 255) as f32 - 128.0;
            out.extend(
                [
                    luma + 1.402 * r,
                    luma - 0.344_136 * b - 0.714_136 * r,
                    luma + 1.772 * b,
                ]
                .map(|v| v.round().clamp(0.0, 255.0) as u8),
            );
        }
    }
    ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, out).map(DynamicImage::ImageRgb8)
}

/// CMYK to 8-bit RGB without a profile, by the formula every CMYK source without one
/// gets ([`cmyk::generic`]).
fn cmyk_image(inks: [&Component; 4], width: u32, height: u32) -> Option<DynamicImage> {
    let mut ink = Vec::with_capacity(width as usize * height as usize * 4);
    for row in 0..height {
        for x in 0..width {
            ink.extend(inks.map(|p| p.at(x, row, width, height, 255) as u8));
        }
    }
    cmyk::generic(&ink, width, height).map(DynamicImage::ImageRgb8)
}

// ---------------------------------------------------------------------------------------
// Stream callbacks (openjpeg.h: opj_stream_read_fn, _skip_fn, _seek_fn) and messages.

unsafe extern "C" fn read_fn(buffer: *mut c_void, size: usize, user: *mut c_void) -> usize {
    // SAFETY: `user` is the session's `Source`, alive while the stream is.
    let source = unsafe { &mut *user.cast::<Source>() };
    let n = size.min(source.bytes.len().saturating_sub(source.position));
    if n == 0 {
        // The stream's end, as OpenJPEG expects it: (OPJ_SIZE_T)-1.
        return usize::MAX;
    }
    // SAFETY: OpenJPEG's buffer holds `size` ≥ n bytes; the source range is in bounds.
    unsafe {
        ptr::copy_nonoverlapping(source.bytes.as_ptr().add(source.position), buffer.cast(), n)
    };
    source.position += n;
    n
}

unsafe extern "C" fn skip_fn(count: i64, user: *mut c_void) -> i64 {
    // SAFETY: as in `read_fn`.
    let source = unsafe { &mut *user.cast::<Source>() };
    let target = i128::from(source.position as u64) + i128::from(count);
    if target < 0 || target > source.bytes.len() as i128 {
        return -1;
    }
    source.position = target as usize;
    count
}

unsafe extern "C" fn seek_fn(position: i64, user: *mut c_void) -> i32 {
    // SAFETY: as in `read_fn`.
    let source = unsafe { &mut *user.cast::<Source>() };
    match usize::try_from(position) {
        Ok(p) if p <= source.bytes.len() => {
            source.position = p;
            1
        }
        _ => 0,
    }
}

unsafe extern "C" fn error_fn(message: *const c_char, sink: *mut c_void) {
    if message.is_null() || sink.is_null() {
        return;
    }
    // SAFETY: `sink` is the caller's `Vec<String>`, alive for the whole decode; the
    // message is a NUL-terminated string from OpenJPEG.
    unsafe {
        let text = CStr::from_ptr(message).to_string_lossy().into_owned();
        (*sink.cast::<Vec<String>>()).push(text);
    }
}

unsafe extern "C" fn ignore_fn(_: *const c_char, _: *mut c_void) {}

#[cfg(test)]
mod tests {
    //! Fixtures from Debian's openjpeg-tools (tests/fixtures/jpeg2000/README.md):
    //! lossless files against the source pixels, lossy ones against `opj_decompress`.

    use super::*;
    use crate::decode::pages::testing::{all, ok_pages, MAX};
    use crate::decode::pdf;

    fn file(path: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn rgb(path: &str) -> image::RgbImage {
        image::load_from_memory(&file(path)).unwrap().to_rgb8()
    }

    /// Largest absolute difference over every channel of every pixel.
    fn max_difference(a: &DynamicImage, b: &image::RgbImage) -> u8 {
        let a = a.to_rgb8();
        assert_eq!(a.dimensions(), b.dimensions());
        a.as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn lossless_jp2_and_j2k_give_the_source_pixels() {
        let colour = decode(&file("jpeg2000/colour_lossless.jp2"), MAX).unwrap();
        assert!(matches!(colour.image, DynamicImage::ImageRgb8(_)));
        assert_eq!(
            max_difference(&colour.image, &rgb("pages/colour_ref.png")),
            0
        );
        let grey = decode(&file("jpeg2000/grey_lossless.j2k"), MAX).unwrap();
        assert!(matches!(grey.image, DynamicImage::ImageLuma8(_)));
        assert_eq!(max_difference(&grey.image, &rgb("pages/grey_ref.png")), 0);
    }

    #[test]
    fn lossy_and_tiled_match_opj_decompress() {
        // The same decoder underneath; only the final rounding may differ.
        for (name, reference) in [
            ("colour_lossy.j2k", "colour_lossy_opj.png"),
            ("colour_tiled.jp2", "colour_tiled_opj.png"),
        ] {
            let got = decode(&file(&format!("jpeg2000/{name}")), MAX).unwrap();
            let diff = max_difference(&got.image, &rgb(&format!("jpeg2000/{reference}")));
            assert!(diff <= 1, "{name}: {diff}");
        }
    }

    #[test]
    fn a_pdf_jpx_page_decodes_like_the_file() {
        let bytes = file("jpeg2000/jpx_page.pdf");
        let pages = ok_pages(pdf::pages(&bytes, MAX).unwrap().1);
        let diff = max_difference(&pages[0].image, &rgb("jpeg2000/colour_tiled_opj.png"));
        assert!(diff <= 1, "{diff}");
    }

    #[test]
    fn limits_truncation_and_garbage_are_errors() {
        let bytes = file("jpeg2000/colour_lossless.jp2");
        assert!(matches!(
            decode(&bytes, DecodeLimits { max_pixels: 10_000 }),
            Err(Problem::TooManyPixels {
                width: 160,
                height: 120,
                ..
            })
        ));
        // Strict mode: a codestream cut short is an error, not a blurred picture.
        for cut in [20, bytes.len() / 2, bytes.len() - 10] {
            let err = decode(&bytes[..cut], MAX).unwrap_err();
            assert!(
                err.to_string().starts_with("JPEG 2000 data is corrupt"),
                "cut at {cut}: {err}"
            );
        }
        assert!(decode(b"\xFF\x4F\xFF\x51 not really", MAX).is_err());
        assert!(decode(b"plain text", MAX).is_err());
        // In a PDF the page names itself.
        let pdf = file("jpeg2000/jpx_page.pdf");
        let start = pdf.windows(4).position(|w| w == b"jP  ").unwrap();
        let mut damaged = pdf.clone();
        for b in &mut damaged[start + 400..start + 2400] {
            *b = 0;
        }
        let pages = all(pdf::pages(&damaged, MAX));
        assert!(pages[0].is_err());
    }
}
