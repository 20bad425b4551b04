//! Who may talk to the server, checked before any handler runs.
//!
//! - **DNS rebinding.** A page on a hostile site can make the browser resolve its own
//!   name to 127.0.0.1 and then read a local server's answers as same-origin. Its
//!   requests still carry the hostile name in `Host`, so a server on loopback answers
//!   only to loopback names (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`).
//! - **Cross-site posts.** Any site can make a browser post a form to localhost. Browsers
//!   label such requests (`Sec-Fetch-Site`, `Origin`), so a POST from another site is
//!   refused unless that origin was allowed with `--allow-origin`, which also turns on
//!   CORS for it. curl and other programs send neither header and pass.
//! - **Tokens.** With `--token`, the API needs `Authorization: Bearer TOKEN`; the page,
//!   its words, `/api/v1/info`, the probes (`/healthz`, `/readyz`) and `/metrics` stay
//!   open so the page can ask for it and probes and scrapers need no secret.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::problem::Refusal;
use super::state::AppState;
use super::{lang, upload};

/// The middleware: refuses what the module documentation describes, answers CORS
/// preflights for allowed origins, and adds the headers every answer carries.
pub(super) async fn guard(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let allowed = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| {
            state
                .opts
                .allow_origins
                .iter()
                .any(|a| a.eq_ignore_ascii_case(o))
        })
        .map(str::to_owned);
    let response = if let Some(refused) = refusal(&state, &request, allowed.is_some()) {
        let lang = lang::of_request(request.uri(), request.headers());
        upload::discard(request.into_body(), state.opts.options.max_input_bytes);
        refused.answer(lang)
    } else if request.method() == Method::OPTIONS && allowed.is_some() {
        preflight()
    } else {
        next.run(request).await
    };
    with_common_headers(response, allowed.as_deref())
}

/// Why `request` is refused, if it is: a foreign Host on loopback, a cross-site post
/// from an origin not allowed, a missing or wrong token.
fn refusal(state: &AppState, request: &Request, origin_allowed: bool) -> Option<Refusal> {
    let headers = request.headers();
    if state.loopback && !host_is_loopback(headers) {
        return Some(Refusal::ForbiddenHost);
    }
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !origin_allowed && is_cross_site(headers) {
        return Some(Refusal::CrossOrigin);
    }
    let token = state.opts.token.as_deref()?;
    if needs_token(request.uri().path()) && !bearer_matches(headers, token) {
        return Some(Refusal::Unauthorized);
    }
    None
}

/// Whether `Host` names this machine: a loopback address or a `localhost` name.
fn host_is_loopback(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:8080
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.strip_prefix(':').is_some_and(is_port) => {
                ip.to_owned()
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name.to_owned(),
            Some(_) => return false,
            None => host,
        }
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a browser says the request comes from another site: `Sec-Fetch-Site` other
/// than `same-origin`/`none`, or an `Origin` whose host is not the `Host` asked for.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let get = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = get(header::HeaderName::from_static("sec-fetch-site")) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
            !get(header::HOST).is_some_and(|host| host.eq_ignore_ascii_case(authority))
        }
    }
}

/// The paths that need the token: the API's work, not the page, its words, the
/// server's limits, the probes or the metrics.
fn needs_token(path: &str) -> bool {
    path.starts_with("/api/") && !matches!(path, "/api/v1/words" | "/api/v1/info")
}

/// Whether `Authorization` carries `Bearer token` (the scheme in any case, as RFC 9110
/// has it), compared in constant time so the answer's timing does not reveal how much
/// of a guess was right.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim_start().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, given)| given)
    else {
        return false;
    };
    // A length that differs answers at once: the length is not the secret.
    given.trim().as_bytes().ct_eq(token.as_bytes()).into()
}

fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Headers on every answer: no sniffing of content types, no framing, no referrer,
/// no caching of API answers, and CORS for an allowed origin.
fn with_common_headers(mut response: Response, allowed_origin: Option<&str>) -> Response {
    let response_status = response.status();
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if response_status == StatusCode::UNAUTHORIZED {
        h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(value) = allowed_origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(header::VARY, HeaderValue::from_static("origin"));
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("scanfit-record, retry-after, content-disposition"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_loopback_names_pass_the_host_check() {
        for ok in [
            "localhost:8080",
            "127.0.0.1:1",
            "127.1.2.3",
            "[::1]:8080",
            "[::1]",
            "app.localhost:9",
            "LOCALHOST",
        ] {
            assert!(host_is_loopback(&headers(&[("host", ok)])), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:80",
            "[::2]:80",
            "localhost:80x",
            "",
        ] {
            assert!(!host_is_loopback(&headers(&[("host", bad)])), "{bad}");
        }
        assert!(!host_is_loopback(&HeaderMap::new()));
    }

    #[test]
    fn browsers_cross_site_requests_are_recognised() {
        assert!(!is_cross_site(&headers(&[("host", "localhost:8080")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:8080"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:8080"),
            ("origin", "https://evil.example"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:8080"),
            ("sec-fetch-site", "cross-site"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:8080"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn tokens_must_match_exactly() {
        assert!(bearer_matches(
            &headers(&[("authorization", "Bearer s3cret")]),
            "s3cret"
        ));
        assert!(!bearer_matches(
            &headers(&[("authorization", "Bearer s3cre")]),
            "s3cret"
        ));
        assert!(!bearer_matches(
            &headers(&[("authorization", "Basic s3cret")]),
            "s3cret"
        ));
        for scheme in ["bearer", "BEARER", "bEaReR"] {
            assert!(bearer_matches(
                &headers(&[("authorization", &format!("{scheme} s3cret"))]),
                "s3cret"
            ));
        }
        assert!(!bearer_matches(&HeaderMap::new(), "s3cret"));
        assert!(
            needs_token("/api/v1/convert") && !needs_token("/api/v1/words") && !needs_token("/")
        );
    }
}
