//! The page's words, in English and Chinese, from `src/words/{en,zh}/page.ftl`.
//!
//! The files are Fluent, so they join the message catalogue of issue 13 unchanged.
//! Until that catalogue lands this module reads them itself, understanding only what
//! the page's files use: `id = text`, indented continuation lines, `#` comments and a
//! quoted literal `{ "…" }` for text with edge spaces. Placeables such as `{ $count }`
//! stay in the text: the page fills them in, because their values live in the browser.

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, the fallback.
    En,
    /// Simplified Chinese, for every zh locale.
    Zh,
}

const EN_PAGE: &str = include_str!("../words/en/page.ftl");
const ZH_PAGE: &str = include_str!("../words/zh/page.ftl");

impl Lang {
    /// The tag the page is told (`en`, `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language of a tag (`zh-CN`, `zh_TW`, `en-GB`, `zh`), if it is one spoken here.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers most among those spoken here
    /// (highest weight, then first listed); English when it names none.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// The page's messages, id and text, in file order.
    pub fn page_words(self) -> Vec<(String, String)> {
        parse_ftl(match self {
            Lang::En => EN_PAGE,
            Lang::Zh => ZH_PAGE,
        })
    }
}

/// The messages of a Fluent file that uses only plain text, placeables and quoted
/// literals (see the module documentation).
fn parse_ftl(text: &str) -> Vec<(String, String)> {
    let mut messages: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            // A continuation of the message above; Fluent joins lines with a newline.
            if let (Some((_, value)), false) = (messages.last_mut(), line.trim().is_empty()) {
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(line.trim());
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some((id, value)) = line.split_once('=') {
            messages.push((id.trim().to_owned(), value.trim().to_owned()));
        }
    }
    for (_, value) in &mut messages {
        if let Some(literal) = value
            .strip_prefix("{ \"")
            .and_then(|v| v.strip_suffix("\" }"))
        {
            *value = literal.to_owned();
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `{ $name }` placeables of a message.
    fn variables(text: &str) -> BTreeSet<&str> {
        text.split("{ $")
            .skip(1)
            .filter_map(|rest| rest.split_once(" }").map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_page_message_exists_in_both_languages_with_the_same_variables() {
        let en = Lang::En.page_words();
        let zh: std::collections::HashMap<_, _> = Lang::Zh.page_words().into_iter().collect();
        assert!(
            en.len() > 20,
            "the English page file has {} messages",
            en.len()
        );
        assert_eq!(
            en.len(),
            zh.len(),
            "both files hold the same number of messages"
        );
        for (id, text) in &en {
            assert!(id.starts_with("page-"), "{id}: page ids start with page-");
            let other = zh.get(id).unwrap_or_else(|| panic!("{id} has no Chinese"));
            assert!(!other.is_empty() && !text.is_empty(), "{id} is empty");
            assert_eq!(variables(text), variables(other), "{id}: variables differ");
        }
    }

    #[test]
    fn accept_language_picks_the_most_wanted_spoken_language() {
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::negotiate("fr-FR, zh_TW;q=0.5"), Lang::Zh);
        assert_eq!(Lang::negotiate("de, en;q=0, zh;q=0"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::negotiate("zh;q=0.4, en;q=0.6"), Lang::En);
    }

    #[test]
    fn continuation_lines_comments_and_literals_are_read() {
        let m = parse_ftl("# note\na = one\n    two\nb = { \", \" }\nc = x { $n } y\n");
        assert_eq!(
            m,
            [
                ("a".to_owned(), "one\ntwo".to_owned()),
                ("b".to_owned(), ", ".to_owned()),
                ("c".to_owned(), "x { $n } y".to_owned()),
            ]
        );
    }
}
