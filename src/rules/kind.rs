//! Which document a picture shows, from the words in its file or folder name.
//!
//! Agencies name files the way their staff type: `授权书.jpg`, `授权书(1).jpg`,
//! `授权书（1）.jpg` (a full-width bracket from a Chinese input method), `张三 身份证 正面.jpg`,
//! `sfz_front.JPG`, `ShouQuanShu.png`, `IMG_2041.jpg` inside a folder called `营业执照`.
//! The kinds and their names are data (the rules file); this module only matches them.
//!
//! Matching rules, each for a reason:
//! - Full-width letters, digits and brackets are read as their ASCII forms, and case is
//!   ignored, so copies and Windows-renamed files detect like the original.
//! - Chinese names match anywhere in the name, ignoring spaces, `_`, `-` and `.`
//!   (Chinese words have no spaces to anchor on, and a Chinese name is specific enough).
//! - Latin names (pinyin, English) match whole words only, and a word may be written
//!   joined, split or camel-cased (`id card`, `IDcard`, `id_card`): `id` must not be
//!   found in `video`.
//! - Kinds are tried in the rules' order and a match claims its part of the name, so a
//!   more specific kind listed first wins: `手持身份证` is a hand-held ID photo, and its
//!   `身份证` is only noted as also present. A name naming an auxiliary kind and an
//!   identity kind in separate words (`授权书+身份证`) is a combined picture (拼图).

use std::fmt;

use crate::rules::dates::Length;

/// A kind's stable id from the rules file (`authorization`, `id_card`), used in JSON and
/// in the rules' cross-references.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct KindId(pub String);

impl fmt::Display for KindId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What part a document plays in a filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Identifies the applicant or the person in charge (ID card, business licence...).
    Identity,
    /// Must be combined with an identity document into one picture when the form has no
    /// upload slot of its own for it (authorization letter, domain certificate...).
    Auxiliary,
    /// Neither (a hand-held ID photo has its own slot).
    Other,
}

/// One kind of document, as the rules file describes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Kind {
    /// Stable id.
    pub id: KindId,
    /// Chinese name, as the guide writes it (授权书).
    pub zh: String,
    /// English name (authorization letter).
    pub en: String,
    /// Its part in a filing.
    pub role: Role,
    /// Words that name it in file and folder names.
    pub names: Vec<String>,
    /// It must be issued no longer than this before the filing date.
    pub issued_within: Option<Length>,
    /// It must stay valid at least this long after the filing date.
    pub valid_for: Option<Length>,
}

impl Kind {
    /// How findings name it.
    pub fn name(&self) -> KindName {
        KindName {
            id: self.id.clone(),
            zh: self.zh.clone(),
            en: self.en.clone(),
        }
    }
}

/// A kind as a finding names it: the id reports keep (its JSON is the id alone), and
/// the names its sentences use. Findings carry the names because a rules file given
/// with `--rules` may bring kinds the catalogue cannot know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindName {
    /// Stable id.
    pub id: KindId,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

impl serde::Serialize for KindName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.id.serialize(s)
    }
}

/// The kinds a name names: the first in precedence, and any others found in the rest of
/// the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The kind that decides the rules applied.
    pub kind: KindId,
    /// Further kinds named in other words of the name (`身份证` in `授权书+身份证`).
    pub also: Vec<KindId>,
}

/// A name prepared for matching: its characters (full-width folded, lower-cased) and
/// its Latin words with their character ranges.
struct Prepared {
    chars: Vec<char>,
    /// Indices into `chars` of the characters that are not separators.
    compact: Vec<usize>,
    /// Latin words: letters only, with their `chars` range.
    words: Vec<(String, usize, usize)>,
}

/// Characters that separate words in file names but carry no meaning.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '_' | '-' | '.' | '·')
}

/// Full-width ASCII (Ｕ+FF01–FF5E, typed with a Chinese input method) as ASCII; the
/// ideographic space as a space; lower case.
pub(crate) fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

