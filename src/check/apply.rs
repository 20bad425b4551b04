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

use std::path::{Path, PathBuf};

use crate::check::{self, CheckRecord, Verdict};
use crate::rules::assess::{assess, Assessment, Context, FolderSummary, Picture};
use crate::rules::{Finding, Severity};

/// Applies the rules in `ctx` to the pictures of a check run over `inputs`: their
/// findings join `records`' reasons (and verdicts); returns the assessment, with the
/// client folders the rules have something to say about.
pub fn apply(inputs: &[PathBuf], records: &mut [CheckRecord], ctx: &Context) -> Assessment {
    let checked: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].verdict != Verdict::Skipped)
        .collect();
    let pictures: Vec<Picture> = checked
        .iter()
        .map(|&i| Picture {
            path: records[i].subject.input.clone(),
            root: root_of(&records[i].subject.input, inputs),
        })
        .collect();
    let mut assessment = assess(&pictures, ctx);
    for (&i, doc) in checked.iter().zip(&assessment.documents) {
        let record = &mut records[i];
        record.kind = doc.kind.clone();
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
