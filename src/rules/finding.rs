//! What the document rules find, as typed values.
//!
//! A finding carries the facts (kind, dates, days, the window and which rule set it), a
//! stable snake_case code for reports and scripts, and a severity. Its words are in the
//! message catalogue (`src/words/rules.rs`, `src/words/<lang>/rules.ftl`); nothing here
//! writes a sentence.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::rules::dates::Length;
use crate::rules::kind::KindName;
use crate::rules::province::Province;
use crate::rules::requirements::{ApplicantName, Because};
use crate::rules::Window;

/// How much a finding weighs. Ordered, so the worst decides.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; changes no verdict.
    Note,
    /// The reviewer may reject it, or it needs a look.
    Warn,
    /// The reviewer will reject it.
    Fail,
}

/// Which rule set a window: the guide's default or a province's exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSource {
    /// The rule for every province.
    Default,
    /// The document's province has its own rule.
    Province,
}

/// The date a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateField {
    /// The issue date (the manifest's `issued` column).
    Issued,
    /// The end of validity (the manifest's `valid_until` column).
    ValidUntil,
}

impl DateField {
    /// The manifest column that holds it.
    pub fn column(self) -> &'static str {
        match self {
            DateField::Issued => "issued",
            DateField::ValidUntil => "valid_until",
        }
    }
}

/// What an authorization letter and an ID card are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compared {
    /// The person's name.
    Person,
    /// The 18-character ID number (only numbers whose check digit holds).
    IdNumber,
}

/// A window applied to a document, as findings report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    /// The document's province, if known.
    pub province: Option<Province>,
    /// The window's length.
    pub limit: Length,
    /// Whether the province's own rule set it.
    pub rule: RuleSource,
}

impl Applied {
    /// The window `window` applied to a document in `province`.
    pub fn new(window: Window, province: Option<Province>) -> Applied {
        Applied {
            province,
            limit: window.length,
            rule: match window.province {
                Some(_) => RuleSource::Province,
                None => RuleSource::Default,
            },
        }
    }
}

