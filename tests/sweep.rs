//! `scanfit sweep`: the legibility score against quality, the CSV and chart it writes,
//! and the profile it saves, read back by convert. One sweep over generated documents
//! and real scans is shared by the tests that only read its outcome.

mod common;

#[cfg(feature = "cli")]
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use image::{GrayImage, ImageFormat, Luma, Rgb, RgbImage};
use scanfit::encode::Subsampling;
use scanfit::run::NoProgress;
use scanfit::sweep::{self, Grid, Sweep, SweepOptions, CSV_HEADER};
use scanfit::words::Lang;
use scanfit::{Options, Profile};

/// A page of glyph-like strokes on noisy paper, with a red seal ring (`seal`).
fn text_page(w: u32, h: u32, seed: u64, seal: bool) -> RgbImage {
    let mut rng = Rng::new(seed);
    let mut img = RgbImage::from_fn(w, h, |_, _| {
        let n = (rng.byte() % 7) as i16 - 3;
        Rgb([245, 243, 236].map(|c: i16| (c + n) as u8))
    });
    let mut y = 60;
    while y + 24 < h - 60 {
        let mut x = 50;
        while x + 24 < w - 50 {
            for _ in 0..3 + rng.next() % 3 {
                let (a, b) = ((rng.next() % 18) as u32, (rng.next() % 18) as u32);
                let len = 5 + (rng.next() % 14) as u32;
                let (rw, rh) = if rng.next().is_multiple_of(2) {
                    (len.min(24 - a), 2)
                } else {
                    (2, len.min(24 - b))
                };
                for yy in y + b..y + b + rh {
                    for xx in x + a..x + a + rw {
                        img.put_pixel(xx, yy, Rgb([25, 25, 30]));
                    }
                }
            }
            x += 26;
        }
        y += 40;
    }
    if seal {
        let (cx, cy, r) = (f64::from(w) * 0.7, f64::from(h) * 0.75, f64::from(w) / 8.0);
        for (x, y, p) in img.enumerate_pixels_mut() {
            let d = ((f64::from(x) - cx).powi(2) + (f64::from(y) - cy).powi(2)).sqrt();
            if (d - r).abs() < 4.0 {
                *p = Rgb([200, 30, 35]);
            }
        }
    }
    img
}

/// The sample: generated pages (colour with a seal, grey), a generated photo-like
/// picture, and three real pictures from tests/fixtures/real (see its README).
fn inputs() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep-inputs");
        let _ = fs::remove_dir_all(&dir);
        let gen = dir.join("生成 generated");
        fs::create_dir_all(&gen).unwrap();
        let page = image::DynamicImage::ImageRgb8(text_page(900, 1200, 7, true));
        fs::write(gen.join("印章 page.png"), encode(&page, ImageFormat::Png)).unwrap();
        let gray = text_page(700, 900, 8, false);
        let gray = GrayImage::from_fn(700, 900, |x, y| Luma([gray.get_pixel(x, y).0[0]]));
        fs::write(
            gen.join("gray.png"),
            encode(&image::DynamicImage::ImageLuma8(gray), ImageFormat::Png),
        )
        .unwrap();
        let photo = image::DynamicImage::ImageRgb8(quadrants(1000, 750, 40, 9));
        fs::write(gen.join("photo.jpg"), encode(&photo, ImageFormat::Jpeg)).unwrap();
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
        for name in [
            "scan_page_color.png",
            "scan_text_gray.png",
            "photo_orient6_gps.jpg",
        ] {
            fs::copy(real.join(name), dir.join(name)).unwrap();
        }
        // Not a picture by its bytes: reported, not sampled.
        fs::write(dir.join("notes.jpg"), b"meeting notes").unwrap();
        dir
    })
    .clone()
}

fn grid() -> Grid {
    Grid {
        qualities: vec![30, 50, 70, 85, 95, 100],
        subsamplings: vec![Subsampling::S420, Subsampling::S444],
        progressive: vec![true, false],
        trellis: vec![true, false],
        scales: vec![1.0, 0.5],
    }
}

