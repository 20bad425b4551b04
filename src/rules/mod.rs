//! The filing guide's document rules: which kinds of documents a filing uploads, how old
//! each may be, how long each must stay valid, what provinces change, and which must be
//! combined with an identity document.
//!
//! `check` already knows the byte, format and colour rules the upload system enforces.
//! These rules are the ones a reviewer enforces a week later: an authorization letter
//! issued more than 3 months before filing, an ID card expiring within 3 months, a
//! Sichuan proof of employment older than 45 days, an authorization letter uploaded
//! alone when the form had no slot for it. Portals change such rules without notice, so
//! they are data: [`rules.toml`](BUILTIN_TOML) is built in, and a file in the same shape
//! replaces it ([`Rules::load`]).
//!
//! The parts: [`kind`] tells a document's kind from its name, [`province`] reads
//! province names, [`dates`] reads dates and computes calendar-month windows,
//! [`manifest`] reads the agency's spreadsheet of documents, [`assess`](mod@assess) applies the rules
//! and returns typed [`Finding`]s, each with a stable code and a message in
//! `src/words/{en,zh}/rules.ftl`.

pub mod assess;
pub mod dates;
pub mod finding;
pub mod kind;
pub mod manifest;
pub mod province;
pub mod requirements;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use jiff::civil::Date;
use toml::Spanned;

use crate::options::Limits;
use crate::sniff::{format_of_extension, Format};

pub use assess::{assess, Assessment, Context, Document, FolderSummary, KindSource, Picture};
pub use dates::{Expiry, Length};
pub use finding::{Finding, Severity};
pub use kind::{Detection, Detector, Kind, KindId, KindName, NameError, Role};
pub use manifest::{Manifest, ManifestError, ManifestRow};
pub use province::Province;
pub use requirements::{Applicant, ClientFacts, Condition, Requirement};

/// The rules built into scanfit.
pub const BUILTIN_TOML: &str = include_str!("rules.toml");

/// The rules in force: the built-in ones or a file given with `--rules`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rules {
    /// Which guide they follow.
    pub guide: Guide,
    /// A document this many days or fewer inside its window is warned about.
    pub warn_days: u32,
    /// What the upload form takes (the portal in force's).
    pub upload: Upload,
    /// The other providers' limits, for `--portal`.
    pub portals: Vec<Portal>,
    /// What the reviewer expects of the picture.
    pub picture: PictureRules,
    /// The document kinds, in order of precedence.
    pub kinds: Vec<Kind>,
    /// Province exceptions to the kinds' windows.
    pub exceptions: Vec<Exception>,
    /// What every filing needs when a manifest does not say.
    pub needs: Vec<Need>,
    /// The applicant types (主体类型) the portal lists.
    pub applicants: Vec<Applicant>,
    /// What a filing needs by applicant type and province.
    pub requirements: Vec<Requirement>,
    #[serde(skip)]
    detector: Detector,
    /// The TOML text they were read from.
    #[serde(skip)]
    text: String,
}

/// The guide the rules follow.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The date the rules were last checked against the guide.
    #[serde(deserialize_with = "toml_date")]
    pub version: Date,
    /// The guide's name.
    pub title: String,
}

/// What the upload form takes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// The provider whose upload form these are (`aliyun`, the guide's).
    #[serde(default = "aliyun")]
    pub portal: String,
    /// File name endings (and real formats) accepted.
    pub formats: Vec<String>,
    /// Smallest accepted file, in bytes.
    pub min_bytes: u64,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// The smallest picture taken, `[long edge, short edge]` in pixels (either
    /// orientation), if the provider states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pixels: Option<[u32; 2]>,
    /// The largest picture taken, `[long edge, short edge]` in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pixels: Option<[u32; 2]>,
    /// Where the provider published each value: `formats`, `bytes`, `pixels` → its
    /// words and page.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<String, String>,
}

fn aliyun() -> String {
    "aliyun".into()
}

