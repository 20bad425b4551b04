//! Reading the text printed on a picture (offline Chinese OCR).
//!
//! The engine turns a picture into [`TextLine`]s; what the lines mean (a document's kind,
//! its dates, the names and numbers on it) is worked out above this module, from the
//! lines alone, so that it can be tested on text without running a model.

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
