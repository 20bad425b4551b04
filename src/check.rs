//! `scanfit check`: a pre-flight inspection of files against the portal's rules, writing
//! nothing.
//!
//! Agencies run it on a client's folder before filing, and on scanfit's own outputs. Per
//! file it answers two questions:
//!
//! - would the upload system take it? Real JPEG/PNG/GIF bytes under a `.jpg`/`.jpeg`/
//!   `.png`/`.gif` name, inside the size band. Any miss is a **fail**: the portal refuses
//!   the upload ("do not just change the suffix"), so there is nothing to argue about.
//! - would the human reviewer likely reject it? Black-and-white or grayscale scans,
//!   blurred pictures, too few pixels for small print: **warnings**, because these are
//!   judgements calibrated in [`crate::inspect`], not rules the portal states. Things that
//!   display differently across viewers (an EXIF orientation tag, CMYK, a non-sRGB colour
//!   profile, animation) and a GPS position (a privacy leak on a government portal) warn
//!   too.
//!
//! Metadata that harms nothing (EXIF without GPS, XMP, an sRGB profile, comments) is a
//! **note**: shown, but it does not change the verdict, so `--strict` does not trip over
//! every phone photo.
//!
//! Formats the portal does not take (TIFF, PDF, WebP, BMP...) are still decoded and
//! inspected when scanfit can: the agency learns in one run both that the file must be
//! converted and whether converting will be enough (a blurred scan stays blurred).

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use image::DynamicImage;
use rayon::prelude::*;
use serde::ser::SerializeStruct;

use crate::batch;
use crate::decode::{self, DecodeLimits, Decoded};
use crate::encode::panic_text;
use crate::error::{Problem, SetupError};
use crate::inspect::{self, ColourClass, BLUR_THRESHOLD, MIN_LEGIBLE_LONG_EDGE};
use crate::jpeg;
use crate::normalize::is_srgb_profile;
use crate::options::{ByteSize, Options};
use crate::report::{Record, Status};
use crate::sniff::{claimed_by_name, sniff, Format};

/// Version of the [`CheckRecord`] layout; bumped when a field changes meaning.
pub const CHECK_SCHEMA_VERSION: u32 = 1;

/// The file name endings the portal's upload form takes ("JPG, JPEG, PNG, GIF").
pub const ACCEPTED_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "gif"];

/// Whether the portal accepts pictures in `format`.
pub fn is_accepted(format: Format) -> bool {
    matches!(format, Format::Jpeg | Format::Png | Format::Gif)
}

/// One file's overall answer. Ordered from best to worst, so the worst decides the exit
/// status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Meets every rule; nothing a reviewer is likely to reject (notes allowed).
    Pass,
    /// Not a picture and not named as one (a `.docx` in the folder): nothing to check.
    Skipped,
    /// The upload system would take it, but a reviewer may reject it or viewers may show
    /// it differently.
    Warn,
    /// The upload system would refuse it, or it could not be read.
    Fail,
}

impl Verdict {
    /// Upper-case label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Skipped => "SKIP",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }
}

/// How much a [`Finding`] weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not change the verdict.
    Note,
    /// Nothing to check (makes the verdict [`Verdict::Skipped`]).
    Skip,
    /// Makes the verdict at least [`Verdict::Warn`].
    Warn,
    /// Makes the verdict [`Verdict::Fail`].
    Fail,
}

