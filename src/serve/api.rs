//! The routes, and the three operations: convert, check and stitch one request's
//! uploads each, on the library's runner.
//!
//! A request first takes an upload place and receives its files under the upload
//! budget (`serve/admit.rs`: a slow sender holds no worker's place), then takes a place
//! on the [`Runner`](crate::run::Runner) (429 at once when all are taken) and runs its work on a worker.
//! The place and the upload's share of the budget stay taken until the work ends, even
//! when the request has timed out and nobody waits for the answer, so the memory held
//! is bounded by the budget, never by the number of clients.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};

use super::admit::Held;
use super::answer::answer;
use super::problem::Refusal;
use super::state::AppState;
use super::upload::{self, Asked, Upload};
use super::work::{self, Outcome};
use super::{guard, lang, observe, page, phone};
use crate::rows::CheckRow;
use crate::run::{Done, Place};
use crate::words::Lang;

/// Every route, behind the guard.
pub(super) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/app.css", get(page::style))
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(observe::metrics))
        .route("/api/v1/words", get(page::words))
        .route("/api/v1/info", get(info))
        .route("/api/v1/phone", get(phone::qr))
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
        // Outermost, so refusals by the guard are counted and logged too.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            observe::observe,
        ))
        .with_state(state)
}

/// `GET /healthz`: the process answers (liveness). Stays 200 while draining, so a
/// draining server is not killed before its requests end.
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: whether to send new requests here: 503 before the server answers and
/// from the stop signal on, while it drains.
async fn ready(State(s): State<Arc<AppState>>) -> Response {
    let (status, word) = if s.is_ready() {
        (StatusCode::OK, "ready")
    } else if s.is_draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    };
    (status, Json(serde_json::json!({ "status": word }))).into_response()
}

async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    Refusal::NotFound.answer(lang::of_request(&uri, &headers))
}

async fn method_not_allowed(uri: Uri, headers: HeaderMap) -> Response {
    Refusal::MethodNotAllowed.answer(lang::of_request(&uri, &headers))
}

/// `GET /api/v1/info`: what a client needs to know before sending: the limits, the
/// number of workers, how many requests hold a place now (worked on or waiting; at
/// `jobs + queue` the next gets 429), how many uploads are arriving (at `uploads` the
/// next gets 429), whether a token is needed, the base profile and the limits of the
/// rules in force (formats, pixel bounds, reviewer's thresholds).
async fn info(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let o = &s.opts;
    Json(serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "jobs": s.runner.jobs(),
        "queue": o.queue,
        "admitted": s.runner.in_flight(),
        "uploads": o.uploads,
        "receiving": s.admission.receiving(o.uploads),
        "max_input_bytes": o.options.max_input_bytes,
        "max_pixels": o.options.max_pixels,
        "timeout_secs": o.timeout.as_secs(),
        "token_required": o.token.is_some(),
        "profile": o.options.profile,
        "limits": o.options.limits,
        "phone": s.phone_url.is_some(),
        "portals": crate::rules::Rules::builtin().portal_ids(),
    }))
}

/// Runs one operation within the request time limit, its refusal in `lang`.
async fn limited(
    s: &AppState,
    lang: Lang,
    work: impl Future<Output = Result<Response, Refusal>>,
) -> Response {
    match tokio::time::timeout(s.opts.timeout, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(refusal)) => refusal.answer(lang),
        Err(_) => Refusal::Timeout(s.opts.timeout.as_secs()).answer(lang),
    }
}

/// A request taken in: what it asks, its place on a worker, its files and their share
/// of the upload budget.
struct Admitted {
    asked: Asked,
    place: Place,
    files: Vec<Upload>,
    held: Held,
}

/// Takes a request in: its parameters, an upload place, its files, then its place on
/// the runner (only once the body is in: a slow upload holds no worker's place). A
/// request refused before its body is read has the body discarded, so the client can
/// read the refusal.
async fn intake(s: &AppState, request: Request) -> Result<Admitted, Refusal> {
    let limit = s.opts.options.max_input_bytes;
    let (parts, body) = request.into_parts();
    let early = Asked::parse(&parts.uri, &s.opts.options, &s.opts.stitch)
        .and_then(|asked| Ok((asked, s.admission.begin()?)));
    let (asked, receiving) = match early {
        Ok(admitted) => admitted,
        Err(refusal) => {
            upload::discard(body, limit);
            return Err(refusal);
        }
    };
    let (files, held) = upload::uploads(Request::from_parts(parts, body), limit, receiving).await?;
    if files.iter().any(|f| f.bytes.is_empty()) {
        return Err(Refusal::Empty);
    }
    let place = s.runner.reserve().map_err(|_| Refusal::Overloaded)?;
    Ok(Admitted {
        asked,
        place,
        files,
        held,
    })
}

