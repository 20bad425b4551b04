//! A headless Chromium driven through chromedriver with the W3C WebDriver protocol, as
//! a desktop or as a phone (chromedriver's mobile emulation: a phone's viewport, touch
//! events, a phone's user agent). Shared by the page's browser tests, desktop and phone.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server;

const W3C_ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Chromium and chromedriver, from `CHROME`/`CHROMEDRIVER` or the usual names on PATH;
/// `None` (with a notice) when missing, a failure under `SCANFIT_REQUIRE_BROWSER=1`.
pub fn find() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(var) {
            return Some(PathBuf::from(p)).filter(|p| p.is_file());
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|p| p.is_file())
    };
    let chrome = find("CHROME", &["chromium", "chromium-browser", "google-chrome"]);
    let driver = find("CHROMEDRIVER", &["chromedriver"]);
    match (chrome, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var("SCANFIT_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "SCANFIT_REQUIRE_BROWSER=1 but chromium or chromedriver is missing \
                 (Debian: apt-get install chromium chromium-driver)"
            );
            let _ = writeln!(
                std::io::stderr(),
                "skipping the browser test: chromium and chromedriver are not installed \
                 (Debian: apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// What the browser pretends to be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// A desktop window of 1280×1150.
    Desktop,
    /// A phone of 390×844 CSS pixels (an iPhone 12–14's), 3 device pixels each, with
    /// touch and an Android Chrome user agent.
    Phone,
}

/// The phone's viewport, in CSS pixels.
pub const PHONE: (u32, u32) = (390, 844);

/// A chromedriver process and one browser session, both ended when dropped.
pub struct Browser {
    driver: Child,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A headless browser as `device`, preferring language `lang`, downloading to
    /// `downloads`.
    pub fn start(
        (chrome, chromedriver): &(PathBuf, PathBuf),
        device: Device,
        lang: &str,
        downloads: &Path,
    ) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            driver,
            session: format!("http://127.0.0.1:{port}"),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while server::agent()
            .get(format!("{}/status", browser.session))
            .call()
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver never answered");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The flags headless Chromium needs on this kind of machine: no sandbox as
        // root, no GPU, and none of the background connections a closed network refuses.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,1150".into(),
            format!("--lang={lang}"),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let mut options = json!({
            "binary": chrome,
            "args": args,
            "prefs": {
                "intl.accept_languages": lang,
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        });
        if device == Device::Phone {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": PHONE.0, "height": PHONE.1, "pixelRatio": 3.0, "touch": true,
                    "mobile": true,
                },
                "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                    (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            });
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let created = browser.call("POST", "/session", Some(capabilities));
        let id = created["sessionId"].as_str().expect("a session").to_owned();
        browser.session = format!("{}/session/{id}", browser.session);
        browser
    }

    /// One WebDriver command on the session; returns its `value`, panicking on a
    /// WebDriver error.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.session);
        let agent = server::agent();
        let mut response = match body {
            Some(body) => agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.to_string().as_bytes())
                .unwrap(),
            None if method == "DELETE" => agent.delete(&url).call().unwrap(),
            None => agent.get(&url).call().unwrap(),
        };
        let status = response.status();
        let text = response
            .body_mut()
            .with_config()
            .limit(50 << 20)
            .read_to_string()
            .unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found[W3C_ELEMENT].as_str().unwrap().to_owned()
    }

    /// Clicks the element `css` as a person would (a tap under touch emulation).
    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Gives the file input `css` these files, as a person choosing them would.
    pub fn choose_files(&self, css: &str, files: &[PathBuf]) {
        let id = self.element(css);
        let text = files
            .iter()
            .map(|f| f.canonicalize().unwrap().display().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `script` returns true.
    pub fn wait_for(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.run(script) != json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The visible page as PNG.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.call("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(shot.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = server::agent().delete(&self.session).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
