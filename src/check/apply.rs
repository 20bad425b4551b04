//! The document rules applied to a `check` run: each checked picture gets its kind and
//! the rules' findings beside the byte and pixel findings, so one verdict and one exit
//! status say whether the filing would pass both the upload system and the reviewer.
//!
//! Only pictures count as documents (a `.docx` in a client folder is skipped by check
//! and is no document). A client folder gets a summary when it is in a folder the run
//! was given (files given by name are just files) and the rules have something to say
//! about it: a manifest was given, or one of its pictures was recognised as a kind. A
//! folder of `IMG_0001.jpg` checked for bytes alone gets none, so plain `check` on a
//! camera folder does not report a missing ID card.
//!
//! Reading the text ([`ReadMode`]): OCR costs far more than the rest of check (see
//! docs/read.md for the measured ratio), so by default ([`ReadMode::Auto`]) only the
//! pictures whose dates the rules need and neither the manifest nor the name gives are
//! read: a kind known from the name whose window needs a date the manifest does not
//! give, and, when a manifest is given, a picture whose kind nothing names.

use std::path::{Path, PathBuf};

use crate::check::{self, CheckRecord, Verdict};
use crate::rules::assess::{assess, Assessment, Context, Document, FolderSummary, Picture};
use crate::rules::{Finding, Rules, Severity};

/// Which pictures `check` reads the text of (`--read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// Those whose kind or dates the rules need and the manifest and names do not give.
    #[default]
    Auto,
    /// Every picture.
    Always,
    /// None: kinds from names and dates from the manifest only.
    Never,
}

/// Whether the rules need what `doc`'s text says: a date its kind's window needs that
/// the manifest does not give, or (with a manifest) its kind.
fn wants_reading(doc: &Document, rules: &Rules, manifest: bool) -> bool {
    let Some(kind) = &doc.kind else {
        return manifest;
    };
    let province = doc.province;
    (doc.issued.is_none() && rules.issued_within(kind, province).is_some())
        || (doc.valid_until.is_none() && rules.valid_for(kind, province).is_some())
}

/// Applies the rules in `ctx` to the pictures of a check run over `inputs`: their
/// findings join `records`' reasons (and verdicts); returns the assessment, with the
/// client folders the rules have something to say about.
pub fn apply(
    inputs: &[PathBuf],
    records: &mut [CheckRecord],
    ctx: &Context,
    mode: ReadMode,
) -> Assessment {
    apply_with(inputs, records, ctx, mode, &first_page)
}

/// [`apply`] to one file's record whose bytes are at hand (the server's upload): the
/// picture is read from `bytes`, its name gives its kind, and it is a client folder of
/// its own.
pub fn apply_bytes(
    record: &mut CheckRecord,
    bytes: &[u8],
    ctx: &Context,
    mode: ReadMode,
) -> Assessment {
    let load = |_: &Path| first_page_of(bytes);
    apply_with(&[], std::slice::from_mut(record), ctx, mode, &load)
}

/// Loads a picture to read: its first page, upright, as RGB (`None` when it cannot be).
type Load<'a> = &'a (dyn Fn(&Path) -> Option<image::RgbImage> + Sync);

fn apply_with(
    inputs: &[PathBuf],
    records: &mut [CheckRecord],
    ctx: &Context,
    mode: ReadMode,
    load: Load,
) -> Assessment {
    let checked: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].verdict != Verdict::Skipped)
        .collect();
    let pictures: Vec<Picture> = checked
        .iter()
        .map(|&i| Picture {
            path: records[i].subject.input.clone(),
            root: root_of(&records[i].subject.input, inputs),
            read: None,
        })
        .collect();
    let mut pictures = pictures;
    let mut assessment = assess(&pictures, ctx);
    let want: Vec<bool> = assessment
        .documents
        .iter()
        .map(|d| match mode {
            ReadMode::Never => false,
            ReadMode::Always => true,
            ReadMode::Auto => wants_reading(d, ctx.rules, ctx.manifest.is_some()),
        })
        .collect();
    let mut characters = vec![None; pictures.len()];
    if want.iter().any(|&w| w) {
        characters = read_pictures(&mut pictures, &want, ctx.rules, load);
        assessment = assess(&pictures, ctx);
    }
    let each = checked.iter().zip(&assessment.documents).zip(&pictures);
    for (((&i, doc), p), chars) in each.zip(characters) {
        let record = &mut records[i];
        record.characters = chars;
        record.kind = doc.kind.clone();
        record.kind_source = doc.kind_from;
        record.issued = doc.issued;
        record.issued_read = doc.issued_read;
        record.valid_until = doc.valid_until;
        record.valid_until_read = doc.valid_until_read;
        record.read = p.read.is_some();
        let certificate = doc
            .kind
            .as_ref()
            .and_then(|id| ctx.rules.kind(id))
            .is_some_and(|k| k.role == crate::rules::Role::Identity);
        if certificate {
            record.content_for_kind(crate::document::KindClass::Certificate);
        } else if doc.kind.is_some() {
            record.content_for_kind(crate::document::KindClass::Plain);
        }
        for f in &doc.findings {
            record.push(check::Finding::Rule(f.clone()));
        }
        record.settle_verdict();
    }
    let manifest = ctx.manifest.is_some();
    let folders: Vec<&PathBuf> = inputs.iter().filter(|i| i.is_dir()).collect();
    assessment.folders.retain(|f| {
        let in_tree = folders.iter().any(|d| f.folder.starts_with(d));
        in_tree && (manifest || !f.documents.is_empty())
    });
    assessment
}

