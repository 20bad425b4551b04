//! `scanfit sweep`: which encoder settings give the smallest legible files for *these*
//! documents.
//!
//! A grid of settings (quality × chroma subsampling × progressive × trellis × downscale)
//! is encoded on a deterministic sample of the user's files, through the same decode and
//! normalisation as convert, and each output is scored with convert's legibility metric
//! against its source at the output size. Per setting the sweep reports the bytes, the
//! share of files that land in the band as they are, the median and worst legibility,
//! the encode time per megapixel, and whether the setting is on the Pareto front of
//! total bytes against worst legibility. The recommendation is the full-resolution
//! setting with the fewest bytes whose worst file stays at or over the legibility floor;
//! [`Sweep::recommended_profile`] turns it into a profile for `convert --profile`.

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::batch::{find_files, read_input};
use crate::encode::{Encoder, JpegSettings, MozJpeg, Subsampling};
use crate::error::{Problem, SetupError, Why};
use crate::inspect;
use crate::normalize::Pixels;
use crate::options::{Options, Profile};
use crate::pipeline::{decode_bytes, prepare};
use crate::resize::{resize, scaled_dims};
use crate::run::{Panicked, Progress, Runner};
use crate::sniff::{claimed_by_name, sniff};

pub use crate::error::SweepError;

/// Default colour floor of the recommendation: none; colour is reported, not gated.
///
/// On the bundled corpus the colour score of 4:2:0 is 0.16–0.35 on the worst file (thin
/// orange lines of a screenshot, a seal on a certificate) against 0.57–0.98 at 4:4:4,
/// while side by side the difference is slight: strokes a little paler and thinner, no
/// stroke lost, because luma carries the shapes. SSIM on planes with so little texture
/// is harsh, so no floor was found that separates acceptable from not; users whose
/// reviewers reject pale seals set one with `--min-colour`.
pub const DEFAULT_MIN_COLOUR: f64 = 0.0;

/// One point of the grid: everything that decides an encode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// How the encoder works.
    pub jpeg: JpegSettings,
    /// Long-edge factor applied before encoding (1 = full resolution).
    pub scale: f64,
}

impl Setting {
    /// What `convert` with this profile tries first on a file: its preferred quality
    /// and encoder settings at full resolution.
    pub(crate) fn of_profile(profile: &Profile) -> Setting {
        Setting {
            quality: profile.quality,
            jpeg: profile.jpeg_settings(),
            scale: 1.0,
        }
    }
}

/// The axes of the sweep; every combination is one [`Setting`].
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Qualities. Default 60, 65, … 95.
    pub qualities: Vec<u8>,
    /// Chroma subsamplings. Default 4:2:0 and 4:4:4.
    pub subsamplings: Vec<Subsampling>,
    /// Progressive (true) and/or baseline (false). Default both.
    pub progressive: Vec<bool>,
    /// Trellis quantisation on and/or off. Default both.
    pub trellis: Vec<bool>,
    /// Downscale factors of the long edge, in (0, 1]. Default 1 only.
    pub scales: Vec<f64>,
}

/// The qualities a sweep tries by default, as `--quality` writes them.
pub const DEFAULT_QUALITIES: &str = "60..95/5";

impl Default for Grid {
    fn default() -> Self {
        Grid {
            qualities: parse_qualities(DEFAULT_QUALITIES).expect("a valid list"),
            subsamplings: vec![Subsampling::S420, Subsampling::S444],
            progressive: vec![true, false],
            trellis: vec![true, false],
            scales: vec![1.0],
        }
    }
}

