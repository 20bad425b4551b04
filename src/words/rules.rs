//! The words of the document rules (`rules.ftl`): what the rules find about a document or
//! a client folder, and what is wrong with a rules file, a manifest or a sheet.
//!
//! Kinds and provinces are named by the rules themselves (a rules file given with
//! `--rules` may bring kinds no catalogue knows), in Chinese for Chinese and in English
//! for every other language.

use super::{display_in_english, io_text, line, Args, Lang, Message, Words};
use crate::rules::dates::{DateError, LengthError};
use crate::rules::finding::{Applied, Compared, RuleSource};
use crate::rules::kind::{KindName, NameError};
use crate::rules::manifest::{CellError, ManifestError};
use crate::rules::province::ProvinceError;
use crate::rules::requirements::Because;
use crate::rules::{Finding, Length, Province, RulesError, RulesWhy};
use crate::sheet::{CsvError, SheetError};

display_in_english!(
    Finding,
    Length,
    RulesError,
    RulesWhy,
    NameError,
    ManifestError,
    CellError,
    DateError,
    LengthError,
    ProvinceError,
    SheetError,
    CsvError,
);

/// The guide's Chinese name for Chinese, the English name for every other language.
fn pick<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    if lang.tag().starts_with("zh") {
        zh
    } else {
        en
    }
}

/// A kind's name in `lang`.
pub fn kind_name(kind: &KindName, lang: Lang) -> &str {
    pick(lang, &kind.en, &kind.zh)
}

/// A province's name in `lang`.
pub fn province_name(province: Province, lang: Lang) -> &'static str {
    pick(lang, province.en(), province.zh())
}

/// Items joined as the language lists them.
fn list(items: impl IntoIterator<Item = String>, lang: Lang) -> String {
    let items: Vec<String> = items.into_iter().collect();
    items.join(&line(lang, "list-separator", Args::new()))
}

/// A count of days, for the catalogue (days between two valid dates are far from
/// `u64`'s limits, and never negative where the findings use them).
fn days(n: i64) -> u64 {
    n.unsigned_abs()
}

impl Words {
    /// Adds a kind, named in `lang`.
    fn kind(self, name: &'static str, kind: &KindName, lang: Lang) -> Words {
        self.text(name, kind_name(kind, lang))
    }

    /// Adds the window a finding applied: which rule set it (`rule`), the province
    /// (`province`) and its length (`limit`).
    fn window(self, applied: &Applied, lang: Lang) -> Words {
        let rule = match applied.rule {
            RuleSource::Province => "province",
            RuleSource::Default => "default",
        };
        self.text("rule", rule)
            .opt("province", applied.province.map(|p| province_name(p, lang)))
            .msg("limit", &applied.limit, lang)
    }
}

