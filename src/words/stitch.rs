//! The words of `scanfit stitch` (`stitch.ftl`): why a set was not stitched, and
//! mistakes in a sets file.

use super::{display_in_english, io_text, Lang, Message, Words};
use crate::stitch::{LayoutError, RowError, SetsError, StitchError, StitchOptionsError};

display_in_english!(
    StitchError,
    StitchOptionsError,
    LayoutError,
    SetsError,
    RowError
);

impl Message for StitchError {
    fn code(&self) -> &'static str {
        match self {
            // What went wrong with the piece or the canvas is the news.
            StitchError::Piece { problem, .. } | StitchError::Fit(problem) => problem.code(),
            StitchError::TooFewPieces(_) => "too_few_pieces",
            StitchError::Layout(e) => e.code(),
            StitchError::WouldOverwriteInput { .. } => "would_overwrite_piece",
            StitchError::Write { .. } => "write_failed",
            StitchError::Panic(_) => "internal_error",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            StitchError::Piece {
                path,
                page,
                problem,
            } => Words::new("stitch", "piece")
                .path("path", path)
                .opt("page", page.as_ref())
                .msg("problem", problem, lang),
            StitchError::Fit(problem) => Words::new("stitch", "fit").msg("problem", problem, lang),
            StitchError::TooFewPieces(n) => {
                Words::new("stitch", "too_few_pieces").num("count", *n as u64)
            }
            StitchError::Layout(e) => e.words(lang),
            StitchError::WouldOverwriteInput { path } => {
                Words::new("stitch", "would_overwrite_piece").path("path", path)
            }
            StitchError::Write { path, source } => Words::new("stitch", "write_failed")
                .path("path", path)
                .text("detail", io_text(source, lang)),
            StitchError::Panic(detail) => {
                Words::new("stitch", "internal_error").text("detail", detail)
            }
        }
    }
}

impl Message for StitchOptionsError {
    fn code(&self) -> &'static str {
        "spacing_too_large"
    }

    fn words(&self, _: Lang) -> Words {
        let StitchOptionsError::SpacingTooLarge { gap, margin, max } = self;
        Words::new("stitch", self.code())
            .num("gap", *gap)
            .num("margin", *margin)
            .num("max", *max)
    }
}

impl Message for LayoutError {
    fn code(&self) -> &'static str {
        match self {
            LayoutError::NoPieces => "no_pieces",
            LayoutError::TooLarge { .. } => "too_large",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("layout", self.code());
        match self {
            LayoutError::NoPieces => w,
            LayoutError::TooLarge {
                pieces,
                gap,
                margin,
                max,
            } => w
                .num("pieces", *pieces as u64)
                .num("gap", *gap)
                .num("margin", *margin)
                .num("max", *max),
        }
    }
}

impl Message for SetsError {
    fn code(&self) -> &'static str {
        match self {
            SetsError::Sheet(e) => e.code(),
            SetsError::Row { .. } => "row",
            SetsError::Empty { .. } => "empty",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("sets", self.code());
        match self {
            SetsError::Sheet(e) => e.words(lang),
            SetsError::Empty { path } => w.path("path", path),
            SetsError::Row { path, line, why } => w
                .path("path", path)
                .num("line", *line)
                .msg("why", why, lang),
        }
    }
}

impl Message for RowError {
    fn code(&self) -> &'static str {
        match self {
            RowError::TooFewPictures { .. } => "too_few_pictures",
            RowError::EmptyCell(_) => "empty_cell",
            RowError::BadName(_) => "bad_name",
            RowError::NameTaken(_) => "name_taken",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("sets", self.code());
        match self {
            RowError::TooFewPictures { name, count } => {
                w.text("name", name).num("count", *count as u64)
            }
            RowError::EmptyCell(cell) => w.num("cell", *cell as u64),
            RowError::BadName(name) | RowError::NameTaken(name) => w.text("name", name),
        }
    }
}
