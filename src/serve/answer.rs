//! How a convert or stitch is answered.
//!
//! With the picture itself by default: its real content type, a download name, and its
//! record (the same JSON as a report line) as ASCII JSON in the `Scanfit-Record` header:
//! one round trip, and `curl -o` saves a picture. Or, with `?as=json`, the records, each
//! output's bytes in base64 and the report's CSV rows. An input with several pages (PDF,
//! TIFF) always gets the JSON form, one record and one output per page, since one
//! picture cannot hold them. When no picture was made the answer is the failure's
//! (`problem.rs`), with the records too, so a caller's report lists every file.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::metrics;
use super::problem::{failure, Report};
use super::upload::Answer;
use super::work::{Outcome, Output};
use crate::pipeline::OutputFormat;
use crate::rows::Row;
use crate::words::Lang;

/// The answer for an outcome, its words in `lang`.
pub(super) fn answer(outcome: Outcome, form: Answer, lang: Lang) -> Response {
    let Outcome {
        records,
        mut outputs,
    } = outcome;
    if outputs.is_empty() {
        return failure(&Report::of(records, lang), lang);
    }
    if form == Answer::Picture && outputs.len() == 1 && records.len() == 1 {
        return picture_response(&Row::new(&records[0], lang), outputs.remove(0));
    }
    let report = Report::of(records, lang);
    let codes = report.failure_codes();
    let outputs = outputs
        .iter()
        .map(|o| JsonOutput {
            name: &o.name,
            content_type: content_type(o.format),
            bytes: o.bytes.len(),
            data: base64::engine::general_purpose::STANDARD.encode(&o.bytes),
        })
        .collect();
    let response = Json(JsonAnswer {
        records: report.rows(lang),
        csv: &report.csv,
        outputs,
    })
    .into_response();
    metrics::tag(response, codes)
}

/// The JSON form of a successful answer.
#[derive(serde::Serialize)]
struct JsonAnswer<'a> {
    records: Vec<Row<'a>>,
    csv: &'a str,
    outputs: Vec<JsonOutput<'a>>,
}

/// One output picture in the JSON form.
#[derive(serde::Serialize)]
struct JsonOutput<'a> {
    name: &'a str,
    content_type: &'static str,
    bytes: usize,
    /// The picture, base64.
    data: String,
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Jpeg => "image/jpeg",
        OutputFormat::Png => "image/png",
    }
}

/// The picture as the body, named for download, with its record in a header.
fn picture_response(record: &Row, output: Output) -> Response {
    let file_name = output
        .name
        .rsplit('/')
        .next()
        .unwrap_or(&output.name)
        .to_owned();
    let mut response = (StatusCode::OK, output.bytes).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(output.format)),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&ascii_json(record)) {
        h.insert(header::HeaderName::from_static("scanfit-record"), v);
    }
    response
}

/// JSON with every character outside printable ASCII written as a `\u` escape, so it
/// can travel in an HTTP header and still parses to the same value.
fn ascii_json(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else {
            // Outside strings JSON holds only ASCII, so c is inside a string here.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// The bytes RFC 5987 escapes in a header parameter's value: all but its `attr-char`s
/// (letters, digits and ``!#$&+-.^_`|~``).
const RFC5987_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII fallback name and the real one in RFC 5987 form.
fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, RFC5987_ESCAPED);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_json_is_ascii_and_parses_back_to_the_same_value() {
        let value = serde_json::json!({"input": "客户A/授权书 😀.jpg", "del": "\u{7f}"});
        let text = ascii_json(&value);
        assert!(text.bytes().all(|b| (0x20..0x7f).contains(&b)), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn download_names_survive_in_both_forms() {
        assert_eq!(
            content_disposition("授权书 1.jpg"),
            "attachment; filename=\"___ 1.jpg\"; filename*=UTF-8''%E6%8E%88%E6%9D%83%E4%B9%A6%201.jpg"
        );
    }
}
