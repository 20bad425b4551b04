//! The API's answers when it cannot give what was asked: JSON `{code, message}` with the
//! HTTP status that tells a client what to do (fix the request, send something smaller
//! or another format, retry later). A file that cannot be converted is the client's
//! input, never the server's fault, so it is a 4xx; 500 is kept for bugs.
//!
//! The codes are stable (clients switch on them); the messages are for people. A
//! failure about one file also carries that file's records and their CSV rows, so a
//! caller's report lists it as `scanfit convert` would.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::decode::heif::HeifError;
use crate::decode::pages::PageError;
use crate::error::Problem;
use crate::report::{write_csv, Record};
use crate::stitch::StitchError;

/// Seconds a client is asked to wait after a 429 or a timeout: about one picture's work.
const RETRY_AFTER_SECS: u64 = 2;

/// An answer other than success.
#[derive(Debug)]
pub(super) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// For a failure about the uploaded file(s): their records and CSV rows, as a
    /// success would carry them.
    pub report: Option<Report>,
}

/// The records of one request and their CSV rows (header line first): what `convert
/// --report` would have written for the same files.
#[derive(Debug, serde::Serialize)]
pub(super) struct Report {
    pub records: Vec<Record>,
    pub csv: String,
}

impl Report {
    pub fn of(records: Vec<Record>) -> Report {
        let mut csv = Vec::new();
        // Writing into memory cannot fail.
        let _ = write_csv(&records, &mut csv);
        Report {
            records,
            csv: String::from_utf8_lossy(&csv).into_owned(),
        }
    }
}

/// The JSON body of an error.
#[derive(serde::Serialize)]
struct Body<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(flatten)]
    report: Option<&'a Report>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            report: None,
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 413: the body is larger than this server takes.
    pub fn too_large(limit: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the upload is larger than this server's limit of {limit} bytes"),
        )
    }

    /// 429: every worker and queue place is taken.
    pub fn overloaded() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "overloaded",
            "the server is busy with other pictures; try again in a moment",
        )
    }

    /// 503: the request took longer than the server's limit.
    pub fn timeout(secs: u64) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than this server's limit of {secs} s"),
        )
    }

    /// 500: a bug (a panic in a codec); the only 500.
    pub fn internal(detail: &str) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("internal error (please report it): {detail}"),
        )
    }

    /// The status and code a file's problem gives, with its message.
    pub fn from_problem(problem: &Problem) -> ApiError {
        let (status, code) = classify(problem);
        ApiError::new(status, code, problem.to_string())
    }

    /// The status and code a stitch's failure gives: a piece's problem as for convert.
    pub fn from_stitch(error: &StitchError) -> ApiError {
        let (status, code) = match error {
            StitchError::Piece { problem, .. } | StitchError::Fit(problem) => classify(problem),
            StitchError::TooFewPieces(_) => (StatusCode::BAD_REQUEST, "too_few_pieces"),
            StitchError::Layout(_) => (StatusCode::UNPROCESSABLE_ENTITY, "layout"),
            StitchError::WouldOverwriteInput { .. }
            | StitchError::Write { .. }
            | StitchError::Panic(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError::new(status, code, error.to_string())
    }
}

/// How a problem with an uploaded file is answered: 415 for what is not a picture this
/// server converts, 413 for what is too big to decode, 422 for a picture that is
/// damaged or cannot be brought into the band, 400 for nothing at all.
fn classify(problem: &Problem) -> (StatusCode, &'static str) {
    const BAD: StatusCode = StatusCode::BAD_REQUEST;
    const MEDIA: StatusCode = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    const BIG: StatusCode = StatusCode::PAYLOAD_TOO_LARGE;
    const UNFIT: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
    match problem {
        Problem::Empty => (BAD, "empty"),
        Problem::NotAPicture => (MEDIA, "not_a_picture"),
        Problem::Unsupported { .. } => (MEDIA, "unsupported"),
        Problem::TooLarge { .. } => (BIG, "too_large"),
        Problem::TooManyPixels { .. } => (BIG, "too_many_pixels"),
        Problem::Corrupt { .. } => (UNFIT, "corrupt"),
        Problem::BandUnreachable { .. } => (UNFIT, "band_unreachable"),
        Problem::Page(page) => match page {
            PageError::Encrypted => (UNFIT, "encrypted"),
            PageError::NotAScannedImage { .. } => (MEDIA, "not_a_scan"),
            PageError::UnsupportedFilter { .. } | PageError::UnsupportedColor { .. } => {
                (MEDIA, "unsupported")
            }
            PageError::TooManyPixels { .. } => (BIG, "too_many_pixels"),
            PageError::Tiff(_)
            | PageError::Pdf(_)
            | PageError::NoPages
            | PageError::Corrupt { .. }
            | PageError::Image(_) => (UNFIT, "corrupt"),
        },
        Problem::Heif(heif) => match heif {
            // This server cannot read HEIC at all: for it, not a format it converts.
            HeifError::LibraryMissing(_) => (MEDIA, "heif_unavailable"),
            HeifError::Decode(_) => (UNFIT, "corrupt"),
            HeifError::TooManyPixels { .. } => (BIG, "too_many_pixels"),
        },
        Problem::Read(_)
        | Problem::Encode(_)
        | Problem::Write { .. }
        | Problem::WouldOverwriteInput { .. }
        | Problem::Panic(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            code: self.code,
            message: &self.message,
            report: self.report.as_ref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_never_a_server_error() {
        let cases = [
            Problem::Empty,
            Problem::NotAPicture,
            Problem::Corrupt {
                format: crate::sniff::Format::Jpeg,
                detail: "truncated".into(),
            },
            Problem::BandUnreachable {
                min: 1,
                max: 2,
                why: "x".into(),
            },
            Problem::Page(PageError::Encrypted),
            Problem::Heif(HeifError::LibraryMissing("absent".into())),
        ];
        for p in &cases {
            let (status, _) = classify(p);
            assert!(status.is_client_error(), "{p}: {status}");
        }
        assert_eq!(
            classify(&Problem::Panic("bug".into())).0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