impl Grid {
    /// Every combination once, grouped by scale then encoder settings, qualities in the
    /// order given.
    pub fn settings(&self) -> Vec<Setting> {
        let mut out = Vec::new();
        for &scale in &self.scales {
            for &subsampling in &self.subsamplings {
                for &progressive in &self.progressive {
                    for &trellis in &self.trellis {
                        for &quality in &self.qualities {
                            let setting = Setting {
                                quality,
                                jpeg: JpegSettings {
                                    subsampling,
                                    progressive,
                                    trellis,
                                },
                                scale,
                            };
                            // A value given twice on an axis is one setting.
                            if !out.contains(&setting) {
                                out.push(setting);
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Checks that every axis has values and every value makes sense.
    pub fn validate(&self) -> Result<(), SweepError> {
        if self.qualities.is_empty()
            || self.subsamplings.is_empty()
            || self.progressive.is_empty()
            || self.trellis.is_empty()
            || self.scales.is_empty()
        {
            return Err(SweepError::EmptyAxis);
        }
        if self.qualities.iter().any(|q| !(1..=100).contains(q)) {
            return Err(SweepError::QualityRange);
        }
        if self.scales.iter().any(|s| !(*s > 0.0 && *s <= 1.0)) {
            return Err(SweepError::ScaleRange);
        }
        Ok(())
    }
}

/// A list of qualities that cannot be read; each holds the text at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QualityListError {
    /// Not a number between 1 and 100.
    NotAQuality(String),
    /// A range whose start is above its end.
    Backwards(String),
    /// Nothing in the list.
    NoQuality(String),
}

/// Parses a list of qualities: ranges `60..95/5` (from, to inclusive, step; the step
/// defaults to 5) and single values, separated by commas: `60..80/10,95`. The result is
/// sorted and without repeats.
pub fn parse_qualities(text: &str) -> Result<Vec<u8>, QualityListError> {
    let number = |s: &str| -> Result<u8, QualityListError> {
        s.trim()
            .parse::<u8>()
            .ok()
            .filter(|q| (1..=100).contains(q))
            .ok_or_else(|| QualityListError::NotAQuality(s.to_owned()))
    };
    let mut out = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once("..") {
            Some((from, rest)) => {
                let (to, step) = match rest.split_once('/') {
                    Some((to, step)) => (to, number(step)?),
                    None => (rest, 5),
                };
                let (from, to) = (number(from)?, number(to)?);
                if from > to {
                    return Err(QualityListError::Backwards(part.to_owned()));
                }
                out.extend((from..=to).step_by(usize::from(step)));
            }
            None => out.push(number(part)?),
        }
    }
    if out.is_empty() {
        return Err(QualityListError::NoQuality(text.to_owned()));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// What to sweep and on how much.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The settings to try. The profile's own setting is always added, so the default
    /// can be compared with the rest.
    pub grid: Grid,
    /// Pictures sampled from the inputs; `None` takes them all.
    pub sample: Option<usize>,
    /// Seed of the sample: the same seed and files give the same sample.
    pub seed: u64,
    /// Encodes per file and setting whose median time is kept (bytes and scores do not
    /// vary between repeats).
    pub repeats: u32,
    /// Colour floor of the recommendation: its worst colour score must reach it too
    /// (0 ignores colour).
    pub min_colour: f64,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            grid: Grid::default(),
            sample: Some(20),
            seed: 1,
            repeats: 1,
            min_colour: DEFAULT_MIN_COLOUR,
        }
    }
}

/// What one setting did over the sample.
#[derive(Debug, Clone)]
pub struct SettingResult {
    /// The setting.
    pub setting: Setting,
    /// Sum of the output sizes, in bytes.
    pub total_bytes: u64,
    /// Median output size, in bytes.
    pub median_bytes: u64,
    /// Share (0–1) of the files whose output at this setting is inside the band, so
    /// convert would keep it without changing quality or size.
    pub in_band: f64,
    /// Median legibility score of the outputs.
    pub median_score: f64,
    /// Lowest legibility score of the outputs.
    pub worst_score: f64,
    /// The file that scored lowest.
    pub worst_file: PathBuf,
    /// Median colour score (see [`Measure::colour`]).
    pub median_colour: f64,
    /// Lowest colour score.
    pub worst_colour: f64,
    /// Encode time per megapixel of output, in milliseconds: median over the files of
    /// each file's median over the repeats.
    pub ms_per_megapixel: f64,
    /// No other setting has fewer or equal total bytes with a better or equal worst
    /// legibility (and one of them strictly).
    pub pareto: bool,
    /// The profile's own setting (what convert tries first).
    pub default: bool,
}

/// The sweep's outcome.
#[derive(Debug)]
pub struct Sweep {
    /// One result per setting, in grid order (the default setting last when the grid
    /// did not hold it).
    pub results: Vec<SettingResult>,
    /// The pictures measured, in path order.
    pub files: Vec<PathBuf>,
    /// Per file (in `files` order), one measure per setting (in `results` order).
    pub measures: Vec<Vec<Measure>>,
    /// Files passed over, with the reason.
    pub skipped: Vec<(PathBuf, Why)>,
    /// The legibility floor the recommendation respects.
    pub floor: f64,
    /// The colour floor the recommendation respects.
    pub colour_floor: f64,
    /// Index into `results` of the recommended setting, if any setting qualifies.
    pub recommended: Option<usize>,
}

impl Sweep {
    /// The recommended setting's result.
    pub fn recommended(&self) -> Option<&SettingResult> {
        self.recommended.map(|i| &self.results[i])
    }

    /// `base` with the recommended setting as its preferred and floor quality and its
    /// encoder settings; band, resolution floor and legibility floor stay `base`'s.
    ///
    /// The floor quality is the recommended quality itself: lower qualities were not
    /// shown to stay legible on these documents (or cost no fewer bytes), so convert
    /// downscales a file that is still too big rather than going below it.
    pub fn recommended_profile(&self, base: &Profile) -> Option<Profile> {
        let best = self.recommended()?.setting;
        Some(Profile {
            quality: best.quality,
            min_quality: best.quality,
            subsampling: best.jpeg.subsampling,
            progressive: Some(best.jpeg.progressive),
            trellis: Some(best.jpeg.trellis),
            ..base.clone()
        })
    }
}

/// One file encoded at one setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// Output size in bytes.
    pub bytes: u64,
    /// Legibility of the output against the source at the output size.
    pub score: f64,
    /// Colour score: [`inspect::legibility`] of the Cb and Cr planes, the lower of the
    /// two (1 for grey pictures).
    pub colour: f64,
    /// Encode time per megapixel of output, in milliseconds (median of the repeats).
    pub ms_per_megapixel: f64,
}

/// Sweeps the grid over a sample of the pictures found in `inputs` (folders walked as
/// convert walks them). The band and the legibility floor come from `opts.profile`;
/// files are measured in parallel on `opts.jobs` threads. Files that cannot be read or
/// decoded are listed in [`Sweep::skipped`]; the error is for settings that contradict
/// each other or inputs that do not exist.
pub fn sweep(
    inputs: &[PathBuf],
    opts: &Options,
    sweep: &SweepOptions,
    progress: &dyn Progress,
) -> Result<Sweep, SetupError> {
    opts.profile.validate()?;
    sweep.grid.validate()?;
    if sweep.sample == Some(0) || sweep.repeats == 0 {
        return Err(SweepError::SampleZero.into());
    }
    if !(0.0..=1.0).contains(&sweep.min_colour) {
        return Err(SweepError::MinColourRange.into());
    }
    let mut settings = sweep.grid.settings();
    let default = Setting::of_profile(&opts.profile);
    if !settings.contains(&default) {
        settings.push(default);
    }

    let mut skipped = Vec::new();
    let found = find_files(inputs, None, &mut skipped)?;
    // Sample among the files that are pictures by their bytes, so a folder of scans
    // with a few text files still yields the sample size asked for.
    let mut pictures = Vec::new();
    for path in found.into_iter().map(|f| f.path) {
        match head_is_picture(&path) {
            Ok(true) => pictures.push(path),
            // A file whose name claims a picture but whose bytes are not one is worth a
            // line, as in convert; other files (notes, spreadsheets) are not.
            Ok(false) if claimed_by_name(&path).is_some() => {
                let empty = std::fs::metadata(&path).is_ok_and(|m| m.len() == 0);
                let why = if empty {
                    Problem::Empty
                } else {
                    Problem::NotAPicture
                };
                skipped.push((path, why.into()));
            }
            Ok(false) => {}
            Err(e) => skipped.push((path, Problem::Read(e).into())),
        }
    }
    let files = sample(pictures, sweep.sample, sweep.seed);

    let per_setting = settings.len() as u64;
    progress.start(files.len() as u64, files.len() as u64 * per_setting);
    // Progress counts encodes: the pictures sampled, then each encode as it finishes
    // (a failed file's encodes at once, so the bar still reaches its end).
    let measured = Runner::new(opts.jobs).map(
        &files,
        |path| measure_file(path, &settings, opts, sweep.repeats, progress),
        |_, done| {
            let result = done.or_else(|Panicked(text)| Err(Problem::Panic(text)));
            if result.is_err() {
                progress.advance(per_setting);
            }
            result
        },
    );

    let mut kept = Vec::new();
    let mut rows: Vec<Vec<Measure>> = Vec::new();
    for (path, result) in files.into_iter().zip(measured) {
        match result {
            Ok(m) => {
                kept.push(path);
                rows.push(m);
            }
            Err(problem) => skipped.push((path, problem.into())),
        }
    }
    let results = summarise(&settings, &kept, &rows, &opts.profile, default);
    let recommended = recommend(&results, opts.profile.min_score, sweep.min_colour);
    Ok(Sweep {
        results,
        files: kept,
        measures: rows,
        skipped,
        floor: opts.profile.min_score,
        colour_floor: sweep.min_colour,
        recommended,
    })
}

/// Whether the file's first bytes are a format scanfit reads (512 bytes hold any
/// signature [`sniff`] looks at, a HEIF `ftyp` box's list of brands included).
fn head_is_picture(path: &Path) -> io::Result<bool> {
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)?
        .take(512)
        .read_to_end(&mut head)?;
    Ok(sniff(&head).is_some())
}

/// `n` of `files` chosen by a seeded shuffle (SplitMix64 driving Fisher–Yates), returned
/// in their original order. Deterministic across runs and platforms for the same list.
fn sample(files: Vec<PathBuf>, n: Option<usize>, seed: u64) -> Vec<PathBuf> {
    let Some(n) = n.filter(|&n| n < files.len()) else {
        return files;
    };
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..files.len()).collect();
    for i in (1..order.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut chosen = order[..n].to_vec();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| files[i].clone()).collect()
}

/// Decodes one file as convert does (first page of a multi-page file) and measures
/// every setting on it. Settings at the same scale share one resized picture and its
/// reference planes.
fn measure_file(
    path: &Path,
    settings: &[Setting],
    opts: &Options,
    repeats: u32,
    progress: &dyn Progress,
) -> Result<Vec<Measure>, Problem> {
    let bytes = read_input(path, opts.max_input_bytes)?;
    // Only the first page is decoded: a document's pages are alike, and the sample
    // should weigh files, not pages.
    let first = decode_bytes(&bytes, claimed_by_name(path), opts)?
        .and_then(|mut source| source.pictures.next())
        .ok_or(Problem::NotAPicture)?;
    drop(bytes);
    let (pixels, _) = prepare(first.decoded?, &opts.limits, &mut Vec::new());

    let mut out: Vec<Option<Measure>> = settings.iter().map(|_| None).collect();
    let mut scales: Vec<f64> = settings.iter().map(|s| s.scale).collect();
    scales.sort_by(|a, b| b.total_cmp(a));
    scales.dedup();
    for scale in scales {
        let scaled = if scale < 1.0 {
            let (w, h) = scaled_dims(pixels.width(), pixels.height(), scale);
            Cow::Owned(resize(&pixels, w, h))
        } else {
            Cow::Borrowed(&pixels)
        };
        let reference = match scaled.as_ref() {
            Pixels::Gray(g) => Reference {
                luma: g.clone(),
                colour: None,
            },
            Pixels::Rgb(_) => {
                let image = scaled.as_ref().clone().into_dynamic();
                Reference {
                    luma: inspect::luma(&image),
                    colour: inspect::colour_planes(&image),
                }
            }
        };
        let megapixels = f64::from(scaled.width()) * f64::from(scaled.height()) / 1e6;
        let at_scale: Vec<usize> = (0..settings.len())
            .filter(|&i| settings[i].scale == scale)
            .collect();
        let measured: Vec<(usize, Result<Measure, Problem>)> = at_scale
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                let m = measure_one(&scaled, &reference, megapixels, settings[i], repeats);
                progress.advance(1);
                (i, m)
            })
            .collect();
        for (i, m) in measured {
            out[i] = Some(m?);
        }
    }
    Ok(out
        .into_iter()
        .map(|m| m.expect("every setting has a scale"))
        .collect())
}

