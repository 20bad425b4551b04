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

use std::path::{Path, PathBuf};

use image::DynamicImage;

use crate::batch;
use crate::decode::{self, DecodeLimits, Decoded};
use crate::document::{self, ContentFinding, Examined, KindClass};
use crate::error::{Problem, SetupError, Skip, Why};
use crate::inspect::{self, ColourClass};
use crate::normalize::is_srgb_profile;
use crate::options::{Limits, Options};
use crate::report::Subject;
use crate::run::{guarded, Done, Panicked, Runner};
use crate::sniff::{claimed_by_name, format_of_extension, sniff, Format};
use crate::{jpeg, png};

mod apply;
pub use apply::{apply, apply_bytes, folders_ok, ReadMode};

/// Version of the [`CheckRecord`] layout; bumped when a field changes meaning.
///
/// 2: a `record` field (`file`, or `folder` for the client folders' lines that follow
/// the files'), a `kind` field, and the document rules' findings among the reasons.
/// 3: `kind_source`, and the dates the rules used with where they came from
/// (`issued`, `issued_source`, `issued_confidence`, the same for `valid_until`), and
/// `read` (whether the picture's text was read).
pub const CHECK_SCHEMA_VERSION: u32 = 3;

/// One file's overall answer. Ordered from best to worst, so the worst decides the exit
/// status. Its words (PASS, WARN...) are in the catalogue.
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

/// One thing found about a file. Its words (in [`crate::words`]) say what to do about it;
/// its code ([`crate::words::Message::code`]) is what `--json` reports keep.
#[derive(Debug, thiserror::Error)]
pub enum Finding {
    /// The bytes are another format than the name says.
    Renamed {
        /// The format of the bytes.
        real: Format,
        /// The format the name claims.
        claimed: Format,
    },
    /// A picture format the portal does not take.
    NotAccepted {
        /// The format of the bytes.
        format: Format,
        /// The endings the rules in force take, upper case ("JPG, JPEG, PNG, GIF").
        accepted: String,
    },
    /// The bytes are fine but the name does not end in an accepted extension.
    BadExtension {
        /// The extension the file has, if any.
        extension: Option<String>,
        /// The extension its bytes call for.
        suggested: String,
        /// The endings the rules in force take, lower case (".jpg, .png").
        accepted: String,
    },
    /// Under the band's minimum.
    TooSmall {
        /// File size.
        bytes: u64,
        /// The band's minimum.
        min: u64,
    },
    /// Over the band's maximum.
    TooLarge {
        /// File size.
        bytes: u64,
        /// The band's maximum.
        max: u64,
    },
    /// Fewer pixels than the upload form's stated minimum (either orientation).
    TooFewPixels {
        /// The picture's width.
        width: u32,
        /// The picture's height.
        height: u32,
        /// The minimum, as (long edge, short edge).
        min: (u32, u32),
    },
    /// More pixels than the upload form's stated maximum.
    TooManyPixels {
        /// The picture's width.
        width: u32,
        /// The picture's height.
        height: u32,
        /// The maximum, as (long edge, short edge).
        max: (u32, u32),
    },
    /// Read or decode failed (or a decoder panicked).
    Unreadable(Problem),
    /// An entry the folder walk passed over (a link to a folder, a broken link).
    PassedOver(Skip),
    /// Not a picture, and not named as one.
    NotAPicture,
    /// An EXIF orientation other than "upright as stored".
    Orientation(u8),
    /// A GPS position in the EXIF data.
    Gps,
    /// Harmless metadata (what is present; GPS has a finding of its own).
    Metadata(MetadataFound),
    /// A colour profile other than sRGB: viewers that ignore profiles show other colours.
    NotSrgb,
    /// CMYK JPEG: some viewers show it inverted or not at all.
    Cmyk,
    /// More than one frame.
    Animated,
    /// No clearly chromatic content.
    Grayscale,
    /// Near-binary pixels.
    Bilevel,
    /// Sharpness under the threshold.
    Blurred {
        /// The [`inspect::sharpness`] score.
        score: f64,
        /// The threshold in force ([`Limits::min_sharpness`]).
        threshold: f64,
    },
    /// Long edge under the legibility minimum.
    LowResolution {
        /// The picture's long edge.
        long_edge: u32,
        /// The minimum in force ([`Limits::min_long_edge`]).
        min: u32,
    },
    /// What the document rules found (kind, dates, combining); see [`crate::rules`].
    Rule(crate::rules::Finding),
    /// What the reviewer rejects on sight, found in the pixels ([`crate::document`]):
    /// a fail for a certificate, else a warning (see [`Finding::severity`]).
    Content {
        /// What was found.
        found: ContentFinding,
        /// The document is a certificate (its kind is an identity document).
        certificate: bool,
    },
}

