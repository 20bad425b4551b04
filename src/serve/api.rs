//! The routes and the three operations: convert, check and stitch one upload each,
//! with the library's own records.
//!
//! **Answers.** `convert` and `stitch` answer with the picture itself (its real
//! content type, a download name, and its record as ASCII JSON in the `Scanfit-Record`
//! header: one round trip, and `curl -o` saves a picture), or with `?as=json`: the
//! records, each output's bytes in base64, and the report's CSV rows. An input with
//! several pages (PDF, TIFF) always gets the JSON form, one record and one output per
//! page, since one picture cannot hold them. A file that cannot be converted gets an
//! error status whose body also holds its record and CSV row, so a caller's report
//! lists every file, as `scanfit convert`'s does.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use base64::Engine;

use super::problem::{ApiError, Report};
use super::upload::{self, Answer, Asked, Upload};
use super::workers::Workers;
use super::{guard, page, ServeOptions};
use crate::check::check_bytes;
use crate::error::Problem;
use crate::pipeline::{convert_bytes, Converted, OutputFormat};
use crate::report::{Record, Status};
use crate::sniff::{claimed_by_name, sniff};
use crate::stitch::stitch_bytes;

/// What every request shares: the settings and the workers. Nothing about any client.
pub(super) struct AppState {
    pub opts: ServeOptions,
    pub workers: Workers,
    /// Bound to a loopback address: the Host check applies.
    pub loopback: bool,
}

impl AppState {
    pub fn new(opts: ServeOptions, loopback: bool) -> AppState {
        AppState {
            workers: Workers::new(opts.options.jobs, opts.queue),
            opts,
            loopback,
        }
    }
}

/// Every route, behind the guard.
pub(super) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/app.css", get(page::style))
        .route("/healthz", get(health))
        .route("/api/v1/words", get(page::words))
        .route("/api/v1/info", get(info))
        .route("/api/v1/convert", post(convert))
        .route("/api/v1/check", post(check))
        .route("/api/v1/stitch", post(stitch))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Bodies are read and limited by `upload`, which answers 413 as JSON.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            guard::guard,
        ))
        .with_state(state)
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such page or API")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this address takes another method (the API takes POST)",
    )
}

/// `GET /api/v1/info`: what a client needs to know before sending: the limits, the
/// number of workers, whether a token is needed, and the base profile.
async fn info(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let o = &s.opts;
    Json(serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "jobs": o.options.jobs,
        "queue": o.queue,
        "max_input_bytes": o.options.max_input_bytes,
        "max_pixels": o.options.max_pixels,
        "timeout_secs": o.timeout.as_secs(),
        "token_required": o.token.is_some(),
        "profile": o.options.profile,
    }))
}

/// Runs one operation within the request time limit.
async fn limited(
    s: &AppState,
    work: impl std::future::Future<Output = Result<Response, ApiError>>,
) -> Response {
    match tokio::time::timeout(s.opts.timeout, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => error.into_response(),
        Err(_) => ApiError::timeout(s.opts.timeout.as_secs()).into_response(),
    }
}

/// Takes a request in: its parameters, its place among the admitted requests, then its
/// files (admission first: a full server refuses before taking the body into memory).
/// A request refused before its body is read has the body discarded, so the client
/// can read the refusal.
async fn intake(
    s: &AppState,
    request: Request,
) -> Result<(Asked, super::workers::Ticket, Vec<Upload>), ApiError> {
    let limit = s.opts.options.max_input_bytes;
    let (parts, body) = request.into_parts();
    let early = Asked::parse(&parts.uri, &s.opts.options, &s.opts.stitch).and_then(|asked| {
        let ticket = s.workers.admit().map_err(|_| ApiError::overloaded())?;
        Ok((asked, ticket))
    });
    let (asked, ticket) = match early {
        Ok(admitted) => admitted,
        Err(error) => {
            upload::discard(body, limit);
            return Err(error);
        }
    };
    let files = upload::uploads(Request::from_parts(parts, body), limit).await?;
    if files.iter().any(|f| f.bytes.is_empty()) {
        return Err(ApiError::from_problem(&Problem::Empty));
    }
    Ok((asked, ticket, files))
}

