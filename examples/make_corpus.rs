//! Deterministic benchmark corpus for scanfit.
//!
//! ```text
//! cargo run --release --example make_corpus -- OUTDIR [--seed N] [--scale small|full]
//! ```
//!
//! The speed and band-hit numbers scanfit publishes have to be reproducible by anyone, but
//! the files people really upload to an ICP-filing portal (ID cards, licences, signed and
//! sealed letters) can never be published. So this program paints stand-ins for them from
//! nothing but a seed, with a built-in SplitMix64 generator and no libm-dependent noise, so
//! one seed on one build always gives byte-identical files:
//!
//! - `scan_a4_300dpi_NN.{png,tif,jpg}`: A4 colour pages at 300 dpi (2480×3508). Off-white,
//!   unevenly toned paper; printed text in several sizes (a 5×7 bitmap font for Latin capitals
//!   and digits, generated blocky "CJK-like" glyphs); a ruled table with some cells filled in
//!   by pen; a pen signature; a red round company seal stamped over the text; a slight optical
//!   blur and scanner grain. Each page is saved the three ways scanner software offers: PNG,
//!   TIFF (LZW and Deflate on alternate pages) and JPEG q95. The lossless ones are 10-20 MB,
//!   far above the 4 MB ceiling, and their grain is what makes them expensive to shrink.
//! - `photo_12mp_orient6_NN.jpg`, `photo_48mp_orient6_NN.jpg`: a phone photo of such a page
//!   lying slightly askew on a desk, with a lighting gradient and sensor noise, JPEG q92. The
//!   pixels are stored sideways (4000×3000 or 8000×6000) with EXIF Orientation=6, as a phone
//!   held upright stores them, plus GPS, Make/Model and DateTimeOriginal: the tool has to
//!   rotate, strip the metadata and shrink them.
//! - `cert_console_NN.png`: registrar-console style certificates (about 1000×700) in flat
//!   colours with a border, text, a QR-like block and a small red seal, all well under 200 KB:
//!   the tool has to grow them into the band without making them worse.
//! - `tiny_WxH_NN.{png,jpg}`: thumbnails from 120×80 to 320×224, the extreme of that problem.
//!
//! `--scale small` writes one file of each class for a CI smoke run; `full` (the default)
//! writes 43 files. A job's content depends only on the seed and the file's class and
//! number, so a small corpus is a subset of the full one. `OUTDIR/manifest.tsv` lists
//! file, class, width, height and bytes. See corpus/BENCH.md for the mix and the sizes.

use std::collections::HashSet;
use std::error::Error;
use std::f32::consts::PI;
use std::fs;
use std::io::{Cursor, ErrorKind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use exif::experimental::Writer as ExifWriter;
use exif::{Field, In, Tag, Value};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::{self, FilterType};
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};
use rayon::prelude::*;
use tiff::encoder::{colortype, Compression, DeflateLevel, Predictor, Rational, TiffEncoder};
use tiff::tags::ResolutionUnit;

#[path = "../tests/support/homography.rs"]
mod homography;
#[path = "../tests/support/rng.rs"]
mod rng;
use homography::Homography;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

const USAGE: &str = "usage: make_corpus OUTDIR [--seed N] [--scale small|full]";

/// A4 at 300 dpi, the commonest flatbed setting for filing documents.
const PAGE_W: u32 = 2480;
const PAGE_H: u32 = 3508;

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("make_corpus: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("make_corpus: {error}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy)]
enum Scale {
    Small,
    Full,
}

struct Args {
    out: PathBuf,
    seed: u64,
    scale: Scale,
}

/// `Ok(None)` means help was asked for.
fn parse_args() -> Result<Option<Args>, String> {
    let mut out = None;
    let mut seed = 1;
    let mut scale = Scale::Full;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let value = args.next().ok_or("--seed needs a number")?;
                seed = value
                    .parse()
                    .map_err(|_| format!("--seed: `{value}` is not a whole number"))?;
            }
            "--scale" => {
                scale = match args.next().as_deref() {
                    Some("small") => Scale::Small,
                    Some("full") => Scale::Full,
                    other => {
                        let got = other.unwrap_or("nothing");
                        return Err(format!("--scale: expected small or full, got `{got}`"));
                    }
                }
            }
            "-h" | "--help" => return Ok(None),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if out.is_none() => out = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let out = out.ok_or("missing OUTDIR")?;
    Ok(Some(Args { out, seed, scale }))
}