/// The accepted extension for pictures in `format`.
pub(crate) fn extension_for(format: Format) -> Option<&'static str> {
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
            | TooFewPixels { .. }
            | TooManyPixels { .. }
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
            // A certificate's fail: each finding's false alarms on real pictures are
            // measured within the bars (docs/content-checks.md: none of 94 for a
            // cut border). Where the kind is unknown, a warning.
            Content {
                certificate: true, ..
            } => Severity::Fail,
            Content { .. } => Severity::Warn,
            Rule(f) => match f.severity() {
                crate::rules::Severity::Note => Severity::Note,
                crate::rules::Severity::Warn => Severity::Warn,
                crate::rules::Severity::Fail => Severity::Fail,
            },
        }
    }
}

/// A [`Finding`] and the page it concerns (for files with several pages).
#[derive(Debug, PartialEq)]
pub struct Reason {
    /// 1-based page, for multi-page files (TIFF, PDF).
    pub page: Option<u32>,
    /// What was found.
    pub finding: Finding,
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

    /// Whether anything but GPS is present (GPS has a finding of its own).
    fn any_besides_gps(&self) -> bool {
        self.exif || self.xmp || self.icc || self.other
    }
}

/// One file's inspection (`check --json` writes it as a
/// [`CheckRow`](crate::rows::CheckRow)).
#[derive(Debug)]
pub struct CheckRecord {
    /// The file: its path, real format (from the bytes) and size.
    pub subject: Subject,
    /// The overall answer: the worst of the reasons.
    pub verdict: Verdict,
    /// The format the name claims, if it names one.
    pub claimed: Option<Format>,
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
    /// The document's kind, when the document rules know it ([`apply`]).
    pub kind: Option<crate::rules::KindId>,
    /// The document found in the first page, and what its pixels show
    /// ([`crate::document`]).
    pub document: Option<Examined>,
    /// Everything found, in the order checked.
    pub reasons: Vec<Reason>,
    /// Wall time for this file.
    pub millis: u64,
    /// Where `kind` came from.
    pub kind_source: Option<crate::rules::KindSource>,
    /// The issue date the rules used (the manifest's, else read off the picture).
    pub issued: Option<jiff::civil::Date>,
    /// How sure the reading of `issued` is (percent), when it was read off the picture.
    pub issued_read: Option<u8>,
    /// The end of validity the rules used (the manifest's, else read off the picture).
    pub valid_until: Option<crate::rules::Expiry>,
    /// How sure the reading of `valid_until` is (percent), when read off the picture.
    pub valid_until_read: Option<u8>,
    /// Whether the picture's text was read ([`apply`]'s [`ReadMode`]).
    pub read: bool,
    /// When it was read: how many characters were read, and how many of them with
    /// at least [`crate::read::SURE`] confidence (the reviewer's own test of
    /// legibility, asked of the OCR engine).
    pub characters: Option<(u32, u32)>,
}

impl CheckRecord {
    fn new(input: PathBuf) -> CheckRecord {
        CheckRecord {
            subject: Subject::new(input, 0),
            verdict: Verdict::Pass,
            claimed: None,
            width: None,
            height: None,
            pages: None,
            orientation: None,
            colour: None,
            sharpness: None,
            metadata: None,
            kind: None,
            document: None,
            reasons: Vec::new(),
            millis: 0,
            kind_source: None,
            issued: None,
            issued_read: None,
            valid_until: None,
            valid_until_read: None,
            read: false,
            characters: None,
        }
    }

