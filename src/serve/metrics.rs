//! What an operator watches and what a log collector keeps: counters of every answer,
//! served as Prometheus text on `GET /metrics`, and one [`RequestLog`] per request for
//! the caller's sink (`--log-format json` prints it as a JSON line).
//!
//! One middleware, outside every other layer, sees each request once: its route (the
//! route pattern, never the raw path, so the number of series stays bounded), the bytes
//! its body gave while it was answered, its status, the stable codes of its failures
//! (set by `problem.rs` and `answer.rs` on the answer, the same codes reports use), the
//! size of its answer and its duration. The text format is a few lines per family, so
//! it is written here rather than through a metrics framework.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::StatusCode;
use axum::response::Response;

/// Upper bounds (seconds) of the duration histogram's buckets: a refusal takes
/// milliseconds, a photo a second or two, a large scan or a stitch up to the timeout.
const BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

/// One request as a log line shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RequestLog {
    /// When the answer was ready (RFC 3339, UTC).
    pub time: jiff::Timestamp,
    /// `GET`, `POST`...
    pub method: String,
    /// The route pattern that answered (`/api/v1/convert`), `other` for no route.
    pub route: String,
    /// The HTTP status.
    pub status: u16,
    /// From the request's arrival to its answer, in milliseconds.
    pub duration_ms: f64,
    /// Bytes of the request body read before answering.
    pub bytes_in: u64,
    /// Bytes of the answer's body.
    pub bytes_out: u64,
    /// The stable code of the failure answered, if any (the `code` of an error answer,
    /// the first failed record's `error_code`).
    pub error_code: Option<&'static str>,
    /// A library's own words about that failure (English), when it has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The stable codes of the failures in one answer, attached to it for this module.
