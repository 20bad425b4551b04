//! The words of `scanfit sweep` (`sweep.ftl`): settings that cannot be swept, and the
//! chart's errors.

use super::{display_in_english, io_text, Lang, Message, Words};
use crate::sweep::{ChartError, QualityListError, SweepError};

display_in_english!(SweepError, QualityListError, ChartError);

impl Message for SweepError {
    fn code(&self) -> &'static str {
        match self {
            SweepError::EmptyAxis => "empty_axis",
            SweepError::QualityRange => "quality_range",
            SweepError::ScaleRange => "scale_range",
            SweepError::SampleZero => "sample_zero",
            SweepError::MinColourRange => "min_colour_range",
        }
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("sweep", self.code())
    }
}

impl Message for QualityListError {
    fn code(&self) -> &'static str {
        match self {
            QualityListError::NotAQuality(_) => "not_a_quality",
            QualityListError::Backwards(_) => "backwards",
            QualityListError::NoQuality(_) => "no_quality",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let (QualityListError::NotAQuality(text)
        | QualityListError::Backwards(text)
        | QualityListError::NoQuality(text)) = self;
        Words::new("sweep", self.code()).text("text", text)
    }
}

impl Message for ChartError {
    fn code(&self) -> &'static str {
        match self {
            ChartError::Format { .. } => "format",
            ChartError::Draw(_) => "draw",
            ChartError::Write { .. } => "write",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("chart", self.code());
        match self {
            ChartError::Format { path } => w.path("path", path),
            ChartError::Draw(detail) => w.text("detail", detail),
            ChartError::Write { path, source } => {
                w.path("path", path).text("detail", io_text(source, lang))
            }
        }
    }
}
