//! Applying the rules to a run's pictures: each document's kind, dates and province,
//! its findings, and a summary per client folder.
//!
//! A document's kind comes from the manifest's `kind` cell, else from its file name,
//! else from its folders' names (nearest first, up to the folder the run was given).
//! Its dates come from the manifest, else from the picture's text when `check` read it
//! ([`ReadOff`], from [`crate::read`]); with neither, no date is checked (the
//! [`Assessment`] says so) rather than every ID card warning that its date is unknown.
//! A kind or date read off a picture is used only when the reading is at least
//! [`READ_SURE`] percent sure; a date read less surely asks for a manifest row instead
//! of a verdict.
//! Its province is the manifest's, else the run's `--province`; without either, the
//! guide's default windows apply and a note says which provinces differ.
//!
//! Client folders: agencies keep one folder per client, so a run over `DIR` groups each
//! picture under the child of `DIR` that holds it, or under `DIR` itself for pictures
//! directly in it. A child named like a kind (`DIR/身份证/`) is a folder of documents, not
//! a client, so its pictures belong to `DIR`. What a client's filing needs is the union
//! of the `needs` cells of the manifest rows in its folder, else the rules' `needs` (by
//! default: an identity document).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;

use crate::rules::dates::{days_between, earliest_issue, needed_until, Expiry};
use crate::rules::finding::{Applied, Compared, DateField, Finding, Severity};
use crate::rules::kind::{Detector, Kind, KindId, KindName, Role};
use crate::rules::manifest::{Manifest, ManifestRow};
use crate::rules::province::Province;
use crate::rules::requirements::ClientFacts;
use crate::rules::{Need, Rules};

/// A picture to assess, and the folder the run was given that holds it (its parent,
/// for a file given by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The picture.
    pub path: PathBuf,
    /// The input folder it was found in.
    pub root: PathBuf,
    /// What its text says, when it was read.
    pub read: Option<ReadOff>,
}

/// What a picture's text says, as the rules use it (read by [`crate::read`]): each
/// value with how sure the reading is, in percent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadOff {
    /// The kind its content shows.
    pub kind: Option<(KindId, u8)>,
    /// Its issue date.
    pub issued: Option<(Date, u8)>,
    /// Its end of validity.
    pub valid_until: Option<(Expiry, u8)>,
    /// The person it names (an ID card's holder, the person a letter authorizes).
    pub person: Option<String>,
    /// The ID number it shows, only when its check digit holds.
    pub id_number: Option<String>,
    /// On a letter that shows an ID card beside it (a combined picture): the card's
    /// holder.
    pub card_person: Option<String>,
    /// On such a letter: the card's ID number, only when its check digit holds.
    pub card_id_number: Option<String>,
}

impl ReadOff {
    /// The ID card this picture shows, as the comparison with a letter takes it: all of
    /// it on an ID card's picture (`id_card`), the card beside a letter on a combined
    /// one; `None` when it shows no card that was read.
    fn card(&self, id_card: bool) -> Option<ReadOff> {
        if id_card {
            return Some(self.clone());
        }
        (self.card_person.is_some() || self.card_id_number.is_some()).then(|| ReadOff {
            person: self.card_person.clone(),
            id_number: self.card_id_number.clone(),
            ..ReadOff::default()
        })
    }
}

/// A reading at least this sure (percent) is used; a less sure one is not (a date read
/// less surely asks for a manifest row). Chosen from `examples/read_eval.rs`'s
/// rendered photographs: above it no date read was wrong (see docs/read.md).
pub const READ_SURE: u8 = 90;

/// What a run knows besides the pictures.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The rules in force.
    pub rules: &'a Rules,
    /// The filing date (`--filed-on`, default today).
    pub filed_on: Date,
    /// The province for the whole run (`--province`); a manifest row's own wins.
    pub province: Option<Province>,
    /// The manifest (`--manifest`).
    pub manifest: Option<&'a Manifest>,
}

/// Where a document's kind came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KindSource {
    /// The manifest's `kind` cell.
    Manifest,
    /// The file's name.
    FileName,
    /// A folder's name.
    FolderName,
    /// The picture's text (read by OCR).
    Content,
}

impl KindSource {
    /// Its stable name, as JSON writes it.
    pub fn code(self) -> &'static str {
        match self {
            KindSource::Manifest => "manifest",
            KindSource::FileName => "file_name",
            KindSource::FolderName => "folder_name",
            KindSource::Content => "content",
        }
    }
}

/// One picture as the rules see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Document {
    /// The picture.
    pub path: PathBuf,
    /// The client folder it belongs to.
    pub client: PathBuf,
    /// Its kind, if known.
    pub kind: Option<KindId>,
    /// Further kinds in the same picture (a combined picture).
    pub also: Vec<KindId>,
    /// Where the kind came from.
    pub kind_from: Option<KindSource>,
    /// Its province, if known.
    pub province: Option<Province>,
    /// Its issue date, from the manifest or read off the picture.
    pub issued: Option<Date>,
    /// Its end of validity, from the manifest or read off the picture.
    pub valid_until: Option<Expiry>,
    /// How sure the reading of `issued` is (percent), when it was read off the picture.
    pub issued_read: Option<u8>,
    /// How sure the reading of `valid_until` is (percent), when it was read off the
    /// picture.
    pub valid_until_read: Option<u8>,
    /// Its manifest row.
    pub row: Option<usize>,
    /// What the rules found.
    pub findings: Vec<Finding>,
}

impl Document {
    /// The worst of its findings' severities.
    pub fn severity(&self) -> Option<Severity> {
        self.findings.iter().map(Finding::severity).max()
    }

    /// Every kind the picture shows.
    pub fn kinds(&self) -> impl Iterator<Item = &KindId> {
        self.kind.iter().chain(&self.also)
    }
}

/// Where a client's needs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsSource {
    /// The manifest's `needs` cells for the folder.
    Manifest,
    /// The rules' `needs`.
    Rules,
}

/// The pictures of one kind in a client folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindFiles {
    /// The kind.
    pub kind: KindId,
    /// Its pictures (a combined picture counts under each of its kinds).
    pub files: Vec<PathBuf>,
}

/// One client folder at a glance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FolderSummary {
    /// The client folder.
    pub folder: PathBuf,
    /// Its pictures by kind, in the rules' order of kinds.
    pub documents: Vec<KindFiles>,
    /// Pictures whose kind is not known.
    pub unrecognised: Vec<PathBuf>,
    /// What the filing needs.
    pub needs: Vec<Need>,
    /// Where that came from.
    pub needs_from: NeedsSource,
    /// Findings about the folder as a whole (missing kinds, manifest rows without a
    /// picture).
    pub findings: Vec<Finding>,
    /// What the manifest says about the client (applicant type, names).
    pub client: ClientFacts,
}

