//! Scanner PDFs, one picture per page.
//!
//! PDF pages are accepted only when they *are* a scan: the page draws exactly one
//! image and nothing else visible. That is what scanners, `img2pdf` and phone scanning
//! apps write, and an invisible OCR text layer (text render mode 3, as added by OCRmyPDF
//! or the scanner's own OCR) is allowed on top. Such a page's pixels are the embedded
//! image itself, so no renderer is needed: a PDF renderer (pdfium, MuPDF, poppler) would
//! bring a large C/C++ dependency, licensing questions (MuPDF is AGPL) and a resolution
//! choice, all to reproduce pixels the file already holds. A page with text, vector
//! drawings or several images cannot be reproduced faithfully without one, so it is
//! refused as [`PageError::NotAScannedImage`] rather than converted into something that
//! silently lacks part of the page.

use image::DynamicImage;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

use super::jbig2::{self, Jbig2Error};
use super::jpeg2000::{self, Jpeg2000Error};
use super::limits::DecodeLimits;
use super::pages::{Page, PageError, MAX_PAGES};
use super::samples::{gray_from_bits, icc_matches, raw_samples, Space};
use crate::error::Problem;
use crate::metadata::Resolution;

/// Counts the pages of a PDF without decoding any image.
pub fn page_count(bytes: &[u8]) -> Result<u32, PageError> {
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
/// Images are decoded from DCTDecode (JPEG), JPXDecode (JPEG 2000, through
/// [`jpeg2000`]), FlateDecode/LZW/RunLength/ASCII (with PNG and TIFF predictors) and
/// CCITT Group 4, and JBIG2 (through [`jbig2`], when the system has jbig2dec); CCITT
/// Group 3 gives [`PageError::UnsupportedFilter`]. Soft masks are ignored: a scan is
/// opaque.
///
/// Returns the page count and the pages, each decoded when it is taken.
pub fn pages(
    bytes: &[u8],
    limits: DecodeLimits,
) -> Result<(u32, impl Iterator<Item = Result<Page, Problem>>), PageError> {
    let doc = open_pdf(bytes)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PageError::NoPages);
    }
    if pages.len() > MAX_PAGES as usize {
        return Err(PageError::Pdf(format!("more than {MAX_PAGES} pages")));
    }
    let count = pages.len() as u32;
    let pages = pages
        .into_iter()
        .map(move |(number, id)| pdf_page(&doc, id, number, limits));
    Ok((count, pages))
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

fn pdf_page(
    doc: &Document,
    id: ObjectId,
    number: u32,
    limits: DecodeLimits,
) -> Result<Page, Problem> {
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
        _ => return Err(PageError::NotAScannedImage { page: number }.into()),
    };
    let stream = doc
        .get_object(stream)
        .and_then(Object::as_stream)
        .map_err(|e| corrupt(e.to_string()))?;
    let (image, icc) = pdf_image(doc, stream, number, limits)?;
    let resolution = matrix.resolution(image.width(), image.height());
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
    // Turned a quarter by the placement or by /Rotate (not both): across becomes down.
    let quarter_turned =
        matches!(matrix.placement(), Placement::Transposed { .. }) != (rotate % 2 == 1);
    let resolution = if quarter_turned {
        resolution.map(Resolution::transposed)
    } else {
        resolution
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

    /// The resolution of an image of `width` × `height` pixels drawn by this matrix:
    /// its unit square is drawn `a b` across and `c d` down, in points (1/72 inch).
    fn resolution(self, width: u32, height: u32) -> Option<Resolution> {
        let [a, b, c, d, _, _] = self.0;
        let per_inch =
            |pixels: u32, x: f32, y: f32| f64::from(pixels) * 72.0 / f64::from(x.hypot(y));
        Resolution::new(per_inch(width, a, b), per_inch(height, c, d))
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
    limits: DecodeLimits,
) -> Result<(DynamicImage, Option<Vec<u8>>), Problem> {
    let dict = &stream.dict;
    let corrupt = |detail: &str| PageError::Corrupt {
        page,
        detail: detail.into(),
    };
    let width = int(doc, dict, b"Width")
        .and_then(|w| u32::try_from(w).ok())
        .ok_or_else(|| corrupt("the picture has no valid /Width"))?;
    let height = int(doc, dict, b"Height")
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| corrupt("the picture has no valid /Height"))?;
    limits.check(width, height)?;
    let layout = Layout::of(doc, dict, width, height, page)?;
    let data = image_data(doc, stream, layout.stored_len(), page)?;
    decode_image(data, layout, page, limits)
}

