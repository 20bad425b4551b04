//! Dates as agencies write them, and the guide's windows read as calendar months.
//!
//! The guide says "issued within 3 months" and "valid for 3 more months", not "90 days".
//! A reviewer counts on the calendar, so scanfit does too: 3 months before 2026-05-31 is
//! 2026-02-28 (February has no 31st; the day clamps to the month's end), and 3 months
//! after 2026-11-30 is 2027-02-28. Counting 30-day blocks would be off by up to three
//! days at every boundary, which is exactly where a warning matters.
//!
//! Dates come from spreadsheets typed by people on Chinese Windows, so every common way
//! of writing one is read: `2026-07-01`, `2026/7/1`, `2026.7.1`, `2026年7月1日`,
//! `20260701`, with full-width digits too. Day-first and month-first forms (`7/1/2026`)
//! are refused: they are ambiguous, and a wrong guess would silently move a deadline.

use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// A window's length: whole calendar months or whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Length {
    /// Calendar months (a year is written as 12).
    Months(u32),
    /// Days.
    Days(u32),
}

/// The largest window the rules may state: 100 years. Anything longer is a typo, and
/// keeps date arithmetic far from jiff's range (years 9999).
const MAX_MONTHS: u32 = 1200;

impl Length {
    /// The number of units, for messages ("3" of "3 months").
    pub fn count(self) -> u32 {
        match self {
            Length::Months(n) | Length::Days(n) => n,
        }
    }

    /// The unit's stable name, for messages and JSON: `months` or `days`.
    pub fn unit(self) -> &'static str {
        match self {
            Length::Months(_) => "months",
            Length::Days(_) => "days",
        }
    }

    fn span(self) -> Span {
        match self {
            Length::Months(n) => i64::from(n).months(),
            Length::Days(n) => i64::from(n).days(),
        }
    }
}

/// Why a length in the rules file cannot be read (its words are in the catalogue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LengthError(pub String);

impl FromStr for Length {
    type Err = LengthError;

    /// Reads "3 months", "45 days", "2 weeks", "1 year", "3个月", "45天", "1年".
    fn from_str(text: &str) -> Result<Length, LengthError> {
        let bad = || LengthError(text.to_owned());
        let t = text.trim();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let n: u32 = t[..digits].parse().map_err(|_| bad())?;
        let unit = t[digits..].trim().to_lowercase();
        let length = match unit.as_str() {
            "day" | "days" | "d" | "天" | "日" => Length::Days(n),
            "week" | "weeks" | "w" | "周" | "星期" => {
                Length::Days(n.checked_mul(7).ok_or_else(bad)?)
            }
            "month" | "months" | "m" | "个月" => Length::Months(n),
            "year" | "years" | "y" | "年" => Length::Months(n.checked_mul(12).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        let months = match length {
            Length::Months(m) => m,
            Length::Days(d) => d / 28,
        };
        if n == 0 || months > MAX_MONTHS {
            return Err(bad());
        }
        Ok(length)
    }
}

impl TryFrom<String> for Length {
    type Error = LengthError;

    fn try_from(text: String) -> Result<Length, LengthError> {
        text.parse()
    }
}

/// Today in the machine's time zone: the filer's date, which is the default filing date.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// The earliest issue date a document may carry for a filing on `filed_on`: the filing
/// date minus `within`, clamped at month ends.
pub fn earliest_issue(filed_on: Date, within: Length) -> Date {
    // Lengths are capped at 100 years and dates come from `parse_date` (years
    // 1900-2199), so this cannot leave jiff's range; saturating keeps it total anyway.
    filed_on.saturating_sub(within.span())
}

/// The date a document must stay valid until for a filing on `filed_on`: the filing date
/// plus `valid_for`, clamped at month ends.
pub fn needed_until(filed_on: Date, valid_for: Length) -> Date {
    filed_on.saturating_add(valid_for.span())
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // Between two civil dates the default span's largest unit is days.
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// Why a date cell cannot be read (its words are in the catalogue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not a date written year first.
    NotADate(String),
    /// Neither a date nor a word for "no end date".
    NotAnExpiry(String),
}

/// The years a filing document can plausibly carry. A year outside it is a typo (`206`
/// for `2026`), not a document.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// Reads a date written year first: `2026-07-01`, `2026/7/1`, `2026.7.1`, `2026年7月1日`,
/// `20260701`; full-width digits and separators as well.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let bad = || DateError::NotADate(text.to_owned());
    let t: String = text.trim().chars().map(half_width).collect();
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..4], &t[4..6], &t[6..]]
    } else {
        t.trim_end_matches('日')
            .split(['-', '/', '.', '年', '月'])
            .map(str::trim)
            .collect()
    };
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let number = |s: &str, max_len| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i16>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return Err(bad());
    };
    if !YEARS.contains(&y) {
        return Err(bad());
    }
    // Month and day fit in i8 after the two-digit check above.
    Date::new(y, m as i8, d as i8).map_err(|_| bad())
}

