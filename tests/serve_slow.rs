//! `scanfit serve` against slow clients, on loopback: connections that send their head
//! a little at a time, uploads that send a byte now and then. They must not keep real
//! uploads from another client out, must not grow the server's memory, and must be cut
//! off: a head by the header timeout, an upload by the least rate (408 from the
//! catalogue). Every loop here is bounded and the test ends by itself.
#![cfg(all(feature = "cli", feature = "serve", target_os = "linux"))]

mod common;
mod server;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use server::{get, parse_raw, post, read_raw, upright_photo, Server};

const PHOTO: &str = "tests/fixtures/real/photo_orient6_gps.jpg";
/// Slow-header connections and slow-body uploads held open at once.
const SLOW_HEADERS: usize = 200;
const SLOW_BODIES: usize = 20;

/// The server's resident memory, in KiB (`VmRSS` in /proc).
fn rss_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// A connection that has sent part of a request head and nothing more.
fn slow_header(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"POST /api/v1/convert HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    stream
}

/// A convert upload whose head is complete and whose body comes one byte at a time.
fn slow_body(server: &Server, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/convert?lang=zh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    stream.write_all(&[0xFF]).unwrap();
    stream
}

/// Whether the server closes `stream` (end of stream, or reset) within `limit`, after
/// whatever it answers first.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut chunk = [0u8; 512];
    for _ in 0..64 {
        match stream.read(&mut chunk) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            }
        }
    }
    false
}

#[test]
fn slow_clients_do_not_keep_real_uploads_out_and_are_cut_off() {
    let server = Server::start(&["--jobs", "2"]);
    let photo = fs::read(PHOTO).unwrap();
    // A real upload first, so the memory measured includes a conversion's buffers.
    upright_photo(&post(&server.url("/api/v1/convert"), &[], &photo));
    let rss_before = rss_kib(server.pid());

    let opened = Instant::now();
    let mut heads: Vec<TcpStream> = (0..SLOW_HEADERS).map(|_| slow_header(&server)).collect();
    let bodies: Vec<TcpStream> = (0..SLOW_BODIES)
        .map(|_| slow_body(&server, photo.len()))
        .collect();
    // One byte every second to each slow upload, for at most 40 s, until the server
    // answers (the wait for an answer is the second between bytes).
    let tricklers: Vec<_> = bodies
        .into_iter()
        .map(|mut stream| {
            thread::spawn(move || {
                let started = Instant::now();
                stream
                    .set_read_timeout(Some(Duration::from_secs(1)))
                    .unwrap();
                let mut peek = [0u8; 1];
                while started.elapsed() < Duration::from_secs(40)
                    && stream.write_all(&[0xD8]).is_ok()
                {
                    if stream.peek(&mut peek).is_ok() {
                        break;
                    }
                }
                let cut_after = started.elapsed();
                (read_raw(&mut stream), cut_after)
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&server.url("/api/v1/info")).json()["receiving"] != SLOW_BODIES as u64 {
        assert!(Instant::now() < deadline, "the slow uploads never arrived");
        thread::sleep(Duration::from_millis(20));
    }

    // Real uploads from another client, one after another, while all of that is open.
    let mut took = Vec::new();
    for _ in 0..4 {
        let started = Instant::now();
        upright_photo(&post(&server.url("/api/v1/convert"), &[], &photo));
        took.push(started.elapsed());
    }
    let rss_during = rss_kib(server.pid());
    eprintln!(
        "slow clients: {SLOW_HEADERS} slow heads + {SLOW_BODIES} slow uploads open; real uploads took {took:?}; RSS {rss_before} KiB before, {rss_during} KiB during"
    );
    for t in &took {
        assert!(*t < Duration::from_secs(5), "a real upload took {t:?}");
    }
    // Two hundred connections cost tasks and buffers, not uploads' worth of memory.
    assert!(
        rss_during < rss_before + 64 * 1024,
        "{rss_before} KiB -> {rss_during} KiB"
    );

    // The slow uploads are cut off once a rate window has brought too few bytes: 408
    // with the catalogue's Chinese sentence.
    let mut cut = Vec::new();
    for trickler in tricklers {
        let (answer, cut_after) = trickler.join().unwrap();
        assert_eq!(
            answer.status,
            408,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        let json = answer.json();
        assert_eq!(json["code"], "upload_too_slow");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("上传速度太慢"), "{message}");
        cut.push(cut_after);
    }
    cut.sort();
    eprintln!(
        "slow clients: slow uploads cut off (408) after {:?} to {:?}",
        cut[0],
        cut[cut.len() - 1]
    );
    // One rate window (10 s) and a little: a trickle cannot hold a place for long.
    assert!(cut[cut.len() - 1] < Duration::from_secs(25), "{cut:?}");
    // The slow heads are closed by the header timeout (10 s from their start).
    let mut closed = 0;
    for head in &mut heads {
        let left = Duration::from_secs(25).saturating_sub(opened.elapsed());
        if closed_by_server(head, left.max(Duration::from_millis(100))) {
            closed += 1;
        }
    }
    eprintln!(
        "slow clients: {closed} of {SLOW_HEADERS} slow heads closed by the server within {:?}",
        opened.elapsed()
    );
    assert_eq!(closed, SLOW_HEADERS);
    assert_eq!(get(&server.url("/api/v1/info")).json()["receiving"], 0);
}

#[test]
fn connections_past_the_limit_wait_until_one_closes() {
    let server = Server::start(&["--max-connections", "4"]);
    let held: Vec<TcpStream> = (0..4).map(|_| slow_header(&server)).collect();
    thread::sleep(Duration::from_millis(300));
    let mut fifth = TcpStream::connect(server.addr).unwrap();
    fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    fifth
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut byte = [0u8; 1];
    let early = fifth.read(&mut byte);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "answered past the limit: {early:?}"
    );
    drop(held);
    let mut rest = Vec::new();
    fifth
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = fifth.read_to_end(&mut rest);
    assert_eq!(parse_raw(&rest).status, 200);
}
