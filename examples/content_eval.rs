//! The evidence for the content checks ([`scanfit::document`]): regenerates a labelled
//! set of document pictures and prints precision and recall per finding, rendered
//! pictures apart from real ones.
//!
//! ```text
//! cargo run --example content_eval -- [--seed N] [--per N] [--save DIR] [REAL_DIR...]
//! ```
//!
//! Rendered (all synthetic, drawn here from a seed in Debian's CJK fonts, fonts-noto-cjk
//! and fonts-wqy-*, through tests/support/render.rs): ID-card fronts (pale guilloche
//! ground, labelled fields, photo) and backs (national emblem, 居民身份证, issuing office),
//! business licences (ornamental border, emblem, 营业执照, fields, QR block, red seal),
//! letters (授权书/承诺书: paragraphs, signature, red seal). Each is
//! - photographed by simulation: a perspective view on a colourful desk (wood, cloth,
//!   plain colours, a second object), uneven and warm light, blur, sensor noise, JPEG;
//!   wholly inside the frame or cut by it (one or two sides, or a corner, out);
//! - a grey photocopy (toner curve, grey paper, speckle) photographed the same way;
//! - a screen re-capture: shown on an RGB-stripe screen, photographed through the
//!   camera's own pixel grid (supersampled, so moiré appears), with a bezel;
//! - a pure render (PNG, or JPEG q90), as a download or screenshot is.
//!
//! Real pictures: every picture file under the REAL_DIRs (default: corpus/ and
//! tests/fixtures/, plus target/bench-corpus when it exists). None is a copy, a screen
//! photo or cut on purpose, so every finding there is a false alarm; each is judged as
//! if it were a certificate, the kind with the most findings and the lowest bars.

use std::path::{Path, PathBuf};

use ab_glyph::FontRef;
use image::{DynamicImage, Rgb, RgbImage};
use rayon::prelude::*;
use scanfit::document::{examine, ContentFinding, KindClass};
use scanfit::inspect::{colour_class, ColourClass};

