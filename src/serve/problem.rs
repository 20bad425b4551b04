//! The API's answers when it cannot give what was asked: JSON `{code, message}` with the
//! HTTP status that tells a client what to do (fix the request, send something smaller
//! or another format, retry later). A file that cannot be converted is the client's
//! input, never the server's fault, so it is a 4xx; 500 is kept for bugs.
//!
//! Both kinds of failure are typed values: a [`Refusal`] of the request itself, or the
//! [`Why`] of a file's record. The code is the value's stable code (for a file, the
//! record's `error_code`, so a client learns one set of codes for reports and answers);
//! the message is its sentence from the catalogue, in the request's language. A failure
//! about a file also carries that file's records and their CSV rows, so a caller's
//! report lists it as `scanfit convert` would.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::metrics;
use crate::decode::heif::HeifError;
use crate::decode::jbig2::Jbig2Error;
use crate::decode::jpeg2000::Jpeg2000Error;
use crate::decode::libtiff::TiffLibError;
use crate::decode::pages::PageError;
use crate::error::{Problem, Skip, Why};
use crate::options::ProfileError;
use crate::report::Record;
use crate::rows::{write_csv, Row};
use crate::stitch::{StitchError, StitchOptionsError};
use crate::words::{say, Lang, Message};

/// Seconds a client is asked to wait after a 429 or a timeout: about one picture's work.
const RETRY_AFTER_SECS: u64 = 2;

/// Why the server refuses a request before any file has an outcome. Its words are in
/// the catalogue (`serve.ftl`).
#[derive(Debug)]
pub(crate) enum Refusal {
    /// No such page or API.
    NotFound,
    /// The address takes another method.
    MethodNotAllowed,
    /// On loopback, a `Host` that is not a loopback name (DNS rebinding).
    ForbiddenHost,
    /// A browser's post from a site whose origin was not allowed.
    CrossOrigin,
    /// The token is missing or wrong.
    Unauthorized,
    /// A query parameter the API does not know (a typo is not silently ignored).
    UnknownParameter(String),
    /// A query parameter given twice.
    RepeatedParameter(String),
    /// A query parameter whose value cannot be read.
    BadValue {
        /// The parameter.
        name: String,
        /// Its value as given.
        value: String,
    },
    /// A query string that is not URL-encoded text.
    BadQuery,
    /// The profile the parameters give contradicts itself.
    Profile(ProfileError),
    /// The stitch spacing the parameters give is out of range.
    Stitch(StitchOptionsError),
    /// The upload has no bytes.
    Empty,
    /// Convert and check take exactly one file.
    OneFile(usize),
    /// A multipart body that cannot be read; the reader's words.
    BadMultipart(String),
    /// The body stopped before its end; the connection's words.
    CutOff(String),
    /// The body arrived slower than the least rate, in bytes a second.
    TooSlow(u64),
    /// The body is larger than the server takes.
    TooLarge(u64),
    /// Every worker and queue place is taken.
    Overloaded,
    /// The request took longer than the server's limit, in seconds.
    Timeout(u64),
    /// A bug: work that ended without a result.
    Internal(String),
}

impl Refusal {
    /// The library's own words about the refusal (English, for machines and the log),
    /// kept out of the sentence a person reads.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Refusal::BadMultipart(d) | Refusal::CutOff(d) | Refusal::Internal(d) => Some(d),
            _ => None,
        }
    }

    /// The HTTP status of the refusal.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::ForbiddenHost | Refusal::CrossOrigin => StatusCode::FORBIDDEN,
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::UnknownParameter(_)
            | Refusal::RepeatedParameter(_)
            | Refusal::BadValue { .. }
            | Refusal::BadQuery
            | Refusal::Profile(_)
            | Refusal::Stitch(_)
            | Refusal::Empty
            | Refusal::OneFile(_)
            | Refusal::BadMultipart(_)
            | Refusal::CutOff(_) => StatusCode::BAD_REQUEST,
            Refusal::TooSlow(_) => StatusCode::REQUEST_TIMEOUT,
            Refusal::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Overloaded => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The answer, in `lang`.
    pub fn answer(&self, lang: Lang) -> Response {
        error_response(self.status(), self, self.detail(), None, lang)
    }
}

/// The records of one request and their CSV rows (header line first): what `convert
/// --report` would have written for the same files.
pub(super) struct Report {
    pub records: Vec<Record>,
    pub csv: String,
}

impl Report {
    pub fn of(records: Vec<Record>, lang: Lang) -> Report {
        let mut csv = Vec::new();
        // Writing into memory cannot fail.
        let _ = write_csv(&records, lang, &mut csv);
        let csv = String::from_utf8_lossy(&csv);
        // The BOM is for a file a spreadsheet opens; inside JSON it would be a stray
        // character in the header's first name (the page adds it to its report.csv).
        let csv = csv.strip_prefix('\u{feff}').unwrap_or(&csv).to_owned();
        Report { records, csv }
    }

    /// The stable codes of the failed records, in order (for the metrics and the log).
    pub fn failure_codes(&self) -> Vec<&'static str> {
        self.records
            .iter()
            .filter_map(|r| r.error.as_ref().map(Message::code))
            .collect()
    }

    /// The records as reports show them, in `lang`.
    pub fn rows(&self, lang: Lang) -> Vec<Row<'_>> {
        self.records.iter().map(|r| Row::new(r, lang)).collect()
    }
}

/// The JSON body of an error.
#[derive(serde::Serialize)]
struct Body<'a> {
    code: &'static str,
    message: String,
    /// A library's own words (English), for machines; never shown to a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    csv: Option<&'a str>,
}

