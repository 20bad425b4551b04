//! The OCR engine's cost against `check` on the same picture, in one run: an
//! ID-card-sized picture (1000×630) and an A4 page at 150 and 300 dpi, each rendered
//! here as a scan of printed text (tests/fixtures/real/scan_text_gray.png's real lines,
//! tiled over the area), read by `Reader::read` and checked by `check_bytes` (which does
//! not read). The ratio of the two is what turning reading on adds to `check`.
//!
//! Run with `cargo bench --bench ocr`; compare within one run (shared machines).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use image::{ImageFormat, RgbImage};
use scanfit::ocr::Reader;

/// A white page of `w` × `h` with the real scan's text block tiled over it, 5 % margins.
fn page(w: u32, h: u32) -> RgbImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/scan_text_gray.png");
    let text = image::open(path).unwrap().to_rgb8();
    let mut out = RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    let (mx, my) = (w / 20, h / 20);
    let mut y = my;
    while y + 1 < h - my {
        let mut x = mx;
        while x + 1 < w - mx {
            let tw = text.width().min(w - mx - x);
            let th = text.height().min(h - my - y);
            let tile = image::imageops::crop_imm(&text, 0, 0, tw, th).to_image();
            image::imageops::replace(&mut out, &tile, i64::from(x), i64::from(y));
            x += text.width();
        }
        y += text.height();
    }
    out
}

fn bench(c: &mut Criterion) {
    let reader = Reader::new().unwrap();
    let opts = scanfit::Options::default();
    let mut group = c.benchmark_group("ocr");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, w, h) in [
        ("card_1000x630", 1000, 630),
        ("a4_150dpi", 1240, 1754),
        ("a4_300dpi", 2480, 3508),
    ] {
        let img = page(w, h);
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        group.bench_with_input(BenchmarkId::new("read", name), &img, |b, img| {
            b.iter(|| black_box(reader.read(img).unwrap()))
        });
        group.bench_with_input(BenchmarkId::new("check", name), &png, |b, png| {
            b.iter(|| black_box(scanfit::check::check_bytes("page.png".as_ref(), png, &opts)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