impl Prepared {
    fn new(name: &str) -> Prepared {
        let chars: Vec<char> = name.chars().map(fold).collect();
        let compact = (0..chars.len())
            .filter(|&i| !is_separator(chars[i]))
            .collect();
        let mut words = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_alphabetic() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                words.push((chars[start..i].iter().collect(), start, i));
            } else {
                i += 1;
            }
        }
        Prepared {
            chars,
            compact,
            words,
        }
    }

    /// Every range of `chars` that `keyword` matches.
    fn find(&self, keyword: &Keyword) -> Vec<(usize, usize)> {
        match keyword {
            Keyword::Chinese(k) => {
                let text: Vec<char> = self.compact.iter().map(|&i| self.chars[i]).collect();
                (0..text.len().saturating_sub(k.len() - 1))
                    .filter(|&s| text[s..s + k.len()] == k[..])
                    .map(|s| (self.compact[s], self.compact[s + k.len() - 1] + 1))
                    .collect()
            }
            Keyword::Latin(k) => self.find_words(k),
        }
    }

    /// Runs of consecutive Latin words, separated only by separators, whose letters
    /// joined are `k`.
    fn find_words(&self, k: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for first in 0..self.words.len() {
            let mut joined = String::new();
            for last in first..self.words.len() {
                if last > first {
                    let gap = &self.chars[self.words[last - 1].2..self.words[last].1];
                    if !gap.iter().all(|&c| !c.is_alphanumeric()) {
                        break;
                    }
                }
                joined.push_str(&self.words[last].0);
                if joined == k {
                    found.push((self.words[first].1, self.words[last].2));
                }
                if !k.starts_with(&joined) {
                    break;
                }
            }
        }
        found
    }
}

/// A name from the rules, prepared once.
#[derive(Debug, Clone, PartialEq)]
enum Keyword {
    /// Has a non-ASCII character: matched anywhere, separators ignored.
    Chinese(Vec<char>),
    /// ASCII only: matched as whole words, by its letters joined.
    Latin(String),
}

impl Keyword {
    /// `None` when nothing matchable is left (a name of only spaces or digits).
    fn new(name: &str) -> Option<Keyword> {
        let folded: Vec<char> = name.chars().map(fold).collect();
        let keyword = if folded.iter().all(char::is_ascii) {
            let letters: String = folded.iter().filter(|c| c.is_ascii_alphabetic()).collect();
            (!letters.is_empty()).then_some(Keyword::Latin(letters))
        } else {
            let k: Vec<char> = folded.into_iter().filter(|&c| !is_separator(c)).collect();
            (!k.is_empty()).then_some(Keyword::Chinese(k))
        };
        keyword
    }

    fn len(&self) -> usize {
        match self {
            Keyword::Chinese(k) => k.len(),
            Keyword::Latin(k) => k.len(),
        }
    }
}

/// The rules' kinds prepared for matching names.
#[derive(Debug, Clone, PartialEq)]
pub struct Detector {
    /// Per kind (in precedence order): its id and its keywords, longest first so a
    /// longer name claims its whole span.
    kinds: Vec<(KindId, Vec<Keyword>)>,
}

/// Why a kind's names cannot be used (its words are in the catalogue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NameError {
    /// The kind.
    pub kind: String,
    /// The empty name.
    pub name: String,
}