/// The answer for a request whose files all failed: the first failure's status, code
/// and words, and every record.
pub(super) fn failure(report: &Report, lang: Lang) -> Response {
    match report.records.iter().find_map(|r| r.error.as_ref()) {
        Some(why) => {
            // The English sentence keeps the decoder's own words, which the translated
            // one leaves out: for machines and the log.
            let english = (lang != Lang::En).then(|| why.to_string());
            error_response(status_of(why), why, english.as_deref(), Some(report), lang)
        }
        None => Refusal::Internal("no output and no reason".into()).answer(lang),
    }
}

fn error_response(
    status: StatusCode,
    why: &dyn Message,
    detail: Option<&str>,
    report: Option<&Report>,
    lang: Lang,
) -> Response {
    let body = Body {
        code: why.code(),
        message: say(why, lang),
        detail,
        records: report.map(|r| r.rows(lang)),
        csv: report.map(|r| r.csv.as_str()),
    };
    let codes = match report {
        Some(r) => r.failure_codes(),
        None => vec![why.code()],
    };
    let mut response = metrics::tag((status, Json(body)).into_response(), codes);
    if let Some(detail) = detail {
        metrics::tag_detail(&mut response, detail);
    }
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    }
    response
}

/// How a file's failure is answered: 415 for what is not a picture this server
/// converts, 413 for what is too big to decode, 422 for a picture that is damaged or
/// cannot be brought into the band, 400 for nothing at all; 500 only for the server's
/// own failures.
fn status_of(why: &Why) -> StatusCode {
    match why {
        Why::Problem(problem) => problem_status(problem),
        Why::Skip(Skip::NotAPicture) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Why::Stitch(e) => match e {
            StitchError::Piece { problem, .. } | StitchError::Fit(problem) => {
                problem_status(problem)
            }
            StitchError::TooFewPieces(_) => StatusCode::BAD_REQUEST,
            StitchError::Layout(_) => StatusCode::UNPROCESSABLE_ENTITY,
            StitchError::WouldOverwriteInput { .. }
            | StitchError::Write { .. }
            | StitchError::Panic(_) => StatusCode::INTERNAL_SERVER_ERROR,
        },
        // Nothing a server does: it never lists folders, writes files or moves originals.
        Why::Skip(_) | Why::Original(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn problem_status(problem: &Problem) -> StatusCode {
    const MEDIA: StatusCode = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    const BIG: StatusCode = StatusCode::PAYLOAD_TOO_LARGE;
    const UNFIT: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
    match problem {
        Problem::Empty => StatusCode::BAD_REQUEST,
        Problem::NotAPicture | Problem::Unsupported { .. } => MEDIA,
        Problem::TooLarge { .. } | Problem::TooManyPixels { .. } => BIG,
        Problem::Corrupt { .. }
        | Problem::Truncated { .. }
        | Problem::CorruptData { .. }
        | Problem::NoPixels { .. }
        | Problem::BandUnreachable { .. } => UNFIT,
        Problem::Page(page) => match page {
            PageError::NotAScannedImage { .. }
            | PageError::UnsupportedFilter { .. }
            | PageError::UnsupportedColor { .. } => MEDIA,
            PageError::Tiff(_)
            | PageError::Pdf(_)
            | PageError::Encrypted
            | PageError::NoPages
            | PageError::Corrupt { .. }
            | PageError::CorruptData { .. } => UNFIT,
        },
        Problem::Heif(heif) => match heif {
            // This server cannot read HEIC at all: for it, not a format it converts.
            HeifError::LibraryMissing(_) => MEDIA,
            HeifError::Decode(_) => UNFIT,
        },
        // Like HEIC without libheif: a layout this server cannot read at all.
        Problem::TiffLib(TiffLibError::LibraryMissing { .. }) => MEDIA,
        Problem::Jbig2(Jbig2Error::LibraryMissing { .. }) => MEDIA,
        Problem::Jpeg2000(j2k) => match j2k {
            Jpeg2000Error::Corrupt { .. } => UNFIT,
            Jpeg2000Error::Unsupported { .. } => MEDIA,
        },
        Problem::Read(_)
        | Problem::NotAFile
        | Problem::ChangedWhileRead { .. }
        | Problem::Encode(_)
        | Problem::Write { .. }
        | Problem::WouldOverwriteInput { .. }
        | Problem::Panic(_)
        | Problem::ReadFolder(_)
        | Problem::OutputFolderIsLink { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Closest;

    #[test]
    fn bad_input_is_never_a_server_error() {
        let cases: Vec<Why> = vec![
            Problem::Empty.into(),
            Problem::NotAPicture.into(),
            Skip::NotAPicture.into(),
            Problem::Corrupt {
                format: crate::sniff::Format::Jpeg,
                detail: "truncated".into(),
            }
            .into(),
            Problem::BandUnreachable {
                min: 1,
                max: 2,
                closest: Closest::Png { bytes: 3 },
            }
            .into(),
            Problem::TooManyPixels {
                width: 1,
                height: 1,
                max: 0,
            }
            .into(),
            Problem::Page(PageError::Encrypted).into(),
            Problem::Heif(HeifError::LibraryMissing("absent".into())).into(),
            StitchError::TooFewPieces(1).into(),
            StitchError::Piece {
                path: "b.jpg".into(),
                page: None,
                problem: Problem::NotAPicture,
            }
            .into(),
        ];
        for why in &cases {
            let status = status_of(why);
            assert!(status.is_client_error(), "{why}: {status}");
        }
        assert_eq!(
            status_of(&Problem::Panic("bug".into()).into()),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
