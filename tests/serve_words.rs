//! Every error answer of `scanfit serve`, asked in Chinese, is said in the catalogue's
//! Chinese: no library's English inside a sentence a person reads (a multipart
//! reader's, a connection's, a PDF parser's). The library's words may stand in the
//! answer's `detail` field, for machines. Against a real server process on loopback.
#![cfg(all(feature = "cli", feature = "serve", unix))]

mod common;
mod server;

use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use server::{multipart, post, raw, read_raw, Answer, Server};

const TOKEN: &str = "zh-words-token";
const ZH: (&str, &str) = ("accept-language", "zh-CN,zh;q=0.9");

/// ASCII words a Chinese sentence may carry: formats, protocol names, product names.
const ALLOWED: &[&str] = &[
    "JPEG",
    "PNG",
    "GIF",
    "TIFF",
    "PDF",
    "HEIC",
    "AVIF",
    "JBIG2",
    "WebP",
    "BMP",
    "KB",
    "MB",
    "multipart",
    "form",
    "data",
    "Authorization",
    "Bearer",
    "http",
    "localhost",
    "scanfit",
    "URL",
    "API",
    "POST",
    "libheif",
    "libtiff",
    "apt",
    "install",
    "Debian",
    "Ubuntu",
    "sRGB",
    "CMYK",
    "ICC",
    "jpg",
];

/// The ASCII words of `text` that are not in [`ALLOWED`]: English that slipped in.
fn english(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3 && w.bytes().any(|b| b.is_ascii_alphabetic()))
        .filter(|w| !ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(w)))
        .filter(|w| {
            !w.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                || w.len() > 5
        })
        .map(str::to_owned)
        .collect()
}

/// Asserts `answer` is the error `code` and that every sentence in it is Chinese
/// without library English: its message, and each record's error and warnings.
fn assert_chinese(answer: &Answer, status: u16, code: &str) {
    let json = answer.assert_error(status, code);
    let mut sentences = vec![json["message"].as_str().unwrap().to_owned()];
    for record in json["records"].as_array().into_iter().flatten() {
        sentences.extend(record["error"].as_str().map(str::to_owned));
        for w in record["warnings"].as_array().into_iter().flatten() {
            sentences.extend(w.as_str().map(str::to_owned));
        }
    }
    for s in &sentences {
        assert!(
            s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{code}: not Chinese: {s}"
        );
        // What the client itself sent (a parameter's name or value) is echoed in quotes.
        let unquoted: String = s
            .split('“')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('”').map_or("", |(_, rest)| rest)
                }
            })
            .collect();
        let stray = english(&unquoted);
        assert!(stray.is_empty(), "{code}: English {stray:?} in {s:?}");
    }
}

#[test]
fn the_word_check_catches_library_english() {
    assert!(!english("无法读取 PDF 文件：failed parsing cross reference table").is_empty());
    assert!(!english("上传中断：error reading a body from connection").is_empty());
    assert!(english("请发送请求头“Authorization: Bearer 令牌”").is_empty());
}