impl Detector {
    /// Prepares the kinds' names, refusing a name with nothing to match.
    pub fn new(kinds: &[Kind]) -> Result<Detector, NameError> {
        let kinds = kinds
            .iter()
            .map(|kind| {
                let mut keywords = kind
                    .names
                    .iter()
                    .map(|name| {
                        Keyword::new(name).ok_or_else(|| NameError {
                            kind: kind.id.0.clone(),
                            name: name.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                keywords.sort_by_key(|k| std::cmp::Reverse(k.len()));
                Ok((kind.id.clone(), keywords))
            })
            .collect::<Result<_, _>>()?;
        Ok(Detector { kinds })
    }

    /// The kinds a name (a file stem, a folder name, a manifest's kind cell) names.
    pub fn detect(&self, name: &str) -> Option<Detection> {
        let prepared = Prepared::new(name);
        let mut claimed: Vec<(usize, usize)> = Vec::new();
        let mut found = Vec::new();
        for (id, keywords) in &self.kinds {
            let mut hit = false;
            for keyword in keywords {
                for span in prepared.find(keyword) {
                    if !claimed.iter().any(|c| span.0 < c.1 && c.0 < span.1) {
                        claimed.push(span);
                        hit = true;
                    }
                }
            }
            if hit {
                found.push(id.clone());
            }
        }
        let mut found = found.into_iter();
        let kind = found.next()?;
        Some(Detection {
            kind,
            also: found.collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    fn detect(name: &str) -> Option<(String, Vec<String>)> {
        Rules::builtin().detector().detect(name).map(|d| {
            (
                d.kind.0,
                d.also.into_iter().map(|k| k.0).collect::<Vec<_>>(),
            )
        })
    }

    fn kind(name: &str) -> Option<String> {
        detect(name).map(|d| d.0)
    }

    #[test]
    fn real_looking_names_detect_their_kind() {
        let table = [
            ("授权书", "authorization"),
            ("授权书(1)", "authorization"),
            ("授权书（1）", "authorization"),
            ("授权书 - 副本", "authorization"),
            ("网站负责人授权书 2026", "authorization"),
            ("委托书_张三", "authorization"),
            ("授 权 书", "authorization"),
            ("ShouQuanShu", "authorization"),
            ("shou_quan_shu", "authorization"),
            ("Authorization Letter (signed)", "authorization"),
            ("ＡＵＴＨＯＲＩＺＡＴＩＯＮ", "authorization"),
            ("营业执照", "business_licence"),
            ("营业执照副本 扫描", "business_licence"),
            ("yyzz", "business_licence"),
            ("Business License 2026", "business_licence"),
            ("张三 身份证 正面", "id_card"),
            ("身份证反面", "id_card"),
            ("sfz_front", "id_card"),
            ("ID_front", "id_card"),
            ("IDcard-back", "id_card"),
            ("ShenFenZheng", "id_card"),
            ("户口本首页", "household_register"),
            ("户口簿", "household_register"),
            ("hukou", "household_register"),
            ("域名证书", "domain_certificate"),
            ("example.com域名证书", "domain_certificate"),
            ("domain_certificate", "domain_certificate"),
            ("域名注册人证明", "registrant_proof"),
            ("在职证明", "employment_proof"),
            ("工作证明-李四", "employment_proof"),
            ("Employment proof", "employment_proof"),
            ("经营性说明书", "business_nature_statement"),
            ("变更证明", "change_proof"),
            ("营业执照变更证明", "change_proof"),
            ("编办证明", "establishment_approval"),
            ("手持身份证", "hand_held"),
            ("手持证件照片", "hand_held"),
            ("hand-held ID", "hand_held"),
            ("组织机构代码证", "organisation_code"),
            // Whole file names, as copies and cameras leave them.
            ("授权书(1).jpg", "authorization"),
            ("授权书（1）.JPG", "authorization"),
            ("sfz_front.JPG", "id_card"),
            ("营业执照 扫描件 2026.06.png", "business_licence"),
        ];
        for (name, want) in table {
            assert_eq!(kind(name).as_deref(), Some(want), "{name}");
        }
    }

    #[test]
    fn names_that_name_nothing_detect_nothing() {
        for name in [
            "IMG_20260701_123456",
            "video",
            "grid",
            "idea",
            "scan0001",
            "DSC01234",
            "合同",
            "",
            "客户A",
        ] {
            assert_eq!(kind(name), None, "{name}");
        }
    }

    #[test]
    fn a_name_with_two_kinds_is_a_combined_picture_led_by_the_more_specific() {
        assert_eq!(
            detect("授权书+身份证"),
            Some(("authorization".into(), vec!["id_card".into()]))
        );
        assert_eq!(
            detect("身份证 授权书 拼图"),
            Some(("authorization".into(), vec!["id_card".into()]))
        );
        assert_eq!(
            detect("authorization+sfz"),
            Some(("authorization".into(), vec!["id_card".into()]))
        );
        // The hand-held photo shows the ID card, but it is a photo of its own kind.
        assert_eq!(
            detect("手持身份证"),
            Some(("hand_held".into(), vec!["id_card".into()]))
        );
        // 营业执照 is inside the proof of change's own name: not a second document.
        assert_eq!(
            detect("营业执照变更证明"),
            Some(("change_proof".into(), vec![]))
        );
        // One kind written twice is still one kind.
        assert_eq!(
            detect("授权书 委托书"),
            Some(("authorization".into(), vec![]))
        );
    }

    #[test]
    fn a_name_without_letters_cannot_be_a_keyword() {
        let kind = Kind {
            id: KindId("x".into()),
            zh: "x".into(),
            en: "x".into(),
            role: Role::Other,
            names: vec!["  ".into()],
            issued_within: None,
            valid_for: None,
        };
        let err = Detector::new(&[kind]).unwrap_err();
        assert_eq!(err.kind, "x");
    }
}
