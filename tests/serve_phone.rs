//! `scanfit serve --lan` and the page on a phone.
//!
//! - Without a browser: `--lan` listens on the network's address with a fresh token each
//!   start; the QR code printed in the terminal (read back module by module and decoded
//!   by an independent QR reader) holds the link, and the token in it is what the API
//!   wants; the page's own code (SVG) holds the same link; no request log line carries
//!   the token.
//! - In headless Chromium as a phone (chromedriver's mobile emulation: 390×844, touch, a
//!   phone's user agent), under a Chinese browser: the link authorises the page and
//!   leaves the address bar; the page fits the screen; a picture taken through the
//!   camera input gets its verdict and a save control; long names wrap inside their
//!   cards; every control has a visible label; the provider chosen applies; a combined
//!   picture is named after its parts and comes into view. As a desktop: the page shows
//!   the phone's code.
//!
//! Browser tests pass with a notice without chromium and chromedriver, unless
//! `SCANFIT_REQUIRE_BROWSER=1`. `SCANFIT_SHOTS=DIR` saves screenshots there
//! (phone-*.png, desktop-*.png).
#![cfg(all(feature = "cli", feature = "serve"))]

mod browser;
mod common;
mod server;

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use browser::{Browser, Device, PHONE};
use serde_json::json;
use server::Server;

/// The phone's link in a line the server printed: the word from `http://` on, up to
/// the token's last character (a Chinese sentence puts a full-width bracket right after).
fn link_in(line: &str) -> String {
    let start = line
        .find("http://")
        .unwrap_or_else(|| panic!("no link in {line:?}"));
    let rest = &line[start..];
    let token_at = rest.find("#token=").expect("the token in the fragment") + "#token=".len();
    let token_len = rest[token_at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len() - token_at);
    rest[..token_at + token_len].to_owned()
}

fn token_of(link: &str) -> &str {
    link.split_once("#token=").unwrap().1
}

/// Reads the terminal's QR code (light on dark: a module is dark where the character
/// has no ink) from `lines` and decodes it with rqrr.
fn decode_terminal_qr(lines: &[String]) -> String {
    let width = lines[0].chars().count();
    // Square; the last line's lower half is past the code when its side is odd.
    let height = width;
    assert_eq!(lines.len(), height.div_ceil(2));
    let mut dark = vec![false; width * (height + 1)];
    for (row, line) in lines.iter().enumerate() {
        assert_eq!(line.chars().count(), width, "a ragged QR line: {line:?}");
        for (x, c) in line.chars().enumerate() {
            let (top_ink, bottom_ink) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                ' ' => (false, false),
                other => panic!("{other:?} in the QR code"),
            };
            dark[2 * row * width + x] = !top_ink;
            dark[(2 * row + 1) * width + x] = !bottom_ink;
        }
    }
    // Each module as a 4×4 block of pixels: the reader wants more than one per module.
    decode_bitmap(width, height, |x, y| dark[y * width + x], 4)
}