/// One thing found about a file. The messages say what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Finding {
    /// The bytes are another format than the name says.
    #[error("renamed: the bytes are {real}, but the name says {claimed}{}", rename_hint(*.real))]
    Renamed {
        /// The format of the bytes.
        real: Format,
        /// The format the name claims.
        claimed: Format,
    },
    /// A picture format the portal does not take.
    #[error("{format} is not accepted (only JPEG, PNG and GIF are): scanfit convert makes one")]
    NotAccepted {
        /// The format of the bytes.
        format: Format,
    },
    /// The bytes are fine but the name does not end in an accepted extension.
    #[error("the name {} is not accepted: the portal takes .jpg, .jpeg, .png and .gif files; rename it to .{}", .extension.as_deref().map_or("without an extension".to_owned(), |e| format!("ending in .{e}")), .suggested)]
    BadExtension {
        /// The extension the file has, if any.
        extension: Option<String>,
        /// The extension its bytes call for.
        suggested: &'static str,
    },
    /// Under the band's minimum.
    #[error("too small: {} is under the minimum of {} ({min} bytes); scanfit convert re-encodes it into the band", ByteSize(*.bytes), ByteSize(*.min))]
    TooSmall {
        /// File size.
        bytes: u64,
        /// The band's minimum.
        min: u64,
    },
    /// Over the band's maximum.
    #[error("too large: {} is over the maximum of {} ({max} bytes); scanfit convert re-encodes it into the band", ByteSize(*.bytes), ByteSize(*.max))]
    TooLarge {
        /// File size.
        bytes: u64,
        /// The band's maximum.
        max: u64,
    },
    /// Read or decode failed (or a decoder panicked).
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// An entry the folder walk passed over (a link to a folder, a broken link).
    #[error("passed over: {0}")]
    PassedOver(String),
    /// Not a picture, and not named as one.
    #[error("not a picture")]
    NotAPicture,
    /// An EXIF orientation other than "upright as stored".
    #[error("EXIF orientation {0}: some viewers show it rotated and others upright; scanfit convert rotates the pixels")]
    Orientation(u8),
    /// A GPS position in the EXIF data.
    #[error("GPS position in EXIF: a privacy leak (where the photo was taken); scanfit convert removes it")]
    Gps,
    /// Harmless metadata (listed).
    #[error("metadata: {0} (scanfit convert removes it)")]
    Metadata(String),
    /// A colour profile other than sRGB: viewers that ignore profiles show other colours.
    #[error("colour profile is not sRGB: viewers that ignore it show other colours; scanfit convert converts to sRGB")]
    NotSrgb,
    /// CMYK JPEG: some viewers show it inverted or not at all.
    #[error("CMYK: some viewers show CMYK JPEGs with wrong colours or not at all; scanfit convert makes it RGB")]
    Cmyk,
    /// More than one frame.
    #[error("animated: the reviewer may see only the first frame")]
    Animated,
    /// No clearly chromatic content.
    #[error("grayscale: looks like a black-and-white copy, which the portal rejects; scan or photograph the original in colour")]
    Grayscale,
    /// Near-binary pixels.
    #[error("black-and-white (1-bit) scan: black-and-white scans are rejected; scan the original in colour")]
    Bilevel,
    /// Sharpness under the threshold.
    #[error("blurred: sharpness {score:.1} is under {threshold}; rescan or retake the photo")]
    Blurred {
        /// The [`inspect::sharpness`] score.
        score: f64,
        /// [`BLUR_THRESHOLD`].
        threshold: f64,
    },
    /// Long edge under the legibility minimum.
    #[error(
        "low resolution: the long edge is {long_edge} px, under {min} px, too few for small print"
    )]
    LowResolution {
        /// The picture's long edge.
        long_edge: u32,
        /// [`MIN_LEGIBLE_LONG_EDGE`].
        min: u32,
    },
}

fn rename_hint(real: Format) -> String {
    match extension_for(real) {
        Some(ext) => format!("; name it .{ext}, or convert it with scanfit convert"),
        None => String::new(),
    }
}

/// The accepted extension for pictures in `format`.
fn extension_for(format: Format) -> Option<&'static str> {
    match format {
        Format::Jpeg => Some("jpg"),
        Format::Png => Some("png"),
        Format::Gif => Some("gif"),
        _ => None,
    }
}

impl Finding {
    /// How much it weighs.
    pub fn severity(&self) -> Severity {
        use Finding::*;
        match self {
            Renamed { .. }
            | NotAccepted { .. }
            | BadExtension { .. }
            | TooSmall { .. }
            | TooLarge { .. }
            | Unreadable(_) => Severity::Fail,
            PassedOver(_) | NotAPicture => Severity::Skip,
            Metadata(_) => Severity::Note,
            Orientation(_)
            | Gps
            | NotSrgb
            | Cmyk
            | Animated
            | Grayscale
            | Bilevel
            | Blurred { .. }
            | LowResolution { .. } => Severity::Warn,
        }
    }

