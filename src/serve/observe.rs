//! The metrics' two ends that read the server's state: `GET /metrics` and the
//! middleware that counts and logs every request ([`super::metrics`] keeps the counters).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::metrics::{FailureCodes, FailureDetail, Gauges, RequestLog};
use super::state::AppState;

/// `GET /metrics`
pub(super) async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    let gauges = Gauges {
        admitted: s.runner.in_flight(),
        ready: s.is_ready(),
        receiving: s.admission.receiving(s.opts.uploads),
        capacity: s.runner.jobs() + s.opts.queue,
    };
    let mut response = s.metrics.render(&gauges).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The middleware: counts and times every request, hands its log line to the sink, and
/// while the server drains asks clients to close their connection, so a kept-alive
/// client's next request opens a new one (which a load balancer sends elsewhere).
pub(super) async fn observe(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |m| m.as_str().to_owned());
    let read = Arc::new(AtomicU64::new(0));
    let (parts, body) = request.into_parts();
    let counter = Arc::clone(&read);
    let body = Body::new(body.map_frame(move |frame| {
        if let Some(data) = frame.data_ref() {
            counter.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        frame
    }));
    state.metrics.in_flight.fetch_add(1, Ordering::SeqCst);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::SeqCst);
    if state.is_draining() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let codes = response
        .extensions()
        .get::<FailureCodes>()
        .cloned()
        .unwrap_or_default()
        .0;
    let log = RequestLog {
        time: jiff::Timestamp::now(),
        method,
        route,
        status: response.status().as_u16(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        bytes_in: read.load(Ordering::Relaxed),
        bytes_out: response.body().size_hint().exact().unwrap_or(0),
        error_code: codes.first().copied(),
        detail: response
            .extensions()
            .get::<FailureDetail>()
            .map(|d| d.0.clone()),
    };
    state.metrics.record(&log, &codes);
    if let Some(sink) = &state.opts.on_request {
        (sink.0)(&log);
    }
    response
}
