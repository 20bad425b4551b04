//! Dates printed on documents, as OCR reads them.
//!
//! Agencies' documents write dates as `2026年7月1日`, `2026-07-01`, `2026.7.1`, and
//! official letters in Chinese numerals, `二〇二六年七月一日`. OCR adds its own
//! spellings: `2O26` for `2026`, `l` for `1`, a `年` lost to a smudge (`2026 7月1日`).
//! Each is read, and each repair lowers the confidence, so a date the rules would act
//! on is one the picture really shows.

use jiff::civil::Date;

use super::text::{as_digit, find, min_conf, Ch, Page};
use super::Read;
use crate::rules::Expiry;

/// A date found in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateFound {
    /// The date.
    pub date: Date,
    /// How sure the reading is.
    pub confidence: f32,
    /// Its line (in reading order).
    pub line: usize,
    /// Its characters in the page's text, `start..end`.
    pub start: usize,
    /// One past its last character.
    pub end: usize,
}

/// The factor a repaired character (a letter read where a digit must be) costs.
const REPAIRED: f32 = 0.85;
/// The factor a missing separator (`年`, `日`) costs.
const INCOMPLETE: f32 = 0.9;

/// The years a document date can carry.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// Reads up to `max` digits (at least one) from `chars[i..]`, each a digit or a letter
/// OCR takes for one; returns the number, how many characters, and whether a letter
/// was repaired. A letter is read as a digit only next to a real digit.
fn digits(chars: &[Ch], i: usize, max: usize) -> Option<(i16, usize, bool)> {
    let mut n: i16 = 0;
    let mut len = 0;
    let mut repaired = false;
    let mut real = 0;
    while len < max {
        let Some(ch) = chars.get(i + len) else { break };
        let Some((d, r)) = as_digit(ch.c) else { break };
        n = n * 10 + i16::from(d);
        repaired |= r;
        real += usize::from(!r);
        len += 1;
    }
    (len > 0 && real > 0).then_some((n, len, repaired))
}

/// Whether `c` continues a number (so a date cannot start or end next to it).
fn is_digitish(c: Option<&Ch>) -> bool {
    c.is_some_and(|c| c.c.is_ascii_digit())
}

/// A date written in Arabic digits starting at `i`: (date, end, factor).
fn arabic_at(chars: &[Ch], i: usize) -> Option<(Date, usize, f32)> {
    if i > 0 && is_digitish(chars.get(i - 1)) {
        return None;
    }
    let (y, ylen, r1) = digits(chars, i, 4)?;
    if ylen != 4 {
        return None;
    }
    let mut factor = 1.0;
    let mut j = i + ylen;
    let sep1 = chars.get(j).map(|c| c.c);
    let style = match sep1 {
        Some('年') => '年',
        Some(c @ ('.' | '-' | '/' | ',')) => c,
        // No separator: only the 年 style can lose its 年 (a smudge, a fold).
        _ => '\0',
    };
    if style != '\0' {
        j += 1;
    }
    let (m, mlen, r2) = digits(chars, j, 2)?;
    j += mlen;
    let sep2 = chars.get(j).map(|c| c.c);
    let fits = match style {
        '年' | '\0' => sep2 == Some('月'),
        s => sep2 == Some(s) || (s == ',' && sep2 == Some('.')) || (s == '.' && sep2 == Some(',')),
    };
    if !fits {
        return None;
    }
    if style == '\0' {
        factor *= INCOMPLETE;
    }
    if style == ',' || sep2 == Some(',') {
        factor *= REPAIRED;
    }
    j += 1;
    let (d, dlen, r3) = digits(chars, j, 2)?;
    j += dlen;
    if is_digitish(chars.get(j)) {
        return None;
    }
    if matches!(style, '年' | '\0') {
        if chars.get(j).is_some_and(|c| c.c == '日') {
            j += 1;
        } else {
            factor *= INCOMPLETE;
        }
    }
    if r1 || r2 || r3 {
        factor *= REPAIRED;
    }
    let date = make(y, m, d)?;
    Some((date, j, factor))
}