/// The rules applied to a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    /// One per picture, in the order given.
    pub documents: Vec<Document>,
    /// One per client folder, by path.
    pub folders: Vec<FolderSummary>,
    /// Whether dates were checked (a manifest was given, or pictures were read).
    pub dates_checked: bool,
}

/// Applies the rules to `pictures`.
pub fn assess(pictures: &[Picture], ctx: &Context) -> Assessment {
    let rows = RowIndex::new(ctx.manifest);
    let detector = ctx.rules.detector();
    let mut used: HashSet<usize> = HashSet::new();
    let mut documents: Vec<Document> = pictures
        .iter()
        .map(|p| {
            let own = rows.get(&p.path);
            used.extend(own.iter().map(|r| r.row));
            Document {
                client: p.root.join(client_of(&p.path, &p.root, false, detector)),
                ..document(p, ctx, own)
            }
        })
        .collect();
    add_auxiliary_findings(&mut documents, ctx.rules);
    add_mismatch_findings(&mut documents, pictures);
    let folders = summarise(&documents, pictures, ctx, &used);
    Assessment {
        documents,
        folders,
        dates_checked: ctx.manifest.is_some() || pictures.iter().any(|p| p.read.is_some()),
    }
}

/// The client folder of `path`, relative to `root`: the child of `root` that holds it,
/// or nothing (the root itself) for a path directly in the root or in a kind-named child.
fn client_of(path: &Path, root: &Path, is_dir: bool, detector: &Detector) -> PathBuf {
    let Ok(rel) = path.strip_prefix(root) else {
        return PathBuf::new();
    };
    let parts: Vec<Component> = rel.components().collect();
    let deep_enough = parts.len() >= if is_dir { 1 } else { 2 };
    match parts.first() {
        Some(Component::Normal(first)) if deep_enough => {
            let name = first.to_string_lossy();
            if detector.detect(&name).is_none() {
                PathBuf::from(first)
            } else {
                PathBuf::new()
            }
        }
        _ => PathBuf::new(),
    }
}

/// A path made comparable: the real path where it exists, else its nearest existing
/// ancestor's real path with the rest appended (a manifest row may name a missing
/// file under a folder reached through a link).
fn key_of(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut cur = lexical.as_path();
    while let (Some(parent), Some(name)) = (cur.parent(), cur.file_name()) {
        rest.push(name.to_owned());
        if let Ok(mut real) = fs::canonicalize(parent) {
            real.extend(rest.iter().rev());
            return real;
        }
        cur = parent;
    }
    lexical
}

/// The manifest's file rows by comparable path. A combined picture may have a row per
/// kind it shows (授权书 with its issue date, 身份证 with its end of validity).
struct RowIndex<'a> {
    rows: HashMap<PathBuf, Vec<&'a ManifestRow>>,
}