impl Message for Finding {
    fn code(&self) -> &'static str {
        use Finding::*;
        match self {
            IssuedOutsideWindow { .. } => "issued_outside_window",
            IssuedNearWindowLimit { .. } => "issued_near_window_limit",
            IssuedAfterFiling { .. } => "issued_after_filing",
            ValidityTooShort { .. } => "validity_too_short",
            ValidityNearWindowLimit { .. } => "validity_near_window_limit",
            DateMissing { .. } => "date_missing",
            ManifestUnlisted { .. } => "manifest_unlisted",
            AuxiliaryAlone { .. } => "auxiliary_alone",
            UnknownKind { .. } => "unknown_kind",
            KindUndetected => "kind_undetected",
            ProvinceNotGiven { .. } => "province_not_given",
            KindMissing { .. } => "kind_missing",
            IdentityMissing { .. } => "identity_missing",
            RequirementMissing { .. } => "requirement_missing",
            ManifestFileMissing { .. } => "manifest_file_missing",
            DateRead { .. } => "date_read",
            DateReadUncertain { .. } => "date_read_uncertain",
            PersonMismatch { .. } => "person_mismatch",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        use Finding::*;
        let w = Words::new("rule", self.code());
        match self {
            IssuedOutsideWindow {
                kind,
                applied,
                issued,
                filed_on,
                days_before,
                earliest,
                days_over,
            } => w
                .kind("kind", kind, lang)
                .window(applied, lang)
                .text("issued", issued)
                .text("filed_on", filed_on)
                .num("days_before", days(*days_before))
                .text("earliest", earliest)
                .num("days_over", days(*days_over)),
            IssuedNearWindowLimit {
                kind,
                applied,
                issued,
                filed_on,
                earliest,
                days_left,
            } => w
                .kind("kind", kind, lang)
                .window(applied, lang)
                .text("issued", issued)
                .text("filed_on", filed_on)
                .text("earliest", earliest)
                .num("days_left", days(*days_left)),
            IssuedAfterFiling {
                kind,
                issued,
                filed_on,
            } => w
                .kind("kind", kind, lang)
                .text("issued", issued)
                .text("filed_on", filed_on),
            ValidityTooShort {
                kind,
                applied,
                valid_until,
                filed_on,
                needed_until,
                days_short,
            } => w
                .kind("kind", kind, lang)
                .window(applied, lang)
                .text("valid_until", valid_until)
                .text("filed_on", filed_on)
                .text("needed_until", needed_until)
                .num("days_short", days(*days_short)),
            ValidityNearWindowLimit {
                kind,
                applied,
                valid_until,
                filed_on,
                needed_until,
                days_left,
            } => w
                .kind("kind", kind, lang)
                .window(applied, lang)
                .text("valid_until", valid_until)
                .text("filed_on", filed_on)
                .text("needed_until", needed_until)
                .num("days_left", days(*days_left)),
            DateMissing {
                kind,
                applied,
                field,
                row,
            } => w
                .kind("kind", kind, lang)
                .window(applied, lang)
                .text("field", field.column())
                .num("row", *row as u64),
            ManifestUnlisted { kind, field, .. } => {
                w.kind("kind", kind, lang).text("field", field.column())
            }
            AuxiliaryAlone {
                kind,
                partner,
                command,
                ..
            } => w
                .kind("kind", kind, lang)
                .text("found", if partner.is_some() { "yes" } else { "no" })
                .opt("partner", partner.as_ref().map(|p| p.display()))
                .opt("command", command.as_deref()),
            UnknownKind { given, row } => w.text("given", given).num("row", *row as u64),
            KindUndetected => w,
            ProvinceNotGiven { kind, provinces } => w.kind("kind", kind, lang).text(
                "provinces",
                list(
                    provinces.iter().map(|p| province_name(*p, lang).to_owned()),
                    lang,
                ),
            ),
            KindMissing { kind } => w.kind("kind", kind, lang),
            IdentityMissing { kinds } => w.text(
                "kinds",
                list(kinds.iter().map(|k| kind_name(k, lang).to_owned()), lang),
            ),
            ManifestFileMissing { file, row } => w.path("file", file).num("row", *row as u64),
            DateRead {
                kind,
                field,
                read,
                percent,
            }
            | DateReadUncertain {
                kind,
                field,
                read,
                percent,
                ..
            } => w
                .kind("kind", kind, lang)
                .text("field", field.column())
                .text("read", read)
                .num("percent", u64::from(*percent)),
            PersonMismatch {
                what,
                letter,
                card,
                card_file,
                same_picture,
            } => w
                .text(
                    "what",
                    match what {
                        Compared::Person => "person",
                        Compared::IdNumber => "id_number",
                    },
                )
                .text("letter", letter)
                .text("card", card)
                .path("card_file", card_file)
                .text("where", if *same_picture { "picture" } else { "folder" }),
            RequirementMissing {
                kinds,
                applicant,
                province,
                because,
                ..
            } => {
                let or = line(lang, "list-or", Args::new());
                let kinds: Vec<&str> = kinds.iter().map(|k| kind_name(k, lang)).collect();
                let w = w
                    .text("kinds", kinds.join(&or))
                    .opt(
                        "applicant",
                        applicant
                            .as_ref()
                            .map(|a| pick(lang, &a.en, &a.zh).to_owned()),
                    )
                    .opt("province", province.map(|p| province_name(p, lang)));
                // Every reason's arguments, empty where another reason applies.
                let (code, id, others, word, former) = match because {
                    Because::Always => ("always", "", String::new(), "", ""),
                    Because::SharedId { id, others } => (
                        "shared_id",
                        id.as_str(),
                        list(others.iter().map(|o| o.display().to_string()), lang),
                        "",
                        "",
                    ),
                    Because::BusinessWords { word } => {
                        ("business_words", "", String::new(), word.as_str(), "")
                    }
                    Because::NotLegalRep => ("not_legal_rep", "", String::new(), "", ""),
                    Because::NameChanged { former } => {
                        ("name_changed", "", String::new(), "", former.as_str())
                    }
                };
                w.text("because", code)
                    .text("id", id)
                    .text("others", others)
                    .text("word", word)
                    .text("former", former)
            }
        }
    }
}

impl Message for Length {
    fn code(&self) -> &'static str {
        self.unit()
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("length", self.code()).num("count", self.count())
    }
}

impl Message for RulesError {
    fn code(&self) -> &'static str {
        match self {
            RulesError::Read { .. } => "read",
            RulesError::Invalid { .. } => "invalid",
            RulesError::UnknownPortal { .. } => "unknown_portal",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("rules", self.code());
        match self {
            RulesError::Read { path, source } => {
                w.path("path", path).text("detail", io_text(source, lang))
            }
            RulesError::Invalid {
                path,
                line,
                text,
                why,
            } => w
                .path("path", path)
                .num("line", *line as u64)
                .opt("text", (!text.is_empty()).then_some(text))
                .msg("why", why, lang),
            RulesError::UnknownPortal { given, known } => w
                .text("given", given)
                .text("known", list(known.iter().cloned(), lang)),
        }
    }
}

