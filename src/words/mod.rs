//! Every sentence scanfit says to a person, in one catalogue.
//!
//! The library never writes prose: what it has to say is a typed value (a [`Problem`],
//! a [`Warning`], a check [`Finding`]...) with its facts as fields (a path, sizes,
//! numbers, a format). This module turns such a value into text in the language asked
//! for, from Fluent files embedded in the binary (`src/words/<lang>/<area>.ftl`). Each
//! value has a stable machine code (`too_small`, `gps`, `output_exists`...) that reports
//! keep beside the sentence, so scripts match codes while people read words.
//!
//! The language is always passed in (no process-wide locale): tests run in parallel,
//! and a server answers each request in its own language. A message missing from a
//! language falls back to English.
//!
//! - a new message: a variant (or a type implementing [`Message`]), its arm in the
//!   `impl Message` of its family (in this folder), and a line `family-code = ...` in the
//!   English `.ftl` of its area (and in every other language's);
//! - a new area: its name in the `catalogue!` list below, and `<lang>/<area>.ftl` files;
//!   an area whose texts a client fills in itself (the web page's) is read whole with
//!   [`unfilled`];
//! - a new language: a [`Lang`] variant, its tag in [`Lang::tag`], and a line in
//!   `catalogue!` naming its folder.
//!
//! [`Problem`]: crate::Problem
//! [`Warning`]: crate::Warning
//! [`Finding`]: crate::check::Finding

pub mod chart;
mod check;
mod client;
mod convert;
mod ocr;
mod rules;
mod shard;
mod stitch;
mod sweep;
mod tools;
#[cfg(feature = "watch")]
mod watch;

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use client::unfilled;
pub use rules::{kind_name, province_name};
pub use tools::{io_text, library_text, size, Args, Words};

/// A language scanfit speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    /// English, the fallback for a message missing from another language.
    #[default]
    En,
    /// Simplified Chinese, the language of the filing portal and its applicants.
    Zh,
}

impl Lang {
    /// Every language, the fallback first.
    pub const ALL: &'static [Lang] = &[Lang::En, Lang::Zh];

    /// The BCP 47 tag (also the name of the folder of its `.ftl` files).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language of a locale name or language tag, if scanfit speaks it: any
    /// Chinese one (`zh_CN.UTF-8`, `zh_SG`, `zh-Hans-CN`, `zh`) is Chinese, any English
    /// one English. Taiwan's and Hong Kong's (`zh_TW`, `zh-Hant`) get Simplified Chinese
    /// too: closer to what their readers read than English, until a Traditional
    /// translation exists. `C`, `POSIX` and other languages are `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        // The language is what comes before the territory (`_CN`, `-Hans`), the
        // codeset (`.UTF-8`) and the modifier (`@euro`).
        let language = tag.trim().split(['_', '-', '.', '@']).next()?;
        Lang::ALL
            .iter()
            .copied()
            .find(|l| language.eq_ignore_ascii_case(l.tag()))
    }
}

/// Declares the areas of the catalogue: one `.ftl` file per area and language.
macro_rules! catalogue {
    ($($area:literal),* $(,)?) => {
        /// Every catalogue file: its language, area and text.
        pub const FILES: &[(Lang, &str, &str)] = &[
            $((Lang::En, $area, include_str!(concat!("en/", $area, ".ftl"))),)*
            $((Lang::Zh, $area, include_str!(concat!("zh/", $area, ".ftl"))),)*
        ];
    };
}

catalogue!(
    "convert", "check", "stitch", "watch", "sweep", "rules", "cli", "help", "page", "serve",
    "shard", "desktop", "ocr"
);

/// Something a person reads, as a typed value: a stable machine code, and the words of
/// its sentence in any language.
pub trait Message {
    /// The stable machine code reports keep (`too_small`, `renamed`...).
    fn code(&self) -> &'static str;
    /// The catalogue message and its arguments, in `lang` (arguments may be other
    /// messages, rendered in the same language).
    fn words(&self, lang: Lang) -> Words;
}

/// One loaded language.
struct Bundle {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|&lang| {
            let tag = lang.tag().parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            // Isolation marks (U+2068/U+2069) around arguments would end up in reports
            // and terminals that do not render them.
            bundle.set_use_isolating(false);
            // NUMBER() lets each language choose how a size's digits read (4.00 MB, 4 MB).
            bundle
                .add_function("NUMBER", fluent_bundle::builtins::NUMBER)
                .expect("NUMBER is added once");
            for (_, area, text) in FILES.iter().filter(|(l, _, _)| *l == lang) {
                let resource = FluentResource::try_new((*text).to_owned())
                    .unwrap_or_else(|(_, e)| panic!("{}/{area}.ftl: {e:?}", lang.tag()));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|e| panic!("{}/{area}.ftl: {e:?}", lang.tag()));
            }
            Bundle { lang, bundle }
        })
        .collect()
});

/// What went wrong rendering a message: a missing id or argument. Only tests look at
/// it; [`say`] falls back instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

/// The text of message `id` with `args` in `lang`, or why it cannot be rendered there.
pub fn try_text(lang: Lang, id: &str, args: &FluentArgs) -> Result<String, RenderError> {
    let bundle = BUNDLES
        .iter()
        .find(|b| b.lang == lang)
        .map(|b| &b.bundle)
        .ok_or_else(|| RenderError(format!("no catalogue for {}", lang.tag())))?;
    let pattern = bundle
        .get_message(id)
        .and_then(|m| m.value())
        .ok_or_else(|| RenderError(format!("{}: no message {id}", lang.tag())))?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    if errors.is_empty() {
        Ok(text.into_owned())
    } else {
        Err(RenderError(format!("{}: {id}: {errors:?}", lang.tag())))
    }
}

/// The text of message `id` with `args` in `lang`; English when `lang` lacks it, and the
/// id with its arguments when English lacks it too (a bug the catalogue test catches).
pub fn text(lang: Lang, id: &str, args: &FluentArgs) -> String {
    try_text(lang, id, args)
        .or_else(|_| try_text(Lang::En, id, args))
        .unwrap_or_else(|_| {
            let values: Vec<String> = args
                .iter()
                .map(|(k, v)| format!("{k}={}", plain(v)))
                .collect();
            format!("{id}({})", values.join(", "))
        })
}

fn plain<'a>(v: &'a FluentValue<'_>) -> Cow<'a, str> {
    match v {
        FluentValue::String(s) => Cow::Borrowed(s),
        FluentValue::Number(n) => n.as_string(),
        _ => Cow::Borrowed("?"),
    }
}

/// A message's text in `lang`.
pub fn say(message: &(impl Message + ?Sized), lang: Lang) -> String {
    let words = message.words(lang);
    text(lang, &words.id, &words.args)
}

/// A message's English text: what `Display` shows (logs, `anyhow` chains, panics).
pub fn english(message: &(impl Message + ?Sized)) -> String {
    say(message, Lang::En)
}

/// Writes a message's English text, for the `Display` impls of message types.
pub(crate) fn display(
    message: &(impl Message + ?Sized),
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    f.write_str(&english(message))
}

/// `Display` in English from the catalogue, for types that are messages.
macro_rules! display_in_english {
    ($($ty:ty),* $(,)?) => {
        $(impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::words::display(self, f)
            }
        })*
    };
}
pub(crate) use display_in_english;

/// A plain catalogue text by id, for the words that are not about one value (table
/// heads, labels, summaries): `line(lang, "cli-summary-convert", args)`.
pub fn line(lang: Lang, id: &str, args: Args) -> String {
    text(lang, id, &args.into_fluent())
}

#[cfg(test)]
mod tests;
