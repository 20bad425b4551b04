//! The words of `scanfit check` (`check.ftl`): findings, pages, verdicts.

use super::{display_in_english, line, Args, Lang, Message, Words};
use crate::check::{Finding, MetadataFound, Reason, Verdict};

display_in_english!(Finding, Reason);

impl Message for Finding {
    fn code(&self) -> &'static str {
        use Finding::*;
        match self {
            Renamed { .. } => "renamed",
            NotAccepted { .. } => "not_accepted",
            BadExtension { .. } => "bad_extension",
            TooSmall { .. } => "too_small",
            TooLarge { .. } => "too_large",
            Unreadable(_) => "unreadable",
            PassedOver(_) => "passed_over",
            NotAPicture => "not_a_picture",
            Orientation(_) => "orientation",
            Gps => "gps",
            Metadata(_) => "metadata",
            NotSrgb => "not_srgb",
            Cmyk => "cmyk",
            Animated => "animated",
            Grayscale => "grayscale",
            Bilevel => "bilevel",
            Blurred { .. } => "blurred",
            LowResolution { .. } => "low_resolution",
            Rule(f) => f.code(),
            Content { found, .. } => found.code(),
        }
    }

    fn words(&self, lang: Lang) -> Words {
        use Finding::*;
        let w = Words::new("finding", self.code());
        match self {
            Renamed { real, claimed } => w
                .text("real", real)
                .text("claimed", claimed)
                .opt("extension", crate::check::extension_for(*real)),
            NotAccepted { format } => w.text("format", format),
            BadExtension {
                extension,
                suggested,
            } => w
                .opt("extension", extension.as_deref())
                .text("suggested", suggested),
            TooSmall { bytes, min } => w
                .size("size", *bytes, lang)
                .size("min_size", *min, lang)
                .num("min", *min),
            TooLarge { bytes, max } => w
                .size("size", *bytes, lang)
                .size("max_size", *max, lang)
                .num("max", *max),
            Unreadable(problem) => w.msg("problem", problem, lang),
            PassedOver(why) => w.msg("why", why, lang),
            Orientation(o) => w.num("orientation", *o),
            Metadata(found) => w.text("names", metadata_names(found, lang)),
            Blurred { score, threshold } => w
                .text("score", format!("{score:.1}"))
                .text("threshold", threshold),
            LowResolution { long_edge, min } => w.num("long_edge", *long_edge).num("min", *min),
            Rule(f) => f.words(lang),
            NotAPicture
            | Gps
            | NotSrgb
            | Cmyk
            | Animated
            | Grayscale
            | Bilevel
            | Content { .. } => w,
        }
    }
}

/// The names of the metadata present, for the "metadata" note (GPS has a finding of
/// its own).
fn metadata_names(found: &MetadataFound, lang: Lang) -> String {
    let names: Vec<String> = [
        (found.exif, "metadata-exif"),
        (found.xmp, "metadata-xmp"),
        (found.icc, "metadata-icc"),
        (found.other, "metadata-other"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, id)| line(lang, id, Args::new()))
    .collect();
    names.join(&line(lang, "list-separator", Args::new()))
}

impl Message for Reason {
    fn code(&self) -> &'static str {
        self.finding.code()
    }

    fn words(&self, lang: Lang) -> Words {
        match self.page {
            Some(page) => Words::new("finding", "on_page").num("page", page).msg(
                "finding",
                &self.finding,
                lang,
            ),
            None => self.finding.words(lang),
        }
    }
}

impl Message for Verdict {
    fn code(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Skipped => "skipped",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("verdict", self.code())
    }
}
