//! What multi-page inputs have in common: a decoded page, and why a file or one of its
//! pages could not be turned into pixels.
//!
//! Office scanners and fax software hand people multi-page TIFFs and PDFs, while upload
//! portals want one JPEG or PNG per page. [`tiff`](super::tiff) and [`pdf`](super::pdf)
//! turn each page into pixels so the rest of the pipeline can treat every page like a
//! single photo; both hand out the same [`Page`] and [`PageError`], so the caller needs
//! no branch per format. These types live apart from either format because both use
//! them and neither owns them.
//!
//! Every page is checked against the pixel limit *before* its pixels are decoded, and
//! results are per page, so one damaged page does not lose the others.

use image::DynamicImage;

pub use crate::error::PageError;
use crate::metadata::Resolution;

/// One decoded page: 1-based number and its pixels (8 or 16-bit, grey/RGB/RGBA as
/// decoded; CMYK converted to RGB; 1-bit expanded to 8-bit grey 0/255), plus the ICC
/// profile if the page carried one that still describes the pixels, and its resolution.
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
    /// The resolution of the upright pixels: a TIFF's resolution tags, or for a PDF the
    /// image's pixels over the size it is drawn at.
    pub resolution: Option<Resolution>,
}

/// Files with more pages than this are refused: a crafted file can chain IFDs or page
/// nodes far beyond anything a scanner produces, and each entry costs memory.
pub(super) const MAX_PAGES: u32 = 10_000;

/// What the page tests of [`tiff`](super::tiff) and [`pdf`](super::pdf) share: the
/// fixtures folder and ways to look at decoded pages.
#[cfg(test)]
pub(super) mod testing {
    use super::{Page, PageError};
    use crate::decode::DecodeLimits;
    use crate::error::Problem;

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub(crate) const MAX: DecodeLimits = DecodeLimits {
        max_pixels: 100_000_000,
    };

    /// A limit of `max_pixels`.
    pub(crate) fn limit(max_pixels: u64) -> DecodeLimits {
        DecodeLimits { max_pixels }
    }

    pub(crate) fn ok_pages(pages: impl Iterator<Item = Result<Page, Problem>>) -> Vec<Page> {
        pages.map(|p| p.unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    /// Every page's outcome, from a file that must open.
    pub(crate) fn all(
        pages: Result<(u32, impl Iterator<Item = Result<Page, Problem>>), PageError>,
    ) -> Vec<Result<Page, Problem>> {
        pages.unwrap().1.collect()
    }

    pub(crate) fn rgb(page: &Page, x: u32, y: u32) -> [u8; 3] {
        page.image.to_rgb8().get_pixel(x, y).0
    }

    pub(crate) fn near(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
    }

    /// Cuts the fixture `name` at several places and decodes each piece (`all_fine`
    /// says whether every page of it decoded): nothing may panic, and the cuts through
    /// the header (8 bytes) and through image data (the half) must fail somewhere.
    /// Lenient PDF repair may recover pages whose data lies before the other cuts, so
    /// those only have to come back without a panic.
    pub(crate) fn assert_cuts_fail(name: &str, all_fine: impl Fn(&[u8]) -> bool) {
        let bytes = fixture(name);
        for cut in [8, bytes.len() / 3, bytes.len() / 2, bytes.len() - 40] {
            let all_fine = all_fine(&bytes[..cut]);
            if cut == bytes.len() / 2 || cut == 8 {
                assert!(!all_fine, "{name} cut at {cut} decoded without complaint");
            }
        }
    }
}
