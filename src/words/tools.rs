//! The small vocabulary the `impl Message` blocks are written in: a message id with its
//! arguments ([`Words`]), and the arguments of plain texts ([`Args`]).

use std::path::Path;

use fluent_bundle::{FluentArgs, FluentValue};

use super::{say, Lang, Message};

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

    pub(super) fn into_fluent(self) -> FluentArgs<'static> {
        self.0
    }
}

/// A whole number as Fluent sees it: a number (for plural rules) whose text is exact.
fn number(n: u64) -> FluentValue<'static> {
    // Fluent numbers are f64: exact up to 2^53, far beyond any size or count here.
    FluentValue::from(n as f64)
}
