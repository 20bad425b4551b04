//! `scanfit serve`'s page in a real browser: headless Chromium driven through
//! chromedriver with the W3C WebDriver protocol (plain JSON over HTTP, spoken with the
//! same client as the API tests). A folder of three files (one broken) is picked, the
//! cards are read, the ZIP is downloaded and its pictures decoded; under a Chinese
//! browser the page speaks Chinese.
//!
//! Without chromium and chromedriver the tests print a notice and pass, unless
//! `SCANFIT_REQUIRE_BROWSER=1` (CI) makes that a failure. `SCANFIT_SCREENSHOT=FILE`
//! saves the Chinese page's screenshot (docs/serve.png is made so);
//! `SCANFIT_QUAD_SCREENSHOT=FILE` the card with the document's outline drawn.
#![cfg(all(feature = "cli", feature = "serve"))]

mod browser;
mod common;
#[path = "support/render.rs"]
mod render;
mod server;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use browser::{Browser, Device};
use serde_json::json;
use server::Server;

/// A client's folder: a phone photo with GPS, a grey scan under the portal's minimum
/// size (converted, with a warning), and a JPEG cut off in transfer.
fn client_folder(root: &Path) -> PathBuf {
    let folder = root.join("客户A");
    fs::create_dir_all(&folder).unwrap();
    fs::copy(
        "tests/fixtures/real/photo_orient6_gps.jpg",
        folder.join("手持身份证 照片.jpg"),
    )
    .unwrap();
    fs::copy(
        "tests/fixtures/real/scan_text_gray.png",
        folder.join("营业执照 扫描.png"),
    )
    .unwrap();
    fs::copy(
        "corpus/客户D/授权书 传输中断.jpg",
        folder.join("授权书 传输中断.jpg"),
    )
    .unwrap();
    folder
}

/// The cards: path, state, verdict, badge text, reasons.
const READ_CARDS: &str = "return [...document.querySelectorAll('.card')].map(c => ({
    path: c.dataset.path, state: c.dataset.state, verdict: c.dataset.verdict || null,
    badge: (c.querySelector('.badge') || {}).textContent || null,
    reasons: [...c.querySelectorAll('.reasons li')].map(li => li.textContent),
}));";

const ALL_DONE: &str = "const cards = document.querySelectorAll('.card');
    return cards.length === 3 && [...cards].every(c => c.dataset.state === 'done');";