/// What an output is compared with: its source at the output size.
struct Reference {
    luma: image::GrayImage,
    colour: Option<[image::GrayImage; 2]>,
}

fn measure_one(
    pixels: &Pixels,
    reference: &Reference,
    megapixels: f64,
    setting: Setting,
    repeats: u32,
) -> Result<Measure, Problem> {
    let encoder = MozJpeg {
        settings: setting.jpeg,
    };
    let mut times = Vec::with_capacity(repeats as usize);
    let mut bytes = Vec::new();
    for _ in 0..repeats {
        let started = Instant::now();
        bytes = encoder.encode(pixels, setting.quality)?;
        times.push(started.elapsed().as_secs_f64() * 1e3 / megapixels.max(1e-6));
    }
    let unreadable = || Problem::Encode("the encoder's output does not decode".into());
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
        .map_err(|_| unreadable())?;
    let score =
        inspect::legibility(&reference.luma, &inspect::luma(&decoded)).ok_or_else(unreadable)?;
    let colour = match (&reference.colour, inspect::colour_planes(&decoded)) {
        (Some([cb, cr]), Some([out_cb, out_cr])) => inspect::legibility(cb, &out_cb)
            .zip(inspect::legibility(cr, &out_cr))
            .map(|(b, r)| b.min(r))
            .ok_or_else(unreadable)?,
        _ => 1.0,
    };
    Ok(Measure {
        bytes: bytes.len() as u64,
        score,
        colour,
        ms_per_megapixel: median(&mut times),
    })
}

