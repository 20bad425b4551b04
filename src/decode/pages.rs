//! Multi-page inputs: TIFF files and scanner PDFs, split into one picture per page.
//!
//! Office scanners and fax software hand people multi-page TIFFs and PDFs, while upload
//! portals want one JPEG or PNG per page. This module turns each page into pixels so the
//! rest of the pipeline can treat every page like a single photo.
//!
//! **TIFF** pages are read with the `tiff` crate directly (the `image` crate only decodes
//! the first page). Every compression scanners use is accepted: none, LZW, Deflate,
//! PackBits, new-style JPEG and CCITT Group 4; 1-bit pages become 8-bit grey (0/255) with
//! the file's photometric polarity honoured, CMYK becomes RGB (naively, without a
//! profile), and the TIFF `Orientation` tag is applied so pages come out upright.
//! Palette and CIE Lab TIFFs are refused with a readable error (the `tiff` crate does not
//! decode them).
//!
//! **PDF** pages are accepted only when they *are* a scan: the page draws exactly one
//! image and nothing else visible. That is what scanners, `img2pdf` and phone scanning
//! apps write, and an invisible OCR text layer (text render mode 3, as added by OCRmyPDF
//! or the scanner's own OCR) is allowed on top. Such a page's pixels are the embedded
//! image itself, so no renderer is needed: a PDF renderer (pdfium, MuPDF, poppler) would
//! bring a large C/C++ dependency, licensing questions (MuPDF is AGPL) and a resolution
//! choice, all to reproduce pixels the file already holds. A page with text, vector
//! drawings or several images cannot be reproduced faithfully without one, so it is
//! refused as [`PageError::NotAScannedImage`] rather than converted into something that
//! silently lacks part of the page.
//!
//! Every page is checked against the pixel limit *before* its pixels are decoded, and
//! results are per page, so one damaged page does not lose the others.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageBuffer, ImageDecoder, Rgb, RgbImage};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};
use tiff::decoder::{Decoder as TiffDecoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType as TiffColor;

/// Why a multi-page file, or one of its pages, could not be turned into pixels.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The TIFF structure itself could not be read, so no page can be found.
    #[error("the TIFF file could not be read: {0}")]
    Tiff(String),
    /// The PDF structure itself could not be read, so no page can be found.
    #[error("the PDF file could not be read: {0}")]
    Pdf(String),
    /// The PDF needs a password to open.
    #[error("the PDF is password-protected: save an unprotected copy and try again")]
    Encrypted,
    /// The file holds no page at all.
    #[error("the file has no pages")]
    NoPages,
    /// A PDF page holds text, drawings or several images, so it is not a plain scan.
    #[error(
        "page {page} is not a scanned image (it has text, drawings or several pictures); \
         export that page as an image, or scan the paper instead"
    )]
    NotAScannedImage {
        /// 1-based page number.
        page: u32,
    },
    /// A PDF page's image is stored in a compression this module cannot decode.
    #[error(
        "page {page} stores its picture as {filter}, which scanfit cannot decode; \
         re-scan or re-save it as JPEG, PNG or TIFF"
    )]
    UnsupportedFilter {
        /// 1-based page number.
        page: u32,
        /// The PDF filter name, with a short explanation.
        filter: String,
    },
    /// A page uses a colour layout or sample format this module cannot decode.
    #[error("page {page} uses {what}, which scanfit cannot decode; save it as RGB or grey")]
    UnsupportedColor {
        /// 1-based page number.
        page: u32,
        /// What the page uses, in words.
        what: String,
    },
    /// A page is larger than the pixel limit; nothing was decoded.
    #[error(
        "page {page} is {width}×{height} pixels, more than the limit of {max} pixels; \
         scan at a lower resolution or raise --max-pixels"
    )]
    TooManyPixels {
        /// 1-based page number.
        page: u32,
        /// Width in pixels as the file states it.
        width: u32,
        /// Height in pixels as the file states it.
        height: u32,
        /// The limit that was exceeded.
        max: u64,
    },
    /// A page's data is damaged or inconsistent.
    #[error("page {page} is damaged: {detail}")]
    Corrupt {
        /// 1-based page number.
        page: u32,
        /// What went wrong, from the decoder.
        detail: String,
    },
    /// A page's JPEG data is damaged (code `corrupt_data`, as for a JPEG file).
    #[error("page {page}'s picture data is damaged ({damage}): part of the page would be garbage; get the file again from its source")]
    CorruptData {
        /// 1-based page number.
        page: u32,
        /// What the decoder found.
        damage: super::jpeg::JpegDamage,
    },
    /// An embedded JPEG could not be decoded.
    #[error("an embedded JPEG could not be decoded: {0}")]
    Image(#[from] image::ImageError),
}

/// One decoded page: 1-based number and its pixels (8 or 16-bit, grey/RGB/RGBA as
/// decoded; CMYK converted to RGB; 1-bit expanded to 8-bit grey 0/255), plus the ICC
/// profile if the page carried one that still describes the pixels.
///
/// The pixels are upright: a TIFF page's `Orientation` tag and a PDF page's `/Rotate`
/// (and the image's own flip or quarter turn in the page) are already applied.
#[derive(Debug)]
pub struct Page {
    /// 1-based page number in the file.
    pub number: u32,
    /// The page's pixels, upright.
    pub image: DynamicImage,
    /// The embedded ICC profile, if any. A CMYK profile is dropped once the pixels have
    /// been converted to RGB, because it no longer describes them.
    pub icc: Option<Vec<u8>>,
    /// The page's resolution, of the upright pixels: a TIFF's resolution tags, or for a
    /// PDF the image's pixels over the size it is drawn at.
    pub resolution: Option<super::Resolution>,
}

/// The pages of a TIFF or PDF, decoded one at a time as the iterator advances, so a
/// long document never holds more than one decoded page in memory.
pub struct Pages<'a> {
    /// How many pages the file has.
    pub count: u32,
    iter: Box<dyn Iterator<Item = Result<Page, PageError>> + 'a>,
}

impl Iterator for Pages<'_> {
    type Item = Result<Page, PageError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.iter.next()
    }
}

impl std::fmt::Debug for Pages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

/// Files with more pages than this are refused: a crafted file can chain IFDs or page
/// nodes far beyond anything a scanner produces, and each entry costs memory.
const MAX_PAGES: u32 = 10_000;

/// Counts the pages (image directories) of a TIFF, cheaply, without decoding pixels.
pub fn tiff_page_count(bytes: &[u8]) -> Result<u32, PageError> {
    let mut decoder = open_tiff(bytes)?;
    let mut count = 1u32;
    while decoder.more_images() {
        // A directory whose tags are unusable still counts as a page: tiff_pages reports
        // it as a damaged page rather than hiding it.
        let _ = decoder.next_image();
        count += 1;
        if count > MAX_PAGES {
            return Err(PageError::Tiff(format!("more than {MAX_PAGES} pages")));
        }
    }
    Ok(count)
}