    /// A stable machine name for the finding, for the JSON output.
    pub fn code(&self) -> &'static str {
        use Finding::*;
        match self {
            Renamed { .. } => "renamed",
            NotAccepted { .. } => "not_accepted",
            BadExtension { .. } => "bad_extension",
            TooSmall { .. } => "too_small",
            TooLarge { .. } => "too_large",
            Unreadable(_) => "unreadable",
            PassedOver(_) => "passed_over",
            NotAPicture => "not_a_picture",
            Orientation(_) => "orientation",
            Gps => "gps",
            Metadata(_) => "metadata",
            NotSrgb => "not_srgb",
            Cmyk => "cmyk",
            Animated => "animated",
            Grayscale => "grayscale",
            Bilevel => "bilevel",
            Blurred { .. } => "blurred",
            LowResolution { .. } => "low_resolution",
        }
    }
}

/// A [`Finding`] and the page it concerns (for files with several pages).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// 1-based page, for multi-page files (TIFF, PDF).
    pub page: Option<u32>,
    /// What was found.
    pub finding: Finding,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.page {
            Some(p) => write!(f, "page {p}: {}", self.finding),
            None => write!(f, "{}", self.finding),
        }
    }
}

/// Serialised as `{"severity", "code", "message", "page"}` so machines can match on the
/// code while people read the message.
impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Reason", 4)?;
        st.serialize_field("severity", &self.finding.severity())?;
        st.serialize_field("code", self.finding.code())?;
        st.serialize_field("message", &self.finding.to_string())?;
        st.serialize_field("page", &self.page)?;
        st.end()
    }
}

/// Metadata found in a file, from its container (JPEG segments, PNG chunks) and from the
/// decoder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MetadataFound {
    /// An EXIF block.
    pub exif: bool,
    /// A GPS position inside the EXIF block.
    pub gps: bool,
    /// An XMP packet.
    pub xmp: bool,
    /// An ICC colour profile.
    pub icc: bool,
    /// Anything else: comments, IPTC, PNG text chunks, other application segments.
    pub other: bool,
}

impl MetadataFound {
    fn merge(&mut self, m: decode::Metadata) {
        self.exif |= m.exif;
        self.gps |= m.gps;
        self.xmp |= m.xmp;
        self.icc |= m.icc;
    }

