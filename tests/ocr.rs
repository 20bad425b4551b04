//! The OCR engine on pictures: Chinese lines rendered here with a system CJK font, and a
//! real scanned page whose text is transcribed below.
#![cfg(feature = "ocr")]

use std::path::Path;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use scanfit::ocr::legible::{legibility, reading_loss};
use scanfit::ocr::Reader;

/// Debian's fonts-noto-cjk; face 2 of the collection is Simplified Chinese.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn reader() -> &'static Reader {
    static READER: OnceLock<Reader> = OnceLock::new();
    READER.get_or_init(|| Reader::new().expect("the embedded models load"))
}

/// The CJK font's bytes, or `None` (with a notice) when it is not installed; CI sets
/// SCANFIT_REQUIRE_CJK_FONT, where a missing font is a failure.
fn cjk_font() -> Option<Vec<u8>> {
    match std::fs::read(CJK_FONT) {
        Ok(bytes) => Some(bytes),
        Err(_) if std::env::var_os("SCANFIT_REQUIRE_CJK_FONT").is_some() => {
            panic!("SCANFIT_REQUIRE_CJK_FONT is set but {CJK_FONT} is missing (apt install fonts-noto-cjk)")
        }
        Err(_) => {
            eprintln!("skipped: no CJK font at {CJK_FONT} (apt install fonts-noto-cjk)");
            None
        }
    }
}

/// Draws `text` in dark grey on `img` with its top left at (x, y); returns the drawn
/// box (left, top, right, bottom).
fn draw(
    img: &mut RgbImage,
    font: &FontRef,
    px: f32,
    x: f32,
    y: f32,
    text: &str,
) -> (f32, f32, f32, f32) {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut caret = x;
    let baseline = y + scaled.ascent();
    for ch in text.chars() {
        let mut glyph = scaled.scaled_glyph(ch);
        glyph.position = ab_glyph::point(caret, baseline);
        caret += scaled.h_advance(glyph.id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let v = (255.0 * (1.0 - coverage) + 30.0 * coverage) as u8;
                    *p = Rgb([v.min(p.0[0]), v.min(p.0[1]), v.min(p.0[2])]);
                }
            });
        }
    }
    (x, y, caret, y + scaled.height())
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j + 1] + 1)
                    .min(cur[j] + 1)
                    .min(prev[j] + usize::from(ca != *cb)),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[test]
fn reads_rendered_chinese_lines_where_they_are_drawn() {
    let Some(bytes) = cjk_font() else { return };
    let font = FontRef::try_from_slice_and_index(&bytes, 2).expect("a font in the collection");
    let lines = [
        "居民身份证",
        "有效期限 2016.03.01-2036.03.01",
        "统一社会信用代码 91440300MA5F1234XK",
    ];
    let mut img = RgbImage::from_pixel(1000, 330, Rgb([250, 248, 240]));
    let boxes: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, t)| draw(&mut img, &font, 38.0, 40.0, 40.0 + 95.0 * i as f32, t))
        .collect();
    let read = reader().read(&img).unwrap();
    assert_eq!(read.len(), lines.len(), "{read:?}");
    for ((line, want), (l, t, r, b)) in read.iter().zip(lines).zip(boxes) {
        // The model writes no space between ideographs and digits it reads tightly set:
        // what matters is every character, in order.
        assert_eq!(
            line.text.replace(' ', ""),
            want.replace(' ', ""),
            "{line:?}"
        );
        assert_eq!(line.text.chars().count(), line.confidences.len());
        assert!(line.confidence() > 0.5, "{line:?}");
        // The quad surrounds the drawn text, a few pixels of margin either way.
        let xs = line.quad.map(|p| p.0);
        let ys = line.quad.map(|p| p.1);
        let (qx0, qx1) = (
            xs.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(0.0, f32::max),
        );
        let (qy0, qy1) = (
            ys.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(0.0, f32::max),
        );
        let near = |a: f32, b: f32| (a - b).abs() < 20.0;
        assert!(
            near(qx0, l) && near(qx1, r) && near(qy0, t) && near(qy1, b),
            "{:?} vs {:?}",
            line.quad,
            (l, t, r, b)
        );
    }
}

