//! The words of converting one picture (`convert.ftl`): problems, skips, warnings, and
//! the setup errors every command shares.

use super::{display_in_english, io_text, library_text, line, Args, Lang, Message, Words};
use crate::decode::heif::HeifError;
use crate::decode::jbig2::Jbig2Error;
use crate::decode::jpeg::JpegDamage;
use crate::decode::jpeg2000::Jpeg2000Error;
use crate::decode::libtiff::TiffLibError;
use crate::decode::pages::PageError;
use crate::error::{
    Closest, CmykIccIssue, IccIssue, OriginalError, OutputWhy, Problem, SetupError, Skip, Warning,
    Why,
};
use crate::options::{ProfileError, ProfileFileError, SizeError};
use crate::write::InTheWay;

display_in_english!(
    InTheWay,
    Problem,
    Closest,
    Skip,
    Warning,
    IccIssue,
    CmykIccIssue,
    JpegDamage,
    OriginalError,
    SetupError,
    OutputWhy,
    Why,
    ProfileError,
    ProfileFileError,
    SizeError,
    TiffLibError,
    Jpeg2000Error,
    Jbig2Error,
);

impl Message for InTheWay {
    fn code(&self) -> &'static str {
        "in_the_way"
    }
    fn words(&self, _: Lang) -> Words {
        Words::new("write", self.code()).path("path", &self.0)
    }
}

impl Message for Problem {
    fn code(&self) -> &'static str {
        match self {
            Problem::Read(_) => "cannot_read",
            Problem::NotAFile => "not_a_file",
            Problem::ChangedWhileRead { .. } => "changed_while_read",
            Problem::Empty => "empty",
            Problem::NotAPicture => "unknown_bytes",
            Problem::Unsupported { .. } => "unsupported",
            Problem::TooLarge { .. } => "input_too_large",
            Problem::TooManyPixels { .. } => "too_many_pixels",
            Problem::NoPixels { .. } => "no_pixels",
            Problem::Corrupt { .. } | Problem::Truncated { .. } => "corrupt",
            Problem::CorruptData { .. } => "corrupt_data",
            Problem::Page(e) => e.code(),
            Problem::Heif(e) => e.code(),
            Problem::TiffLib(e) => e.code(),
            Problem::Jbig2(e) => e.code(),
            Problem::Jpeg2000(e) => e.code(),
            Problem::BandUnreachable { .. } => "band_unreachable",
            Problem::Encode(_) => "encode_failed",
            Problem::Write { .. } => "write_failed",
            Problem::WouldOverwriteInput { .. } => "would_overwrite_input",
            Problem::Panic(_) => "internal_error",
            Problem::ReadFolder(_) => "folder_unreadable",
            Problem::OutputFolderIsLink { .. } => "output_folder_is_link",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("problem", self.code());
        match self {
            Problem::Read(e) | Problem::ReadFolder(e) => w.text("detail", io_text(e, lang)),
            Problem::ChangedWhileRead { opened, read } => {
                w.num("opened", *opened).num("read", *read)
            }
            Problem::Unsupported { format } => w.text("format", format),
            Problem::TooLarge { bytes, max } => w.num("bytes", *bytes).num("max", *max),
            Problem::TooManyPixels { width, height, max } => w
                .num("width", *width)
                .num("height", *height)
                .num("max", *max),
            Problem::NoPixels { width, height } => w.num("width", *width).num("height", *height),
            Problem::Corrupt { format, detail } => w
                .text("format", format)
                .text("detail", library_text(detail, lang)),
            Problem::Truncated { format } => {
                Words::new("problem", "truncated").text("format", format)
            }
            Problem::CorruptData { format, damage } => {
                w.text("format", format).msg("damage", damage, lang)
            }
            Problem::Page(e) => e.words(lang),
            Problem::Heif(e) => e.words(lang),
            Problem::TiffLib(e) => e.words(lang),
            Problem::Jbig2(e) => e.words(lang),
            Problem::Jpeg2000(e) => e.words(lang),
            Problem::BandUnreachable { min, max, closest } => w
                .num("min", *min)
                .num("max", *max)
                .msg("closest", closest, lang),
            Problem::Encode(detail) | Problem::Panic(detail) => w.text("detail", detail),
            Problem::Write { path, source } => {
                w.path("path", path).text("detail", io_text(source, lang))
            }
            Problem::WouldOverwriteInput { path } | Problem::OutputFolderIsLink { path } => {
                w.path("path", path)
            }
            Problem::NotAFile | Problem::Empty | Problem::NotAPicture => w,
        }
    }
}

