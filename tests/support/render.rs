//! Documents drawn in Debian's CJK fonts, for the tests and examples that read text
//! off pictures (examples/read_eval.rs, tests/read.rs).

#![allow(dead_code)]

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::RgbImage;

/// Draws `text` at (x, y) (top left) in `font` at `px`, in `ink`.
pub fn draw(img: &mut RgbImage, font: &FontRef, text: &str, px: f32, x: f32, y: f32, ink: [u8; 3]) {
    let scale = PxScale::from(px);
    let sf = font.as_scaled(scale);
    let mut caret = x;
    for c in text.chars() {
        let glyph = sf.scaled_glyph(c);
        let advance = sf.h_advance(glyph.id);
        let glyph = ab_glyph::Glyph {
            position: ab_glyph::point(caret, y + sf.ascent()),
            ..glyph
        };
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, cov| {
                let (px_, py_) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if px_ >= 0 && py_ >= 0 && (px_ as u32) < img.width() && (py_ as u32) < img.height()
                {
                    let p = img.get_pixel_mut(px_ as u32, py_ as u32);
                    for k in 0..3 {
                        let v = f32::from(p[k]) * (1.0 - cov) + f32::from(ink[k]) * cov;
                        p[k] = v as u8;
                    }
                }
            });
        }
        caret += advance;
    }
}

/// The CJK fonts installed (fonts-noto-cjk, fonts-wqy-*): (name, bytes, face index).
pub fn load_fonts() -> Vec<(String, Vec<u8>, u32)> {
    let mut fonts = Vec::new();
    for (path, index, label) in [
        (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            2,
            "Noto Sans CJK SC",
        ),
        (
            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
            2,
            "Noto Serif CJK SC",
        ),
        (
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            0,
            "WenQuanYi Micro Hei",
        ),
        (
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
            0,
            "WenQuanYi Zen Hei",
        ),
    ] {
        if let Ok(bytes) = std::fs::read(path) {
            fonts.push((label.to_owned(), bytes, index));
        }
    }
    fonts
}

/// A page of `w` × `h` on off-white paper with `runs` (text, size in pixels, x, y)
/// drawn in `font`.
pub fn page(font: &FontRef, w: u32, h: u32, runs: &[(&str, f32, f32, f32)]) -> RgbImage {
    let mut img = RgbImage::from_pixel(w, h, image::Rgb([248, 246, 238]));
    for (text, px, x, y) in runs {
        draw(&mut img, font, text, *px, *x, *y, [20, 20, 30]);
    }
    img
}

/// The back of an ID card (国徽面) whose validity period reads `period`
/// ("2016.03.01-2036.03.01"), 1284×810 like a phone's photo of a card filling the frame.
pub fn id_card_back(font: &FontRef, period: &str) -> RgbImage {
    page(
        font,
        1284,
        810,
        &[
            ("中华人民共和国", 66.0, 380.0, 90.0),
            ("居民身份证", 90.0, 380.0, 210.0),
            ("签发机关", 40.0, 220.0, 570.0),
            ("北京市公安局海淀分局", 44.0, 430.0, 566.0),
            ("有效期限", 40.0, 220.0, 670.0),
            (period, 44.0, 430.0, 666.0),
        ],
    )
}

/// A white page of `w` × `h` with `text` (a block of real scanned text) tiled over it,
/// 5 % margins: the dense page of benches/ocr.rs and scripts/engine-compare.
pub fn tiled(text: &RgbImage, w: u32, h: u32) -> RgbImage {
    let mut out = RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    let (mx, my) = (w / 20, h / 20);
    let mut y = my;
    while y + 1 < h - my {
        let mut x = mx;
        while x + 1 < w - mx {
            let tw = text.width().min(w - mx - x);
            let th = text.height().min(h - my - y);
            let tile = image::imageops::crop_imm(text, 0, 0, tw, th).to_image();
            image::imageops::replace(&mut out, &tile, i64::from(x), i64::from(y));
            x += text.width();
        }
        y += text.height();
    }
    out
}