impl<'a> RowIndex<'a> {
    fn new(manifest: Option<&'a Manifest>) -> RowIndex<'a> {
        let mut rows: HashMap<PathBuf, Vec<&'a ManifestRow>> = HashMap::new();
        for row in manifest.iter().flat_map(|m| &m.rows) {
            if !row.is_folder {
                rows.entry(key_of(&row.file)).or_default().push(row);
            }
        }
        RowIndex { rows }
    }

    fn get(&self, path: &Path) -> &[&'a ManifestRow] {
        if self.rows.is_empty() {
            return &[];
        }
        self.rows.get(&key_of(path)).map_or(&[], Vec::as_slice)
    }
}

/// The kind from the file's name, else from its folders' names up to the run's folder.
fn detect_from_names(p: &Picture, detector: &Detector) -> Option<(KindSource, Vec<KindId>)> {
    let stem = p.path.file_stem().map(|s| s.to_string_lossy());
    if let Some(d) = stem.and_then(|s| detector.detect(&s)) {
        return Some((KindSource::FileName, [vec![d.kind], d.also].concat()));
    }
    for folder in p.path.ancestors().skip(1) {
        let name = folder.file_name().map(|s| s.to_string_lossy());
        if let Some(d) = name.and_then(|n| detector.detect(&n)) {
            return Some((KindSource::FolderName, [vec![d.kind], d.also].concat()));
        }
        if folder == p.root {
            break;
        }
    }
    None
}

/// One picture's kind, dates and date findings (its client is left for the caller).
/// Every kind the picture shows gets its own date findings: the ID card inside
/// `授权书+身份证` or held in `手持身份证` must stay valid as any ID card must. Its dates
/// come from the row whose kind cell names that kind, else from the picture's first row.
fn document(p: &Picture, ctx: &Context, rows: &[&ManifestRow]) -> Document {
    let rules = ctx.rules;
    let row = rows.first().copied();
    let mut findings = Vec::new();
    let mut from_rows: Vec<KindId> = Vec::new();
    // (kind, the row that gives its dates)
    let mut row_of: Vec<(KindId, &ManifestRow)> = Vec::new();
    for r in rows {
        let Some(cell) = r.kind.as_deref() else {
            continue;
        };
        match rules.kind_named(cell) {
            Some(d) => {
                for k in [vec![d.kind], d.also].concat() {
                    if !from_rows.contains(&k) {
                        from_rows.push(k.clone());
                        row_of.push((k, r));
                    }
                }
            }
            None => findings.push(Finding::UnknownKind {
                given: cell.to_owned(),
                row: r.row,
            }),
        }
    }
    let read = p.read.as_ref();
    let found = (!from_rows.is_empty())
        .then_some((KindSource::Manifest, from_rows))
        .or_else(|| detect_from_names(p, rules.detector()))
        .or_else(|| {
            let (kind, percent) = read?.kind.as_ref()?;
            (*percent >= READ_SURE).then(|| (KindSource::Content, vec![kind.clone()]))
        });
    let (kind_from, mut kinds) = match found {
        Some((from, kinds)) => (Some(from), kinds),
        None => (None, Vec::new()),
    };
    let kind = (!kinds.is_empty()).then(|| kinds.remove(0));
    let province = row.and_then(|r| r.province).or(ctx.province);
    let issued = dated(row.and_then(|r| r.issued), read.and_then(|r| r.issued));
    let valid_until = dated(
        row.and_then(|r| r.valid_until),
        read.and_then(|r| r.valid_until),
    );
    match &kind {
        // Without a manifest no date is checked, and photos named IMG_0001.jpg are the
        // norm: the folder summary counts them instead of a note on every line.
        None if findings.is_empty() && ctx.manifest.is_some() => {
            findings.push(Finding::KindUndetected)
        }
        Some(k) if ctx.manifest.is_some() || read.is_some() => {
            for k in std::iter::once(k).chain(&kinds) {
                let dated = row_of.iter().find(|(rk, _)| rk == k).map(|(_, r)| *r);
                for f in date_findings(k, province, dated.or(row), read, ctx) {
                    // One "add a row" is enough for a picture showing several kinds.
                    let unlisted = |f: &Finding| matches!(f, Finding::ManifestUnlisted { .. });
                    if !(unlisted(&f) && findings.iter().any(unlisted)) {
                        findings.push(f);
                    }
                }
            }
        }
        _ => {}
    }
    Document {
        path: p.path.clone(),
        client: PathBuf::new(),
        kind,
        also: kinds,
        kind_from,
        province,
        issued: issued.map(|d| d.0),
        valid_until: valid_until.map(|d| d.0),
        issued_read: issued.and_then(|d| d.1),
        valid_until_read: valid_until.and_then(|d| d.1),
        row: row.map(|r| r.row),
        findings,
    }
}

/// A date from the manifest (which always wins), else one read off the picture with
/// its confidence.
fn dated<T: Copy>(manifest: Option<T>, read: Option<(T, u8)>) -> Option<(T, Option<u8>)> {
    manifest
        .map(|d| (d, None))
        .or(read.map(|(d, p)| (d, Some(p))))
}

/// How a finding shows a date read off a picture.
fn shown(expiry: Expiry) -> String {
    match expiry {
        Expiry::Until(d) => d.to_string(),
        Expiry::LongTerm => "long_term".into(),
    }
}

/// The date findings for a document of `kind`.
fn date_findings(
    kind: &KindId,
    province: Option<Province>,
    row: Option<&ManifestRow>,
    read: Option<&ReadOff>,
    ctx: &Context,
) -> Vec<Finding> {
    let rules = ctx.rules;
    let name = rules.kind_name(kind);
    let mut out = Vec::new();
    let missing = |field: DateField, applied: Applied, out: &mut Vec<Finding>| {
        let kind = name.clone();
        match row {
            Some(r) => out.push(Finding::DateMissing {
                kind,
                applied,
                field,
                row: r.row,
            }),
            // One "add a row" is enough for a file needing two dates. Without a manifest
            // a date that reading did not find is not asked for: no date is checked then,
            // as before reading existed (an uncertain reading asks on its own).
            None if out.is_empty() && ctx.manifest.is_some() => {
                out.push(Finding::ManifestUnlisted {
                    kind,
                    applied,
                    field,
                })
            }
            None => {}
        }
    };
    // A date read off the picture: said so, and judged only when the reading is sure.
    let from_picture =
        |field: DateField, read: String, percent: u8, applied, out: &mut Vec<Finding>| {
            let kind = name.clone();
            if percent >= READ_SURE {
                out.push(Finding::DateRead {
                    kind,
                    field,
                    read,
                    percent,
                });
                true
            } else {
                out.push(Finding::DateReadUncertain {
                    kind,
                    applied,
                    field,
                    read,
                    percent,
                });
                false
            }
        };
    if let Some(window) = rules.issued_within(kind, province) {
        let applied = Applied::new(window, province);
        let read_issued = read.and_then(|r| r.issued);
        match (row.and_then(|r| r.issued), read_issued) {
            (Some(issued), _) => out.extend(issue_finding(name.clone(), applied, issued, ctx)),
            (None, Some((issued, percent))) => {
                if from_picture(
                    DateField::Issued,
                    issued.to_string(),
                    percent,
                    applied,
                    &mut out,
                ) {
                    out.extend(issue_finding(name.clone(), applied, issued, ctx));
                }
            }
            (None, None) => missing(DateField::Issued, applied, &mut out),
        }
    }
    if let Some(window) = rules.valid_for(kind, province) {
        let applied = Applied::new(window, province);
        let read_until = read.and_then(|r| r.valid_until);
        let (until, sure) = match (row.and_then(|r| r.valid_until), read_until) {
            (Some(until), _) => (Some(until), true),
            (None, Some((until, percent))) => {
                let f = DateField::ValidUntil;
                (
                    Some(until),
                    from_picture(f, shown(until), percent, applied, &mut out),
                )
            }
            (None, None) => (None, false),
        };
        match until {
            _ if !sure && until.is_some() => {}
            Some(Expiry::LongTerm) => {}
            Some(Expiry::Until(until)) => {
                out.extend(validity_finding(name.clone(), applied, until, ctx))
            }
            None => missing(DateField::ValidUntil, applied, &mut out),
        }
    }
    let provinces = rules.exception_provinces(kind);
    if province.is_none() && !provinces.is_empty() {
        out.push(Finding::ProvinceNotGiven {
            kind: name,
            provinces,
        });
    }
    out
}

/// An issue date against its window: outside it fails, within `warn_days` of its
/// limit warns, after the filing date is suspicious.
fn issue_finding(kind: KindName, applied: Applied, issued: Date, ctx: &Context) -> Option<Finding> {
    let filed_on = ctx.filed_on;
    if issued > filed_on {
        return Some(Finding::IssuedAfterFiling {
            kind,
            issued,
            filed_on,
        });
    }
    let earliest = earliest_issue(filed_on, applied.limit);
    if issued < earliest {
        return Some(Finding::IssuedOutsideWindow {
            kind,
            applied,
            issued,
            filed_on,
            days_before: days_between(issued, filed_on),
            earliest,
            days_over: days_between(issued, earliest),
        });
    }
    let days_left = days_between(earliest, issued);
    (days_left <= i64::from(ctx.rules.warn_days)).then_some(Finding::IssuedNearWindowLimit {
        kind,
        applied,
        issued,
        filed_on,
        earliest,
        days_left,
    })
}

/// An end of validity against its window: too soon fails, within `warn_days` of the
/// date needed warns.
fn validity_finding(
    kind: KindName,
    applied: Applied,
    valid_until: Date,
    ctx: &Context,
) -> Option<Finding> {
    let filed_on = ctx.filed_on;
    let needed = needed_until(filed_on, applied.limit);
    if valid_until < needed {
        return Some(Finding::ValidityTooShort {
            kind,
            applied,
            valid_until,
            filed_on,
            needed_until: needed,
            days_short: days_between(valid_until, needed),
        });
    }
    let days_left = days_between(needed, valid_until);
    (days_left <= i64::from(ctx.rules.warn_days)).then_some(Finding::ValidityNearWindowLimit {
        kind,
        applied,
        valid_until,
        filed_on,
        needed_until: needed,
        days_left,
    })
}

/// One field of what was read off a picture, as the comparison of a letter with an ID
/// card takes it.
type Field = fn(&ReadOff) -> &Option<String>;

/// Warns on each authorization letter whose person or (check-digit-valid) ID number,
/// read off the picture, matches none of those read off the ID cards in the same client
/// folder (a folder may hold the legal representative's card beside the authorized
/// person's), the card beside the letter in a combined picture included. Only values
/// read are compared: one not read compares with nothing.
fn add_mismatch_findings(documents: &mut [Document], pictures: &[Picture]) {
    let is = |d: &Document, id: &str| d.kind.as_ref().is_some_and(|k| k.0 == id);
    let cards: Vec<(PathBuf, PathBuf, ReadOff)> = documents
        .iter()
        .zip(pictures)
        .filter_map(|(d, p)| {
            let card = p.read.as_ref()?.card(is(d, "id_card"))?;
            Some((d.client.clone(), d.path.clone(), card))
        })
        .collect();
    for (d, p) in documents.iter_mut().zip(pictures) {
        let Some(letter) = p.read.as_ref().filter(|_| is(d, "authorization")) else {
            continue;
        };
        let mine: Vec<&(PathBuf, PathBuf, ReadOff)> =
            cards.iter().filter(|c| c.0 == d.client).collect();
        let fields: [(Compared, Field); 2] = [
            (Compared::IdNumber, |r| &r.id_number),
            (Compared::Person, |r| &r.person),
        ];
        for (what, field) in fields {
            let Some(said) = field(letter) else {
                continue;
            };
            let shown: Vec<(&PathBuf, &String)> = mine
                .iter()
                .filter_map(|(_, file, card)| field(card).as_ref().map(|v| (file, v)))
                .collect();
            if let Some((file, other)) = shown.first().filter(|_| shown.iter().all(|s| s.1 != said))
            {
                d.findings.push(Finding::PersonMismatch {
                    what,
                    letter: said.clone(),
                    card: (*other).clone(),
                    card_file: (*file).clone(),
                    same_picture: **file == d.path,
                });
            }
        }
    }
}

fn role_of(rules: &Rules, kind: &KindId) -> Option<Role> {
    rules.kind(kind).map(|k| k.role)
}

fn has_role(rules: &Rules, d: &Document, role: Role) -> bool {
    d.kinds().any(|k| role_of(rules, k) == Some(role))
}

/// Warns about each auxiliary document in a picture of its own, unless the client's
/// folder already has it combined with an identity document, and suggests the stitch
/// command with the folder's best identity picture.
fn add_auxiliary_findings(documents: &mut [Document], rules: &Rules) {
    // Per client, so a run over thousands of pictures stays linear in folders' sizes.
    let mut clients: HashMap<&Path, Vec<&Document>> = HashMap::new();
    for d in documents.iter() {
        clients.entry(&d.client).or_default().push(d);
    }
    let mut findings = Vec::new();
    for (i, d) in documents.iter().enumerate() {
        let Some(kind) = &d.kind else { continue };
        if role_of(rules, kind) != Some(Role::Auxiliary) || has_role(rules, d, Role::Identity) {
            continue;
        }
        let same_client = || clients[d.client.as_path()].iter().copied();
        let combined = same_client()
            .any(|o| o.kinds().any(|k| k == kind) && has_role(rules, o, Role::Identity));
        if combined {
            continue;
        }
        let order = |k: &KindId| rules.kinds.iter().position(|r| &r.id == k);
        let partner = same_client()
            .filter(|o| {
                o.kind.as_ref().and_then(|k| role_of(rules, k)) == Some(Role::Identity)
                    && !has_role(rules, o, Role::Auxiliary)
            })
            .min_by_key(|o| (o.kind.as_ref().and_then(order), o.path.clone()));
        let same_kind = same_client()
            .filter(|o| o.kind.as_ref() == Some(kind))
            .count();
        let output = partner.map(|p| d.client.join(combined_name(rules, d, p, same_kind)));
        let command = partner.zip(output.as_ref()).map(|(p, output)| {
            format!(
                "scanfit stitch {} {} -o {}",
                shell_quote(&p.path),
                shell_quote(&d.path),
                shell_quote(output)
            )
        });
        findings.push((
            i,
            Finding::AuxiliaryAlone {
                kind: rules.kind_name(kind),
                partner: partner.map(|p| p.path.clone()),
                output,
                command,
            },
        ));
    }
    for (i, f) in findings {
        documents[i].findings.push(f);
    }
}

/// The name of the combined picture: its kinds' Chinese names (so scanfit knows it for
/// a combined picture next time), and the auxiliary picture's own name when the folder
/// has several pictures of its kind, to keep names apart.
fn combined_name(rules: &Rules, aux: &Document, identity: &Document, same_kind: usize) -> String {
    let zh = |k: Option<&KindId>| {
        k.and_then(|k| rules.kind(k))
            .map_or(String::new(), |k| k.zh.clone())
    };
    let mut name = format!("{}+{}", zh(aux.kind.as_ref()), zh(identity.kind.as_ref()));
    let stem = aux
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if let Some(stem) = stem.filter(|_| same_kind > 1) {
        name = format!("{name} ({stem})");
    }
    name + ".jpg"
}

/// A path quoted for a shell: bare when it is plainly safe, in double quotes (which
/// work in sh, PowerShell and cmd) when nothing in it is special inside them, else in
/// POSIX single quotes.
pub fn shell_quote(path: &Path) -> String {
    let s = path.display().to_string();
    let plain = |c: char| c.is_alphanumeric() || "._-/+:@%,".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s
    } else if !s.contains(['"', '$', '`', '\\', '!']) {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A `stitch --sets` file combining every auxiliary picture found alone with its
/// folder's identity picture, and its number of rows: one row per combined picture,
/// pieces relative to `csv_dir` (where the file is to be saved; absolute when they are
/// not under it), output names relative to the stitch output folder
/// (`客户A/授权书+身份证`: relative to `csv_dir` too, else the client folder's name and
/// the picture's).
pub fn sets_csv(assessment: &Assessment, csv_dir: &Path) -> (String, usize) {
    let piece = |p: &Path| match p.strip_prefix(csv_dir) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    };
    let output = |p: &Path| match p.strip_prefix(csv_dir) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let names: Vec<_> = p
                .components()
                .filter_map(|c| match c {
                    Component::Normal(n) => Some(n),
                    _ => None,
                })
                .collect();
            names[names.len().saturating_sub(2)..].iter().collect()
        }
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut rows = 0;
    for d in &assessment.documents {
        for f in &d.findings {
            let Finding::AuxiliaryAlone {
                partner: Some(partner),
                output: Some(combined),
                ..
            } = f
            else {
                continue;
            };
            let row = [
                output(combined).with_extension(""),
                piece(partner),
                piece(&d.path),
            ];
            let cells: Vec<String> = row.iter().map(|p| p.display().to_string()).collect();
            // Writing to a Vec cannot fail.
            let _ = out.write_record(&cells);
            rows += 1;
        }
    }
    let text = String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default();
    (text, rows)
}

