//! What a filing needs, by applicant type (主体类型) and province: the guide's document
//! requirements as data.
//!
//! The rules file lists the applicant types the portal offers (`[[applicant]]`) and the
//! requirements (`[[requirement]]`): which kinds a filing needs (any one of them), for
//! which applicant types and provinces, and under which condition the guide states
//! (always; the same person's ID number in several filings; 经营性 words in the
//! applicant's name or business scope; a person in charge who is not the legal
//! representative; a changed name). Each carries the guide's text as its source and a
//! severity: what the reviewer may ask for later only warns.
//!
//! The facts the conditions read (applicant type, names, the people's ID numbers) come
//! from the manifest: no picture tells them.

use std::path::PathBuf;

use crate::rules::finding::Severity;
use crate::rules::kind::{fold, KindId};
use crate::rules::province::Province;

/// An applicant type (主体类型, 主办单位性质) the portal lists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Stable id (`enterprise`).
    pub id: String,
    /// The portal's Chinese name (企业).
    pub zh: String,
    /// English name.
    pub en: String,
    /// Other words a manifest cell may use (公司, company); the id, `zh` and `en` match
    /// too. Compared whole, ignoring case and spaces.
    #[serde(default)]
    pub names: Vec<String>,
}

impl Applicant {
    /// Whether a manifest cell names this applicant type.
    pub fn is_named(&self, cell: &str) -> bool {
        let key = name_key(cell);
        !key.is_empty()
            && [&self.id, &self.zh, &self.en]
                .into_iter()
                .chain(&self.names)
                .any(|n| name_key(n) == key)
    }

    /// Its names, as findings carry them.
    pub fn name(&self) -> ApplicantName {
        ApplicantName {
            id: self.id.clone(),
            zh: self.zh.clone(),
            en: self.en.clone(),
        }
    }
}

/// A name compared: folded (full-width to ASCII, lower case), without spaces, `_`, `-`.
fn name_key(text: &str) -> String {
    text.chars()
        .map(fold)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .collect()
}

/// An applicant type as a finding names it; serialised as its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantName {
    /// Stable id.
    pub id: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

impl serde::Serialize for ApplicantName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.id.serialize(s)
    }
}

/// When a requirement applies, as the guide states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Always (for its applicant types and provinces).
    Always,
    /// The person in charge's or the website manager's ID number also appears in another
    /// client folder's filing.
    SharedId,
    /// The applicant's name or business scope contains one of the requirement's words.
    BusinessWords,
    /// The person in charge or the website manager is not the legal representative.
    NotLegalRep,
    /// The applicant changed its name.
    NameChanged,
}

/// One of the guide's document requirements.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Requirement {
    /// The kinds that meet it (any one of them).
    pub needs: Vec<KindId>,
    /// The applicant types it concerns; empty: every type, also an unknown one.
    pub applicants: Vec<String>,
    /// The provinces it concerns; `None`: every province, also an unknown one.
    pub provinces: Option<Vec<Province>>,
    /// When it applies.
    pub when: Condition,
    /// The words [`Condition::BusinessWords`] looks for.
    pub words: Vec<String>,
    /// How much a missing document weighs: the guide's documents the reviewer asks for
    /// later (by email) warn, the others fail.
    pub severity: Severity,
    /// The guide's text the requirement encodes.
    pub source: String,
}

/// What the manifest says about one client: its applicant type, its names and the ID
/// numbers of its people. Every field is optional; a condition needing a missing one
/// does not apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ClientFacts {
    /// The applicant type's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant: Option<String>,
    /// The applicant's name (主办单位名称).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its business scope (经营范围).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Its former name, after a change of name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub former_name: Option<String>,
    /// The ID number of the person in charge (主体负责人).
    #[serde(skip)]
    pub owner_id: Option<String>,
    /// The ID number of the website manager (网站负责人).
    #[serde(skip)]
    pub manager_id: Option<String>,
    /// The ID number of the legal representative (法定代表人).
    #[serde(skip)]
    pub legal_rep_id: Option<String>,
}

impl ClientFacts {
    /// Fills the fields this one lacks from `other` (a client's rows say different
    /// things; the first row that says one wins).
    pub fn merge(&mut self, other: &ClientFacts) {
        fn fill(mine: &mut Option<String>, theirs: &Option<String>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        fill(&mut self.applicant, &other.applicant);
        fill(&mut self.name, &other.name);
        fill(&mut self.scope, &other.scope);
        fill(&mut self.former_name, &other.former_name);
        fill(&mut self.owner_id, &other.owner_id);
        fill(&mut self.manager_id, &other.manager_id);
        fill(&mut self.legal_rep_id, &other.legal_rep_id);
    }

    /// The ID numbers of the people in charge, normalised (upper case, no spaces).
    pub fn person_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = [&self.owner_id, &self.manager_id]
            .into_iter()
            .flatten()
            .map(|id| id_key(id))
            .filter(|id| !id.is_empty())
            .collect();
        ids.dedup();
        ids
    }
}

/// An ID number made comparable: no spaces, upper case (the final X of an ID card).
pub fn id_key(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| fold(c).to_ascii_uppercase())
        .collect()
}