/// The one file of a convert or check request, with its label: the file part's name,
/// or `?name=`, or `upload` with the extension of its real format.
fn one_file(mut files: Vec<Upload>, name: Option<&str>) -> Result<(String, Upload), ApiError> {
    if files.len() != 1 {
        return Err(ApiError::bad_request(
            "one_file",
            format!(
                "send exactly one file (as the body, or one file part); {} given",
                files.len()
            ),
        ));
    }
    let file = files.remove(0);
    let label = name
        .and_then(upload::label)
        .or_else(|| file.name.clone())
        .unwrap_or_else(|| unnamed(&file.bytes, "upload"));
    Ok((label, file))
}

/// A name for a file sent without one: `stem` with the extension of its real format,
/// so that nothing is claimed and nothing can be "renamed".
fn unnamed(bytes: &[u8], stem: &str) -> String {
    match sniff(bytes) {
        Some(format) => format!("{stem}.{}", format.extension()),
        None => stem.to_owned(),
    }
}

/// `POST /api/v1/convert`
async fn convert(State(s): State<Arc<AppState>>, request: Request) -> Response {
    limited(&s, async {
        let (asked, ticket, files) = intake(&s, request).await?;
        let (name, file) = one_file(files, asked.params.name.as_deref())?;
        let output = asked.params.output.as_deref().and_then(upload::label);
        let opts = asked.options;
        let outcome = s
            .workers
            .run(ticket, move || {
                convert_upload(&file.bytes, name, output, &opts)
            })
            .await
            .map_err(|p| ApiError::internal(&p.0))?;
        Ok(answer(outcome, asked.params.answer))
    })
    .await
}

/// `POST /api/v1/check`: the check record as JSON, whatever the verdict.
async fn check(State(s): State<Arc<AppState>>, request: Request) -> Response {
    limited(&s, async {
        let (asked, ticket, files) = intake(&s, request).await?;
        let (name, file) = one_file(files, asked.params.name.as_deref())?;
        let opts = asked.options;
        let record = s
            .workers
            .run(ticket, move || {
                check_bytes(Path::new(&name), &file.bytes, &opts)
            })
            .await
            .map_err(|p| ApiError::internal(&p.0))?;
        Ok(Json(record).into_response())
    })
    .await
}

/// `POST /api/v1/stitch`: two or more file parts, in layout order.
async fn stitch(State(s): State<Arc<AppState>>, request: Request) -> Response {
    limited(&s, async {
        let (asked, ticket, files) = intake(&s, request).await?;
        let output = asked
            .params
            .output
            .as_deref()
            .and_then(upload::label)
            .unwrap_or_else(|| "stitched".to_owned());
        let (opts, sopts) = (asked.options, asked.stitch);
        let outcome = s
            .workers
            .run(ticket, move || {
                stitch_uploads(&files, &output, &opts, &sopts)
            })
            .await
            .map_err(|p| ApiError::internal(&p.0))?;
        Ok(answer(outcome, asked.params.answer))
    })
    .await
}

/// Stitches uploaded pieces as `scanfit stitch` stitches files, without writing.
fn stitch_uploads(
    files: &[Upload],
    output: &str,
    opts: &crate::Options,
    sopts: &crate::StitchOptions,
) -> Outcome {
    let started = Instant::now();
    let names: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            PathBuf::from(
                f.name
                    .clone()
                    .unwrap_or_else(|| unnamed(&f.bytes, &format!("piece{}", i + 1))),
            )
        })
        .collect();
    let pieces: Vec<(&Path, &[u8])> = names
        .iter()
        .zip(files)
        .map(|(n, f)| (n.as_path(), &f.bytes[..]))
        .collect();
    let mut record = Record::new(names.first().cloned().unwrap_or_default(), Status::Failed);
    record.pieces = names.clone();
    record.bytes_in = files.iter().map(|f| f.bytes.len() as u64).sum();
    let mut outcome = Outcome::default();
    match stitch_bytes(&pieces, opts, sopts) {
        Ok(converted) => outcome.push_output(&mut record, output, None, converted),
        Err(e) => {
            record.error = Some(e.to_string());
            outcome.problem = Some(ApiError::from_stitch(&e));
        }
    }
    record.millis = started.elapsed().as_millis() as u64;
    outcome.records.push(record);
    outcome
}

/// One output picture, ready to send.
struct Output {
    name: String,
    format: OutputFormat,
    bytes: Vec<u8>,
}