#[derive(Debug, Clone, Default)]
pub(super) struct FailureCodes(pub Vec<&'static str>);

/// Adds `codes` to `response` for the metrics and the log.
pub(super) fn tag(mut response: Response, codes: Vec<&'static str>) -> Response {
    if !codes.is_empty() {
        response.extensions_mut().insert(FailureCodes(codes));
    }
    response
}

/// A library's words about the failure answered, attached to it for the log.
#[derive(Debug, Clone)]
pub(super) struct FailureDetail(pub String);

/// Adds `detail` to `response` for the log.
pub(super) fn tag_detail(response: &mut Response, detail: &str) {
    response
        .extensions_mut()
        .insert(FailureDetail(detail.to_owned()));
}

/// What the server holds now, read from its state for [`Metrics::render`].
pub(super) struct Gauges {
    /// Requests admitted on the runner (running or queued).
    pub admitted: usize,
    /// Whether `/readyz` answers 200.
    pub ready: bool,
    /// Uploads whose body is arriving.
    pub receiving: usize,
    /// Requests admitted at once (jobs + queue).
    pub capacity: usize,
}

/// The counters of one server since it started.
#[derive(Default)]
pub(super) struct Metrics {
    counts: Mutex<Counts>,
    /// Requests being answered now.
    pub(super) in_flight: AtomicUsize,
    /// Pictures on a worker now (the rest of the admitted requests are queued).
    running: AtomicUsize,
    /// Answers 429: every place on the runner was taken.
    rejected: AtomicU64,
}

#[derive(Default)]
struct Counts {
    /// Answers by (route, status).
    requests: BTreeMap<(String, u16), u64>,
    /// Durations by route.
    durations: BTreeMap<String, Histogram>,
    /// Body bytes read, and answered, by route.
    bytes_in: BTreeMap<String, u64>,
    bytes_out: BTreeMap<String, u64>,
    /// Failures by stable code.
    failures: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
struct Histogram {
    /// Observations at or under each of [`BUCKETS`] (not cumulative; summed when shown).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Held while a picture is on a worker.
pub(super) struct Running(Arc<Metrics>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Metrics {
    /// Counts a picture as running until the guard is dropped.
    pub fn running(self: &Arc<Self>) -> Running {
        self.running.fetch_add(1, Ordering::SeqCst);
        Running(Arc::clone(self))
    }

    /// Requests being answered now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub(super) fn record(&self, log: &RequestLog, codes: &[&'static str]) {
        if log.status == StatusCode::TOO_MANY_REQUESTS.as_u16() {
            self.rejected.fetch_add(1, Ordering::Relaxed);
        }
        let mut c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *c.requests
            .entry((log.route.clone(), log.status))
            .or_default() += 1;
        let h = c.durations.entry(log.route.clone()).or_default();
        let secs = log.duration_ms / 1000.0;
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += secs;
        *c.bytes_in.entry(log.route.clone()).or_default() += log.bytes_in;
        *c.bytes_out.entry(log.route.clone()).or_default() += log.bytes_out;
        for code in codes {
            *c.failures.entry(*code).or_default() += 1;
        }
    }

    /// The Prometheus text exposition of every counter, with the runner's gauges.
    pub(super) fn render(&self, gauges: &Gauges) -> String {
        let c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::new();
        family(
            &mut out,
            "scanfit_http_requests_total",
            "counter",
            "Requests answered, by route and status.",
        );
        for ((route, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "scanfit_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        family(
            &mut out,
            "scanfit_http_request_duration_seconds",
            "histogram",
            "From a request's arrival to its answer.",
        );
        for (route, h) in &c.durations {
            let mut below = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                below += n;
                let _ = writeln!(out, "scanfit_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {below}");
            }
            let name = "scanfit_http_request_duration_seconds";
            let _ = writeln!(
                out,
                "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {}", h.count);
        }
        for (name, help, by_route) in [
            (
                "scanfit_http_request_bytes_total",
                "Request body bytes read to answer, by route.",
                &c.bytes_in,
            ),
            (
                "scanfit_http_response_bytes_total",
                "Answer body bytes, by route.",
                &c.bytes_out,
            ),
        ] {
            family(&mut out, name, "counter", help);
            for (route, n) in by_route {
                let _ = writeln!(out, "{name}{{route=\"{route}\"}} {n}");
            }
        }
        family(
            &mut out,
            "scanfit_failures_total",
            "counter",
            "Failed requests and files, by the stable code reports use.",
        );
        for (code, n) in &c.failures {
            let _ = writeln!(out, "scanfit_failures_total{{code=\"{code}\"}} {n}");
        }
        drop(c);
        let admitted = gauges.admitted;
        let running = self.running.load(Ordering::SeqCst).min(admitted);
        let ready = u8::from(gauges.ready);
        for (name, kind, help, value) in [
            (
                "scanfit_http_rejected_total",
                "counter",
                "Requests answered 429: every upload place, worker and queue place, or the upload memory was taken.",
                self.rejected.load(Ordering::Relaxed) as usize,
            ),
            (
                "scanfit_http_requests_in_flight",
                "gauge",
                "Requests being answered now.",
                self.in_flight(),
            ),
            (
                "scanfit_work_running",
                "gauge",
                "Pictures on a worker now.",
                running,
            ),
            (
                "scanfit_work_queued",
                "gauge",
                "Admitted requests not on a worker yet (their upload in, waiting).",
                admitted - running,
            ),
            (
                "scanfit_uploads_receiving",
                "gauge",
                "Uploads whose body is arriving now (no worker place taken yet).",
                gauges.receiving,
            ),
            (
                "scanfit_work_capacity",
                "gauge",
                "Requests admitted at once (jobs + queue); more are answered 429.",
                gauges.capacity,
            ),
            (
                "scanfit_ready",
                "gauge",
                "1 while /readyz answers 200.",
                usize::from(ready),
            ),
        ] {
            family(&mut out, name, kind, help);
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}

/// A metric family's `# HELP` and `# TYPE` lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}