impl Message for RulesWhy {
    fn code(&self) -> &'static str {
        use RulesWhy::*;
        match self {
            Syntax(_) => "syntax",
            BadId(_) => "bad_id",
            KindTwice(_) => "kind_twice",
            NoNames(_) => "no_names",
            Name(e) => e.code(),
            NoKinds => "no_kinds",
            UnknownKind(_) => "unknown_kind",
            ExceptionWithoutWindow => "exception_without_window",
            ExceptionTwice { .. } => "exception_twice",
            UnknownFormat(_) => "unknown_format",
            Upload => "upload",
            OutOfRange => "out_of_range",
            UnknownApplicant(_) => "unknown_applicant",
            BadApplicant(_) => "bad_applicant",
            EmptyRequirement => "empty_requirement",
            BadPortal(_) => "bad_portal",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        use RulesWhy::*;
        let w = Words::new("rules", self.code());
        match self {
            Syntax(detail) => w.text("detail", detail),
            BadId(id) | KindTwice(id) | NoNames(id) | UnknownKind(id) => w.text("id", id),
            Name(e) => e.words(lang),
            ExceptionTwice { province, kind } => w
                .text("province", province_name(*province, lang))
                .text("kind", kind),
            UnknownFormat(format) => w.text("format", format),
            UnknownApplicant(id) | BadApplicant(id) | BadPortal(id) => w.text("id", id),
            NoKinds | ExceptionWithoutWindow | Upload | OutOfRange | EmptyRequirement => w,
        }
    }
}

impl Message for NameError {
    fn code(&self) -> &'static str {
        "name_empty"
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("rules", self.code())
            .text("kind", &self.kind)
            .text("name", &self.name)
    }
}

impl Message for ManifestError {
    fn code(&self) -> &'static str {
        match self {
            ManifestError::Sheet(e) => e.code(),
            ManifestError::NoHeader { .. } => "no_header",
            ManifestError::Cell { .. } => "cell",
            ManifestError::Duplicate { .. } => "duplicate",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("manifest", self.code());
        match self {
            ManifestError::Sheet(e) => e.words(lang),
            ManifestError::NoHeader { path } => w.path("path", path),
            ManifestError::Cell {
                path,
                row,
                letter,
                column,
                why,
            } => w
                .path("path", path)
                .num("row", *row as u64)
                .text("letter", letter)
                .text("column", column)
                .msg("why", why, lang),
            ManifestError::Duplicate {
                path,
                row,
                first,
                file,
            } => w
                .path("path", path)
                .num("row", *row as u64)
                .num("first", *first as u64)
                .path("file", file),
        }
    }
}

impl Message for CellError {
    fn code(&self) -> &'static str {
        match self {
            CellError::Date(e) => e.code(),
            CellError::Province(e) => e.code(),
            CellError::UnknownNeed(_) => "unknown_need",
            CellError::UnknownApplicant(_) => "unknown_applicant",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            CellError::Date(e) => e.words(lang),
            CellError::Province(e) => e.words(lang),
            CellError::UnknownNeed(word) | CellError::UnknownApplicant(word) => {
                Words::new("manifest", self.code()).text("word", word)
            }
        }
    }
}

impl Message for DateError {
    fn code(&self) -> &'static str {
        match self {
            DateError::NotADate(_) => "not_a_date",
            DateError::NotAnExpiry(_) => "not_an_expiry",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let (DateError::NotADate(text) | DateError::NotAnExpiry(text)) = self;
        Words::new("date", self.code()).text("text", text)
    }
}

impl Message for LengthError {
    fn code(&self) -> &'static str {
        "not_a_length"
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("date", self.code()).text("text", &self.0)
    }
}

impl Message for ProvinceError {
    fn code(&self) -> &'static str {
        "unknown"
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("province", self.code()).text("text", &self.0)
    }
}

impl Message for SheetError {
    fn code(&self) -> &'static str {
        match self {
            SheetError::Read { .. } => "read",
            SheetError::NotText { .. } => "not_text",
            SheetError::Csv { why, .. } => why.code(),
        }
    }

    fn words(&self, lang: Lang) -> Words {
        match self {
            SheetError::Read { path, source } => Words::new("sheet", "read")
                .path("path", path)
                .text("detail", io_text(source, lang)),
            SheetError::NotText { path } => Words::new("sheet", "not_text").path("path", path),
            SheetError::Csv { path, line, why } => Words::new("sheet", "csv")
                .path("path", path)
                .num("line", *line as u64)
                .msg("why", why, lang),
        }
    }
}

impl Message for CsvError {
    fn code(&self) -> &'static str {
        match self {
            CsvError::UnclosedQuote => "unclosed_quote",
            CsvError::Unreadable => "unreadable_row",
        }
    }

    fn words(&self, _: Lang) -> Words {
        Words::new("sheet", self.code())
    }
}