fn run(args: &Args) -> Res<()> {
    let started = Instant::now();
    fs::create_dir_all(&args.out).map_err(|e| format!("creating {}: {e}", args.out.display()))?;
    // Each job draws from its own generator, so the thread schedule cannot change a byte.
    let made: Vec<Vec<Entry>> = plan(args.scale)
        .par_iter()
        .map(|&job| make(job, args.seed, &args.out))
        .collect::<Res<_>>()?;
    let mut entries: Vec<Entry> = made.into_iter().flatten().collect();
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    remove_stale(&args.out, &entries)?;
    let mut manifest = String::from("file\tclass\twidth\theight\tbytes\n");
    for e in &entries {
        manifest += &format!(
            "{}\t{}\t{}\t{}\t{}\n",
            e.file, e.class, e.width, e.height, e.bytes
        );
    }
    write(&args.out.join("manifest.tsv"), manifest.as_bytes())?;
    let total: usize = entries.iter().map(|e| e.bytes).sum();
    eprintln!(
        "make_corpus: {} files, {:.1} MB, seed {}, in {:.1} s -> {}",
        entries.len(),
        total as f64 / 1e6,
        args.seed,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// A previous run may have written files this one does not (a full corpus, then a small one).
/// Removing exactly those its manifest lists keeps the folder equal to the new manifest
/// without ever touching a file this program did not write.
fn remove_stale(out: &Path, entries: &[Entry]) -> Res<()> {
    let old = match fs::read_to_string(out.join("manifest.tsv")) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let current: HashSet<&str> = entries.iter().map(|e| e.file.as_str()).collect();
    for line in old.lines().skip(1) {
        let file = line.split('\t').next().unwrap_or_default();
        if file.is_empty() || file.contains(['/', '\\']) || current.contains(file) {
            continue;
        }
        match fs::remove_file(out.join(file)) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Job {
    Scan(u32),
    Photo { megapixels: u32, n: u32 },
    Cert(u32),
    Tiny { w: u32, h: u32, jpeg: bool, n: u32 },
}

fn plan(scale: Scale) -> Vec<Job> {
    let (scans, photos_12, photos_48, certs) = match scale {
        Scale::Small => (1, 1, 1, 1),
        Scale::Full => (6, 8, 3, 10),
    };
    let tiny: &[(u32, u32, bool)] = match scale {
        Scale::Small => &[(120, 80, false), (200, 150, true)],
        Scale::Full => &[
            (120, 80, false),
            (200, 150, true),
            (160, 112, false),
            (320, 224, true),
        ],
    };
    // Heaviest first, so the run does not end with one core alone on a 48 MP photo.
    let mut jobs = Vec::new();
    jobs.extend((1..=photos_48).map(|n| Job::Photo { megapixels: 48, n }));
    jobs.extend((1..=scans).map(Job::Scan));
    jobs.extend((1..=photos_12).map(|n| Job::Photo { megapixels: 12, n }));
    jobs.extend((1..=certs).map(Job::Cert));
    jobs.extend(
        (1..)
            .zip(tiny)
            .map(|(n, &(w, h, jpeg))| Job::Tiny { w, h, jpeg, n }),
    );
    jobs
}

struct Entry {
    file: String,
    class: &'static str,
    width: u32,
    height: u32,
    bytes: usize,
}

/// Seeds a job from the corpus seed and the job's identity only (not its position in the
/// plan), so `--scale small` reproduces the first files of `--scale full` exactly.
fn job_rng(seed: u64, class: u64, n: u32) -> Rng {
    Rng(rng::mix(seed ^ rng::mix((class << 32) | u64::from(n))))
}

fn make(job: Job, seed: u64, out: &Path) -> Res<Vec<Entry>> {
    match job {
        Job::Scan(n) => {
            let mut rng = job_rng(seed, 1, n);
            let page = render_page(&mut rng);
            let stem = format!("scan_a4_300dpi_{n:02}");
            // Scanner drivers offer both TIFF codecs; alternate so both get decoded.
            let codec = if n % 2 == 1 {
                Compression::Lzw
            } else {
                Compression::Deflate(DeflateLevel::Balanced)
            };
            Ok(vec![
                save(
                    out,
                    format!("{stem}.png"),
                    "scan-png",
                    &page,
                    &encode_png(&page, CompressionType::Default)?,
                )?,
                save(
                    out,
                    format!("{stem}.tif"),
                    "scan-tiff",
                    &page,
                    &encode_tiff(&page, codec)?,
                )?,
                save(
                    out,
                    format!("{stem}.jpg"),
                    "scan-jpeg",
                    &page,
                    &encode_jpeg(&page, 95.0, Some(300), None)?,
                )?,
            ])
        }
        Job::Photo { megapixels, n } => {
            let mut rng = job_rng(seed, 2 + u64::from(megapixels), n);
            let (long, short) = if megapixels == 48 {
                (8000, 6000)
            } else {
                (4000, 3000)
            };
            let page = render_page(&mut rng);
            let upright = render_photo(&mut rng, &page, short, long);
            // A phone held upright stores the sensor's landscape pixels and tags them
            // Orientation=6 ("rotate 90° clockwise to view"); so the stored pixels are the
            // upright picture turned 90° anticlockwise.
            let stored = imageops::rotate270(&upright);
            let exif = camera_exif(&mut rng, megapixels, &stored)?;
            let class = if megapixels == 48 {
                "photo-48mp"
            } else {
                "photo-12mp"
            };
            let file = format!("photo_{megapixels}mp_orient6_{n:02}.jpg");
            let bytes = encode_jpeg(&stored, 92.0, None, Some(&exif))?;
            Ok(vec![save(out, file, class, &stored, &bytes)?])
        }
        Job::Cert(n) => {
            let mut rng = job_rng(seed, 4, n);
            let &(w, h) = rng.pick(&[
                (1000, 700),
                (1100, 780),
                (960, 680),
                (1200, 840),
                (900, 640),
            ]);
            let cert = render_cert(&mut rng, w, h);
            let file = format!("cert_console_{n:02}.png");
            Ok(vec![save(
                out,
                file,
                "cert-png",
                &cert,
                &encode_png(&cert, CompressionType::Best)?,
            )?])
        }
        Job::Tiny { w, h, jpeg, n } => {
            let mut rng = job_rng(seed, 5, n);
            // Drawn five times larger and shrunk, as a thumbnail of a real certificate would be.
            let big = render_cert(&mut rng, w * 5, h * 5);
            let small = imageops::resize(&big, w, h, FilterType::Triangle);
            let (class, ext, bytes) = if jpeg {
                ("tiny-jpeg", "jpg", encode_jpeg(&small, 85.0, None, None)?)
            } else {
                (
                    "tiny-png",
                    "png",
                    encode_png(&small, CompressionType::Best)?,
                )
            };
            let file = format!("tiny_{w}x{h}_{n:02}.{ext}");
            Ok(vec![save(out, file, class, &small, &bytes)?])
        }
    }
}

fn save(out: &Path, file: String, class: &'static str, img: &RgbImage, bytes: &[u8]) -> Res<Entry> {
    write(&out.join(&file), bytes)?;
    eprintln!("  {file} ({} bytes)", bytes.len());
    Ok(Entry {
        file,
        class,
        width: img.width(),
        height: img.height(),
        bytes: bytes.len(),
    })
}

fn write(path: &Path, bytes: &[u8]) -> Res<()> {
    fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()).into())
}

// ---------------------------------------------------------------------------------------
// Encoders

fn encode_png(img: &RgbImage, compression: CompressionType) -> Res<Vec<u8>> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, compression, PngFilter::Adaptive).write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::Rgb8,
    )?;
    Ok(bytes)
}

fn encode_tiff(img: &RgbImage, codec: Compression) -> Res<Vec<u8>> {
    let mut bytes = Cursor::new(Vec::new());
    // The horizontal predictor is what scanner software pairs with LZW/Deflate; without it
    // the files are a third larger than the ones people actually have.
    let mut tiff = TiffEncoder::new(&mut bytes)?
        .with_compression(codec)
        .with_predictor(Predictor::Horizontal);
    let mut page = tiff.new_image::<colortype::RGB8>(img.width(), img.height())?;
    page.resolution(ResolutionUnit::Inch, Rational { n: 300, d: 1 });
    page.write_data(img.as_raw())?;
    Ok(bytes.into_inner())
}

/// libjpeg-turbo-equivalent output (mozjpeg's fastest profile, 4:2:0), which is what scanner
/// and camera firmware produce, not mozjpeg's trellis-optimised files; `app1` is an EXIF
/// payload including its `Exif\0\0` header.
fn encode_jpeg(
    img: &RgbImage,
    quality: f32,
    dpi: Option<u16>,
    app1: Option<&[u8]>,
) -> Res<Vec<u8>> {
    let mut jpeg = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    jpeg.set_fastest_defaults();
    jpeg.set_size(img.width() as usize, img.height() as usize);
    jpeg.set_quality(quality);
    if let Some(dpi) = dpi {
        jpeg.set_pixel_density(mozjpeg::PixelDensity {
            unit: mozjpeg::PixelDensityUnit::Inches,
            x: dpi,
            y: dpi,
        });
    }
    let mut started = jpeg.start_compress(Vec::new())?;
    if let Some(app1) = app1 {
        started.write_marker(mozjpeg::Marker::APP(1), app1);
    }
    started.write_scanlines(img.as_raw())?;
    Ok(started.finish()?)
}

