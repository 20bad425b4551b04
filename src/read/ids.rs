//! ID numbers and the names beside them.
//!
//! The 18-character citizen ID number (公民身份号码) ends in a check digit (GB 11643,
//! ISO 7064 MOD 11-2) and carries its holder's birth date: a number read with a wrong
//! digit fails one or the other nearly always, so a failing number is reported as read
//! but not trusted, never compared or used.

use super::text::{as_digit, find, min_conf, Ch, Page};
use super::Read;

/// An ID number read off a picture.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IdNumber {
    /// The 18 characters, repaired where OCR read a letter for a digit.
    pub number: String,
    /// How sure the reading is.
    pub confidence: f32,
    /// Its check digit and birth date hold.
    pub trusted: bool,
}

/// The weights of GB 11643's check: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character GB 11643 gives the first 17 digits of an ID number (`None`
/// unless they are 17 ASCII digits).
pub fn id_check_digit(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some(b"10X98765432"[(sum % 11) as usize] as char)
}

/// Whether an 18-character number's check digit and birth date (characters 7–14) hold.
fn holds(number: &str) -> bool {
    let Some(check) = id_check_digit(&number[..17]) else {
        return false;
    };
    let birth = &number[6..14];
    let born = crate::rules::dates::parse_date(birth);
    check == number.as_bytes()[17] as char && born.is_ok()
}

/// The factor a repaired character costs.
const REPAIRED: f32 = 0.85;

/// An ID number starting at `i` in `chars` (within one line).
fn number_at(chars: &[Ch], i: usize) -> Option<IdNumber> {
    let part = chars.get(i..i + 18)?;
    if part.iter().any(|c| c.line != part[0].line) {
        return None;
    }
    let alnum = |c: Option<&Ch>| c.is_some_and(|c| c.c.is_ascii_alphanumeric());
    if (i > 0 && alnum(chars.get(i - 1))) || alnum(chars.get(i + 18)) {
        return None;
    }
    let mut number = String::with_capacity(18);
    let mut repairs = 0;
    for ch in &part[..17] {
        let (d, r) = as_digit(ch.c)?;
        number.push(char::from(b'0' + d));
        repairs += usize::from(r);
    }
    match part[17].c {
        'X' | 'x' | '×' => number.push('X'),
        c => {
            let (d, r) = as_digit(c)?;
            number.push(char::from(b'0' + d));
            repairs += usize::from(r);
        }
    }
    // More than a few letters is another code (a credit code), not a misread number.
    if repairs > 3 {
        return None;
    }
    let factor = if repairs > 0 { REPAIRED } else { 1.0 };
    let trusted = holds(&number);
    Some(IdNumber {
        number,
        confidence: min_conf(part) * factor,
        trusted,
    })
}

/// Words after which a letter names the person it authorizes.
const AUTHORIZES: [&str; 7] = [
    "兹授权",
    "兹委托",
    "现授权",
    "现委托",
    "特授权",
    "被授权人",
    "受托人",
];

/// The ID number on the page: after 公民身份号码 on an ID card; after the authorizing
/// words in a letter (`letter`); else the first. A trusted number is preferred.
pub(crate) fn number(page: &Page, letter: bool) -> Option<IdNumber> {
    let chars = &page.chars;
    let from = if letter {
        AUTHORIZES.iter().filter_map(|w| find_first(chars, w)).min()
    } else {
        find_first(chars, "公民身份号码")
    }
    .unwrap_or(0);
    let all: Vec<IdNumber> = (from..chars.len())
        .filter_map(|i| number_at(chars, i))
        .collect();
    all.iter().find(|n| n.trusted).or(all.first()).cloned()
}