    /// Names of what is present, for the note (GPS has a warning of its own).
    fn names(&self) -> Vec<&'static str> {
        [
            (self.exif, "EXIF"),
            (self.xmp, "XMP"),
            (self.icc, "ICC profile"),
            (self.other, "comments/text"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// One file's inspection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckRecord {
    /// Layout version ([`CHECK_SCHEMA_VERSION`]).
    pub schema: u32,
    /// The file.
    #[serde(serialize_with = "crate::report::lossy_path")]
    pub input: PathBuf,
    /// The overall answer: the worst of the reasons.
    pub verdict: Verdict,
    /// The real format, from the bytes.
    pub format: Option<Format>,
    /// The format the name claims, if it names one.
    pub claimed: Option<Format>,
    /// File size in bytes.
    pub bytes: u64,
    /// Width as stored (before any EXIF rotation), of the first page.
    pub width: Option<u32>,
    /// Height as stored, of the first page.
    pub height: Option<u32>,
    /// Number of pictures in the file, when it holds several (TIFF, PDF, not GIF frames).
    pub pages: Option<u32>,
    /// EXIF orientation (1 = upright as stored), when decoded.
    pub orientation: Option<u8>,
    /// Colour class of the first page.
    pub colour: Option<ColourClass>,
    /// [`inspect::sharpness`] of the first page.
    pub sharpness: Option<f64>,
    /// Metadata found.
    pub metadata: Option<MetadataFound>,
    /// Everything found, in the order checked.
    pub reasons: Vec<Reason>,
    /// Wall time for this file.
    pub millis: u64,
}

impl CheckRecord {
    fn new(input: PathBuf) -> CheckRecord {
        CheckRecord {
            schema: CHECK_SCHEMA_VERSION,
            input,
            verdict: Verdict::Pass,
            format: None,
            claimed: None,
            bytes: 0,
            width: None,
            height: None,
            pages: None,
            orientation: None,
            colour: None,
            sharpness: None,
            metadata: None,
            reasons: Vec::new(),
            millis: 0,
        }
    }

    fn push(&mut self, finding: Finding) {
        self.push_page(None, finding);
    }

    fn push_page(&mut self, page: Option<u32>, finding: Finding) {
        let reason = Reason { page, finding };
        // Several pages of one scan often share a finding; say it once per page, never twice.
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    /// The reasons at `severity` or worse.
    pub fn reasons_at_least(&self, severity: Severity) -> impl Iterator<Item = &Reason> {
        self.reasons
            .iter()
            .filter(move |r| r.finding.severity() >= severity)
    }

    fn settle_verdict(&mut self) {
        self.verdict = match self.reasons.iter().map(|r| r.finding.severity()).max() {
            None | Some(Severity::Note) => Verdict::Pass,
            Some(Severity::Skip) => Verdict::Skipped,
            Some(Severity::Warn) => Verdict::Warn,
            Some(Severity::Fail) => Verdict::Fail,
        };
    }

    /// A record for an entry the folder walk passed over or could not read.
    fn from_walk(r: Record) -> CheckRecord {
        let mut c = CheckRecord::new(r.input);
        let why = r.error.unwrap_or_default();
        c.push(if r.status == Status::Failed {
            Finding::Unreadable(why)
        } else {
            Finding::PassedOver(why)
        });
        c.settle_verdict();
        c
    }
}

/// Counts over a check run, for the closing line and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckSummary {
    /// Files that pass.
    pub pass: usize,
    /// Files with warnings.
    pub warn: usize,
    /// Files that fail.
    pub fail: usize,
    /// Entries with nothing to check.
    pub skipped: usize,
}

impl CheckSummary {
    /// Adds up records.
    pub fn of(records: &[CheckRecord]) -> CheckSummary {
        let mut s = CheckSummary::default();
        for r in records {
            match r.verdict {
                Verdict::Pass => s.pass += 1,
                Verdict::Warn => s.warn += 1,
                Verdict::Fail => s.fail += 1,
                Verdict::Skipped => s.skipped += 1,
            }
        }
        s
    }

    /// Whether the run counts as a success: nothing fails, and with `strict` nothing warns.
    pub fn ok(&self, strict: bool) -> bool {
        self.fail == 0 && !(strict && self.warn > 0)
    }
}

/// Checks every file `inputs` name, walking folders as `convert` does, in parallel on
/// `opts.jobs` threads. Only the size band of `opts.profile` and the decoding limits
/// matter. Returns one record per file in walk order, then the entries the walk passed
/// over; the error is for a run that cannot start (a missing input, a contradictory band).
pub fn check(inputs: &[PathBuf], opts: &Options) -> Result<Vec<CheckRecord>, SetupError> {
    opts.profile.validate().map_err(SetupError::Profile)?;
    let mut passed_over = Vec::new();
    let files = batch::find_files(inputs, None, &mut passed_over)?;
    let work = |f: &batch::Found| check_file(&f.path, opts);
    let mut records: Vec<CheckRecord> = if opts.jobs <= 1 {
        files.iter().map(work).collect()
    } else {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs)
            .build()
        {
            // One file per task, as in batch::run: a 50 MP photo costs 100× a screenshot.
            Ok(pool) => pool.install(|| files.par_iter().with_max_len(1).map(work).collect()),
            Err(_) => files.iter().map(work).collect(),
        }
    };
    records.extend(passed_over.into_iter().map(CheckRecord::from_walk));
    Ok(records)
}

/// Checks one file. Never panics: a panic in a decoder becomes an "unreadable" failure.
pub fn check_file(path: &Path, opts: &Options) -> CheckRecord {
    let started = Instant::now();
    let mut record = CheckRecord::new(path.to_path_buf());
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| inspect_file(path, opts, &mut record))) {
        record.push(Finding::Unreadable(
            Problem::Panic(panic_text(payload.as_ref())).to_string(),
        ));
    }
    record.settle_verdict();
    record.millis = started.elapsed().as_millis() as u64;
    record
}

/// Checks one file's bytes (already read) as if they were stored at `path`; the name
/// matters for the extension rules. For callers that hold the bytes already.
pub fn check_bytes(path: &Path, bytes: &[u8], opts: &Options) -> CheckRecord {
    let started = Instant::now();
    let mut record = CheckRecord::new(path.to_path_buf());
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| inspect_bytes(bytes, opts, &mut record)))
    {
        record.push(Finding::Unreadable(
            Problem::Panic(panic_text(payload.as_ref())).to_string(),
        ));
    }
    record.settle_verdict();
    record.millis = started.elapsed().as_millis() as u64;
    record
}

