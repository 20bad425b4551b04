//! The words of `scanfit serve` (`serve.ftl`): why a server cannot start, and why the API
//! refuses a request. A file's own failure is said by its record's [`Why`](crate::Why).

use super::problem::Refusal;
use super::ServeError;
use crate::words::{display_in_english, io_text, Lang, Message, Words};

display_in_english!(ServeError, Refusal);

impl Message for ServeError {
    fn code(&self) -> &'static str {
        match self {
            ServeError::Bind { .. } => "cannot_listen",
            ServeError::Unprotected { .. } => "unprotected",
            ServeError::Setup(e) => e.code(),
            ServeError::EmptyToken => "empty_token",
            ServeError::BadOrigin(_) => "bad_origin",
            ServeError::Io(_) => "stopped",
            ServeError::DrainTimeout { .. } => "drain_timeout",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("serve", self.code());
        match self {
            ServeError::Bind { addr, source } => {
                w.text("addr", addr).text("detail", io_text(source, lang))
            }
            ServeError::Unprotected { addr } => w.text("addr", addr),
            ServeError::Setup(e) => e.words(lang),
            ServeError::EmptyToken => w,
            ServeError::BadOrigin(origin) => w.text("origin", origin),
            ServeError::Io(e) => w.text("detail", io_text(e, lang)),
            ServeError::DrainTimeout { secs, requests } => {
                w.num("secs", *secs).num("requests", *requests as u64)
            }
        }
    }
}

impl Message for Refusal {
    fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound => "not_found",
            Refusal::MethodNotAllowed => "method_not_allowed",
            Refusal::ForbiddenHost => "forbidden_host",
            Refusal::CrossOrigin => "cross_origin",
            Refusal::Unauthorized => "unauthorized",
            Refusal::UnknownParameter(_)
            | Refusal::RepeatedParameter(_)
            | Refusal::BadValue { .. }
            | Refusal::BadQuery
            | Refusal::Stitch(_) => "bad_parameter",
            Refusal::Profile(_) => "bad_profile",
            Refusal::Empty => "empty",
            Refusal::OneFile(_) => "one_file",
            Refusal::BadMultipart(_) => "bad_multipart",
            Refusal::CutOff(_) => "bad_body",
            Refusal::TooSlow(_) => "upload_too_slow",
            // As a report says of a file over the input limit.
            Refusal::TooLarge(_) => "input_too_large",
            Refusal::Overloaded => "overloaded",
            Refusal::Timeout(_) => "timeout",
            Refusal::Internal(_) => "internal_error",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = |id| Words::new("api", id);
        match self {
            Refusal::UnknownParameter(name) => w("unknown_parameter").text("name", name),
            Refusal::RepeatedParameter(name) => w("repeated_parameter").text("name", name),
            Refusal::BadValue { name, value } => {
                w("bad_value").text("name", name).text("value", value)
            }
            Refusal::BadQuery => w("bad_query"),
            Refusal::Stitch(e) => w("bad_spacing").msg("why", e, lang),
            Refusal::Profile(e) => w(self.code()).msg("why", e, lang),
            Refusal::OneFile(n) => w(self.code()).num("count", *n as u64),
            // Their detail is a library's English: it goes to the answer's `detail` field
            // and the log, not into the sentence.
            Refusal::BadMultipart(_) | Refusal::CutOff(_) | Refusal::Internal(_) => w(self.code()),
            Refusal::TooLarge(limit) => w(self.code()).size("max", *limit, lang),
            Refusal::Timeout(secs) => w(self.code()).num("secs", *secs),
            Refusal::TooSlow(rate) => w(self.code()).size("rate", *rate, lang),
            Refusal::NotFound
            | Refusal::MethodNotAllowed
            | Refusal::ForbiddenHost
            | Refusal::CrossOrigin
            | Refusal::Unauthorized
            | Refusal::Empty
            | Refusal::Overloaded => w(self.code()),
        }
    }
}