/// The tags a phone writes that matter to scanfit: Orientation (must be applied, then
/// dropped), GPS and camera identity (privacy: must be stripped), and the capture date.
fn camera_exif(rng: &mut Rng, megapixels: u32, stored: &RgbImage) -> Res<Vec<u8>> {
    let &(make, model) = if megapixels == 48 {
        rng.pick(&[
            ("Apple", "iPhone 15 Pro"),
            ("Xiaomi", "23127PN0CC"),
            ("HUAWEI", "ALN-AL00"),
        ])
    } else {
        rng.pick(&[
            ("Apple", "iPhone 13"),
            ("OPPO", "PGKM10"),
            ("vivo", "V2309A"),
            ("HUAWEI", "NOH-AN00"),
        ])
    };
    // Beijing, Shanghai, Shenzhen, Chengdu, Hangzhou, Wuhan: where filing agencies are.
    let &(lat, lon) = rng.pick(&[
        (39.9042, 116.4074),
        (31.2304, 121.4737),
        (22.5431, 114.0579),
        (30.5728, 104.0668),
        (30.2741, 120.1551),
        (30.5928, 114.3055),
    ]);
    let lat = lat + f64::from(rng.range(-0.05, 0.05));
    let lon = lon + f64::from(rng.range(-0.05, 0.05));
    let taken = format!(
        "2024:{:02}:{:02} {:02}:{:02}:{:02}",
        1 + rng.below(12),
        1 + rng.below(28),
        8 + rng.below(12),
        rng.below(60),
        rng.below(60)
    );
    let field = |tag, value| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    };
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let seventy_two = exif::Rational { num: 72, denom: 1 };
    let fields = [
        field(Tag::Make, ascii(make)),
        field(Tag::Model, ascii(model)),
        field(Tag::Orientation, Value::Short(vec![6])),
        field(Tag::ExifVersion, Value::Undefined(b"0232".to_vec(), 0)),
        field(Tag::DateTimeOriginal, ascii(&taken)),
        field(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0])),
        field(Tag::GPSLatitudeRef, ascii("N")),
        field(Tag::GPSLatitude, Value::Rational(dms(lat))),
        field(Tag::GPSLongitudeRef, ascii("E")),
        field(Tag::GPSLongitude, Value::Rational(dms(lon))),
        // The rest of what EXIF 2.3 requires of a camera JPEG, so `exiftool -validate`
        // passes and no reader treats the block as damaged.
        field(Tag::XResolution, Value::Rational(vec![seventy_two])),
        field(Tag::YResolution, Value::Rational(vec![seventy_two])),
        field(Tag::ResolutionUnit, Value::Short(vec![2])),
        field(Tag::YCbCrPositioning, Value::Short(vec![1])),
        field(
            Tag::ComponentsConfiguration,
            Value::Undefined(vec![1, 2, 3, 0], 0),
        ),
        field(Tag::FlashpixVersion, Value::Undefined(b"0100".to_vec(), 0)),
        field(Tag::ColorSpace, Value::Short(vec![1])),
        field(Tag::PixelXDimension, Value::Long(vec![stored.width()])),
        field(Tag::PixelYDimension, Value::Long(vec![stored.height()])),
    ];
    let mut writer = ExifWriter::new();
    for f in &fields {
        writer.push_field(f);
    }
    // The writer computes offsets from the stream start, so the TIFF block is written on
    // its own and the APP1 identifier is put in front afterwards.
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false)?;
    Ok([b"Exif\0\0".as_slice(), tiff.get_ref()].concat())
}

/// Degrees, minutes, hundredths of seconds: the rational triple EXIF GPS uses.
fn dms(degrees: f64) -> Vec<exif::Rational> {
    let whole = degrees.trunc();
    let minutes = (degrees - whole) * 60.0;
    let seconds = (minutes - minutes.trunc()) * 60.0;
    let r = |num: f64, denom| exif::Rational {
        num: num as u32,
        denom,
    };
    vec![
        r(whole, 1),
        r(minutes.trunc(), 1),
        r((seconds * 100.0).round(), 100),
    ]
}

// ---------------------------------------------------------------------------------------
// Randomness

/// SplitMix64 (Steele, Lea & Flood, 2014): tiny and fast, and its stream depends on nothing
/// but the seed, unlike a rand crate whose algorithms may change between versions.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        rng::splitmix64(&mut self.0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u32 << 24) as f32
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in [0, n).
    fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }

    /// Roughly standard normal: the sum of four 16-bit uniforms (Irwin-Hall), rescaled.
    /// Integer sums only, so no platform's libm can change a grain value.
    fn gauss(&mut self) -> f32 {
        let r = self.next_u64();
        let sum: u64 = (0..4).map(|i| (r >> (16 * i)) & 0xFFFF).sum();
        (sum as f32 - 131_070.0) / 37_837.0
    }
}

/// A smooth random field: random values on a coarse grid, blended with smoothstep. Paper
/// tone, desk texture and stamp-ink mottling are all low-frequency variation of this kind.
struct ValueNoise {
    cols: usize,
    cell: f32,
    values: Vec<f32>,
}

impl ValueNoise {
    fn new(rng: &mut Rng, w: u32, h: u32, cell: f32) -> Self {
        let cols = (w as f32 / cell) as usize + 2;
        let rows = (h as f32 / cell) as usize + 2;
        let values = (0..cols * rows).map(|_| rng.range(-1.0, 1.0)).collect();
        ValueNoise { cols, cell, values }
    }

    /// In [-1, 1], for 0 <= x < w, 0 <= y < h.
    fn at(&self, x: f32, y: f32) -> f32 {
        let (gx, gy) = ((x / self.cell).max(0.0), (y / self.cell).max(0.0));
        let (ix, iy) = (gx as usize, gy as usize);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (fx, fy) = (smooth(gx - ix as f32), smooth(gy - iy as f32));
        let i = iy * self.cols + ix;
        let v = &self.values;
        let top = v[i] + (v[i + 1] - v[i]) * fx;
        let bottom = v[i + self.cols] + (v[i + self.cols + 1] - v[i + self.cols]) * fx;
        top + (bottom - top) * fy
    }
}

// ---------------------------------------------------------------------------------------
// Drawing

/// Coverage (0-255) of one ink over the whole picture. Shapes are merged with `max`, so
/// overlapping strokes of one pen do not darken twice; each ink is then laid on the paper
/// once, in the order a real document gets them (print, pen, stamp).
struct Mask {
    w: i32,
    h: i32,
    cover: Vec<u8>,
}

impl Mask {
    fn new(w: u32, h: u32) -> Self {
        Mask {
            w: w as i32,
            h: h as i32,
            cover: vec![0; (w * h) as usize],
        }
    }

    fn put(&mut self, x: i32, y: i32, c: u8) {
        if (0..self.w).contains(&x) && (0..self.h).contains(&y) {
            let p = &mut self.cover[(y * self.w + x) as usize];
            *p = (*p).max(c);
        }
    }

    /// Clamped integer pixel range [lo, hi) covering [a, b) along an axis of length `len`.
    fn span(a: f32, b: f32, len: i32) -> std::ops::Range<i32> {
        (a.round() as i32).clamp(0, len)..(b.round() as i32).clamp(0, len)
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: u8) {
        let xs = Self::span(x0, x1, self.w);
        for y in Self::span(y0, y1, self.h) {
            let row = (y * self.w) as usize;
            for p in &mut self.cover[row + xs.start as usize..row + xs.end as usize] {
                *p = (*p).max(c);
            }
        }
    }

    /// Four rules of thickness `t` along the inside of a box.
    fn frame(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, t: f32, c: u8) {
        self.rect(x0, y0, x1, y0 + t, c);
        self.rect(x0, y1 - t, x1, y1, c);
        self.rect(x0, y0, x0 + t, y1, c);
        self.rect(x1 - t, y0, x1, y1, c);
    }