fn find_first(chars: &[Ch], word: &str) -> Option<usize> {
    find(chars, word).first().copied()
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Words around a name in a letter that are not the name.
const BEFORE_NAME: [&str; 9] = [
    "我公司",
    "我单位",
    "本公司",
    "本单位",
    "我司",
    "员工",
    "职工",
    "同志",
    "姓名",
];
const AFTER_NAME: [&str; 11] = [
    "同志",
    "先生",
    "女士",
    "为",
    "身份证",
    "公民",
    "作为",
    "全权",
    "代表",
    "办理",
    "性别",
];

/// A name (2 to 4 Chinese characters) at `chars[i..]`, after passing over the words
/// that precede names in letters.
fn name_at(chars: &[Ch], mut i: usize) -> Option<Read<String>> {
    while matches!(chars.get(i).map(|c| c.c), Some(':' | '：' | ' ')) {
        i += 1;
    }
    'prefix: loop {
        for w in BEFORE_NAME {
            if find(&chars[i..], w).first() == Some(&0) {
                i += w.chars().count();
                while matches!(chars.get(i).map(|c| c.c), Some(':' | '：')) {
                    i += 1;
                }
                continue 'prefix;
            }
        }
        break;
    }
    let line = chars.get(i)?.line;
    let mut end = i;
    while end < chars.len() && is_cjk(chars[end].c) && chars[end].line == line {
        end += 1;
    }
    if let Some(cut) = AFTER_NAME
        .iter()
        .filter_map(|w| find(&chars[i..end], w).first().copied())
        .min()
    {
        end = i + cut;
    }
    (2..=4).contains(&(end - i)).then(|| Read {
        value: chars[i..end].iter().map(|c| c.c).collect(),
        confidence: min_conf(&chars[i..end]),
    })
}

/// The person an authorization letter names: after 被授权人 / 受托人 (姓名), or in its
/// sentence 兹授权 … (我公司员工张三同志，身份证号 …).
pub(crate) fn authorized_person(page: &Page) -> Option<Read<String>> {
    let chars = &page.chars;
    AUTHORIZES.iter().find_map(|w| {
        find(chars, w)
            .into_iter()
            .find_map(|at| name_at(chars, at + w.chars().count()))
    })
}

/// The name on an ID card's front: after 姓名, on its line or the next line.
pub(crate) fn card_name(page: &Page) -> Option<Read<String>> {
    let chars = &page.chars;
    let at = find_first(chars, "姓名")?;
    let after = at + 2;
    // The name is boxed apart from its label often: then it is the next line's.
    chars.get(after).filter(|c| c.line <= chars[at].line + 1)?;
    name_at(chars, after)
}

/// Whether `chars[i]` starts its line.
fn starts_line(chars: &[Ch], i: usize) -> bool {
    i == 0 || chars[i - 1].line != chars[i].line
}

