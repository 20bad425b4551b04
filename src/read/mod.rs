//! What the text on a picture says: the document's kind, its dates, the names and ID
//! numbers on it, each with how sure the reading is.
//!
//! The OCR engine ([`crate::ocr`]) turns pixels into [`TextLine`]s; this module reads
//! them as a reviewer would, from the lines alone, so it is tested on text. Every value
//! carries a confidence in 0..=1: the least sure of the characters it was read from,
//! lowered when the text had to be repaired to fit the pattern (an `O` read where a
//! digit must be, a missing `年`). A value that cannot be right (the 30th of February,
//! an ID number whose check digit fails) is not a value: the reading says what it saw
//! and that it is not trusted, and the rules never use it.
//!
//! Layering: below `check` (which decides when to read and applies the rules), above
//! `ocr`; it knows the rules' kinds and date types and nothing of commands or words.

mod dates;
mod ids;
mod kind;
mod text;

pub use dates::{find_dates, DateFound};
pub use ids::{id_check_digit, IdNumber};
pub use kind::Side;

use jiff::civil::Date;

use crate::ocr::TextLine;
use crate::rules::assess::ReadOff;
use crate::rules::{Expiry, Kind, KindId};

use text::Page;

/// A value read off a picture, with how sure the reading is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Read<T> {
    /// The value.
    pub value: T,
    /// How sure the reading is (0..=1).
    pub confidence: f32,
}

/// What a picture's text says.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Reading {
    /// The document's kind, from its content.
    pub kind: Option<Read<KindId>>,
    /// Which side of an ID card the picture shows, when it shows one.
    pub side: Option<Side>,
    /// The issue date (letters, proofs): the last date on the page, nearest the seal
    /// or signature.
    pub issued: Option<Read<Date>>,
    /// The end of validity (有效期限 on an ID card, 营业期限 on a licence).
    pub valid_until: Option<Read<Expiry>>,
    /// The 18-character ID number, checked with its GB 11643 check digit.
    pub id_number: Option<IdNumber>,
    /// The name on an ID card (姓名), or the person an authorization letter names.
    pub person: Option<Read<String>>,
    /// On an authorization letter that shows an ID card too (a combined picture): the
    /// card's holder.
    pub card_person: Option<Read<String>>,
    /// On such a letter: the card's ID number.
    pub card_id_number: Option<IdNumber>,
    /// How many characters were read, and how many of them with confidence.
    pub characters: usize,
    /// Characters read with a confidence of at least [`SURE`].
    pub sure_characters: usize,
}

/// A character read at least this sure counts as read with confidence.
pub const SURE: f32 = 0.8;

/// Reads what `lines` (one picture's) say, knowing the document kinds of the rules in
/// force (`kinds`, in precedence order).
pub fn read(lines: &[TextLine], kinds: &[Kind]) -> Reading {
    let page = Page::new(lines);
    let (kind, side) = kind::detect(&page, kinds);
    let is = |id: &str| kind.as_ref().is_some_and(|k| k.value.0 == id);
    let valid_until = dates::validity(&page, is("id_card"));
    let issued = if is("id_card") || is("business_licence") {
        // Their dates are validity periods and birth dates, not issue dates.
        None
    } else {
        dates::issue_date(&page)
    };
    let id_number = ids::number(&page, is("authorization"));
    let person = if is("authorization") {
        ids::authorized_person(&page)
    } else if is("id_card") {
        ids::card_name(&page)
    } else {
        None
    };
    let (card_person, card_id_number) = if is("authorization") {
        ids::card_beside_letter(&page)
    } else {
        (None, None)
    };
    let characters = page.chars.len();
    let sure_characters = page.chars.iter().filter(|c| c.conf >= SURE).count();
    Reading {
        kind,
        side,
        issued,
        valid_until,
        id_number,
        person,
        card_person,
        card_id_number,
        characters,
        sure_characters,
    }
}

impl Reading {
    /// What the rules use of it: confidences as percentages, an ID number only when its
    /// check digit holds.
    pub fn for_rules(&self) -> ReadOff {
        let percent = |c: f32| (c.clamp(0.0, 1.0) * 100.0).floor() as u8;
        let sure = |p: &Option<Read<String>>| {
            p.as_ref()
                .filter(|p| p.confidence >= SURE)
                .map(|p| p.value.clone())
        };
        let trusted =
            |n: &Option<IdNumber>| n.as_ref().filter(|n| n.trusted).map(|n| n.number.clone());
        ReadOff {
            kind: self
                .kind
                .as_ref()
                .map(|k| (k.value.clone(), percent(k.confidence))),
            issued: self
                .issued
                .as_ref()
                .map(|d| (d.value, percent(d.confidence))),
            valid_until: self
                .valid_until
                .as_ref()
                .map(|d| (d.value, percent(d.confidence))),
            person: sure(&self.person),
            id_number: trusted(&self.id_number),
            card_person: sure(&self.card_person),
            card_id_number: trusted(&self.card_id_number),
        }
    }
}

/// Reads a picture with `reader` and works out what its text says.
#[cfg(feature = "ocr")]
pub fn read_picture(
    reader: &crate::ocr::Reader,
    picture: &image::RgbImage,
    kinds: &[Kind],
) -> Result<Reading, crate::ocr::OcrError> {
    Ok(read(&reader.read(picture)?, kinds))
}
