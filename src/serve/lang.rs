//! The language of an answer: the request's `lang` parameter if it names one, else the
//! languages its `Accept-Language` header prefers, among those the catalogue speaks;
//! English otherwise. Each request is answered in its own language (the catalogue takes
//! the language as an argument; nothing is process-wide).

use axum::extract::Query;
use axum::http::{header, HeaderMap, Uri};

use crate::words::Lang;

/// The languages a request asks for that the catalogue speaks, most wanted first: the
/// `lang` parameter, then `Accept-Language` by weight (ties in the order listed; weight
/// 0 means "not this one"). Tags are read as the command line reads locales
/// ([`Lang::from_tag`]: `zh-CN`, `zh_TW`, `zh-Hans` are Chinese).
fn wanted(uri: &Uri, headers: &HeaderMap) -> Vec<Lang> {
    let asked = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .ok()
        .and_then(|Query(pairs)| pairs.into_iter().find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| Lang::from_tag(&v));
    let header = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Not fluent-langneg's `parse_accepted_languages` (in the tree under fluent-bundle):
    // it drops the weights, so `en;q=0` would ask for English and `zh;q=0.4, en;q=0.6`
    // for Chinese first.
    let mut weighted: Vec<(f32, Lang)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let lang = Lang::from_tag(parts.next()?)?;
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0).then_some((q, lang))
        })
        .collect();
    // A stable sort keeps the listed order among equal weights.
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    asked
        .into_iter()
        .chain(weighted.into_iter().map(|(_, lang)| lang))
        .collect()
}

/// The catalogue language a request is answered in.
pub(super) fn of_request(uri: &Uri, headers: &HeaderMap) -> Lang {
    wanted(uri, headers).first().copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn asks(uri: &str, accept: &str) -> Vec<&'static str> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(accept).unwrap(),
        );
        let langs = wanted(&uri.parse().unwrap(), &headers);
        langs.into_iter().map(Lang::tag).collect()
    }

    #[test]
    fn the_parameter_comes_first_then_the_header_by_weight() {
        assert_eq!(asks("/", "zh-CN,zh;q=0.9,en;q=0.8"), ["zh", "zh", "en"]);
        assert_eq!(asks("/", "en-US,en;q=0.9,zh-CN;q=0.8"), ["en", "en", "zh"]);
        assert_eq!(asks("/", "fr-FR, zh_TW;q=0.5"), ["zh"]);
        assert!(asks("/", "de, en;q=0, zh;q=0, *").is_empty());
        assert_eq!(asks("/", "zh;q=0.4, en;q=0.6"), ["en", "zh"]);
        assert_eq!(asks("/?lang=zh-Hans", "en"), ["zh", "en"]);
        assert_eq!(asks("/x?as=json&lang=EN", ""), ["en"]);
        assert!(asks("/", "").is_empty());
        assert_eq!(asks("/", "en;q=abc, zh"), ["zh"]);
    }

    #[test]
    fn a_request_is_answered_in_a_spoken_language_or_english() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr, de"));
        assert_eq!(of_request(&"/".parse().unwrap(), &headers), Lang::En);
        for &lang in Lang::ALL {
            let uri = format!("/?lang={}", lang.tag()).parse().unwrap();
            assert_eq!(of_request(&uri, &headers), lang);
        }
    }
}