/// Another provider's published upload limits (`[[portal]]`), which `--portal` (or the
/// file's `portal`) puts in place of `[upload]`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    /// Stable id (`volcengine`).
    pub id: String,
    /// The provider's name.
    pub name: String,
    /// File name endings (and real formats) accepted.
    pub formats: Vec<String>,
    /// Smallest accepted file, in bytes (0: the provider states none).
    #[serde(default)]
    pub min_bytes: u64,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// The smallest picture taken, `[long edge, short edge]`.
    #[serde(default)]
    pub min_pixels: Option<[u32; 2]>,
    /// The largest picture taken, `[long edge, short edge]`.
    #[serde(default)]
    pub max_pixels: Option<[u32; 2]>,
    /// Where the provider published each value.
    pub sources: std::collections::BTreeMap<String, String>,
}

impl Portal {
    /// Its limits as the upload form's.
    fn upload(&self) -> Upload {
        Upload {
            portal: self.id.clone(),
            formats: self.formats.clone(),
            min_bytes: self.min_bytes,
            max_bytes: self.max_bytes,
            min_pixels: self.min_pixels,
            max_pixels: self.max_pixels,
            sources: self.sources.clone(),
        }
    }
}

/// What the reviewer expects of the picture.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PictureRules {
    /// A colour photo or scan of the original (black-and-white scans are rejected).
    pub colour: bool,
    /// Fewest pixels on the long edge for small print to stay legible.
    pub min_long_edge: u32,
    /// Sharpness (as [`crate::inspect::sharpness`] measures it) below which a picture is
    /// called blurred.
    pub min_sharpness: f64,
    /// Examine the pixels for a cut border, a photocopy, a photographed screen and a
    /// rendered certificate ([`crate::document`]); on unless the rules say otherwise.
    #[serde(default = "on")]
    pub content: bool,
}

fn on() -> bool {
    true
}

/// A province's own window for a kind.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Exception {
    /// The province.
    pub province: Province,
    /// The kind it applies to.
    pub kind: KindId,
    /// Replaces the kind's `issued_within`.
    pub issued_within: Option<Length>,
    /// Replaces the kind's `valid_for`.
    pub valid_for: Option<Length>,
}

/// Something a filing needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// A document of this kind.
    Kind(KindId),
    /// Any one identity document.
    Identity,
}

/// A window that applies to one document: its length, and the province whose exception
/// set it (`None`: the guide's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    /// The window's length.
    pub length: Length,
    /// The province whose exception set it, if one did.
    pub province: Option<Province>,
}

/// Why a rules file cannot be used (its words are in the catalogue).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// `--portal` (or the file's `portal`) names a provider the rules do not list.
    UnknownPortal {
        /// The name given.
        given: String,
        /// The providers listed.
        known: Vec<String>,
    },
    /// The file cannot be read.
    Read {
        /// The rules file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not describe rules; names the line.
    Invalid {
        /// The rules file.
        path: PathBuf,
        /// 1-based line of the mistake.
        line: usize,
        /// That line's text, trimmed (empty when the mistake is the file as a whole).
        text: String,
        /// What is wrong.
        why: RulesWhy,
    },
}

/// What is wrong in a rules file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesWhy {
    /// Not TOML, or not the rules' shape: the TOML reader's own words (which include
    /// the words of a length, a date or a province that cannot be read).
    Syntax(String),
    /// A kind id that is not lower-case letters, digits and `_`.
    BadId(String),
    /// A kind id listed twice.
    KindTwice(String),
    /// A kind without names.
    NoNames(String),
    /// A name with nothing to match.
    Name(NameError),
    /// No `[[kind]]` at all.
    NoKinds,
    /// A reference to a kind id that is not listed.
    UnknownKind(String),
    /// An exception with neither window.
    ExceptionWithoutWindow,
    /// Two exceptions for one province and kind.
    ExceptionTwice {
        /// The province.
        province: Province,
        /// The kind.
        kind: KindId,
    },
    /// An upload format scanfit does not know.
    UnknownFormat(String),
    /// `[upload]` without formats, or a band whose minimum is not below its maximum.
    Upload,
    /// A number out of its range (`picture.min_sharpness` negative, `warn_days` over 366).
    OutOfRange,
    /// A requirement names an applicant type that is not listed.
    UnknownApplicant(String),
    /// An applicant type listed twice, or with an id that is not snake_case.
    BadApplicant(String),
    /// A requirement without kinds, or a `business_words` one without words.
    EmptyRequirement,
    /// A `[[portal_limits]]` id that is not snake_case or repeats `[upload]`'s portal,
    /// or a `portal` that names no provider listed.
    BadPortal(String),
}