/// One summary per client folder.
fn summarise(
    documents: &[Document],
    pictures: &[Picture],
    ctx: &Context,
    used_rows: &HashSet<usize>,
) -> Vec<FolderSummary> {
    let rules = ctx.rules;
    let mut folders: BTreeMap<PathBuf, Gathered> = BTreeMap::new();
    for d in documents {
        folders.entry(d.client.clone()).or_default().docs.push(d);
    }
    // The manifest's rows for folders under this run's roots: needs, and files missing.
    let mut roots: Vec<&Path> = pictures.iter().map(|p| p.root.as_path()).collect();
    roots.dedup();
    let roots: Vec<(&Path, PathBuf)> = roots.into_iter().map(|r| (r, key_of(r))).collect();
    for row in ctx.manifest.iter().flat_map(|m| &m.rows) {
        let key = key_of(&row.file);
        let Some((root, rel)) = roots
            .iter()
            .find_map(|(r, k)| key.strip_prefix(k).ok().map(|rel| (*r, rel.to_path_buf())))
        else {
            continue;
        };
        let client = root.join(client_of(
            &root.join(&rel),
            root,
            row.is_folder,
            rules.detector(),
        ));
        let entry = folders.entry(client).or_default();
        entry.facts.merge(&row.client);
        entry.province = entry.province.or(row.province);
        for need in &row.needs {
            if !entry.needs.contains(need) {
                entry.needs.push(need.clone());
            }
        }
        if !row.is_folder && !used_rows.contains(&row.row) {
            entry.findings.push(Finding::ManifestFileMissing {
                file: row.file.clone(),
                row: row.row,
            });
        }
    }
    // Which client folders each person's ID number appears in, across the whole run.
    let mut people: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for (folder, g) in &folders {
        for id in g.facts.person_ids() {
            people.entry(id).or_default().push(folder.clone());
        }
    }
    folders
        .into_iter()
        .map(|(folder, mut g)| {
            let sharing: Vec<(String, Vec<PathBuf>)> = g
                .facts
                .person_ids()
                .into_iter()
                .map(|id| {
                    let others = people[&id].iter().filter(|f| **f != folder).cloned();
                    let others = others.collect();
                    (id, others)
                })
                .collect();
            let province = g.province.or(ctx.province);
            let required = requirement_findings(&g, province, &sharing, rules);
            g.findings.extend(required);
            summary(folder, &g.docs, g.needs, g.findings, rules, g.facts)
        })
        .collect()
}

