//! The words of `scanfit check` (`check.ftl`): findings, pages, verdicts.

use super::{display_in_english, english, line, Args, Lang, Message, Words};
use crate::check::{Finding, MetadataFound, Reason, Verdict};

display_in_english!(Finding, Reason);

/// Findings are equal when they say the same thing: the same code and the same words
/// (a [`Problem`](crate::error::Problem) holds I/O errors, which have no equality of
/// their own). Several pages of one scan often share a finding; it is said once per page.
impl PartialEq for Finding {
    fn eq(&self, other: &Finding) -> bool {
        self.code() == other.code() && english(self) == english(other)
    }
}

impl Message for Finding {
    fn code(&self) -> &'static str {
        use Finding::*;
        match self {
            Renamed { .. } => "renamed",
            NotAccepted { .. } => "not_accepted",
            BadExtension { .. } => "bad_extension",
            TooSmall { .. } => "too_small",
            TooLarge { .. } => "too_large",
            TooFewPixels { .. } => "too_few_pixels",
            TooManyPixels { .. } => "too_many_pixels",
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
            NotAccepted { format, accepted } => w.text("format", format).text("accepted", accepted),
            BadExtension {
                extension,
                suggested,
                accepted,
            } => w
                .opt("extension", extension.as_deref())
                .text("suggested", suggested)
                .text("accepted", accepted),
            TooSmall { bytes, min } => boundary(w, ("min_size", "min"), *bytes, *min, lang),
            TooLarge { bytes, max } => boundary(w, ("max_size", "max"), *bytes, *max, lang),
            TooFewPixels { width, height, min }
            | TooManyPixels {
                width,
                height,
                max: min,
            } => w
                .num("width", *width)
                .num("height", *height)
                .num("long", min.0)
                .num("short", min.1),
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

/// A size beside the band's limit (`names`: the limit's rounded and exact arguments):
/// both rounded as people read sizes, and `exact` 1 when the rounded numbers look equal
/// (204,799 and 204,800 bytes both show as 204.8 kB), so the words give the file's
/// bytes as well.
fn boundary(
    w: Words,
    names: (&'static str, &'static str),
    bytes: u64,
    limit: u64,
    lang: Lang,
) -> Words {
    use crate::options::ByteSize;
    let look_equal = ByteSize(bytes).shown() == ByteSize(limit).shown();
    w.size("size", bytes, lang)
        .size(names.0, limit, lang)
        .num(names.1, limit)
        .num("bytes", bytes)
        .num("exact", u64::from(look_equal))
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