/// An upload form's limits that make sense: formats scanfit knows, a band.
fn check_upload(u: &Upload, span: std::ops::Range<usize>, at: &Locator) -> Result<(), RulesError> {
    if u.formats.is_empty() || u.min_bytes >= u.max_bytes {
        return Err(at.error(span, RulesWhy::Upload));
    }
    if let Some(unknown) = u.formats.iter().find(|f| format_of_extension(f).is_none()) {
        return Err(at.error(span, RulesWhy::UnknownFormat(unknown.clone())));
    }
    Ok(())
}

/// The file's shape, before the cross-checks that need the whole file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    warn_days: u32,
    portal: Option<Spanned<String>>,
    #[serde(rename = "portal_limits", default)]
    portals: Vec<Portal>,
    #[serde(default)]
    needs: Vec<Spanned<String>>,
    guide: Guide,
    upload: Upload,
    picture: PictureRules,
    #[serde(rename = "kind")]
    kinds: Vec<KindFile>,
    #[serde(rename = "exception", default)]
    exceptions: Vec<ExceptionFile>,
    #[serde(rename = "applicant", default)]
    applicants: Vec<Spanned<Applicant>>,
    #[serde(rename = "requirement", default)]
    requirements: Vec<RequirementFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementFile {
    needs: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    applicants: Vec<Spanned<String>>,
    provinces: Option<Vec<Province>>,
    #[serde(default = "always")]
    when: Condition,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default = "fail")]
    severity: Severity,
    source: String,
}

fn always() -> Condition {
    Condition::Always
}

fn fail() -> Severity {
    Severity::Fail
}

/// The applicant types, each id snake_case and listed once.
fn read_applicants(
    file: Vec<Spanned<Applicant>>,
    at: &Locator,
) -> Result<Vec<Applicant>, RulesError> {
    let mut out: Vec<Applicant> = Vec::new();
    for a in file {
        let span = a.span();
        let a = a.into_inner();
        if !is_snake_case(&a.id) || out.iter().any(|o| o.id == a.id) {
            return Err(at.error(span, RulesWhy::BadApplicant(a.id)));
        }
        out.push(a);
    }
    Ok(out)
}

/// The requirements, each naming known kinds and applicant types.
fn read_requirements(
    file: Vec<RequirementFile>,
    kinds: &[Kind],
    applicants: &[Applicant],
    at: &Locator,
) -> Result<Vec<Requirement>, RulesError> {
    let mut out = Vec::new();
    for r in file {
        let span = r.needs.span();
        let needs = r
            .needs
            .into_inner()
            .iter()
            .map(|k| known_kind(kinds, k, at))
            .collect::<Result<Vec<_>, _>>()?;
        if needs.is_empty() || (r.when == Condition::BusinessWords && r.words.is_empty()) {
            return Err(at.error(span, RulesWhy::EmptyRequirement));
        }
        let mut ids = Vec::new();
        for a in &r.applicants {
            if !applicants.iter().any(|known| &known.id == a.get_ref()) {
                return Err(at.error(a.span(), RulesWhy::UnknownApplicant(a.get_ref().clone())));
            }
            ids.push(a.get_ref().clone());
        }
        out.push(Requirement {
            needs,
            applicants: ids,
            provinces: r.provinces,
            when: r.when,
            words: r.words,
            severity: r.severity,
            source: r.source,
        });
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFile {
    id: Spanned<String>,
    zh: String,
    en: String,
    role: Role,
    names: Spanned<Vec<String>>,
    issued_within: Option<Length>,
    valid_for: Option<Length>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionFile {
    province: Province,
    kind: Spanned<String>,
    issued_within: Option<Length>,
    valid_for: Option<Length>,
}

/// A guide version written as a TOML date (`2026-11-30`) or a string (`"2026-11-30"`).
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    use serde::Deserialize;
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => format!("{other}"),
    };
    dates::parse_date(&text).map_err(serde::de::Error::custom)
}

/// The ids a rules file may use: lower-case ASCII words joined by `_`.
fn is_snake_case(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id.as_bytes()[0].is_ascii_lowercase()
}

/// Turns a byte span of the rules text into an error naming the line.
struct Locator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Locator<'_> {
    fn error(&self, span: std::ops::Range<usize>, why: RulesWhy) -> RulesError {
        let start = span.start.min(self.text.len());
        let line = self.text[..start].matches('\n').count() + 1;
        let line_text = self.text.lines().nth(line - 1).unwrap_or("").trim();
        RulesError::Invalid {
            path: self.path.to_path_buf(),
            line,
            text: line_text.chars().take(80).collect(),
            why,
        }
    }
}

