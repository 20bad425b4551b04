//! `serve --lan`: the page for a phone on the same network, handed over as a QR code.
//!
//! Every picture for the filing is finally uploaded from a phone, through the provider's
//! app, so the phone must get the converted files. The server listens on the local
//! network's address, with a fresh random token each start; the QR code holds the page's
//! address with the token in the URL's fragment (`http://192.168.1.5:8080/#token=…`).
//! A browser never sends a fragment: the token reaches no request line, no access log
//! and no `Referer`; the page reads it, keeps it for the tab and takes it out of the
//! address bar. The desktop's page shows the same code (`GET /api/v1/phone`, which needs
//! the token like the rest of the API).

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use qrcode::render::{svg, unicode::Dense1x2};
use qrcode::QrCode;

use super::lang;
use super::problem::Refusal;
use super::state::AppState;

/// The bytes of randomness in a token: 128 bits, beyond guessing over a network.
const TOKEN_BYTES: usize = 16;

/// A fresh token from the operating system's random source, URL-safe (22 characters).
pub fn new_token() -> io::Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(io::Error::other)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The address this machine has on the network a phone reaches it by: the one its
/// route to the outside leaves from. A UDP socket's `connect` only picks the route; no
/// packet is sent. (The destination is AliDNS's public address; any address outside the
/// local network gives the same answer.)
pub fn lan_address() -> io::Result<IpAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
    socket.connect((Ipv4Addr::new(223, 5, 5, 5), 53))?;
    let ip = socket.local_addr()?.ip();
    if ip.is_unspecified() || ip.is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::NotConnected,
            "no network address",
        ));
    }
    Ok(ip)
}

/// The page's address for a phone, already authorised: the token in the fragment.
pub(super) fn page_url(addr: SocketAddr, token: &str) -> String {
    format!("http://{addr}/#token={token}")
}

/// `url` as a QR code for a terminal: two rows of modules per line of text (▀ ▄ █).
/// Drawn light on the terminal's dark background (most terminals' and Windows' console
/// default), with the quiet zone a scanner needs around it.
pub fn terminal_qr(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// `url` as a QR code in SVG, dark on white, for the page.
fn svg_qr(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000"))
            .light_color(svg::Color("#fff"))
            .build(),
    )
}

/// `GET /api/v1/phone`: the phone's QR code as SVG; 404 when the server was not
/// started for phones.
pub(super) async fn qr(State(s): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(svg) = s.phone_url.as_deref().and_then(svg_qr) else {
        return Refusal::NotFound.answer(lang::of_request(&uri, &headers));
    };
    let mut response = svg.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_url_safe() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn the_token_rides_in_the_fragment() {
        let url = page_url("192.168.1.5:8080".parse().unwrap(), "abc");
        assert_eq!(url, "http://192.168.1.5:8080/#token=abc");
        let qr = terminal_qr(&url).unwrap();
        let lines: Vec<&str> = qr.lines().collect();
        // Square: twice as many module rows as text lines, quiet zone included.
        let width = lines[0].chars().count();
        assert!(width >= 21 + 8, "{width}");
        assert_eq!(lines.len(), width.div_ceil(2));
        assert!(svg_qr(&url).unwrap().starts_with("<?xml"));
    }
}
