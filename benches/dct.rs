//! The DCT-domain shortcuts of issue 18 against today's path, in one run:
//!
//! - `rotate`: a real phone photo in the band but stored sideways (corpus/客户B/手持身份证
//!   照片.jpg, 2000×3200, EXIF orientation 6, 1.66 MB) turned in the DCT domain, alone
//!   and as convert runs it (decode for the inspections, then the turn), against
//!   convert's re-encode of the same photo stated 8 pixels smaller in each direction
//!   (so its edge MCUs cannot move: today's path, on 0.6 % fewer pixels).
//! - `scaled_decode`: the strict decoder at 1/1, 1/2, 1/4 and 1/8 of the same photo's
//!   size.
//! - `shrink_convert`: a convert that must shrink the photo below half its size (a
//!   band far below the file, a low resolution floor), planned (decoded at 1/2) against
//!   today's path (full decode, the same search), with the legibility of both outputs
//!   printed, each against the full decode resized to its size.
//!
//! More real JPEGs for the last two groups: `SCANFIT_BENCH_JPEGS=a.jpg:b.jpg`.
//! Run with `cargo bench --bench dct`; compare within one run (shared machines).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use scanfit::decode::jpeg::{decode, decode_shrunk};
use scanfit::decode::DecodeLimits;
use scanfit::normalize::Pixels;
use scanfit::pipeline::{convert_bytes, decode_bytes, encode_in_band, prepare, Converted};
use scanfit::sniff::Format;
use scanfit::{Options, Profile};

fn corpus_photo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/客户B/手持身份证 照片.jpg")
}

/// The corpus photo and any JPEGs named in `SCANFIT_BENCH_JPEGS`.
fn photos() -> Vec<(String, Vec<u8>)> {
    let extra = std::env::var("SCANFIT_BENCH_JPEGS").unwrap_or_default();
    std::iter::once(corpus_photo())
        .chain(
            extra
                .split(':')
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
        )
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// `bytes` with its frame header stating a size 8 pixels smaller each way: the same
/// coded MCUs, edges that no longer fill them.
fn cut_by_8(bytes: &[u8]) -> Vec<u8> {
    let sof = scanfit::jpeg::segments(bytes)
        .find(|s| matches!(s.marker, 0xC0..=0xC2))
        .unwrap()
        .start;
    let mut out = bytes.to_vec();
    for at in [sof + 5, sof + 7] {
        let v = u16::from_be_bytes([out[at], out[at + 1]]) - 8;
        out[at..at + 2].copy_from_slice(&v.to_be_bytes());
    }
    out
}

fn convert(bytes: &[u8], opts: &Options) -> Converted {
    let outcome = convert_bytes(bytes, None, opts).unwrap().unwrap();
    outcome.pictures.into_iter().next().unwrap().result.unwrap()
}

fn rotate(c: &mut Criterion) {
    let photo = std::fs::read(corpus_photo()).unwrap();
    let cut = cut_by_8(&photo);
    let opts = Options::default();
    let (turned, reencoded) = (convert(&photo, &opts), convert(&cut, &opts));
    eprintln!(
        "rotate: {} bytes in; rotated {} bytes ({:?}), re-encoded {} bytes ({:?}, q{:?})",
        photo.len(),
        turned.bytes.len(),
        turned.method,
        reencoded.bytes.len(),
        reencoded.method,
        reencoded.quality
    );
    let mut g = c.benchmark_group("rotate");
    g.bench_function("dct_turn_only", |b| {
        b.iter(|| scanfit::rotate::upright(black_box(&photo), 6).unwrap())
    });
    g.bench_function("convert_rotated", |b| {
        b.iter(|| convert(black_box(&photo), &opts))
    });
    g.bench_function("convert_reencoded", |b| {
        b.iter(|| convert(black_box(&cut), &opts))
    });
    g.finish();
}

fn scaled_decode(c: &mut Criterion) {
    let limits = DecodeLimits {
        max_pixels: Options::default().max_pixels,
    };
    let mut g = c.benchmark_group("scaled_decode");
    for (name, bytes) in photos() {
        g.bench_with_input(BenchmarkId::new("full", &name), &bytes, |b, bytes| {
            b.iter(|| decode(black_box(bytes), limits).unwrap())
        });
        for shrink in [2u8, 4, 8] {
            let id = BenchmarkId::new(format!("1_{shrink}"), &name);
            g.bench_with_input(id, &bytes, |b, bytes| {
                b.iter(|| decode_shrunk(black_box(bytes), limits, shrink).unwrap())
            });
        }
    }
    g.finish();
}

/// The full decode, upright and inspected, as convert prepares it.
fn full_pixels(bytes: &[u8], opts: &Options) -> (Pixels, Format) {
    let source = decode_bytes(bytes, None, opts).unwrap().unwrap();
    let decoded = { source.pictures }.next().unwrap().decoded.unwrap();
    (prepare(decoded, &mut Vec::new()).0, source.format)
}

/// Today's path: the full decode, the same inspections and search.
fn convert_full(bytes: &[u8], opts: &Options) -> Converted {
    let (pixels, format) = full_pixels(bytes, opts);
    encode_in_band(&pixels, bytes.len(), format, opts).unwrap()
}

/// Legibility of `out` against the full-size upright source resized to its size.
fn legibility(reference: &Pixels, out: &Converted) -> f64 {
    let sized = scanfit::resize::resize(reference, out.width, out.height);
    let decoded = image::load_from_memory(&out.bytes).unwrap();
    let luma = |p: Pixels| scanfit::inspect::luma(&p.into_dynamic());
    scanfit::inspect::legibility(&luma(sized), &luma(Pixels::from_dynamic(decoded))).unwrap()
}

fn shrink_convert(c: &mut Criterion) {
    // A small portal's band: the output must be well under half the source's size.
    let opts = Options {
        profile: Profile {
            min_bytes: 30_000,
            max_bytes: 150_000,
            min_long_edge: 600,
            ..Profile::default()
        },
        ..Options::default()
    };
    let mut g = c.benchmark_group("shrink_convert");
    for (name, bytes) in photos() {
        let shrink = scanfit::plan::jpeg_shrink(&bytes, &opts.profile);
        let (planned, today) = (convert(&bytes, &opts), convert_full(&bytes, &opts));
        let (reference, _) = full_pixels(&bytes, &opts);
        eprintln!(
            "shrink_convert {name}: plan 1/{shrink}; planned {}x{} q{:?} {} B legibility \
             {:.4}; today {}x{} q{:?} {} B legibility {:.4}",
            planned.width,
            planned.height,
            planned.quality,
            planned.bytes.len(),
            legibility(&reference, &planned),
            today.width,
            today.height,
            today.quality,
            today.bytes.len(),
            legibility(&reference, &today),
        );
        g.bench_with_input(BenchmarkId::new("planned", &name), &bytes, |b, bytes| {
            b.iter(|| convert(black_box(bytes), &opts))
        });
        g.bench_with_input(BenchmarkId::new("today", &name), &bytes, |b, bytes| {
            b.iter(|| convert_full(black_box(bytes), &opts))
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = rotate, scaled_decode, shrink_convert
}
criterion_main!(benches);
