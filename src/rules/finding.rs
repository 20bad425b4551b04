//! What the document rules find, as typed values.
//!
//! A finding carries the facts (kind, dates, days, the window and which rule set it), a
//! stable snake_case code for reports and scripts, and a severity. Its words live in the
//! message catalogue, `src/words/{en,zh}/rules.ftl`, one message per code taking the
//! arguments [`Finding::args`] gives; a unit test keeps codes, messages and arguments in
//! step. Nothing here formats a sentence.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::rules::dates::Length;
use crate::rules::kind::KindId;
use crate::rules::kind::Role;
use crate::rules::province::Province;
use crate::rules::{Rules, Window};

/// How much a finding weighs. Ordered, so the worst decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; changes no verdict.
    Note,
    /// The reviewer may reject it, or it needs a look.
    Warn,
    /// The reviewer will reject it.
    Fail,
}

/// The language a message is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese, in the guide's own words.
    Zh,
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
        kind: KindId,
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
        kind: KindId,
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
        kind: KindId,
        /// The issue date.
        issued: Date,
        /// The filing date.
        filed_on: Date,
    },
    /// Expires too soon after filing (or has expired).
    ValidityTooShort {
        /// The document's kind.
        kind: KindId,
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
        kind: KindId,
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
        kind: KindId,
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
        kind: KindId,
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
        kind: KindId,
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
        kind: KindId,
        /// The provinces with their own rule for it.
        provinces: Vec<Province>,
    },
    /// The filing needs a kind the client's folder does not have.
    KindMissing {
        /// The kind needed.
        kind: KindId,
    },
    /// The filing needs an identity document and the client's folder has none.
    IdentityMissing,
    /// A manifest row names a file that is not among the pictures checked.
    ManifestFileMissing {
        /// The file, as resolved from the manifest's folder.
        file: PathBuf,
        /// The manifest row.
        row: usize,
    },
}

/// Every finding's code, in declaration order.
pub const CODES: [&str; 14] = [
    "issued_outside_window",
    "issued_near_window_limit",
    "issued_after_filing",
    "validity_too_short",
    "validity_near_window_limit",
    "date_missing",
    "manifest_unlisted",
    "auxiliary_alone",
    "unknown_kind",
    "kind_undetected",
    "province_not_given",
    "kind_missing",
    "identity_missing",
    "manifest_file_missing",
];

/// A message argument: text already in the message's language, or a number (which the
/// catalogue may use to choose a plural form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text.
    Text(String),
    /// A whole number.
    Number(i64),
}