/// Reads the text of the pictures `want` marks, in parallel; a picture that cannot be
/// decoded or read stays unread (check has already said why it cannot be decoded).
/// Returns, per picture read, how many characters were read and how many surely.
#[cfg(feature = "ocr")]
fn read_pictures(
    pictures: &mut [Picture],
    want: &[bool],
    rules: &Rules,
    load: Load,
) -> Vec<Option<(u32, u32)>> {
    use rayon::prelude::*;
    // The engine loads its models once (tens of milliseconds); none is loaded when no
    // picture needs reading.
    let Ok(reader) = crate::ocr::Reader::new() else {
        return vec![None; pictures.len()];
    };
    pictures
        .par_iter_mut()
        .zip(want)
        .map(|(p, &w)| {
            if !w {
                return None;
            }
            let image = load(&p.path)?;
            let reading = crate::read::read_picture(&reader, &image, &rules.kinds).ok()?;
            p.read = Some(reading.for_rules());
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            Some((count(reading.characters), count(reading.sure_characters)))
        })
        .collect()
}

/// Without the OCR engine nothing is read.
#[cfg(not(feature = "ocr"))]
fn read_pictures(
    pictures: &mut [Picture],
    _: &[bool],
    _: &Rules,
    _: Load,
) -> Vec<Option<(u32, u32)>> {
    vec![None; pictures.len()]
}

/// The first page of a picture file, upright, as RGB.
fn first_page(path: &Path) -> Option<image::RgbImage> {
    first_page_of(&std::fs::read(path).ok()?)
}

/// The first page of a picture's bytes, upright, as RGB.
fn first_page_of(bytes: &[u8]) -> Option<image::RgbImage> {
    let format = crate::sniff::sniff(bytes)?;
    let limits = crate::decode::DecodeLimits {
        max_pixels: crate::options::DEFAULT_MAX_PIXELS,
    };
    let picture = crate::decode::decode_all(bytes, format, limits)
        .ok()?
        .next()?;
    let decoded = picture.decoded.ok()?;
    let mut image = decoded.image;
    if let Some(o) = image::metadata::Orientation::from_exif(decoded.orientation) {
        image.apply_orientation(o);
    }
    Some(image.to_rgb8())
}

/// The input a checked file was found under: the deepest folder given that holds it,
/// else its own folder (a file given by name).
fn root_of(path: &Path, inputs: &[PathBuf]) -> PathBuf {
    inputs
        .iter()
        .filter(|i| path != i.as_path() && path.starts_with(i))
        .max_by_key(|i| i.components().count())
        .cloned()
        .unwrap_or_else(|| path.parent().unwrap_or(Path::new("")).to_path_buf())
}

impl FolderSummary {
    /// The worst of its findings' severities.
    pub fn severity(&self) -> Option<Severity> {
        self.findings.iter().map(Finding::severity).max()
    }

    /// Its verdict, as a file's: the worst finding decides.
    pub fn verdict(&self) -> Verdict {
        match self.severity() {
            None | Some(Severity::Note) => Verdict::Pass,
            Some(Severity::Warn) => Verdict::Warn,
            Some(Severity::Fail) => Verdict::Fail,
        }
    }
}

/// Whether every folder passes (and, with `strict`, none warns).
pub fn folders_ok(folders: &[FolderSummary], strict: bool) -> bool {
    folders.iter().all(|f| match f.verdict() {
        Verdict::Fail => false,
        Verdict::Warn => !strict,
        Verdict::Pass | Verdict::Skipped => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_belongs_to_the_deepest_folder_given() {
        let inputs = [
            PathBuf::from("a"),
            PathBuf::from("a/客户 B"),
            "x.jpg".into(),
        ];
        assert_eq!(
            root_of(Path::new("a/客户 B/授权书.jpg"), &inputs),
            Path::new("a/客户 B")
        );
        assert_eq!(root_of(Path::new("a/c/d.jpg"), &inputs), Path::new("a"));
        assert_eq!(root_of(Path::new("x.jpg"), &inputs), Path::new(""));
        assert_eq!(root_of(Path::new("b/y.jpg"), &inputs), Path::new("b"));
    }
}