fn inspect_file(path: &Path, opts: &Options, record: &mut CheckRecord) {
    match batch::read_input(path, opts.max_input_bytes) {
        Ok(bytes) => inspect_bytes(&bytes, opts, record),
        Err(problem) => {
            // The size is still worth showing for a file too large to read.
            record.bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            record.push(Finding::Unreadable(problem.to_string()));
        }
    }
}

fn inspect_bytes(bytes: &[u8], opts: &Options, record: &mut CheckRecord) {
    record.bytes = bytes.len() as u64;
    let claimed = claimed_by_name(&record.input);
    record.claimed = claimed;
    let format = if bytes.is_empty() { None } else { sniff(bytes) };
    let Some(format) = format else {
        // Same rule as convert: unknown bytes under a picture's name are a broken
        // picture; under any other name, an unrelated file.
        record.push(match (claimed, bytes.is_empty()) {
            (None, _) => Finding::NotAPicture,
            (Some(_), true) => Finding::Unreadable(Problem::Empty.to_string()),
            (Some(_), false) => Finding::Unreadable(Problem::NotAPicture.to_string()),
        });
        return;
    };
    record.format = Some(format);

    // The upload system's rules: the bytes, the name, the size.
    match claimed {
        Some(c) if c != format => record.push(Finding::Renamed {
            real: format,
            claimed: c,
        }),
        _ => {}
    }
    if !is_accepted(format) {
        record.push(Finding::NotAccepted { format });
    } else if claimed.is_none() || claimed == Some(format) {
        let extension = record
            .input
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if !extension
            .as_deref()
            .is_some_and(|e| ACCEPTED_EXTENSIONS.contains(&e))
        {
            record.push(Finding::BadExtension {
                extension,
                suggested: extension_for(format).unwrap_or("jpg"),
            });
        }
    }
    let profile = &opts.profile;
    if record.bytes < profile.min_bytes {
        record.push(Finding::TooSmall {
            bytes: record.bytes,
            min: profile.min_bytes,
        });
    } else if record.bytes > profile.max_bytes {
        record.push(Finding::TooLarge {
            bytes: record.bytes,
            max: profile.max_bytes,
        });
    }

    // What the reviewer and the viewers see.
    let mut metadata = container_metadata(bytes, format);
    let limits = DecodeLimits {
        max_pixels: opts.max_pixels,
    };
    match decode::decode_all(bytes, format, limits) {
        Err(problem) => {
            // HEIC and friends: scanfit cannot decode them, but the header still tells
            // the size when the `image` crate knows the format.
            if let Some((w, h)) = header_dimensions(bytes, format) {
                record.width = Some(w);
                record.height = Some(h);
            }
            // "Not supported" repeats NotAccepted; only real decoding trouble is news.
            if !matches!(problem, Problem::Unsupported { .. }) || is_accepted(format) {
                record.push(Finding::Unreadable(problem.to_string()));
            }
        }
        Ok(pictures) => {
            if pictures.count > 1 {
                record.pages = Some(pictures.count);
            }
            for (i, picture) in pictures.enumerate() {
                match picture.decoded {
                    Ok(decoded) => {
                        metadata.merge(decoded.metadata);
                        inspect_picture(picture.page, i == 0, decoded, record);
                    }
                    Err(problem) => {
                        record.push_page(picture.page, Finding::Unreadable(problem.to_string()))
                    }
                }
            }
        }
    }
    if metadata.gps {
        record.push(Finding::Gps);
    }
    let names = metadata.names();
    if !names.is_empty() {
        record.push(Finding::Metadata(names.join(", ")));
    }
    record.metadata = Some(metadata);
}

