//! Per-stage benchmarks: decode per format, orientation, resize, one encode per effort,
//! the whole band search for each class of file, and a small batch.
//!
//! Inputs are generated (seeded) so the benches run anywhere: an A4 page at 300 dpi
//! (2480×3508, text-like strokes on paper with grain) and a 12 MP photo-like picture.
//! Run with `cargo bench --bench pipeline`; compare stages as ratios within one run,
//! since the machines are shared and noisy.

use std::hint::black_box;
use std::io::Cursor;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use scanfit::encode::{Encoder, MozJpeg};
use scanfit::fit::{fit_jpeg, Limits};
use scanfit::normalize::{orient, Pixels};
use scanfit::{Effort, Profile};

#[path = "../tests/support/rng.rs"]
mod rng;

/// splitmix64: deterministic grain without a rand dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        rng::splitmix64(&mut self.0)
    }
}

/// A page: off-white paper with grain, rows of dark "words", a red ring (seal).
fn page(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut rng = Rng(seed);
    let (cx, cy, r) = (w as i64 * 3 / 4, h as i64 * 4 / 5, w as i64 / 10);
    RgbImage::from_fn(w, h, |x, y| {
        let grain = (rng.next() % 9) as i16 - 4;
        let line = (y / 12) % 5 < 3 && (y / 60) % 9 != 8;
        let word = ((x / 9 + u32::from(y / 60 % 7 == 0)) % 11) < 8 && x > w / 12 && x < w * 11 / 12;
        let stroke = line && word && (x * 7 + y * 3) % 5 < 3;
        let (dx, dy) = (x as i64 - cx, y as i64 - cy);
        let d2 = dx * dx + dy * dy;
        let seal = d2 < r * r && d2 > (r - r / 12) * (r - r / 12);
        let base: [i16; 3] = if seal {
            [200, 40, 40]
        } else if stroke {
            [35, 35, 40]
        } else {
            [246, 244, 236]
        };
        Rgb(base.map(|c| (c + grain).clamp(0, 255) as u8))
    })
}

/// A photo-like picture: smooth light gradients, texture and sensor noise.
fn photo(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut rng = Rng(seed);
    RgbImage::from_fn(w, h, |x, y| {
        let n = (rng.next() % 25) as i32 - 12;
        let t = ((x / 3) ^ (y / 5)) as i32 % 40;
        let gx = (x * 200 / w) as i32;
        let gy = (y * 150 / h) as i32;
        Rgb([gx + t + n + 30, gy + t + n + 40, 180 - gx / 2 + n].map(|c| c.clamp(0, 255) as u8))
    })
}

fn encoded(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn stages(c: &mut Criterion) {
    let a4 = page(2480, 3508, 1);
    let photo12 = photo(4000, 3000, 2);
    let a4_png = encoded(&a4, ImageFormat::Png);
    let a4_tiff = encoded(&a4, ImageFormat::Tiff);
    let photo_jpeg = encoded(&photo12, ImageFormat::Jpeg);

    let mut g = c.benchmark_group("decode");
    for (name, bytes) in [
        ("jpeg_12mp", &photo_jpeg),
        ("png_a4", &a4_png),
        ("tiff_a4", &a4_tiff),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| image::load_from_memory(black_box(bytes)).unwrap())
        });
    }
    g.finish();

    let photo_px = Pixels::Rgb(photo12.clone());
    c.bench_function("orient/rotate90_12mp", |b| {
        b.iter(|| orient(black_box(photo_px.clone()), 6))
    });
    c.bench_function("resize/12mp_to_2000", |b| {
        b.iter(|| scanfit::resize::resize(black_box(&photo_px), 2000, 1500))
    });

    let a4_px = Pixels::Rgb(a4.clone());
    let mut g = c.benchmark_group("encode_q85");
    for effort in [Effort::Fast, Effort::Balanced, Effort::Max] {
        let enc = MozJpeg::from(effort);
        for (name, px) in [("a4", &a4_px), ("photo_12mp", &photo_px)] {
            g.bench_with_input(
                BenchmarkId::new(format!("{effort:?}"), name),
                px,
                |b, px| b.iter(|| enc.encode(px, 85).unwrap()),
            );
        }
    }
    g.finish();
}

fn fit(c: &mut Criterion) {
    let profile = Profile::default();
    let limits = Limits {
        max_pixels: 120_000_000,
        max_edges: None,
        min_edges: None,
    };
    let enc = MozJpeg {
        settings: profile.jpeg_settings(),
    };
    let classes = [
        ("in_band_a4", Pixels::Rgb(page(2480, 3508, 3))),
        ("over_max_photo_12mp", Pixels::Rgb(photo(4000, 3000, 4))),
        ("under_min_small", Pixels::Rgb(page(600, 800, 5))),
    ];
    let mut g = c.benchmark_group("fit");
    for (name, px) in &classes {
        let f = fit_jpeg(px, &profile, &enc, limits).unwrap();
        eprintln!(
            "{name}: {} bytes, q{}, {} encodes + {} probes, scale {:.2}",
            f.bytes.len(),
            f.quality,
            f.encodes,
            f.probes,
            f.scale
        );
        g.bench_function(*name, |b| {
            b.iter(|| fit_jpeg(black_box(px), &profile, &enc, limits).unwrap())
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    for i in 0..4u64 {
        std::fs::write(
            inp.join(format!("page {i}.png")),
            encoded(&page(2480, 3508, 10 + i), ImageFormat::Png),
        )
        .unwrap();
    }
    let opts = scanfit::Options {
        overwrite: true,
        ..scanfit::Options::default()
    };
    let out = dir.path().join("out");
    c.bench_function("batch/4_a4_pages", |b| {
        b.iter(|| {
            scanfit::convert(
                std::slice::from_ref(&inp),
                &out,
                &opts,
                &scanfit::run::NoProgress,
            )
            .unwrap()
        })
    });
}

/// What refusing damaged JPEG data costs on the lossless path (issue 16): a compliant
/// 12 MP JPEG inside the band, decoded leniently by zune-jpeg (what the pass-through
/// used before), strictly by libjpeg-turbo (what it uses now), and the whole pass-through
/// (strict decode, inspection, metadata strip) as convert runs it.
fn strict_jpeg(c: &mut Criterion) {
    let pixels = Pixels::Rgb(photo(4000, 3000, 6));
    let jpeg = MozJpeg::from(Effort::Fast).encode(&pixels, 80).unwrap();
    let opts = scanfit::Options {
        profile: Profile {
            max_bytes: 20_000_000,
            ..Profile::default()
        },
        ..scanfit::Options::default()
    };
    let outcome = scanfit::pipeline::convert_bytes(&jpeg, None, &opts)
        .unwrap()
        .unwrap();
    let method = outcome.pictures[0].result.as_ref().unwrap().method;
    eprintln!("strict_jpeg: {} bytes, method {method:?}", jpeg.len());
    let mut g = c.benchmark_group("jpeg_12mp");
    g.bench_function("lenient_zune", |b| {
        b.iter(|| image::load_from_memory(black_box(&jpeg)).unwrap())
    });
    let limits = scanfit::decode::DecodeLimits {
        max_pixels: opts.max_pixels,
    };
    g.bench_function("strict_libjpeg", |b| {
        b.iter(|| scanfit::decode::jpeg::decode(black_box(&jpeg), limits).unwrap())
    });
    g.bench_function("stripped_pass_through", |b| {
        b.iter(|| scanfit::pipeline::convert_bytes(black_box(&jpeg), None, &opts).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = stages, fit, batch, strict_jpeg
}
criterion_main!(benches);
