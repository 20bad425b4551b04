//! `scanfit serve` as an orchestrator runs it, against a real server process: the stop
//! signal drains the requests under way (and `/readyz` says so), `/metrics` counts what
//! was asked, and `--log-format json` logs one line per request.
#![cfg(all(feature = "cli", feature = "serve", unix))]

mod common;
mod server;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use server::{clean_jpeg, get, post, read_raw, upright_photo, Server};

const PHOTO: &str = "tests/fixtures/real/photo_orient6_gps.jpg";
const NOT_A_PICTURE: &[u8] = b"not a picture";

/// Opens a convert request for `body`, sends its head and the first `sent` bytes of
/// the body, and leaves the rest for later: the server admits it and waits.
fn partial_upload(server: &Server, body: &[u8], sent: usize) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/convert?name=photo.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..sent]).unwrap();
    stream
}

/// Waits until `n` uploads are arriving (`/api/v1/info`'s `receiving`).
fn wait_receiving(server: &Server, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let receiving = get(&server.url("/api/v1/info")).json()["receiving"].clone();
        if receiving == n {
            return;
        }
        assert!(Instant::now() < deadline, "receiving: {receiving}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls `until` every 20 ms for at most `limit`.
fn eventually(limit: Duration, what: &str, mut until: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !until() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_drains_the_request_under_way_and_exits_0() {
    let mut server = Server::start(&["--jobs", "1", "--drain-delay", "2", "--drain-timeout", "60"]);
    let ready = get(&server.url("/readyz"));
    assert_eq!(
        (ready.status, ready.json()["status"].clone()),
        (200, "ready".into())
    );
    let photo = fs::read(PHOTO).unwrap();
    let half = photo.len() / 2;
    let mut upload = partial_upload(&server, &photo, half);
    wait_receiving(&server, 1);

    server.signal(libc::SIGTERM);
    // Not ready from the signal on, while the process stays alive and answers.
    eventually(Duration::from_secs(10), "/readyz 503", || {
        get(&server.url("/readyz")).status == 503
    });
    let draining = get(&server.url("/readyz"));
    assert_eq!(draining.json()["status"], "draining");
    assert_eq!(draining.header("connection"), Some("close"));
    assert_eq!(get(&server.url("/healthz")).status, 200);
    // After the drain delay no new connection is taken...
    eventually(Duration::from_secs(20), "connections refused", || {
        TcpStream::connect(server.addr).is_err()
    });
    // ...but the request under way is still served in full.
    upload.write_all(&photo[half..]).unwrap();
    upright_photo(&read_raw(&mut upload));
    assert!(server.wait(Duration::from_secs(30)).success());
}

#[test]
fn a_drain_that_runs_out_of_time_cuts_off_and_exits_1() {
    let mut server = Server::start(&["--jobs", "1", "--drain-timeout", "1"]);
    let photo = fs::read(PHOTO).unwrap();
    let _stalled = partial_upload(&server, &photo, 100);
    wait_receiving(&server, 1);
    let started = Instant::now();
    server.signal(libc::SIGINT);
    let status = server.wait(Duration::from_secs(30));
    assert_eq!(status.code(), Some(1), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// The samples of a Prometheus text exposition, by name and labels, after checking
/// that every sample belongs to a family declared with `# TYPE`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut families = Vec::new();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            families.push(name.to_owned());
        } else if !line.starts_with('#') && !line.is_empty() {
            let (key, value) = line.rsplit_once(' ').unwrap();
            let name = key.split('{').next().unwrap();
            assert!(
                families.iter().any(|f| name == f
                    || ["_bucket", "_sum", "_count"]
                        .iter()
                        .any(|s| name.strip_suffix(s) == Some(f))),
                "{line}: no # TYPE"
            );
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
            assert!(out.insert(key.to_owned(), value).is_none(), "{line} twice");
        }
    }
    out
}

#[test]
fn metrics_count_the_requests_made_a_429_and_failures_by_code() {
    let server = Server::start(&["--jobs", "1", "--queue", "1", "--uploads", "2"]);
    let photo = fs::read(PHOTO).unwrap();
    let convert = server.url("/api/v1/convert?name=photo.jpg");
    let mut bodies_out = 0;
    for _ in 0..2 {
        assert_eq!(get(&server.url("/healthz")).status, 200);
    }
    let good = post(&convert, &[], &photo);
    assert_eq!(good.status, 200);
    clean_jpeg(&good.body);
    bodies_out += good.body.len();
    let bad = post(&convert, &[], NOT_A_PICTURE);
    bad.assert_error(415, "unknown_bytes");
    bodies_out += bad.body.len();
    // A full server, made deterministic as in serve_api.rs: two stalled uploads hold
    // both upload places before the third request is sent.
    let stalled = [
        partial_upload(&server, &photo, 100),
        partial_upload(&server, &photo, 100),
    ];
    wait_receiving(&server, 2);
    let refused = post(&convert, &[], &photo);
    refused.assert_error(429, "overloaded");
    bodies_out += refused.body.len();

    let scrape = get(&server.url("/metrics"));
    assert_eq!(scrape.status, 200);
    assert!(scrape
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")));
    let m = samples(&String::from_utf8(scrape.body).unwrap());
    let at = |key: &str| m.get(key).copied().unwrap_or_else(|| panic!("no {key}"));
    let route = "route=\"/api/v1/convert\"";
    assert_eq!(
        at(&format!(
            "scanfit_http_requests_total{{{route},status=\"200\"}}"
        )),
        1.0
    );
    assert_eq!(
        at(&format!(
            "scanfit_http_requests_total{{{route},status=\"415\"}}"
        )),
        1.0
    );
    assert_eq!(
        at(&format!(
            "scanfit_http_requests_total{{{route},status=\"429\"}}"
        )),
        1.0
    );
    assert_eq!(
        at("scanfit_http_requests_total{route=\"/healthz\",status=\"200\"}"),
        2.0
    );
    assert_eq!(at("scanfit_http_rejected_total"), 1.0);
    assert_eq!(at("scanfit_failures_total{code=\"unknown_bytes\"}"), 1.0);
    assert_eq!(at("scanfit_failures_total{code=\"overloaded\"}"), 1.0);
    assert_eq!(
        m.keys()
            .filter(|k| k.starts_with("scanfit_failures_total"))
            .count(),
        2
    );
    // The stalled uploads: arriving, holding no worker's place; being answered, with
    // this scrape.
    assert_eq!(at("scanfit_uploads_receiving"), 2.0);
    assert_eq!(at("scanfit_work_queued"), 0.0);
    assert_eq!(at("scanfit_work_running"), 0.0);
    assert_eq!(at("scanfit_work_capacity"), 2.0);
    assert_eq!(at("scanfit_http_requests_in_flight"), 3.0);
    assert_eq!(at("scanfit_ready"), 1.0);
    // Bytes: every body answered, exactly; every body read (a refused one may or may
    // not have been read when it was answered).
    assert_eq!(
        at(&format!("scanfit_http_response_bytes_total{{{route}}}")),
        bodies_out as f64
    );
    let read = at(&format!("scanfit_http_request_bytes_total{{{route}}}"));
    let least = (photo.len() + NOT_A_PICTURE.len()) as f64;
    assert!(
        (least..=least + photo.len() as f64).contains(&read),
        "{read}"
    );
    // The histogram: 3 convert answers, cumulative buckets, a sum of their durations.
    let name = "scanfit_http_request_duration_seconds";
    assert_eq!(at(&format!("{name}_count{{{route}}}")), 3.0);
    assert_eq!(at(&format!("{name}_bucket{{{route},le=\"+Inf\"}}")), 3.0);
    let buckets: Vec<f64> = m
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("{name}_bucket{{{route},")))
        .map(|(_, v)| *v)
        .collect();
    assert!(buckets.len() > 5);
    assert!(at(&format!("{name}_sum{{{route}}}")) > 0.0);
    let mut sorted = buckets.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(sorted.last(), Some(&3.0));
    drop(stalled);
}

#[test]
fn json_logs_are_one_line_per_request() {
    let mut server = Server::start(&["--jobs", "1", "--log-format", "json"]);
    assert_eq!(get(&server.url("/healthz")).status, 200);
    let bad = post(
        &server.url("/api/v1/convert?name=a.jpg"),
        &[],
        NOT_A_PICTURE,
    );
    bad.assert_error(415, "unknown_bytes");
    let health: serde_json::Value = serde_json::from_str(&server.next_line()).unwrap();
    let convert: serde_json::Value = serde_json::from_str(&server.next_line()).unwrap();
    assert_eq!(health["method"], "GET");
    assert_eq!(health["route"], "/healthz");
    assert_eq!(health["status"], 200);
    assert_eq!(health["error_code"], serde_json::Value::Null);
    assert_eq!(convert["method"], "POST");
    assert_eq!(convert["route"], "/api/v1/convert");
    assert_eq!(convert["status"], 415);
    assert_eq!(convert["error_code"], "unknown_bytes");
    assert_eq!(convert["bytes_in"], NOT_A_PICTURE.len());
    assert_eq!(convert["bytes_out"], bad.body.len());
    assert!(convert["duration_ms"].as_f64().is_some_and(|d| d >= 0.0));
    let time = convert["time"].as_str().unwrap();
    assert!(time.parse::<jiff::Timestamp>().is_ok(), "{time}");
}