fn make(y: i16, m: i16, d: i16) -> Option<Date> {
    if !YEARS.contains(&y) {
        return None;
    }
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// A Chinese numeral digit (`〇` and its look-alikes included).
fn cn_digit(c: char) -> Option<i16> {
    Some(match c {
        '〇' | '零' | '○' | 'O' | 'o' | '0' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A number up to 31 in Chinese numerals (`七`, `十`, `十二`, `二十`, `三十一`) at
/// `i`: (value, length).
fn cn_small(chars: &[Ch], i: usize) -> Option<(i16, usize)> {
    let at = |k: usize| chars.get(i + k).map(|c| c.c);
    let unit = |k: usize| at(k).and_then(cn_digit).filter(|&d| d > 0);
    match (at(0), at(1)) {
        (Some('十'), _) => match unit(1) {
            Some(u) => Some((10 + u, 2)),
            None => Some((10, 1)),
        },
        (Some(_), Some('十')) => {
            let tens = unit(0)?;
            match unit(2) {
                Some(u) => Some((tens * 10 + u, 3)),
                None => Some((tens * 10, 2)),
            }
        }
        _ => unit(0).map(|u| (u, 1)),
    }
}

/// A date in Chinese numerals at `i` (`二〇二六年七月一日`): (date, end, factor).
fn chinese_at(chars: &[Ch], i: usize) -> Option<(Date, usize, f32)> {
    let mut y = 0;
    for k in 0..4 {
        y = y * 10 + cn_digit(chars.get(i + k)?.c)?;
    }
    // A year of four Arabic digits is the Arabic form's.
    if chars[i..i + 4].iter().all(|c| c.c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut j = i + 4;
    let mut factor = 1.0;
    if chars.get(j)?.c != '年' {
        return None;
    }
    j += 1;
    let (m, mlen) = cn_small(chars, j)?;
    j += mlen;
    if chars.get(j)?.c != '月' {
        return None;
    }
    j += 1;
    let (d, dlen) = cn_small(chars, j)?;
    j += dlen;
    match chars.get(j).map(|c| c.c) {
        Some('日' | '号') => j += 1,
        _ => factor *= INCOMPLETE,
    }
    Some((make(y, m, d)?, j, factor))
}

/// Every date in `page`, in reading order. A date must lie within one line.
pub fn find_dates_in(page: &Page) -> Vec<DateFound> {
    let chars = &page.chars;
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let found = arabic_at(chars, i).or_else(|| chinese_at(chars, i));
        match found {
            Some((date, end, factor)) if chars[end - 1].line == chars[i].line => {
                out.push(DateFound {
                    date,
                    confidence: min_conf(&chars[i..end]) * factor,
                    line: chars[i].line,
                    start: i,
                    end,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// Every date in `lines` (one picture's OCR lines), in reading order.
pub fn find_dates(lines: &[crate::ocr::TextLine]) -> Vec<DateFound> {
    find_dates_in(&Page::new(lines))
}

/// The words that open a validity period.
const PERIOD: [&str; 6] = [
    "有效期限",
    "有效期至",
    "有效期",
    "营业期限",
    "经营期限",
    "期限",
];

/// The words for "no end date".
const LONG_TERM: [&str; 3] = ["长期", "永久", "无固定期限"];

/// The end of validity: the period after 有效期限 / 营业期限 (or, without the word, a
/// period of two dates on one line): `2016.03.01-2036.03.01`, `2016.03.01-长期`,
/// `2015年03月01日至长期`, `至2035年02月28日`. The end must come after the start; on an ID
/// card (`id_card`) it falls on the start's month and day, 5, 10 or 20 years on, and a
/// period that does not is read as uncertain.
pub(crate) fn validity(page: &Page, id_card: bool) -> Option<Read<Expiry>> {
    let chars = &page.chars;
    let dates = find_dates_in(page);
    let keyword = PERIOD.iter().find_map(|w| {
        find(chars, w)
            .first()
            .map(|&at| (at, at + w.chars().count()))
    });
    // The period follows its word, on its line or the next (OCR often boxes the value
    // apart from its label).
    let (from, factor) = match keyword {
        Some((_, after)) => (after, 1.0),
        None => (0, INCOMPLETE),
    };
    let near = |d: &DateFound| {
        d.start >= from && keyword.is_none_or(|(at, _)| d.line <= chars[at].line + 1)
    };
    let candidates: Vec<&DateFound> = dates.iter().filter(|d| near(d)).collect();
    for (k, start) in candidates.iter().enumerate() {
        let gap_end = candidates.get(k + 1).map_or(chars.len(), |d| d.start);
        let between = &chars[start.end..gap_end.min(start.end + 4)];
        let joined = between
            .iter()
            .any(|c| matches!(c.c, '-' | '至' | '到' | '_'))
            || between.is_empty();
        if let Some(end) = candidates.get(k + 1).filter(|_| joined) {
            if end.date <= start.date {
                continue;
            }
            let mut conf = start.confidence.min(end.confidence) * factor;
            if id_card && !id_period(start.date, end.date) {
                conf *= 0.6;
            }
            return Some(Read {
                value: Expiry::Until(end.date),
                confidence: conf,
            });
        }
        // A start followed by 长期.
        let rest = &chars[start.end..(start.end + 8).min(chars.len())];
        for w in LONG_TERM {
            if let Some(&at) = find(rest, w).first() {
                let n = w.chars().count();
                let conf = start.confidence.min(min_conf(&rest[at..at + n])) * factor;
                return Some(Read {
                    value: Expiry::LongTerm,
                    confidence: conf,
                });
            }
        }
    }
    // `营业期限 至2035年02月28日` or `有效期至 2035.02.28`: one date after the word.
    if let Some((at, after)) = keyword {
        let to = !find(&chars[at..(after + 2).min(chars.len())], "至").is_empty();
        if let Some(end) = candidates.first().filter(|_| to && candidates.len() == 1) {
            return Some(Read {
                value: Expiry::Until(end.date),
                confidence: end.confidence,
            });
        }
        if let Some(w) = LONG_TERM.iter().find(|w| {
            find(chars, w)
                .first()
                .is_some_and(|&p| p >= after && chars[p].line <= chars[at].line + 1)
        }) {
            let p = find(chars, w)[0];
            let n = w.chars().count();
            return Some(Read {
                value: Expiry::LongTerm,
                confidence: min_conf(&chars[p..p + n]) * INCOMPLETE,
            });
        }
    }
    None
}

/// Whether `start..end` is an ID card's period: 5, 10 or 20 years to the day.
fn id_period(start: Date, end: Date) -> bool {
    [5, 10, 20].iter().any(|&years| {
        start
            .checked_add(jiff::Span::new().years(years))
            .is_ok_and(|d| d == end)
    })
}

/// Words on lines whose dates are not the issue date.
const NOT_ISSUE: [&str; 6] = ["出生", "期限", "有效期", "成立日期", "注册日期", "至"];

/// The issue date of a letter or proof: the last date on the page (the one by the seal
/// or signature), passing over birth dates and validity periods.
pub(crate) fn issue_date(page: &Page) -> Option<Read<Date>> {
    let dates = find_dates_in(page);
    dates
        .iter()
        .filter(|d| {
            let line: String = page.line_text(d.line);
            !NOT_ISSUE.iter().any(|w| line.contains(w))
        })
        .max_by(|a, b| {
            let pa = page.places[a.line].top;
            let pb = page.places[b.line].top;
            pa.total_cmp(&pb).then(a.start.cmp(&b.start))
        })
        .map(|d| Read {
            value: d.date,
            confidence: d.confidence,
        })
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::{line, lines};
    use super::*;
    use jiff::civil::date;

    fn one(text: &str) -> Option<(Date, f32)> {
        let page = Page::new(&[line(text, 0, 0.95)]);
        let found = find_dates_in(&page);
        assert!(found.len() <= 1, "{text}: {found:?}");
        found.first().map(|d| (d.date, d.confidence))
    }

    #[test]
    fn every_way_a_document_writes_a_date_reads_the_same() {
        for text in [
            "2026年7月1日",
            "日期：2026年07月01日",
            "2026-07-01",
            "2026.7.1",
            "2026/7/1",
            "二〇二六年七月一日",
            "二零二六年七月一日",
            "２０２６年７月１日",
        ] {
            let (d, conf) = one(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(d, date(2026, 7, 1), "{text}");
            assert!((conf - 0.95).abs() < 1e-6, "{text}: {conf}");
        }
        assert_eq!(
            one("二〇二六年十二月三十一日").unwrap().0,
            date(2026, 12, 31)
        );
        assert_eq!(one("二〇二六年十月十日").unwrap().0, date(2026, 10, 10));
        assert_eq!(one("二〇二六年三月二十日").unwrap().0, date(2026, 3, 20));
    }

    #[test]
    fn ocr_errors_are_repaired_and_cost_confidence() {
        for text in [
            "2O26年7月1日",
            "2026年O7月0l日",
            "2026 7月1日",
            "2026年7月1",
            "2026,07.01",
        ] {
            let (d, conf) = one(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(d, date(2026, 7, 1), "{text}");
            assert!(conf < 0.95 * 0.95, "{text}: {conf}");
        }
    }

    #[test]
    fn impossible_and_partial_dates_are_no_dates() {
        for text in [
            "2026年2月30日",
            "2026-13-01",
            "2026.04.31",
            "1800年1月1日",
            "2026年7月",
            "2026-07",
            "OOOO年7月1日",
            // Part of an ID number, not a date.
            "11010519900307123X",
            "2026-07/01",
        ] {
            assert_eq!(one(text), None, "{text}");
        }
    }

    #[test]
    fn confidence_is_the_least_sure_character() {
        let mut l = line("2026年7月1日", 0, 0.97);
        l.confidences[6] = 0.41;
        let page = Page::new(&[l]);
        assert!((find_dates_in(&page)[0].confidence - 0.41).abs() < 1e-6);
    }

    #[test]
    fn id_card_and_licence_periods_give_their_end() {
        let cases = [
            (
                &[
                    "中华人民共和国",
                    "居民身份证",
                    "签发机关 北京市公安局",
                    "有效期限 2016.03.01-2036.03.01",
                ][..],
                Expiry::Until(date(2036, 3, 1)),
            ),
            (&["有效期限", "2016.03.01-长期"][..], Expiry::LongTerm),
            (&["营业期限 2015年03月01日至长期"][..], Expiry::LongTerm),
            (
                &["营业期限 自2015年03月01日至2035年02月28日"][..],
                Expiry::Until(date(2035, 2, 28)),
            ),
            (
                &["营业期限 至2035年02月28日"][..],
                Expiry::Until(date(2035, 2, 28)),
            ),
            (
                &["有效期限 2O16.03.0l-2036.03.01"][..],
                Expiry::Until(date(2036, 3, 1)),
            ),
        ];
        for (texts, want) in cases {
            let page = Page::new(&lines(texts));
            let got = validity(&page, true).unwrap_or_else(|| panic!("{texts:?}"));
            assert_eq!(got.value, want, "{texts:?}");
        }
        // An end before its start, or a start alone, is no period.
        for texts in [
            &["有效期限 2036.03.01-2016.03.01"][..],
            &["有效期限 2016.03.01-"][..],
        ] {
            assert_eq!(validity(&Page::new(&lines(texts)), true), None, "{texts:?}");
        }
    }

    #[test]
    fn an_id_period_that_is_not_5_10_or_20_years_is_uncertain() {
        let sure = validity(
            &Page::new(&lines(&["有效期限 2016.03.01-2036.03.01"])),
            true,
        );
        let odd = validity(
            &Page::new(&lines(&["有效期限 2016.03.01-2036.08.01"])),
            true,
        );
        let (sure, odd) = (sure.unwrap(), odd.unwrap());
        assert!(odd.confidence < 0.7 * sure.confidence, "{odd:?} {sure:?}");
    }

    #[test]
    fn the_issue_date_is_the_last_on_the_page() {
        let page = Page::new(&lines(&[
            "授权书",
            "兹授权张三（身份证号：11010519900307123X）办理网站备案，",
            "授权期限 2026年7月1日至2026年12月31日。",
            "被授权人出生日期 1990年3月7日",
            "北京某某科技有限公司（盖章）",
            "2026年7月2日",
        ]));
        assert_eq!(issue_date(&page).unwrap().value, date(2026, 7, 2));
        let none = Page::new(&lines(&["授权书", "兹授权张三办理备案"]));
        assert_eq!(issue_date(&none), None);
    }
}