/// The pixel inspections of one decoded picture.
fn inspect_picture(page: Option<u32>, first: bool, decoded: Decoded, record: &mut CheckRecord) {
    let image: &DynamicImage = &decoded.image;
    let (w, h) = (image.width(), image.height());
    let colour = inspect::colour_class(image);
    let score = inspect::sharpness(image);
    if first {
        record.width = Some(w);
        record.height = Some(h);
        record.orientation = Some(decoded.orientation);
        record.colour = Some(colour);
        // Two decimals are all the threshold can use; the rest is noise in JSON diffs.
        record.sharpness = Some((score * 100.0).round() / 100.0);
    }
    let mut push = |f| record.push_page(page, f);
    if decoded.orientation != 1 {
        push(Finding::Orientation(decoded.orientation));
    }
    if decoded.cmyk.is_some() {
        push(Finding::Cmyk);
    } else if decoded.icc.as_deref().is_some_and(|p| !is_srgb_profile(p)) {
        // A CMYK JPEG's profile describes CMYK: it says nothing about RGB viewers, and
        // the CMYK warning covers it.
        push(Finding::NotSrgb);
    }
    if decoded.animated {
        push(Finding::Animated);
    }
    match colour {
        ColourClass::Colour => {}
        ColourClass::Grayscale => push(Finding::Grayscale),
        ColourClass::Bilevel => push(Finding::Bilevel),
    }
    if score < BLUR_THRESHOLD {
        push(Finding::Blurred {
            score: (score * 10.0).round() / 10.0,
            threshold: BLUR_THRESHOLD,
        });
    }
    let long_edge = w.max(h);
    if long_edge < MIN_LEGIBLE_LONG_EDGE {
        push(Finding::LowResolution {
            long_edge,
            min: MIN_LEGIBLE_LONG_EDGE,
        });
    }
}

/// Width and height from the header alone, for formats the `image` crate reads but
/// scanfit does not convert from.
fn header_dimensions(bytes: &[u8], format: Format) -> Option<(u32, u32)> {
    let image_format = match format {
        Format::Bmp => image::ImageFormat::Bmp,
        Format::Webp => image::ImageFormat::WebP,
        Format::Tiff => image::ImageFormat::Tiff,
        _ => return None,
    };
    image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format)
        .into_dimensions()
        .ok()
}