impl Message for Closest {
    fn code(&self) -> &'static str {
        match self {
            Closest::Png { .. } => "png",
            Closest::Jpeg { .. } => "jpeg",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("closest", self.code());
        match self {
            Closest::Png { bytes } => w.num("bytes", *bytes),
            Closest::Jpeg {
                estimated,
                bytes,
                quality,
                width,
                height,
                illegible,
                gave_up_after,
            } => w
                .opt("encodes", gave_up_after.as_ref())
                .text("estimated", if *estimated { "yes" } else { "no" })
                .text("bytes", format!("{bytes:.0}"))
                .num("quality", *quality)
                .num("width", *width)
                .num("height", *height)
                .opt("score", illegible.map(|(s, _)| format!("{s:.3}")))
                .opt("floor", illegible.map(|(_, f)| format!("{f:.3}"))),
        }
    }
}

impl Message for PageError {
    fn code(&self) -> &'static str {
        match self {
            PageError::Tiff(_) => "tiff_unreadable",
            PageError::Pdf(_) => "pdf_unreadable",
            PageError::Encrypted => "pdf_encrypted",
            PageError::NoPages => "no_pages",
            PageError::NotAScannedImage { .. } => "not_a_scanned_image",
            PageError::UnsupportedFilter { .. } => "unsupported_filter",
            PageError::UnsupportedColor { .. } => "unsupported_colour",
            PageError::Corrupt { .. } => "damaged",
            PageError::CorruptData { .. } => "corrupt_data",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("page", self.code());
        match self {
            PageError::Tiff(detail) | PageError::Pdf(detail) => {
                w.text("detail", library_text(detail, lang))
            }
            PageError::Encrypted | PageError::NoPages => w,
            PageError::NotAScannedImage { page } => w.num("page", *page),
            PageError::UnsupportedFilter { page, filter } => {
                w.num("page", *page).text("filter", filter)
            }
            PageError::UnsupportedColor { page, what } => w.num("page", *page).text("what", what),
            PageError::Corrupt { page, detail } => w
                .num("page", *page)
                .text("detail", library_text(detail, lang)),
            PageError::CorruptData { page, damage } => {
                w.num("page", *page).msg("damage", damage, lang)
            }
        }
    }
}

impl Message for JpegDamage {
    fn code(&self) -> &'static str {
        match self {
            JpegDamage::BadHuffmanCode => "bad_huffman_code",
            JpegDamage::PrematureEnd => "premature_end_of_segment",
            JpegDamage::Extraneous { .. } => "extraneous_bytes",
            JpegDamage::RestartMarker { .. } => "restart_marker",
            JpegDamage::BadProgression => "bad_progression",
            JpegDamage::PrematureEndOfFile => "premature_end_of_file",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("jpeg_damage", self.code());
        let hex = |marker: u8| format!("0x{marker:02X}");
        match self {
            JpegDamage::Extraneous { count, marker } => {
                w.num("count", *count).text("marker", hex(*marker))
            }
            JpegDamage::RestartMarker { found, expected } => {
                w.text("found", hex(*found)).num("expected", *expected)
            }
            JpegDamage::BadHuffmanCode
            | JpegDamage::PrematureEnd
            | JpegDamage::BadProgression
            | JpegDamage::PrematureEndOfFile => w,
        }
    }
}

impl Message for HeifError {
    fn code(&self) -> &'static str {
        match self {
            HeifError::LibraryMissing(_) => "library_missing",
            HeifError::Decode(_) => "corrupt",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("heif", self.code());
        match self {
            // Where to get the library depends on the system (a package, or DLLs).
            HeifError::LibraryMissing(detail) => w
                .text("detail", detail)
                .text("system", std::env::consts::OS),
            HeifError::Decode(detail) => w.text("detail", library_text(detail, lang)),
        }
    }
}

impl Message for TiffLibError {
    fn code(&self) -> &'static str {
        match self {
            TiffLibError::LibraryMissing { .. } => "library_missing",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("libtiff", self.code());
        match self {
            TiffLibError::LibraryMissing { reason } => w
                .text("detail", reason)
                .text("system", std::env::consts::OS),
        }
    }
}

impl Message for Jbig2Error {
    fn code(&self) -> &'static str {
        match self {
            Jbig2Error::LibraryMissing { .. } => "library_missing",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("jbig2", self.code());
        match self {
            // Where to get the library depends on the system (a package, or DLLs).
            Jbig2Error::LibraryMissing { page, reason } => w
                .num("page", *page)
                .text("detail", reason)
                .text("system", std::env::consts::OS),
        }
    }
}

