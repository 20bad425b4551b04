//! Measures what scanfit reads off documents (src/read/ over src/ocr/): renders ID card
//! fronts and backs, business licences and authorization letters with known names,
//! numbers and dates in Debian's CJK fonts, photographs them by simulation
//! (perspective, uneven light, noise, blur, JPEG), reads them, and prints one JSON line
//! per picture and a summary: kind right, dates right to the day, the character error
//! rate, and the share where scanfit abstained (no value, or one under
//! `rules::assess::READ_SURE`) instead of guessing.
//!
//! ```text
//! cargo run --release --example read_eval -- [COUNT] [--seed N] [--write DIR]
//! ```
//!
//! `--write DIR` keeps the photographs (named by kind and seed), which is how the
//! pictures under tests/fixtures/read/ were made. Needs fonts-noto-cjk (and uses
//! fonts-wqy-microhei when present).

use std::time::Instant;

use ab_glyph::FontRef;
use image::{Rgb, RgbImage};
use jiff::civil::{date, Date};
use scanfit::read::{id_check_digit, read};
use scanfit::rules::{Expiry, Rules};

#[path = "../tests/support/homography.rs"]
mod homography;
#[path = "../tests/support/render.rs"]
mod render;
use homography::Homography;
use render::{draw, load_fonts};

/// A small deterministic generator (xorshift64*), so a seed regenerates a set.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: [&str; 16] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "建国", "晓燕",
];
const CITIES: [(&str, &str); 6] = [
    ("北京市", "110105"),
    ("上海市", "310104"),
    ("广州市", "440106"),
    ("成都市", "510107"),
    ("杭州市", "330106"),
    ("武汉市", "420102"),
];
const COMPANY: [&str; 6] = ["星河", "云帆", "博远", "启明", "华信", "瑞达"];

/// What a rendered document says.
struct Truth {
    kind: &'static str,
    lines: Vec<String>,
    date: Option<Expiry>,
    id_number: Option<String>,
    person: Option<String>,
}

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN))
}

fn random_date(rng: &mut Rng, from: i16, to: i16) -> Date {
    let y = from + rng.below((to - from + 1) as u64) as i16;
    let m = 1 + rng.below(12) as i8;
    let d = 1 + rng.below(28) as i8;
    date(y, m, d)
}

fn id_number(rng: &mut Rng, area: &str, born: Date) -> String {
    let first = format!(
        "{area}{:04}{:02}{:02}{:03}",
        born.year(),
        born.month(),
        born.day(),
        rng.below(1000)
    );
    let check = id_check_digit(&first).expect("17 digits");
    format!("{first}{check}")
}

fn dotted(d: Date) -> String {
    format!("{:04}.{:02}.{:02}", d.year(), d.month(), d.day())
}

fn chinese_numeral_date(d: Date) -> String {
    let digit = |n: i16| ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"][n as usize];
    let small = |n: i16| match n {
        1..=9 => digit(n).to_owned(),
        10 => "十".into(),
        11..=19 => format!("十{}", digit(n - 10)),
        _ if n % 10 == 0 => format!("{}十", digit(n / 10)),
        _ => format!("{}十{}", digit(n / 10), digit(n % 10)),
    };
    let y: String = d
        .year()
        .to_string()
        .chars()
        .map(|c| digit(c.to_digit(10).unwrap() as i16))
        .collect();
    format!(
        "{y}年{}月{}日",
        small(d.month().into()),
        small(d.day().into())
    )
}

/// A line of a layout: text, size in pixels, x, y.
type Run = (String, f32, f32, f32);

/// Draws one kind of document: what it says, its lines, its size.
type Maker = fn(&mut Rng) -> (Truth, Vec<Run>, (u32, u32));

fn id_front(rng: &mut Rng) -> (Truth, Vec<Run>, (u32, u32)) {
    let person = name(rng);
    let (city, area) = *rng.pick(&CITIES);
    let born = random_date(rng, 1950, 2004);
    let number = id_number(rng, area, born);
    let sex = if rng.below(2) == 0 { "男" } else { "女" };
    let runs = vec![
        ("姓名".into(), 26.0, 60.0, 70.0),
        (person.clone(), 34.0, 150.0, 66.0),
        ("性别".into(), 26.0, 60.0, 140.0),
        (sex.into(), 30.0, 150.0, 138.0),
        ("民族".into(), 26.0, 260.0, 140.0),
        ("汉".into(), 30.0, 350.0, 138.0),
        ("出生".into(), 26.0, 60.0, 210.0),
        (
            format!("{}年{}月{}日", born.year(), born.month(), born.day()),
            30.0,
            150.0,
            208.0,
        ),
        ("住址".into(), 26.0, 60.0, 280.0),
        (
            format!("{city}人民路{}号", 1 + rng.below(300)),
            30.0,
            150.0,
            278.0,
        ),
        ("公民身份号码".into(), 26.0, 60.0, 450.0),
        (number.clone(), 36.0, 260.0, 446.0),
    ];
    let lines = runs.iter().map(|r| r.0.clone()).collect();
    let truth = Truth {
        kind: "id_card",
        lines,
        date: None,
        id_number: Some(number),
        person: Some(person),
    };
    (truth, runs, (856, 540))
}

