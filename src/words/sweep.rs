//! The words of `scanfit sweep` (`sweep.ftl`): settings that cannot be swept, and the
//! chart's errors.

use super::chart::ChartError;
use super::{display_in_english, io_text, line, Args, Lang, Message, Words};
use crate::sweep::{QualityListError, Setting, SweepError};

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

/// The names of a setting people read (the catalogue's words, so they live here).
impl Setting {
    /// A short name for the CSV (English, for scripts): `q85 4:2:0 progressive trellis
    /// ×0.75`.
    pub fn label(&self) -> String {
        self.label_in(Lang::En)
    }

    /// The short name people read, in `lang`, for tables, charts and recommendations.
    pub fn label_in(&self, lang: Lang) -> String {
        let args = Args::new()
            .num("quality", self.quality)
            .text("family", self.family_in(lang));
        line(lang, "sweep-setting", args)
    }

    /// Everything but the quality: `4:2:0 progressive trellis ×0.75`. The chart gives
    /// each family one colour.
    pub fn family(&self) -> String {
        self.family_in(Lang::En)
    }

    /// [`Setting::family`] in `lang`.
    pub fn family_in(&self, lang: Lang) -> String {
        let yes = |on: bool| if on { "yes" } else { "no" };
        let args = Args::new()
            .text("subsampling", self.jpeg.subsampling)
            .text("progressive", yes(self.jpeg.progressive))
            .text("trellis", yes(self.jpeg.trellis))
            .text(
                "scale",
                if self.scale < 1.0 {
                    self.scale.to_string()
                } else {
                    "none".to_owned()
                },
            );
        line(lang, "sweep-family", args)
    }
}