/// Runs `work` on a worker with `place` and waits for it. If the request stops
/// waiting (a timeout), the work still ends on its worker and only then frees its place
/// and the upload's bytes (`held`).
async fn on_worker<T: Send + 'static>(
    s: &AppState,
    place: Place,
    held: Held,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<Done<T>, Refusal> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let metrics = Arc::clone(&s.metrics);
    let counted = move || {
        let _running = metrics.running();
        let result = work();
        drop(held);
        result
    };
    place.spawn(counted, move |done| {
        // Nobody listens after a timeout; the result is dropped.
        let _ = tx.send(done);
    });
    rx.await
        .map_err(|_| Refusal::Internal("the worker ended without an answer".into()))
}

/// The one file of a convert or check request, with its label: `?name=`, or the file
/// part's name, or `upload` with the extension of its real format.
fn one_file(mut files: Vec<Upload>, name: Option<&str>) -> Result<(String, Upload), Refusal> {
    if files.len() != 1 {
        return Err(Refusal::OneFile(files.len()));
    }
    let file = files.remove(0);
    let label = name
        .and_then(upload::label)
        .or_else(|| file.name.clone())
        .unwrap_or_else(|| work::unnamed(&file.bytes, "upload"));
    Ok((label, file))
}

/// `POST /api/v1/convert`
async fn convert(State(s): State<Arc<AppState>>, request: Request) -> Response {
    let lang = lang::of_request(request.uri(), request.headers());
    limited(&s, lang, async {
        let Admitted {
            asked,
            place,
            files,
            held,
        } = intake(&s, request).await?;
        let (name, file) = one_file(files, asked.params.name.as_deref())?;
        let output = asked
            .params
            .output
            .as_deref()
            .and_then(upload::label)
            .unwrap_or_else(|| work::stem_label(&name));
        let (bytes_in, label) = (file.bytes.len() as u64, name.clone());
        let opts = asked.options;
        let done = on_worker(&s, place, held, move || {
            work::convert_upload(&file.bytes, &name, &output, &opts)
        })
        .await?;
        let outcome = Outcome::of(done, |text| work::convert_panicked(&label, bytes_in, text));
        Ok(answer(outcome, asked.params.answer, lang))
    })
    .await
}

/// `POST /api/v1/check`: the check record as JSON, whatever the verdict.
async fn check(State(s): State<Arc<AppState>>, request: Request) -> Response {
    let lang = lang::of_request(request.uri(), request.headers());
    limited(&s, lang, async {
        let Admitted {
            asked,
            place,
            files,
            held,
        } = intake(&s, request).await?;
        let (name, file) = one_file(files, asked.params.name.as_deref())?;
        let (opts, read) = (asked.options, asked.params.read.into());
        // check_bytes turns a codec's panic into the record's own finding.
        let done = on_worker(&s, place, held, move || {
            work::check_upload(&file.bytes, &name, &opts, read)
        })
        .await?;
        let record = done.result.map_err(|p| Refusal::Internal(p.0))?;
        Ok(Json(CheckRow::new(&record, lang)).into_response())
    })
    .await
}

/// `POST /api/v1/stitch`: two or more file parts, in layout order.
async fn stitch(State(s): State<Arc<AppState>>, request: Request) -> Response {
    let lang = lang::of_request(request.uri(), request.headers());
    limited(&s, lang, async {
        let Admitted {
            asked,
            place,
            files,
            held,
        } = intake(&s, request).await?;
        let output = asked
            .params
            .output
            .as_deref()
            .and_then(upload::label)
            .unwrap_or_else(|| "stitched".to_owned());
        let names: Vec<PathBuf> = work::piece_names(&files);
        let (bytes_in, labels) = (
            files.iter().map(|f| f.bytes.len() as u64).sum(),
            names.clone(),
        );
        let (opts, sopts) = (asked.options, asked.stitch);
        let done = on_worker(&s, place, held, move || {
            work::stitch_uploads(&files, names, &output, &opts, &sopts)
        })
        .await?;
        let outcome = Outcome::of(done, |text| work::stitch_panicked(labels, bytes_in, text));
        Ok(answer(outcome, asked.params.answer, lang))
    })
    .await
}
