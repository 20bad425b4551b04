//! Shared by the `serve` tests: a real `scanfit serve` process on an ephemeral loopback
//! port, a real HTTP client for it, and raw requests for what a polite client never
//! sends (a foreign Host header, a body that stops halfway, broken multipart).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{jpeg_markers, MAX, MIN};

/// A running `scanfit serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// Its standard output after the address line (`--log-format json` logs there).
    out: BufReader<ChildStdout>,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `scanfit serve --port 0 ARGS` and waits for the address it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scanfit"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("scanfit serve starts");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Server {
            child,
            out,
            base: url,
            addr,
        }
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The next line the server prints on standard output.
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line
    }

    /// Sends the process `signal` (SIGTERM, SIGINT).
    #[cfg(unix)]
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) on our own child's pid, which it keeps until waited for.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits for the process to end, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit in {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that hands back 4xx and 5xx answers instead of turning them into errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// An answer, read whole.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: not JSON ({} {})",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts an error answer: its status, JSON content type and code, and a message.
    pub fn assert_error(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{:?}",
            self.headers
        );
        let json = self.json();
        assert_eq!(json["code"], code, "{json}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        json
    }
}

fn read_answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(200 << 20)
        .read_to_vec()
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

/// GET `url`.
pub fn get(url: &str) -> Answer {
    read_answer(agent().get(url).call().unwrap())
}

/// POST `body` to `url` with `headers`.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = agent().post(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    read_answer(request.send(body).unwrap())
}

/// A multipart/form-data body with one file part per `(file name, bytes)`.
pub fn multipart(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "scanfit-test-boundary-7f3c1e";
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Sends `request` as raw bytes and reads one answer: up to the end of its
/// `Content-Length` body, or until the server closes. (A server still draining a
/// refused body keeps the connection open after answering.)
pub fn raw(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request).unwrap();
    read_raw(&mut stream)
}

/// Reads one answer from `stream`, as [`raw`] does.
pub fn read_raw(stream: &mut TcpStream) -> Answer {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(head_end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let answer = parse_raw(&bytes);
            let length = answer
                .header("content-length")
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|n| bytes.len() >= head_end + 4 + n) {
                return answer;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return parse_raw(&bytes),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Asserts `bytes` are a clean in-band JPEG (magic, band, no metadata segment) and
/// returns it decoded.
pub fn clean_jpeg(bytes: &[u8]) -> image::DynamicImage {
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "not a JPEG");
    assert!(
        (MIN..=MAX).contains(&(bytes.len() as u64)),
        "{} bytes",
        bytes.len()
    );
    for (marker, payload) in jpeg_markers(bytes) {
        let allowed = matches!(marker, 0xC0..=0xCF | 0xDB | 0xDD)
            || (marker == 0xE0 && payload.starts_with(b"JFIF\0"));
        assert!(allowed, "metadata segment 0xFF{marker:02X} left");
    }
    image::load_from_memory(bytes).expect("the output decodes")
}

/// Asserts `answer` is the picture made of the test photo (stored sideways with EXIF
/// orientation 6): 200, a clean in-band JPEG, upright, so landscape. Returns it decoded.
pub fn upright_photo(answer: &Answer) -> image::DynamicImage {
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.header("content-type"), Some("image/jpeg"));
    let picture = clean_jpeg(&answer.body);
    assert!(picture.width() > picture.height());
    picture
}

/// An HTTP/1.1 answer from its bytes (length-delimited bodies, as this server sends).
pub fn parse_raw(bytes: &[u8]) -> Answer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}