/// Something the document rules found about one document or one client folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Finding {
    /// Issued longer before filing than its window allows.
    IssuedOutsideWindow {
        /// The document's kind.
        kind: KindName,
        /// The window applied.
        #[serde(flatten)]
        applied: Applied,
        /// The issue date.
        issued: Date,
        /// The filing date.
        filed_on: Date,
        /// Days from issue to filing.
        days_before: i64,
        /// The earliest issue date the window allows.
        earliest: Date,
        /// Days before that earliest date.
        days_over: i64,
    },
    /// Inside its issue window, but only just: it may fall outside during review.
    IssuedNearWindowLimit {
        /// The document's kind.
        kind: KindName,
        /// The window applied.
        #[serde(flatten)]
        applied: Applied,
        /// The issue date.
        issued: Date,
        /// The filing date.
        filed_on: Date,
        /// The earliest issue date the window allows.
        earliest: Date,
        /// Days between that earliest date and the issue date.
        days_left: i64,
    },
    /// Issued after the filing date: a typo, or the wrong `--filed-on`.
    IssuedAfterFiling {
        /// The document's kind.
        kind: KindName,
        /// The issue date.
        issued: Date,
        /// The filing date.
        filed_on: Date,
    },
    /// Expires too soon after filing (or has expired).
    ValidityTooShort {
        /// The document's kind.
        kind: KindName,
        /// The window applied.
        #[serde(flatten)]
        applied: Applied,
        /// The end of validity.
        valid_until: Date,
        /// The filing date.
        filed_on: Date,
        /// The date it must stay valid until.
        needed_until: Date,
        /// Days it falls short.
        days_short: i64,
    },
    /// Valid long enough, but only just.
    ValidityNearWindowLimit {
        /// The document's kind.
        kind: KindName,
        /// The window applied.
        #[serde(flatten)]
        applied: Applied,
        /// The end of validity.
        valid_until: Date,
        /// The filing date.
        filed_on: Date,
        /// The date it must stay valid until.
        needed_until: Date,
        /// Days of validity beyond that date.
        days_left: i64,
    },
    /// The manifest lists the document but not the date its rule needs.
    DateMissing {
        /// The document's kind.
        kind: KindName,
        /// The window that needs the date.
        #[serde(flatten)]
        applied: Applied,
        /// The date needed.
        field: DateField,
        /// The manifest row.
        row: usize,
    },
    /// The document's kind needs a date, and the manifest has no row for it.
    ManifestUnlisted {
        /// The document's kind.
        kind: KindName,
        /// The window that needs the date.
        #[serde(flatten)]
        applied: Applied,
        /// The date needed.
        field: DateField,
    },
    /// An auxiliary document in a picture of its own, where the form may have no slot for
    /// it.
    AuxiliaryAlone {
        /// The document's kind.
        kind: KindName,
        /// The client's identity picture to combine it with, if there is one.
        partner: Option<PathBuf>,
        /// The combined picture the suggestion would write.
        output: Option<PathBuf>,
        /// The `scanfit stitch` command that would combine them.
        command: Option<String>,
    },
    /// The manifest names a kind the rules do not know.
    UnknownKind {
        /// The manifest's cell.
        given: String,
        /// The manifest row.
        row: usize,
    },
    /// Neither the manifest nor the file or folder names say what the document is.
    KindUndetected,
    /// The kind has province exceptions, and no province is known for the document.
    ProvinceNotGiven {
        /// The document's kind.
        kind: KindName,
        /// The provinces with their own rule for it.
        provinces: Vec<Province>,
    },
    /// The filing needs a kind the client's folder does not have.
    KindMissing {
        /// The kind needed.
        kind: KindName,
    },
    /// The filing needs an identity document and the client's folder has none.
    IdentityMissing {
        /// The kinds that are identity documents.
        kinds: Vec<KindName>,
    },
    /// A requirement of the guide for this applicant type and province that the client's
    /// folder does not meet.
    RequirementMissing {
        /// The kinds that would meet it (any one).
        kinds: Vec<KindName>,
        /// The client's applicant type, if known.
        applicant: Option<ApplicantName>,
        /// The client's province, if known.
        province: Option<Province>,
        /// Why the requirement applies.
        #[serde(flatten)]
        because: Because,
        /// How much it weighs (the requirement's).
        severity: Severity,
        /// The guide's text it encodes.
        source: String,
    },
    /// A date the rules used was read off the picture: no manifest row gave it.
    DateRead {
        /// The document's kind.
        kind: KindName,
        /// Which date.
        field: DateField,
        /// The date as read (`2036-03-01`, or `long_term` for 长期).
        read: String,
        /// How sure the reading is, in percent.
        percent: u8,
    },
    /// A date read off the picture too uncertainly to judge by: a manifest row is asked
    /// for instead of a verdict.
    DateReadUncertain {
        /// The document's kind.
        kind: KindName,
        /// The window that needs the date.
        #[serde(flatten)]
        applied: Applied,
        /// Which date.
        field: DateField,
        /// The date as read.
        read: String,
        /// How sure the reading is, in percent.
        percent: u8,
    },
    /// An authorization letter names another person, or another ID number, than the
    /// ID card in the same client folder (or the same combined picture) shows.
    PersonMismatch {
        /// What differs.
        what: Compared,
        /// What the letter says.
        letter: String,
        /// What the ID card says.
        card: String,
        /// The ID card's picture.
        card_file: PathBuf,
        /// The card is in the letter's own picture (a combined picture).
        same_picture: bool,
    },
    /// A manifest row names a file that is not among the pictures checked.
    ManifestFileMissing {
        /// The file, as resolved from the manifest's folder.
        file: PathBuf,
        /// The manifest row.
        row: usize,
    },
}