#[test]
fn reads_an_upside_down_line_the_right_way_up() {
    let Some(bytes) = cjk_font() else { return };
    let font = FontRef::try_from_slice_and_index(&bytes, 2).expect("a font in the collection");
    let mut img = RgbImage::from_pixel(800, 140, Rgb([255, 255, 255]));
    draw(&mut img, &font, 40.0, 40.0, 40.0, "营业执照 2019年05月20日");
    image::imageops::rotate180_in_place(&mut img);
    let read = reader().read(&img).unwrap();
    let text: String = read.iter().map(|l| l.text.replace(' ', "")).collect();
    assert_eq!(text, "营业执照2019年05月20日", "{read:?}");
}

/// The real page's lines (tests/fixtures/real/scan_text_gray.png, a 19th-century book
/// page from Leptonica's test pictures), transcribed by eye; its cut first line is left
/// out.
const PAGE: &[&str] = &[
    "of his Posthume Poems are several elegies written on",
    "him by eminent poets of that time, wherein you may",
    "see his just character.\u{201d}",
    "Such is Wood\u{2019}s account ; it is to be regretted that that",
    "writer did not supply the additional information, which",
    "he tantalizes us by saying that he possessed, and could",
    "have published, had he not been afraid of being tedious.",
    "His love of brevity is, in this case, most provoking.",
    "As might be expected, the Journals of Parliament",
    "cast additional light on the personal connexion of Love-",
    "lace with the Kentish Petition of 1642, which was for",
];

/// Characters compared without spaces and with typographic quotes made plain: the
/// Chinese model reads Latin words without their spaces more often than not.
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect()
}

fn page() -> RgbImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/scan_text_gray.png");
    image::open(path).unwrap().to_rgb8()
}

#[test]
fn reads_a_real_scanned_page() {
    let read = reader().read(&page()).unwrap();
    // Each transcribed line against the read line nearest to it in text.
    let (mut edits, mut chars) = (0, 0);
    for want in PAGE {
        let want = plain(want);
        let best = read
            .iter()
            .map(|l| distance(&want, &plain(&l.text)))
            .min()
            .unwrap_or(want.len());
        edits += best;
        chars += want.chars().count();
    }
    let cer = edits as f64 / chars as f64;
    assert!(
        cer < 0.03,
        "character error rate {cer:.3} over {chars} characters: {read:#?}"
    );
    let l = legibility(&read);
    assert!(l.share() > 0.9, "{l:?}");
}

#[test]
fn a_blurred_copy_loses_what_the_source_read() {
    let src = page();
    let sharp = reader().read(&src).unwrap();
    // Shrunk to a quarter and back: the strokes merge and the reader misses characters.
    let (w, h) = src.dimensions();
    let small = image::imageops::resize(&src, w / 4, h / 4, image::imageops::FilterType::Triangle);
    let blurred = image::imageops::resize(&small, w, h, image::imageops::FilterType::Triangle);
    let soft = reader().read(&blurred).unwrap();
    let lost = reading_loss(&sharp, &soft);
    assert!(lost.source > 400, "{lost:?}");
    assert!(lost.share() > 0.1, "{lost:?}");
    assert_eq!(reading_loss(&sharp, &sharp).missed, 0);
}

/// The date and fare lines of a real train ticket, photographed (not rendered here) and
/// seen through the 256 dithered colours of the GIF that PaddleOCR's labelling tool
/// ships: tests/fixtures/real_zh/README.md.
fn ticket() -> RgbImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real_zh/ticket_date.png");
    image::open(path).unwrap().to_rgb8()
}

#[test]
fn reads_the_date_off_a_real_ticket_and_claims_no_kind() {
    let rules = scanfit::rules::Rules::builtin();
    let reading = scanfit::read::read_picture(reader(), &ticket(), &rules.kinds).unwrap();
    let issued = reading.issued.as_ref().expect("a date is read");
    assert_eq!(issued.value, jiff::civil::date(2019, 4, 3), "{reading:?}");
    let sure = f32::from(scanfit::rules::assess::READ_SURE) / 100.0;
    assert!(issued.confidence >= sure, "{reading:?}");
    // A ticket is none of the kinds the rules know: the reading must not claim one.
    assert_eq!(reading.kind, None, "{reading:?}");
}