fn id_back(rng: &mut Rng) -> (Truth, Vec<Run>, (u32, u32)) {
    let (city, _) = *rng.pick(&CITIES);
    let start = random_date(rng, 2006, 2025);
    let (end, end_text) = match rng.below(5) {
        0 => (Expiry::LongTerm, "长期".to_owned()),
        1 | 2 => {
            let e = date(start.year() + 10, start.month(), start.day());
            (Expiry::Until(e), dotted(e))
        }
        _ => {
            let e = date(start.year() + 20, start.month(), start.day());
            (Expiry::Until(e), dotted(e))
        }
    };
    let runs = vec![
        ("中华人民共和国".into(), 44.0, 250.0, 60.0),
        ("居民身份证".into(), 60.0, 250.0, 140.0),
        ("签发机关".into(), 26.0, 150.0, 380.0),
        (format!("{city}公安局"), 30.0, 290.0, 378.0),
        ("有效期限".into(), 26.0, 150.0, 450.0),
        (format!("{}-{end_text}", dotted(start)), 30.0, 290.0, 448.0),
    ];
    let lines = runs.iter().map(|r| r.0.clone()).collect();
    let truth = Truth {
        kind: "id_card",
        lines,
        date: Some(end),
        id_number: None,
        person: None,
    };
    (truth, runs, (856, 540))
}

fn credit_code(rng: &mut Rng) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = String::from("9111");
    for _ in 0..14 {
        s.push(ALNUM[rng.below(ALNUM.len() as u64) as usize] as char);
    }
    s
}

fn company(rng: &mut Rng) -> String {
    let (city, _) = *rng.pick(&CITIES);
    format!(
        "{}{}科技有限公司",
        city.trim_end_matches('市'),
        rng.pick(&COMPANY)
    )
}

fn licence(rng: &mut Rng) -> (Truth, Vec<Run>, (u32, u32)) {
    let founded = random_date(rng, 2000, 2024);
    let (end, end_text) = if rng.below(2) == 0 {
        (Expiry::LongTerm, "长期".to_owned())
    } else {
        let e = date(founded.year() + 30, founded.month(), founded.day())
            .yesterday()
            .unwrap();
        (
            Expiry::Until(e),
            format!("{}年{:02}月{:02}日", e.year(), e.month(), e.day()),
        )
    };
    let start = format!(
        "{}年{:02}月{:02}日",
        founded.year(),
        founded.month(),
        founded.day()
    );
    let runs = vec![
        ("营业执照".into(), 80.0, 560.0, 90.0),
        (
            format!("统一社会信用代码 {}", credit_code(rng)),
            26.0,
            120.0,
            240.0,
        ),
        (format!("名称 {}", company(rng)), 28.0, 120.0, 340.0),
        ("类型 有限责任公司".into(), 28.0, 120.0, 400.0),
        (format!("法定代表人 {}", name(rng)), 28.0, 120.0, 460.0),
        (
            format!("注册资本 {}万元整", 10 * (1 + rng.below(100))),
            28.0,
            120.0,
            520.0,
        ),
        (format!("成立日期 {start}"), 28.0, 120.0, 580.0),
        (format!("营业期限 {start}至{end_text}"), 28.0, 120.0, 640.0),
        ("登记机关".into(), 28.0, 1000.0, 900.0),
        (
            format!(
                "{}年{}月{}日",
                founded.year(),
                founded.month(),
                founded.day()
            ),
            28.0,
            1000.0,
            960.0,
        ),
    ];
    let lines = runs.iter().map(|r| r.0.clone()).collect();
    let truth = Truth {
        kind: "business_licence",
        lines,
        date: Some(end),
        id_number: None,
        person: None,
    };
    (truth, runs, (1600, 1130))
}

