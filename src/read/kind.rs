//! A document's kind from what it says.
//!
//! A letter names itself in its title (授权书, 委托书, 证明); certificates carry fixed
//! printed words (公民身份号码 on the front of an ID card, 签发机关 on its back, 统一社会
//! 信用代码 on a business licence). The title is tried first: a letter's body may quote
//! a licence's credit code or an ID number, and it is still a letter.

use super::text::{find, min_conf, Ch, Page};
use super::Read;
use crate::rules::{Kind, KindId};

/// Which side of an ID card a picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The side with the photo, name and number (人像面).
    Front,
    /// The side with the emblem, issuing office and validity (国徽面).
    Back,
}

/// Printed words that identify a certificate: (word, kind id, side).
const MARKS: [(&str, &str, Option<Side>); 9] = [
    ("公民身份号码", "id_card", Some(Side::Front)),
    ("签发机关", "id_card", Some(Side::Back)),
    ("居民身份证", "id_card", None),
    ("统一社会信用代码", "business_licence", None),
    ("营业执照", "business_licence", None),
    ("法定代表人", "business_licence", None),
    ("经营范围", "business_licence", None),
    ("注册资本", "business_licence", None),
    ("户口簿", "household_register", None),
];

/// Words a letter's title uses for an authorization.
const LETTER_TITLES: [&str; 3] = ["授权书", "委托书", "授权委托书"];

/// How many of the top lines count as the title, besides the tallest.
const TITLE_LINES: usize = 3;

/// The title: the top lines, and any line at least 1.3 times as tall as the median.
fn title(page: &Page) -> Vec<Ch> {
    let mut heights: Vec<f32> = page.places.iter().map(|p| p.height).collect();
    heights.sort_by(f32::total_cmp);
    let median = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    (0..page.lines.len())
        .filter(|&i| i < TITLE_LINES || page.places[i].height >= 1.3 * median)
        .flat_map(|i| page.lines[i].iter().copied())
        .collect()
}

/// The sure-most occurrence of `word` in `chars`: its characters' confidence.
fn best(chars: &[Ch], word: &str) -> Option<f32> {
    let n = word.chars().count();
    find(chars, word)
        .into_iter()
        .map(|at| min_conf(&chars[at..at + n]))
        .reduce(f32::max)
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The kind `page` shows, with the side for an ID card. Only kinds in `kinds` (the
/// rules in force) are named.
pub(crate) fn detect(page: &Page, kinds: &[Kind]) -> (Option<Read<KindId>>, Option<Side>) {
    let known = |id: &str| kinds.iter().any(|k| k.id.0 == id);
    let read = |id: &str, confidence| {
        Some(Read {
            value: KindId(id.to_owned()),
            confidence,
        })
    };
    let head = title(page);
    if known("authorization") {
        if let Some(c) = LETTER_TITLES
            .iter()
            .filter_map(|w| best(&head, w))
            .reduce(f32::max)
        {
            return (read("authorization", c), None);
        }
    }
    // The certificate whose printed words are read most surely.
    let mut found: Option<(&str, f32, Option<Side>)> = None;
    for (word, id, side) in MARKS {
        let Some(c) = best(&page.chars, word) else {
            continue;
        };
        if !known(id) {
            continue;
        }
        match &mut found {
            Some((fid, fc, fside)) if *fid == id => {
                *fc = fc.max(c);
                *fside = fside.or(side);
            }
            Some((_, fc, _)) if *fc >= c => {}
            _ => found = Some((id, c, side)),
        }
    }
    if let Some((id, c, side)) = found {
        return (read(id, c), side);
    }
    // Any other kind the rules know, by a Chinese name in the title.
    for kind in kinds {
        let names = std::iter::once(&kind.zh).chain(&kind.names);
        if let Some(c) = names
            .filter(|n| has_cjk(n) && n.chars().count() >= 2)
            .filter_map(|n| best(&head, n))
            .reduce(f32::max)
        {
            return (read(&kind.id.0, c), None);
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::lines;
    use super::*;
    use crate::rules::Rules;

    fn kind_of(texts: &[&str]) -> (Option<String>, Option<Side>) {
        let rules = Rules::builtin();
        let (k, side) = detect(&Page::new(&lines(texts)), &rules.kinds);
        (k.map(|k| k.value.0), side)
    }

    #[test]
    fn certificates_are_known_by_their_printed_words() {
        let front = [
            "姓名 张三",
            "性别 男 民族 汉",
            "出生 1990年3月7日",
            "住址 北京市海淀区中关村大街1号",
            "公民身份号码 11010519900307123X",
        ];
        assert_eq!(kind_of(&front), (Some("id_card".into()), Some(Side::Front)));
        let back = [
            "中华人民共和国",
            "居民身份证",
            "签发机关 北京市公安局海淀分局",
            "有效期限 2016.03.01-2036.03.01",
        ];
        assert_eq!(kind_of(&back), (Some("id_card".into()), Some(Side::Back)));
        let licence = [
            "营业执照",
            "统一社会信用代码 91110108MA01ABCD2X",
            "名称 北京某某科技有限公司",
            "营业期限 2015年03月01日至长期",
        ];
        assert_eq!(kind_of(&licence).0.as_deref(), Some("business_licence"));
    }

    #[test]
    fn a_letter_is_known_by_its_title_even_quoting_a_licence() {
        let letter = [
            "授权书",
            "北京某某科技有限公司（统一社会信用代码：91110108MA01ABCD2X）",
            "兹授权张三（公民身份号码11010519900307123X）为网站备案负责人。",
            "2026年7月1日",
        ];
        assert_eq!(kind_of(&letter).0.as_deref(), Some("authorization"));
        let proof = ["在职证明", "兹证明张三为我公司员工。", "2026年7月1日"];
        assert_eq!(kind_of(&proof).0.as_deref(), Some("employment_proof"));
    }

    #[test]
    fn text_that_names_nothing_is_unknown() {
        assert_eq!(kind_of(&["会议纪要", "今天天气很好"]), (None, None));
        assert_eq!(kind_of(&[]), (None, None));
    }
}