#[path = "../tests/support/homography.rs"]
mod homography;
#[path = "../tests/support/render.rs"]
mod render;
#[path = "../tests/support/rng.rs"]
mod rng;
use homography::Homography;
use render::{draw, load_fonts};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        rng::splitmix64(&mut self.0)
    }
    fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
    fn gauss(&mut self) -> f32 {
        (0..4).map(|_| self.f()).sum::<f32>() - 2.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Doc {
    CardFront,
    CardBack,
    Licence,
    Letter,
}

impl Doc {
    fn kind(self) -> KindClass {
        match self {
            Doc::CardFront | Doc::CardBack | Doc::Licence => KindClass::Certificate,
            Doc::Letter => KindClass::Plain,
        }
    }
}

const DOCS: [Doc; 4] = [Doc::CardFront, Doc::CardBack, Doc::Licence, Doc::Letter];
const CASES: [Case; 5] = [
    Case::Inside,
    Case::Cut,
    Case::CopyInside,
    Case::Screen,
    Case::Render,
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Inside,
    Cut,
    CopyInside,
    Screen,
    Render,
}

// ---------------------------------------------------------------- drawing

/// The faces the documents are drawn in, parsed once.
struct Faces(Vec<FontRef<'static>>);

impl Faces {
    fn load() -> Faces {
        let faces: Vec<FontRef<'static>> = load_fonts()
            .into_iter()
            .filter_map(|(_, bytes, index)| {
                FontRef::try_from_slice_and_index(Box::leak(bytes.into_boxed_slice()), index).ok()
            })
            .collect();
        assert!(
            !faces.is_empty(),
            "no CJK font (install fonts-noto-cjk or fonts-wqy-microhei)"
        );
        Faces(faces)
    }
    fn pick(&self, rng: &mut Rng) -> &FontRef<'static> {
        &self.0[rng.below(self.0.len() as u32) as usize]
    }
}

fn rect(img: &mut RgbImage, x0: i32, y0: i32, x1: i32, y1: i32, c: [u8; 3]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    for y in y0.max(0)..y1.min(h) {
        for x in x0.max(0)..x1.min(w) {
            img.put_pixel(x as u32, y as u32, Rgb(c));
        }
    }
}

/// Fills the ellipse centred at (cx, cy) with radii (rx, ry).
fn ellipse(img: &mut RgbImage, cx: f32, cy: f32, rx: f32, ry: f32, c: [u8; 3]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    for y in ((cy - ry) as i32).max(0)..((cy + ry) as i32 + 1).min(h) {
        for x in ((cx - rx) as i32).max(0)..((cx + rx) as i32 + 1).min(w) {
            if ((x as f32 - cx) / rx).powi(2) + ((y as f32 - cy) / ry).powi(2) <= 1.0 {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

fn ring(img: &mut RgbImage, cx: f32, cy: f32, r: f32, t: f32, c: [u8; 3]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    for y in ((cy - r - t) as i32).max(0)..((cy + r + t) as i32).min(h) {
        for x in ((cx - r - t) as i32).max(0)..((cx + r + t) as i32).min(w) {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if (d - r).abs() <= t / 2.0 {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

/// A five-pointed star of outer radius `r`.
fn star(img: &mut RgbImage, cx: f32, cy: f32, r: f32, c: [u8; 3]) {
    let pts: Vec<[f32; 2]> = (0..10)
        .map(|k| {
            let a = -std::f32::consts::FRAC_PI_2 + k as f32 * std::f32::consts::PI / 5.0;
            let rr = if k % 2 == 0 { r } else { r * 0.4 };
            [cx + rr * a.cos(), cy + rr * a.sin()]
        })
        .collect();
    for y in (cy - r) as i32..=(cy + r) as i32 {
        for x in (cx - r) as i32..=(cx + r) as i32 {
            if x < 0 || y < 0 || x >= img.width() as i32 || y >= img.height() as i32 {
                continue;
            }
            // Even-odd rule.
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let mut inside = false;
            for i in 0..pts.len() {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                if (a[1] > py) != (b[1] > py)
                    && px < a[0] + (py - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
                {
                    inside = !inside;
                }
            }
            if inside {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

/// `text` from (x, y), wrapped at `x_end` (CJK is full-width: one `px` per character);
/// returns the y under the last line.
#[allow(clippy::too_many_arguments)]
fn text(
    img: &mut RgbImage,
    font: &FontRef,
    s: &str,
    px: f32,
    x: f32,
    x_end: f32,
    y: f32,
    ink: [u8; 3],
) -> f32 {
    let per_line = (((x_end - x) / px) as usize).max(1);
    let chars: Vec<char> = s.chars().collect();
    let mut y = y;
    for line in chars.chunks(per_line) {
        let line: String = line.iter().collect();
        draw(img, font, &line, px, x, y, ink);
        y += px * 1.45;
    }
    y
}

const NAMES: [&str; 12] = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄晓明",
    "周杰",
    "吴霞",
    "徐明远",
    "孙丽华",
];
const PLACES: [&str; 6] = [
    "北京市海淀区中关村大街27号院3号楼502室",
    "上海市浦东新区世纪大道100号环球金融中心",
    "广东省深圳市南山区科技园南路8号",
    "浙江省杭州市西湖区文三路90号东部软件园",
    "四川省成都市武侯区人民南路四段12号",
    "湖北省武汉市洪山区珞喻路1037号",
];
const FIRMS: [&str; 6] = [
    "北京星河科技有限公司",
    "上海云帆网络科技有限公司",
    "深圳市前海数据服务有限公司",
    "杭州青禾信息技术有限公司",
    "成都蜀山文化传媒有限公司",
    "武汉江城软件开发有限公司",
];
const SCOPE: &str = "技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务；数据处理和存储支持服务；互联网信息服务；广告设计、代理。（依法须经批准的项目，经相关部门批准后方可开展经营活动）";
const LETTER: [&str; 5] = [
    "本单位承诺所提供的网站备案信息真实、准确、完整，如有虚假，愿承担由此产生的一切法律责任。",
    "兹授权我单位员工办理网站备案相关事宜，其在办理过程中所签署的文件和材料本单位均予以承认。",
    "网站开通后将严格遵守国家有关互联网信息服务管理的法律法规，不制作、复制、发布、传播违法信息。",
    "网站负责人已阅读并理解备案须知，保证按要求及时更新备案信息，配合主管部门的监督检查。",
    "本承诺书一式两份，经单位法定代表人签字并加盖公章后生效，有效期至网站注销之日止。",
];

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u32) as usize]
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// A red seal: a ring, a star, the firm's name around the top and a line under the star.
fn seal(img: &mut RgbImage, font: &FontRef, rng: &mut Rng, cx: f32, cy: f32, r: f32) {
    let red = [205, 35, 40];
    ring(img, cx, cy, r, r / 12.0, red);
    star(img, cx, cy, r * 0.3, red);
    let name = pick(rng, &FIRMS);
    let n = name.chars().count();
    let px = r * 0.22;
    for (i, ch) in name.chars().enumerate() {
        let a = std::f32::consts::PI * (1.1 + 0.8 * i as f32 / (n - 1).max(1) as f32);
        let (gx, gy) = (cx + 0.72 * r * a.cos(), cy + 0.72 * r * a.sin());
        draw(
            img,
            font,
            &ch.to_string(),
            px,
            gx - px / 2.0,
            gy - px / 2.0,
            red,
        );
    }
    draw(img, font, "公章", px, cx - px, cy + r * 0.45, red);
}

/// The national emblem as a print shows it from afar: a red disc, gold ring and stars.
fn emblem(img: &mut RgbImage, cx: f32, cy: f32, r: f32) {
    ellipse(img, cx, cy, r, r, [200, 40, 35]);
    ring(img, cx, cy, r * 0.85, r * 0.12, [230, 190, 60]);
    star(img, cx, cy - r * 0.15, r * 0.35, [240, 200, 70]);
    for k in 0..4 {
        let a = -2.2 + k as f32 * 0.45;
        star(
            img,
            cx + 0.55 * r * a.cos(),
            cy - r * 0.15 + 0.55 * r * a.sin(),
            r * 0.1,
            [240, 200, 70],
        );
    }
}

/// A colour of random hue, saturation 0.35–0.9 and lightness `light`.
fn hue(rng: &mut Rng, light: f32) -> [f32; 3] {
    let h = rng.range(0.0, 6.0);
    let x = 1.0 - ((h % 2.0) - 1.0).abs();
    let (r, g, b) = match h as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    let s = rng.range(0.35, 0.9);
    [r, g, b].map(|v| 255.0 * (light * (1.0 - s) + v * s * light))
}

/// The card's printed background: a pale colour with guilloche waves.
fn card_ground(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let base = hue(rng, 0.95);
    let tint = hue(rng, 0.8);
    RgbImage::from_fn(w, h, |x, y| {
        let t = x as f32 / w as f32 * 0.12 + y as f32 / h as f32 * 0.08;
        let wave = ((x as f32 * 0.05 + (y as f32 * 0.02).sin() * 6.0).sin() * 0.5 + 0.5)
            * ((y as f32 * 0.04 + (x as f32 * 0.01).cos() * 5.0).sin() * 0.5 + 0.5);
        Rgb([0, 1, 2].map(|c| {
            let v = base[c] * (0.88 + t) * (1.0 - 0.25 * wave) + tint[c] * 0.25 * wave;
            v.min(255.0) as u8
        }))
    })
}

fn card_front(faces: &Faces, rng: &mut Rng) -> RgbImage {
    let (w, h) = (856, 540);
    let font = faces.pick(rng);
    let mut img = card_ground(rng, w, h);
    let (label, ink) = ([40, 90, 150], [20, 20, 28]);
    let px = 26.0;
    let name = pick(rng, &NAMES);
    let sex = if rng.below(2) == 0 { "男" } else { "女" };
    let (year, month, day) = (1950 + rng.below(55), 1 + rng.below(12), 1 + rng.below(28));
    draw(&mut img, font, "姓名", px, 50.0, 50.0, label);
    draw(&mut img, font, name, px + 4.0, 130.0, 48.0, ink);
    draw(&mut img, font, "性别", px, 50.0, 110.0, label);
    draw(&mut img, font, sex, px, 130.0, 110.0, ink);
    draw(&mut img, font, "民族", px, 240.0, 110.0, label);
    draw(&mut img, font, "汉", px, 320.0, 110.0, ink);
    draw(&mut img, font, "出生", px, 50.0, 170.0, label);
    let born = format!("{year} 年 {month} 月 {day} 日");
    draw(&mut img, font, &born, px, 130.0, 170.0, ink);
    draw(&mut img, font, "住址", px, 50.0, 230.0, label);
    text(
        &mut img,
        font,
        pick(rng, &PLACES),
        px,
        130.0,
        560.0,
        230.0,
        ink,
    );
    draw(&mut img, font, "公民身份号码", px, 50.0, 440.0, label);
    let number = format!(
        "{}{year}{month:02}{day:02}{}",
        digits(rng, 6),
        digits(rng, 4)
    );
    draw(&mut img, font, &number, px + 6.0, 250.0, 436.0, ink);
    // The photo: a pale ground, shoulders, hair and face.
    let mut photo = RgbImage::from_pixel(200, 270, Rgb([215, 225, 235]));
    let skin = [225.0 - rng.range(0.0, 40.0), 185.0, 160.0].map(|v| v as u8);
    ellipse(&mut photo, 100.0, 280.0, 95.0, 70.0, [40, 45, 60]);
    ellipse(&mut photo, 100.0, 120.0, 58.0, 75.0, [30, 25, 25]);
    ellipse(&mut photo, 100.0, 140.0, 50.0, 66.0, skin);
    image::imageops::replace(&mut img, &photo, 600, 60);
    img
}

fn card_back(faces: &Faces, rng: &mut Rng) -> RgbImage {
    let (w, h) = (856, 540);
    let font = faces.pick(rng);
    let mut img = card_ground(rng, w, h);
    let ink = [20, 20, 28];
    emblem(&mut img, 130.0, 130.0, 80.0);
    draw(&mut img, font, "中华人民共和国", 46.0, 260.0, 70.0, ink);
    draw(&mut img, font, "居民身份证", 64.0, 260.0, 150.0, ink);
    draw(&mut img, font, "签发机关", 26.0, 150.0, 370.0, ink);
    let city = &pick(rng, &PLACES)[..9];
    draw(
        &mut img,
        font,
        &format!("{city}公安局"),
        26.0,
        290.0,
        370.0,
        ink,
    );
    draw(&mut img, font, "有效期限", 26.0, 150.0, 430.0, ink);
    let from = 2010 + rng.below(15);
    let until = format!(
        "{from}.0{}.1{}-{}.0{}.1{}",
        1 + rng.below(9),
        rng.below(9),
        from + 20,
        1 + rng.below(9),
        rng.below(9)
    );
    draw(&mut img, font, &until, 26.0, 290.0, 430.0, ink);
    img
}

fn licence(faces: &Faces, rng: &mut Rng) -> RgbImage {
    let (w, h) = (1200, 850);
    let font = faces.pick(rng);
    let mut img = RgbImage::from_pixel(w, h, Rgb([250, 246, 236]));
    let border = hue(rng, 0.7).map(|c| c as u8);
    for k in 0..4 {
        let m = 20 + k * 12;
        let c = if k % 2 == 0 { border } else { [200, 160, 80] };
        rect(&mut img, m, m, w as i32 - m, m + 6, c);
        rect(&mut img, m, h as i32 - m - 6, w as i32 - m, h as i32 - m, c);
        rect(&mut img, m, m, m + 6, h as i32 - m, c);
        rect(&mut img, w as i32 - m - 6, m, w as i32 - m, h as i32 - m, c);
    }
    emblem(&mut img, 600.0, 130.0, 50.0);
    let ink = [25, 25, 25];
    draw(&mut img, font, "营 业 执 照", 64.0, 430.0, 190.0, ink);
    let code = format!("91{}{}", digits(rng, 6), digits(rng, 10));
    draw(&mut img, font, "统一社会信用代码", 22.0, 110.0, 120.0, ink);
    draw(&mut img, font, &code, 22.0, 110.0, 150.0, ink);
    let firm = pick(rng, &FIRMS);
    let rows = [
        ("名　　称", firm.to_owned()),
        ("类　　型", "有限责任公司（自然人投资或控股）".to_owned()),
        ("法定代表人", pick(rng, &NAMES).to_owned()),
        ("注册资本", format!("人民币{}万元整", 50 + rng.below(950))),
        (
            "成立日期",
            format!(
                "{}年{}月{}日",
                2000 + rng.below(25),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
        ),
        ("住　　所", pick(rng, &PLACES).to_owned()),
    ];
    let mut y = 300.0;
    for (label, value) in &rows {
        draw(&mut img, font, label, 24.0, 110.0, y, ink);
        y = text(&mut img, font, value, 24.0, 270.0, 1080.0, y, ink) + 6.0;
    }
    draw(&mut img, font, "经营范围", 24.0, 110.0, y, ink);
    text(&mut img, font, SCOPE, 22.0, 270.0, 860.0, y, ink);
    for i in 0..21 {
        for j in 0..21 {
            if rng.below(2) == 0 || (i < 7 && j < 7) {
                rect(
                    &mut img,
                    960 + i * 5,
                    90 + j * 5,
                    965 + i * 5,
                    95 + j * 5,
                    ink,
                );
            }
        }
    }
    draw(&mut img, font, "登记机关", 22.0, 830.0, 700.0, ink);
    seal(&mut img, font, rng, 930.0, 690.0, 95.0);
    img
}

fn letter(faces: &Faces, rng: &mut Rng) -> RgbImage {
    let (w, h) = (850, 1200);
    let font = faces.pick(rng);
    let mut img = RgbImage::from_pixel(w, h, Rgb([252, 252, 250]));
    let ink = [20, 20, 25];
    let title = if rng.below(2) == 0 {
        "授 权 书"
    } else {
        "承 诺 书"
    };
    draw(&mut img, font, title, 44.0, 330.0, 80.0, ink);
    let mut y = 200.0;
    for _ in 0..3 + rng.below(3) {
        let para = format!("　　{}", pick(rng, &LETTER));
        y = text(&mut img, font, &para, 26.0, 80.0, 780.0, y, ink) + 14.0;
    }
    draw(&mut img, font, "特此证明。", 26.0, 80.0, y, ink);
    let firm = pick(rng, &FIRMS);
    draw(&mut img, font, firm, 26.0, 420.0, 930.0, ink);
    draw(
        &mut img,
        font,
        "法定代表人（签字）：",
        24.0,
        420.0,
        990.0,
        ink,
    );
    // A pen signature.
    for k in 0..90 {
        let x = 560 + k * 2;
        let y = 1040 + ((k as f32) * 0.35).sin() as i32 * 12;
        rect(&mut img, x, y, x + 3, y + 3, [20, 30, 120]);
    }
    let date = format!(
        "{}年{}月{}日",
        2024 + rng.below(3),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    draw(&mut img, font, &date, 24.0, 500.0, 1100.0, ink);
    seal(&mut img, font, rng, 560.0, 960.0, 85.0);
    img
}

fn draw_doc(doc: Doc, faces: &Faces, rng: &mut Rng) -> RgbImage {
    match doc {
        Doc::CardFront => card_front(faces, rng),
        Doc::CardBack => card_back(faces, rng),
        Doc::Licence => licence(faces, rng),
        Doc::Letter => letter(faces, rng),
    }
}

/// A grey photocopy: luma through a toner curve on grey copier paper, with speckle; a
/// card is copied onto a sheet bigger than itself, as on a copier's glass.
fn photocopy(doc: &RgbImage, is_card: bool, rng: &mut Rng) -> RgbImage {
    let paper = rng.range(215.0, 245.0);
    let gamma = rng.range(1.2, 1.8);
    let (mx, my) = if is_card {
        (doc.width() / 5, doc.height() / 3)
    } else {
        (0, 0)
    };
    let (w, h) = (doc.width() + 2 * mx, doc.height() + 2 * my);
    RgbImage::from_fn(w, h, |x, y| {
        let l = if x >= mx && y >= my && x < mx + doc.width() && y < my + doc.height() {
            let p = doc.get_pixel(x - mx, y - my).0;
            (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])) / 255.0
        } else {
            1.0
        };
        let v = paper * l.powf(gamma) + rng.gauss() * 4.0;
        let v = if rng.below(400) == 0 { v * 0.4 } else { v };
        let g = v.clamp(0.0, 255.0) as u8;
        Rgb([g, g, g])
    })
}

// ---------------------------------------------------------------- photographing

fn desk(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let light = rng.range(0.35, 0.9);
    let base = hue(rng, light);
    let style = rng.below(3);
    let freq = rng.range(0.01, 0.05);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let tex = match style {
            0 => (yf * freq + (xf * 0.003).sin() * 4.0).sin() * 0.08,
            1 => (xf * 0.2).sin() * (yf * 0.2).sin() * 0.05,
            _ => 0.0,
        };
        let g = 0.9 + 0.2 * (xf / w as f32) - 0.1 * (yf / h as f32);
        Rgb(base.map(|c| (c * (g + tex)).clamp(0.0, 255.0) as u8))
    });
    if rng.below(2) == 0 {
        // A book or a phone on the desk.
        let light = rng.range(0.3, 0.9);
        let c = hue(rng, light).map(|v| v as u8);
        let (x0, y0) = (rng.below(w) as i32, rng.below(h) as i32);
        rect(&mut img, x0, y0, x0 + w as i32 / 4, y0 + h as i32 / 3, c);
    }
    img
}

/// Where the document lies in a `w`×`h` frame: inside with a margin, or cut.
fn placement(rng: &mut Rng, w: f32, h: f32, aspect: f32, cut: bool) -> [[f32; 2]; 4] {
    loop {
        let size = rng.range(0.55, 0.85);
        let (mut dw, mut dh) = (w * size, w * size / aspect);
        if dh > h * 0.85 {
            dh = h * rng.range(0.6, 0.85);
            dw = dh * aspect;
        }
        let (cx, cy) = (
            w / 2.0 + rng.range(-0.08, 0.08) * w,
            h / 2.0 + rng.range(-0.08, 0.08) * h,
        );
        let ang = rng.range(-0.15, 0.15);
        let (ca, sa) = (ang.cos(), ang.sin());
        let mut q = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]].map(|[u, v]| {
            let (x, y) = (u * dw, v * dh);
            [cx + x * ca - y * sa, cy + x * sa + y * ca]
        });
        for c in &mut q {
            c[0] += rng.range(-0.035, 0.035) * w;
            c[1] += rng.range(-0.035, 0.035) * h;
        }
        if cut {
            // Push one side (and sometimes the next) past the frame by 8–30 % of the document.
            let side = rng.below(4);
            let by = rng.range(0.08, 0.3);
            let (dx, dy) = match side {
                0 => (0.0, -1.0),
                1 => (1.0, 0.0),
                2 => (0.0, 1.0),
                _ => (-1.0, 0.0),
            };
            let (mut dx, mut dy) = (dx * (dw * by + w * 0.1), dy * (dh * by + h * 0.1));
            if rng.below(3) == 0 {
                // A corner out as well.
                if dx == 0.0 {
                    dx = if rng.below(2) == 0 { 1.0 } else { -1.0 } * (w * 0.15);
                } else {
                    dy = if rng.below(2) == 0 { 1.0 } else { -1.0 } * (h * 0.15);
                }
            }
            for c in &mut q {
                c[0] += dx;
                c[1] += dy;
            }
        }
        let out = q
            .iter()
            .filter(|c| c[0] < 0.0 || c[1] < 0.0 || c[0] > w || c[1] > h)
            .count();
        let margin = q
            .iter()
            .all(|c| c[0] > 0.03 * w && c[1] > 0.03 * h && c[0] < 0.97 * w && c[1] < 0.97 * h);
        // The document must stay mostly in the picture when cut.
        let centre_in = {
            let (mx, my) = (
                q.iter().map(|c| c[0]).sum::<f32>() / 4.0,
                q.iter().map(|c| c[1]).sum::<f32>() / 4.0,
            );
            mx > 0.0 && my > 0.0 && mx < w && my < h
        };
        if (cut && out > 0 && centre_in) || (!cut && margin) {
            return q;
        }
    }
}

/// A phone photo of `doc` lying at `q` on a desk; `screen` shows the document on an RGB
/// stripe screen instead (pitch in camera pixels).
fn photograph(doc: &RgbImage, q: [[f32; 2]; 4], rng: &mut Rng, screen: Option<f32>) -> RgbImage {
    let (w, h) = (1600u32, 1200u32);
    let bg = desk(rng, w, h);
    let inv = Homography::square_to_quad(q.map(|[x, y]| (x, y))).adjugate();
    let warm = rng.below(2) == 0;
    let light: [f32; 3] = if warm {
        [1.06, 1.0, 0.86]
    } else {
        [1.0, 1.0, 1.0]
    };
    let lx = rng.range(-0.25, 0.25);
    let ss = if screen.is_some() { 3 } else { 1 };
    let (dw, dh) = (doc.width() as f32, doc.height() as f32);
    let mut out = RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            let mut hits = 0;
            for sy in 0..ss {
                for sx in 0..ss {
                    let (px, py) = (
                        f64::from(x) + (f64::from(sx) + 0.5) / f64::from(ss),
                        f64::from(y) + (f64::from(sy) + 0.5) / f64::from(ss),
                    );
                    let (u, v) = inv.apply64(px, py);
                    let (u, v) = (u as f32, v as f32);
                    if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                        hits += 1;
                        let c = homography::bilinear(doc, u * dw, v * dh);
                        match screen {
                            None => acc.iter_mut().zip(c).for_each(|(a, c)| *a += c),
                            Some(pitch) => {
                                // Screen pixels: `dw / pitch`-wide grid; each pixel
                                // three stripes. The document is resampled to the screen.
                                let sxp = u * dw / pitch * 3.0;
                                let stripe = (sxp.rem_euclid(3.0)) as usize;
                                let row_gap = (v * dh / pitch).fract() > 0.85;
                                if !row_gap {
                                    acc[stripe.min(2)] += c[stripe.min(2)] * 2.6;
                                }
                            }
                        }
                    }
                }
            }
            let n = (ss * ss) as f32;
            let b = bg.get_pixel(x, y).0.map(f32::from);
            let cover = hits as f32 / n;
            let bgc = if screen.is_some() {
                [18.0, 18.0, 20.0]
            } else {
                b
            };
            let g = 0.85 + lx * (x as f32 / w as f32 - 0.5) + 0.1 * (1.0 - y as f32 / h as f32);
            let mut p = [0f32; 3];
            for c in 0..3 {
                let docv = if hits > 0 { acc[c] / hits as f32 } else { 0.0 };
                p[c] = (docv * cover + bgc[c] * (1.0 - cover)) * g * light[c];
            }
            out.put_pixel(x, y, Rgb(p.map(|v| v.clamp(0.0, 255.0) as u8)));
        }
    }
    let out = blur(&out, 1 + rng.below(2) as i32 - 1);
    let sigma = rng.range(1.5, 4.0);
    let noisy = RgbImage::from_fn(w, h, |x, y| {
        let p = out.get_pixel(x, y).0;
        Rgb(p.map(|v| (f32::from(v) + rng.gauss() * sigma).clamp(0.0, 255.0) as u8))
    });
    jpeg(&noisy, 80 + rng.below(13) as u8)
}

fn blur(img: &RgbImage, r: i32) -> RgbImage {
    if r <= 0 {
        return img.clone();
    }
    let (w, h) = (img.width() as i32, img.height() as i32);
    RgbImage::from_fn(w as u32, h as u32, |x, y| {
        let mut s = [0u32; 3];
        let mut n = 0;
        for dy in -r..=r {
            for dx in -r..=r {
                let p = img
                    .get_pixel(
                        (x as i32 + dx).clamp(0, w - 1) as u32,
                        (y as i32 + dy).clamp(0, h - 1) as u32,
                    )
                    .0;
                for c in 0..3 {
                    s[c] += u32::from(p[c]);
                }
                n += 1;
            }
        }
        Rgb(s.map(|v| (v / n) as u8))
    })
}

fn jpeg(img: &RgbImage, q: u8) -> RgbImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, q)
        .encode_image(img)
        .expect("encode");
    image::load_from_memory(&bytes).expect("decode").to_rgb8()
}

/// One labelled picture: `doc` drawn, then treated as `case` says.
fn picture(case: Case, doc: Doc, faces: &Faces, rng: &mut Rng) -> RgbImage {
    let original = draw_doc(doc, faces, rng);
    let aspect = original.width() as f32 / original.height() as f32;
    let is_card = matches!(doc, Doc::CardFront | Doc::CardBack);
    match case {
        Case::Inside | Case::Cut => {
            let q = placement(rng, 1600.0, 1200.0, aspect, case == Case::Cut);
            photograph(&original, q, rng, None)
        }
        Case::CopyInside => {
            let copy = photocopy(&original, is_card, rng);
            let a = copy.width() as f32 / copy.height() as f32;
            let q = placement(rng, 1600.0, 1200.0, a, false);
            photograph(&copy, q, rng, None)
        }
        Case::Screen => {
            // The screen fills most of the frame, slightly askew.
            let m = rng.range(0.0, 0.05);
            let q = [
                [1600.0 * m, 1200.0 * m],
                [1600.0 * (1.0 - m), 1200.0 * (m + 0.02)],
                [1600.0 * (1.0 - m - 0.02), 1200.0 * (1.0 - m)],
                [1600.0 * (m + 0.01), 1200.0 * (1.0 - m)],
            ];
            let pitch = rng.range(1.6, 3.2) * original.width() as f32 / 1500.0;
            photograph(&original, q, rng, Some(pitch))
        }
        Case::Render => {
            if rng.below(2) == 0 {
                jpeg(&original, 90)
            } else {
                original
            }
        }
    }
}

/// What the checks said of one labelled picture.
struct Outcome {
    case: Case,
    doc: Doc,
    found: Vec<ContentFinding>,
    /// The whole picture is grey (the existing grayscale/bilevel finding).
    grey: bool,
}

// ---------------------------------------------------------------- the run

#[derive(Default, Clone, Copy)]
struct Tally {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Tally {
    fn add(&mut self, truth: bool, said: bool) {
        match (truth, said) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn line(&self, name: &str) {
        let p = f64::from(self.tp) / f64::from((self.tp + self.fp).max(1));
        let r = f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1));
        println!(
            "| {name} | {} | {} | {} | {} | {:.1} % | {:.1} % |",
            self.tp,
            self.fp,
            self.fn_,
            self.tn,
            100.0 * p,
            100.0 * r
        );
    }
}

fn real_pictures(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            if d.is_file() {
                out.push(d);
            }
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn decode(path: &Path) -> Option<DynamicImage> {
    let bytes = std::fs::read(path).ok()?;
    let format = scanfit::sniff::sniff(&bytes)?;
    let limits = scanfit::decode::DecodeLimits {
        max_pixels: 100_000_000,
    };
    let mut pictures = scanfit::decode::decode_all(&bytes, format, limits).ok()?;
    pictures.next()?.decoded.ok().map(|d| d.image)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seed, mut per, mut save, mut dirs) = (1u64, 12u32, None::<PathBuf>, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--per" => per = args.next().and_then(|v| v.parse().ok()).expect("--per N"),
            "--save" => save = args.next().map(PathBuf::from),
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    if dirs.is_empty() {
        dirs = vec!["corpus".into(), "tests/fixtures".into()];
        if Path::new("target/bench-corpus").is_dir() {
            dirs.push("target/bench-corpus".into());
        }
    }
    if let Some(d) = &save {
        std::fs::create_dir_all(d).expect("--save folder");
    }
    let faces = Faces::load();
    let jobs: Vec<(Case, Doc, u32)> = CASES
        .into_iter()
        .flat_map(|case| {
            DOCS.into_iter()
                .flat_map(move |doc| (0..per).map(move |n| (case, doc, n)))
        })
        .collect();
    println!(
        "rendered set (seed {seed}, {per} per document kind and case, {} fonts):",
        faces.0.len()
    );
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|&(case, doc, n)| {
            let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
                ^ (u64::from(n) << 16 | (case as u64) << 8 | doc as u64));
            let img = picture(case, doc, &faces, &mut rng);
            if let Some(d) = &save {
                if n < 2 {
                    img.save(d.join(format!("{case:?}-{doc:?}-{n}.png").to_lowercase()))
                        .expect("save");
                }
            }
            let dyn_img = DynamicImage::ImageRgb8(img);
            let ex = examine(&dyn_img);
            if std::env::var_os("CONTENT_EVAL_DEBUG").is_some() {
                println!(
                    "  {case:?} {doc:?} {n}: cut {} colour {:?} screen {:.1} flat {:?} outline {:?}",
                    ex.border_cut, ex.colour, ex.screen_peak, ex.flat, ex.outline
                );
            }
            Outcome {
                case,
                doc,
                found: ex.findings(doc.kind()),
                grey: colour_class(&dyn_img) != ColourClass::Colour,
            }
        })
        .collect();
    let mut t = [Tally::default(); 4];
    let mut copy_by_kind = [Tally::default(); 4];
    let mut copy_told = (0u32, 0u32);
    let mut cut_inside = (0u32, 0u32);
    for o in &outcomes {
        let (case, doc) = (o.case, o.doc);
        let has = |f| o.found.contains(&f);
        if case != Case::Render {
            t[0].add(case == Case::Cut, has(ContentFinding::BorderCut));
        }
        if case == Case::Cut {
            cut_inside.0 += 1;
        }
        if case == Case::Inside {
            cut_inside.1 += u32::from(has(ContentFinding::BorderCut));
        }
        if case == Case::Inside || case == Case::CopyInside {
            let copy = case == Case::CopyInside;
            t[1].add(copy, has(ContentFinding::Photocopy));
            copy_by_kind[doc as usize].add(copy, has(ContentFinding::Photocopy));
            if copy {
                copy_told.0 += 1;
                copy_told.1 += u32::from(has(ContentFinding::Photocopy) || o.grey);
            }
        }
        t[2].add(case == Case::Screen, has(ContentFinding::ScreenPhoto));
        if doc.kind() == KindClass::Certificate {
            t[3].add(case == Case::Render, has(ContentFinding::ElectronicCopy));
        }
    }
    println!("| finding | TP | FP | FN | TN | precision | recall |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, f) in ContentFinding::ALL.iter().enumerate() {
        t[i].line(f.code());
    }
    println!("photocopy per kind (a grey copy against the photographed original):");
    for doc in DOCS {
        copy_by_kind[doc as usize].line(&format!("photocopy, {doc:?}"));
    }
    println!(
        "grey copies told copy (photocopy, or grayscale/bilevel): {}/{} = {:.1} %",
        copy_told.1,
        copy_told.0,
        100.0 * f64::from(copy_told.1) / f64::from(copy_told.0.max(1))
    );
    let inside_n = DOCS.len() as u32 * per;
    println!(
        "documents wholly inside with border_cut: {}/{} = {:.1} %",
        cut_inside.1,
        inside_n,
        100.0 * f64::from(cut_inside.1) / f64::from(inside_n.max(1))
    );
    // Real pictures: every finding is a false alarm.
    println!(
        "\nreal pictures ({}):",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut counts = [0u32; 4];
    let (mut total, mut grey_skipped) = (0u32, 0u32);
    for path in real_pictures(&dirs) {
        let picture = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["jpg", "jpeg", "png", "gif", "tif", "tiff", "webp", "bmp"]
                .contains(&e.to_ascii_lowercase().as_str())
        });
        if !picture {
            continue;
        }
        let Some(img) = decode(&path) else { continue };
        if img.width() < 64 || img.height() < 64 {
            continue;
        }
        // A grey picture is told by the grayscale/bilevel check; the bar is for colour.
        if colour_class(&img) != ColourClass::Colour {
            grey_skipped += 1;
            continue;
        }
        total += 1;
        let ex = examine(&img);
        // The worst case: each finding as if the picture were a certificate.
        let found = ex.findings(KindClass::Certificate);
        for (i, f) in ContentFinding::ALL.iter().enumerate() {
            if found.contains(f) {
                counts[i] += 1;
            }
        }
        if std::env::var_os("CONTENT_EVAL_DEBUG").is_some() {
            println!(
                "  {}: screen {:.1} flat {:?} colour {:?}",
                path.display(),
                ex.screen_peak,
                ex.flat,
                ex.colour
            );
        }
        if !found.is_empty() {
            let codes: Vec<&str> = found.iter().map(|f| f.code()).collect();
            println!("  {} {}", path.display(), codes.join(","));
        }
    }
    println!("colour pictures {total} (grey ones, told by the grayscale check, left out: {grey_skipped})");
    println!("| finding | flagged | of | rate |");
    println!("|---|---:|---:|---:|");
    for (i, f) in ContentFinding::ALL.iter().enumerate() {
        println!(
            "| {} | {} | {total} | {:.1} % |",
            f.code(),
            counts[i],
            100.0 * f64::from(counts[i]) / f64::from(total.max(1))
        );
    }
}
