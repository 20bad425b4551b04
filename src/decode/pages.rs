//! What multi-page inputs have in common: a page, the lazy iterator over a file's
//! pages, and why a page could not be turned into pixels.
//!
//! Office scanners and fax software hand people multi-page TIFFs and PDFs, while upload
//! portals want one JPEG or PNG per page. [`tiff`](super::tiff) and [`pdf`](super::pdf)
//! turn each page into pixels so the rest of the pipeline can treat every page like a
//! single photo; both hand out the same [`Pages`] and [`PageError`], so the caller needs
//! no branch per format. These types live apart from either format because both use
//! them and neither owns them.
//!
//! Every page is checked against the pixel limit *before* its pixels are decoded, and
//! results are per page, so one damaged page does not lose the others.

use image::DynamicImage;

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
}

/// The pages of a TIFF or PDF, decoded one at a time as the iterator advances, so a
/// long document never holds more than one decoded page in memory.
pub struct Pages<'a> {
    /// How many pages the file has.
    pub count: u32,
    iter: Box<dyn Iterator<Item = Result<Page, PageError>> + 'a>,
}

impl<'a> Pages<'a> {
    /// `count` pages, decoded by `iter` as they are taken.
    pub(super) fn new(
        count: u32,
        iter: impl Iterator<Item = Result<Page, PageError>> + 'a,
    ) -> Pages<'a> {
        Pages {
            count,
            iter: Box::new(iter),
        }
    }
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
pub(super) const MAX_PAGES: u32 = 10_000;

/// Refuses a page over the pixel limit (or with no pixels) before anything is decoded.
pub(super) fn check_pixels(page: u32, width: u32, height: u32, max: u64) -> Result<(), PageError> {
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

/// What the page tests of [`tiff`](super::tiff) and [`pdf`](super::pdf) share: the
/// fixtures folder and ways to look at decoded pages.
#[cfg(test)]
pub(super) mod testing {
    use super::{Page, PageError, Pages};

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub(crate) const MAX: u64 = 100_000_000;

    pub(crate) fn ok_pages(pages: Pages) -> Vec<Page> {
        pages.map(|p| p.unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    pub(crate) fn all(pages: Result<Pages, PageError>) -> Vec<Result<Page, PageError>> {
        pages.unwrap().collect()
    }

    pub(crate) fn rgb(page: &Page, x: u32, y: u32) -> [u8; 3] {
        page.image.to_rgb8().get_pixel(x, y).0
    }

    pub(crate) fn near(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
    }

    /// Cuts the fixture `name` at several places and decodes each piece: nothing may
    /// panic, and the cuts through the header (8 bytes) and through image data (the
    /// half) must fail somewhere. Lenient PDF repair may recover pages whose data lies
    /// before the other cuts, so those only have to come back without a panic.
    pub(crate) fn assert_cuts_fail(
        name: &str,
        decode: impl for<'a> Fn(&'a [u8]) -> Result<Pages<'a>, PageError>,
    ) {
        let bytes = fixture(name);
        for cut in [8, bytes.len() / 3, bytes.len() / 2, bytes.len() - 40] {
            let outcome = decode(&bytes[..cut]);
            let all_fine = outcome.is_ok_and(|mut pages| pages.all(|p| p.is_ok()));
            if cut == bytes.len() / 2 || cut == 8 {
                assert!(!all_fine, "{name} cut at {cut} decoded without complaint");
            }
        }
    }
}