/// One sweep of [`grid`] over [`inputs`], shared by the tests that read it.
fn shared() -> &'static Sweep {
    static SWEEP: OnceLock<Sweep> = OnceLock::new();
    SWEEP.get_or_init(|| {
        let sopts = SweepOptions {
            grid: grid(),
            sample: None,
            seed: 1,
            repeats: 1,
            min_colour: 0.0,
        };
        sweep::sweep(&[inputs()], &Options::default(), &sopts, &NoProgress).unwrap()
    })
}

#[test]
fn raising_quality_never_lowers_the_legibility_score() {
    let s = shared();
    assert_eq!(s.files.len(), 6, "every picture measured: {:?}", s.skipped);
    let settings: Vec<_> = s.results.iter().map(|r| r.setting).collect();
    let mut pairs = 0;
    for (i, a) in settings.iter().enumerate() {
        for (j, b) in settings.iter().enumerate() {
            let same_but_quality = a.jpeg == b.jpeg && a.scale == b.scale;
            if !(same_but_quality && a.quality < b.quality) {
                continue;
            }
            pairs += 1;
            for (file, row) in s.files.iter().zip(&s.measures) {
                assert!(
                    row[j].score >= row[i].score,
                    "{}: {} scores {:.4}, {} scores {:.4}",
                    file.display(),
                    b.label(),
                    row[j].score,
                    a.label(),
                    row[i].score
                );
            }
            // And so do the summaries built from them.
            assert!(s.results[j].worst_score >= s.results[i].worst_score);
            assert!(s.results[j].median_score >= s.results[i].median_score);
            // Bytes go the other way: more quality, more bytes.
            assert!(s.results[j].total_bytes > s.results[i].total_bytes);
        }
    }
    assert!(pairs >= 200, "only {pairs} quality pairs compared");
}

#[test]
fn full_colour_keeps_the_red_seal_better_and_grey_pages_have_no_colour_to_lose() {
    let s = shared();
    let file = |name: &str| s.files.iter().position(|f| f.ends_with(name)).unwrap();
    let (seal, gray) = (file("印章 page.png"), file("gray.png"));
    let mut pairs = 0;
    for (i, a) in s.results.iter().enumerate() {
        for (j, b) in s.results.iter().enumerate() {
            let (a, b) = (a.setting, b.setting);
            if a.jpeg.subsampling == Subsampling::S420
                && b.jpeg.subsampling == Subsampling::S444
                && (a.quality, a.jpeg.progressive, a.jpeg.trellis, a.scale)
                    == (b.quality, b.jpeg.progressive, b.jpeg.trellis, b.scale)
            {
                pairs += 1;
                let (c420, c444) = (s.measures[seal][i].colour, s.measures[seal][j].colour);
                assert!(
                    c444 > c420,
                    "{}: {c444:.3} vs {}: {c420:.3}",
                    b.label(),
                    a.label()
                );
            }
        }
        assert_eq!(s.measures[gray][i].colour, 1.0);
    }
    assert_eq!(pairs, s.results.len() / 2);
}

#[test]
fn summaries_agree_with_the_per_file_measures() {
    let s = shared();
    let profile = Profile::default();
    for (k, r) in s.results.iter().enumerate() {
        let column: Vec<_> = s.measures.iter().map(|row| row[k]).collect();
        assert_eq!(r.total_bytes, column.iter().map(|m| m.bytes).sum::<u64>());
        let worst = column.iter().map(|m| m.score).fold(1.0, f64::min);
        assert_eq!(r.worst_score, worst);
        let worst = column.iter().map(|m| m.colour).fold(1.0, f64::min);
        assert_eq!(r.worst_colour, worst);
        let in_band = column.iter().filter(|m| profile.in_band(m.bytes)).count();
        assert_eq!(r.in_band, in_band as f64 / column.len() as f64);
        assert!(r.ms_per_megapixel > 0.0);
    }
    // The Pareto front: nothing on it is beaten on both axes, everything off it is.
    for a in &s.results {
        let beaten = s.results.iter().any(|b| {
            b.total_bytes <= a.total_bytes
                && b.worst_score >= a.worst_score
                && (b.total_bytes < a.total_bytes || b.worst_score > a.worst_score)
        });
        assert_eq!(a.pareto, !beaten, "{}", a.setting.label());
    }
    // The recommendation: full size, over the floor, and no such setting is smaller.
    let best = s.recommended().expect("a recommendation");
    assert_eq!(best.setting.scale, 1.0);
    assert!(best.worst_score >= s.floor);
    for r in &s.results {
        if r.setting.scale == 1.0 && r.worst_score >= s.floor {
            assert!(r.total_bytes >= best.total_bytes, "{}", r.setting.label());
        }
    }
    // The default setting (q85, 4:2:0, progressive, no trellis) is in the grid once.
    assert_eq!(s.results.iter().filter(|r| r.default).count(), 1);
    assert_eq!(s.results.len(), grid().settings().len());
    let names: Vec<String> = s
        .skipped
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("notes.jpg")), "{names:?}");
}

