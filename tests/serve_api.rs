//! `scanfit serve`'s HTTP API, against a real server process on an ephemeral loopback
//! port: what it answers for good and bad files, its limits, and who it answers to.
#![cfg(all(feature = "cli", feature = "serve"))]

mod common;
#[path = "support/render.rs"]
mod render;
mod server;

use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::quadrants;
use server::{clean_jpeg, get, multipart, post, raw, upright_photo, Server};

const PHOTO: &str = "tests/fixtures/real/photo_orient6_gps.jpg";
const TRUNCATED: &str = "corpus/客户D/授权书 传输中断.jpg";

/// Percent-encodes a query value.
fn q(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn convert_answers_an_in_band_jpeg_whose_record_matches_the_cli() {
    let server = Server::start(&["--jobs", "1"]);
    let photo = fs::read(PHOTO).unwrap();
    let answer = post(
        &server.url(&format!("/api/v1/convert?name={}", q("手机 照片.jpg"))),
        &[("content-type", "image/jpeg")],
        &photo,
    );
    let picture = upright_photo(&answer);
    assert!(answer
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''%E6%89%8B%E6%9C%BA%20%E7%85%A7%E7%89%87.jpg"));
    let record: serde_json::Value =
        serde_json::from_str(answer.header("scanfit-record").expect("record header")).unwrap();
    assert_eq!(record["input"], "手机 照片.jpg");
    assert_eq!(record["output"], "手机 照片.jpg");
    assert_eq!(record["bytes_out"], answer.body.len() as u64);
    assert_eq!(record["width_out"], picture.width());
    assert_eq!(record["metadata_removed"]["gps"], true);

    // The command line, on the same file under the same name.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("手机 照片.jpg");
    fs::copy(PHOTO, &input).unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    let run = common::scanfit(&[
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(run.status.success());
    let mut cli = common::read_report(&report).remove(0);
    assert_eq!(
        fs::read(out.join("手机 照片.jpg")).unwrap(),
        answer.body,
        "the server's picture is the command line's, byte for byte"
    );
    let mut served = record.clone();
    let score = |r: &serde_json::Value| r["score"].as_f64().unwrap();
    // The same legibility, to the last bits a float sum may order differently.
    assert!(
        (score(&served) - score(&cli)).abs() < 1e-12,
        "{served} {cli}"
    );
    for r in [&mut cli, &mut served] {
        let r = r.as_object_mut().unwrap();
        for volatile in ["input", "output", "millis", "score"] {
            r.remove(volatile);
        }
    }
    assert_eq!(served, cli);
}

#[test]
fn the_json_form_and_multi_page_inputs_carry_every_output_with_records_and_csv() {
    let server = Server::start(&[]);
    let tiff = fs::read("tests/fixtures/pages/three_pages.tif").unwrap();
    // No ?as=json: several pages cannot be one picture, so the answer is JSON anyway.
    let answer = post(
        &server.url(&format!("/api/v1/convert?name={}", q("客户C/三页.tif"))),
        &[],
        &tiff,
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(answer
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let json = answer.json();
    let records = json["records"].as_array().unwrap();
    let outputs = json["outputs"].as_array().unwrap();
    assert_eq!((records.len(), outputs.len()), (3, 3));
    for (n, (record, output)) in records.iter().zip(outputs).enumerate() {
        let name = format!("客户C/三页_p{}.jpg", n + 1);
        assert_eq!(record["page"], n + 1);
        assert_eq!(record["output"], name);
        assert_eq!(output["name"], name);
        assert_eq!(output["content_type"], "image/jpeg");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(output["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(record["bytes_out"], bytes.len());
        let picture = clean_jpeg(&bytes);
        assert_eq!(record["width_out"], picture.width());
    }
    let csv = json["csv"].as_str().unwrap();
    assert!(
        csv.starts_with("schema,input,pieces,format,page,output,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4, "{csv}");
}

#[test]
fn each_bad_request_gets_its_status_and_code() {
    let server = Server::start(&["--max-input-size", "2MB", "--max-pixels", "3000000"]);
    let convert = server.url("/api/v1/convert");

    post(&convert, &[], b"").assert_error(400, "empty");
    post(&server.url("/api/v1/convert?max_szie=2MB"), &[], b"x").assert_error(400, "bad_parameter");
    post(&server.url("/api/v1/convert?min_quality=95"), &[], b"x").assert_error(400, "bad_profile");
    let (kind, body) = multipart(&[("a.jpg", b"1"), ("b.jpg", b"2")]);
    post(&convert, &[("content-type", &kind)], &body).assert_error(400, "one_file");

    // 413: declared too large, refused before the body is read (none is sent).
    raw(
        server.addr,
        format!(
            "POST /api/v1/convert HTTP/1.1\r\nHost: {}\r\nContent-Length: 2000001\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    )
    .assert_error(413, "input_too_large");
    // 413: a small file that decodes into too many pixels.
    let big = common::encode(
        &image::DynamicImage::ImageRgb8(quadrants(2000, 2000, 0, 1)),
        image::ImageFormat::Png,
    );
    post(&convert, &[], &big).assert_error(413, "too_many_pixels");

    // 415: text under a picture's name fails; without a name it is passed over.
    let claimed = post(
        &format!("{convert}?name=note.jpg"),
        &[],
        b"just some text, not a picture",
    );
    let json = claimed.assert_error(415, "unknown_bytes");
    assert_eq!(json["records"][0]["status"], "failed");
    let unnamed = post(&convert, &[], b"just some text, not a picture");
    assert_eq!(
        unnamed.assert_error(415, "not_a_picture")["records"][0]["status"],
        "skipped"
    );

    // 422: a truncated JPEG, with its record and CSV row.
    let broken = post(
        &format!("{convert}?name={}", q("授权书 传输中断.jpg")),
        &[],
        &fs::read(TRUNCATED).unwrap(),
    );
    let json = broken.assert_error(422, "corrupt");
    assert_eq!(json["records"][0]["input"], "授权书 传输中断.jpg");
    assert_eq!(json["records"][0]["status"], "failed");
    let row = json["csv"].as_str().unwrap().lines().nth(1).unwrap();
    let schema = scanfit::report::SCHEMA_VERSION;
    assert!(
        row.starts_with(&format!("{schema},授权书 传输中断.jpg,")),
        "{row}"
    );

    // 422: a picture that cannot be brought into a band this narrow at the floors.
    let noisy = common::phone_jpeg(&quadrants(1000, 750, 255, 2), 1, 90);
    let unreachable = post(
        &format!("{convert}?min_size=20KB&max_size=23KB"),
        &[],
        &noisy,
    );
    unreachable.assert_error(422, "band_unreachable");

    get(&server.url("/nowhere")).assert_error(404, "not_found");
    get(&convert).assert_error(405, "method_not_allowed");
}

#[test]
fn check_answers_records_and_stitch_combines_parts() {
    let server = Server::start(&[]);
    let photo = fs::read(PHOTO).unwrap();
    let checked = post(
        &server.url(&format!("/api/v1/check?name={}", q("手机 照片.jpg"))),
        &[],
        &photo,
    );
    assert_eq!(checked.status, 200);
    let json = checked.json();
    assert_eq!(json["input"], "手机 照片.jpg");
    assert_eq!(json["metadata"]["gps"], true);
    assert!(
        json["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "gps"),
        "{json}"
    );
    let broken = post(
        &server.url("/api/v1/check?name=broken.jpg"),
        &[],
        &fs::read(TRUNCATED).unwrap(),
    );
    assert_eq!(broken.status, 200);
    assert_eq!(broken.json()["verdict"], "fail");

    let letter = fs::read("corpus/客户A/授权书 2024.jpg").unwrap();
    let (kind, body) = multipart(&[("手机 照片.jpg", &photo), ("授权书.jpg", &letter)]);
    let stitched = post(
        &server.url(&format!("/api/v1/stitch?output={}", q("合并/客户A"))),
        &[("content-type", &kind)],
        &body,
    );
    assert_eq!(
        stitched.status,
        200,
        "{}",
        String::from_utf8_lossy(&stitched.body)
    );
    let picture = clean_jpeg(&stitched.body);
    let record: serde_json::Value =
        serde_json::from_str(stitched.header("scanfit-record").unwrap()).unwrap();
    assert_eq!(
        record["pieces"],
        serde_json::json!(["手机 照片.jpg", "授权书.jpg"])
    );
    assert_eq!(record["output"], "合并/客户A.jpg");
    assert_eq!(record["height_out"], picture.height());
    assert_eq!(record["bytes_in"], (photo.len() + letter.len()) as u64);

    let (kind, body) = multipart(&[("one.jpg", &photo)]);
    post(
        &server.url("/api/v1/stitch"),
        &[("content-type", &kind)],
        &body,
    )
    .assert_error(400, "too_few_pieces");
    let (kind, body) = multipart(&[("a.jpg", &photo), ("b.jpg", b"not a picture")]);
    let bad_piece = post(
        &server.url("/api/v1/stitch"),
        &[("content-type", &kind)],
        &body,
    );
    let json = bad_piece.assert_error(415, "unknown_bytes");
    assert!(json["message"].as_str().unwrap().contains("b.jpg"));
}

/// Opens a request that declares a large body, sends a little of it and keeps the
/// connection open: the server admits it and waits for the rest.
fn stalled_upload(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200000\r\n\r\n"
    )
    .unwrap();
    stream.write_all(&[0xFF, 0xD8, 0xFF]).unwrap();
    stream
}

#[test]
fn full_upload_places_answer_429_at_once_and_free_up_when_uploads_end() {
    let server = Server::start(&["--jobs", "1", "--queue", "1", "--uploads", "2"]);
    let photo = fs::read(PHOTO).unwrap();
    let first = stalled_upload(&server);
    let second = stalled_upload(&server);
    // The two stalled requests hold both upload places once they arrive. A request
    // sent before then could take a place and get a stalled one refused, so the probe
    // waits until the server says both are in.
    let admitted = || get(&server.url("/api/v1/info")).json()["receiving"].clone();
    let deadline = Instant::now() + Duration::from_secs(20);
    while admitted() != 2 {
        assert!(Instant::now() < deadline, "admitted: {}", admitted());
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    let answer = post(&server.url("/api/v1/convert"), &[], &photo);
    let took = started.elapsed();
    answer.assert_error(429, "overloaded");
    assert!(answer
        .header("retry-after")
        .is_some_and(|s| s.parse::<u64>().is_ok()));
    assert!(took < Duration::from_secs(2), "429 took {took:?}");
    // Refused requests take no place; the stalled ones still hold theirs.
    assert_eq!(admitted(), 2);
    drop((first, second));
    // Once the stalled uploads are gone, their places come back.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = post(&server.url("/api/v1/convert"), &[], &photo);
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.status, 429);
        assert!(Instant::now() < deadline, "places never came back");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn on_loopback_only_loopback_host_names_are_answered() {
    let server = Server::start(&[]);
    let port = server.addr.port();
    let ask = |host: &str| {
        raw(
            server.addr,
            format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    for host in ["evil.example", "localhost.evil.example:80", "192.168.1.10"] {
        ask(host).assert_error(403, "forbidden_host");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".into(),
    ] {
        assert_eq!(ask(&host).status, 200, "{host}");
    }
}

#[test]
fn cross_site_posts_are_refused_unless_the_origin_is_allowed() {
    let server = Server::start(&["--allow-origin", "https://portal.example"]);
    let check = server.url("/api/v1/check");
    post(&check, &[("origin", "https://evil.example")], b"x").assert_error(403, "cross_origin");
    post(&check, &[("sec-fetch-site", "cross-site")], b"x").assert_error(403, "cross_origin");
    // A program (no Origin) and the page itself (same origin) pass.
    assert_eq!(post(&check, &[], b"x").status, 200);
    let own = format!("http://{}", server.addr);
    assert_eq!(post(&check, &[("origin", &own)], b"x").status, 200);
    // The allowed origin passes, with CORS headers, and its preflight is answered.
    let allowed = post(&check, &[("origin", "https://portal.example")], b"x");
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://portal.example")
    );
    let preflight = raw(
        server.addr,
        format!(
            "OPTIONS /api/v1/convert HTTP/1.1\r\nHost: {}\r\nOrigin: https://portal.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(preflight.status, 204);
    assert!(preflight
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    // No CORS for anyone else.
    let plain = post(&check, &[], b"x");
    assert_eq!(plain.header("access-control-allow-origin"), None);
}

#[test]
fn a_token_guards_the_api_but_not_the_page_or_the_probe() {
    let server = Server::start(&["--token", "s3cret-token"]);
    let photo = fs::read(PHOTO).unwrap();
    let convert = server.url("/api/v1/convert");
    let none = post(&convert, &[], &photo);
    none.assert_error(401, "unauthorized");
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    post(
        &convert,
        &[("authorization", "Bearer s3cret-tokeN")],
        &photo,
    )
    .assert_error(401, "unauthorized");
    let ok = post(
        &convert,
        &[("authorization", "Bearer s3cret-token")],
        &photo,
    );
    assert_eq!(ok.status, 200);
    for open in ["/", "/healthz", "/api/v1/words", "/api/v1/info"] {
        assert_eq!(get(&server.url(open)).status, 200, "{open}");
    }
    assert_eq!(
        get(&server.url("/api/v1/info")).json()["token_required"],
        true
    );
}

#[test]
fn other_addresses_need_a_token_or_an_explicit_no_auth() {
    let run = common::scanfit(&[
        "serve".as_ref(),
        "--listen".as_ref(),
        "0.0.0.0".as_ref(),
        "--port".as_ref(),
        "0".as_ref(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("--token") && err.contains("--no-auth"),
        "{err}"
    );
}

#[test]
fn malformed_multipart_and_cut_off_bodies_never_break_the_server() {
    let server = Server::start(&["--max-input-size", "100KB"]);
    let convert = server.url("/api/v1/convert");
    let cases: Vec<(String, Vec<u8>)> = vec![
        ("multipart/form-data".into(), b"--x\r\n\r\n".to_vec()),
        ("multipart/form-data; boundary=".into(), b"--\r\n".to_vec()),
        ("multipart/form-data; boundary=abc".into(), b"garbage without any boundary".to_vec()),
        (
            "multipart/form-data; boundary=abc".into(),
            b"--abc\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\n\r\n\xFF\xD8\xFF unterminated".to_vec(),
        ),
        (
            "multipart/form-data; boundary=abc".into(),
            b"--abc\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\nno blank line".to_vec(),
        ),
        ("multipart/form-data; boundary=abc".into(), b"--abc--\r\n".to_vec()),
        ("multipart/mixed; boundary=\"unclosed".into(), b"--unclosed\r\n".to_vec()),
    ];
    let mut rng = common::Rng::new(15);
    let mut cases = cases;
    for n in 0..20 {
        let mut body =
            format!("--b{n}\r\nContent-Disposition: form-data; filename=\"x{n}.png\"\r\n\r\n")
                .into_bytes();
        body.extend((0..rng.next() % 2000).map(|_| rng.byte()));
        if n % 2 == 0 {
            body.extend_from_slice(format!("\r\n--b{n}--\r\n").as_bytes());
        }
        cases.push((format!("multipart/form-data; boundary=b{n}"), body));
    }
    for (kind, body) in &cases {
        let answer = post(&convert, &[("content-type", kind)], body);
        assert!(
            (400..500).contains(&answer.status),
            "{kind}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        answer.json();
    }
    // A chunked body that passes the limit is cut off with 413 while it streams.
    let mut request = format!(
        "POST /api/v1/convert HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .into_bytes();
    for _ in 0..30 {
        request.extend_from_slice(b"1000\r\n");
        request.extend(std::iter::repeat_n(b'a', 0x1000));
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    raw(server.addr, &request).assert_error(413, "input_too_large");
    // A body that stops early and a client that hangs up leave the server answering.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nabc"
    )
    .unwrap();
    drop(stream);
    assert_eq!(get(&server.url("/healthz")).status, 200);
}

#[test]
fn the_page_and_its_words_are_served_in_the_browsers_language() {
    let server = Server::start(&[]);
    let page = get(&server.url("/"));
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("/app.js") && !html.contains("http://") && !html.contains("https://"));
    for asset in ["/app.js", "/app.css"] {
        let text = String::from_utf8(get(&server.url(asset)).body).unwrap();
        assert!(
            !text.contains("https://"),
            "{asset} fetches nothing from the internet"
        );
    }
    let words = |headers: &[(&str, &str)], query: &str| {
        let mut request = server::agent().get(server.url(&format!("/api/v1/words{query}")));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut response = request.call().unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let zh = words(&[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")], "");
    assert_eq!(zh["lang"], "zh");
    assert_eq!(zh["words"]["page-verdict-pass"], "通过");
    assert_eq!(zh["words"]["page-verdict-fail"], "不通过");
    let en = words(&[("accept-language", "zh-CN")], "?lang=en");
    assert_eq!(en["words"]["page-verdict-pass"], "pass");
    assert_eq!(words(&[], "")["lang"], "en");
}

/// The back of an ID card valid until 2036-03-01, as a JPEG (rendered in the first CJK
/// font installed, see tests/support/render.rs); `None` without one, unless
/// SCANFIT_REQUIRE_CJK_FONT is set.
fn id_card_back() -> Option<Vec<u8>> {
    let Some((_, bytes, index)) = render::load_fonts().into_iter().next() else {
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_CJK_FONT").is_none(),
            "SCANFIT_REQUIRE_CJK_FONT is set but no CJK font is installed"
        );
        eprintln!("skipped: no CJK font is installed (apt install fonts-noto-cjk)");
        return None;
    };
    let font = ab_glyph::FontRef::try_from_slice_and_index(&bytes, index).unwrap();
    let page = render::id_card_back(&font, "2016.03.01-2036.03.01");
    let mut jpeg = std::io::Cursor::new(Vec::new());
    page.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    Some(jpeg.into_inner())
}

#[test]
fn check_reads_the_dates_an_uploads_kind_needs_and_says_where_they_came_from() {
    let Some(card) = id_card_back() else { return };
    let server = Server::start(&["--jobs", "1"]);
    let url = |query: &str| {
        server.url(&format!(
            "/api/v1/check?name={}{query}",
            q("身份证反面.jpg")
        ))
    };
    // By default (read=auto) an ID card named so is read: its kind needs a validity
    // date and nothing else gives it.
    let read = post(&url("&lang=zh"), &[], &card);
    assert_eq!(read.status, 200, "{}", String::from_utf8_lossy(&read.body));
    let json = read.json();
    assert_eq!(json["kind"], "id_card", "{json}");
    assert_eq!(json["kind_source"], "file_name", "{json}");
    assert_eq!(json["read"], true, "{json}");
    assert_eq!(
        json["valid_until"],
        serde_json::json!({ "until": "2036-03-01" }),
        "{json}"
    );
    assert_eq!(json["valid_until_source"], "picture", "{json}");
    assert!(
        json["valid_until_confidence"].as_u64().unwrap() >= 90,
        "{json}"
    );
    assert!(json["characters_sure"].as_u64().unwrap() > 40, "{json}");
    let date_read = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "date_read")
        .unwrap_or_else(|| panic!("{json}"));
    // In the language asked for.
    let message = date_read["message"].as_str().unwrap();
    assert!(
        message.contains("2036-03-01") && message.contains("图片"),
        "{message}"
    );

    // read=never: the same upload, its bytes and pixels only.
    let unread = post(&url("&read=never"), &[], &card).json();
    assert_eq!(unread["read"], false, "{unread}");
    assert!(unread["valid_until"].is_null(), "{unread}");
    assert_eq!(unread["kind"], "id_card", "{unread}");
    post(&url("&read=sometimes"), &[], &card).assert_error(400, "bad_parameter");
}
