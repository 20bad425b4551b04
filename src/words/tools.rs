//! The small vocabulary the `impl Message` blocks are written in: a message id with its
//! arguments ([`Words`]), the arguments of plain texts ([`Args`]), and the values said
//! inside many messages: sizes ([`size`]) and the system's I/O errors ([`io_text`]).

use std::io;
use std::path::Path;

use fluent_bundle::{FluentArgs, FluentValue};

use super::{line, say, Lang, Message};
use crate::options::{ByteSize, SizeUnit};
use crate::write::InTheWay;

/// A catalogue message id and its arguments: what a [`Message`] renders as.
pub struct Words {
    /// `family-code`, the message's id in the catalogue.
    pub id: String,
    /// Its arguments.
    pub args: FluentArgs<'static>,
}

impl Words {
    /// Message `family-code` without arguments yet.
    pub fn new(family: &str, code: &str) -> Words {
        Words {
            id: format!("{family}-{code}"),
            args: FluentArgs::new(),
        }
    }

    /// Adds a text argument.
    pub fn text(mut self, name: &'static str, value: impl ToString) -> Words {
        self.args.set(name, FluentValue::from(value.to_string()));
        self
    }

    /// Adds a path argument (shown as the system shows it, with any byte that is not
    /// UTF-8 replaced).
    pub fn path(self, name: &'static str, value: &Path) -> Words {
        self.text(name, value.display())
    }

    /// Adds a whole number (the catalogue can choose plural forms by it).
    pub fn num(mut self, name: &'static str, value: impl Into<u64>) -> Words {
        self.args.set(name, number(value.into()));
        self
    }

    /// Adds a size in bytes, as people read it in `lang` ([`size`]).
    pub fn size(self, name: &'static str, bytes: u64, lang: Lang) -> Words {
        self.text(name, size(bytes, lang))
    }

    /// Adds another message, rendered in the same language.
    pub fn msg(self, name: &'static str, value: &(impl Message + ?Sized), lang: Lang) -> Words {
        self.text(name, say(value, lang))
    }

    /// Adds an optional text: `none` when absent, so the message can select on it.
    pub fn opt(self, name: &'static str, value: Option<impl ToString>) -> Words {
        match value {
            Some(v) => self.text(name, v),
            None => self.text(name, "none"),
        }
    }
}

/// Arguments of a plain catalogue text (see [`super::line`]).
#[derive(Default)]
pub struct Args(FluentArgs<'static>);

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }

    /// Adds a text argument.
    pub fn text(mut self, name: &'static str, value: impl ToString) -> Args {
        self.0.set(name, FluentValue::from(value.to_string()));
        self
    }

    /// Adds a whole number.
    pub fn num(mut self, name: &'static str, value: impl Into<u64>) -> Args {
        self.0.set(name, number(value.into()));
        self
    }

    /// Adds a size in bytes, as people read it in `lang` ([`size`]).
    pub fn size(self, name: &'static str, bytes: u64, lang: Lang) -> Args {
        self.text(name, size(bytes, lang))
    }

    pub(super) fn into_fluent(self) -> FluentArgs<'static> {
        self.0
    }
}

/// A whole number as Fluent sees it: a number (for plural rules) whose text is exact.
fn number(n: u64) -> FluentValue<'static> {
    // Fluent numbers are f64: exact up to 2^53, far beyond any size or count here.
    FluentValue::from(n as f64)
}

/// A size in bytes as people read it in `lang`: `4.31 MB`, `154.7 kB`, `96 B` in
/// English, `4.31 MB`, `4 MB`, `154.7 KB`, `96 字节` in Chinese. The number is rounded
/// once ([`ByteSize::shown`]); the catalogue (`unit-*`) words the unit and chooses
/// whether trailing zeros show.
pub fn size(bytes: u64, lang: Lang) -> String {
    let (digits, unit) = ByteSize(bytes).shown();
    let id = match unit {
        SizeUnit::B => "unit-b",
        SizeUnit::Kb => "unit-kb",
        SizeUnit::Mb => "unit-mb",
    };
    // Fluent numbers are f64: the rounded digits read back exactly as written.
    let n: f64 = digits.parse().expect("ByteSize::shown gives digits");
    let mut args = FluentArgs::new();
    args.set("n", FluentValue::from(n));
    super::text(lang, id, &args)
}

/// The text of an I/O error in `lang`: scanfit's own typed causes in words, the common
/// kinds (not found, permission denied, disk full...) in the language's words where it
/// has them, else the system's own text.
pub fn io_text(e: &io::Error, lang: Lang) -> String {
    if let Some(in_the_way) = e.get_ref().and_then(|i| i.downcast_ref::<InTheWay>()) {
        return say(in_the_way, lang);
    }
    line(
        lang,
        "io-error",
        Args::new().text("kind", kind_name(e.kind())).text("os", e),
    )
}

/// A decoder library's own words about a damaged file, in `lang`: English as the
/// library wrote it, where a reader of English can use it; in another language the
/// catalogue's sentence for it, so no library English stands inside a translated
/// sentence (a service keeps the English in its answer's `detail` and its log).
pub fn library_text(detail: &str, lang: Lang) -> String {
    match lang {
        Lang::En => detail.to_owned(),
        _ => line(lang, "library-detail", Args::new()),
    }
}

/// `NotFound` → `not_found`: the catalogue selects on the kind by this name.
fn kind_name(kind: io::ErrorKind) -> String {
    let mut name = String::new();
    for c in format!("{kind:?}").chars() {
        if c.is_ascii_uppercase() && !name.is_empty() {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}