impl Message for Jpeg2000Error {
    fn code(&self) -> &'static str {
        match self {
            Jpeg2000Error::Corrupt { .. } => "corrupt",
            Jpeg2000Error::Unsupported { .. } => "unsupported_colour",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("jpeg2000", self.code());
        match self {
            Jpeg2000Error::Corrupt { detail } => w.text("detail", library_text(detail, lang)),
            Jpeg2000Error::Unsupported { what } => w.text("what", what),
        }
    }
}

impl Message for Skip {
    fn code(&self) -> &'static str {
        match self {
            Skip::OutputExists => "output_exists",
            Skip::NotAPicture => "not_a_picture",
            Skip::BrokenLink => "broken_link",
            Skip::LinkToFolder => "link_to_folder",
            Skip::NotAFile => "not_a_file",
        }
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("skip", self.code())
    }
}

impl Message for Warning {
    fn code(&self) -> &'static str {
        match self {
            Warning::Grayscale => "grayscale",
            Warning::Bilevel => "bilevel",
            Warning::Blurred(_) => "blurred",
            Warning::LowResolution(_) => "low_resolution",
            Warning::Animated => "animated",
            Warning::Reduced(_) => "reduced",
            Warning::ProfileIgnored(_) => "profile_ignored",
            Warning::CmykApproximate => "cmyk",
            Warning::CmykProfileIgnored(_) => "cmyk_profile_ignored",
            Warning::Enlarged(_) => "enlarged",
            Warning::EnlargedToMatch(_) => "enlarged_to_match",
            Warning::Grained { .. } => "grained",
            // A piece's warning keeps the code of what is true of the piece.
            Warning::InPiece { warning, .. } => warning.code(),
            Warning::Renamed { .. } => "renamed",
            Warning::Content(found) => found.code(),
            Warning::ReadingLost { .. } => "reading_lost",
            Warning::ReadingUnchecked => "reading_unchecked",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("warning", self.code());
        match self {
            Warning::Grayscale
            | Warning::Bilevel
            | Warning::Animated
            | Warning::CmykApproximate
            | Warning::Content(_)
            | Warning::ReadingUnchecked => w,
            Warning::ReadingLost { source, missed } => {
                w.num("source", *source).num("missed", *missed)
            }
            Warning::Grained { levels } => w.num("levels", *levels),
            Warning::Blurred(sharpness) => w.text("sharpness", format!("{sharpness:.1}")),
            Warning::LowResolution(long_edge) => w.num("long_edge", *long_edge),
            Warning::Reduced(r) => w
                .num("width", r.width)
                .num("height", r.height)
                .num("denominator", r.denominator)
                .num("limit", r.limit),
            Warning::ProfileIgnored(why) => w.msg("why", why, lang),
            Warning::CmykProfileIgnored(why) => w.msg("why", why, lang),
            Warning::Enlarged(factor) | Warning::EnlargedToMatch(factor) => {
                w.text("factor", format!("{factor:.2}"))
            }
            Warning::InPiece {
                piece,
                page,
                warning,
            } => {
                let name = match page {
                    Some(n) => line(
                        lang,
                        "warning-piece_page",
                        Args::new().text("name", piece).num("page", *n),
                    ),
                    None => piece.clone(),
                };
                Words::new("warning", "in_piece").text("piece", name).msg(
                    "warning",
                    warning.as_ref(),
                    lang,
                )
            }
            Warning::Renamed { real } => w.text("real", real),
        }
    }
}

impl Message for IccIssue {
    fn code(&self) -> &'static str {
        match self {
            IccIssue::Unreadable(_) => "unreadable",
            IccIssue::NotRgb(_) => "not_rgb",
            IccIssue::CannotConvert(_) => "cannot_convert",
            IccIssue::ConversionFailed(_) => "conversion_failed",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("icc", self.code());
        match self {
            IccIssue::NotRgb(space) => w.text("space", space),
            IccIssue::Unreadable(detail)
            | IccIssue::CannotConvert(detail)
            | IccIssue::ConversionFailed(detail) => w.text("detail", detail),
        }
    }
}