/// The kinds, with their ids checked (snake_case, unique) and names present.
fn read_kinds(file: Vec<KindFile>, at: &Locator) -> Result<Vec<Kind>, RulesError> {
    let mut kinds: Vec<Kind> = Vec::new();
    for k in file {
        let id = k.id.get_ref();
        if !is_snake_case(id) {
            return Err(at.error(k.id.span(), RulesWhy::BadId(id.clone())));
        }
        if kinds.iter().any(|other| &other.id.0 == id) {
            return Err(at.error(k.id.span(), RulesWhy::KindTwice(id.clone())));
        }
        if k.names.get_ref().is_empty() {
            return Err(at.error(k.names.span(), RulesWhy::NoNames(id.clone())));
        }
        kinds.push(Kind {
            id: KindId(id.clone()),
            zh: k.zh,
            en: k.en,
            role: k.role,
            names: k.names.into_inner(),
            issued_within: k.issued_within,
            valid_for: k.valid_for,
        });
    }
    if kinds.is_empty() {
        return Err(at.error(0..0, RulesWhy::NoKinds));
    }
    Ok(kinds)
}

/// The id of a kind listed in the file.
fn known_kind(kinds: &[Kind], id: &Spanned<String>, at: &Locator) -> Result<KindId, RulesError> {
    kinds
        .iter()
        .find(|k| &k.id.0 == id.get_ref())
        .map(|k| k.id.clone())
        .ok_or_else(|| at.error(id.span(), RulesWhy::UnknownKind(id.get_ref().clone())))
}

/// The province exceptions, each naming a known kind, a window, and no pair twice.
fn read_exceptions(
    file: Vec<ExceptionFile>,
    kinds: &[Kind],
    at: &Locator,
) -> Result<Vec<Exception>, RulesError> {
    let mut exceptions: Vec<Exception> = Vec::new();
    for e in file {
        let kind = known_kind(kinds, &e.kind, at)?;
        let province = e.province;
        if e.issued_within.is_none() && e.valid_for.is_none() {
            return Err(at.error(e.kind.span(), RulesWhy::ExceptionWithoutWindow));
        }
        if exceptions
            .iter()
            .any(|x| x.kind == kind && x.province == province)
        {
            return Err(at.error(e.kind.span(), RulesWhy::ExceptionTwice { province, kind }));
        }
        exceptions.push(Exception {
            province,
            kind,
            issued_within: e.issued_within,
            valid_for: e.valid_for,
        });
    }
    Ok(exceptions)
}