/// What the API says about `file` under `name`: the verdict the page must show.
fn api_verdict(server: &Server, file: &Path, name: &str) -> &'static str {
    let answer = server::post(
        &server.url(&format!("/api/v1/convert?as=json&name={}", encode(name))),
        &[],
        &fs::read(file).unwrap(),
    );
    let json = answer.json();
    let record = &json["records"][0];
    match (answer.status, record["status"].as_str()) {
        // A picture the portal refuses is a fail, whatever its status.
        (200, Some("ok" | "warn")) if record["upload_ready"] == false => "fail",
        (200, Some("ok")) => "pass",
        (200, Some("warn")) => "warn",
        (_, Some("skipped")) => "skipped",
        _ => "fail",
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Picks the folder through the page's folder input, as a person would.
fn pick_folder(browser: &Browser, folder: &Path) {
    let input = browser.element("#pick-folder");
    browser.call(
        "POST",
        &format!("/element/{input}/value"),
        Some(json!({"text": folder.canonicalize().unwrap()})),
    );
}

#[test]
fn a_picked_folder_becomes_cards_and_an_upload_ready_zip() {
    let Some((chrome, chromedriver)) = browser::find() else {
        return;
    };
    let server = Server::start(&["--jobs", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let folder = client_folder(dir.path());
    let downloads = dir.path().join("downloads");
    fs::create_dir(&downloads).unwrap();
    let browser = Browser::start(
        &(chrome, chromedriver),
        Device::Desktop,
        "en-US",
        &downloads,
    );
    browser.goto(&server.url("/"));
    browser.wait_for(
        "the words",
        "return document.title.startsWith('scanfit —');",
    );
    // Outputs are named as `scanfit convert` names them, collisions included.
    let planned = browser.run(
        "const cards = ['x/a.png', 'x/a.jpg', 'x/A.JPG', 'x/b.tif', 'y/a.png'].map(path => ({path}));
         planOutputs(cards);
         return cards.map(c => c.outputStem);",
    );
    assert_eq!(
        planned,
        json!(["x/a_png", "x/a_jpg", "x/A_jpg_2", "x/b", "y/a"])
    );
    pick_folder(&browser, &folder);
    browser.wait_for("three finished cards", ALL_DONE);

    let cards = browser.run(READ_CARDS);
    let cards = cards.as_array().unwrap();
    for card in cards {
        let path = card["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap();
        assert!(path.starts_with("客户A/"), "{path}: the folder is kept");
        let expected = api_verdict(&server, &folder.join(name), path);
        assert_eq!(card["verdict"], expected, "{card}");
        assert_eq!(card["badge"], expected, "{card}");
    }
    let broken = cards
        .iter()
        .find(|c| c["path"] == "客户A/授权书 传输中断.jpg")
        .unwrap();
    assert_eq!(broken["verdict"], "fail");
    assert!(broken["reasons"][0]
        .as_str()
        .unwrap()
        .contains("corrupt or truncated"));

    browser.call(
        "POST",
        &format!("/element/{}/click", browser.element("#download-all")),
        Some(json!({})),
    );
    let zip_path = downloads.join("scanfit.zip");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !zip_path.is_file() {
        assert!(Instant::now() < deadline, "no ZIP downloaded");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut zip = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "needs-rescan/客户A/营业执照 扫描.jpg",
            "report.csv",
            "客户A/手持身份证 照片.jpg",
        ]
    );
    // The grey scan is offered, but apart: the portal will not accept it.
    let grey = cards
        .iter()
        .find(|c| c["path"] == "客户A/营业执照 扫描.png")
        .unwrap();
    assert_eq!(grey["verdict"], "fail");
    assert!(grey["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("will not accept")));
    for name in names.iter().filter(|n| n.ends_with(".jpg")) {
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        let path = dir.path().join("unzipped").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &bytes).unwrap();
        common::assert_clean_output(&path);
    }
    let mut csv = String::new();
    zip.by_name("report.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("schema,input,pieces,format,page,output,"));
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "{},客户A/授权书 传输中断.jpg,",
        scanfit::report::SCHEMA_VERSION
    )) && l.contains(",failed,")));

    // Stitch: select the two good cards, combine them into a fourth card.
    for card in ["手持身份证 照片.jpg", "营业执照 扫描.png"] {
        let select = browser.element(&format!(".card[data-path='客户A/{card}'] input.select"));
        browser.call("POST", &format!("/element/{select}/click"), Some(json!({})));
    }
    browser.call(
        "POST",
        &format!("/element/{}/click", browser.element("#stitch")),
        Some(json!({})),
    );
    browser.wait_for(
        "the stitched card",
        "const c = document.querySelector(\".card[data-kind='stitch']\");
         return !!c && c.dataset.state === 'done';",
    );
    let stitched = browser.run(
        "const c = document.querySelector(\".card[data-kind='stitch']\");
         return [c.dataset.verdict, c.dataset.path, !!c.querySelector('a.download')];",
    );
    // One of its pieces is the grey scan: the portal refuses the whole picture.
    assert_eq!(stitched[0], "fail", "{stitched}");
    assert_eq!(stitched[1], "客户A/手持身份证 照片+营业执照 扫描.jpg");
    assert_eq!(stitched[2], true);
}

#[test]
fn under_a_chinese_browser_the_page_speaks_chinese() {
    let Some((chrome, chromedriver)) = browser::find() else {
        return;
    };
    let server = Server::start(&["--jobs", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let folder = client_folder(dir.path());
    let browser = Browser::start(
        &(chrome, chromedriver),
        Device::Desktop,
        "zh-CN",
        dir.path(),
    );
    let zh = server::get(&server.url("/api/v1/words?lang=zh")).json();
    browser.goto(&server.url("/"));
    browser.wait_for(
        "the Chinese words",
        &format!("return document.title === {};", zh["words"]["page-title"]),
    );
    pick_folder(&browser, &folder);
    browser.wait_for("three finished cards", ALL_DONE);
    let cards = browser.run(READ_CARDS);
    for card in cards.as_array().unwrap() {
        let verdict = card["verdict"].as_str().unwrap();
        assert_eq!(
            card["badge"],
            zh["words"][format!("page-verdict-{verdict}")],
            "{card}"
        );
    }
    // A failed file's reason is the server's, in Chinese: what the API says of the
    // same file asked in Chinese, and none of the English sentence.
    let broken = cards
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "客户A/授权书 传输中断.jpg")
        .unwrap();
    let reason = broken["reasons"][0].as_str().unwrap();
    let api = server::post(
        &server.url("/api/v1/convert?as=json&lang=zh&name=a.jpg"),
        &[],
        &fs::read(folder.join("授权书 传输中断.jpg")).unwrap(),
    )
    .json();
    assert_eq!(reason, api["message"], "{broken}");
    assert!(reason.contains("数据已损坏或不完整"), "{reason}");
    assert!(!reason.contains("corrupt"), "{reason}");
    let visible = browser.run("return document.body.innerText;");
    let visible = visible.as_str().unwrap();
    for id in ["page-drop", "page-download-all", "page-check-only"] {
        assert!(
            visible.contains(zh["words"][id].as_str().unwrap()),
            "{id} missing"
        );
    }
    assert!(visible.contains("不通过"));
    assert!(visible.contains("共 3 个文件"), "{visible}");
    if let Some(target) = std::env::var_os("SCANFIT_SCREENSHOT") {
        fs::write(target, browser.screenshot()).unwrap();
    }
    // Check only: the same cards again, now with check's verdicts.
    browser.call(
        "POST",
        &format!("/element/{}/click", browser.element("#check-only")),
        Some(json!({})),
    );
    browser.wait_for(
        "the checked cards",
        "const cards = [...document.querySelectorAll('.card')];
         return cards.length === 3 && cards.every(c => c.dataset.state === 'done' && c.dataset.kind === 'check');",
    );
    for card in browser.run(READ_CARDS).as_array().unwrap() {
        let path = card["path"].as_str().unwrap();
        let file = folder.join(path.rsplit('/').next().unwrap());
        let check = server::post(
            &server.url(&format!("/api/v1/check?name={}", encode(path))),
            &[],
            &fs::read(file).unwrap(),
        )
        .json();
        assert_eq!(card["verdict"], check["verdict"], "{card}");
    }
}

/// A photo-like card (light, with a blue band) wholly inside the frame of a red desk,
/// corners at (x0, y0)–(x1, y1), with a camera's grain.
fn card_photo(path: &Path, (x0, y0, x1, y1): (u32, u32, u32, u32)) {
    let mut state = 0x9e37_79b9_u32;
    image::RgbImage::from_fn(1200, 900, |x, y| {
        let inside = (x0..x1).contains(&x) && (y0..y1).contains(&y);
        let c: [f32; 3] = match (inside, x < x0 + (x1 - x0) / 3) {
            (true, true) => [60.0, 110.0, 190.0],
            (true, false) => [210.0, 225.0, 240.0],
            _ => [170.0, 40.0 + y as f32 * 0.02, 40.0],
        };
        image::Rgb(c.map(|v| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (v + (state >> 28) as f32 - 7.5).clamp(0.0, 255.0) as u8
        }))
    })
    .save(path)
    .unwrap();
}

/// A desktop browser in Chinese on the server's page, "check only" chosen and `folder`'s
/// pictures picked.
fn check_only(tools: &(PathBuf, PathBuf), server: &Server, dir: &Path, folder: &Path) -> Browser {
    let browser = Browser::start(tools, Device::Desktop, "zh-CN", dir);
    browser.goto(&server.url("/"));
    browser.call(
        "POST",
        &format!("/element/{}/click", browser.element("#check-only")),
        Some(json!({})),
    );
    pick_folder(&browser, folder);
    browser
}

#[test]
fn a_checked_card_shows_the_document_outline_on_its_thumbnail() {
    let Some((chrome, chromedriver)) = browser::find() else {
        return;
    };
    let server = Server::start(&["--jobs", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("客户A");
    fs::create_dir_all(&folder).unwrap();
    let corners = (250, 180, 950, 700);
    card_photo(&folder.join("身份证 照片.jpg"), corners);
    let browser = check_only(&(chrome, chromedriver), &server, dir.path(), &folder);
    browser.wait_for(
        "the outline drawn on the checked card",
        "const card = document.querySelector('.card');
         return !!card && card.dataset.state === 'done' && !!card.querySelector('svg.outline polygon');",
    );
    let drawn = browser.run(
        "const svg = document.querySelector('.card svg.outline');
         const box = svg.getBoundingClientRect();
         return { viewBox: svg.getAttribute('viewBox'), points: svg.querySelector('polygon').getAttribute('points'),
                  cls: svg.querySelector('polygon').getAttribute('class'), width: box.width, height: box.height };",
    );
    let view: Vec<f64> = drawn["viewBox"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(view, [0.0, 0.0, 1200.0, 900.0], "{drawn}");
    assert!(drawn["width"].as_f64().unwrap() > 50.0, "{drawn}");
    let points: Vec<[f64; 2]> = drawn["points"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            [x.parse().unwrap(), y.parse().unwrap()]
        })
        .collect();
    let (x0, y0, x1, y1) = corners;
    let want = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map(|c| c.map(f64::from));
    assert_eq!(points.len(), 4, "{drawn}");
    for (got, want) in points.iter().zip(want) {
        assert!(
            (got[0] - want[0]).abs() < 20.0 && (got[1] - want[1]).abs() < 20.0,
            "{drawn}"
        );
    }
    // Wholly inside the frame: drawn as a found outline, not as a cut one.
    assert_eq!(drawn["cls"], "quad", "{drawn}");
    if let Some(target) = std::env::var_os("SCANFIT_QUAD_SCREENSHOT") {
        fs::write(target, browser.screenshot()).unwrap();
    }
}

#[test]
fn a_checked_card_shows_the_dates_read_off_the_picture() {
    let Some((chrome, chromedriver)) = browser::find() else {
        return;
    };
    let Some((_, font, index)) = render::load_fonts().into_iter().next() else {
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_CJK_FONT").is_none(),
            "SCANFIT_REQUIRE_CJK_FONT is set but no CJK font is installed"
        );
        return;
    };
    let font = ab_glyph::FontRef::try_from_slice_and_index(&font, index).unwrap();
    let server = Server::start(&["--jobs", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("客户A");
    fs::create_dir_all(&folder).unwrap();
    let card = folder.join("身份证反面.jpg");
    render::id_card_back(&font, "2016.03.01-2036.03.01")
        .save(&card)
        .unwrap();
    let browser = check_only(&(chrome, chromedriver), &server, dir.path(), &folder);
    browser.wait_for(
        "the checked card",
        "const card = document.querySelector('.card');
         return !!card && card.dataset.state === 'done';",
    );
    let shown = browser.run("return document.querySelector('.card').innerText;");
    let shown = shown.as_str().unwrap();
    // The API's record of the same upload gives the date and how sure its reading is;
    // the card says both in the catalogue's Chinese words.
    let api = server::post(
        &server.url(&format!(
            "/api/v1/check?lang=zh&name={}",
            encode("客户A/身份证反面.jpg")
        )),
        &[],
        &fs::read(&card).unwrap(),
    )
    .json();
    assert_eq!(api["valid_until_source"], "picture", "{api}");
    let zh = server::get(&server.url("/api/v1/words?lang=zh")).json();
    let word = |id: &str| zh["words"][id].as_str().unwrap().to_owned();
    let want = word("page-valid-until").replace("{ $date }", "2036-03-01")
        + &word("page-read-from-picture")
            .replace("{ $percent }", &api["valid_until_confidence"].to_string());
    assert!(
        want.starts_with("有效期至 2036-03-01（从图片读取，"),
        "{want}"
    );
    assert!(shown.contains(&want), "{want} not in {shown}");
}