/// Median of the values (the mean of the middle two for an even count); 0 when empty.
fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn summarise(
    settings: &[Setting],
    files: &[PathBuf],
    rows: &[Vec<Measure>],
    profile: &Profile,
    default: Setting,
) -> Vec<SettingResult> {
    let mut results: Vec<SettingResult> = settings
        .iter()
        .enumerate()
        .map(|(i, &setting)| {
            let column: Vec<&Measure> = rows.iter().map(|r| &r[i]).collect();
            let mut sizes: Vec<f64> = column.iter().map(|m| m.bytes as f64).collect();
            let mut scores: Vec<f64> = column.iter().map(|m| m.score).collect();
            let mut times: Vec<f64> = column.iter().map(|m| m.ms_per_megapixel).collect();
            let mut colours: Vec<f64> = column.iter().map(|m| m.colour).collect();
            let (worst_at, worst_score) = column
                .iter()
                .map(|m| m.score)
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((0, 0.0));
            let in_band = column.iter().filter(|m| profile.in_band(m.bytes)).count();
            SettingResult {
                setting,
                total_bytes: column.iter().map(|m| m.bytes).sum(),
                median_bytes: median(&mut sizes).round() as u64,
                in_band: if column.is_empty() {
                    0.0
                } else {
                    in_band as f64 / column.len() as f64
                },
                median_score: median(&mut scores),
                worst_score,
                worst_file: files.get(worst_at).cloned().unwrap_or_default(),
                worst_colour: colours.iter().copied().fold(1.0, f64::min),
                median_colour: median(&mut colours),
                ms_per_megapixel: median(&mut times),
                pareto: false,
                default: setting == default,
            }
        })
        .collect();
    let front: Vec<bool> = results
        .iter()
        .map(|a| {
            !results.iter().any(|b| {
                b.total_bytes <= a.total_bytes
                    && b.worst_score >= a.worst_score
                    && (b.total_bytes < a.total_bytes || b.worst_score > a.worst_score)
            })
        })
        .collect();
    for (r, on_front) in results.iter_mut().zip(front) {
        r.pareto = on_front && !files.is_empty();
    }
    results
}

