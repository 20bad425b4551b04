//! The words of the OCR engine (`ocr.ftl`): why a picture's text could not be read.

use super::{display_in_english, library_text, Lang, Message, Words};
use crate::ocr::OcrError;

display_in_english!(OcrError);

impl Message for OcrError {
    fn code(&self) -> &'static str {
        match self {
            OcrError::Load { .. } => "load",
            OcrError::Run { .. } => "run",
            OcrError::Output { .. } => "output",
            OcrError::NoCharset => "no_charset",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("ocr", self.code());
        match self {
            OcrError::Load { model, detail } | OcrError::Run { model, detail } => w
                .text("model", model)
                .text("detail", library_text(detail, lang)),
            OcrError::Output { model } => w.text("model", model),
            OcrError::NoCharset => w,
        }
    }
}