/// An integer entry of `dict`, following a reference.
fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key).ok().and_then(|o| deref(doc, o).as_i64().ok())
}

/// How an image's samples are laid out and what they mean, from its dictionary.
struct Layout {
    width: u32,
    height: u32,
    space: Space,
    /// The colour space's ICC profile, if it is ICCBased.
    icc: Option<Vec<u8>>,
    /// Bits per sample, as the file states it (checked where raw samples are read).
    bits: i64,
    /// The Decode array, if any.
    decode: Option<Vec<f32>>,
}

impl Layout {
    fn of(
        doc: &Document,
        dict: &Dictionary,
        width: u32,
        height: u32,
        page: u32,
    ) -> Result<Layout, PageError> {
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
            int(doc, dict, b"BitsPerComponent").unwrap_or(8)
        };
        let decode: Option<Vec<f32>> = dict
            .get(b"Decode")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .map(|a| a.iter().filter_map(|o| o.as_float().ok()).collect());
        Ok(Layout {
            width,
            height,
            space,
            icc,
            bits,
            decode,
        })
    }

    /// The size of the samples as stored: packed rows of `components × bits` per pixel.
    fn stored_len(&self) -> u64 {
        let row_bytes =
            (u64::from(self.width) * self.space.components() as u64 * self.bits.max(1) as u64)
                .div_ceil(8);
        row_bytes.saturating_mul(u64::from(self.height))
    }
}

/// An image stream's data with the general-purpose filters undone: raw samples, or the
/// input of the image codec named by `codec`.
struct ImageData<'a> {
    data: Vec<u8>,
    /// The stream's last filter (empty when it has none): an image codec, or a
    /// general-purpose filter already undone.
    codec: Vec<u8>,
    /// The last filter's parameters.
    params: Option<&'a Dictionary>,
    /// A JBIG2 image's `/JBIG2Globals` data (the symbols its pages share), decompressed.
    globals: Option<Vec<u8>>,
}

/// Reads an image stream's data, refusing the codecs scanfit cannot decode. `stored` is
/// the size of the raw samples, which bounds what decompression may produce.
fn image_data<'a>(
    doc: &'a Document,
    stream: &'a Stream,
    stored: u64,
    page: u32,
) -> Result<ImageData<'a>, PageError> {
    let dict = &stream.dict;
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

    // Compressed codecs (JPEG, fax) are far smaller than their pixels; raw samples are
    // the expected size plus whatever padding an encoder left.
    let limit = usize::try_from(stored.saturating_add(stored / 4).saturating_add(1 << 16))
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
    let globals = if last == b"JBIG2Decode" {
        jbig2_globals(doc, last_params, limit, page)?
    } else {
        None
    };
    Ok(ImageData {
        data,
        codec: last.to_vec(),
        params: last_params,
        globals,
    })
}

/// The data of a JBIG2 image's `/JBIG2Globals` stream, if it names one. One stream
/// serves every page of a document, so it is bounded like the filters before a codec,
/// not by this page's size.
fn jbig2_globals(
    doc: &Document,
    params: Option<&Dictionary>,
    limit: usize,
    page: u32,
) -> Result<Option<Vec<u8>>, PageError> {
    let Some(object) = params.and_then(|p| p.get(b"JBIG2Globals").ok()) else {
        return Ok(None);
    };
    let damaged = |detail: String| PageError::Corrupt { page, detail };
    let stream = deref(doc, object)
        .as_stream()
        .map_err(|_| damaged("the picture's /JBIG2Globals is not a stream".into()))?;
    stream
        .decompressed_content_with_limit(limit.max(64 << 20))
        .map_err(|e| damaged(e.to_string()))
        .map(Some)
}