impl Finding {
    /// The stable code, which is also the message id in the catalogue.
    pub fn code(&self) -> &'static str {
        CODES[match self {
            Finding::IssuedOutsideWindow { .. } => 0,
            Finding::IssuedNearWindowLimit { .. } => 1,
            Finding::IssuedAfterFiling { .. } => 2,
            Finding::ValidityTooShort { .. } => 3,
            Finding::ValidityNearWindowLimit { .. } => 4,
            Finding::DateMissing { .. } => 5,
            Finding::ManifestUnlisted { .. } => 6,
            Finding::AuxiliaryAlone { .. } => 7,
            Finding::UnknownKind { .. } => 8,
            Finding::KindUndetected => 9,
            Finding::ProvinceNotGiven { .. } => 10,
            Finding::KindMissing { .. } => 11,
            Finding::IdentityMissing => 12,
            Finding::ManifestFileMissing { .. } => 13,
        }]
    }

    /// How much it weighs: outside a window or missing from the filing fails; anything
    /// the reviewer may reject, or that stops a rule from being checked, warns.
    pub fn severity(&self) -> Severity {
        match self {
            Finding::IssuedOutsideWindow { .. }
            | Finding::ValidityTooShort { .. }
            | Finding::KindMissing { .. }
            | Finding::IdentityMissing => Severity::Fail,
            Finding::IssuedNearWindowLimit { .. }
            | Finding::ValidityNearWindowLimit { .. }
            | Finding::IssuedAfterFiling { .. }
            | Finding::DateMissing { .. }
            | Finding::ManifestUnlisted { .. }
            | Finding::AuxiliaryAlone { .. }
            | Finding::UnknownKind { .. }
            | Finding::ManifestFileMissing { .. } => Severity::Warn,
            Finding::KindUndetected | Finding::ProvinceNotGiven { .. } => Severity::Note,
        }
    }

    /// The arguments of its message in `lang`: the fields the JSON report carries, by
    /// the same names, with kinds and provinces named in that language, dates as
    /// `2026-07-01`, `limit` as `limit_count` and `limit_unit`, absent values as empty
    /// text; plus `found` (`yes`/`no`) for [`Finding::AuxiliaryAlone`] and `kinds` (the
    /// identity kinds) for [`Finding::IdentityMissing`]. Deriving them from the report
    /// keeps what a message can say and what a script can read the same.
    pub fn args(&self, lang: Lang, rules: &Rules) -> Vec<(String, Arg)> {
        use serde_json::Value;
        let kind_name = |id: &str| {
            rules
                .kinds
                .iter()
                .find(|k| k.id.0 == id)
                .map_or(id.to_owned(), |k| lang.pick(&k.en, &k.zh).to_owned())
        };
        let province_name = |id: &str| {
            Province::parse(id).map_or(id.to_owned(), |p| lang.pick(p.en(), p.zh()).to_owned())
        };
        let Ok(Value::Object(fields)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, value) in fields {
            let arg = match (name.as_str(), value) {
                ("code", _) => continue,
                ("kind", Value::String(id)) => Arg::Text(kind_name(&id)),
                ("province", Value::String(id)) => Arg::Text(province_name(&id)),
                ("provinces", Value::Array(ids)) => {
                    let names: Vec<String> = ids
                        .iter()
                        .filter_map(Value::as_str)
                        .map(province_name)
                        .collect();
                    Arg::Text(lang.join(&names))
                }
                ("limit", Value::Object(limit)) => {
                    for (unit, count) in limit {
                        out.push(("limit_unit".to_owned(), Arg::Text(unit)));
                        out.push((
                            "limit_count".to_owned(),
                            Arg::Number(count.as_i64().unwrap_or(0)),
                        ));
                    }
                    continue;
                }
                (_, Value::Number(n)) => Arg::Number(n.as_i64().unwrap_or(0)),
                (_, Value::String(s)) => Arg::Text(s),
                _ => Arg::Text(String::new()),
            };
            out.push((name, arg));
        }
        match self {
            Finding::AuxiliaryAlone { partner, .. } => {
                let found = if partner.is_some() { "yes" } else { "no" };
                out.push(("found".to_owned(), Arg::Text(found.to_owned())));
            }
            Finding::IdentityMissing => {
                let names: Vec<String> = rules
                    .kinds
                    .iter()
                    .filter(|k| k.role == Role::Identity)
                    .map(|k| lang.pick(&k.en, &k.zh).to_owned())
                    .collect();
                out.push(("kinds".to_owned(), Arg::Text(lang.join(&names))));
            }
            _ => {}
        }
        out
    }
}