    /// Antialiased annulus between radii `inner` and `outer`; `inner` = 0 gives a disc.
    fn ring(&mut self, cx: f32, cy: f32, outer: f32, inner: f32, c: u8) {
        for y in Self::span(cy - outer - 1.0, cy + outer + 2.0, self.h) {
            for x in Self::span(cx - outer - 1.0, cx + outer + 2.0, self.w) {
                let d = (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy);
                let cov = (outer + 0.5 - d).min(d - inner + 0.5).clamp(0.0, 1.0);
                if cov > 0.0 {
                    self.put(x, y, (f32::from(c) * cov) as u8);
                }
            }
        }
    }

    /// Even-odd scanline fill (one sample per pixel centre; the later blur softens edges).
    fn polygon(&mut self, pts: &[(f32, f32)], c: u8) {
        let (y_min, y_max) = pts.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
        let mut xs = Vec::new();
        for y in Self::span(y_min - 1.0, y_max + 1.0, self.h) {
            let py = y as f32 + 0.5;
            xs.clear();
            for (i, &(x0, y0)) in pts.iter().enumerate() {
                let (x1, y1) = pts[(i + 1) % pts.len()];
                if (y0 <= py) != (y1 <= py) {
                    xs.push(x0 + (py - y0) / (y1 - y0) * (x1 - x0));
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                for x in Self::span(pair[0], pair[1], self.w) {
                    self.put(x, y, c);
                }
            }
        }
    }

    /// A pen line of width `pen` along a polyline, stamped as discs every half pixel.
    fn stroke(&mut self, pts: &[(f32, f32)], pen: f32, c: u8) {
        for pair in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let steps = ((x1 - x0).hypot(y1 - y0) * 2.0).ceil().max(1.0) as usize;
            for s in 0..steps {
                let t = s as f32 / steps as f32;
                self.ring(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, pen / 2.0, 0.0, c);
            }
        }
    }
}

/// Paper takes ink by absorption (multiply: a red seal over black text leaves the text
/// black); screen graphics are alpha-composited over what is below.
#[derive(Clone, Copy)]
enum Blend {
    Multiply,
    Over,
}

fn lay_ink(img: &mut RgbImage, mask: &Mask, ink: [u8; 3], opacity: f32, blend: Blend) {
    for (px, &m) in img.pixels_mut().zip(&mask.cover) {
        if m == 0 {
            continue;
        }
        let a = f32::from(m) / 255.0 * opacity;
        for (ch, &k) in px.0.iter_mut().zip(&ink) {
            let (base, k) = (f32::from(*ch), f32::from(k));
            let v = match blend {
                Blend::Multiply => base * (1.0 - a * (1.0 - k / 255.0)),
                Blend::Over => base + (k - base) * a,
            };
            *ch = v.round() as u8;
        }
    }
}