fn letter(rng: &mut Rng) -> (Truth, Vec<Run>, (u32, u32)) {
    let person = name(rng);
    let (_, area) = *rng.pick(&CITIES);
    let born = random_date(rng, 1960, 2000);
    let number = id_number(rng, area, born);
    let issued = random_date(rng, 2025, 2026);
    let firm = company(rng);
    let issued_text = match rng.below(4) {
        0 => format!("{}年{}月{}日", issued.year(), issued.month(), issued.day()),
        1 => issued.to_string(),
        2 => format!("{}.{}.{}", issued.year(), issued.month(), issued.day()),
        _ => chinese_numeral_date(issued),
    };
    let title = if rng.below(3) == 0 {
        "委托书"
    } else {
        "授权书"
    };
    let runs = vec![
        (title.into(), 64.0, 520.0, 140.0),
        (format!("{firm}："), 30.0, 120.0, 300.0),
        (
            format!("兹授权我公司员工{person}（身份证号：{number}）"),
            30.0,
            180.0,
            370.0,
        ),
        (
            "为我公司网站备案负责人，全权办理网站备案相关事宜。".into(),
            30.0,
            120.0,
            430.0,
        ),
        ("特此授权。".into(), 30.0, 180.0, 490.0),
        (format!("{firm}（盖章）"), 30.0, 640.0, 1300.0),
        (issued_text, 30.0, 760.0, 1370.0),
    ];
    let lines = runs.iter().map(|r| r.0.clone()).collect();
    let truth = Truth {
        kind: "authorization",
        lines,
        date: Some(Expiry::Until(issued)),
        id_number: Some(number),
        person: Some(person),
    };
    (truth, runs, (1240, 1754))
}

/// The document photographed: placed in perspective on a darker table, lit unevenly,
/// with sensor noise, a little blur and JPEG compression.
fn photograph(doc: &RgbImage, rng: &mut Rng, strength: f32) -> RgbImage {
    let (w, h) = (doc.width() as f32, doc.height() as f32);
    let margin = 0.08;
    let (cw, ch) = (
        (w * (1.0 + 2.0 * margin)) as u32,
        (h * (1.0 + 2.0 * margin)) as u32,
    );
    let jitter = |rng: &mut Rng, s: f32| rng.range(-s, s) * strength;
    let (ox, oy) = (w * margin, h * margin);
    let q = [
        (ox + jitter(rng, 0.05 * w), oy + jitter(rng, 0.05 * h)),
        (ox + w + jitter(rng, 0.05 * w), oy + jitter(rng, 0.05 * h)),
        (
            ox + w + jitter(rng, 0.05 * w),
            oy + h + jitter(rng, 0.05 * h),
        ),
        (ox + jitter(rng, 0.05 * w), oy + h + jitter(rng, 0.05 * h)),
    ];
    let inv = Homography::square_to_quad(q).adjugate();
    let table = [
        rng.below(60) as u8 + 40,
        rng.below(50) as u8 + 40,
        rng.below(40) as u8 + 30,
    ];
    let light_dir = rng.range(0.0, std::f32::consts::TAU);
    let light = 0.25 * strength;
    let noise = 6.0 * strength;
    let mut out = RgbImage::new(cw, ch);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        let (u, v) = inv.apply(fx, fy);
        let mut rgb = if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
            homography::bilinear(doc, u * w - 0.5, v * h - 0.5)
        } else {
            table.map(f32::from)
        };
        let along =
            (fx / cw as f32 - 0.5) * light_dir.cos() + (fy / ch as f32 - 0.5) * light_dir.sin();
        let gain = 1.0 - light * (along + 0.5);
        for c in &mut rgb {
            *c = (*c * gain + (rng.unit() + rng.unit() - 1.0) * noise).clamp(0.0, 255.0);
        }
        *p = Rgb(rgb.map(|c| c as u8));
    }
    let blurred = image::imageops::blur(&out, 0.3 + 0.9 * strength * rng.unit());
    let quality = (90.0 - 30.0 * strength * rng.unit()) as u8;
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode_image(&blurred)
        .expect("JPEG in memory");
    image::load_from_memory(&jpeg).expect("own JPEG").to_rgb8()
}