/// The pages of a TIFF, each decoded when it is taken. The outer error means the file
/// could not be read at all; the per-page results let one bad page fail without losing
/// the others.
pub fn tiff_pages(bytes: &[u8], max_pixels: u64) -> Result<Pages<'_>, PageError> {
    // Counting walks the directories without decoding pixels, and refuses a chain of
    // more than MAX_PAGES before any page is decoded.
    let count = tiff_page_count(bytes)?;
    let mut decoder = open_tiff(bytes)?;
    // The tiff crate refuses buffers over this size; it mirrors max_pixels for the widest
    // layout we accept (16-bit RGBA, 8 bytes a pixel) so a lying header cannot allocate
    // more than a legitimate page could.
    let mut limits = tiff::decoder::Limits::default();
    let budget =
        usize::try_from(max_pixels.saturating_mul(8).saturating_add(1 << 20)).unwrap_or(usize::MAX);
    limits.decoding_buffer_size = budget;
    limits.intermediate_buffer_size = budget;
    decoder = decoder.with_limits(limits);

    let mut number = 0u32;
    let iter = std::iter::from_fn(move || {
        number += 1;
        if number > 1 {
            if !decoder.more_images() {
                return None;
            }
            if let Err(e) = decoder.next_image() {
                return Some(Err(tiff_page_error(number, e)));
            }
        }
        Some(tiff_page(&mut decoder, number, max_pixels))
    });
    Ok(Pages {
        count,
        iter: Box::new(iter.take(count as usize)),
    })
}

fn open_tiff(bytes: &[u8]) -> Result<TiffDecoder<Cursor<&[u8]>>, PageError> {
    TiffDecoder::new(Cursor::new(bytes)).map_err(|e| PageError::Tiff(e.to_string()))
}

fn tiff_page_error(page: u32, e: tiff::TiffError) -> PageError {
    match e {
        tiff::TiffError::UnsupportedError(u) => PageError::UnsupportedColor {
            page,
            what: format!("a TIFF layout the decoder does not support ({u})"),
        },
        other => PageError::Corrupt {
            page,
            detail: other.to_string(),
        },
    }
}