/// Decodes a QR code of `width`×`height` modules (or pixels), `scale` pixels each.
fn decode_bitmap(
    width: usize,
    height: usize,
    dark: impl Fn(usize, usize) -> bool,
    scale: usize,
) -> String {
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(width * scale, height * scale, |x, y| {
            dark(x / scale, y / scale)
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

/// The page's SVG code (qrcode's `M{x} {y}h{w}v{h}H{x}V{y}` rectangles) decoded.
fn decode_svg_qr(svg: &str) -> String {
    let number = |key: &str| -> usize {
        let at = svg.find(key).unwrap() + key.len();
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h) = (number("width=\""), number("height=\""));
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let mut dark = vec![false; w * h];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for yy in y..y + rh {
            for xx in x..x + rw {
                dark[yy * w + xx] = true;
            }
        }
    }
    decode_bitmap(w, h, |x, y| dark[y * w + x], 1)
}

/// A `--lan` server, its phone link and the QR code's lines.
fn start_lan(args: &[&str]) -> (Server, String, Vec<String>) {
    let mut server = Server::start(&[&["--lan"], args].concat());
    let line = server.next_line();
    let link = link_in(&line);
    let first = server.next_line().trim_end_matches('\n').to_owned();
    let rows = first.chars().count().div_ceil(2);
    let mut qr = vec![first];
    while qr.len() < rows {
        qr.push(server.next_line().trim_end_matches('\n').to_owned());
    }
    (server, link, qr)
}

fn photo() -> Vec<u8> {
    fs::read("tests/fixtures/real/photo_orient6_gps.jpg").unwrap()
}

#[test]
fn lan_hands_a_fresh_token_over_in_a_qr_code_and_nowhere_else() {
    let (server, link, qr) = start_lan(&[]);
    assert_eq!(
        decode_terminal_qr(&qr),
        link,
        "the terminal's code holds the link"
    );
    // The network's address, the one the server listens on.
    let host: SocketAddr = link
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(host, server.addr);
    assert!(
        !host.ip().is_loopback() && !host.ip().is_unspecified(),
        "{host}"
    );
    let token = token_of(&link);
    assert_eq!(token.len(), 22, "128 bits, URL-safe base64: {token}");

    let info = server::get(&server.url("/api/v1/info")).json();
    assert_eq!(info["token_required"], true);
    assert_eq!(info["phone"], true);
    assert!(info["portals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "tencent"));

    let convert = server.url("/api/v1/convert?name=photo.jpg");
    server::post(&convert, &[], &photo()).assert_error(401, "unauthorized");
    let wrong = server::post(
        &convert,
        &[("authorization", "Bearer not-the-token")],
        &photo(),
    );
    assert_eq!(wrong.status, 401);
    // As the phone's browser sends it: the LAN address in Host and Origin.
    let origin = format!("http://{host}");
    let bearer = format!("Bearer {token}");
    let answer = server::post(
        &convert,
        &[
            ("authorization", &bearer),
            ("origin", &origin),
            ("sec-fetch-site", "same-origin"),
        ],
        &photo(),
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let picture = server::clean_jpeg(&answer.body);
    assert!(picture.width() > 0);

    // The page's code: only with the token, and the same link.
    assert_eq!(server::get(&server.url("/api/v1/phone")).status, 401);
    let svg = server::agent()
        .get(server.url("/api/v1/phone"))
        .header("authorization", &bearer)
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert_eq!(decode_svg_qr(&svg), link, "the page's code holds the link");

    // A fresh token each start.
    let (_again, link_again, _) = start_lan(&[]);
    assert_ne!(token_of(&link_again), token);
}

#[test]
fn without_lan_there_is_no_phone_code() {
    let server = Server::start(&[]);
    assert_eq!(
        server::get(&server.url("/api/v1/info")).json()["phone"],
        false
    );
    assert_eq!(server::get(&server.url("/api/v1/phone")).status, 404);
    // --lan makes its own token: one given is refused with it.
    let out = Command::new(env!("CARGO_BIN_EXE_scanfit"))
        .args(["serve", "--lan", "--token", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn the_json_log_never_carries_the_token() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scanfit"))
        .args(["serve", "--lan", "--port", "0", "--log-format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let mut phone = String::new();
    err.read_line(&mut phone).unwrap();
    let link = link_in(&phone);
    let token = token_of(&link).to_owned();
    let address: serde_json::Value = serde_json::from_str(&first).unwrap();
    let base = address["url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(!first.contains(&token), "{first}");
    // A request as the page makes it after the link opened it, and one without.
    let bearer = format!("Bearer {token}");
    let ok = server::post(
        &format!("{base}/api/v1/convert?name=p.jpg"),
        &[("authorization", &bearer)],
        &photo(),
    );
    assert_eq!(ok.status, 200);
    server::get(&format!("{base}/?x=1"));
    let mut logged = String::new();
    for _ in 0..2 {
        out.read_line(&mut logged).unwrap();
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(logged.contains("/api/v1/convert"), "{logged}");
    assert!(!logged.contains(&token), "the token in the log: {logged}");
}

/// Copies a fixture under `name` into `dir`.
fn copy_as(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::copy(fixture, &path).unwrap();
    path
}

fn shot(browser: &Browser, name: &str) {
    if let Some(dir) = std::env::var_os("SCANFIT_SHOTS") {
        fs::create_dir_all(&dir).unwrap();
        fs::write(Path::new(&dir).join(name), browser.screenshot()).unwrap();
    }
}

/// Nothing on the page is wider than the screen: no sideways scrolling.
const FITS: &str = "return document.documentElement.scrollWidth <= window.innerWidth
    && [...document.querySelectorAll('body *')].every(e => {
         const r = e.getBoundingClientRect();
         return r.width === 0 || (r.left >= -1 && r.right <= window.innerWidth + 1);
       });";

const LONG_CJK: &str =
    "客户甲有限责任公司法定代表人身份证正面及营业执照副本复印件加盖公章扫描件第二版最终稿.jpg";
const LONG_LATIN: &str =
    "ClientA_business_licence_copy_with_company_seal_scanned_at_600dpi_final_version_2.jpg";

#[test]
fn on_a_phone_the_page_takes_pictures_and_saves_them() {
    let Some(tools) = browser::find() else {
        return;
    };
    let (server, link, _) = start_lan(&["--jobs", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::start(&tools, Device::Phone, "zh-CN", dir.path());
    let zh = server::get(&server.url("/api/v1/words?lang=zh")).json();
    let w = |id: &str| zh["words"][id].as_str().unwrap().to_owned();
    browser.goto(&link);
    browser.wait_for(
        "the Chinese words",
        &format!("return document.title === {};", json!(w("page-title"))),
    );
    // The link authorised the page and left the address bar.
    let token = token_of(&link);
    assert_eq!(
        browser.run("return [location.hash, sessionStorage.getItem('scanfit-token'), window.innerWidth, navigator.maxTouchPoints > 0];"),
        json!(["", token, PHONE.0, true])
    );
    assert_eq!(
        browser.run("return document.querySelector('#token-box').hidden;"),
        true
    );
    // The phone needs no code to scan: it is for the desktop.
    assert_eq!(
        browser.run("return document.querySelector('#phone-box').offsetHeight;"),
        0
    );
    assert_eq!(browser.run(FITS), true, "the empty page fits the phone");
    // Big touch targets: the camera, the file chooser, the provider's list.
    let heights = browser.run(
        "return ['label.camera', '#pick-files', '#portal', '#stitch', '#download-all']
           .map(s => document.querySelector(s))
           .map(e => (e.closest('label.button') || e).getBoundingClientRect().height);",
    );
    for h in heights.as_array().unwrap() {
        assert!(h.as_f64().unwrap() >= 44.0, "{heights}");
    }
    // Every control's label is seen, in Chinese.
    let labels = browser.run(
        "const seen = (e) => e && e.offsetWidth > 0 && e.offsetHeight > 0;
         return [
           seen(document.querySelector('label.camera span')) && document.querySelector('label.camera span').textContent,
           seen(document.querySelector('label[for=portal] span')) && document.querySelector('label[for=portal] span').textContent,
           document.querySelector('#portal').labels.length,
           document.querySelector('#portal').selectedOptions[0].textContent,
         ];",
    );
    assert_eq!(
        labels,
        json!([
            w("page-take-photo"),
            w("page-portal-label"),
            1,
            w("page-portal-default")
        ])
    );
    shot(&browser, "phone-zh-start.png");

    // A picture from the camera.
    let photo = copy_as(
        dir.path(),
        "tests/fixtures/real/photo_orient6_gps.jpg",
        "IMG_20261207_101500.jpg",
    );
    browser.choose_files("#take-photo", &[photo]);
    browser.wait_for(
        "the photo's card",
        "const c = document.querySelector('.card'); return !!c && c.dataset.state === 'done';",
    );
    let card = browser.run(
        "const c = document.querySelector('.card');
         const a = c.querySelector('a.download');
         const r = a.getBoundingClientRect();
         return [c.dataset.path, c.dataset.verdict, c.querySelector('.badge').textContent,
                 a.href.startsWith('blob:'), a.getAttribute('download'), r.height >= 44,
                 r.right <= window.innerWidth, a.textContent,
                 c.querySelector('.pick span').offsetWidth > 0, c.querySelector('.pick span').textContent];",
    );
    let api = server::post(
        &server.url("/api/v1/convert?as=json&name=IMG_20261207_101500.jpg"),
        &[("authorization", &format!("Bearer {token}"))],
        &fs::read("tests/fixtures/real/photo_orient6_gps.jpg").unwrap(),
    )
    .json();
    let verdict = if api["records"][0]["upload_ready"] == true {
        api["records"][0]["status"]
            .as_str()
            .map(|s| if s == "ok" { "pass" } else { "warn" })
    } else {
        Some("fail")
    }
    .unwrap();
    assert_eq!(card[0], "IMG_20261207_101500.jpg");
    assert_eq!(card[1], verdict, "{card}");
    assert_eq!(card[2], w(&format!("page-verdict-{verdict}")).as_str());
    assert_eq!(card[3], true, "a save control holding the output: {card}");
    assert_eq!(card[4], "IMG_20261207_101500.jpg");
    assert_eq!(card[5], true, "a thumb-sized save control");
    assert_eq!(card[6], true);
    assert!(
        card[7].as_str().unwrap().starts_with(&w("page-download")),
        "{card}"
    );
    assert_eq!(card[8], true);
    assert_eq!(card[9], w("page-select-label").as_str());
    // The saved bytes are the API's output for the same photo.
    let saved = browser
        .run("const c = state.cards[0]; return [c.outputs[0].blob.size, c.records[0].bytes_out];");
    assert_eq!(saved[0], api["records"][0]["bytes_out"], "{saved}");

    // Long names from the phone's files: they wrap inside the card.
    let cjk = copy_as(
        dir.path(),
        "tests/fixtures/real/photo_orient6_gps.jpg",
        LONG_CJK,
    );
    let latin = copy_as(
        dir.path(),
        "tests/fixtures/real/photo_orient6_gps.jpg",
        LONG_LATIN,
    );
    browser.choose_files("#pick-files", &[cjk, latin]);
    browser.wait_for(
        "three cards",
        "const cards = document.querySelectorAll('.card');
         return cards.length === 3 && [...cards].every(c => c.dataset.state === 'done');",
    );
    let wrapped = browser.run(
        "return [...document.querySelectorAll('.card')].slice(1).map(c => {
           const p = c.querySelector('.path');
           const line = parseFloat(getComputedStyle(p).lineHeight) || 20;
           const card = c.getBoundingClientRect();
           return [p.textContent, p.scrollWidth <= p.clientWidth + 1,
                   p.getBoundingClientRect().height > 1.5 * line,
                   card.right <= window.innerWidth,
                   [...c.querySelectorAll('a, button')].every(e => e.getBoundingClientRect().right <= card.right + 1)];
         });",
    );
    for row in wrapped.as_array().unwrap() {
        assert_eq!(row.as_array().unwrap()[1..], [true; 4], "{row}");
    }
    assert_eq!(
        browser.run(FITS),
        true,
        "the page with cards fits the phone"
    );
    shot(&browser, "phone-zh-cards.png");

    // Another provider's limits: Tencent's 2 MB ceiling, as the API gives it.
    browser.run(
        "const s = document.querySelector('#portal'); s.value = 'tencent';
         s.dispatchEvent(new Event('change')); return true;",
    );
    browser.wait_for(
        "the cards done again",
        "const cards = [...document.querySelectorAll('.card')];
         return cards.length === 3 && cards.every(c => c.dataset.state === 'done');",
    );
    let tencent = server::post(
        &server.url("/api/v1/convert?as=json&portal=tencent&name=a.jpg"),
        &[("authorization", &format!("Bearer {token}"))],
        &fs::read("tests/fixtures/real/photo_orient6_gps.jpg").unwrap(),
    )
    .json();
    let sizes = browser.run("return state.cards.map(c => c.records[0].bytes_out);");
    for size in sizes.as_array().unwrap() {
        assert_eq!(size, &tencent["records"][0]["bytes_out"]);
        assert!(size.as_u64().unwrap() < 2_000_000);
    }

    // Combine the camera's picture with the long-named one: named after both, in view.
    for n in [1, 2] {
        browser.click(&format!(".card:nth-child({n}) .pick input"));
    }
    browser.click("#stitch");
    browser.wait_for(
        "the combined card",
        "const c = document.querySelector(\".card[data-kind='stitch']\");
         return !!c && c.dataset.state === 'done';",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    let stitched = browser.run(
        "const c = document.querySelector(\".card[data-kind='stitch']\");
         const r = c.getBoundingClientRect();
         return [c.dataset.path, r.top < window.innerHeight && r.bottom > 0,
                 [...c.querySelectorAll('.meta')].map(m => m.textContent).join('|')];",
    );
    let stem = LONG_CJK.trim_end_matches(".jpg");
    assert_eq!(
        stitched[0],
        format!("IMG_20261207_101500+{stem}.jpg").as_str()
    );
    assert_eq!(
        stitched[1], true,
        "the combined card is in view: {stitched}"
    );
    let meta = stitched[2].as_str().unwrap();
    assert!(
        meta.contains("IMG_20261207_101500.jpg") && meta.contains(LONG_CJK),
        "{meta}"
    );
    assert_eq!(browser.run(FITS), true);
    shot(&browser, "phone-zh-stitched.png");
}

#[test]
fn on_the_desktop_the_page_shows_the_phones_code() {
    let Some(tools) = browser::find() else {
        return;
    };
    let (server, link, _) = start_lan(&[]);
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::start(&tools, Device::Desktop, "zh-CN", dir.path());
    browser.goto(&link);
    browser.wait_for(
        "the phone's code",
        "const i = document.querySelector('#phone-qr');
         return !document.querySelector('#phone-box').hidden && i.complete && i.naturalWidth > 0;",
    );
    let zh = server::get(&server.url("/api/v1/words?lang=zh")).json();
    let visible = browser.run("return document.body.innerText;");
    assert!(visible
        .as_str()
        .unwrap()
        .contains(zh["words"]["page-phone-title"].as_str().unwrap()));
    let size = browser.run(
        "const r = document.querySelector('#phone-qr').getBoundingClientRect(); return [r.width, r.height];",
    );
    assert!(size[0].as_f64().unwrap() >= 120.0, "{size}");
    browser.choose_files(
        "#pick-files",
        &[copy_as(
            dir.path(),
            "tests/fixtures/real/photo_orient6_gps.jpg",
            LONG_CJK,
        )],
    );
    browser.wait_for(
        "the card",
        "const c = document.querySelector('.card'); return !!c && c.dataset.state === 'done';",
    );
    shot(&browser, "desktop-zh.png");
}