/// What a convert or stitch gives: a record per picture, the pictures made, and the
/// first problem (the answer's status when no picture was made).
#[derive(Default)]
struct Outcome {
    records: Vec<Record>,
    outputs: Vec<Output>,
    problem: Option<ApiError>,
}

impl Outcome {
    /// Records `converted` as `output` (plus `_pN` for a page, plus its extension, as
    /// `convert` names it) and keeps its bytes to send.
    fn push_output(
        &mut self,
        record: &mut Record,
        output: &str,
        page: Option<u32>,
        converted: Converted,
    ) {
        let suffix = page.map(|n| format!("_p{n}")).unwrap_or_default();
        let name = format!("{output}{suffix}.{}", converted.format.extension());
        record.set_converted(PathBuf::from(&name), &converted);
        self.outputs.push(Output {
            name,
            format: converted.format,
            bytes: converted.bytes,
        });
    }
}

/// Converts one upload as `scanfit convert` converts a file, without writing it.
fn convert_upload(
    bytes: &[u8],
    name: String,
    output: Option<String>,
    opts: &crate::Options,
) -> Outcome {
    let started = Instant::now();
    let input = PathBuf::from(&name);
    let output = output.unwrap_or_else(|| stem_label(&name));
    let new_record = |status| {
        let mut r = Record::new(input.clone(), status);
        r.bytes_in = bytes.len() as u64;
        r
    };
    let mut outcome = Outcome::default();
    match convert_bytes(bytes, claimed_by_name(&input), opts) {
        Err(problem) => {
            let mut r = new_record(Status::Failed);
            r.error = Some(problem.to_string());
            outcome.records.push(r);
            outcome.problem = Some(ApiError::from_problem(&problem));
        }
        Ok(None) => {
            let mut r = new_record(Status::Skipped);
            r.error = Some("not a picture".to_owned());
            outcome.records.push(r);
            outcome.problem = Some(ApiError::from_problem(&Problem::NotAPicture));
        }
        Ok(Some(source)) => {
            for picture in source.pictures {
                let mut r = new_record(Status::Failed);
                r.format = Some(source.format);
                r.page = picture.page;
                match picture.result {
                    Ok(converted) => outcome.push_output(&mut r, &output, picture.page, converted),
                    Err(problem) => {
                        r.error = Some(problem.to_string());
                        outcome
                            .problem
                            .get_or_insert_with(|| ApiError::from_problem(&problem));
                    }
                }
                outcome.records.push(r);
            }
        }
    }
    let millis = started.elapsed().as_millis() as u64;
    for r in &mut outcome.records {
        r.millis = millis;
    }
    outcome
}

/// `name` without its extension, folders kept: the default output label.
fn stem_label(name: &str) -> String {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned());
    match path.parent().map(|p| p.to_string_lossy()) {
        Some(parent) if !parent.is_empty() => format!("{parent}/{stem}"),
        _ => stem,
    }
}

/// The answer for an outcome: the picture, the JSON form, or the problem.
fn answer(outcome: Outcome, form: Answer) -> Response {
    let Outcome {
        records,
        mut outputs,
        problem,
    } = outcome;
    if outputs.is_empty() {
        let mut error = problem.unwrap_or_else(|| ApiError::internal("no picture and no reason"));
        error.report = Some(Report::of(records));
        return error.into_response();
    }
    if form == Answer::Picture && outputs.len() == 1 && records.len() == 1 {
        return picture_response(&records[0], outputs.remove(0));
    }
    let outputs = outputs
        .iter()
        .map(|o| JsonOutput {
            name: &o.name,
            content_type: content_type(o.format),
            bytes: o.bytes.len(),
            data: base64::engine::general_purpose::STANDARD.encode(&o.bytes),
        })
        .collect();
    Json(JsonAnswer {
        report: Report::of(records),
        outputs,
    })
    .into_response()
}

/// The JSON form of a successful answer.
#[derive(serde::Serialize)]
struct JsonAnswer<'a> {
    #[serde(flatten)]
    report: Report,
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
fn picture_response(record: &Record, output: Output) -> Response {
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
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
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

    #[test]
    fn output_labels_keep_folders_and_drop_the_extension() {
        assert_eq!(stem_label("客户A/授权书 2024.jpg"), "客户A/授权书 2024");
        assert_eq!(stem_label("v1.2.png"), "v1.2");
        assert_eq!(stem_label("upload"), "upload");
    }
}