/// Metadata visible in the container, independent of what the decoder exposes (it
/// misses comments, IPTC and PNG text chunks).
pub fn container_metadata(bytes: &[u8], format: Format) -> MetadataFound {
    match format {
        Format::Jpeg => jpeg_metadata(bytes),
        Format::Png => png_metadata(bytes),
        Format::Gif => MetadataFound {
            // GIF keeps XMP and ICC in application extensions named like this.
            xmp: contains(bytes, b"XMP DataXMP"),
            icc: contains(bytes, b"ICCRGBG1012"),
            ..MetadataFound::default()
        },
        _ => MetadataFound::default(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn jpeg_metadata(bytes: &[u8]) -> MetadataFound {
    let mut m = MetadataFound::default();
    for seg in jpeg::segments(bytes) {
        let p = seg.payload;
        match seg.marker {
            0xE1 if p.starts_with(b"Exif\0\0") => {
                m.exif = true;
                m.gps |= exif_has_gps(&p[6..]);
            }
            0xE1 if p.starts_with(b"http://ns.adobe.com/") => m.xmp = true,
            0xE2 if p.starts_with(b"ICC_PROFILE\0") => m.icc = true,
            // JFIF and Adobe describe how the picture decodes; everything else in an
            // application segment or a comment is metadata.
            0xE0 if p.starts_with(b"JFIF\0") => {}
            0xEE if p.starts_with(b"Adobe") => {}
            0xE0..=0xEF | 0xFE => m.other = true,
            _ => {}
        }
    }
    m
}

fn png_metadata(bytes: &[u8]) -> MetadataFound {
    let mut m = MetadataFound::default();
    let mut pos = 8usize;
    while let Some(header) = bytes.get(pos..pos + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let Some(data) = pos
            .checked_add(8 + len)
            .and_then(|end| bytes.get(pos + 8..end))
        else {
            break;
        };
        match kind {
            b"eXIf" => {
                m.exif = true;
                m.gps |= exif_has_gps(data);
            }
            b"iCCP" => m.icc = true,
            b"iTXt" if data.starts_with(b"XML:com.adobe.xmp\0") => m.xmp = true,
            // ImageMagick stores EXIF as hex in a text chunk of this name.
            b"tEXt" | b"zTXt" | b"iTXt" if data.starts_with(b"Raw profile type exif\0") => {
                m.exif = true;
                m.other = true;
            }
            b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" => m.other = true,
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    m
}

/// Whether a raw EXIF block (TIFF structure) holds GPS tags.
fn exif_has_gps(tiff: &[u8]) -> bool {
    exif::Reader::new()
        .read_raw(tiff.to_vec())
        .is_ok_and(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn opts() -> Options {
        Options {
            jobs: 1,
            ..Options::default()
        }
    }

    fn png(img: &RgbImage) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn verdict_is_the_worst_severity_and_notes_do_not_count() {
        let mut r = CheckRecord::new("a.jpg".into());
        r.push(Finding::Metadata("EXIF".into()));
        r.settle_verdict();
        assert_eq!(r.verdict, Verdict::Pass);
        r.push(Finding::Grayscale);
        r.settle_verdict();
        assert_eq!(r.verdict, Verdict::Warn);
        r.push(Finding::TooSmall { bytes: 1, min: 2 });
        r.settle_verdict();
        assert_eq!(r.verdict, Verdict::Fail);
    }

    #[test]
    fn renamed_png_fails_naming_png_and_suggests_the_right_name() {
        let bytes = png(&RgbImage::from_pixel(64, 64, Rgb([200, 30, 30])));
        let r = check_bytes(Path::new("licence.jpg"), &bytes, &opts());
        assert_eq!(r.verdict, Verdict::Fail);
        assert_eq!(r.format, Some(Format::Png));
        let renamed = r
            .reasons
            .iter()
            .find(|x| x.finding.code() == "renamed")
            .expect("renamed reason");
        let text = renamed.to_string();
        assert!(text.contains("PNG") && text.contains(".png"), "{text}");
    }

    #[test]
    fn accepted_bytes_under_an_odd_name_fail() {
        let bytes = png(&RgbImage::from_pixel(8, 8, Rgb([200, 30, 30])));
        for name in ["scan", "scan.dat"] {
            let r = check_bytes(Path::new(name), &bytes, &opts());
            assert!(
                r.reasons
                    .iter()
                    .any(|x| x.finding.code() == "bad_extension"),
                "{name}: {:?}",
                r.reasons
            );
        }
    }

    #[test]
    fn unrelated_files_are_skipped_and_broken_pictures_fail() {
        let r = check_bytes(Path::new("notes.txt"), b"hello", &opts());
        assert_eq!(r.verdict, Verdict::Skipped);
        let r = check_bytes(Path::new("scan.jpg"), b"hello", &opts());
        assert_eq!(r.verdict, Verdict::Fail);
        let r = check_bytes(Path::new("scan.jpg"), b"", &opts());
        assert_eq!(r.verdict, Verdict::Fail);
        // A JPEG cut short: the decoder must not be trusted to notice.
        let mut j = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut j)
            .encode_image(&RgbImage::from_pixel(64, 64, Rgb([1, 2, 3])))
            .unwrap();
        let r = check_bytes(Path::new("cut.jpg"), &j[..j.len() / 2], &opts());
        assert!(r.reasons.iter().any(|x| x.finding.code() == "unreadable"));
    }

    #[test]
    fn hostile_bytes_never_panic() {
        // Valid magic numbers followed by garbage, for every format sniff knows.
        let heads: [&[u8]; 8] = [
            b"\xFF\xD8\xFF\xE1\xFF\xFF",
            b"\x89PNG\r\n\x1a\n\xFF\xFF\xFF\xFFeXIf",
            b"GIF89a\xFF\xFF",
            b"II*\0\xFF\xFF\xFF\xFF",
            b"RIFF\0\0\0\0WEBPVP8 ",
            b"%PDF-1.7\n",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0",
        ];
        for head in heads {
            let mut bytes = head.to_vec();
            bytes.extend((0..300u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
            let r = check_bytes(Path::new("x.jpg"), &bytes, &opts());
            assert_eq!(r.verdict, Verdict::Fail, "{:?}", r.reasons);
        }
    }

    #[test]
    fn png_chunks_are_found() {
        let mut bytes = png(&RgbImage::from_pixel(8, 8, Rgb([9, 9, 9])));
        // Insert a tEXt chunk after IHDR (8 + 25 bytes); the CRC is not checked here.
        let mut chunk = 7u32.to_be_bytes().to_vec();
        chunk.extend(b"tEXtAuthor\0x");
        chunk.extend([0; 4]);
        bytes.splice(33..33, chunk);
        let m = png_metadata(&bytes);
        assert!(m.other && !m.exif && !m.gps && !m.icc);
    }
}
