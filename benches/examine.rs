//! What the content checks (`document::examine`) cost, against what `check` costs for the
//! same file, in one run:
//!
//! - `photo_12mp`: a real phone photo (corpus/客户B/手持身份证 照片.jpg, 2000×3200)
//!   enlarged to 3000×4000 and stored as a JPEG, as a phone stores it.
//! - `scan_a4`: a real scan (corpus/客户A/营业执照 扫描.png, 1669×2502) enlarged to
//!   A4 at 300 dpi (2480×3508) and stored as a PNG.
//!
//! For each: `check_bytes` and `convert_bytes` with the content checks and without them
//! (the rules' `[picture] content = false`, the same build), `examine` alone, and its
//! parts (the preview, the outline search, the screen and render measures). The ratio
//! check_bytes / check_bytes_no_content is what the content checks add to check, and
//! convert_bytes / convert_bytes_no_content what they add to convert.
//! Run with `cargo bench --bench examine`; compare within one run (shared machines).

use std::hint::black_box;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};
use scanfit::document::{self, preview::Preview, quad, render, screen};
use scanfit::Options;

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(rel)
}

/// The corpus picture `rel` enlarged to `w` × `h` and stored as `format`.
fn input(rel: &str, w: u32, h: u32, format: ImageFormat) -> (DynamicImage, Vec<u8>) {
    let img = image::open(corpus(rel)).unwrap();
    let img = DynamicImage::ImageRgb8(img.resize_exact(w, h, FilterType::Triangle).to_rgb8());
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    (img, out.into_inner())
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn examine(c: &mut Criterion) {
    let opts = Options::default();
    let mut bare = Options::default();
    bare.limits.content = false;
    for (name, rel, (w, h), format, file) in [
        (
            "photo_12mp",
            "客户B/手持身份证 照片.jpg",
            (3000, 4000),
            ImageFormat::Jpeg,
            "photo.jpg",
        ),
        (
            "scan_a4",
            "客户A/营业执照 扫描.png",
            (2480, 3508),
            ImageFormat::Png,
            "scan.png",
        ),
    ] {
        let (img, bytes) = input(rel, w, h, format);
        let mut g = c.benchmark_group(name);
        g.bench_function("check_bytes", |b| {
            b.iter(|| scanfit::check::check_bytes(Path::new(file), black_box(&bytes), &opts))
        });
        g.bench_function("check_bytes_no_content", |b| {
            b.iter(|| scanfit::check::check_bytes(Path::new(file), black_box(&bytes), &bare))
        });
        g.bench_function("convert_bytes", |b| {
            b.iter(|| scanfit::pipeline::convert_bytes(black_box(&bytes), None, &opts))
        });
        g.bench_function("convert_bytes_no_content", |b| {
            b.iter(|| scanfit::pipeline::convert_bytes(black_box(&bytes), None, &bare))
        });
        g.bench_function("examine", |b| b.iter(|| document::examine(black_box(&img))));
        g.bench_function("preview", |b| b.iter(|| Preview::of(black_box(&img))));
        let preview = Preview::of(&img);
        g.bench_function("quad", |b| b.iter(|| quad::find(black_box(&preview))));
        g.bench_function("screen", |b| b.iter(|| screen::peak(black_box(&img))));
        g.bench_function("render", |b| b.iter(|| render::measure(black_box(&img))));
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = examine
}
criterion_main!(benches);
