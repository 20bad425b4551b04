//! The cost floor for a benchmark run: for every output in a scanfit report, one decode
//! of its input plus exactly one encode at the output's final settings and size — what
//! any tool that must re-encode has to spend. `scripts/bench-batch` runs it right after
//! scanfit on the same files and compares the two.
//!
//! Usage: `cargo run --release --example floor -- REPORT.jsonl [JOBS]`
//! Prints one line: `floor_ms_sum=… wall_ms=… files=…`.
//!
//! Timed per file: read + sniff + decode + normalise, and the one encode. Not timed:
//! the resize a downscaled or enlarged output needs (scanfit pays for it; the floor is
//! defined at the final size). Outputs scanfit passed through without re-encoding are
//! given the floor of a re-encode at quality 85, the practical floor for tools that
//! must re-encode.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use scanfit::decode::{decode_all, DecodeLimits};
use scanfit::encode::{encode_png, Encoder, MozJpeg};
use scanfit::normalize::normalize;
use scanfit::resize::resize;
use scanfit::sniff::sniff;
use scanfit::Effort;

fn main() {
    // The allocator settings scanfit's batch commands run with, so the floor pays for
    // memory what scanfit pays.
    scanfit::run::keep_freed_memory();
    let mut args = std::env::args().skip(1);
    let Some(report) = args.next() else {
        eprintln!("usage: floor REPORT.jsonl [JOBS] [EFFORT: fast|balanced|max]");
        std::process::exit(2);
    };
    let jobs: usize = args.next().and_then(|j| j.parse().ok()).unwrap_or(2);
    let effort = match args.next().as_deref() {
        Some("fast") => Effort::Fast,
        Some("max") => Effort::Max,
        _ => Effort::Balanced,
    };
    let text = std::fs::read_to_string(&report).expect("readable report");
    let records: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|r: &serde_json::Value| r["bytes_out"].is_u64())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("pool");
    let started = Instant::now();
    let times: Vec<Duration> = pool.install(|| {
        records
            .par_iter()
            .with_max_len(1)
            .map(|r| floor_one(r, effort))
            .collect()
    });
    let wall = started.elapsed();
    let sum: Duration = times.iter().sum();
    println!(
        "floor_ms_sum={} wall_ms={} files={}",
        sum.as_millis(),
        wall.as_millis(),
        times.len()
    );
}

fn floor_one(r: &serde_json::Value, effort: Effort) -> Duration {
    let input = r["input"].as_str().expect("input path");
    let page = r["page"].as_u64().map_or(0, |p| p as usize - 1);
    let started = Instant::now();
    let bytes = std::fs::read(input).expect("readable input");
    let format = sniff(&bytes).expect("a picture");
    let limits = DecodeLimits {
        max_pixels: 120_000_000,
    };
    let picture = decode_all(&bytes, format, limits)
        .expect("decodes")
        .nth(page)
        .expect("page exists");
    let pixels = normalize(picture.decoded.expect("page decodes"), &mut Vec::new());
    let decode_time = started.elapsed();

    let (w, h) = (
        r["width_out"].as_u64().unwrap() as u32,
        r["height_out"].as_u64().unwrap() as u32,
    );
    let pixels = if (w, h) == (pixels.width(), pixels.height()) {
        pixels
    } else {
        resize(&pixels, w, h)
    };
    let started = Instant::now();
    if r["method"] == "png" {
        encode_png(&pixels).expect("encodes");
    } else {
        let quality = r["quality"].as_u64().map_or(85, |q| q as u8);
        MozJpeg::from(effort)
            .encode(&pixels, quality)
            .expect("encodes");
    }
    decode_time + started.elapsed()
}