/// Turns an image's data into pixels with its codec, or as raw samples.
fn decode_image(
    data: ImageData<'_>,
    layout: Layout,
    page: u32,
    limits: DecodeLimits,
) -> Result<(DynamicImage, Option<Vec<u8>>), Problem> {
    let corrupt = |detail: &str| PageError::Corrupt {
        page,
        detail: detail.into(),
    };
    match data.codec.as_slice() {
        b"DCTDecode" | b"DCT" => {
            // The JPEG decoder of JPEG files: a damaged page is refused like a damaged
            // file. CMYK pages keep the generic conversion, as TIFF CMYK pages do.
            let (samples, reduced) =
                super::jpeg::decode(&data.data, limits).map_err(|e| e.into_problem(Some(page)))?;
            // A page has no way to say it was decoded smaller: over the limit it is
            // refused, as every other page format's is.
            if let Some(r) = reduced {
                return Err(Problem::TooManyPixels {
                    width: r.width,
                    height: r.height,
                    max: r.limit,
                });
            }
            let (mut image, _) = samples.into_image(None);
            let embedded = crate::jpeg::icc_profile(&data.data);
            // The JPEG decoder already undoes Adobe's inverted CMYK, which is exactly what
            // a `/Decode [1 0 1 0 1 0 1 0]` array compensates for in other readers, so it
            // must not be applied a second time. For grey or RGB an inverted Decode is a
            // real negative and is honoured.
            if !matches!(layout.space, Space::Cmyk)
                && layout.decode.as_deref().is_some_and(is_inverted)
            {
                image.invert();
            }
            let icc = layout.icc.or(embedded).filter(|p| icc_matches(p, &image));
            Ok((image, icc))
        }
        b"JPXDecode" => {
            // The codestream knows its own size, components and colour; a /ColorSpace
            // the PDF gives anyway overrides only the colour (ISO 32000-1, 7.4.9), which
            // here means its ICC profile wins over the JP2 file's.
            let decoded = jpeg2000::decode(&data.data, limits).map_err(|e| match e {
                Problem::Jpeg2000(Jpeg2000Error::Unsupported { what }) => {
                    PageError::UnsupportedColor { page, what }.into()
                }
                Problem::Jpeg2000(Jpeg2000Error::Corrupt { detail }) => corrupt(&detail).into(),
                other => other,
            })?;
            let icc = layout
                .icc
                .or(decoded.icc)
                .filter(|p| icc_matches(p, &decoded.image));
            Ok((decoded.image, icc))
        }
        b"JBIG2Decode" => {
            let bitmap = jbig2::decode(&data.data, data.globals.as_deref(), limits).map_err(
                |e| -> Problem {
                    match e {
                        jbig2::Failure::Missing(reason) => {
                            Jbig2Error::LibraryMissing { page, reason }.into()
                        }
                        jbig2::Failure::Damaged(detail) => corrupt(&detail).into(),
                    }
                },
            )?;
            if (bitmap.width, bitmap.height) != (layout.width, layout.height) {
                return Err(corrupt(&format!(
                    "the JBIG2 page is {}×{} for a {}×{} picture",
                    bitmap.width, bitmap.height, layout.width, layout.height
                ))
                .into());
            }
            // JBIG2 marks black with 1; the filter hands PDF 1-bit grey samples, where
            // 0 is black before the Decode array (ISO 32000-1, 7.4.7).
            let mut samples = bitmap.bits;
            for byte in &mut samples {
                *byte = !*byte;
            }
            let image = gray_from_bits(
                &samples,
                layout.width,
                layout.height,
                1,
                layout.decode.as_deref(),
            )
            .ok_or_else(|| corrupt("the JBIG2 page is shorter than the picture"))?;
            Ok((DynamicImage::ImageLuma8(image), None))
        }
        b"CCITTFaxDecode" | b"CCF" => {
            let samples =
                ccitt_to_bits(&data.data, data.params, layout.width, layout.height, page)?;
            let image = gray_from_bits(
                &samples,
                layout.width,
                layout.height,
                1,
                layout.decode.as_deref(),
            )
            .ok_or_else(|| corrupt("the fax data is shorter than the page"))?;
            Ok((DynamicImage::ImageLuma8(image), None))
        }
        _ => {
            if !matches!(layout.bits, 1 | 2 | 4 | 8 | 16) {
                return Err(PageError::UnsupportedColor {
                    page,
                    what: format!("{} bits per sample", layout.bits),
                }
                .into());
            }
            let bits = layout.bits as u8;
            let short = || corrupt("the picture data is shorter than its size");
            let image = raw_samples(
                &data.data,
                layout.width,
                layout.height,
                bits,
                &layout.space,
                layout.decode.as_deref(),
            )
            .ok_or_else(short)?;
            let icc = layout.icc.filter(|p| icc_matches(p, &image));
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
/// (white unless `/BlackIs1` is true). The parameters are PDF's; the decoding is
/// [`tiff`](super::tiff)'s, since TIFF and PDF share the same fax coding.
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
    super::tiff::g4_rows(data, columns, rows, black_is_1, page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::pages::testing::*;
    use image::GenericImageView;

    #[test]
    fn pdf_scanner_pages_jpeg_and_g4() {
        let bytes = fixture("scan_2pages.pdf");
        assert_eq!(page_count(&bytes).unwrap(), 2);
        let pages = ok_pages(pages(&bytes, MAX).unwrap().1);
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
        let pages = ok_pages(pages(&fixture("flate_gray_rotate90.pdf"), MAX).unwrap().1);
        // Stored 40×20 with the black half on the left; /Rotate 90 turns it clockwise,
        // so it stands 20×40 with the black half at the top.
        assert_eq!(pages[0].image.dimensions(), (20, 40));
        assert_eq!(rgb(&pages[0], 10, 5), [0, 0, 0]);
        assert_eq!(rgb(&pages[0], 10, 35), [255, 255, 255]);
    }

    #[test]
    fn pdf_flate_gray_palette_and_16_bit() {
        let pages = ok_pages(pages(&fixture("flate_variety.pdf"), MAX).unwrap().1);
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
        let pages = ok_pages(pages(&fixture("cmyk_dct.pdf"), MAX).unwrap().1);
        assert!(
            near(rgb(&pages[0], 8, 8), [0, 255, 255], 8),
            "{:?}",
            rgb(&pages[0], 8, 8)
        );
    }

    #[test]
    fn pdf_text_vector_and_two_image_pages_are_refused_by_number() {
        let bytes = fixture("mixed_content.pdf");
        assert_eq!(page_count(&bytes).unwrap(), 6);
        let pages = all(pages(&bytes, MAX));
        let page1 = pages[0].as_ref().unwrap();
        assert_eq!(page1.image.dimensions(), (8, 6));
        assert_eq!(rgb(page1, 4, 3), [0, 0, 255]);
        assert_eq!(
            page1.icc.as_ref().map(Vec::len),
            Some(564),
            "ICCBased profile returned"
        );
        let err = pages[1].as_ref().unwrap_err();
        assert!(matches!(
            err,
            Problem::Page(PageError::NotAScannedImage { page: 2 })
        ));
        assert!(err.to_string().starts_with("page 2 is not a scanned image"));
        assert!(pages[2].is_ok(), "an invisible OCR layer is still a scan");
        assert!(matches!(
            pages[3],
            Err(Problem::Page(PageError::NotAScannedImage { page: 4 }))
        ));
        assert!(matches!(
            pages[4],
            Err(Problem::Page(PageError::NotAScannedImage { page: 5 }))
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
        let kodak = ok_pages(pages(&fixture("kcs.pdf"), MAX).unwrap().1);
        assert_eq!(kodak[0].image.dimensions(), (1914, 930));
        let gray = kodak[0].image.to_luma8();
        let white = gray.pixels().filter(|p| p.0[0] == 255).count();
        assert!(white * 2 > gray.len(), "paper must be mostly white");
        // OCRmyPDF output: a JPEG page under an invisible text layer.
        let ocr = ok_pages(pages(&fixture("graph_ocred.pdf"), MAX).unwrap().1);
        assert_eq!(ocr[0].image.dimensions(), (958, 400));
    }

    #[test]
    fn pdf_max_pixels_refused() {
        let pages = all(pages(&fixture("scan_2pages.pdf"), limit(5_000)));
        // 120×80 = 9600 is over the limit; 80×60 = 4800 is not.
        assert!(matches!(
            pages[0],
            Err(Problem::TooManyPixels {
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
        assert!(page_count(garbage).is_err());
        assert!(pages(garbage, MAX).is_err());
        for name in ["scan_2pages.pdf", "kcs.pdf", "mixed_content.pdf"] {
            assert_cuts_fail(name, |b| {
                pages(b, MAX).is_ok_and(|(_, mut pages)| pages.all(|p| p.is_ok()))
            });
        }
    }
}