impl Message for CmykIccIssue {
    fn code(&self) -> &'static str {
        match self {
            CmykIccIssue::Unreadable(_) => "unreadable",
            CmykIccIssue::NotCmyk(_) => "not_cmyk",
            CmykIccIssue::CannotConvert(_) => "cannot_convert",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("cmyk_icc", self.code());
        match self {
            CmykIccIssue::NotCmyk(space) => w.text("space", space),
            CmykIccIssue::Unreadable(detail) | CmykIccIssue::CannotConvert(detail) => {
                w.text("detail", detail)
            }
        }
    }
}

impl Message for OriginalError {
    fn code(&self) -> &'static str {
        match self {
            OriginalError::NotDeleted { .. } => "not_deleted",
            OriginalError::NotMoved { .. } => "not_moved",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("original", self.code());
        match self {
            OriginalError::NotDeleted { path, detail } => {
                w.path("path", path).text("detail", detail)
            }
            OriginalError::NotMoved { path, dir, detail } => {
                w.path("path", path).path("dir", dir).text("detail", detail)
            }
        }
    }
}

impl Message for Why {
    fn code(&self) -> &'static str {
        match self {
            Why::Problem(p) => p.code(),
            Why::Skip(s) => s.code(),
            Why::Stitch(e) => e.code(),
            Why::Original(e) => e.code(),
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            Why::Problem(p) => p.words(lang),
            Why::Skip(s) => s.words(lang),
            Why::Stitch(e) => e.words(lang),
            Why::Original(e) => e.words(lang),
        }
    }
}

impl Message for ProfileError {
    fn code(&self) -> &'static str {
        match self {
            ProfileError::MinAboveMax { .. } => "min_above_max",
            ProfileError::BandTooNarrow => "band_too_narrow",
            ProfileError::MaxTooSmall => "max_too_small",
            ProfileError::QualityRange => "quality_range",
            ProfileError::MinQualityAboveQuality { .. } => "min_quality_above_quality",
            ProfileError::MinScoreRange => "min_score_range",
            ProfileError::MinLongEdgeZero => "min_long_edge_zero",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("profile", self.code());
        match self {
            ProfileError::MinAboveMax { min, max } => w.num("min", *min).num("max", *max),
            ProfileError::MinQualityAboveQuality {
                min_quality,
                quality,
            } => w.num("min_quality", *min_quality).num("quality", *quality),
            ProfileError::BandTooNarrow
            | ProfileError::MaxTooSmall
            | ProfileError::QualityRange
            | ProfileError::MinScoreRange
            | ProfileError::MinLongEdgeZero => w,
        }
    }
}

impl Message for ProfileFileError {
    fn code(&self) -> &'static str {
        match self {
            ProfileFileError::Syntax(_) => "syntax",
            ProfileFileError::Invalid(e) => e.code(),
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            ProfileFileError::Syntax(detail) => {
                Words::new("profile", "syntax").text("detail", detail)
            }
            ProfileFileError::Invalid(e) => e.words(lang),
        }
    }
}

impl Message for SizeError {
    fn code(&self) -> &'static str {
        match self {
            SizeError::NotASize(_) => "not_a_size",
            SizeError::UnknownUnit { .. } => "unknown_unit",
            SizeError::OutOfRange(_) => "out_of_range",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("size", self.code());
        match self {
            SizeError::NotASize(text) | SizeError::OutOfRange(text) => w.text("text", text),
            SizeError::UnknownUnit { unit, text } => w.text("unit", unit).text("text", text),
        }
    }
}

impl Message for SetupError {
    fn code(&self) -> &'static str {
        match self {
            SetupError::Profile(e) => e.code(),
            SetupError::Stitch(e) => e.code(),
            SetupError::Sweep(e) => e.code(),
            SetupError::Input { .. } => "input",
            SetupError::Output { .. } => "output",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            SetupError::Profile(e) => e.words(lang),
            SetupError::Stitch(e) => e.words(lang),
            SetupError::Sweep(e) => e.words(lang),
            SetupError::Input { path, source } => Words::new("setup", "input")
                .path("path", path)
                .text("detail", io_text(source, lang)),
            SetupError::Output { path, why } => Words::new("setup", "output")
                .path("path", path)
                .msg("why", why, lang),
        }
    }
}

impl Message for OutputWhy {
    fn code(&self) -> &'static str {
        match self {
            OutputWhy::Create(_) => "output_create",
            OutputWhy::IsInput => "output_is_input",
            OutputWhy::IsWatched => "output_is_watched",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("setup", self.code());
        match self {
            OutputWhy::Create(e) => w.text("detail", io_text(e, lang)),
            OutputWhy::IsInput | OutputWhy::IsWatched => w,
        }
    }
}