/// The guide's requirements that apply to a client and that its folder does not meet.
fn requirement_findings(
    g: &Gathered,
    province: Option<Province>,
    sharing: &[(String, Vec<PathBuf>)],
    rules: &Rules,
) -> Vec<Finding> {
    let present = |k: &KindId| g.docs.iter().any(|d| d.kinds().any(|dk| dk == k));
    let applicant = g
        .facts
        .applicant
        .as_deref()
        .and_then(|a| rules.applicant(a))
        .map(|a| a.name());
    rules
        .requirements
        .iter()
        .filter(|r| !r.needs.iter().any(present))
        .filter_map(|r| {
            let because = r.applies(&g.facts, province, sharing)?;
            Some(Finding::RequirementMissing {
                kinds: r.needs.iter().map(|k| rules.kind_name(k)).collect(),
                applicant: applicant.clone(),
                province,
                because,
                severity: r.severity,
                source: r.source.clone(),
            })
        })
        .collect()
}

/// What a client folder's summary is made from.
#[derive(Default)]
struct Gathered<'a> {
    docs: Vec<&'a Document>,
    needs: Vec<Need>,
    findings: Vec<Finding>,
    facts: ClientFacts,
    province: Option<Province>,
}

fn summary(
    folder: PathBuf,
    docs: &[&Document],
    needs: Vec<Need>,
    mut findings: Vec<Finding>,
    rules: &Rules,
    facts: ClientFacts,
) -> FolderSummary {
    let documents: Vec<KindFiles> = rules
        .kinds
        .iter()
        .map(|k| KindFiles {
            kind: k.id.clone(),
            files: docs
                .iter()
                .filter(|d| d.kinds().any(|dk| dk == &k.id))
                .map(|d| d.path.clone())
                .collect(),
        })
        .filter(|kf| !kf.files.is_empty())
        .collect();
    let (needs, needs_from) = if needs.is_empty() {
        let mut needs = rules.needs.clone();
        // A known applicant type's requirements say which identity documents it needs.
        if facts.applicant.is_some() && !rules.requirements.is_empty() {
            needs.retain(|n| *n != Need::Identity);
        }
        (needs, NeedsSource::Rules)
    } else {
        (needs, NeedsSource::Manifest)
    };
    for need in &needs {
        match need {
            Need::Kind(k) if !documents.iter().any(|kf| &kf.kind == k) => {
                findings.push(Finding::KindMissing {
                    kind: rules.kind_name(k),
                })
            }
            Need::Identity if !docs.iter().any(|d| has_role(rules, d, Role::Identity)) => findings
                .push(Finding::IdentityMissing {
                    kinds: rules
                        .kinds
                        .iter()
                        .filter(|k| k.role == Role::Identity)
                        .map(Kind::name)
                        .collect(),
                }),
            _ => {}
        }
    }
    FolderSummary {
        folder,
        documents,
        unrecognised: docs
            .iter()
            .filter(|d| d.kind.is_none())
            .map(|d| d.path.clone())
            .collect(),
        needs,
        needs_from,
        findings,
        client: facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dates::Length;
    use crate::rules::finding::RuleSource;
    use crate::rules::manifest;
    use crate::words::Message;
    use jiff::civil::date;

    /// A client tree on disk (empty files: the rules read names, not pixels).
    struct Tree {
        dir: tempfile::TempDir,
    }

    impl Tree {
        fn new(files: &[&str]) -> Tree {
            let dir = tempfile::tempdir().unwrap();
            for f in files {
                let path = dir.path().join(f);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, b"").unwrap();
            }
            Tree { dir }
        }

        fn root(&self) -> &Path {
            self.dir.path()
        }

        fn pictures(&self) -> Vec<Picture> {
            let mut out = Vec::new();
            let mut stack = vec![self.root().to_path_buf()];
            while let Some(dir) = stack.pop() {
                for e in fs::read_dir(dir).unwrap() {
                    let path = e.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e != "csv") {
                        out.push(Picture {
                            path,
                            root: self.root().to_path_buf(),
                            read: None,
                        });
                    }
                }
            }
            out.sort_by(|a, b| a.path.cmp(&b.path));
            out
        }

        fn manifest(&self, text: &str, rules: &Rules) -> Manifest {
            let path = self.root().join("docs.csv");
            fs::write(&path, text).unwrap();
            manifest::read(&path, rules).unwrap()
        }

        fn assess(
            &self,
            rules: &Rules,
            manifest: Option<&str>,
            filed_on: Date,
            province: &str,
        ) -> Assessment {
            let manifest = manifest.map(|m| self.manifest(m, rules));
            let ctx = Context {
                rules,
                filed_on,
                province: Province::parse(province),
                manifest: manifest.as_ref(),
            };
            assess(&self.pictures(), &ctx)
        }

        fn doc<'a>(&self, a: &'a Assessment, name: &str) -> &'a Document {
            let path = self.root().join(name);
            a.documents.iter().find(|d| d.path == path).unwrap()
        }
    }

    fn codes_of(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(Message::code).collect()
    }

    fn codes(d: &Document) -> Vec<&'static str> {
        d.findings.iter().map(Message::code).collect()
    }

    /// The date findings for one document of `kind`, listed with `cells` (issued,
    /// valid_until, province), filed on `filed_on` with `--province`.
    fn one(kind: &str, cells: &str, filed_on: Date, province: &str) -> Vec<Finding> {
        one_with(Rules::builtin(), kind, cells, filed_on, province)
    }

    fn one_with(
        rules: &Rules,
        kind: &str,
        cells: &str,
        filed_on: Date,
        province: &str,
    ) -> Vec<Finding> {
        let tree = Tree::new(&["a.jpg"]);
        let manifest = format!("file,kind,issued,valid_until,province\na.jpg,{kind},{cells}\n");
        let a = tree.assess(rules, Some(&manifest), filed_on, province);
        // A lone picture of an auxiliary kind is also "alone"; that is tested apart.
        a.documents[0]
            .findings
            .iter()
            .filter(|f| !matches!(f, Finding::AuxiliaryAlone { .. }))
            .cloned()
            .collect()
    }

    fn issued(kind: &str, issued: &str, filed_on: Date, province: &str) -> Vec<&'static str> {
        one(kind, &format!("{issued},,"), filed_on, province)
            .iter()
            .map(Message::code)
            .filter(|c| *c != "province_not_given")
            .collect()
    }

    #[test]
    fn issue_date_boundaries_on_the_limit_one_day_over_and_the_warning_margin() {
        // Filed 2026-05-31: 3 months back clamps to 2026-02-28.
        let filed = date(2026, 5, 31);
        let at = |d| issued("授权书", d, filed, "广东");
        assert_eq!(at("2026-02-27"), ["issued_outside_window"]);
        assert_eq!(at("2026-02-28"), ["issued_near_window_limit"]);
        assert_eq!(at("2026-03-14"), ["issued_near_window_limit"]);
        assert!(at("2026-03-15").is_empty());
        assert!(at("2026-05-31").is_empty());
        assert_eq!(at("2026-06-01"), ["issued_after_filing"]);
        match &one("授权书", "2026-02-27,,", filed, "广东")[0] {
            Finding::IssuedOutsideWindow {
                earliest,
                days_over,
                days_before,
                applied,
                ..
            } => {
                assert_eq!(*earliest, date(2026, 2, 28));
                assert_eq!(*days_over, 1);
                assert_eq!(*days_before, 93);
                assert_eq!(applied.rule, RuleSource::Default);
                assert_eq!(applied.limit, Length::Months(3));
            }
            other => panic!("{other:?}"),
        }
        match &one("授权书", "2026-02-28,,", filed, "广东")[0] {
            Finding::IssuedNearWindowLimit { days_left, .. } => assert_eq!(*days_left, 0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn leap_day_2028_02_29_is_a_real_limit() {
        let filed = date(2028, 5, 31);
        assert_eq!(
            issued("授权书", "2028-02-29", filed, "广东"),
            ["issued_near_window_limit"]
        );
        assert_eq!(
            issued("授权书", "2028-02-28", filed, "广东"),
            ["issued_outside_window"]
        );
        // Valid for 3 months after filing on 2027-11-30: until 2028-02-29 at least.
        let valid = |until: &str| {
            one("身份证", &format!(",{until},"), date(2027, 11, 30), "广东")
                .iter()
                .map(Message::code)
                .collect::<Vec<_>>()
        };
        assert_eq!(valid("2028-02-28"), ["validity_too_short"]);
        assert_eq!(valid("2028-02-29"), ["validity_near_window_limit"]);
        assert_eq!(valid("2028-03-14"), ["validity_near_window_limit"]);
        assert!(valid("2028-03-15").is_empty());
        assert!(valid("长期").is_empty());
        // An ID card that has already expired is simply far short.
        match &one("身份证", ",2027-11-01,", date(2027, 11, 30), "广东")[0] {
            Finding::ValidityTooShort {
                needed_until,
                days_short,
                ..
            } => {
                assert_eq!(*needed_until, date(2028, 2, 29));
                assert_eq!(*days_short, 120);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_province_exception_against_the_default() {
        let filed = date(2026, 11, 30);
        // (kind, issued, the province with its own rule, its verdict, the default's)
        type Case<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);
        let cases: [Case; 5] = [
            // Hebei: authorization letters 6 months; elsewhere 3.
            (
                "授权书",
                "2026-07-01",
                "河北",
                &[],
                &["issued_outside_window"],
            ),
            // Hubei: business-nature statements 6 months.
            (
                "经营性说明书",
                "2026-06-15",
                "湖北",
                &[],
                &["issued_outside_window"],
            ),
            // Sichuan: proof of employment 45 days; elsewhere 3 months.
            (
                "在职证明",
                "2026-10-01",
                "四川",
                &["issued_outside_window"],
                &[],
            ),
            // Hunan: domain certificate 45 days; elsewhere the guide's 3 months, whose
            // limit 2026-08-30 is 2 days away.
            (
                "域名证书",
                "2026-09-01",
                "湖南",
                &["issued_outside_window"],
                &["issued_near_window_limit"],
            ),
            // 45 days before 2026-11-30 is 2026-10-16: on the limit in Sichuan.
            (
                "在职证明",
                "2026-10-16",
                "四川",
                &["issued_near_window_limit"],
                &[],
            ),
        ];
        for (kind, date_, province, own, default) in cases {
            assert_eq!(
                issued(kind, date_, filed, province),
                own,
                "{kind} in {province}"
            );
            assert_eq!(
                issued(kind, date_, filed, "广东"),
                default,
                "{kind} elsewhere"
            );
        }
        // The issue's example: Hebei, issued 2026-01-05, 6 months.
        match &one("授权书", "2026-01-05,,河北", filed, "")[0] {
            Finding::IssuedOutsideWindow {
                applied, earliest, ..
            } => {
                assert_eq!(applied.rule, RuleSource::Province);
                assert_eq!(applied.province, Province::parse("hebei"));
                assert_eq!(*earliest, date(2026, 5, 30));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_manifest_province_wins_over_the_run_and_none_notes_the_exceptions() {
        let filed = date(2026, 11, 30);
        // --province 广东, but the row says 河北: Hebei's 6 months apply.
        assert!(one("授权书", "2026-07-01,,河北", filed, "广东").is_empty());
        let none = one("授权书", "2026-10-01,,", filed, "");
        assert_eq!(
            none,
            vec![Finding::ProvinceNotGiven {
                kind: Rules::builtin().kind_name(&KindId("authorization".into())),
                provinces: vec![Province::parse("河北").unwrap()],
            }]
        );
    }

    #[test]
    fn a_changed_rules_file_changes_the_verdict() {
        let filed = date(2026, 11, 30);
        assert_eq!(
            issued("授权书", "2026-07-01", filed, "河北"),
            Vec::<&str>::new()
        );
        let text = crate::rules::BUILTIN_TOML.replace(
            "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"6 months\"",
            "province = \"河北\"\nkind = \"authorization\"\nissued_within = \"4 months\"",
        );
        let rules = Rules::from_toml(&text, Path::new("mine.toml")).unwrap();
        let found = one_with(&rules, "授权书", "2026-07-01,,", filed, "河北");
        assert_eq!(
            found.iter().map(Message::code).collect::<Vec<_>>(),
            ["issued_outside_window"]
        );
    }

    #[test]
    fn missing_dates_warn_only_when_a_manifest_is_given() {
        let tree = Tree::new(&["客户A/授权书.jpg", "客户A/身份证.jpg", "客户A/营业执照.jpg"]);
        let rules = Rules::builtin();
        let filed = date(2026, 11, 30);
        let a = tree.assess(rules, None, filed, "广东");
        assert!(!a.dates_checked);
        assert!(codes(tree.doc(&a, "客户A/身份证.jpg")).is_empty());
        let manifest = "file,kind,issued\n客户A/授权书.jpg,授权书,\n客户A/身份证.jpg,,\n";
        let a = tree.assess(rules, Some(manifest), filed, "广东");
        assert!(a.dates_checked);
        let auth = tree.doc(&a, "客户A/授权书.jpg");
        assert!(matches!(
            auth.findings[0],
            Finding::DateMissing {
                field: DateField::Issued,
                row: 2,
                ..
            }
        ));
        assert_eq!(auth.kind_from, Some(KindSource::Manifest));
        let id = tree.doc(&a, "客户A/身份证.jpg");
        assert!(matches!(
            id.findings[0],
            Finding::DateMissing {
                field: DateField::ValidUntil,
                row: 3,
                ..
            }
        ));
        assert_eq!(id.kind_from, Some(KindSource::FileName));
        let licence = tree.doc(&a, "客户A/营业执照.jpg");
        assert_eq!(codes(licence), ["manifest_unlisted"]);
    }

    #[test]
    fn unknown_and_undetected_kinds() {
        let tree = Tree::new(&["客户A/授权书.jpg", "客户A/IMG_2041.jpg", "客户A/身份证.jpg"]);
        let rules = Rules::builtin();
        let manifest = "file,kind,issued\n客户A/授权书.jpg,合同,2026-11-01\n";
        let a = tree.assess(rules, Some(manifest), date(2026, 11, 30), "广东");
        let auth = tree.doc(&a, "客户A/授权书.jpg");
        assert_eq!(
            auth.findings[0],
            Finding::UnknownKind {
                given: "合同".into(),
                row: 2
            }
        );
        // The file name still tells the kind, and its date is still checked.
        assert_eq!(auth.kind, Some(KindId("authorization".into())));
        assert_eq!(auth.kind_from, Some(KindSource::FileName));
        let img = tree.doc(&a, "客户A/IMG_2041.jpg");
        assert_eq!(codes(img), ["kind_undetected"]);
        assert_eq!(img.findings[0].severity(), Severity::Note);
        assert_eq!(
            a.folders[0].unrecognised,
            [tree.root().join("客户A/IMG_2041.jpg")]
        );
    }

    #[test]
    fn folders_name_kinds_and_group_clients() {
        let tree = Tree::new(&[
            "客户A/身份证/IMG_0001.jpg",
            "客户A/授权书 (1).jpg",
            "身份证/IMG_0002.jpg",
            "scan.jpg",
        ]);
        let a = tree.assess(Rules::builtin(), None, date(2026, 11, 30), "");
        let img = tree.doc(&a, "客户A/身份证/IMG_0001.jpg");
        assert_eq!(img.kind, Some(KindId("id_card".into())));
        assert_eq!(img.kind_from, Some(KindSource::FolderName));
        assert_eq!(img.client, tree.root().join("客户A"));
        // A kind-named folder directly in the root is not a client.
        assert_eq!(tree.doc(&a, "身份证/IMG_0002.jpg").client, tree.root());
        assert_eq!(tree.doc(&a, "scan.jpg").client, tree.root());
        let folders: Vec<&Path> = a.folders.iter().map(|f| f.folder.as_path()).collect();
        assert_eq!(folders, [tree.root(), tree.root().join("客户A").as_path()]);
    }

    fn alone(d: &Document) -> Option<&Finding> {
        d.findings
            .iter()
            .find(|f| matches!(f, Finding::AuxiliaryAlone { .. }))
    }

    #[test]
    fn an_auxiliary_picture_alone_gets_the_stitch_command_for_its_folders_id() {
        let tree = Tree::new(&[
            "客户A/身份证.jpg",
            "客户A/营业执照.jpg",
            "客户A/授权书.jpg",
            "客户A/域名证书.png",
            "客户B/在职证明.jpg",
            "客户C/授权书.jpg",
            "客户C/身份证.jpg",
            "客户C/授权书+身份证.jpg",
        ]);
        let a = tree.assess(Rules::builtin(), None, date(2026, 11, 30), "");
        let root = tree.root();
        let Some(Finding::AuxiliaryAlone {
            kind,
            partner,
            output,
            command,
        }) = alone(tree.doc(&a, "客户A/域名证书.png"))
        else {
            panic!("no auxiliary_alone");
        };
        assert_eq!(kind.id.0, "domain_certificate");
        // The ID card comes before the licence in the rules' order.
        assert_eq!(
            partner.as_deref(),
            Some(root.join("客户A/身份证.jpg").as_path())
        );
        assert_eq!(
            output.as_deref(),
            Some(root.join("客户A/域名证书+身份证.jpg").as_path())
        );
        let command = command.as_deref().unwrap();
        assert!(command.starts_with("scanfit stitch "), "{command}");
        assert!(command.contains(&format!("{}/客户A/身份证.jpg", root.display())));
        assert!(alone(tree.doc(&a, "客户A/授权书.jpg")).is_some());
        // Identity documents are not auxiliary.
        assert!(alone(tree.doc(&a, "客户A/身份证.jpg")).is_none());
        // No identity picture in the folder: a warning without a command.
        assert!(matches!(
            alone(tree.doc(&a, "客户B/在职证明.jpg")),
            Some(Finding::AuxiliaryAlone {
                partner: None,
                command: None,
                ..
            })
        ));
        // Already combined in the folder: neither the combined picture nor its source warns.
        assert!(alone(tree.doc(&a, "客户C/授权书+身份证.jpg")).is_none());
        assert!(alone(tree.doc(&a, "客户C/授权书.jpg")).is_none());
        // The suggested name is known for a combined picture next time.
        let rules = Rules::builtin();
        let d = rules.detector().detect("域名证书+身份证").unwrap();
        assert_eq!(
            (d.kind.0.as_str(), d.also[0].0.as_str()),
            ("domain_certificate", "id_card")
        );
    }

    #[test]
    fn the_sets_file_stitch_reads_combines_each_auxiliary_with_its_id() {
        let tree = Tree::new(&[
            "客户A/身份证.jpg",
            "客户A/授权书.jpg",
            "客户A/授权书(1).jpg",
            "客户 B/营业执照.jpg",
            "客户 B/域名证书.png",
        ]);
        let a = tree.assess(Rules::builtin(), None, date(2026, 11, 30), "");
        let csv_path = tree.root().join("sets.csv");
        let (text, rows) = sets_csv(&a, tree.root());
        assert_eq!(rows, 3);
        fs::write(&csv_path, text).unwrap();
        let out = Path::new("/out");
        let sets = crate::stitch::read_sets(&csv_path, out, &crate::Options::default()).unwrap();
        let mut got: Vec<(PathBuf, Vec<PathBuf>)> =
            sets.into_iter().map(|s| (s.output, s.pieces)).collect();
        got.sort();
        let r = |p: &str| tree.root().join(p);
        assert_eq!(
            got,
            vec![
                (
                    out.join("客户 B/域名证书+营业执照.jpg"),
                    vec![r("客户 B/营业执照.jpg"), r("客户 B/域名证书.png")]
                ),
                (
                    out.join("客户A/授权书+身份证 (授权书(1)).jpg"),
                    vec![r("客户A/身份证.jpg"), r("客户A/授权书(1).jpg")]
                ),
                (
                    out.join("客户A/授权书+身份证 (授权书).jpg"),
                    vec![r("客户A/身份证.jpg"), r("客户A/授权书.jpg")]
                ),
            ]
        );
        for (_, pieces) in &got {
            assert!(pieces.iter().all(|p| p.is_file()));
        }
    }

    #[test]
    fn folder_summaries_count_kinds_and_name_what_is_missing() {
        let tree = Tree::new(&[
            "客户A/身份证.jpg",
            "客户A/授权书.jpg",
            "客户B/授权书.jpg",
            "客户C/营业执照.jpg",
        ]);
        let rules = Rules::builtin();
        let manifest = "\
file,kind,issued,needs
客户A/授权书.jpg,,2026-11-01,
客户A/,,,身份证、授权书、域名证书
客户C/域名证书.png,域名证书,2026-11-01,
";
        let a = tree.assess(rules, Some(manifest), date(2026, 11, 30), "广东");
        let folder = |name: &str| {
            a.folders
                .iter()
                .find(|f| f.folder == tree.root().join(name))
                .unwrap()
        };
        let client_a = folder("客户A");
        assert_eq!(client_a.needs_from, NeedsSource::Manifest);
        let kinds: Vec<(&str, usize)> = client_a
            .documents
            .iter()
            .map(|k| (k.kind.0.as_str(), k.files.len()))
            .collect();
        assert_eq!(kinds, [("authorization", 1), ("id_card", 1)]);
        assert_eq!(
            client_a.findings,
            [Finding::KindMissing {
                kind: rules.kind_name(&KindId("domain_certificate".into()))
            }]
        );
        // No needs in the manifest for B: the rules' default, an identity document.
        let client_b = folder("客户B");
        assert_eq!(client_b.needs_from, NeedsSource::Rules);
        assert_eq!(codes_of(&client_b.findings), ["identity_missing"]);
        // C's manifest row names a picture that is not there.
        let client_c = folder("客户C");
        assert_eq!(
            client_c.findings,
            [Finding::ManifestFileMissing {
                file: tree
                    .root()
                    .join("docs.csv")
                    .parent()
                    .unwrap()
                    .join("客户C/域名证书.png"),
                row: 4
            }]
        );
    }

    #[test]
    fn paths_are_quoted_only_when_a_shell_needs_it() {
        assert_eq!(
            shell_quote(Path::new("客户A/身份证.jpg")),
            "客户A/身份证.jpg"
        );
        assert_eq!(
            shell_quote(Path::new("客户 A/身份证.jpg")),
            "\"客户 A/身份证.jpg\""
        );
        assert_eq!(shell_quote(Path::new("a$b.jpg")), "'a$b.jpg'");
        assert_eq!(shell_quote(Path::new("it's $1.jpg")), r"'it'\''s $1.jpg'");
        assert_eq!(shell_quote(Path::new("授权书(1).jpg")), "\"授权书(1).jpg\"");
    }
}