impl Rules {
    /// The built-in rules (read once).
    pub fn builtin() -> &'static Rules {
        static BUILTIN: LazyLock<Rules> = LazyLock::new(|| {
            Rules::from_toml(BUILTIN_TOML, Path::new("rules.toml"))
                .expect("the built-in rules are valid (a unit test reads them)")
        });
        &BUILTIN
    }

    /// Reads a rules file that replaces the built-in rules.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Rules::from_toml(&text, path)
    }

    /// Reads rules from TOML text; `path` names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Rules, RulesError> {
        let at = Locator { text, path };
        let file: RulesFile = toml::from_str(text).map_err(|e| {
            let why = RulesWhy::Syntax(e.message().trim().replace('\n', " "));
            at.error(e.span().unwrap_or(0..0), why)
        })?;
        let kinds = read_kinds(file.kinds, &at)?;
        let detector = Detector::new(&kinds).map_err(|e| {
            let span = text.find(&format!("\"{}\"", e.name)).unwrap_or(0);
            at.error(span..span, RulesWhy::Name(e))
        })?;
        let exceptions = read_exceptions(file.exceptions, &kinds, &at)?;
        let applicants = read_applicants(file.applicants, &at)?;
        let requirements = read_requirements(file.requirements, &kinds, &applicants, &at)?;
        let needs = file
            .needs
            .iter()
            .map(|n| match n.get_ref().as_str() {
                "identity" => Ok(Need::Identity),
                _ => known_kind(&kinds, n, &at).map(Need::Kind),
            })
            .collect::<Result<_, _>>()?;
        let upload_at = text.find("[upload]").map_or(0..0, |s| s..s);
        check_upload(&file.upload, upload_at, &at)?;
        for p in &file.portals {
            let needle = format!("id = \"{}\"", p.id);
            let span = text.find(&needle).map_or(0..0, |s| s..s);
            if !is_snake_case(&p.id) || p.id == file.upload.portal {
                return Err(at.error(span, RulesWhy::BadPortal(p.id.clone())));
            }
            check_upload(&p.upload(), span, &at)?;
        }
        let sharpness = file.picture.min_sharpness;
        if !sharpness.is_finite() || sharpness < 0.0 || file.warn_days > 366 {
            return Err(at.error(0..0, RulesWhy::OutOfRange));
        }
        let rules = Rules {
            text: text.to_owned(),
            guide: file.guide,
            warn_days: file.warn_days,
            upload: file.upload,
            portals: file.portals,
            picture: file.picture,
            kinds,
            exceptions,
            needs,
            applicants,
            requirements,
            detector,
        };
        match file.portal {
            Some(p) => rules
                .with_portal(p.get_ref())
                .map_err(|_| at.error(p.span(), RulesWhy::BadPortal(p.get_ref().clone()))),
            None => Ok(rules),
        }
    }

    /// These rules with `portal`'s published limits as the upload form's (`aliyun`, or
    /// whichever provider `[upload]` is, keeps them).
    pub fn with_portal(&self, portal: &str) -> Result<Rules, RulesError> {
        let id = portal.trim().to_ascii_lowercase();
        if id == self.upload.portal {
            return Ok(self.clone());
        }
        let Some(p) = self.portals.iter().find(|p| p.id == id) else {
            return Err(RulesError::UnknownPortal {
                given: portal.to_owned(),
                known: self.portal_ids(),
            });
        };
        // The provider in force swaps places with the one it replaces, so the list
        // still names every provider.
        let mut rules = self.clone();
        let replaced = Portal {
            id: rules.upload.portal.clone(),
            name: rules.guide.title.clone(),
            formats: rules.upload.formats.clone(),
            min_bytes: rules.upload.min_bytes,
            max_bytes: rules.upload.max_bytes,
            min_pixels: rules.upload.min_pixels,
            max_pixels: rules.upload.max_pixels,
            sources: rules.upload.sources.clone(),
        };
        rules.upload = p.upload();
        rules.portals.retain(|o| o.id != id);
        rules.portals.insert(0, replaced);
        Ok(rules)
    }

    /// Every provider the rules know, the one in force first.
    pub fn portal_ids(&self) -> Vec<String> {
        std::iter::once(self.upload.portal.clone())
            .chain(self.portals.iter().map(|p| p.id.clone()))
            .collect()
    }

    /// The kind with this id.
    pub fn kind(&self, id: &KindId) -> Option<&Kind> {
        self.kinds.iter().find(|k| &k.id == id)
    }

    /// How findings name the kind with this id (its id stands in for its names if the
    /// rules do not list it, which assessing never produces).
    pub fn kind_name(&self, id: &KindId) -> KindName {
        self.kind(id).map_or_else(
            || KindName {
                id: id.clone(),
                zh: id.0.clone(),
                en: id.0.clone(),
            },
            Kind::name,
        )
    }

    /// The TOML text the rules were read from (`scanfit rules --toml`).
    pub fn toml(&self) -> &str {
        &self.text
    }

    /// The picture formats the upload form takes.
    pub fn formats(&self) -> Vec<Format> {
        let mut formats: Vec<Format> = Vec::new();
        for f in self
            .upload
            .formats
            .iter()
            .filter_map(|e| format_of_extension(e))
        {
            if !formats.contains(&f) {
                formats.push(f);
            }
        }
        formats
    }

    /// What check and convert ask of a picture besides its size, as these rules say.
    pub fn limits(&self) -> Limits {
        let pair = |p: Option<[u32; 2]>| p.map(|[a, b]| (a.max(b), a.min(b)));
        Limits {
            extensions: self
                .upload
                .formats
                .iter()
                .map(|f| f.to_ascii_lowercase())
                .collect(),
            colour: self.picture.colour,
            min_long_edge: self.picture.min_long_edge,
            min_sharpness: self.picture.min_sharpness,
            min_pixels: pair(self.upload.min_pixels),
            max_pixels: pair(self.upload.max_pixels),
            content: self.picture.content,
        }
    }

    /// The applicant type a manifest cell names.
    pub fn applicant_named(&self, cell: &str) -> Option<&Applicant> {
        self.applicants.iter().find(|a| a.is_named(cell))
    }

    /// The applicant type with this id.
    pub fn applicant(&self, id: &str) -> Option<&Applicant> {
        self.applicants.iter().find(|a| a.id == id)
    }

    /// The matcher for file, folder and cell names.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    /// The kind a manifest cell names: a kind id, or any of the kinds' names.
    pub fn kind_named(&self, cell: &str) -> Option<Detection> {
        let id = cell.trim().to_ascii_lowercase();
        if let Some(kind) = self.kinds.iter().find(|k| k.id.0 == id) {
            return Some(Detection {
                kind: kind.id.clone(),
                also: Vec::new(),
            });
        }
        self.detector.detect(cell)
    }

    /// The issue window for `kind` in `province` (`None`: the kind has none there).
    pub fn issued_within(&self, kind: &KindId, province: Option<Province>) -> Option<Window> {
        self.window(kind, province, |e| e.issued_within, |k| k.issued_within)
    }

    /// The validity window for `kind` in `province`.
    pub fn valid_for(&self, kind: &KindId, province: Option<Province>) -> Option<Window> {
        self.window(kind, province, |e| e.valid_for, |k| k.valid_for)
    }

    fn window(
        &self,
        kind: &KindId,
        province: Option<Province>,
        of_exception: impl Fn(&Exception) -> Option<Length>,
        of_kind: impl Fn(&Kind) -> Option<Length>,
    ) -> Option<Window> {
        let exception = self
            .exceptions
            .iter()
            .filter(|e| &e.kind == kind && Some(e.province) == province)
            .find_map(|e| of_exception(e).map(|l| (l, e.province)));
        match exception {
            Some((length, p)) => Some(Window {
                length,
                province: Some(p),
            }),
            None => self.kind(kind).and_then(&of_kind).map(|length| Window {
                length,
                province: None,
            }),
        }
    }

    /// The provinces with an exception for `kind`.
    pub fn exception_provinces(&self, kind: &KindId) -> Vec<Province> {
        self.exceptions
            .iter()
            .filter(|e| &e.kind == kind)
            .map(|e| e.province)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn id(s: &str) -> KindId {
        KindId(s.into())
    }

    fn province(s: &str) -> Option<Province> {
        Province::parse(s)
    }

    #[test]
    fn the_built_in_rules_state_the_guide() {
        let rules = Rules::builtin();
        assert!(rules.guide.version >= date(2026, 11, 30));
        assert_eq!(rules.warn_days, 14);
        let months = |n| Some(Length::Months(n));
        let window = |k, p| rules.issued_within(&id(k), province(p)).map(|w| w.length);
        // Everywhere: authorizations and proofs within 3 months.
        for kind in [
            "authorization",
            "employment_proof",
            "business_nature_statement",
            "change_proof",
            "registrant_proof",
            "establishment_approval",
            "domain_certificate",
        ] {
            assert_eq!(window(kind, "广东"), months(3), "{kind}");
        }
        // Each province exception against the default.
        assert_eq!(window("employment_proof", "四川"), Some(Length::Days(45)));
        assert_eq!(window("employment_proof", "湖南"), months(3));
        assert_eq!(window("domain_certificate", "湖南"), Some(Length::Days(45)));
        // The guide's 3 months for 授权书及相关证明 outside Hunan.
        assert_eq!(window("domain_certificate", "四川"), months(3));
        assert_eq!(window("business_nature_statement", "湖北"), months(6));
        assert_eq!(window("business_nature_statement", "河北"), months(3));
        assert_eq!(window("authorization", "河北"), months(6));
        assert_eq!(window("authorization", "湖北"), months(3));
        assert_eq!(
            rules.issued_within(&id("authorization"), province("hebei")),
            Some(Window {
                length: Length::Months(6),
                province: province("河北")
            })
        );
        assert_eq!(
            rules
                .issued_within(&id("authorization"), None)
                .map(|w| w.province),
            Some(None)
        );
        // ID cards and licences valid at least 3 months after filing.
        for kind in ["id_card", "business_licence"] {
            assert_eq!(
                rules
                    .valid_for(&id(kind), province("北京"))
                    .map(|w| w.length),
                months(3)
            );
        }
        assert_eq!(rules.needs, vec![Need::Identity]);
        assert_eq!(
            rules.exception_provinces(&id("authorization")),
            vec![province("河北").unwrap()]
        );
    }

    #[test]
    fn the_built_in_upload_and_picture_rules_are_the_ones_check_applies() {
        let rules = Rules::builtin();
        assert_eq!(rules.limits(), crate::options::Limits::default());
        assert_eq!(rules.upload.min_bytes, crate::options::PORTAL_MIN_BYTES);
        assert_eq!(rules.upload.max_bytes, crate::options::PORTAL_MAX_BYTES);
        assert_eq!(
            rules.picture.min_long_edge,
            crate::inspect::MIN_LEGIBLE_LONG_EDGE
        );
        assert_eq!(rules.picture.min_sharpness, crate::inspect::BLUR_THRESHOLD);
    }

    #[test]
    fn a_portal_replaces_the_upload_limits_and_keeps_every_provider_listed() {
        let rules = Rules::builtin();
        assert_eq!(rules.upload.portal, "aliyun");
        assert_eq!(
            rules.portal_ids(),
            ["aliyun", "tencent", "huawei", "volcengine"]
        );
        let volc = rules.with_portal("Volcengine").unwrap();
        assert_eq!(volc.upload.max_bytes, 5_000_000);
        assert_eq!(volc.upload.min_pixels, Some([500, 300]));
        assert_eq!(volc.limits().min_pixels, Some((500, 300)));
        assert!(volc.upload.sources.contains_key("pixels"));
        assert_eq!(volc.portal_ids()[0], "volcengine");
        assert!(volc.portal_ids().contains(&"aliyun".to_owned()));
        // Back again gives the guide's limits.
        assert_eq!(volc.with_portal("aliyun").unwrap().upload, rules.upload);
        assert!(matches!(
            rules.with_portal("azure"),
            Err(RulesError::UnknownPortal { .. })
        ));
        let text = with("portal = \"aliyun\"\n", "portal = \"huawei\"\n");
        let huawei = Rules::from_toml(&text, Path::new("mine.toml")).unwrap();
        assert_eq!(huawei.upload.formats, ["jpg", "png"]);
        let text = with("portal = \"aliyun\"\n", "portal = \"azure\"\n");
        assert!(error(&text).contains("azure"));
    }

    #[test]
    fn requirements_name_known_kinds_and_applicant_types() {
        let rules = Rules::builtin();
        assert!(rules
            .applicant_named("公司")
            .is_some_and(|a| a.id == "enterprise"));
        assert!(rules.applicant_named("事业单位").is_some());
        assert!(rules.applicant_named("外星人").is_none());
        let yunnan = rules
            .requirements
            .iter()
            .find(|r| r.needs == [id("establishment_approval")])
            .unwrap();
        assert_eq!(yunnan.provinces.as_ref().map(Vec::len), Some(4));
        let text = with(
            "applicants = [\"public_institution\", \"government\"]",
            "applicants = [\"public_institution\", \"army\"]",
        );
        assert!(error(&text).contains("army"));
        let text = with(
            "needs = [\"establishment_approval\"]",
            "needs = [\"bianban\"]",
        );
        assert!(error(&text).contains("bianban"));
    }

    #[test]
    fn every_auxiliary_and_identity_kind_has_chinese_pinyin_and_english_names() {
        let rules = Rules::builtin();
        for kind in &rules.kinds {
            let detect = |name: &str| rules.detector().detect(name).map(|d| d.kind);
            assert_eq!(detect(&kind.zh), Some(kind.id.clone()), "{}", kind.zh);
            assert_eq!(detect(&kind.en), Some(kind.id.clone()), "{}", kind.en);
            assert_eq!(rules.kind_named(&kind.id.0).unwrap().kind, kind.id);
            assert!(
                kind.names
                    .iter()
                    .any(|n| n.bytes().all(|b| b.is_ascii_lowercase())),
                "{} has no pinyin",
                kind.id
            );
        }
    }

    fn with(from: &str, to: &str) -> String {
        assert!(BUILTIN_TOML.contains(from), "{from}");
        BUILTIN_TOML.replacen(from, to, 1)
    }

    fn error(text: &str) -> String {
        Rules::from_toml(text, Path::new("mine.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_changed_rules_file_changes_the_window() {
        let text = with(
            "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"6 months\"",
            "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"4 months\"",
        );
        let rules = Rules::from_toml(&text, Path::new("mine.toml")).unwrap();
        assert_eq!(
            rules
                .issued_within(&id("authorization"), province("河北"))
                .map(|w| w.length),
            Some(Length::Months(4))
        );
        // A TOML date works as well as a string for the version.
        let text = with("version = \"2026-11-30\"", "version = 2027-01-15");
        let rules = Rules::from_toml(&text, Path::new("mine.toml")).unwrap();
        assert_eq!(rules.guide.version, date(2027, 1, 15));
    }

    #[test]
    fn mistakes_in_a_rules_file_name_the_line_and_the_field() {
        let line_of = |needle: &str| {
            BUILTIN_TOML
                .lines()
                .position(|l| l.contains(needle))
                .unwrap()
                + 1
        };
        let hebei = line_of("province = \"河北\"");
        let cases = [
            (
                with(
                    "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"6 months\"",
                    "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"6 monts\"",
                ),
                hebei + 2,
                "6 monts",
            ),
            (
                with("province = \"河北\"", "province = \"河北道\""),
                hebei,
                "河北道",
            ),
            (
                with("kind = \"authorization\"", "kind = \"authorisation\""),
                hebei + 1,
                "authorisation",
            ),
            (
                with("role = \"auxiliary\"", "role = \"helper\""),
                line_of("role = \"auxiliary\""),
                "helper",
            ),
            (
                with("valid_for = \"3 months\"", "valid_fro = \"3 months\""),
                line_of("valid_for = \"3 months\""),
                "valid_fro",
            ),
            (
                with("id = \"household_register\"", "id = \"id_card\""),
                line_of("id = \"household_register\""),
                "listed twice",
            ),
            (
                with("needs = [\"identity\"]", "needs = [\"visa\"]"),
                line_of("needs = [\"identity\"]"),
                "visa",
            ),
            (
                with("version = \"2026-11-30\"", "version = \"30.11.2026\""),
                line_of("version = \"2026-11-30\""),
                "30.11.2026",
            ),
            (
                with("warn_days = 14", "warn_days = 14\nwarn_days = 15"),
                line_of("warn_days = 14") + 1,
                "warn_days",
            ),
        ];
        for (text, line, word) in cases {
            let err = error(&text);
            assert!(
                err.starts_with(&format!("mine.toml, line {line}:")),
                "{err} (want line {line})"
            );
            assert!(err.contains(word), "{err} (want {word})");
        }
    }
}
