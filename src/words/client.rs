//! Words a client fills in itself. The web page shows counts and sizes that change in
//! the browser, so it gets each of its texts once, with every argument left in place as
//! `{ $name }` for its script to fill: the catalogue stays the one source of the page's
//! words, in every language the catalogue speaks.

use std::collections::BTreeSet;

use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::{text, Lang, FILES};

/// Every message of `area` in `lang` (English where `lang` lacks one), each argument
/// left as `{ $name }`, in the order of the English file.
pub fn unfilled(lang: Lang, area: &str) -> Vec<(String, String)> {
    english_messages(area)
        .into_iter()
        .map(|(id, args)| {
            let words = text(lang, &id, &args);
            (id, words)
        })
        .collect()
}

/// The messages of an area's English file, each with its arguments set to placeholders.
fn english_messages(area: &str) -> Vec<(String, FluentArgs<'static>)> {
    let english = || {
        FILES
            .iter()
            .filter(|(l, _, _)| *l == Lang::En)
            .map(|(_, a, text)| (*a, *text))
    };
    // Variables come through referenced messages, which may be in another area.
    let all = messages(english().map(|(_, text)| text));
    let own = messages(english().filter(|(a, _)| *a == area).map(|(_, text)| text));
    own.into_iter()
        .map(|(id, _)| {
            let mut args = FluentArgs::new();
            if let Some((_, variables)) = all.iter().find(|(i, _)| *i == id) {
                for name in variables {
                    args.set(name.clone(), FluentValue::from(format!("{{ ${name} }}")));
                }
            }
            (id, args)
        })
        .collect()
}

/// Every message of some Fluent files, in order: its id and the variables it uses,
/// through the messages it references too. A file that does not parse adds nothing.
pub(super) fn messages<'a>(
    files: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, BTreeSet<String>)> {
    let resources: Vec<FluentResource> = files
        .into_iter()
        .filter_map(|ftl| FluentResource::try_new(ftl.to_owned()).ok())
        .collect();
    let direct: Vec<(String, BTreeSet<String>, BTreeSet<String>)> = resources
        .iter()
        .flat_map(|r| r.entries())
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m),
            _ => None,
        })
        .map(|m| {
            let (mut vars, mut refs) = (BTreeSet::new(), BTreeSet::new());
            if let Some(value) = &m.value {
                pattern_uses(value, &mut vars, &mut refs);
            }
            (m.id.name.to_owned(), vars, refs)
        })
        .collect();
    direct
        .iter()
        .map(|(id, vars, refs)| {
            let mut all = vars.clone();
            for r in refs {
                if let Some((_, v, _)) = direct.iter().find(|(i, _, _)| i == r) {
                    all.extend(v.iter().cloned());
                }
            }
            (id.clone(), all)
        })
        .collect()
}

/// The variables a pattern uses, and the messages it references.
fn pattern_uses(
    pattern: &ast::Pattern<&str>,
    vars: &mut BTreeSet<String>,
    refs: &mut BTreeSet<String>,
) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_uses(expression, vars, refs);
        }
    }
}

fn expression_uses(
    e: &ast::Expression<&str>,
    vars: &mut BTreeSet<String>,
    refs: &mut BTreeSet<String>,
) {
    let inline = |i: &ast::InlineExpression<&str>,
                  vars: &mut BTreeSet<String>,
                  refs: &mut BTreeSet<String>| match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            refs.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_uses(expression, vars, refs),
        // NUMBER($n, ...): its arguments are used too.
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                if let ast::InlineExpression::VariableReference { id } = a {
                    vars.insert(id.name.to_owned());
                }
            }
        }
        _ => {}
    };
    match e {
        ast::Expression::Inline(i) => inline(i, vars, refs),
        ast::Expression::Select { selector, variants } => {
            inline(selector, vars, refs);
            for v in variants {
                pattern_uses(&v.value, vars, refs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{ $name }` placeholders in a text.
    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split("{ $")
            .skip(1)
            .filter_map(|rest| rest.split_once(" }").map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn the_page_gets_every_text_with_its_arguments_left_to_fill() {
        let english = messages([FILES.iter().find(|f| f.1 == "page").unwrap().2]);
        assert!(english.len() > 20, "{} page messages", english.len());
        for &lang in Lang::ALL {
            let texts = unfilled(lang, "page");
            assert_eq!(texts.len(), english.len());
            for ((id, text), (english_id, variables)) in texts.iter().zip(&english) {
                assert_eq!(id, english_id);
                assert!(!text.is_empty(), "{id}");
                assert_eq!(&placeholders(text), variables, "{}: {id}", lang.tag());
            }
        }
        let summary = unfilled(Lang::En, "page")
            .into_iter()
            .find(|(id, _)| id == "page-summary")
            .unwrap()
            .1;
        assert!(
            summary.starts_with("{ $files } files: { $pass } pass"),
            "{summary}"
        );
    }
}