#[test]
fn the_csv_has_one_row_per_setting_with_every_column() {
    let s = shared();
    let mut out = Vec::new();
    sweep::write_csv(s, &mut out).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(reader.headers().unwrap(), CSV_HEADER.as_slice());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), s.results.len());
    let col = |name: &str| CSV_HEADER.iter().position(|h| *h == name).unwrap();
    for (row, r) in rows.iter().zip(&s.results) {
        assert_eq!(row.len(), CSV_HEADER.len(), "{row:?}");
        assert!(row.iter().all(|f| !f.is_empty()), "{row:?}");
        assert_eq!(row[col("quality")], r.setting.quality.to_string());
        assert_eq!(row[col("total_bytes")], r.total_bytes.to_string());
        assert_eq!(row[col("files")], "6");
        let worst: f64 = row[col("worst_score")].parse().unwrap();
        let median: f64 = row[col("median_score")].parse().unwrap();
        assert!(worst <= median && median <= 1.0);
        assert!(PathBuf::from(&row[col("worst_file")]).is_file());
    }
    let flagged = |name: &str| rows.iter().filter(|r| r[col(name)] == "true").count();
    assert_eq!(flagged("recommended"), 1);
    assert_eq!(flagged("default"), 1);
    assert_eq!(
        flagged("pareto"),
        s.results.iter().filter(|r| r.pareto).count()
    );
}

