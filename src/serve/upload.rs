//! What a request brings: its query parameters (the profile fields, names, the form of
//! the answer) and its files (the raw body, or the file parts of a multipart body),
//! read into memory under the server's size limit.
//!
//! A name a client gives is only a label: it is echoed in records and its extension
//! says which format the file claims (so a renamed file is caught as on the command
//! line), but it never names anything on the server, which writes no file at all.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Query, Request};
use axum::http::{header, HeaderMap, Uri};
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;

use super::admit::{Held, Receiving};
use super::problem::Refusal;
use crate::check::ReadMode;
use crate::options::{Options, Profile, ProfileOverrides};
use crate::rules::Rules;
use crate::stitch::{Layout, StitchOptions};

/// The form of a successful answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Answer {
    /// The picture as the body, its record in the `Scanfit-Record` header (JSON for an
    /// input with several pages).
    #[default]
    Picture,
    /// JSON: records, outputs (base64) and CSV rows.
    Json,
}

/// The query parameters other than the profile's.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Params {
    /// The input's name (for a raw body, which has none of its own).
    pub name: Option<String>,
    /// The output's name, without extension (default: the input's).
    pub output: Option<String>,
    /// The form of the answer.
    #[serde(rename = "as")]
    pub answer: Answer,
    /// Stitch layout.
    pub layout: Option<Layout>,
    /// Stitch gap, in pixels.
    pub gap: Option<u32>,
    /// Stitch margin, in pixels.
    pub margin: Option<u32>,
    /// The provider whose published upload limits apply (`aliyun`, `tencent`, `huawei`,
    /// `volcengine`): its size band under the profile parameters, its formats and pixel
    /// bounds for check.
    pub portal: Option<String>,
    /// Which check uploads have their text read (`auto`, `always`, `never`).
    pub read: Reading,
}

/// Which check uploads have their text read, as `check --read` says it: by default
/// only those whose kind (from the name) needs a date, since reading costs 20 to 50
/// times the rest of a check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Reading {
    /// Those whose kind needs a date ([`ReadMode::Auto`]).
    #[default]
    Auto,
    /// Every upload.
    Always,
    /// None.
    Never,
}

impl From<Reading> for ReadMode {
    fn from(r: Reading) -> ReadMode {
        match r {
            Reading::Auto => ReadMode::Auto,
            Reading::Always => ReadMode::Always,
            Reading::Never => ReadMode::Never,
        }
    }
}

/// Parameter names besides the profile's (`lang` is read by `serve/lang.rs`), and the
/// profile's own (a test keeps this list equal to [`ProfileOverrides`]' fields).
/// Anything else is refused, so a typo (`max_szie`) is not silently ignored.
const PARAMS: [&str; 9] = [
    "name", "output", "as", "lang", "layout", "gap", "margin", "portal", "read",
];
const PROFILE_PARAMS: [&str; 11] = [
    "min_size",
    "max_size",
    "quality",
    "min_quality",
    "min_long_edge",
    "format",
    "effort",
    "subsampling",
    "progressive",
    "trellis",
    "min_score",
];

/// What a request asks for: its parameters, and the settings they give, checked.
#[derive(Debug)]
pub(super) struct Asked {
    pub params: Params,
    pub options: Options,
    pub stitch: StitchOptions,
}

impl Asked {
    /// Reads the query string over the server's `base` settings.
    pub fn parse(uri: &Uri, base: &Options, stitch: &StitchOptions) -> Result<Asked, Refusal> {
        let Query(pairs) =
            Query::<Vec<(String, String)>>::try_from_uri(uri).map_err(|_| Refusal::BadQuery)?;
        let mut seen = BTreeSet::new();
        for (key, _) in &pairs {
            if !PARAMS.contains(&key.as_str()) && !PROFILE_PARAMS.contains(&key.as_str()) {
                return Err(Refusal::UnknownParameter(key.clone()));
            }
            if !seen.insert(key.as_str()) {
                return Err(Refusal::RepeatedParameter(key.clone()));
            }
        }
        let params: Params = read(uri)?;
        let overrides: ProfileOverrides = read(uri)?;
        let (band, limits) = match &params.portal {
            Some(portal) => {
                let rules =
                    Rules::builtin()
                        .with_portal(portal)
                        .map_err(|_| Refusal::BadValue {
                            name: "portal".into(),
                            value: portal.clone(),
                        })?;
                let band = Profile {
                    min_bytes: rules.upload.min_bytes,
                    max_bytes: rules.upload.max_bytes,
                    ..base.profile.clone()
                };
                (band, rules.limits())
            }
            None => (base.profile.clone(), base.limits.clone()),
        };
        let profile = overrides.apply(&band);
        profile.validate().map_err(Refusal::Profile)?;
        let stitch = StitchOptions {
            layout: params.layout.unwrap_or(stitch.layout),
            gap: params.gap.unwrap_or(stitch.gap),
            margin: params.margin.unwrap_or(stitch.margin),
        };
        stitch.validate().map_err(Refusal::Stitch)?;
        Ok(Asked {
            params,
            options: Options {
                profile,
                limits,
                ..base.clone()
            },
            stitch,
        })
    }
}