impl Lang {
    /// The English or the Chinese of a pair.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// A list as the language writes it: `a, b` or `a、b`.
    pub fn join(self, items: &[String]) -> String {
        items.join(self.pick(", ", "、"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
    use fluent_syntax::ast;
    use jiff::civil::date;

    use super::*;

    const EN: &str = include_str!("../words/en/rules.ftl");
    const ZH: &str = include_str!("../words/zh/rules.ftl");

    fn id(s: &str) -> KindId {
        KindId(s.into())
    }

    fn hebei() -> Applied {
        Applied {
            province: Province::parse("河北"),
            limit: Length::Months(6),
            rule: RuleSource::Province,
        }
    }

    /// One finding of every variant.
    fn samples() -> Vec<Finding> {
        let (d, f) = (date(2026, 7, 1), date(2026, 11, 30));
        let default = Applied {
            province: None,
            limit: Length::Days(45),
            rule: RuleSource::Default,
        };
        vec![
            Finding::IssuedOutsideWindow {
                kind: id("authorization"),
                applied: hebei(),
                issued: date(2026, 1, 5),
                filed_on: f,
                days_before: 329,
                earliest: date(2026, 5, 30),
                days_over: 145,
            },
            Finding::IssuedNearWindowLimit {
                kind: id("employment_proof"),
                applied: default,
                issued: d,
                filed_on: f,
                earliest: d,
                days_left: 1,
            },
            Finding::IssuedAfterFiling {
                kind: id("authorization"),
                issued: f,
                filed_on: d,
            },
            Finding::ValidityTooShort {
                kind: id("id_card"),
                applied: default,
                valid_until: d,
                filed_on: f,
                needed_until: f,
                days_short: 152,
            },
            Finding::ValidityNearWindowLimit {
                kind: id("business_licence"),
                applied: default,
                valid_until: f,
                filed_on: d,
                needed_until: f,
                days_left: 0,
            },
            Finding::DateMissing {
                kind: id("authorization"),
                applied: hebei(),
                field: DateField::Issued,
                row: 3,
            },
            Finding::ManifestUnlisted {
                kind: id("id_card"),
                applied: default,
                field: DateField::ValidUntil,
            },
            Finding::AuxiliaryAlone {
                kind: id("domain_certificate"),
                partner: Some("客户A/身份证.jpg".into()),
                output: Some("客户A/域名证书+身份证.jpg".into()),
                command: Some("scanfit stitch 客户A/身份证.jpg 客户A/域名证书.png -o 客户A/域名证书+身份证.jpg".into()),
            },
            Finding::UnknownKind {
                given: "合同".into(),
                row: 7,
            },
            Finding::KindUndetected,
            Finding::ProvinceNotGiven {
                kind: id("authorization"),
                provinces: vec![Province::parse("河北").unwrap()],
            },
            Finding::KindMissing {
                kind: id("domain_certificate"),
            },
            Finding::IdentityMissing,
            Finding::ManifestFileMissing {
                file: "客户A/授权书.jpg".into(),
                row: 4,
            },
        ]
    }

    #[test]
    fn every_variant_has_its_own_code_and_json_carries_it() {
        let samples = samples();
        let codes: Vec<&str> = samples.iter().map(Finding::code).collect();
        assert_eq!(codes, CODES);
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
    }

    /// The variables a pattern uses, through select expressions and nested placeables.
    fn variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        fn expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        variables(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => inline(i, out),
            }
        }
        fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                ast::InlineExpression::Placeable { expression: e } => expression(e, out),
                _ => {}
            }
        }
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression: e } = element {
                expression(e, out);
            }
        }
    }

    /// Each message's variables, by id.
    fn messages(ftl: &str) -> BTreeSet<(String, BTreeSet<String>)> {
        let resource = fluent_syntax::parser::parse(ftl).expect("the .ftl file parses");
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    variables(m.value.as_ref()?, &mut vars);
                    Some((m.id.name.to_owned(), vars))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_code_has_an_english_and_a_chinese_message_with_the_same_arguments() {
        let (en, zh) = (messages(EN), messages(ZH));
        assert_eq!(
            en, zh,
            "English and Chinese messages differ in ids or arguments"
        );
        let ids: BTreeSet<&str> = en.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            CODES.iter().copied().collect(),
            "messages and codes differ"
        );
        let rules = Rules::builtin();
        for f in samples() {
            let given: BTreeSet<String> = f
                .args(Lang::En, &rules)
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            let (_, used) = en.iter().find(|(id, _)| id == f.code()).unwrap();
            assert!(
                used.is_subset(&given),
                "{}: the message uses {used:?}, the finding gives {given:?}",
                f.code()
            );
        }
    }

    fn render(ftl: &'static str, lang: Lang, f: &Finding) -> String {
        let locale = match lang {
            Lang::En => "en",
            Lang::Zh => "zh",
        };
        let mut bundle = FluentBundle::new(vec![locale.parse().unwrap()]);
        bundle.set_use_isolating(false);
        bundle
            .add_resource(FluentResource::try_new(ftl.to_owned()).unwrap())
            .unwrap();
        let mut args = FluentArgs::new();
        for (name, value) in f.args(lang, &Rules::builtin()) {
            match value {
                Arg::Text(t) => args.set(name, FluentValue::from(t)),
                Arg::Number(n) => args.set(name, FluentValue::from(n)),
            }
        }
        let message = bundle.get_message(f.code()).unwrap();
        let mut errors = vec![];
        let text = bundle
            .format_pattern(message.value().unwrap(), Some(&args), &mut errors)
            .into_owned();
        assert!(errors.is_empty(), "{}: {errors:?}", f.code());
        text
    }

    #[test]
    fn messages_state_the_facts_in_both_languages() {
        let samples = samples();
        for f in &samples {
            for (ftl, lang) in [(EN, Lang::En), (ZH, Lang::Zh)] {
                let text = render(ftl, lang, f);
                assert!(!text.contains('{') && !text.contains("???"), "{text}");
            }
        }
        // The example: kind, date, days before filing, the province and its limit.
        let fail = &samples[0];
        let en = render(EN, Lang::En, fail);
        assert!(
            en.starts_with("The authorization letter was issued 2026-01-05, 329 days before filing on 2026-11-30; Hebei allows 6 months (145 days over)"),
            "{en}"
        );
        let zh = render(ZH, Lang::Zh, fail);
        assert!(
            zh.starts_with("授权书办理日为 2026-01-05，距提交日期 2026-11-30 已 329 天；河北要求在 6 个月内办理，已超出 145 天。"),
            "{zh}"
        );
        // Plurals and the default rule.
        let near = render(EN, Lang::En, &samples[1]);
        assert!(near.contains("a margin of only 1 day."), "{near}");
        assert!(near.contains("the guide allows 45 days"), "{near}");
        let aux = render(ZH, Lang::Zh, &samples[7]);
        assert!(
            aux.contains("拼图") && aux.contains("scanfit stitch"),
            "{aux}"
        );
        let identity = render(ZH, Lang::Zh, &samples[12]);
        assert!(
            identity.contains("身份证、户口簿、营业执照、组织机构代码证"),
            "{identity}"
        );
    }
}