/// Levenshtein distance over characters.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut count, mut seed, mut write) = (40u64, 1u64, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().ok_or("--seed N")?.parse()?,
            "--write" => write = Some(std::path::PathBuf::from(args.next().ok_or("--write DIR")?)),
            n => count = n.parse()?,
        }
    }
    let fonts = load_fonts();
    if fonts.is_empty() {
        return Err("no CJK font: install fonts-noto-cjk".into());
    }
    let reader = scanfit::ocr::Reader::new()?;
    let rules = Rules::builtin();
    let sure = f32::from(scanfit::rules::assess::READ_SURE) / 100.0;
    let makers: [(&str, Maker); 4] = [
        ("id_front", id_front),
        ("id_back", id_back),
        ("licence", licence),
        ("letter", letter),
    ];
    let (mut kinds_right, mut dated, mut dates_right, mut dates_wrong, mut dates_abstained) =
        (0, 0, 0, 0, 0);
    let (mut ids, mut ids_right, mut ids_untrusted, mut persons, mut persons_right) =
        (0, 0, 0, 0, 0);
    let (mut edits, mut chars) = (0usize, 0usize);
    let (mut ocr_ms, mut check_ms) = (0.0, 0.0);
    // (confidence, right) of every date read, for the threshold.
    let mut date_confidences: Vec<(f32, bool)> = Vec::new();
    for n in 0..count {
        let mut rng =
            Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ (n + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9));
        let (label, make) = makers[(n % 4) as usize];
        let (truth, runs, (w, h)) = make(&mut rng);
        let (font_name, font_bytes, index) = &fonts[rng.below(fonts.len() as u64) as usize];
        let font = FontRef::try_from_slice_and_index(font_bytes, *index)?;
        let paper = [
            250 - rng.below(20) as u8,
            248 - rng.below(20) as u8,
            240 - rng.below(30) as u8,
        ];
        let mut doc = RgbImage::from_pixel(w, h, Rgb(paper));
        for (text, px, x, y) in &runs {
            draw(&mut doc, &font, text, *px, *x, *y, [20, 20, 30]);
        }
        let strength = rng.range(0.2, 1.0);
        let photo = photograph(&doc, &mut rng, strength);
        let path = match &write {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let p = dir.join(format!("{label}-{seed}-{n}.jpg"));
                photo.save(&p)?;
                Some(p)
            }
            None => None,
        };
        let start = Instant::now();
        let lines = reader.read(&photo)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        ocr_ms += ms;
        if let Some(p) = &path {
            let start = Instant::now();
            let _ = scanfit::check(std::slice::from_ref(p), &scanfit::Options::default());
            check_ms += start.elapsed().as_secs_f64() * 1000.0;
        }
        let reading = read(&lines, &rules.kinds);
        let kind = reading.kind.as_ref().map(|k| k.value.0.as_str());
        let kind_ok = kind == Some(truth.kind);
        kinds_right += usize::from(kind_ok);
        let want: Vec<char> = truth
            .lines
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let got: Vec<char> = lines
            .iter()
            .flat_map(|l| l.text.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        edits += distance(&want, &got);
        chars += want.len();
        let read_date = match truth.kind {
            "authorization" => reading
                .issued
                .as_ref()
                .map(|d| (Expiry::Until(d.value), d.confidence)),
            _ => reading
                .valid_until
                .as_ref()
                .map(|d| (d.value, d.confidence)),
        };
        let mut date_verdict = "none";
        if let Some(want) = truth.date {
            dated += 1;
            match read_date {
                Some((got, c)) => {
                    date_confidences.push((c, got == want));
                    if c < sure {
                        dates_abstained += 1;
                        date_verdict = "abstained";
                    } else if got == want {
                        dates_right += 1;
                        date_verdict = "right";
                    } else {
                        dates_wrong += 1;
                        date_verdict = "wrong";
                    }
                }
                None => {
                    dates_abstained += 1;
                    date_verdict = "abstained";
                }
            }
        }
        if let Some(want) = &truth.id_number {
            ids += 1;
            match &reading.id_number {
                Some(got) if got.trusted => ids_right += usize::from(&got.number == want),
                Some(_) => ids_untrusted += 1,
                None => {}
            }
        }
        if let Some(want) = &truth.person {
            persons += 1;
            persons_right += usize::from(reading.person.as_ref().is_some_and(|p| &p.value == want));
        }
        println!(
            "{}",
            serde_json::json!({
                "n": n, "kind": label, "font": font_name, "strength": strength,
                "kind_read": kind, "kind_right": kind_ok, "date": date_verdict,
                "date_read": read_date.map(|d| format!("{:?} {:.3}", d.0, d.1)),
                "date_true": truth.date.map(|d| format!("{d:?}")),
                "ocr_ms": ms,
                "text": lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            })
        );
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let mut thresholds = Vec::new();
    for t in [0.5f32, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] {
        let used: Vec<&(f32, bool)> = date_confidences.iter().filter(|d| d.0 >= t).collect();
        let wrong = used.iter().filter(|d| !d.1).count();
        thresholds.push(serde_json::json!({ "threshold": t, "used": used.len(), "wrong": wrong }));
    }
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "pictures": count,
            "seed": seed,
            "kind_right_pct": pct(kinds_right, count as usize),
            "dates": dated,
            "dates_right_pct": pct(dates_right, dated),
            "dates_wrong_pct": pct(dates_wrong, dated),
            "dates_abstained_pct": pct(dates_abstained, dated),
            "character_error_rate_pct": pct(edits, chars),
            "id_numbers": ids,
            "id_numbers_right_pct": pct(ids_right, ids),
            "id_numbers_untrusted_pct": pct(ids_untrusted, ids),
            "persons": persons,
            "persons_right_pct": pct(persons_right, persons),
            "ocr_ms_mean": ocr_ms / count as f64,
            "check_ms_mean": if write.is_some() { Some(check_ms / count as f64) } else { None },
            "date_thresholds": thresholds,
        }))?
    );
    Ok(())
}
