//! The web page: plain HTML, CSS and JavaScript compiled into the binary, so it works
//! offline, with nothing fetched from the internet and no build step outside cargo.
//! Its words are the catalogue's `page` area, in the language the browser asks for
//! (or the page's language switch), with the arguments left for its script to fill.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::lang;
use crate::words::unfilled;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// Scripts, styles and pictures only from this server (pictures also from the page's
/// own blobs); no frames, no plugins, no form posts elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    // The page changes with the binary; a stale script against a new API helps nobody.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /`
pub(super) async fn index() -> Response {
    asset(INDEX, "text/html; charset=utf-8")
}

/// `GET /app.js`
pub(super) async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /app.css`
pub(super) async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

/// `GET /api/v1/words?lang=zh`: `{"lang": "zh", "words": {"page-title": "…", …}}`, in
/// the first language asked for (the parameter, then `Accept-Language`) that the page
/// speaks; English when none is.
pub(super) async fn words(uri: Uri, headers: HeaderMap) -> Response {
    let lang = lang::of_request(&uri, &headers);
    let words: serde_json::Map<String, serde_json::Value> = unfilled(lang, "page")
        .into_iter()
        .map(|(id, text)| (id, text.into()))
        .collect();
    let mut response =
        Json(serde_json::json!({ "lang": lang.tag(), "words": words })).into_response();
    // The answer depends on the header when no parameter is given.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}
