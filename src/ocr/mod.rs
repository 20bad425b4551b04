//! Reading the text printed on a picture (offline Chinese OCR).
//!
//! The engine turns a picture into [`TextLine`]s; what the lines mean (a document's kind,
//! its dates, the names and numbers on it) is worked out above this module, from the
//! lines alone, so that it can be tested on text without running a model.
//!
//! The engine ([`Reader`], feature `ocr`) is RapidOCR's pipeline around PaddleOCR's
//! PP-OCRv4 models, embedded in the binary and run by rten: DB text detection, each box
//! straightened by a perspective crop, an angle classifier that turns upside-down lines
//! over, CRNN recognition with CTC decoding. Every step follows the reference's
//! parameters so that both read the same text from the same picture.

#[cfg(feature = "ocr")]
mod det;
#[cfg(feature = "ocr")]
mod engine;
#[cfg(feature = "ocr")]
mod geom;
#[cfg(feature = "ocr")]
mod rec;

#[cfg(feature = "ocr")]
pub use engine::Reader;

/// Why the text of a picture could not be read. Only a broken build (models that do not
/// load) or a model failing inside rten gives one: a picture without text reads as no
/// lines.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// An embedded model does not load.
    Load {
        /// Which model: `det`, `cls` or `rec`.
        model: &'static str,
        /// rten's reason.
        detail: String,
    },
    /// A model failed while running.
    Run {
        /// Which model.
        model: &'static str,
        /// rten's reason.
        detail: String,
    },
    /// A model's output is not the shape the pipeline reads.
    Output {
        /// Which model.
        model: &'static str,
    },
    /// The recognition model carries no character list in its metadata.
    NoCharset,
}

/// One line of text read off a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The characters read, in reading order.
    pub text: String,
    /// How sure the recogniser is of each character (0..=1): one per `char` of `text`.
    pub confidences: Vec<f32>,
    /// The line's corners in the picture's pixels (after orientation), clockwise from
    /// the top left.
    pub quad: [(f32, f32); 4],
}

impl TextLine {
    /// The line's confidence: that of its least sure character (1 for an empty line),
    /// because one misread digit makes a date or an ID number wrong.
    pub fn confidence(&self) -> f32 {
        self.confidences.iter().copied().fold(1.0, f32::min)
    }
}