/// The full-resolution setting with the fewest total bytes whose worst file scores at or
/// over `floor` (and whose worst colour score reaches `colour_floor`); ties go to the
/// better worst score, then the faster encode.
///
/// Downscaled settings are shown but not recommended: a profile cannot ask convert to
/// shrink every file, only to shrink the ones too big for the band.
fn recommend(results: &[SettingResult], floor: f64, colour_floor: f64) -> Option<usize> {
    results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.setting.scale == 1.0
                && r.worst_score >= floor
                && r.worst_colour >= colour_floor
                && r.total_bytes > 0
        })
        .min_by(|(_, a), (_, b)| {
            a.total_bytes
                .cmp(&b.total_bytes)
                .then(b.worst_score.total_cmp(&a.worst_score))
                .then(a.ms_per_megapixel.total_cmp(&b.ms_per_megapixel))
        })
        .map(|(i, _)| i)
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 19] = [
    "quality",
    "subsampling",
    "progressive",
    "trellis",
    "scale",
    "files",
    "total_bytes",
    "median_bytes",
    "in_band_share",
    "median_score",
    "worst_score",
    "worst_file",
    "median_colour",
    "worst_colour",
    "ms_per_megapixel",
    "pareto",
    "default",
    "recommended",
    "label",
];

/// Writes a header line and one row per setting.
pub fn write_csv(sweep: &Sweep, out: impl Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for (i, r) in sweep.results.iter().enumerate() {
        let s = r.setting;
        w.write_record([
            s.quality.to_string(),
            s.jpeg.subsampling.to_string(),
            s.jpeg.progressive.to_string(),
            s.jpeg.trellis.to_string(),
            s.scale.to_string(),
            sweep.files.len().to_string(),
            r.total_bytes.to_string(),
            r.median_bytes.to_string(),
            format!("{:.3}", r.in_band),
            format!("{:.4}", r.median_score),
            format!("{:.4}", r.worst_score),
            r.worst_file.display().to_string(),
            format!("{:.4}", r.median_colour),
            format!("{:.4}", r.worst_colour),
            format!("{:.2}", r.ms_per_megapixel),
            r.pareto.to_string(),
            r.default.to_string(),
            (sweep.recommended == Some(i)).to_string(),
            s.label(),
        ])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualities_parse_as_ranges_and_lists() {
        assert_eq!(
            parse_qualities("60..95/5").unwrap(),
            vec![60, 65, 70, 75, 80, 85, 90, 95]
        );
        assert_eq!(parse_qualities("60..70").unwrap(), vec![60, 65, 70]);
        assert_eq!(
            parse_qualities("90, 60..80/10,90").unwrap(),
            vec![60, 70, 80, 90]
        );
        for bad in ["", "0..50", "95..60", "60..95/0", "abc", "101"] {
            assert!(parse_qualities(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_sample_is_deterministic_and_in_order() {
        let files: Vec<PathBuf> = (0..50).map(|i| PathBuf::from(format!("{i:02}"))).collect();
        let a = sample(files.clone(), Some(7), 42);
        assert_eq!(a, sample(files.clone(), Some(7), 42));
        assert_eq!(a.len(), 7);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, sample(files.clone(), Some(7), 43));
        assert_eq!(sample(files.clone(), Some(80), 1), files);
    }

    fn result(bytes: u64, worst: f64, scale: f64) -> SettingResult {
        SettingResult {
            setting: Setting {
                quality: 80,
                jpeg: JpegSettings::from(crate::encode::Effort::Balanced),
                scale,
            },
            total_bytes: bytes,
            median_bytes: bytes,
            in_band: 1.0,
            median_score: worst,
            worst_score: worst,
            worst_file: PathBuf::new(),
            median_colour: 1.0,
            worst_colour: 1.0,
            ms_per_megapixel: 1.0,
            pareto: false,
            default: false,
        }
    }

    #[test]
    fn the_recommendation_is_the_smallest_full_size_setting_over_the_floor() {
        let rs = vec![
            result(100, 0.65, 1.0), // smallest, but under the floor
            result(150, 0.90, 0.5), // downscaled
            result(200, 0.75, 1.0), // the one
            result(300, 0.95, 1.0),
        ];
        assert_eq!(recommend(&rs, 0.70, 0.0), Some(2));
        assert_eq!(recommend(&rs, 0.99, 0.0), None);
        // A colour floor passes over settings that pale the colour.
        let mut rs = rs;
        rs[2].worst_colour = 0.3;
        assert_eq!(recommend(&rs, 0.70, 0.5), Some(3));
    }
}
