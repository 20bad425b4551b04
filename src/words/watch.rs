//! The words of `scanfit watch` (`watch.ftl`): why a watch cannot start or must stop,
//! and what it notices along the way.

use super::{display_in_english, io_text, Lang, Message, Words};
use crate::watch::{BadOriginals, Notice, OriginalsWhy, WatchError};

display_in_english!(WatchError, OriginalsWhy, BadOriginals, Notice);

impl Message for WatchError {
    fn code(&self) -> &'static str {
        match self {
            WatchError::Setup(e) => e.code(),
            WatchError::NotAFolder { .. } => "not_a_folder",
            WatchError::Watch { .. } => "events",
            WatchError::Journal { .. } => "journal",
            WatchError::OriginalsFolder { .. } => "originals_folder",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("watch", self.code());
        match self {
            WatchError::Setup(e) => e.words(lang),
            WatchError::NotAFolder { path } => w.path("path", path),
            WatchError::Watch { path, source } => w.path("path", path).text("detail", source),
            WatchError::Journal { path, source } => {
                w.path("path", path).text("detail", io_text(source, lang))
            }
            WatchError::OriginalsFolder { path, why } => w.path("path", path).msg("why", why, lang),
        }
    }
}

impl Message for OriginalsWhy {
    fn code(&self) -> &'static str {
        match self {
            OriginalsWhy::Create(_) => "originals_create",
            OriginalsWhy::ContainsInput => "originals_contains_input",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            // The cause says it all.
            OriginalsWhy::Create(e) => {
                Words::new("setup", "output_create").text("detail", io_text(e, lang))
            }
            OriginalsWhy::ContainsInput => Words::new("watch", self.code()),
        }
    }
}

impl Message for BadOriginals {
    fn code(&self) -> &'static str {
        "bad_originals"
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("watch", self.code()).text("text", &self.0)
    }
}

impl Message for Notice {
    fn code(&self) -> &'static str {
        match self {
            Notice::Event(_) => "event_error",
            Notice::PassedOver { .. } => "passed_over",
            Notice::Setup(e) => e.code(),
            Notice::Original(e) => e.code(),
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("watch", self.code());
        match self {
            Notice::Event(detail) => w.text("detail", detail),
            Notice::PassedOver { path, why } => w.path("path", path).msg("why", why, lang),
            Notice::Setup(e) => e.words(lang),
            Notice::Original(e) => e.words(lang),
        }
    }
}