/// The query's parameters as `T`, or the first one whose value `T` cannot read.
fn read<T: DeserializeOwned>(uri: &Uri) -> Result<T, Refusal> {
    match Query::<T>::try_from_uri(uri) {
        Ok(Query(t)) => Ok(t),
        Err(_) => Err(bad_value::<T>(uri)),
    }
}

/// The first parameter whose value `T` cannot read, each tried alone as it was sent.
fn bad_value<T: DeserializeOwned>(uri: &Uri) -> Refusal {
    for piece in uri.query().unwrap_or_default().split('&') {
        let Ok(one) = format!("/?{piece}").parse::<Uri>() else {
            continue;
        };
        if Query::<T>::try_from_uri(&one).is_ok() {
            continue;
        }
        if let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(&one) {
            if let Some((name, value)) = pairs.into_iter().next() {
                return Refusal::BadValue { name, value };
            }
        }
    }
    Refusal::BadQuery
}

/// One uploaded file.
pub(super) struct Upload {
    /// The name the client gave it, as a label.
    pub name: Option<String>,
    /// Its bytes.
    pub bytes: Bytes,
}

/// The files a request carries: the file parts of a multipart body (each with its
/// file name), or the whole body as one nameless file, read by `receiving` (see
/// `serve/admit.rs`). More than `limit` bytes in all is 413, refused from the declared
/// length before anything is read when possible. The files come with their share of
/// the upload budget, to be held until their work ends.
pub(super) async fn uploads(
    request: Request,
    limit: u64,
    receiving: Receiving,
) -> Result<(Vec<Upload>, Held), Refusal> {
    let (parts, mut body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        discard(body, limit);
        return Err(Refusal::TooLarge(limit));
    }
    let (bytes, held) = match receiving.read(&mut body, limit, declared).await {
        Ok(read) => read,
        Err(error) => {
            discard(body, limit);
            return Err(error);
        }
    };
    if !is_multipart(&parts.headers) {
        return Ok((vec![Upload { name: None, bytes }], held));
    }
    let bad = |e: String| Refusal::BadMultipart(e);
    let request = Request::from_parts(parts, Body::from(bytes));
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| bad(e.body_text()))?;
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        // Only file parts are pictures; text fields of a form are passed over.
        let Some(name) = field.file_name().map(label) else {
            continue;
        };
        let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
        files.push(Upload { name, bytes });
    }
    Ok((files, held))
}

/// How long a refused request's body is still read and thrown away.
const DISCARD_WITHIN: Duration = Duration::from_secs(30);

/// Reads and throws away what is left of a refused request's body, in the background
/// (up to `limit` bytes, for [`DISCARD_WITHIN`]). A client still sending when the
/// refusal comes, as browsers and most HTTP clients are, can then read the 401, 413 or
/// 429 instead of a connection reset; nothing is kept, so it costs no memory.
pub(super) fn discard(body: Body, limit: u64) {
    // Limited ends the body with an error at the frame that goes past the limit.
    let mut body = Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
    tokio::spawn(async move {
        let _ = tokio::time::timeout(DISCARD_WITHIN, async move {
            while let Some(Ok(_)) = body.frame().await {}
        })
        .await;
    });
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
}