#[test]
fn the_svg_chart_has_one_circle_per_setting_and_marks_the_default() {
    let s = shared();
    let path = std::env::temp_dir().join(format!("scanfit-chart-{}.svg", std::process::id()));
    scanfit::words::chart::plot(s, &path, Lang::En).unwrap();
    let svg = fs::read_to_string(&path).unwrap();
    fs::remove_file(&path).unwrap();
    assert!(svg.trim_start().starts_with("<svg"), "{}", &svg[..60]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<circle").count(), s.results.len());
    let default = s.results.iter().find(|r| r.default).unwrap();
    assert!(svg.contains(&format!("default ({})", default.setting.label())));
    let best = s.recommended().unwrap();
    assert!(svg.contains(&format!("recommended ({})", best.setting.label())));
    assert!(svg.contains("Pareto front"));
}

#[test]
fn the_png_chart_is_a_real_png_with_marks_drawn() {
    let s = shared();
    let path = std::env::temp_dir().join(format!("scanfit-chart-{}.png", std::process::id()));
    scanfit::words::chart::plot(s, &path, Lang::En).unwrap();
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let img = image::load_from_memory_with_format(&bytes, ImageFormat::Png)
        .unwrap()
        .to_rgb8();
    assert_eq!(img.dimensions(), (1100, 700));
    // Settings are drawn in saturated colours; text and axes are black or gray.
    let coloured = img
        .pixels()
        .filter(|p| {
            let [r, g, b] = p.0;
            r.max(g).max(b) - r.min(g).min(b) > 80
        })
        .count();
    assert!(
        coloured > 30 * s.results.len(),
        "{coloured} coloured pixels"
    );
    assert!(scanfit::words::chart::plot(s, Path::new("chart.gif"), Lang::En).is_err());
}

#[cfg(feature = "cli")]
fn sof(bytes: &[u8]) -> (u8, Vec<u8>) {
    jpeg_markers(bytes)
        .into_iter()
        .find(|(m, _)| matches!(m, 0xC0..=0xC2))
        .expect("a frame header")
}

/// The sampling factors byte of each component in a SOF segment.
#[cfg(feature = "cli")]
fn sampling(sof: &[u8]) -> Vec<u8> {
    (0..usize::from(sof[5]))
        .map(|c| sof[6 + 3 * c + 1])
        .collect()
}

#[test]
#[cfg(feature = "cli")]
fn a_saved_profile_round_trips_into_convert_and_changes_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let page = image::DynamicImage::ImageRgb8(text_page(1100, 1500, 11, true));
    fs::write(input.join("页 1.png"), encode(&page, ImageFormat::Png)).unwrap();
    // A band this page lands in at any quality tried, so convert keeps the profile's.
    let base = dir.path().join("base.toml");
    fs::write(&base, "min_bytes = 20000\nmax_bytes = 3000000\n").unwrap();
    let saved = dir.path().join("推荐 profile.toml");
    let out = scanfit(&[
        OsStr::new("sweep"),
        input.as_os_str(),
        OsStr::new("--profile"),
        base.as_os_str(),
        OsStr::new("--quality"),
        OsStr::new("50,60"),
        OsStr::new("--subsampling"),
        OsStr::new("444"),
        OsStr::new("--progressive"),
        OsStr::new("false"),
        OsStr::new("--trellis"),
        OsStr::new("true"),
        OsStr::new("--save-profile"),
        saved.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("q50 4:4:4 baseline trellis"), "{table}");

    let profile = Profile::from_toml(&fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!((profile.quality, profile.min_quality), (50, 50));
    assert_eq!(profile.subsampling, Subsampling::S444);
    assert_eq!(
        (profile.progressive, profile.trellis),
        (Some(false), Some(true))
    );
    // The rest comes from the base profile and the defaults.
    assert_eq!((profile.min_bytes, profile.max_bytes), (20_000, 3_000_000));
    assert_eq!(profile.min_long_edge, Profile::default().min_long_edge);

    let convert = |name: &str, extra: &[&OsStr]| {
        let out_dir = dir.path().join(name);
        let report = dir.path().join(format!("{name}.jsonl"));
        let mut args = vec![
            OsStr::new("convert"),
            input.as_os_str(),
            OsStr::new("-o"),
            out_dir.as_os_str(),
            OsStr::new("--report"),
            report.as_os_str(),
            // The PNG is in the band as it is; JPEG makes convert encode it.
            OsStr::new("--format"),
            OsStr::new("jpeg"),
        ];
        args.extend_from_slice(extra);
        let out = scanfit(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let record = read_report(&report).remove(0);
        (fs::read(out_dir.join("页 1.jpg")).unwrap(), record)
    };
    let (tuned, record) = convert("tuned", &[OsStr::new("--profile"), saved.as_os_str()]);
    let (plain, plain_record) = convert("plain", &[OsStr::new("--min-size"), OsStr::new("20000")]);

    // Baseline (SOF0) with every component at full resolution (4:4:4), at quality 50.
    let (marker, header) = sof(&tuned);
    assert_eq!(marker, 0xC0);
    assert_eq!(sampling(&header), vec![0x11, 0x11, 0x11]);
    assert_eq!(record["quality"], 50);
    // The default: progressive (SOF2), 4:2:0 (luma sampled 2×2), quality 85.
    let (marker, header) = sof(&plain);
    assert_eq!(marker, 0xC2);
    assert_eq!(sampling(&header), vec![0x22, 0x11, 0x11]);
    assert_eq!(plain_record["quality"], 85);
    assert!(tuned.len() < plain.len());
    let img = image::load_from_memory(&tuned).unwrap();
    assert_eq!((img.width(), img.height()), (1100, 1500));

    // A flag given with the profile overrides it.
    let (_, record) = convert(
        "override",
        &[
            OsStr::new("--profile"),
            saved.as_os_str(),
            OsStr::new("--quality"),
            OsStr::new("90"),
        ],
    );
    assert_eq!(record["quality"], 90);
}

#[test]
#[cfg(feature = "cli")]
fn a_profile_with_a_typo_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "qualty = 60\n").unwrap();
    let out = scanfit(&[
        OsStr::new("convert"),
        dir.path().as_os_str(),
        OsStr::new("-o"),
        dir.path().join("out").as_os_str(),
        OsStr::new("--profile"),
        bad.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("qualty") && err.contains("bad.toml"), "{err}");
    assert!(!dir.path().join("out").exists());
}