/// Decodes the decoder's current image as page `number`.
fn tiff_page(
    decoder: &mut TiffDecoder<Cursor<&[u8]>>,
    number: u32,
    max_pixels: u64,
) -> Result<Page, PageError> {
    let err = |e| tiff_page_error(number, e);
    let (width, height) = decoder.dimensions().map_err(err)?;
    check_pixels(number, width, height, max_pixels)?;
    let color = decoder.colortype().map_err(|e| match e {
        // The crate reports palette pages as an unsupported interpretation; say it plainly.
        tiff::TiffError::UnsupportedError(_) => PageError::UnsupportedColor {
            page: number,
            what: "a palette or CIE Lab TIFF page".into(),
        },
        other => err(other),
    })?;
    let icc = decoder.get_tag_u8_vec(Tag::IccProfile).ok();
    let resolution = tiff_resolution(decoder);
    let orientation = decoder
        .find_tag_unsigned::<u8>(Tag::Orientation)
        .ok()
        .flatten();
    let data = decoder.read_image().map_err(err)?;

    let corrupt = || PageError::Corrupt {
        page: number,
        detail: "the pixel data is shorter than the page size".into(),
    };
    let unsupported = |what: String| PageError::UnsupportedColor { page: number, what };
    let image = match (color, data) {
        (TiffColor::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            // The tiff crate has already applied WhiteIsZero, so a sample of all ones is
            // white whatever the file's polarity; only the packing is left to undo.
            DynamicImage::ImageLuma8(unpack_gray(&v, width, height, bits).ok_or_else(corrupt)?)
        }
        (TiffColor::Gray(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageLuma8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::Gray(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageLuma16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::GrayA(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageLumaA8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::GrayA(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageLumaA16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGB(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgb8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGB(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageRgb16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGBA(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgba8(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::RGBA(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageRgba16(buffer(width, height, v).ok_or_else(corrupt)?)
        }
        (TiffColor::CMYK(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgb8(cmyk8_to_rgb(&v, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::CMYK(16), DecodingResult::U16(v)) => {
            // Scans are 8-bit in practice; keeping the top byte loses nothing visible.
            let bytes: Vec<u8> = v.iter().map(|s| (s >> 8) as u8).collect();
            DynamicImage::ImageRgb8(cmyk8_to_rgb(&bytes, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::YCbCr(8), DecodingResult::U8(v)) => {
            // Only reachable for JPEG-compressed pages: the crate asks the JPEG decoder
            // not to convert colour, and refuses subsampled YCbCr in other compressions.
            DynamicImage::ImageRgb8(ycbcr_to_rgb(v, width, height).ok_or_else(corrupt)?)
        }
        (TiffColor::Palette(_), _) => return Err(unsupported("a palette TIFF page".into())),
        (c, _) => return Err(unsupported(format!("TIFF colour type {c:?}"))),
    };
    let image = match orientation.and_then(image::metadata::Orientation::from_exif) {
        Some(o) => {
            let mut image = image;
            image.apply_orientation(o);
            image
        }
        None => image,
    };
    let icc = icc.filter(|p| icc_matches(p, &image));
    // Orientations 5–8 turn the page a quarter: across becomes down.
    let resolution = match orientation {
        Some(5..=8) => resolution.map(super::Resolution::transposed),
        _ => resolution,
    };
    Ok(Page {
        number,
        image,
        icc,
        resolution,
    })
}

/// XResolution and YResolution in dots per inch (ResolutionUnit 2, the default, is
/// inches; 3 is centimetres; 1 means no unit, so no physical size).
fn tiff_resolution(decoder: &mut TiffDecoder<Cursor<&[u8]>>) -> Option<super::Resolution> {
    let mut rational = |tag| -> Option<f64> {
        match decoder.get_tag(tag).ok()? {
            tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => {
                Some(f64::from(n) / f64::from(d))
            }
            other => other.into_f64().ok(),
        }
    };
    let (x, y) = (rational(Tag::XResolution)?, rational(Tag::YResolution)?);
    let per_inch = match decoder
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
    {
        None | Some(2) => 1.0,
        Some(3) => 2.54,
        Some(_) => return None,
    };
    super::Resolution::new(x * per_inch, y * per_inch)
}

/// Counts the pages of a PDF without decoding any image.
pub fn pdf_page_count(bytes: &[u8]) -> Result<u32, PageError> {
    let doc = open_pdf(bytes)?;
    let count = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
    if count == 0 {
        return Err(PageError::NoPages);
    }
    Ok(count)
}

/// Each PDF page that holds exactly one image XObject (a scanner's page) becomes a
/// [`Page`], with the page's `/Rotate` and the image's placement applied so it comes out
/// upright. A page with no image, several images, or visible text or vector drawings
/// besides the image is [`PageError::NotAScannedImage`] ("page N is not a scanned
/// image"); an invisible OCR text layer (render mode 3) is accepted.
///
/// Images are decoded from DCTDecode (JPEG), FlateDecode/LZW/RunLength/ASCII (with PNG
/// and TIFF predictors) and CCITT Group 4; JBIG2, JPEG 2000 and CCITT Group 3 give
/// [`PageError::UnsupportedFilter`]. Soft masks are ignored: a scan is opaque.
///
/// Each page is decoded when it is taken.
pub fn pdf_pages(bytes: &[u8], max_pixels: u64) -> Result<Pages<'static>, PageError> {
    let doc = open_pdf(bytes)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PageError::NoPages);
    }
    if pages.len() > MAX_PAGES as usize {
        return Err(PageError::Pdf(format!("more than {MAX_PAGES} pages")));
    }
    Ok(Pages {
        count: pages.len() as u32,
        iter: Box::new(
            pages
                .into_iter()
                .map(move |(number, id)| pdf_page(&doc, id, number, max_pixels)),
        ),
    })
}

fn open_pdf(bytes: &[u8]) -> Result<Document, PageError> {
    let options = LoadOptions {
        // Object and cross-reference streams are tiny; this stops a bomb during loading.
        max_decompressed_size: Some(64 << 20),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PageError::Encrypted,
        other => PageError::Pdf(other.to_string()),
    })?;
    // lopdf opens files encrypted with an empty user password itself; anything still
    // marked encrypted needs a password we do not have.
    if doc.is_encrypted() {
        return Err(PageError::Encrypted);
    }
    Ok(doc)
}

/// How deep the page tree may be searched for inherited attributes: real files use a
/// handful of levels, a crafted one could loop.
const MAX_TREE_DEPTH: usize = 32;

/// An attribute a page inherits from its ancestors in the page tree (ISO 32000-1, 7.7.3.4).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..MAX_TREE_DEPTH {
        if let Ok(value) = node.get(key) {
            return doc.dereference(value).ok().map(|(_, v)| v);
        }
        node = node
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok()?;
    }
    None
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map_or(object, |(_, o)| o)
}

fn pdf_page(doc: &Document, id: ObjectId, number: u32, max_pixels: u64) -> Result<Page, PageError> {
    let corrupt = |detail: String| PageError::Corrupt {
        page: number,
        detail,
    };
    let page = doc.get_dictionary(id).map_err(|e| corrupt(e.to_string()))?;
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_float().ok())
        .map_or(0, |r| ((r / 90.0).round() as i64).rem_euclid(4));
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());

    // Content streams larger than this are not a scanner's `q … cm /Im0 Do Q` plus an
    // OCR layer; they are refused without reading further.
    let content = doc
        .get_page_content_with_limit(id, 32 << 20)
        .map_err(|e| corrupt(e.to_string()))?;
    let mut scan = ScanCheck::default();
    scan.walk(doc, &content, resources, Matrix::IDENTITY, 0)
        .map_err(|e| match e {
            WalkError::NotAScan => PageError::NotAScannedImage { page: number },
            WalkError::Syntax(detail) => corrupt(detail),
        })?;
    let (stream, matrix) = match scan.images.as_slice() {
        [one] => *one,
        _ => return Err(PageError::NotAScannedImage { page: number }),
    };
    let stream = doc
        .get_object(stream)
        .and_then(Object::as_stream)
        .map_err(|e| corrupt(e.to_string()))?;
    let (image, icc) = pdf_image(doc, stream, number, max_pixels)?;
    // The image's unit square is drawn `a b` across and `c d` down, in points (1/72 in).
    let [a, b, c, d, _, _] = matrix.0;
    let drawn = |pixels: u32, x: f32, y: f32| f64::from(pixels) * 72.0 / f64::from(x.hypot(y));
    let stored = super::Resolution::new(drawn(image.width(), a, b), drawn(image.height(), c, d));
    let image = match matrix.placement() {
        Placement::Upright { flip_h, flip_v } => flip(image, flip_h, flip_v),
        Placement::Transposed { flip_h, flip_v } => {
            // rotate90 then a horizontal flip is a transpose (rows become columns).
            flip(image.rotate90().fliph(), flip_h, flip_v)
        }
    };
    // /Rotate turns the page clockwise when shown (ISO 32000-1, 7.7.3.3).
    let image = match rotate {
        1 => image.rotate90(),
        2 => image.rotate180(),
        3 => image.rotate270(),
        _ => image,
    };
    let quarter_turned =
        matches!(matrix.placement(), Placement::Transposed { .. }) != (rotate % 2 == 1);
    let resolution = if quarter_turned {
        stored.map(super::Resolution::transposed)
    } else {
        stored
    };
    Ok(Page {
        number,
        image,
        icc,
        resolution,
    })
}

fn flip(image: DynamicImage, h: bool, v: bool) -> DynamicImage {
    let image = if h { image.fliph() } else { image };
    if v {
        image.flipv()
    } else {
        image
    }
}

/// A PDF transformation matrix `[a b c d e f]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

/// How an image's unit square lands on the page, to the nearest quarter turn.
enum Placement {
    Upright { flip_h: bool, flip_v: bool },
    Transposed { flip_h: bool, flip_v: bool },
}

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` applied first, then `outer` (PDF's `cm` pre-multiplies the CTM).
    fn then(self, outer: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = outer.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let mut m = [0.0f32; 6];
        if operands.len() != 6 {
            return None;
        }
        for (slot, o) in m.iter_mut().zip(operands) {
            *slot = o.as_float().ok()?;
        }
        Some(Matrix(m))
    }

    /// Image space has row 0 at the top (v = 1); page space has y up. Working out where
    /// the image's columns and rows go tells which flips or transpose show it as placed.
    /// Skewed placements snap to the dominant axis: a scan drawn 2° off is still upright.
    fn placement(self) -> Placement {
        let [a, b, c, d, _, _] = self.0;
        if a.abs() + d.abs() >= b.abs() + c.abs() {
            Placement::Upright {
                flip_h: a < 0.0,
                flip_v: d < 0.0,
            }
        } else {
            Placement::Transposed {
                flip_h: c > 0.0,
                flip_v: b > 0.0,
            }
        }
    }
}

enum WalkError {
    NotAScan,
    Syntax(String),
}

/// Walks a content stream, collecting the images it draws and refusing anything else
/// visible. Kept deliberately small: it only needs to recognise what scanners write.
#[derive(Default)]
struct ScanCheck {
    /// Image XObjects drawn, with the CTM at the time.
    images: Vec<(ObjectId, Matrix)>,
}

impl ScanCheck {
    fn walk(
        &mut self,
        doc: &Document,
        content: &[u8],
        resources: Option<&Dictionary>,
        start: Matrix,
        depth: usize,
    ) -> Result<(), WalkError> {
        let ops = Content::decode(content).map_err(|e| WalkError::Syntax(e.to_string()))?;
        let mut ctm = start;
        let mut render_mode = 0i64;
        let mut saved: Vec<(Matrix, i64)> = Vec::new();
        for op in &ops.operations {
            match op.operator.as_str() {
                "q" => saved.push((ctm, render_mode)),
                "Q" => {
                    if let Some((m, r)) = saved.pop() {
                        ctm = m;
                        render_mode = r;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(&op.operands) {
                        ctm = m.then(ctm);
                    }
                }
                "Tr" => {
                    render_mode = op
                        .operands
                        .first()
                        .and_then(|o| o.as_i64().ok())
                        .unwrap_or(0);
                }
                // Showing text is fine only when it is invisible (mode 3, or 7: clip only), which
                // is what an OCR layer uses.
                "Tj" | "TJ" | "'" | "\"" if !matches!(render_mode, 3 | 7) => {
                    return Err(WalkError::NotAScan)
                }
                // Painting a path or a shading draws something a scan does not have. `n`
                // (end a path unpainted, used after a clip) and path construction are fine.
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "sh" => {
                    return Err(WalkError::NotAScan)
                }
                // Inline images are used for small drawings, not page scans.
                "BI" | "ID" | "EI" => return Err(WalkError::NotAScan),
                "Do" => {
                    let name = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .ok_or(WalkError::NotAScan)?;
                    self.draw(doc, resources, name, ctm, depth)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn draw(
        &mut self,
        doc: &Document,
        resources: Option<&Dictionary>,
        name: &[u8],
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), WalkError> {
        let missing = || {
            WalkError::Syntax(format!(
                "the page uses a missing picture /{}",
                String::from_utf8_lossy(name)
            ))
        };
        let xobjects = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| deref(doc, o).as_dict().ok())
            .ok_or_else(missing)?;
        let id = xobjects
            .get(name)
            .and_then(Object::as_reference)
            .map_err(|_| missing())?;
        let stream = doc
            .get_object(id)
            .and_then(Object::as_stream)
            .map_err(|_| missing())?;
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => {
                self.images.push((id, ctm));
                Ok(())
            }
            // One level of Form XObject: some scanner software wraps the image in one.
            Ok(b"Form") if depth == 0 => {
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .ok()
                    .and_then(|a| Matrix::from_operands(a))
                    .unwrap_or(Matrix::IDENTITY);
                let inner = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| deref(doc, o).as_dict().ok())
                    .or(resources);
                let content = stream
                    .decompressed_content_with_limit(32 << 20)
                    .unwrap_or_else(|_| stream.content.clone());
                self.walk(doc, &content, inner, matrix.then(ctm), depth + 1)
            }
            _ => Err(WalkError::NotAScan),
        }
    }
}

/// The colour spaces an image may use, resolved to what decoding needs.
#[derive(Debug, Clone)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed {
        base: Box<Space>,
        hival: u32,
        lookup: Vec<u8>,
    },
}

impl Space {
    fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

/// Resolves a `/ColorSpace` value, returning the ICC profile bytes when it is ICCBased.
fn colour_space(
    doc: &Document,
    object: &Object,
    page: u32,
    depth: usize,
) -> Result<(Space, Option<Vec<u8>>), PageError> {
    let unsupported = |what: String| PageError::UnsupportedColor { page, what };
    let object = deref(doc, object);
    if let Ok(name) = object.as_name() {
        return match name {
            b"DeviceGray" | b"G" | b"CalGray" => Ok((Space::Gray, None)),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok((Space::Rgb, None)),
            b"DeviceCMYK" | b"CMYK" => Ok((Space::Cmyk, None)),
            other => Err(unsupported(format!(
                "the /{} colour space",
                String::from_utf8_lossy(other)
            ))),
        };
    }
    let array = object
        .as_array()
        .map_err(|_| unsupported("an unreadable colour space".into()))?;
    let family = array.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
    match family {
        b"ICCBased" => {
            let stream = array
                .get(1)
                .and_then(|o| deref(doc, o).as_stream().ok())
                .ok_or_else(|| unsupported("a damaged ICC colour space".into()))?;
            let n = stream.dict.get(b"N").and_then(Object::as_i64).unwrap_or(0);
            let space = match n {
                1 => Space::Gray,
                3 => Space::Rgb,
                4 => Space::Cmyk,
                _ => {
                    return Err(unsupported(format!(
                        "an ICC colour space with {n} channels"
                    )))
                }
            };
            // The profile is 0.5–4 KB in practice; a bigger claim is not a profile.
            let icc = stream.decompressed_content_with_limit(4 << 20).ok();
            Ok((space, icc))
        }
        b"CalGray" => Ok((Space::Gray, None)),
        b"CalRGB" => Ok((Space::Rgb, None)),
        b"Indexed" | b"I" if depth == 0 => {
            let (base, icc) = colour_space(
                doc,
                array
                    .get(1)
                    .ok_or_else(|| unsupported("a damaged palette".into()))?,
                page,
                1,
            )?;
            let hival = array
                .get(2)
                .and_then(|o| deref(doc, o).as_i64().ok())
                .filter(|h| (0..=255).contains(h))
                .ok_or_else(|| unsupported("a damaged palette".into()))?;
            let lookup = match array.get(3).map(|o| deref(doc, o)) {
                Some(Object::String(bytes, _)) => bytes.clone(),
                Some(Object::Stream(s)) => s
                    .decompressed_content_with_limit(4 * 256)
                    .map_err(|_| unsupported("a damaged palette".into()))?,
                _ => return Err(unsupported("a damaged palette".into())),
            };
            Ok((
                Space::Indexed {
                    base: Box::new(base),
                    hival: hival as u32,
                    lookup,
                },
                icc,
            ))
        }
        other => Err(unsupported(format!(
            "the /{} colour space",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// Decodes one image XObject, returning its pixels (as stored, not yet placed) and ICC.
fn pdf_image(
    doc: &Document,
    stream: &Stream,
    page: u32,
    max_pixels: u64,
) -> Result<(DynamicImage, Option<Vec<u8>>), PageError> {
    let dict = &stream.dict;
    let corrupt = |detail: &str| PageError::Corrupt {
        page,
        detail: detail.into(),
    };
    let int = |key: &[u8]| dict.get(key).ok().and_then(|o| deref(doc, o).as_i64().ok());
    let width = int(b"Width")
        .and_then(|w| u32::try_from(w).ok())
        .ok_or_else(|| corrupt("the picture has no valid /Width"))?;
    let height = int(b"Height")
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| corrupt("the picture has no valid /Height"))?;
    check_pixels(page, width, height, max_pixels)?;

    let mask = dict
        .get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false);
    let (space, icc) = if mask {
        // A stencil mask paints the fill colour (black in scans) where a sample is 0,
        // which is exactly a 1-bit DeviceGray image with the same Decode array.
        (Space::Gray, None)
    } else {
        match dict.get(b"ColorSpace") {
            Ok(cs) => colour_space(doc, cs, page, 0)?,
            // Only JPEG and JPEG 2000 images may omit it; the codec then knows.
            Err(_) => (Space::Rgb, None),
        }
    };
    let bits = if mask {
        1
    } else {
        int(b"BitsPerComponent").unwrap_or(8)
    };
    let decode: Option<Vec<f32>> = dict
        .get(b"Decode")
        .ok()
        .and_then(|o| deref(doc, o).as_array().ok())
        .map(|a| a.iter().filter_map(|o| o.as_float().ok()).collect());

    let filters: Vec<Vec<u8>> = match dict.get(b"Filter").map(|o| deref(doc, o)) {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    let params: Vec<Option<&Dictionary>> = match dict.get(b"DecodeParms").map(|o| deref(doc, o)) {
        Ok(Object::Dictionary(d)) => vec![Some(d)],
        Ok(Object::Array(a)) => a.iter().map(|o| deref(doc, o).as_dict().ok()).collect(),
        _ => Vec::new(),
    };
    let (last, last_params) = match filters.last() {
        Some(f) => (
            f.as_slice(),
            params.get(filters.len() - 1).copied().flatten(),
        ),
        None => (&b""[..], None),
    };
    let is_codec = matches!(
        last,
        b"DCTDecode" | b"DCT" | b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode" | b"JPXDecode"
    );
    let unsupported = |filter: &str| PageError::UnsupportedFilter {
        page,
        filter: filter.into(),
    };
    match last {
        b"JBIG2Decode" => return Err(unsupported("JBIG2 (a bilevel compression)")),
        b"JPXDecode" => return Err(unsupported("JPEG 2000 (JPXDecode)")),
        _ => {}
    }

    // Samples as stored: packed rows of `components × bits` per pixel.
    let row_bytes = (u64::from(width) * space.components() as u64 * bits.max(1) as u64).div_ceil(8);
    let expected = row_bytes.saturating_mul(u64::from(height));
    // Compressed codecs (JPEG, fax) are far smaller than their pixels; raw samples are
    // the expected size plus whatever padding an encoder left.
    let limit = usize::try_from(
        expected
            .saturating_add(expected / 4)
            .saturating_add(1 << 16),
    )
    .unwrap_or(usize::MAX);
    let data = if is_codec {
        transport_decode(stream, &filters[..filters.len() - 1], &params, limit)
    } else {
        stream.decompressed_content_with_limit(limit)
    }
    .map_err(|e| match e {
        lopdf::Error::Unimplemented(_) => unsupported(&format!(
            "{} (a compression scanfit does not know)",
            filters
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect::<Vec<_>>()
                .join(" + ")
        )),
        other => PageError::Corrupt {
            page,
            detail: other.to_string(),
        },
    })?;

    match last {
        b"DCTDecode" | b"DCT" => {
            let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(&data))?;
            let (w, h) = decoder.dimensions();
            check_pixels(page, w, h, max_pixels)?;
            let embedded = decoder.icc_profile().ok().flatten();
            drop(decoder);
            // The strict decoder: a damaged page is refused like a damaged JPEG file.
            // CMYK pages keep the generic conversion (as TIFF CMYK pages do): the PDF's
            // colour space, not the JPEG, says which profile applies.
            let (mut image, _) = super::jpeg_image(
                super::jpeg::decode(&data)
                    .map_err(|e| match e {
                        super::jpeg::JpegError::Damaged(damage) => {
                            PageError::CorruptData { page, damage }
                        }
                        super::jpeg::JpegError::Unreadable(detail) => {
                            PageError::Corrupt { page, detail }
                        }
                    })?
                    .samples,
                None,
            );
            // The JPEG decoder already undoes Adobe's inverted CMYK, which is exactly what
            // a `/Decode [1 0 1 0 1 0 1 0]` array compensates for in other readers, so it
            // must not be applied a second time. For grey or RGB an inverted Decode is a
            // real negative and is honoured.
            if !matches!(space, Space::Cmyk) && decode.as_deref().is_some_and(is_inverted) {
                image.invert();
            }
            let icc = icc.or(embedded).filter(|p| icc_matches(p, &image));
            Ok((image, icc))
        }
        b"CCITTFaxDecode" | b"CCF" => {
            let samples = ccitt_to_bits(&data, last_params, width, height, page)?;
            let image = gray_from_bits(&samples, width, height, 1, decode.as_deref())
                .ok_or_else(|| corrupt("the fax data is shorter than the page"))?;
            Ok((DynamicImage::ImageLuma8(image), None))
        }
        _ => {
            if !matches!(bits, 1 | 2 | 4 | 8 | 16) {
                return Err(PageError::UnsupportedColor {
                    page,
                    what: format!("{bits} bits per sample"),
                });
            }
            let bits = bits as u8;
            let short = || corrupt("the picture data is shorter than its size");
            let image = raw_samples(&data, width, height, bits, &space, decode.as_deref())
                .ok_or_else(short)?;
            let icc = icc.filter(|p| icc_matches(p, &image));
            Ok((image, icc))
        }
    }
}

/// A Decode array that maps every component from 1 down to 0: a negative.
fn is_inverted(decode: &[f32]) -> bool {
    !decode.is_empty() && decode.chunks(2).all(|pair| matches!(pair, [a, b] if a > b))
}

/// Applies the general-purpose filters that precede an image codec (for example
/// `[/ASCII85Decode /DCTDecode]`) and returns the codec's input.
fn transport_decode(
    stream: &Stream,
    filters: &[Vec<u8>],
    params: &[Option<&Dictionary>],
    limit: usize,
) -> lopdf::Result<Vec<u8>> {
    if filters.is_empty() {
        return Ok(stream.content.clone());
    }
    let mut dict = Dictionary::new();
    dict.set(
        "Filter",
        Object::Array(filters.iter().map(|f| Object::Name(f.clone())).collect()),
    );
    dict.set(
        "DecodeParms",
        Object::Array(
            filters
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    params
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or(Object::Null, |d| Object::Dictionary(d.clone()))
                })
                .collect(),
        ),
    );
    Stream::new(dict, stream.content.clone()).decompressed_content_with_limit(limit.max(64 << 20))
}

/// Decodes CCITT fax data into packed 1-bit rows, 1 meaning what the PDF filter defines
/// (white unless `/BlackIs1` is true).
///
/// Group 4 data is wrapped in a minimal in-memory TIFF so the `tiff` crate's decoder
/// does the work; TIFF and PDF share the same fax coding.
fn ccitt_to_bits(
    data: &[u8],
    params: Option<&Dictionary>,
    width: u32,
    height: u32,
    page: u32,
) -> Result<Vec<u8>, PageError> {
    let get = |key: &[u8]| params.and_then(|p| p.get(key).ok());
    let k = get(b"K").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    let columns = get(b"Columns")
        .and_then(|o| o.as_i64().ok())
        .and_then(|c| u32::try_from(c).ok())
        .unwrap_or(1728);
    let rows = get(b"Rows")
        .and_then(|o| o.as_i64().ok())
        .and_then(|r| u32::try_from(r).ok())
        .filter(|&r| r > 0)
        .unwrap_or(height);
    let black_is_1 = get(b"BlackIs1")
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    if k >= 0 {
        return Err(PageError::UnsupportedFilter {
            page,
            filter: "CCITT Group 3 fax (K ≥ 0)".into(),
        });
    }
    if columns != width || rows < height {
        return Err(PageError::Corrupt {
            page,
            detail: format!("the fax data is {columns}×{rows} for a {width}×{height} picture"),
        });
    }
    // TIFF's WhiteIsZero (0) makes the tiff crate return 1 for white, matching the PDF
    // default; with BlackIs1 the PDF wants 1 for black, which BlackIsZero (1) returns.
    let photometric = u16::from(black_is_1);
    let tiff = wrap_g4_in_tiff(data, columns, rows, photometric);
    let mut decoder =
        TiffDecoder::new(Cursor::new(tiff.as_slice())).map_err(|e| tiff_page_error(page, e))?;
    match decoder.read_image().map_err(|e| tiff_page_error(page, e))? {
        DecodingResult::U8(v) => Ok(v),
        _ => Err(PageError::Corrupt {
            page,
            detail: "the fax data did not decode to 1-bit rows".into(),
        }),
    }
}

/// A little-endian TIFF with one Group 4 strip: header, nine IFD entries, then the data.
fn wrap_g4_in_tiff(data: &[u8], width: u32, height: u32, photometric: u16) -> Vec<u8> {
    const ENTRIES: u16 = 9;
    let ifd_len = 2 + usize::from(ENTRIES) * 12 + 4;
    let data_offset = 8 + ifd_len as u32;
    let byte_count = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(8 + ifd_len + data.len());
    out.extend_from_slice(b"II");
    out.extend_from_slice(&42u16.to_le_bytes());
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&ENTRIES.to_le_bytes());
    // (tag, type: 3 SHORT / 4 LONG, value), in ascending tag order as TIFF requires.
    let entries: [(u16, u16, u32); ENTRIES as usize] = [
        (256, 4, width),
        (257, 4, height),
        (258, 3, 1),
        (259, 3, 4), // Compression: CCITT T.6 (Group 4)
        (262, 3, u32::from(photometric)),
        (273, 4, data_offset),
        (277, 3, 1),
        (278, 4, height),
        (279, 4, byte_count),
    ];
    for (tag, kind, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Turns raw PDF samples into an image, applying the Decode array and the colour space.
fn raw_samples(
    data: &[u8],
    width: u32,
    height: u32,
    bits: u8,
    space: &Space,
    decode: Option<&[f32]>,
) -> Option<DynamicImage> {
    let w = width as usize;
    let h = height as usize;
    let n = space.components();
    let row_bytes = (w * n * usize::from(bits)).div_ceil(8);
    if data.len() < row_bytes.checked_mul(h)? {
        return None;
    }
    let max = ((1u32 << bits) - 1) as f32;
    // Decode maps a sample s in 0..=max to dmin + s·(dmax − dmin)/max (ISO 32000-1, 8.9.5.2).
    let range = |c: usize, default_max: f32| -> (f32, f32) {
        match decode {
            Some(d) if d.len() >= 2 * (c + 1) => (d[2 * c], d[2 * c + 1]),
            _ => (0.0, default_max),
        }
    };
    let sample = |row: &[u8], i: usize| -> u32 {
        let bit = i * usize::from(bits);
        match bits {
            16 => u32::from(u16::from_be_bytes([row[bit / 8], row[bit / 8 + 1]])),
            8 => u32::from(row[bit / 8]),
            _ => u32::from((row[bit / 8] >> (8 - usize::from(bits) - bit % 8)) & ((1 << bits) - 1)),
        }
    };
    let rows = data.chunks_exact(row_bytes).take(h);
    match space {
        Space::Indexed {
            base,
            hival,
            lookup,
        } => {
            let (dmin, dmax) = range(0, max);
            let bn = base.components();
            let mut out = Vec::with_capacity(w * h * bn);
            for row in rows {
                for x in 0..w {
                    let s = sample(row, x) as f32;
                    let index = (dmin + s * (dmax - dmin) / max)
                        .round()
                        .clamp(0.0, *hival as f32);
                    let at = index as usize * bn;
                    // A short palette is padded with black rather than refused.
                    for c in 0..bn {
                        out.push(lookup.get(at + c).copied().unwrap_or(0));
                    }
                }
            }
            match **base {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma8),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb8),
                Space::Cmyk => cmyk8_to_rgb(&out, width, height).map(DynamicImage::ImageRgb8),
                Space::Indexed { .. } => None,
            }
        }
        _ if bits == 16 => {
            let mut out: Vec<u16> = Vec::with_capacity(w * h * n);
            for row in rows {
                for x in 0..w {
                    for c in 0..n {
                        let (dmin, dmax) = range(c, 1.0);
                        let v = dmin + sample(row, x * n + c) as f32 * (dmax - dmin) / max;
                        out.push((v.clamp(0.0, 1.0) * 65535.0).round() as u16);
                    }
                }
            }
            match space {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma16),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb16),
                _ => {
                    let bytes: Vec<u8> = out.iter().map(|s| (s >> 8) as u8).collect();
                    cmyk8_to_rgb(&bytes, width, height).map(DynamicImage::ImageRgb8)
                }
            }
        }
        _ => {
            let mut out: Vec<u8> = Vec::with_capacity(w * h * n);
            for row in rows {
                for x in 0..w {
                    for c in 0..n {
                        let (dmin, dmax) = range(c, 1.0);
                        let v = dmin + sample(row, x * n + c) as f32 * (dmax - dmin) / max;
                        out.push((v.clamp(0.0, 1.0) * 255.0).round() as u8);
                    }
                }
            }
            match space {
                Space::Gray => buffer(width, height, out).map(DynamicImage::ImageLuma8),
                Space::Rgb => buffer(width, height, out).map(DynamicImage::ImageRgb8),
                _ => cmyk8_to_rgb(&out, width, height).map(DynamicImage::ImageRgb8),
            }
        }
    }
}

/// Packed 1/2/4-bit grey rows (MSB first, rows padded to a byte) to 8-bit grey.
fn unpack_gray(data: &[u8], width: u32, height: u32, bits: u8) -> Option<GrayImage> {
    gray_from_bits(data, width, height, bits, None)
}

/// Like [`unpack_gray`], with an optional PDF Decode array (`[1 0]` swaps black and white).
fn gray_from_bits(
    data: &[u8],
    width: u32,
    height: u32,
    bits: u8,
    decode: Option<&[f32]>,
) -> Option<GrayImage> {
    let image = raw_samples(data, width, height, bits, &Space::Gray, decode)?;
    match image {
        DynamicImage::ImageLuma8(g) => Some(g),
        _ => None,
    }
}

fn buffer<P: image::Pixel>(
    width: u32,
    height: u32,
    mut data: Vec<P::Subpixel>,
) -> Option<ImageBuffer<P, Vec<P::Subpixel>>> {
    let len = (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(usize::from(P::CHANNEL_COUNT))?;
    if data.len() < len {
        return None;
    }
    // Decoders may hand back row padding or a trailing partial strip; keep what fits.
    data.truncate(len);
    ImageBuffer::from_raw(width, height, data)
}

/// Naive CMYK → RGB (no profile): each ink removes its share of light. Good enough for
/// scans of paper, which is what CMYK pages from scanners are.
fn cmyk8_to_rgb(data: &[u8], width: u32, height: u32) -> Option<RgbImage> {
    let pixels = (width as usize).checked_mul(height as usize)?;
    if data.len() < pixels.checked_mul(4)? {
        return None;
    }
    let out = data
        .chunks_exact(4)
        .take(pixels)
        .flat_map(|p| {
            let k = 255 - u32::from(p[3]);
            let ink = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
            [ink(p[0]), ink(p[1]), ink(p[2])]
        })
        .collect();
    ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, out)
}

/// Full-range BT.601 YCbCr (what JPEG uses) to RGB.
fn ycbcr_to_rgb(mut data: Vec<u8>, width: u32, height: u32) -> Option<RgbImage> {
    for p in data.chunks_exact_mut(3) {
        let y = f32::from(p[0]);
        let cb = f32::from(p[1]) - 128.0;
        let cr = f32::from(p[2]) - 128.0;
        p[0] = (y + 1.402 * cr).round().clamp(0.0, 255.0) as u8;
        p[1] = (y - 0.344_136 * cb - 0.714_136 * cr)
            .round()
            .clamp(0.0, 255.0) as u8;
        p[2] = (y + 1.772 * cb).round().clamp(0.0, 255.0) as u8;
    }
    buffer::<Rgb<u8>>(width, height, data)
}

/// An ICC profile only travels with pixels it describes: its header's colour space
/// (bytes 16–19) must match the decoded channels, so a CMYK profile is dropped once the
/// pixels are RGB.
fn icc_matches(profile: &[u8], image: &DynamicImage) -> bool {
    let Some(space) = profile.get(16..20) else {
        return false;
    };
    let gray = matches!(
        image.color(),
        image::ColorType::L8
            | image::ColorType::L16
            | image::ColorType::La8
            | image::ColorType::La16
    );
    if gray {
        space == b"GRAY"
    } else {
        space == b"RGB "
    }
}

/// Refuses a page over the pixel limit (or with no pixels) before anything is decoded.
fn check_pixels(page: u32, width: u32, height: u32, max: u64) -> Result<(), PageError> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > max {
        return Err(PageError::TooManyPixels {
            page,
            width,
            height,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    const MAX: u64 = 100_000_000;

    fn ok_pages(pages: Pages) -> Vec<Page> {
        pages.map(|p| p.unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    fn all(pages: Result<Pages, PageError>) -> Vec<Result<Page, PageError>> {
        pages.unwrap().collect()
    }

    fn rgb(page: &Page, x: u32, y: u32) -> [u8; 3] {
        page.image.to_rgb8().get_pixel(x, y).0
    }

    fn near(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
    }

    #[test]
    fn tiff_three_pages_mixed_compressions() {
        let bytes = fixture("three_pages.tif");
        assert_eq!(tiff_page_count(&bytes).unwrap(), 3);
        let pages = ok_pages(tiff_pages(&bytes, MAX).unwrap());
        let sizes: Vec<_> = pages.iter().map(|p| p.image.dimensions()).collect();
        assert_eq!(sizes, [(64, 48), (40, 30), (80, 60)]);
        assert_eq!(
            pages.iter().map(|p| p.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        // Page 1, LZW RGB: red left half, blue right half.
        assert_eq!(rgb(&pages[0], 5, 5), [255, 0, 0]);
        assert_eq!(rgb(&pages[0], 60, 40), [0, 0, 255]);
        // Page 2, Deflate grey: 50 % grey with a black top-left square.
        assert!(matches!(pages[1].image, DynamicImage::ImageLuma8(_)));
        assert_eq!(rgb(&pages[1], 2, 2), [0, 0, 0]);
        assert!(near(rgb(&pages[1], 30, 20), [128, 128, 128], 1));
        // Page 3, Group 4 min-is-white: white paper, black rectangle.
        assert_eq!(rgb(&pages[2], 1, 1), [255, 255, 255]);
        assert_eq!(rgb(&pages[2], 40, 30), [0, 0, 0]);
    }

    #[test]
    fn tiff_g4_min_is_black_keeps_paper_white() {
        let pages = ok_pages(tiff_pages(&fixture("g4_min_is_black.tif"), MAX).unwrap());
        assert_eq!(pages[0].image.dimensions(), (32, 16));
        assert_eq!(rgb(&pages[0], 20, 10), [255, 255, 255]);
        assert_eq!(rgb(&pages[0], 3, 3), [0, 0, 0]);
    }

    #[test]
    fn tiff_cmyk_16bit_and_jpeg_pages() {
        let cmyk = ok_pages(tiff_pages(&fixture("cmyk_packbits.tif"), MAX).unwrap());
        assert_eq!(rgb(&cmyk[0], 8, 8), [0, 255, 255]);
        let deep = ok_pages(tiff_pages(&fixture("rgb16.tif"), MAX).unwrap());
        assert!(matches!(deep[0].image, DynamicImage::ImageRgb16(_)));
        assert_eq!(rgb(&deep[0], 8, 8), [0, 255, 0]);
        let jpeg = ok_pages(tiff_pages(&fixture("jpeg_ycbcr.tif"), MAX).unwrap());
        assert_eq!(jpeg[0].image.dimensions(), (64, 48));
        assert!(near(rgb(&jpeg[0], 5, 5), [255, 0, 0], 8));
        assert!(near(rgb(&jpeg[0], 60, 40), [0, 0, 255], 8));
    }

    #[test]
    fn tiff_palette_page_is_a_readable_error() {
        let pages = all(tiff_pages(&fixture("palette.tif"), MAX));
        let err = pages.into_iter().next().unwrap().unwrap_err();
        assert!(
            matches!(err, PageError::UnsupportedColor { page: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn tiff_max_pixels_refused_before_decoding() {
        let pages = all(tiff_pages(&fixture("three_pages.tif"), 2_000));
        // 64×48 = 3072 and 80×60 = 4800 exceed 2000; 40×30 = 1200 does not.
        assert!(matches!(
            pages[0],
            Err(PageError::TooManyPixels {
                page: 1,
                width: 64,
                height: 48,
                max: 2_000
            })
        ));
        assert!(pages[1].is_ok());
        assert!(matches!(
            pages[2],
            Err(PageError::TooManyPixels { page: 3, .. })
        ));
    }

    #[test]
    fn pdf_scanner_pages_jpeg_and_g4() {
        let bytes = fixture("scan_2pages.pdf");
        assert_eq!(pdf_page_count(&bytes).unwrap(), 2);
        let pages = ok_pages(pdf_pages(&bytes, MAX).unwrap());
        assert_eq!(pages[0].image.dimensions(), (120, 80));
        assert!(near(rgb(&pages[0], 10, 40), [220, 30, 30], 6));
        assert!(near(rgb(&pages[0], 110, 40), [30, 200, 30], 6));
        assert_eq!(pages[1].image.dimensions(), (80, 60));
        assert_eq!(
            rgb(&pages[1], 1, 1),
            [255, 255, 255],
            "paper must stay white"
        );
        assert_eq!(rgb(&pages[1], 40, 30), [0, 0, 0]);
    }

    #[test]
    fn pdf_flate_one_bit_with_rotate_90() {
        let pages = ok_pages(pdf_pages(&fixture("flate_gray_rotate90.pdf"), MAX).unwrap());
        // Stored 40×20 with the black half on the left; /Rotate 90 turns it clockwise,
        // so it stands 20×40 with the black half at the top.
        assert_eq!(pages[0].image.dimensions(), (20, 40));
        assert_eq!(rgb(&pages[0], 10, 5), [0, 0, 0]);
        assert_eq!(rgb(&pages[0], 10, 35), [255, 255, 255]);
    }

    #[test]
    fn pdf_flate_gray_palette_and_16_bit() {
        let pages = ok_pages(pdf_pages(&fixture("flate_variety.pdf"), MAX).unwrap());
        assert_eq!(pages.len(), 3);
        // Page 1: 8-bit grey gradient, 253 at the left edge down to 1 at the right.
        assert_eq!(pages[0].image.dimensions(), (64, 8));
        assert_eq!(rgb(&pages[0], 0, 4), [253, 253, 253]);
        assert_eq!(rgb(&pages[0], 63, 4), [1, 1, 1]);
        // Page 2: /Indexed palette, orange left and purple right.
        assert_eq!(rgb(&pages[1], 2, 2), [255, 165, 0]);
        assert_eq!(rgb(&pages[1], 20, 2), [128, 0, 128]);
        // Page 3: 16-bit RGB red.
        assert!(matches!(pages[2].image, DynamicImage::ImageRgb16(_)));
        assert_eq!(rgb(&pages[2], 5, 5), [255, 0, 0]);
    }

    #[test]
    fn pdf_adobe_cmyk_jpeg_is_not_inverted_twice() {
        let pages = ok_pages(pdf_pages(&fixture("cmyk_dct.pdf"), MAX).unwrap());
        assert!(
            near(rgb(&pages[0], 8, 8), [0, 255, 255], 8),
            "{:?}",
            rgb(&pages[0], 8, 8)
        );
    }

    #[test]
    fn pdf_text_vector_and_two_image_pages_are_refused_by_number() {
        let bytes = fixture("mixed_content.pdf");
        assert_eq!(pdf_page_count(&bytes).unwrap(), 6);
        let pages = all(pdf_pages(&bytes, MAX));
        let page1 = pages[0].as_ref().unwrap();
        assert_eq!(page1.image.dimensions(), (8, 6));
        assert_eq!(rgb(page1, 4, 3), [0, 0, 255]);
        assert_eq!(
            page1.icc.as_ref().map(Vec::len),
            Some(564),
            "ICCBased profile returned"
        );
        let err = pages[1].as_ref().unwrap_err();
        assert!(matches!(err, PageError::NotAScannedImage { page: 2 }));
        assert!(err.to_string().starts_with("page 2 is not a scanned image"));
        assert!(pages[2].is_ok(), "an invisible OCR layer is still a scan");
        assert!(matches!(
            pages[3],
            Err(PageError::NotAScannedImage { page: 4 })
        ));
        assert!(matches!(
            pages[4],
            Err(PageError::NotAScannedImage { page: 5 })
        ));
        assert_eq!(
            rgb(pages[5].as_ref().unwrap(), 1, 1),
            [0, 0, 255],
            "image in a Form"
        );
    }

    #[test]
    fn pdf_real_scanner_and_ocrmypdf_files() {
        // Kodak Capture Desktop: one G4 page without /Rows or /BlackIs1.
        let kodak = ok_pages(pdf_pages(&fixture("kcs.pdf"), MAX).unwrap());
        assert_eq!(kodak[0].image.dimensions(), (1914, 930));
        let gray = kodak[0].image.to_luma8();
        let white = gray.pixels().filter(|p| p.0[0] == 255).count();
        assert!(white * 2 > gray.len(), "paper must be mostly white");
        // OCRmyPDF output: a JPEG page under an invisible text layer.
        let ocr = ok_pages(pdf_pages(&fixture("graph_ocred.pdf"), MAX).unwrap());
        assert_eq!(ocr[0].image.dimensions(), (958, 400));
    }

    #[test]
    fn pdf_jbig2_is_unsupported_filter() {
        let pages = all(pdf_pages(&fixture("jbig2.pdf"), MAX));
        let err = pages[0].as_ref().unwrap_err();
        assert!(
            matches!(err, PageError::UnsupportedFilter { page: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn pdf_max_pixels_refused() {
        let pages = all(pdf_pages(&fixture("scan_2pages.pdf"), 5_000));
        // 120×80 = 9600 is over the limit; 80×60 = 4800 is not.
        assert!(matches!(
            pages[0],
            Err(PageError::TooManyPixels {
                page: 1,
                width: 120,
                height: 80,
                ..
            })
        ));
        assert!(pages[1].is_ok());
    }

    #[test]
    fn garbage_and_truncated_input_give_errors_not_panics() {
        let garbage = b"this is not a scan at all".as_slice();
        assert!(tiff_page_count(garbage).is_err());
        assert!(tiff_pages(garbage, MAX).is_err());
        assert!(pdf_page_count(garbage).is_err());
        assert!(pdf_pages(garbage, MAX).is_err());
        assert!(tiff_pages(b"II*\0", MAX).is_err());
        for name in [
            "three_pages.tif",
            "scan_2pages.pdf",
            "kcs.pdf",
            "mixed_content.pdf",
        ] {
            let bytes = fixture(name);
            for cut in [8, bytes.len() / 3, bytes.len() / 2, bytes.len() - 40] {
                let short = &bytes[..cut];
                let outcome = if name.ends_with(".tif") {
                    tiff_pages(short, MAX)
                } else {
                    pdf_pages(short, MAX)
                };
                let all_fine = outcome.is_ok_and(|mut pages| pages.all(|p| p.is_ok()));
                // Lenient PDF repair may recover pages whose data lies before the cut,
                // so only the halves (which cut through image data) must fail somewhere.
                if cut == bytes.len() / 2 || cut == 8 {
                    assert!(!all_fine, "{name} cut at {cut} decoded without complaint");
                }
            }
        }
    }
}