/// Full-width digits and date punctuation (typed with a Chinese input method) as ASCII.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '－' => '-',
        '／' => '/',
        '．' | '。' => '.',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Until when a document is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    /// Valid through this date.
    Until(Date),
    /// No end date: ID cards of people over 46 and many licences say 长期 (long-term).
    LongTerm,
}

/// The words for "no end date" on Chinese documents and in agencies' sheets.
const LONG_TERM: [&str; 8] = [
    "长期",
    "长期有效",
    "永久",
    "永久有效",
    "无期限",
    "long-term",
    "long term",
    "permanent",
];

/// Reads a "valid until" cell: a date as [`parse_date`] reads it, 长期 / long-term, or
/// the validity period as an ID card prints it (`2016.03.09-2036.03.09`,
/// `2016.03.09-长期`, `2016年3月9日至2036年3月9日`), of which the end counts.
pub fn parse_expiry(text: &str) -> Result<Expiry, DateError> {
    let t = text.trim();
    let single = |t: &str| {
        let t = t.trim();
        if LONG_TERM.iter().any(|w| t.eq_ignore_ascii_case(w)) {
            Some(Expiry::LongTerm)
        } else {
            parse_date(t).ok().map(Expiry::Until)
        }
    };
    if let Some(expiry) = single(t) {
        return Ok(expiry);
    }
    // A period: split at each separator in turn; both sides must read.
    t.char_indices()
        .filter(|(_, c)| matches!(c, '-' | '~' | '～' | '至' | '—' | '－'))
        .find_map(|(i, c)| {
            let (start, end) = (&t[..i], &t[i + c.len_utf8()..]);
            parse_date(start.trim()).ok().and(single(end))
        })
        .ok_or_else(|| DateError::NotAnExpiry(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_common_spelling_of_a_date_reads_the_same() {
        for text in [
            "2026-07-01",
            "2026/7/1",
            "2026.7.1",
            "2026年7月1日",
            "2026年07月01日",
            "20260701",
            " 2026-7-1 ",
            "２０２６／７／１",
            "2026年7月1",
        ] {
            assert_eq!(parse_date(text), Ok(date(2026, 7, 1)), "{text}");
        }
    }

    #[test]
    fn ambiguous_impossible_and_mistyped_dates_are_refused() {
        for text in [
            "7/1/2026",
            "1.7.2026",
            "2026-13-01",
            "2026-02-29",
            "2026-04-31",
            "206-07-01",
            "2026-07",
            "2026-07-01-02",
            "",
            "tomorrow",
            "2026-0x-01",
            "2026-007-01",
            "+2026-07-01",
            "1800-01-01",
        ] {
            let err = parse_date(text).unwrap_err();
            assert!(err.to_string().contains("2026年7月1日"), "{err}");
        }
        // 2028 is a leap year, 2100 is not.
        assert_eq!(parse_date("2028-02-29"), Ok(date(2028, 2, 29)));
        assert!(parse_date("2100-02-29").is_err());
    }

    #[test]
    fn long_term_is_an_expiry_not_an_error() {
        for text in ["长期", "长期有效", "永久", "Long-Term", "permanent"] {
            assert_eq!(parse_expiry(text), Ok(Expiry::LongTerm), "{text}");
        }
        assert_eq!(
            parse_expiry("2036/3/9"),
            Ok(Expiry::Until(date(2036, 3, 9)))
        );
        // The back of an ID card.
        for (text, want) in [
            ("2016.03.09-2036.03.09", Expiry::Until(date(2036, 3, 9))),
            ("2016-03-09-2036-03-09", Expiry::Until(date(2036, 3, 9))),
            (
                "2016年3月9日至2036年3月9日",
                Expiry::Until(date(2036, 3, 9)),
            ),
            ("2016.03.09 - 长期", Expiry::LongTerm),
        ] {
            assert_eq!(parse_expiry(text), Ok(want), "{text}");
        }
        assert!(parse_expiry("2016.03.09-").is_err());
        assert!(parse_expiry("forever and a day")
            .unwrap_err()
            .to_string()
            .contains("长期"));
    }

    #[test]
    fn lengths_read_in_english_and_chinese() {
        let cases = [
            ("3 months", Length::Months(3)),
            ("1 month", Length::Months(1)),
            ("45 days", Length::Days(45)),
            ("2 weeks", Length::Days(14)),
            ("1 year", Length::Months(12)),
            ("3个月", Length::Months(3)),
            ("45天", Length::Days(45)),
            ("1年", Length::Months(12)),
            ("6 Months", Length::Months(6)),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<Length>(), Ok(want), "{text}");
        }
        for text in [
            "3 monts",
            "months",
            "0 days",
            "-3 months",
            "3.5 months",
            "200 years",
            "",
        ] {
            assert!(text.parse::<Length>().is_err(), "{text}");
        }
    }

    #[test]
    fn months_are_calendar_months_clamped_at_month_ends() {
        let three = Length::Months(3);
        // The issue's example: filed on the 31st, February has no 31st.
        assert_eq!(earliest_issue(date(2026, 5, 31), three), date(2026, 2, 28));
        assert_eq!(earliest_issue(date(2026, 5, 15), three), date(2026, 2, 15));
        // Across a year boundary.
        assert_eq!(earliest_issue(date(2026, 1, 31), three), date(2025, 10, 31));
        assert_eq!(earliest_issue(date(2026, 2, 28), three), date(2025, 11, 28));
        // Leap year: 2028-02-29 exists and is reached, both ways.
        assert_eq!(earliest_issue(date(2028, 5, 29), three), date(2028, 2, 29));
        assert_eq!(earliest_issue(date(2028, 5, 31), three), date(2028, 2, 29));
        assert_eq!(earliest_issue(date(2029, 5, 31), three), date(2029, 2, 28));
        assert_eq!(needed_until(date(2027, 11, 30), three), date(2028, 2, 29));
        assert_eq!(needed_until(date(2028, 2, 29), three), date(2028, 5, 29));
        assert_eq!(
            needed_until(date(2028, 2, 29), Length::Months(12)),
            date(2029, 2, 28)
        );
        assert_eq!(needed_until(date(2026, 11, 30), three), date(2027, 2, 28));
        // Six months, the Hebei and Hubei windows.
        assert_eq!(
            earliest_issue(date(2026, 8, 31), Length::Months(6)),
            date(2026, 2, 28)
        );
    }

    #[test]
    fn days_are_plain_days() {
        // 45 days before 2026-03-15: 14 days of March, 28 of February, 3 of January.
        assert_eq!(
            earliest_issue(date(2026, 3, 15), Length::Days(45)),
            date(2026, 1, 29)
        );
        // In a leap year February has 29 days, so the same window reaches one day later.
        assert_eq!(
            earliest_issue(date(2028, 3, 15), Length::Days(45)),
            date(2028, 1, 30)
        );
        assert_eq!(days_between(date(2026, 1, 29), date(2026, 3, 15)), 45);
        assert_eq!(days_between(date(2026, 3, 15), date(2026, 1, 29)), -45);
        assert_eq!(days_between(date(2028, 2, 28), date(2028, 3, 1)), 2);
        assert_eq!(days_between(date(2026, 7, 1), date(2026, 11, 30)), 152);
    }
}