#[test]
fn every_error_answer_in_chinese_is_chinese() {
    let server = Server::start(&["--token", TOKEN, "--uploads", "1", "--timeout", "5"]);
    let bearer = format!("bearer {TOKEN}");
    let auth = ("authorization", bearer.as_str());
    let url = |path: &str| server.url(path);
    let convert = url("/api/v1/convert");
    let send = |u: &str, body: &[u8]| post(u, &[ZH, auth], body);

    // Who may ask.
    assert_chinese(&post(&convert, &[ZH], b"x"), 401, "unauthorized");
    let get_raw = |head: &str| raw(server.addr, head.as_bytes());
    assert_chinese(
        &get_raw("GET / HTTP/1.1\r\nHost: evil.example\r\nAccept-Language: zh\r\nConnection: close\r\n\r\n"),
        403,
        "forbidden_host",
    );
    assert_chinese(
        &post(
            &convert,
            &[ZH, auth, ("origin", "https://evil.example")],
            b"x",
        ),
        403,
        "cross_origin",
    );
    // What is asked.
    assert_chinese(&send(&url("/api/v1/nothing"), b""), 404, "not_found");
    assert_chinese(
        &get_raw(&format!("GET /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n")),
        405,
        "method_not_allowed",
    );
    assert_chinese(
        &send(&url("/api/v1/convert?max_szie=1"), b"x"),
        400,
        "bad_parameter",
    );
    assert_chinese(
        &send(&url("/api/v1/convert?quality=abc"), b"x"),
        400,
        "bad_parameter",
    );
    assert_chinese(
        &send(&url("/api/v1/convert?min_quality=95"), b"x"),
        400,
        "bad_profile",
    );
    assert_chinese(
        &send(&url("/api/v1/stitch?gap=5000"), b"x"),
        400,
        "bad_parameter",
    );
    assert_chinese(&send(&convert, b""), 400, "empty");
    let photo = fs::read("tests/fixtures/real/photo_orient6_gps.jpg").unwrap();
    let (two_type, two) = multipart(&[("a.jpg", &photo), ("b.jpg", &photo)]);
    assert_chinese(
        &post(&convert, &[ZH, auth, ("content-type", &two_type)], &two),
        400,
        "one_file",
    );
    // Bodies a library reads: a broken multipart, a body that stops short.
    assert_chinese(
        &post(
            &convert,
            &[ZH, auth, ("content-type", "multipart/form-data; boundary=")],
            b"--\r\nnothing",
        ),
        400,
        "bad_multipart",
    );
    let mut short = TcpStream::connect(server.addr).unwrap();
    write!(
        short,
        "POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 5000\r\n\r\nabc"
    )
    .unwrap();
    short.shutdown(std::net::Shutdown::Write).unwrap();
    let cut = read_raw(&mut short);
    assert_chinese(&cut, 400, "bad_body");
    let big = format!(
        "POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 999999999999\r\nConnection: close\r\n\r\n"
    );
    assert_chinese(&get_raw(&big), 413, "input_too_large");
    // Files a decoder refuses: not a picture, a truncated JPEG, a PDF whose structure
    // its parser cannot read, and the corpus's damaged files.
    assert_chinese(
        &send(&url("/api/v1/convert?name=%E5%9B%BE.jpg"), b"not a picture"),
        415,
        "unknown_bytes",
    );
    let broken_pdf =
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 nonsense\ntrailer <<>>\n%%EOF\n";
    let pdf = send(
        &url("/api/v1/convert?name=%E6%89%AB%E6%8F%8F.pdf"),
        broken_pdf,
    );
    let code = pdf.json()["code"].as_str().unwrap().to_owned();
    assert_chinese(&pdf, pdf.status, &code);
    assert!(pdf.status >= 400, "{}", pdf.status);
    // The parser's own words stay for machines, in `detail`.
    assert!(
        pdf.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("PDF")),
        "{}",
        pdf.json()
    );
    for path in [
        "corpus/客户D/授权书 传输中断.jpg",
        "corpus/客户D/空文件.jpg",
    ] {
        let answer = send(
            &url("/api/v1/convert?name=%E5%9B%BE.jpg"),
            &fs::read(path).unwrap(),
        );
        if answer.status != 200 {
            let code = answer.json()["code"].as_str().unwrap().to_owned();
            assert_chinese(&answer, answer.status, &code);
        }
    }
    // A server at its limits: the one upload place taken, then the request timing out.
    let mut stalled = TcpStream::connect(server.addr).unwrap();
    write!(
        stalled,
        "POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 200000\r\n\r\n"
    )
    .unwrap();
    stalled.write_all(&photo[..60_000]).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_chinese(&send(&convert, &photo), 429, "overloaded");
    assert_chinese(&read_raw(&mut stalled), 503, "timeout");
}
