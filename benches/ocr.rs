//! The OCR engine's cost against `check` on the same picture, in one run: an
//! ID-card-sized picture (1000×630) and an A4 page at 150 and 300 dpi, each rendered
//! here as a scan of printed text (tests/fixtures/real/scan_text_gray.png's real lines,
//! tiled over the area), and, drawn in Debian's CJK fonts (tests/support/render.rs), an
//! ID card's back (1284×810) and a sparse A4 letter; each read by `Reader::read` and
//! checked by `check_bytes` (which does not read). `read` / `check` is what turning
//! reading on adds to `check`.
//!
//! Run with `cargo bench --bench ocr`; compare within one run (shared machines).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use image::{ImageFormat, RgbImage};
use scanfit::ocr::Reader;

#[path = "../tests/support/render.rs"]
mod render;

/// A white page of `w` × `h` with the real scan's text block tiled over it, 5 % margins.
fn page(w: u32, h: u32) -> RgbImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/scan_text_gray.png");
    let text = image::open(path).unwrap().to_rgb8();
    render::tiled(&text, w, h)
}

/// The Chinese pictures, when a CJK font is installed: an ID card's back and an
/// authorization letter on an A4 page at 150 dpi (9 lines).
fn rendered() -> Vec<(&'static str, RgbImage)> {
    let Some((_, bytes, index)) = render::load_fonts().into_iter().next() else {
        eprintln!("no CJK font (fonts-noto-cjk): the rendered Chinese pictures are left out");
        return Vec::new();
    };
    let font = ab_glyph::FontRef::try_from_slice_and_index(&bytes, index).unwrap();
    let card = render::id_card_back(&font, "2016.03.01-2036.03.01");
    let letter = render::page(
        &font,
        1240,
        1754,
        &[
            ("授权书", 64.0, 520.0, 140.0),
            ("北京星河科技有限公司：", 30.0, 120.0, 300.0),
            (
                "兹授权我公司员工张伟（身份证号：110108199003071234）",
                30.0,
                180.0,
                370.0,
            ),
            (
                "为我公司网站备案负责人，全权办理网站备案相关事宜，",
                30.0,
                120.0,
                430.0,
            ),
            (
                "包括提交备案信息、核验身份、接收通知和领取备案号。",
                30.0,
                120.0,
                490.0,
            ),
            ("特此授权。", 30.0, 180.0, 550.0),
            ("北京星河科技有限公司（盖章）", 30.0, 640.0, 1300.0),
            ("2026年7月1日", 30.0, 760.0, 1370.0),
        ],
    );
    vec![
        ("id_back_1284x810_zh", card),
        ("a4_150dpi_letter_zh", letter),
    ]
}

fn bench(c: &mut Criterion) {
    let reader = Reader::new().unwrap();
    let opts = scanfit::Options::default();
    let mut group = c.benchmark_group("ocr");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let tiled = [
        ("card_1000x630", 1000, 630),
        ("a4_150dpi", 1240, 1754),
        ("a4_300dpi", 2480, 3508),
    ]
    .map(|(name, w, h)| (name, page(w, h)));
    for (name, img) in tiled.into_iter().chain(rendered()) {
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