/// Catmull-Rom spline through every point: handwriting is smooth between the pen's turns.
fn spline(pts: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let last = pts.len() - 1;
    let mut out = Vec::new();
    for i in 0..last {
        let (p0, p1, p2, p3) = (
            pts[i.saturating_sub(1)],
            pts[i],
            pts[i + 1],
            pts[(i + 2).min(last)],
        );
        let steps = ((p2.0 - p1.0).hypot(p2.1 - p1.1) / 2.0).ceil().max(1.0) as usize;
        for s in 0..steps {
            let t = s as f32 / steps as f32;
            let (t2, t3) = (t * t, t * t * t);
            let cr = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (c - a) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (3.0 * b - a - 3.0 * c + d) * t3)
            };
            out.push((cr(p0.0, p1.0, p2.0, p3.0), cr(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    out.push(pts[last]);
    out
}

// ---------------------------------------------------------------------------------------
// Lettering

/// 5×7 capitals, digits and the punctuation of IDs, dates and domains; rows top to bottom,
/// bit 4 is the leftmost column. No font renderer is needed for text that only has to look
/// and compress like print.
fn glyph_rows(c: char) -> [u8; 7] {
    match c {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        'A' => [0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        '/' => [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
        _ => [0; 7],
    }
}

/// Width of `text` in the 5×7 font with `px`-pixel cells (one blank column between glyphs).
fn latin_width(text: &str, px: f32) -> f32 {
    (text.chars().count() * 6) as f32 * px - px
}

/// Draws `text` with its top-left corner at (x, y); returns the x after the last glyph.
fn latin(mask: &mut Mask, rng: &mut Rng, x: f32, y: f32, px: f32, text: &str) -> f32 {
    let mut pen = x;
    for ch in text.chars() {
        // Toner density differs a little from glyph to glyph; an even fill looks synthetic.
        let c = 255 - rng.below(45) as u8;
        for (row, bits) in (0..).zip(glyph_rows(ch)) {
            for col in (0..5).filter(|col| bits >> (4 - col) & 1 == 1) {
                let (gx, gy) = (pen + col as f32 * px, y + row as f32 * px);
                mask.rect(gx, gy, gx + px, gy + px, c);
            }
        }
        pen += 6.0 * px;
    }
    pen
}

const WORDS: &[&str] = &[
    "BEIJING",
    "SHANGHAI",
    "SHENZHEN",
    "CO LTD",
    "TECHNOLOGY",
    "NETWORK",
    "DOMAIN",
    "SERVER",
    "LICENSE",
    "WEBSITE",
    "CLOUD",
    "ICP",
    "HANGZHOU",
    "DATA CENTER",
];

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// The Latin runs of a filing: ID numbers, dates, domains, licence numbers, place names.
fn latin_word(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => digits(rng, 18),
        1 => format!(
            "{}-{:02}-{:02}",
            2023 + rng.below(3),
            1 + rng.below(12),
            1 + rng.below(28)
        ),
        2 => format!(
            "{}{}.CN",
            rng.pick(&["SHOP", "YUN", "DATA", "WEB"]),
            rng.below(100)
        ),
        3 => format!("ICP {}", digits(rng, 8)),
        _ => rng.pick(WORDS).to_string(),
    }
}

/// A Latin run no wider than `max` pixels.
fn latin_fit(rng: &mut Rng, max: f32, px: f32) -> String {
    let word = latin_word(rng);
    if latin_width(&word, px) <= max {
        return word;
    }
    let n = ((max + px) / (6.0 * px)).floor().max(1.0) as usize;
    digits(rng, n)
}

/// A made-up ideograph as rectangles (x0, y0, x1, y1) in the unit square. Real CJK glyphs are
/// dense boxes of horizontal and vertical strokes grouped into radicals; that texture, not
/// readability, is what blur, JPEG and a legibility check react to.
fn ideograph(rng: &mut Rng) -> Vec<[f32; 4]> {
    let t = rng.range(0.08, 0.11);
    let split = rng.range(0.35, 0.55);
    let mut rects = Vec::new();
    let parts = match rng.below(4) {
        0 => vec![[0.05, 0.05, 0.95, 0.95]],
        1 => vec![[0.05, 0.05, split, 0.95], [split + 0.08, 0.05, 0.95, 0.95]],
        2 => vec![[0.05, 0.05, 0.95, split], [0.05, split + 0.08, 0.95, 0.95]],
        _ => {
            enclosure(&mut rects, [0.08, 0.08, 0.92, 0.92], t);
            vec![[0.24, 0.24, 0.76, 0.76]]
        }
    };
    for [x0, y0, x1, y1] in parts {
        let (w, h) = (x1 - x0, y1 - y0);
        for _ in 0..3 + rng.below(3) {
            match rng.below(6) {
                0 | 1 => {
                    let y = y0 + rng.unit() * (h - t);
                    rects.push([
                        x0 + rng.range(0.0, 0.3) * w,
                        y,
                        x1 - rng.range(0.0, 0.3) * w,
                        y + t,
                    ]);
                }
                2 | 3 => {
                    let x = x0 + rng.unit() * (w - t);
                    rects.push([
                        x,
                        y0 + rng.range(0.0, 0.3) * h,
                        x + t,
                        y1 - rng.range(0.0, 0.3) * h,
                    ]);
                }
                4 => {
                    let (bw, bh) = (w * rng.range(0.3, 0.7), h * rng.range(0.25, 0.5));
                    let (bx, by) = (x0 + rng.unit() * (w - bw), y0 + rng.unit() * (h - bh));
                    enclosure(&mut rects, [bx, by, bx + bw, by + bh], t);
                }
                _ => {
                    // A dot stroke.
                    let (x, y) = (
                        x0 + rng.unit() * (w - 2.0 * t),
                        y0 + rng.unit() * (h - 2.0 * t),
                    );
                    rects.push([x, y, x + 1.5 * t, y + 2.0 * t]);
                }
            }
        }
    }
    rects
}

/// The 口 shape: four strokes around a box.
fn enclosure(rects: &mut Vec<[f32; 4]>, [x0, y0, x1, y1]: [f32; 4], t: f32) {
    rects.extend([
        [x0, y0, x1, y0 + t],
        [x0, y1 - t, x1, y1],
        [x0, y0, x0 + t, y1],
        [x1 - t, y0, x1, y1],
    ]);
}

fn hanzi(mask: &mut Mask, rng: &mut Rng, x: f32, y: f32, size: f32) {
    let c = 255 - rng.below(45) as u8;
    for [x0, y0, x1, y1] in ideograph(rng) {
        mask.rect(
            x + x0 * size,
            y + y0 * size,
            x + x1 * size,
            y + y1 * size,
            c,
        );
    }
}

/// An ideograph centred on (cx, cy) and turned by `angle` (clockwise, radians), as on the
/// arc of a seal: its top faces away from the seal's centre.
fn hanzi_turned(mask: &mut Mask, rng: &mut Rng, (cx, cy): (f32, f32), size: f32, angle: f32) {
    let (sin, cos) = angle.sin_cos();
    let at = |u: f32, v: f32| {
        let (u, v) = ((u - 0.5) * size, (v - 0.5) * size);
        (cx + u * cos - v * sin, cy + u * sin + v * cos)
    };
    for [x0, y0, x1, y1] in ideograph(rng) {
        mask.polygon(&[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)], 255);
    }
}

/// `n` ideographs centred horizontally in a picture `width` wide; returns the bottom y.
fn centred_hanzi(mask: &mut Mask, rng: &mut Rng, y: f32, n: u32, size: f32, width: f32) -> f32 {
    let advance = size * 1.15;
    let x = (width - n as f32 * advance + size * 0.15) / 2.0;
    for i in 0..n {
        hanzi(mask, rng, x + i as f32 * advance, y, size);
    }
    y + size
}

fn centred_latin(mask: &mut Mask, rng: &mut Rng, y: f32, px: f32, text: &str, width: f32) -> f32 {
    latin(
        mask,
        rng,
        (width - latin_width(text, px)) / 2.0,
        y,
        px,
        text,
    );
    y + 7.0 * px
}

/// One line of body text from `x` to at most `x_end`: runs of ideographs ended by a full
/// stop or comma, with Latin runs (IDs, dates, domains) mixed in as in real filings.
fn text_line(mask: &mut Mask, rng: &mut Rng, x: f32, x_end: f32, y: f32, size: f32) {
    let advance = size * 1.1;
    // Latin capitals at about three quarters of the ideograph height, on its baseline.
    let px = (size * 0.11).max(1.0);
    let mut pen = x;
    while pen + advance <= x_end {
        if rng.chance(0.15) {
            let word = latin_fit(rng, x_end - pen - size * 0.4, px);
            if pen + size * 0.4 + latin_width(&word, px) > x_end {
                break;
            }
            pen = latin(mask, rng, pen + size * 0.2, y + size - 7.0 * px, px, &word) + size * 0.3;
            continue;
        }
        for _ in 0..2 + rng.below(8) {
            if pen + advance > x_end {
                return;
            }
            hanzi(mask, rng, pen, y, size);
            pen += advance;
        }
        if pen + advance <= x_end {
            mask.rect(
                pen + size * 0.1,
                y + size * 0.78,
                pen + size * 0.28,
                y + size * 0.96,
                240,
            );
            pen += advance;
        }
    }
}

/// Paragraphs of body text from `y`, each line `lead` below the last; returns the new y.
fn paragraphs(
    mask: &mut Mask,
    rng: &mut Rng,
    (left, right): (f32, f32),
    mut y: f32,
    count: u32,
    size: f32,
) -> f32 {
    let lead = size * 1.75;
    for _ in 0..count {
        let lines = 2 + rng.below(4);
        for line in 0..lines {
            // First-line indent of two characters; the last line stops short.
            let x = if line == 0 {
                left + 2.0 * size * 1.1
            } else {
                left
            };
            let end = if line + 1 == lines {
                left + (right - left) * rng.range(0.3, 0.9)
            } else {
                right
            };
            text_line(mask, rng, x, end, y, size);
            y += lead;
        }
        y += size * 0.6;
    }
    y
}

/// Cursive-looking pen trace from `x0` to `x1` in a band `h` tall below `y`: a smooth curve
/// through turning points that mostly advance to the right and sometimes double back, which
/// is what makes loops.
fn handwriting(mask: &mut Mask, rng: &mut Rng, (x0, x1): (f32, f32), y: f32, h: f32, pen: f32) {
    // Handwriting leans right: points higher up are pushed right.
    let slant = rng.range(0.1, 0.4);
    let mut x = x0;
    while x < x1 {
        let mut pts = Vec::new();
        // One pen-down stroke of a few letters, then a lift.
        let end = (x + h * rng.range(1.0, 3.0)).min(x1);
        while x < end {
            // Up to the top of a letter (an ascender now and then), down to the baseline.
            let top = h * if rng.chance(0.25) {
                rng.range(0.0, 0.15)
            } else {
                rng.range(0.35, 0.6)
            };
            // Two points across the top round the arch of an n or an m.
            pts.push((x + (h - top) * slant, y + top));
            x += h * rng.range(0.06, 0.14);
            pts.push((x + (h - top) * slant, y + top + h * 0.06));
            x += h * rng.range(0.04, 0.12);
            let base = h * rng.range(0.85, 1.0);
            pts.push((x + (h - base) * slant, y + base));
            if rng.chance(0.3) {
                // Doubling back makes the loop of an e or an l.
                pts.push((x - h * 0.1 + h * 0.5 * slant, y + h * 0.5));
            }
            x += h * rng.range(0.05, 0.18);
        }
        if pts.len() >= 2 {
            mask.stroke(&spline(&pts), pen, 250);
        }
        x += h * rng.range(0.2, 0.5);
    }
}

/// A signature: handwriting plus the underline flourish most signers add.
fn signature(mask: &mut Mask, rng: &mut Rng, (x, y): (f32, f32), (w, h): (f32, f32), pen: f32) {
    handwriting(mask, rng, (x, x + w), y, h, pen);
    let flourish = [
        (x + w * rng.range(0.8, 1.0), y + h * rng.range(0.3, 0.6)),
        (x + w * rng.range(0.5, 0.7), y + h * rng.range(1.0, 1.15)),
        (x + w * rng.range(0.1, 0.3), y + h * rng.range(1.05, 1.2)),
        (x - w * rng.range(0.0, 0.1), y + h * rng.range(0.9, 1.1)),
    ];
    mask.stroke(&spline(&flourish), pen, 250);
}

/// A round company seal: rim, five-point star, the company name along the top arc and a
/// short title under the star.
fn seal(mask: &mut Mask, rng: &mut Rng, (cx, cy): (f32, f32), r: f32) {
    let rim = r * 0.07;
    mask.ring(cx, cy, r, r - rim, 255);
    let star: Vec<(f32, f32)> = (0..10)
        .map(|k| {
            let a = k as f32 * PI / 5.0;
            // 0.382 = 1/φ², the inner radius of a regular five-point star.
            let rr = if k % 2 == 0 { r * 0.3 } else { r * 0.3 * 0.382 };
            (cx + rr * a.sin(), cy - rr * a.cos())
        })
        .collect();
    mask.polygon(&star, 255);
    let n = 9 + rng.below(6);
    let size = r * 0.2;
    let radius = r - rim - size * 0.7;
    let span = 240f32.to_radians();
    let tilt = rng.range(-0.15, 0.15);
    for i in 0..n {
        let a = tilt - span / 2.0 + span * (i as f32 + 0.5) / n as f32;
        hanzi_turned(
            mask,
            rng,
            (cx + radius * a.sin(), cy - radius * a.cos()),
            size,
            a,
        );
    }
    let label = 3 + rng.below(3);
    let small = r * 0.15;
    let x = cx - label as f32 * small * 1.05 / 2.0;
    for j in 0..label {
        hanzi(mask, rng, x + j as f32 * small * 1.05, cy + r * 0.42, small);
    }
}

/// A rubber stamp never inks evenly: blotchy at a few-pixel scale, patchy at a larger one.
fn mottle(mask: &mut Mask, rng: &mut Rng, (cx, cy): (f32, f32), r: f32) {
    let coarse = ValueNoise::new(rng, mask.w as u32, mask.h as u32, r * 0.25);
    let fine = ValueNoise::new(rng, mask.w as u32, mask.h as u32, 4.0);
    for y in Mask::span(cy - r - 2.0, cy + r + 2.0, mask.h) {
        for x in Mask::span(cx - r - 2.0, cx + r + 2.0, mask.w) {
            let p = &mut mask.cover[(y * mask.w + x) as usize];
            let (fx, fy) = (x as f32, y as f32);
            let keep = 0.72 + 0.18 * coarse.at(fx, fy) + 0.1 * fine.at(fx, fy);
            *p = (f32::from(*p) * keep.clamp(0.0, 1.0)) as u8;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scanned page

/// The three inks of a paper document.
struct Inks {
    print: Mask,
    pen: Mask,
    stamp: Mask,
}

/// A 300-dpi colour scan of a filled-in, signed and sealed filing document.
fn render_page(rng: &mut Rng) -> RgbImage {
    let (w, wf) = (PAGE_W, PAGE_W as f32);
    let mut ink = Inks {
        print: Mask::new(PAGE_W, PAGE_H),
        pen: Mask::new(PAGE_W, PAGE_H),
        stamp: Mask::new(PAGE_W, PAGE_H),
    };
    let margins = (rng.range(210.0, 260.0), wf - rng.range(210.0, 260.0));
    let (left, right) = margins;
    let mut y = rng.range(220.0, 280.0);
    if rng.chance(0.4) {
        // Red-header document (an establishment approval): red title, number, double rule.
        let size = rng.range(96.0, 120.0);
        let n = 6 + rng.below(4);
        y = centred_hanzi(&mut ink.stamp, rng, y, n, size, wf) + size * 0.5;
        let number = format!("NO. {} {:03}", 2023 + rng.below(3), 1 + rng.below(300));
        y = centred_latin(&mut ink.print, rng, y, 5.0, &number, wf) + 30.0;
        ink.stamp.rect(left, y, right, y + 10.0, 255);
        ink.stamp.rect(left, y + 20.0, right, y + 24.0, 255);
        y += 90.0;
        let n = 5 + rng.below(6);
        y = centred_hanzi(&mut ink.print, rng, y, n, 56.0, wf) + 60.0;
    } else {
        let size = rng.range(72.0, 86.0);
        let n = 4 + rng.below(5);
        y = centred_hanzi(&mut ink.print, rng, y, n, size, wf) + 40.0;
        let title = rng.pick(&[
            "AUTHORIZATION LETTER",
            "PROOF OF EMPLOYMENT",
            "BUSINESS STATEMENT",
        ]);
        y = centred_latin(&mut ink.print, rng, y, 7.0, title, wf) + 100.0;
    }
    let body = rng.range(28.0, 40.0);
    // Addressee line, then the letter.
    let end = left + body * 1.1 * rng.range(5.0, 9.0);
    text_line(&mut ink.print, rng, left, end, y, body);
    y += body * 2.0;
    let count = 3 + rng.below(2);
    y = paragraphs(&mut ink.print, rng, margins, y, count, body) + 30.0;
    y = table(&mut ink, rng, margins, y, body) + 80.0;
    let count = 1 + rng.below(2);
    y = paragraphs(&mut ink.print, rng, margins, y, count, body) + 80.0;

    // Signature on the left, company name and date on the right with the seal over them,
    // in the lower part of the page where letters put them.
    let y = y.clamp(PAGE_H as f32 * 0.7, PAGE_H as f32 - 700.0);
    let label = 3 + rng.below(3);
    for i in 0..label {
        hanzi(
            &mut ink.print,
            rng,
            left + i as f32 * body * 1.1,
            y + body,
            body,
        );
    }
    let pen = rng.range(4.0, 6.5);
    let sig_x = left + (label as f32 + 0.6) * body * 1.1;
    let (sig_w, sig_h) = (rng.range(380.0, 560.0), rng.range(110.0, 170.0));
    signature(&mut ink.pen, rng, (sig_x, y), (sig_w, sig_h), pen);
    let name = 6 + rng.below(5);
    let name_x = right - name as f32 * body * 1.1;
    for i in 0..name {
        hanzi(
            &mut ink.print,
            rng,
            name_x + i as f32 * body * 1.1,
            y + body,
            body,
        );
    }
    let date = format!(
        "{}-{:02}-{:02}",
        2024 + rng.below(2),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let px = body * 0.13;
    latin(
        &mut ink.print,
        rng,
        right - latin_width(&date, px),
        y + body * 3.0,
        px,
        &date,
    );
    let r = rng.range(200.0, 240.0);
    let centre = (
        (name_x + right) / 2.0 + rng.range(-60.0, 60.0),
        y + body * 2.0 + rng.range(-40.0, 40.0),
    );
    seal(&mut ink.stamp, rng, centre, r);
    mottle(&mut ink.stamp, rng, centre, r);
    centred_latin(
        &mut ink.print,
        rng,
        PAGE_H as f32 - 190.0,
        4.0,
        "PAGE 1/1",
        wf,
    );

    let mut img = paper(rng, w, PAGE_H);
    // Ballpoint blue most of the time, black otherwise.
    let pen_ink = if rng.chance(0.7) {
        [35, 55, 160]
    } else {
        [25, 25, 30]
    };
    lay_ink(&mut img, &ink.print, [28, 28, 34], 0.97, Blend::Multiply);
    lay_ink(&mut img, &ink.pen, pen_ink, 0.95, Blend::Multiply);
    lay_ink(&mut img, &ink.stamp, [210, 30, 45], 0.88, Blend::Multiply);
    blur121(&mut img);
    grain(&mut img, rng, 2.2, 1.5);
    img
}

/// A ruled table of label/value pairs (two pairs per row), some values filled in by pen as
/// on an authorization template; returns the bottom y.
fn table(ink: &mut Inks, rng: &mut Rng, (left, right): (f32, f32), top: f32, size: f32) -> f32 {
    let rows = 5 + rng.below(4);
    let row_h = size * 2.4;
    let width = right - left;
    let cols =
        [0.0, rng.range(0.18, 0.24), 0.5, rng.range(0.68, 0.74), 1.0].map(|f| left + f * width);
    let bottom = top + rows as f32 * row_h;
    for r in 0..=rows {
        // Outer rules heavier than the inner ones, as table templates print them.
        let t = if r == 0 || r == rows { 5.0 } else { 3.0 };
        let y = top + r as f32 * row_h;
        ink.print.rect(left, y, right + 5.0, y + t, 240);
    }
    for (i, &x) in cols.iter().enumerate() {
        let t = if i == 0 || i == 4 { 5.0 } else { 3.0 };
        ink.print.rect(x, top, x + t, bottom + 5.0, 240);
    }
    for r in 0..rows {
        let y = top + r as f32 * row_h + (row_h - size) / 2.0;
        for c in 0..4 {
            let (x, end) = (cols[c] + size * 0.4, cols[c + 1] - size * 0.4);
            if c % 2 == 0 {
                for k in 0..2 + rng.below(3) {
                    let gx = x + k as f32 * size * 1.1;
                    if gx + size <= end {
                        hanzi(&mut ink.print, rng, gx, y, size);
                    }
                }
            } else if rng.chance(0.35) {
                let stop = end.min(x + size * rng.range(3.0, 7.0));
                handwriting(
                    &mut ink.pen,
                    rng,
                    (x, stop),
                    y - size * 0.2,
                    size * 1.3,
                    4.0,
                );
            } else {
                let px = size * 0.11;
                let word = latin_fit(rng, end - x, px);
                latin(&mut ink.print, rng, x, y + size * 0.2, px, &word);
            }
        }
    }
    bottom
}

/// Off-white paper with a blotchy tone and the lamp falling off towards one edge.
fn paper(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let tone = [
        rng.range(242.0, 250.0),
        rng.range(240.0, 247.0),
        rng.range(228.0, 240.0),
    ];
    let blotch = ValueNoise::new(rng, w, h, 320.0);
    let falloff = rng.range(0.0, 10.0);
    RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let v = blotch.at(x, y) * 3.5 - falloff * x / w as f32;
        Rgb(tone.map(|t| (t + v).round().clamp(0.0, 255.0) as u8))
    })
}

/// Scanner optics: a [1 2 1]/4 blur each way, so printed edges are never pixel-sharp (a
/// legibility check must not be tuned on perfect edges).
fn blur121(img: &mut RgbImage) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let stride = w * 3;
    let tap =
        |a: u8, b: u8, c: u8| ((u16::from(a) + 2 * u16::from(b) + u16::from(c) + 2) / 4) as u8;
    let src = img.as_raw().clone();
    let mut across = vec![0u8; src.len()];
    for (out, row) in across
        .chunks_exact_mut(stride)
        .zip(src.chunks_exact(stride))
    {
        for x in 0..w {
            let (l, r) = (x.saturating_sub(1), (x + 1).min(w - 1));
            for c in 0..3 {
                out[x * 3 + c] = tap(row[l * 3 + c], row[x * 3 + c], row[r * 3 + c]);
            }
        }
    }
    let dst: &mut [u8] = img;
    for y in 0..h {
        let (up, down) = (y.saturating_sub(1) * stride, (y + 1).min(h - 1) * stride);
        let here = y * stride;
        for i in 0..stride {
            dst[here + i] = tap(across[up + i], across[here + i], across[down + i]);
        }
    }
}

/// Sensor grain: a shared luminance part (most of a scanner's or phone's noise) plus a
/// smaller independent part per channel. This grain is what makes lossless scans so large.
fn grain(img: &mut RgbImage, rng: &mut Rng, luma_sigma: f32, chroma: f32) {
    for px in img.pixels_mut() {
        let luma = rng.gauss() * luma_sigma;
        let bits = rng.next_u64();
        for (i, ch) in px.0.iter_mut().enumerate() {
            let u = ((bits >> (21 * i)) & 0x1F_FFFF) as f32 / 2_097_152.0 - 0.5;
            *ch = (f32::from(*ch) + luma + u * 2.0 * chroma)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Phone photo

/// Bilinear sample at (x, y) in pixel units (pixel centres at +0.5).
fn sample(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width(), img.height());
    let x = (x - 0.5).clamp(0.0, (w - 1) as f32 - 0.001);
    let y = (y - 0.5).clamp(0.0, (h - 1) as f32 - 0.001);
    let (ix, iy) = (x as u32, y as u32);
    let (fx, fy) = (x - ix as f32, y - iy as f32);
    let p = |dx, dy| img.get_pixel(ix + dx, iy + dy).0.map(f32::from);
    let (a, b, c, d) = (p(0, 0), p(1, 0), p(0, 1), p(1, 1));
    std::array::from_fn(|i| {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bottom = c[i] + (d[i] - c[i]) * fx;
        top + (bottom - top) * fy
    })
}

/// An upright `w`×`h` phone photo of `page` on a desk: page slightly turned and keystoned
/// (the phone is never quite parallel to the desk), a soft shadow, warm light falling off
/// from one spot, then sensor noise.
fn render_photo(rng: &mut Rng, page: &RgbImage, w: u32, h: u32) -> RgbImage {
    let (wf, hf) = (w as f32, h as f32);
    let (page_w, page_h) = (page.width() as f32, page.height() as f32);
    let mut pw = wf * rng.range(0.76, 0.86);
    if pw * page_h / page_w > hf * 0.9 {
        pw = hf * 0.9 * page_w / page_h;
    }
    let ph = pw * page_h / page_w;
    let (cx, cy) = (wf * rng.range(0.47, 0.53), hf * rng.range(0.47, 0.53));
    let (sin, cos) = rng.range(-0.04, 0.04).sin_cos();
    let keystone = rng.range(0.0, 0.06);
    let corners = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)].map(|(u, v): (f32, f32)| {
        // The far (top) edge comes out narrower.
        let (x, y) = (u * pw * (1.0 - keystone * (0.5 - v)), v * ph);
        let jitter = wf * 0.01;
        (
            f64::from(cx + x * cos - y * sin + rng.range(-jitter, jitter)),
            f64::from(cy + x * sin + y * cos + rng.range(-jitter, jitter)),
        )
    });
    let to_page = Homography::square_to_quad(corners).adjugate();
    let shadow_offset = (wf * rng.range(-0.006, 0.006), hf * rng.range(0.003, 0.008));
    let wood = rng.chance(0.5);
    let desk = if wood {
        [
            rng.range(135.0, 170.0),
            rng.range(90.0, 115.0),
            rng.range(55.0, 75.0),
        ]
    } else {
        let g = rng.range(115.0, 165.0);
        [g, g + rng.range(-4.0, 4.0), g + rng.range(0.0, 10.0)]
    };
    let warp = ValueNoise::new(rng, w, h, wf / 6.0);
    let blotch = ValueNoise::new(rng, w, h, wf / 400.0);
    let streaks = rng.range(25.0, 45.0);
    let light = (wf * rng.range(0.2, 0.8), hf * rng.range(0.1, 0.5));
    let falloff = rng.range(0.2, 0.4);
    let diagonal2 = wf * wf + hf * hf;
    let cast = [1.0, rng.range(0.96, 0.99), rng.range(0.88, 0.94)];
    // Page coverage of a photo pixel from its (u, v) on the page, with a one-pixel ramp at
    // the paper's edge so the border is not jagged.
    let inside = |(u, v): (f32, f32)| {
        let d = (u.min(1.0 - u) * pw).min(v.min(1.0 - v) * ph);
        (d + 0.5).clamp(0.0, 1.0)
    };
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
        let texture = if wood {
            let t = (yf / hf * streaks + warp.at(xf, yf) * 1.5) * std::f32::consts::TAU;
            0.88 + 0.08 * t.sin() + 0.03 * blotch.at(xf, yf)
        } else {
            1.0 + 0.04 * blotch.at(xf, yf) + 0.03 * warp.at(xf, yf)
        };
        let uv = to_page.apply(xf, yf);
        let cover = inside(uv);
        let shaded = to_page.apply(xf - shadow_offset.0, yf - shadow_offset.1);
        let shadow = 1.0 - 0.3 * inside(shaded);
        let paper = if cover > 0.0 {
            sample(page, uv.0 * page_w, uv.1 * page_h)
        } else {
            [0.0; 3]
        };
        let d2 = (xf - light.0).powi(2) + (yf - light.1).powi(2);
        let lit = 1.06 - falloff * d2 / diagonal2;
        Rgb(std::array::from_fn(|i| {
            let under = desk[i] * texture * shadow;
            let v = (under + (paper[i] - under) * cover) * lit * cast[i];
            v.round().clamp(0.0, 255.0) as u8
        }))
    });
    grain(&mut img, rng, 3.2, 2.5);
    img
}

// ---------------------------------------------------------------------------------------
// Console certificate

/// A registrar-console certificate as downloaded: flat colours, double border, title,
/// label/value rows, a QR-like block and a small red seal, laid out relative to `h`.
fn render_cert(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let (wf, hf) = (w as f32, h as f32);
    let u = hf / 700.0;
    let background = *rng.pick(&[[255, 255, 255], [250, 247, 238], [245, 249, 255]]);
    let brand = *rng.pick(&[
        [22, 93, 255],
        [255, 106, 0],
        [0, 82, 217],
        [0, 150, 136],
        [150, 110, 40],
    ]);
    let mut img = RgbImage::from_pixel(w, h, Rgb(background));
    let mut frame = Mask::new(w, h);
    let mut text = Mask::new(w, h);
    let mut stamp = Mask::new(w, h);
    let m = 22.0 * u;
    frame.frame(m, m, wf - m, hf - m, 7.0 * u, 255);
    frame.frame(
        m + 14.0 * u,
        m + 14.0 * u,
        wf - m - 14.0 * u,
        hf - m - 14.0 * u,
        2.0 * u,
        255,
    );
    for (x, y) in [
        (m, m),
        (wf - m - 40.0 * u, m),
        (m, hf - m - 40.0 * u),
        (wf - m - 40.0 * u, hf - m - 40.0 * u),
    ] {
        frame.rect(x, y, x + 40.0 * u, y + 40.0 * u, 255);
    }
    let n = 5 + rng.below(3);
    let mut y = centred_hanzi(&mut frame, rng, 80.0 * u, n, 46.0 * u, wf) + 22.0 * u;
    let title = rng.pick(&["DOMAIN NAME CERTIFICATE", "CERTIFICATE OF REGISTRATION"]);
    y = centred_latin(&mut text, rng, y, 4.0 * u, title, wf) + 50.0 * u;
    let qr_top = y;
    let size = 26.0 * u;
    let left = 110.0 * u;
    let value_x = left + 6.0 * size * 1.1;
    for _ in 0..5 + rng.below(2) {
        for i in 0..3 + rng.below(3) {
            hanzi(&mut text, rng, left + i as f32 * size * 1.1, y, size);
        }
        let px = 3.0 * u;
        let word = latin_fit(rng, wf - value_x - 300.0 * u, px);
        latin(&mut text, rng, value_x, y + size - 7.0 * px, px, &word);
        y += size * 1.9;
    }
    // QR-like block with the three finder squares, as every console certificate carries.
    let module = 5.0 * u;
    let (qx, qy) = (wf - m - 200.0 * u, qr_top);
    for row in 0..21 {
        for col in 0..21 {
            // Finder squares in three corners; the rest is random modules.
            let finder =
                !(7..14).contains(&row) && !(7..14).contains(&col) && (row < 14 || col < 14);
            let (fr, fc) = (row % 14, col % 14);
            let dark = if finder {
                fr == 0
                    || fr == 6
                    || fc == 0
                    || fc == 6
                    || ((2..=4).contains(&fr) && (2..=4).contains(&fc))
            } else {
                rng.chance(0.5)
            };
            if dark {
                let (x, y) = (qx + col as f32 * module, qy + row as f32 * module);
                text.rect(x, y, x + module, y + module, 255);
            }
        }
    }
    let footer = format!(
        "{}.CN  {}",
        rng.pick(&["REGISTRAR", "WANWANG", "DNSPOD"]),
        digits(rng, 12)
    );
    centred_latin(&mut text, rng, hf - m - 60.0 * u, 2.0 * u, &footer, wf);
    let r = 70.0 * u;
    seal(&mut stamp, rng, (wf - m - 170.0 * u, hf - m - 140.0 * u), r);
    lay_ink(&mut img, &frame, brand, 1.0, Blend::Over);
    lay_ink(&mut img, &text, [40, 40, 40], 1.0, Blend::Over);
    lay_ink(&mut img, &stamp, [230, 0, 18], 0.9, Blend::Over);
    img
}