/// The ID card on a page that shows an authorization letter beside it (a combined
/// picture): its holder and its number. A card prints its labels (姓名, 公民身份号码)
/// at the start of a line, where a letter's sentence (被授权人姓名：…, …公民身份号码…)
/// does not put them; the number is the first after the label, on its line or the
/// next, and the name is after the last 姓名 label before it.
pub(crate) fn card_beside_letter(page: &Page) -> (Option<Read<String>>, Option<IdNumber>) {
    let chars = &page.chars;
    let in_sentence = |i: usize| {
        let line = page.line_text(chars[i].line);
        AUTHORIZES.iter().any(|w| line.contains(w))
    };
    let label = find(chars, "公民身份号码")
        .into_iter()
        .find(|&at| starts_line(chars, at) && !in_sentence(at));
    let number = label.and_then(|at| {
        let line = chars[at].line;
        (at + 6..chars.len())
            .take_while(|&i| chars[i].line <= line + 1)
            .find_map(|i| number_at(chars, i))
    });
    let name = find(chars, "姓名")
        .into_iter()
        .rfind(|&at| starts_line(chars, at) && !in_sentence(at) && label.is_none_or(|l| at < l))
        .and_then(|at| {
            let after = at + 2;
            chars.get(after).filter(|c| c.line <= chars[at].line + 1)?;
            name_at(chars, after)
        });
    (name, number)
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::{line, lines};
    use super::*;

    #[test]
    fn the_check_digit_is_gb_11643s() {
        // GB 11643-1999's own example.
        assert_eq!(id_check_digit("11010519491231002"), Some('X'));
        assert_eq!(id_check_digit("44052418800101001"), Some('4'));
        assert_eq!(id_check_digit("1101051949123100"), None);
        assert!(holds("11010519491231002X"));
        assert!(!holds("11010519491231003X"));
        // Check digit right, birth date impossible (month 13).
        let first = "11010519491331002";
        let bad = format!("{first}{}", id_check_digit(first).unwrap());
        assert!(!holds(&bad));
    }

    #[test]
    fn a_number_is_read_through_ocr_errors_and_a_wrong_digit_is_not_trusted() {
        let page = Page::new(&lines(&["公民身份号码 11O1O519491231002x"]));
        let n = number(&page, false).unwrap();
        assert_eq!(n.number, "11010519491231002X");
        assert!(n.trusted);
        assert!(n.confidence < 0.95);
        let page = Page::new(&lines(&["公民身份号码 110105l9491231007X"]));
        let n = number(&page, false).unwrap();
        assert!(!n.trusted, "{n:?}");
        // A credit code is not an ID number; nor is a longer run of digits.
        let page = Page::new(&lines(&[
            "统一社会信用代码 91110108MA01ABCD2X",
            "1101051949123100212",
        ]));
        assert_eq!(number(&page, false), None);
    }

    #[test]
    fn the_name_on_an_id_card() {
        let page = Page::new(&lines(&["姓名 张三", "性别 男"]));
        assert_eq!(card_name(&page).unwrap().value, "张三");
        let page = Page::new(&lines(&["姓名", "欧阳娜娜", "性别女"]));
        assert_eq!(card_name(&page).unwrap().value, "欧阳娜娜");
    }

    #[test]
    fn the_person_a_letter_authorizes() {
        let cases = [
            (
                "兹授权我公司员工李四同志（身份证号：11010519491231002X）为网站备案负责人",
                "李四",
            ),
            (
                "兹委托王小明，身份证号码11010519491231002X，办理备案",
                "王小明",
            ),
            ("被授权人姓名：赵六", "赵六"),
            ("受托人：钱七 身份证号 11010519491231002X", "钱七"),
        ];
        for (text, want) in cases {
            let page = Page::new(&[line(text, 0, 0.9)]);
            let got = authorized_person(&page).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(got.value, want, "{text}");
            let n = number(&page, true).map(|n| n.number);
            let written = text.contains("11010519491231002X");
            assert_eq!(
                n.as_deref() == Some("11010519491231002X"),
                written,
                "{text}"
            );
        }
        // The legal representative's number before the sentence is not the person's.
        let page = Page::new(&lines(&[
            "法定代表人：周八 身份证号 44052418800101001 4",
            "法定代表人身份证号 440524188001010014",
            "兹授权孙九（身份证号11010519491231002X）办理",
        ]));
        assert_eq!(number(&page, true).unwrap().number, "11010519491231002X");
        assert_eq!(authorized_person(&page).unwrap().value, "孙九");
    }

    #[test]
    fn the_card_beside_a_letter_is_told_from_the_letter() {
        let card = [
            "姓名 张三",
            "性别 男 民族 汉",
            "公民身份号码 11010519491231002X",
        ];
        let first = "44052419800101002";
        let theirs = format!("{first}{}", id_check_digit(first).unwrap());
        let sentence = format!("兹授权李四（公民身份号码{theirs}）办理网站备案。");
        let letter = ["授权书", "被授权人姓名：李四", &sentence, "2026年7月1日"];
        // Either above the other, as stitch lays them out.
        for texts in [
            [&card[..], &letter[..]].concat(),
            [&letter[..], &card[..]].concat(),
        ] {
            let page = Page::new(&lines(&texts));
            let (name, number_read) = card_beside_letter(&page);
            assert_eq!(name.map(|n| n.value).as_deref(), Some("张三"), "{texts:?}");
            let card = number_read.map(|n| n.number);
            assert_eq!(card.as_deref(), Some("11010519491231002X"), "{texts:?}");
            assert_eq!(authorized_person(&page).unwrap().value, "李四");
            assert_eq!(number(&page, true).unwrap().number, theirs);
        }
        // A letter alone shows no card.
        let page = Page::new(&lines(&letter));
        assert_eq!(card_beside_letter(&page), (None, None));
    }
}