    pub(crate) fn push(&mut self, finding: Finding) {
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

    /// Says the content findings again for what is now known of the document's kind:
    /// a certificate's fail, a render only for a certificate, a neutral certificate as a
    /// copy ([`KindClass`]).
    pub(crate) fn content_for_kind(&mut self, kind: KindClass) {
        let Some(examined) = &self.document else {
            return;
        };
        let found = examined.findings(kind);
        self.reasons
            .retain(|r| !matches!(r.finding, Finding::Content { .. }));
        let certificate = kind == KindClass::Certificate;
        for f in found {
            self.push(Finding::Content {
                found: f,
                certificate,
            });
        }
        self.settle_verdict();
    }

    pub(crate) fn settle_verdict(&mut self) {
        self.verdict = match self.reasons.iter().map(|r| r.finding.severity()).max() {
            None | Some(Severity::Note) => Verdict::Pass,
            Some(Severity::Skip) => Verdict::Skipped,
            Some(Severity::Warn) => Verdict::Warn,
            Some(Severity::Fail) => Verdict::Fail,
        };
    }

    /// A record for an entry the folder walk passed over or could not read.
    fn from_walk(path: PathBuf, why: Why) -> CheckRecord {
        let mut c = CheckRecord::new(path);
        c.push(match why {
            Why::Skip(skip) => Finding::PassedOver(skip),
            Why::Problem(problem) => Finding::Unreadable(problem),
            // The walk gives no other reasons; an unexpected one still fails the file.
            other => Finding::Unreadable(Problem::Panic(other.to_string())),
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
/// `opts.jobs` threads. Only the size band of `opts.profile`, `opts.limits` (formats,
/// pixel bounds, the reviewer's thresholds) and the decoding limits matter. Returns one record per file in walk order, then the entries the walk passed
/// over; the error is for a run that cannot start (a missing input, a contradictory band).
pub fn check(inputs: &[PathBuf], opts: &Options) -> Result<Vec<CheckRecord>, SetupError> {
    opts.profile.validate().map_err(SetupError::Profile)?;
    let mut passed_over = Vec::new();
    let files = batch::find_files(inputs, None, &mut passed_over)?;
    let runner = Runner::new(opts.jobs);
    let mut records = runner.map(
        &files,
        |f| inspect_file(&f.path, opts),
        |f, done| finish(&f.path, done),
    );
    records.extend(
        passed_over
            .into_iter()
            .map(|(path, why)| CheckRecord::from_walk(path, why)),
    );
    Ok(records)
}

/// Checks one file. Never panics: a panic in a decoder becomes an "unreadable" failure.
pub fn check_file(path: &Path, opts: &Options) -> CheckRecord {
    finish(path, guarded(|| inspect_file(path, opts)))
}

/// Checks one file's bytes (already read) as if they were stored at `path`; the name
/// matters for the extension rules. For callers that hold the bytes already.
pub fn check_bytes(path: &Path, bytes: &[u8], opts: &Options) -> CheckRecord {
    finish(path, guarded(|| inspect_bytes(path, bytes, opts)))
}

/// The record of one inspection: its findings and verdict, or the panic it raised.
fn finish(path: &Path, done: Done<CheckRecord>) -> CheckRecord {
    let millis = done.millis;
    let mut record = done.or_else(|Panicked(text)| {
        let mut r = CheckRecord::new(path.to_path_buf());
        r.push(Finding::Unreadable(Problem::Panic(text)));
        r
    });
    record.settle_verdict();
    record.millis = millis;
    record
}

fn inspect_file(path: &Path, opts: &Options) -> CheckRecord {
    match batch::read_input(path, opts.max_input_bytes) {
        Ok(bytes) => inspect_bytes(path, &bytes, opts),
        Err(problem) => {
            let mut record = CheckRecord::new(path.to_path_buf());
            // The size is still worth showing for a file too large to read.
            record.subject.bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            record.push(Finding::Unreadable(problem));
            record
        }
    }
}

fn inspect_bytes(path: &Path, bytes: &[u8], opts: &Options) -> CheckRecord {
    let mut record = CheckRecord::new(path.to_path_buf());
    inspect_into(bytes, opts, &mut record);
    record
}

fn inspect_into(bytes: &[u8], opts: &Options, record: &mut CheckRecord) {
    record.subject.bytes = bytes.len() as u64;
    let claimed = claimed_by_name(&record.subject.input);
    record.claimed = claimed;
    let format = if bytes.is_empty() { None } else { sniff(bytes) };
    let Some(format) = format else {
        // Same rule as convert: unknown bytes under a picture's name are a broken
        // picture; under any other name, an unrelated file.
        record.push(match (claimed, bytes.is_empty()) {
            (None, _) => Finding::NotAPicture,
            (Some(_), true) => Finding::Unreadable(Problem::Empty),
            (Some(_), false) => Finding::Unreadable(Problem::NotAPicture),
        });
        return;
    };
    record.subject.format = Some(format);

    // The upload system's rules: the bytes, the name, the size.
    match claimed {
        Some(c) if c != format => record.push(Finding::Renamed {
            real: format,
            claimed: c,
        }),
        _ => {}
    }
    let limits = &opts.limits;
    if !limits.accepts(format) {
        record.push(Finding::NotAccepted {
            format,
            accepted: limits.extensions_shown(", "),
        });
    } else if claimed.is_none() || claimed == Some(format) {
        let extension = record
            .subject
            .input
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if !extension
            .as_deref()
            .is_some_and(|e| limits.accepts_extension(e))
        {
            let suggested = limits
                .extensions
                .iter()
                .find(|e| format_of_extension(e) == Some(format))
                .cloned()
                .unwrap_or_else(|| "jpg".to_owned());
            let accepted: Vec<String> = limits.extensions.iter().map(|e| format!(".{e}")).collect();
            record.push(Finding::BadExtension {
                extension,
                suggested,
                accepted: accepted.join(", "),
            });
        }
    }
    let profile = &opts.profile;
    if record.subject.bytes < profile.min_bytes {
        record.push(Finding::TooSmall {
            bytes: record.subject.bytes,
            min: profile.min_bytes,
        });
    } else if record.subject.bytes > profile.max_bytes {
        record.push(Finding::TooLarge {
            bytes: record.subject.bytes,
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
            if !matches!(problem, Problem::Unsupported { .. }) || opts.limits.accepts(format) {
                record.push(Finding::Unreadable(problem));
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
                        inspect_picture(picture.page, i == 0, decoded, &opts.limits, record);
                    }
                    Err(problem) => record.push_page(picture.page, Finding::Unreadable(problem)),
                }
            }
        }
    }
    if metadata.gps {
        record.push(Finding::Gps);
    }
    if metadata.any_besides_gps() {
        record.push(Finding::Metadata(metadata));
    }
    record.metadata = Some(metadata);
}

/// The pixel inspections of one decoded picture.
fn inspect_picture(
    page: Option<u32>,
    first: bool,
    decoded: Decoded,
    limits: &Limits,
    record: &mut CheckRecord,
) {
    let image: &DynamicImage = &decoded.image;
    // The file's own size, also when it was decoded smaller (over the pixel limit).
    let (w, h) = decoded
        .reduced
        .map_or((image.width(), image.height()), |r| (r.width, r.height));
    let colour = inspect::colour_class(image);
    let score = inspect::sharpness(image);
    if first {
        // Measured on the first page, as the colour class is: a multi-page file is a
        // scan whose pages share how it was made.
        if limits.content {
            let examined = document::examine(image);
            for found in examined.findings(KindClass::Unknown) {
                record.push(Finding::Content {
                    found,
                    certificate: false,
                });
            }
            record.document = Some(examined);
        }
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
    match (limits.colour, colour) {
        (false, _) | (_, ColourClass::Colour) => {}
        (true, ColourClass::Grayscale) => push(Finding::Grayscale),
        (true, ColourClass::Bilevel) => push(Finding::Bilevel),
    }
    if score < limits.min_sharpness {
        push(Finding::Blurred {
            score: (score * 10.0).round() / 10.0,
            threshold: limits.min_sharpness,
        });
    }
    let long_edge = w.max(h);
    if long_edge < limits.min_long_edge {
        push(Finding::LowResolution {
            long_edge,
            min: limits.min_long_edge,
        });
    }
    match limits.pixel_bounds(w, h) {
        Ok(()) => {}
        Err((min, true)) => push(Finding::TooFewPixels {
            width: w,
            height: h,
            min,
        }),
        Err((max, false)) => push(Finding::TooManyPixels {
            width: w,
            height: h,
            max,
        }),
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
    let found = match format {
        Format::Jpeg => jpeg::metadata(bytes),
        Format::Png => png::metadata(bytes),
        Format::Gif => {
            // GIF keeps XMP and ICC in application extensions named like this.
            let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
            return MetadataFound {
                xmp: contains(b"XMP DataXMP"),
                icc: contains(b"ICCRGBG1012"),
                ..MetadataFound::default()
            };
        }
        _ => return MetadataFound::default(),
    };
    let mut m = MetadataFound {
        other: found.other,
        ..MetadataFound::default()
    };
    m.merge(found.metadata);
    m
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
        r.push(Finding::Metadata(MetadataFound {
            exif: true,
            ..MetadataFound::default()
        }));
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
        assert_eq!(r.subject.format, Some(Format::Png));
        let renamed = r
            .reasons
            .iter()
            .find(|x| matches!(x.finding, Finding::Renamed { .. }))
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
                    .any(|x| matches!(x.finding, Finding::BadExtension { .. })),
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
        assert!(r
            .reasons
            .iter()
            .any(|x| matches!(x.finding, Finding::Unreadable(_))));
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
}
