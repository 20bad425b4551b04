//! The DCT-domain shortcuts of issue 18 against today's path, in one run:
//!
//! - `rotate`: a real phone photo in the band but stored sideways (corpus/客户B/手持身份证
//!   照片.jpg, 2000×3200, EXIF orientation 6, 1.66 MB) turned in the DCT domain, alone
//!   and as convert runs it (decode for the inspections, then the turn), against
//!   convert's re-encode of the same photo stated 10 pixels smaller in each direction
//!   (so its luma blocks cannot move: the re-encode, on 0.8 % fewer pixels).
//! - `rotate_requantised`: the common phone photo, 4000×3000 4:2:0 stored sideways
//!   (`photo_12mp_orient6_01.jpg` of `scripts/make-corpus`; another with
//!   `SCANFIT_BENCH_SIDEWAYS=path`): its 1500 chroma rows are not whole blocks, so luma
//!   moves and chroma is requantised; against its re-encode, forced by stating it 2
//!   rows and columns smaller (luma then cannot move either).
//! - `scaled_decode`: libjpeg (mozjpeg) decoding the same photo at 1/1, 1/2, 1/4 and
//!   1/8 of its size in the DCT domain. This is the evidence that kept scaled decoding
//!   out of the pipeline: on real, finely quantised photos the entropy decoding that
//!   every scale must do dominates, so 1/2 saves only 5–20 % of a decode, while the
//!   band search knows the output size only after it has measured the full picture.
//!
//! More real JPEGs for the scaled decode: `SCANFIT_BENCH_JPEGS=a.jpg:b.jpg`.
//! Run with `cargo bench --bench dct`; compare within one run (shared machines).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use scanfit::pipeline::{convert_bytes, Converted};
use scanfit::Options;

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

/// `bytes` with its frame header stating a size `by` pixels smaller each way: the same
/// coded MCUs, edges that no longer fill them.
fn cut(bytes: &[u8], by: u16) -> Vec<u8> {
    let sof = scanfit::jpeg::segments(bytes)
        .find(|s| matches!(s.marker, 0xC0..=0xC2))
        .unwrap()
        .start;
    let mut out = bytes.to_vec();
    for at in [sof + 5, sof + 7] {
        let v = u16::from_be_bytes([out[at], out[at + 1]]) - by;
        out[at..at + 2].copy_from_slice(&v.to_be_bytes());
    }
    out
}

fn convert(bytes: &[u8], opts: &Options) -> Converted {
    let outcome = convert_bytes(bytes, None, opts).unwrap().unwrap();
    outcome.pictures.into_iter().next().unwrap().result.unwrap()
}

/// Converts `photo` (turned) and `cut` (re-encoded) once to say what each makes, then
/// opens the group `name`, where [`converts`] times both.
fn against_reencode<'a>(
    c: &'a mut Criterion,
    name: &str,
    photo: &[u8],
    cut: &[u8],
) -> BenchmarkGroup<'a, WallTime> {
    let opts = Options::default();
    let (turned, reencoded) = (convert(photo, &opts), convert(cut, &opts));
    eprintln!(
        "{name}: {} bytes in; rotated {} bytes ({:?}), re-encoded {} bytes ({:?}, q{:?})",
        photo.len(),
        turned.bytes.len(),
        turned.method,
        reencoded.bytes.len(),
        reencoded.method,
        reencoded.quality
    );
    c.benchmark_group(name)
}

/// Times convert on the turned photo and on its re-encoded cut, and closes the group.
fn converts(mut g: BenchmarkGroup<'_, WallTime>, photo: &[u8], cut: &[u8]) {
    let opts = Options::default();
    g.bench_function("convert_rotated", |b| {
        b.iter(|| convert(black_box(photo), &opts))
    });
    g.bench_function("convert_reencoded", |b| {
        b.iter(|| convert(black_box(cut), &opts))
    });
    g.finish();
}

fn rotate(c: &mut Criterion) {
    let photo = std::fs::read(corpus_photo()).unwrap();
    let cut = cut(&photo, 10);
    let mut g = against_reencode(c, "rotate", &photo, &cut);
    g.bench_function("dct_turn_only", |b| {
        b.iter(|| scanfit::rotate::upright(black_box(&photo), 6).unwrap())
    });
    converts(g, &photo, &cut);
}

/// The sideways 12 MP photo of the benchmark corpus, made if missing.
fn sideways_photo() -> Vec<u8> {
    if let Ok(path) = std::env::var("SCANFIT_BENCH_SIDEWAYS") {
        return std::fs::read(path).unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("target/bench-corpus");
    if !corpus.is_dir() {
        let made = std::process::Command::new(root.join("scripts/make-corpus"))
            .arg(&corpus)
            .status()
            .unwrap();
        assert!(made.success(), "scripts/make-corpus failed");
    }
    std::fs::read(corpus.join("photo_12mp_orient6_01.jpg")).unwrap()
}

fn rotate_requantised(c: &mut Criterion) {
    let photo = sideways_photo();
    let cut = cut(&photo, 2);
    let mut g = against_reencode(c, "rotate_requantised", &photo, &cut);
    g.bench_function("dct_turn_only", |b| {
        b.iter(|| scanfit::rotate::upright(black_box(&photo), 6).unwrap())
    });
    // The same photo turned as orientation 8 (mirrors its 4000 columns, whole MCUs):
    // every block moves, so the difference is the requantisation's cost.
    g.bench_function("dct_turn_exact_as_orientation_8", |b| {
        b.iter(|| scanfit::rotate::upright(black_box(&photo), 8).unwrap())
    });
    // The same turn as the only item of a two-worker runner: the idle worker takes
    // bands of the chroma planes.
    let runner = scanfit::run::Runner::new(2);
    let turn_alone = |photo: &Vec<u8>| scanfit::rotate::upright(photo, 6).unwrap();
    g.bench_function("dct_turn_only_2_workers", |b| {
        b.iter(|| {
            runner.map(std::slice::from_ref(&photo), turn_alone, |_, done| {
                done.result
            })
        })
    });
    converts(g, &photo, &cut);
}

/// Decodes `bytes` to RGB at `eighths`/8 of its size (8 = full size).
fn decode_at(bytes: &[u8], eighths: u8) -> Vec<u8> {
    let mut d = mozjpeg::Decompress::new_mem(bytes).unwrap();
    d.scale(eighths);
    let mut started = d.rgb().unwrap();
    let pixels = started.read_scanlines::<u8>().unwrap();
    started.finish().unwrap();
    pixels
}

fn scaled_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaled_decode");
    for (name, bytes) in photos() {
        for (label, eighths) in [("full", 8u8), ("1_2", 4), ("1_4", 2), ("1_8", 1)] {
            let id = BenchmarkId::new(label, &name);
            g.bench_with_input(id, &bytes, |b, bytes| {
                b.iter(|| decode_at(black_box(bytes), eighths))
            });
        }
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
    targets = rotate, rotate_requantised, scaled_decode
}
criterion_main!(benches);
