//! What the reviewer rejects on sight, found in the pixels: a document cut by the frame,
//! a photographed photocopy, a photographed screen, a rendered certificate.
//!
//! [`examine`] works on a reduced preview (long side [`PREVIEW_LONG_SIDE`]) for the
//! document's outline and its colour, and on a few full-resolution blocks for what only
//! full resolution shows (a screen's pixel grid, a render's noiseless flat areas). It is a
//! pixel stage: it knows nothing of files, kinds or commands; the caller says what it
//! knows of the document's kind ([`KindClass`]) and gets [`ContentFinding`]s back.
//!
//! - [`quad`]: the document's four edges (straight lines scored by a coherent step
//!   along their whole length), its corners, and whether the frame cuts it.
//! - [`copy`]: whether the document itself is grey, under its own white balance.
//! - [`screen`]: isolated peaks in the chroma spectrum (a screen's sub-pixel grid, moiré).
//! - [`render`]: flat areas with not one grain of sensor noise.

pub mod copy;
pub mod preview;
pub mod quad;
pub mod render;
pub mod screen;

use image::DynamicImage;

pub use preview::PREVIEW_LONG_SIDE;
pub use quad::Outline;

/// What a caller knows of the document's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindClass {
    /// A certificate (ID card, business licence, other 证件): printed colour, a seal; a
    /// rendered or grey one is rejected.
    Certificate,
    /// A document that may legitimately be black text on white (a letter).
    Plain,
    /// Not known.
    Unknown,
}

/// One thing the reviewer would reject, as found in the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentFinding {
    /// The document continues beyond the picture (完整边框, 四角完整).
    BorderCut,
    /// The document itself is grey: a photographed photocopy (复印件照片).
    Photocopy,
    /// A photo of a screen (翻拍, 隔屏拍摄).
    ScreenPhoto,
    /// Rendered or screenshotted rather than photographed or scanned (电子证件).
    ElectronicCopy,
}

impl ContentFinding {
    /// Every finding, in report order.
    pub const ALL: [ContentFinding; 4] = [
        ContentFinding::BorderCut,
        ContentFinding::Photocopy,
        ContentFinding::ScreenPhoto,
        ContentFinding::ElectronicCopy,
    ];

    /// The stable code reports keep.
    pub fn code(self) -> &'static str {
        match self {
            ContentFinding::BorderCut => "border_cut",
            ContentFinding::Photocopy => "photocopy",
            ContentFinding::ScreenPhoto => "screen_photo",
            ContentFinding::ElectronicCopy => "electronic_copy",
        }
    }
}

/// Everything [`examine`] measured on one picture; [`Examined::findings`] turns it into
/// findings for a kind.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Examined {
    /// The document's outline, in the examined picture's pixels.
    pub outline: Outline,
    /// The frame cuts the document ([`quad`]).
    pub border_cut: bool,
    /// The document's own colour ([`copy`]); `None` without a found document.
    pub colour: Option<copy::DocumentColour>,
    /// The strongest isolated chroma peak over the spectrum's mean ([`screen`]).
    pub screen_peak: f32,
    /// Flat, noiseless areas ([`render`]).
    pub flat: render::Flatness,
}

impl Examined {
    /// The findings for a document of kind `kind`, in [`ContentFinding::ALL`] order.
    pub fn findings(&self, kind: KindClass) -> Vec<ContentFinding> {
        let mut out = Vec::new();
        if self.border_cut {
            out.push(ContentFinding::BorderCut);
        }
        if self.colour.is_some_and(|c| c.is_copy(kind)) {
            out.push(ContentFinding::Photocopy);
        }
        if self.screen_peak >= screen::PEAK_THRESHOLD {
            out.push(ContentFinding::ScreenPhoto);
        }
        // The guide expects some documents as downloads (a domain certificate from the
        // registrar's console): only a certificate must not be a render.
        if kind == KindClass::Certificate
            && self.flat.is_rendered()
            && self.outline.is_upright_frame()
        {
            out.push(ContentFinding::ElectronicCopy);
        }
        out
    }
}

/// A picture's interleaved 8-bit samples, as the measures read them.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Samples, row-major, `channels` per pixel (1 grey, 3 RGB, 4 RGBA).
    pub samples: std::borrow::Cow<'a, [u8]>,
    /// Samples per pixel.
    pub channels: usize,
}

impl<'a> View<'a> {
    /// The samples of `img`: borrowed for 8-bit grey, RGB and RGBA (the layouts decoding
    /// produces), converted once otherwise.
    pub fn of(img: &'a DynamicImage) -> View<'a> {
        use std::borrow::Cow;
        let (samples, channels): (Cow<'a, [u8]>, usize) = match img {
            DynamicImage::ImageLuma8(b) => (Cow::Borrowed(b.as_raw()), 1),
            DynamicImage::ImageRgb8(b) => (Cow::Borrowed(b.as_raw()), 3),
            DynamicImage::ImageRgba8(b) => (Cow::Borrowed(b.as_raw()), 4),
            DynamicImage::ImageLuma16(_)
            | DynamicImage::ImageLumaA8(_)
            | DynamicImage::ImageLumaA16(_) => (Cow::Owned(img.to_luma8().into_raw()), 1),
            other => (Cow::Owned(other.to_rgb8().into_raw()), 3),
        };
        View {
            width: img.width() as usize,
            height: img.height() as usize,
            samples,
            channels,
        }
    }

    /// Borrowed samples of a `width` × `height` picture with `channels` per pixel.
    ///
    /// # Panics
    /// When `samples` is shorter than the picture.
    pub fn new(width: usize, height: usize, samples: &'a [u8], channels: usize) -> View<'a> {
        assert!(samples.len() >= width * height * channels);
        View {
            width,
            height,
            samples: std::borrow::Cow::Borrowed(samples),
            channels,
        }
    }
}

/// Examines one upright picture.
pub fn examine(img: &DynamicImage) -> Examined {
    examine_view(&View::of(img))
}

/// Examines one upright picture given as samples.
pub fn examine_view(view: &View<'_>) -> Examined {
    let preview = preview::Preview::of_view(view);
    let found = quad::find(&preview);
    let colour = found
        .outline
        .corners()
        .map(|c| copy::measure(&preview, &c.map(|p| preview.to_preview(p))));
    Examined {
        outline: found.outline,
        border_cut: found.cut,
        colour,
        screen_peak: screen::peak_view(view),
        flat: render::measure_view(view),
    }
}