/// A client's name for a file as a label that is safe to echo: its folders kept as
/// `/`-separated parts (a dropped folder's structure), without empty, `.`, `..` or
/// control characters, at most 512 bytes. `None` when nothing is left.
pub(super) fn label(raw: &str) -> Option<String> {
    const MAX: usize = 512;
    let parts: Vec<String> = raw
        .split(['/', '\\'])
        .map(|part| part.chars().filter(|c| !c.is_control()).collect::<String>())
        .map(|part| part.trim().to_owned())
        .filter(|part| !part.is_empty() && part != "." && part != "..")
        .collect();
    let mut text = parts.join("/");
    if text.len() > MAX {
        // Keep the end: the file name and its extension matter most.
        let mut start = text.len() - MAX;
        while !text.is_char_boundary(start) {
            start += 1;
        }
        text = text[start..].trim_start_matches('/').to_owned();
    }
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_folders_but_never_climb_or_carry_controls() {
        assert_eq!(
            label("客户A/授权书 2024.jpg").as_deref(),
            Some("客户A/授权书 2024.jpg")
        );
        assert_eq!(label("../../etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(label("C:\\scans\\a.jpg").as_deref(), Some("C:/scans/a.jpg"));
        assert_eq!(label("/abs//./b\n.png").as_deref(), Some("abs/b.png"));
        assert_eq!(label(" / .. / "), None);
        let long = format!("{}/x.jpg", "长".repeat(400));
        let l = label(&long).unwrap();
        assert!(l.len() <= 512 && l.ends_with("/x.jpg"));
    }

    #[test]
    fn the_parameter_list_names_every_profile_field() {
        let fields = serde_json::to_value(ProfileOverrides::default()).unwrap();
        let fields: BTreeSet<&str> = fields
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, PROFILE_PARAMS.into_iter().collect());
    }

    #[test]
    fn a_portal_brings_its_band_and_formats_and_the_size_parameters_win() {
        let base = Options::default();
        let stitch = StitchOptions::default();
        let ask = |q: &str| Asked::parse(&q.parse().unwrap(), &base, &stitch);
        let volc = ask("/x?portal=volcengine").unwrap().options;
        assert_eq!(volc.profile.max_bytes, 5_000_000);
        assert_eq!(volc.profile.min_bytes, 0);
        assert!(!volc.limits.accepts(crate::sniff::Format::Gif));
        assert_eq!(volc.limits.min_pixels, Some((500, 300)));
        let sized = ask("/x?portal=volcengine&max_size=3MB").unwrap().options;
        assert_eq!(sized.profile.max_bytes, 3_000_000);
        let plain = ask("/x").unwrap().options;
        assert_eq!(plain.limits, base.limits);
        assert!(matches!(
            ask("/x?portal=azure").unwrap_err(),
            Refusal::BadValue { name, .. } if name == "portal"
        ));
    }

    #[test]
    fn parameters_override_the_base_and_typos_are_refused() {
        let base = Options::default();
        let stitch = StitchOptions::default();
        let uri: Uri = "/x?max_size=2MB&quality=80&as=json&layout=grid&name=%E5%AE%A2.jpg"
            .parse()
            .unwrap();
        let asked = Asked::parse(&uri, &base, &stitch).unwrap();
        assert_eq!(asked.options.profile.max_bytes, 2_000_000);
        assert_eq!(asked.options.profile.quality, 80);
        assert_eq!(asked.params.answer, Answer::Json);
        assert_eq!(asked.stitch.layout, Layout::Grid);
        assert_eq!(asked.params.name.as_deref(), Some("客.jpg"));
        let refused =
            |query: &str| Asked::parse(&query.parse().unwrap(), &base, &stitch).unwrap_err();
        assert!(
            matches!(refused("/x?max_szie=2MB"), Refusal::UnknownParameter(p) if p == "max_szie")
        );
        assert!(
            matches!(refused("/x?quality=1&quality=2"), Refusal::RepeatedParameter(p) if p == "quality")
        );
        for (query, name, value) in [
            ("/x?name=a&quality=abc", "quality", "abc"),
            ("/x?as=xml&quality=80", "as", "xml"),
            ("/x?max_size=4%20parsecs", "max_size", "4 parsecs"),
            ("/x?layout=diagonal", "layout", "diagonal"),
        ] {
            match refused(query) {
                Refusal::BadValue { name: n, value: v } => {
                    assert_eq!((n.as_str(), v.as_str()), (name, value))
                }
                other => panic!("{query}: {other:?}"),
            }
        }
        assert!(matches!(refused("/x?min_quality=95"), Refusal::Profile(_)));
        assert!(matches!(refused("/x?gap=5000"), Refusal::Stitch(_)));
    }
}