impl Finding {
    /// How much it weighs: outside a window or missing from the filing fails; anything
    /// the reviewer may reject, or that stops a rule from being checked, warns.
    pub fn severity(&self) -> Severity {
        match self {
            Finding::IssuedOutsideWindow { .. }
            | Finding::ValidityTooShort { .. }
            | Finding::KindMissing { .. }
            | Finding::IdentityMissing { .. } => Severity::Fail,
            Finding::IssuedNearWindowLimit { .. }
            | Finding::ValidityNearWindowLimit { .. }
            | Finding::IssuedAfterFiling { .. }
            | Finding::DateMissing { .. }
            | Finding::ManifestUnlisted { .. }
            | Finding::AuxiliaryAlone { .. }
            | Finding::UnknownKind { .. }
            | Finding::ManifestFileMissing { .. }
            | Finding::DateReadUncertain { .. }
            | Finding::PersonMismatch { .. } => Severity::Warn,
            Finding::KindUndetected
            | Finding::ProvinceNotGiven { .. }
            | Finding::DateRead { .. } => Severity::Note,
            Finding::RequirementMissing { severity, .. } => *severity,
        }
    }
}

/// One finding of every variant, for the tests of their words and codes.
#[cfg(test)]
pub(crate) fn samples() -> Vec<Finding> {
    use jiff::civil::date;

    let rules = crate::rules::Rules::builtin();
    let kind = |s: &str| rules.kind_name(&crate::rules::KindId(s.into()));
    let (d, f) = (date(2026, 7, 1), date(2026, 11, 30));
    let hebei = Applied {
        province: Province::parse("河北"),
        limit: Length::Months(6),
        rule: RuleSource::Province,
    };
    let default = Applied {
        province: None,
        limit: Length::Days(45),
        rule: RuleSource::Default,
    };
    vec![
        Finding::IssuedOutsideWindow {
            kind: kind("authorization"),
            applied: hebei,
            issued: date(2026, 1, 5),
            filed_on: f,
            days_before: 329,
            earliest: date(2026, 5, 30),
            days_over: 145,
        },
        Finding::IssuedNearWindowLimit {
            kind: kind("employment_proof"),
            applied: default,
            issued: d,
            filed_on: f,
            earliest: d,
            days_left: 1,
        },
        Finding::IssuedAfterFiling {
            kind: kind("authorization"),
            issued: f,
            filed_on: d,
        },
        Finding::ValidityTooShort {
            kind: kind("id_card"),
            applied: default,
            valid_until: d,
            filed_on: f,
            needed_until: f,
            days_short: 152,
        },
        Finding::ValidityNearWindowLimit {
            kind: kind("business_licence"),
            applied: default,
            valid_until: f,
            filed_on: d,
            needed_until: f,
            days_left: 0,
        },
        Finding::DateMissing {
            kind: kind("authorization"),
            applied: hebei,
            field: DateField::Issued,
            row: 3,
        },
        Finding::ManifestUnlisted {
            kind: kind("id_card"),
            applied: default,
            field: DateField::ValidUntil,
        },
        Finding::AuxiliaryAlone {
            kind: kind("domain_certificate"),
            partner: Some("客户A/身份证.jpg".into()),
            output: Some("客户A/域名证书+身份证.jpg".into()),
            command: Some(
                "scanfit stitch 客户A/身份证.jpg 客户A/域名证书.png -o 客户A/域名证书+身份证.jpg"
                    .into(),
            ),
        },
        Finding::AuxiliaryAlone {
            kind: kind("employment_proof"),
            partner: None,
            output: None,
            command: None,
        },
        Finding::UnknownKind {
            given: "合同".into(),
            row: 7,
        },
        Finding::KindUndetected,
        Finding::ProvinceNotGiven {
            kind: kind("authorization"),
            provinces: vec![Province::parse("河北").unwrap()],
        },
        Finding::KindMissing {
            kind: kind("domain_certificate"),
        },
        Finding::IdentityMissing {
            kinds: vec![kind("id_card"), kind("business_licence")],
        },
        Finding::RequirementMissing {
            kinds: vec![kind("employment_proof")],
            applicant: rules.applicant("enterprise").map(|a| a.name()),
            province: Province::parse("北京"),
            because: Because::SharedId {
                id: "…123X".into(),
                others: vec!["乙公司".into()],
            },
            severity: Severity::Warn,
            source: String::new(),
        },
        Finding::RequirementMissing {
            kinds: vec![kind("establishment_approval")],
            applicant: rules.applicant("public_institution").map(|a| a.name()),
            province: Province::parse("云南"),
            because: Because::Always,
            severity: Severity::Fail,
            source: String::new(),
        },
        Finding::RequirementMissing {
            kinds: vec![kind("business_nature_statement")],
            applicant: None,
            province: None,
            because: Because::BusinessWords {
                word: "电子商务".into(),
            },
            severity: Severity::Fail,
            source: String::new(),
        },
        Finding::RequirementMissing {
            kinds: vec![kind("authorization")],
            applicant: None,
            province: None,
            because: Because::NotLegalRep,
            severity: Severity::Fail,
            source: String::new(),
        },
        Finding::RequirementMissing {
            kinds: vec![kind("change_proof"), kind("business_licence")],
            applicant: None,
            province: None,
            because: Because::NameChanged {
                former: "甲公司".into(),
            },
            severity: Severity::Fail,
            source: String::new(),
        },
        Finding::DateRead {
            kind: kind("id_card"),
            field: DateField::ValidUntil,
            read: "2036-03-01".into(),
            percent: 97,
        },
        Finding::DateRead {
            kind: kind("business_licence"),
            field: DateField::ValidUntil,
            read: "long_term".into(),
            percent: 95,
        },
        Finding::DateReadUncertain {
            kind: kind("authorization"),
            applied: default,
            field: DateField::Issued,
            read: "2026-07-01".into(),
            percent: 61,
        },
        Finding::PersonMismatch {
            what: Compared::Person,
            letter: "李四".into(),
            card: "张三".into(),
            card_file: "客户A/身份证.jpg".into(),
            same_picture: false,
        },
        Finding::PersonMismatch {
            what: Compared::IdNumber,
            letter: "11010519491231002X".into(),
            card: "440524188001010014".into(),
            card_file: "客户A/授权书+身份证.jpg".into(),
            same_picture: true,
        },
        Finding::ManifestFileMissing {
            file: "客户A/授权书.jpg".into(),
            row: 4,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Message;

    #[test]
    fn every_variant_has_its_own_code_and_json_carries_it() {
        let samples = samples();
        let mut codes: Vec<&str> = samples.iter().map(Message::code).collect();
        codes.dedup();
        let unique: std::collections::BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(unique.len(), codes.len(), "{codes:?}");
        for f in &samples {
            let json = serde_json::to_value(f).unwrap();
            assert_eq!(json["code"], f.code(), "{json}");
        }
        let json = serde_json::to_value(&samples[0]).unwrap();
        assert_eq!(json["kind"], "authorization");
        assert_eq!(json["province"], "hebei");
        assert_eq!(json["rule"], "province");
        assert_eq!(json["limit"], serde_json::json!({ "months": 6 }));
        assert_eq!(json["issued"], "2026-01-05");
        assert_eq!(json["days_over"], 145);
        let json = serde_json::to_value(samples.last().unwrap()).unwrap();
        assert_eq!(json["file"], "客户A/授权书.jpg");
    }

    #[test]
    fn the_issues_example_reads_as_the_issue_asks() {
        let en = crate::words::english(&samples()[0]);
        assert!(
            en.starts_with(
                "The authorization letter was issued 2026-01-05, 329 days before filing on \
                 2026-11-30; Hebei allows 6 months (145 days over)"
            ),
            "{en}"
        );
        let near = crate::words::english(&samples()[1]);
        assert!(near.contains("a margin of only 1 day."), "{near}");
        assert!(near.contains("the guide allows 45 days"), "{near}");
        let identity = crate::words::english(&samples()[13]);
        assert!(
            identity.contains("(ID card, business licence)"),
            "{identity}"
        );
    }
}