/// An ID number as reports show it: its last four characters only, since reports
/// travel further than the manifest.
pub fn masked(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

/// Why a requirement applies to a client.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "because", rename_all = "snake_case")]
pub enum Because {
    /// It always does.
    Always,
    /// An ID number (masked) of its people also appears in these other client folders.
    SharedId {
        /// The ID number, masked.
        id: String,
        /// The other client folders.
        others: Vec<PathBuf>,
    },
    /// Its name or business scope contains this word.
    BusinessWords {
        /// The word found.
        word: String,
    },
    /// A person in charge is not the legal representative.
    NotLegalRep,
    /// It changed its name.
    NameChanged {
        /// The former name.
        former: String,
    },
}

impl Requirement {
    /// Why it applies to a client with `facts` filing in `province`, if it does;
    /// `sharing`: for each of the client's people's ID numbers, the other client
    /// folders where it appears.
    pub fn applies(
        &self,
        facts: &ClientFacts,
        province: Option<Province>,
        sharing: &[(String, Vec<PathBuf>)],
    ) -> Option<Because> {
        if !self.applicants.is_empty()
            && !facts
                .applicant
                .as_ref()
                .is_some_and(|a| self.applicants.contains(a))
        {
            return None;
        }
        if let Some(provinces) = &self.provinces {
            if !province.is_some_and(|p| provinces.contains(&p)) {
                return None;
            }
        }
        match self.when {
            Condition::Always => Some(Because::Always),
            Condition::SharedId => {
                sharing
                    .iter()
                    .find(|(_, others)| !others.is_empty())
                    .map(|(id, others)| Because::SharedId {
                        id: masked(id),
                        others: others.clone(),
                    })
            }
            Condition::BusinessWords => {
                let texts = [&facts.name, &facts.scope];
                self.words
                    .iter()
                    .find(|w| {
                        texts
                            .iter()
                            .any(|t| t.as_deref().is_some_and(|t| t.contains(*w)))
                    })
                    .map(|w| Because::BusinessWords { word: w.clone() })
            }
            Condition::NotLegalRep => {
                let differs = |a: &Option<String>, b: &Option<String>| match (a, b) {
                    (Some(a), Some(b)) => id_key(a) != id_key(b),
                    _ => false,
                };
                let not_rep = match &facts.legal_rep_id {
                    Some(_) => {
                        differs(&facts.owner_id, &facts.legal_rep_id)
                            || differs(&facts.manager_id, &facts.legal_rep_id)
                    }
                    // Without the legal representative's number, the person in charge
                    // (the legal representative for most companies) stands in.
                    None => differs(&facts.manager_id, &facts.owner_id),
                };
                not_rep.then_some(Because::NotLegalRep)
            }
            Condition::NameChanged => facts
                .former_name
                .as_ref()
                .filter(|f| !f.trim().is_empty())
                .map(|f| Because::NameChanged { former: f.clone() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(when: Condition) -> Requirement {
        Requirement {
            needs: vec![KindId("authorization".into())],
            applicants: vec!["enterprise".into()],
            provinces: Some(vec![Province::parse("四川").unwrap()]),
            when,
            words: vec!["电子商务".into()],
            severity: Severity::Fail,
            source: String::new(),
        }
    }

    fn facts() -> ClientFacts {
        ClientFacts {
            applicant: Some("enterprise".into()),
            ..ClientFacts::default()
        }
    }

    #[test]
    fn a_requirement_applies_to_its_applicants_and_provinces_under_its_condition() {
        let sichuan = Province::parse("sichuan");
        let always = requirement(Condition::Always);
        assert_eq!(
            always.applies(&facts(), sichuan, &[]),
            Some(Because::Always)
        );
        assert_eq!(always.applies(&facts(), Province::parse("云南"), &[]), None);
        assert_eq!(always.applies(&facts(), None, &[]), None);
        assert_eq!(always.applies(&ClientFacts::default(), sichuan, &[]), None);

        let words = requirement(Condition::BusinessWords);
        let mut f = facts();
        assert_eq!(words.applies(&f, sichuan, &[]), None);
        f.scope = Some("技术开发；电子商务平台运营".into());
        assert_eq!(
            words.applies(&f, sichuan, &[]),
            Some(Because::BusinessWords {
                word: "电子商务".into()
            })
        );

        let rep = requirement(Condition::NotLegalRep);
        let mut f = facts();
        f.owner_id = Some("51010019800101123X".into());
        f.manager_id = Some("51010019800101123x".into());
        assert_eq!(
            rep.applies(&f, sichuan, &[]),
            None,
            "same person, other case"
        );
        f.manager_id = Some("510100199001011234".into());
        assert_eq!(rep.applies(&f, sichuan, &[]), Some(Because::NotLegalRep));

        let shared = requirement(Condition::SharedId);
        let others = vec![("510100199001011234".into(), vec![PathBuf::from("乙公司")])];
        assert_eq!(
            shared.applies(&facts(), sichuan, &others),
            Some(Because::SharedId {
                id: "…1234".into(),
                others: vec![PathBuf::from("乙公司")]
            })
        );
        assert_eq!(shared.applies(&facts(), sichuan, &[]), None);
    }
}
