//! clap's words in the run's language: the help of every command and flag, the
//! placeholders of values, the headings, the defaults and possible values, and the
//! errors clap finds on the command line.
//!
//! The flags are declared in the derive structs without help (no doc comments), so
//! their words exist once, in the catalogue's `help.ftl`: `about-<command>` for a
//! command, `help-<command>-<flag>` where a flag means something of its own in one
//! command, else `help-<flag>`, and `value-<name>` for a placeholder. clap's own
//! English (headings, `[default: ...]`, `[possible values: ...]`, the help and version
//! flags, its error sentences) is replaced by the catalogue's too; what clap would
//! still say in English is listed in [`error_text`].

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use scanfit::words::{line, say, try_text, Args, Lang};

/// The defaults of optional flags, per subcommand, which clap cannot show itself (see
/// `super::implied_defaults`).
pub(super) type Implied = fn(&str) -> Vec<(&'static str, String)>;

/// `cmd` (as derived) with every word a person reads in `lang`, ready to parse.
pub(super) fn localize(mut cmd: Command, lang: Lang, implied: Implied) -> Command {
    let w = |id: &str| line(lang, id, Args::new());
    // Declared before `command` words every flag, so it gets its heading too.
    cmd = cmd.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version),
    );
    cmd = command(cmd, "scanfit", lang, &[])
        .subcommand_value_name(w("value-command"))
        .subcommand_help_heading(w("heading-commands"));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let defaults = implied(&name);
        cmd = cmd.mut_subcommand(&name, |sub| {
            nested(command(sub, &name, lang, &defaults), &name, lang)
        });
    }
    // Building adds clap's `help` subcommand and copies the global `--lang` into every
    // subcommand (with its words, given above); the help subcommand gets its words
    // after.
    cmd.build();
    cmd = cmd.mut_subcommand("help", |sub| {
        let sub = sub.about(w("about-help"));
        args(sub, "help", lang, &[])
    });
    usages(cmd, lang)
}

/// One command's about, flags, headings and help template.
fn command(cmd: Command, name: &str, lang: Lang, implied: &[(&'static str, String)]) -> Command {
    let w = |id: &str| line(lang, id, Args::new());
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        w("heading-usage")
    );
    let cmd = cmd
        .about(w(&format!("about-{name}")))
        .help_template(template)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                // Last, after `--lang`.
                .display_order(1001),
        );
    args(cmd, name, lang, implied)
}

/// The subcommands of command `parent` (`report merge`), worded as `parent-child`.
fn nested(mut cmd: Command, parent: &str, lang: Lang) -> Command {
    let w = |id: &str| line(lang, id, Args::new());
    let children: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    if children.is_empty() {
        return cmd;
    }
    cmd = cmd
        .subcommand_value_name(w("value-command"))
        .subcommand_help_heading(w("heading-commands"));
    for child in children {
        let name = format!("{parent}-{child}");
        cmd = cmd.mut_subcommand(&child, |sub| command(sub, &name, lang, &[]));
    }
    cmd
}

/// Every flag of `cmd`: its help, placeholder, heading, default and possible values.
fn args(cmd: Command, name: &str, lang: Lang, implied: &[(&'static str, String)]) -> Command {
    let w = |id: &str| line(lang, id, Args::new());
    cmd.mut_args(|arg| {
        let id = arg.get_id().as_str().to_owned();
        let mut help = flag_help(lang, name, &id);
        let shown = arg.get_default_values();
        let default = if !arg.get_action().takes_values() {
            None
        } else if !shown.is_empty() {
            let values: Vec<String> = shown.iter().map(|v| v.to_string_lossy().into()).collect();
            Some(values.join(","))
        } else {
            implied
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, v)| v.clone())
        };
        if let Some(value) = default {
            let note = line(lang, "note-default", Args::new().text("value", value));
            help = format!("{help} {note}");
        }
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        if !possible.is_empty() && arg.get_action().takes_values() {
            let values = possible.join(", ");
            let note = line(lang, "note-possible", Args::new().text("values", values));
            help = format!("{help} {note}");
        }
        let names: Option<Vec<String>> = arg
            .get_value_names()
            .map(|n| n.iter().map(|v| w(&value_id(v))).collect());
        let heading = if arg.is_positional() {
            "heading-arguments"
        } else {
            "heading-options"
        };
        let takes_values = arg.get_action().takes_values();
        let arg = arg.help(help).help_heading(w(heading));
        // Shown in the help text above, in `lang`; clap refuses the setting on a flag
        // without a value.
        let arg = if takes_values {
            arg.hide_default_value(true).hide_possible_values(true)
        } else {
            arg
        };
        match names {
            Some(names) => arg.value_names(names),
            None => arg,
        }
    })
}

/// The help of flag `id` of command `name`: its own in that command, else the shared.
pub(super) fn flag_help(lang: Lang, name: &str, id: &str) -> String {
    try_text(lang, &format!("help-{name}-{id}"), &Default::default())
        .unwrap_or_else(|_| line(lang, &format!("help-{id}"), Args::new()))
}

/// The catalogue id of a placeholder: `FILE.toml` → `value-file_toml`.
pub(super) fn value_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("value-{id}")
}

/// Every command's usage line with clap's `[OPTIONS]` in `lang` (clap words the rest
/// from the placeholders, already in `lang`).
fn usages(mut cmd: Command, lang: Lang) -> Command {
    let options = line(lang, "usage-options", Args::new());
    let usage = |c: &mut Command| {
        // clap renders "Usage: " before the line; the template and errors put the
        // heading in `lang` before it instead.
        let text = c.render_usage().to_string();
        let text = text.strip_prefix("Usage: ").unwrap_or(&text);
        text.replace("[OPTIONS]", &options)
    };
    let root = usage(&mut cmd);
    let subs: Vec<(String, String)> = cmd
        .get_subcommands_mut()
        .map(|s| (s.get_name().to_owned(), usage(s)))
        .collect();
    for (name, text) in subs {
        cmd = cmd.mut_subcommand(name, |s| usages(s, lang).override_usage(text));
    }
    cmd.override_usage(root)
}

/// A command line clap refused, in `lang`: what is wrong, a tip where clap has one,
/// the usage, and where to read more. Help and version requests are not errors and
/// are printed by clap (their words are already in `lang`).
///
/// Still English: the text of an error clap does not say what kind it is (`Io`,
/// `Format`: writing the help itself failed), and the reason of a value refused by
/// one of clap's own parsers whose cause is not typed (a number out of a type's range):
/// such a value is said to be invalid, without the reason.
pub(super) fn error_text(e: &clap::Error, lang: Lang) -> String {
    let message = match message(e, lang) {
        Some(m) => m,
        None => return e.render().to_string(),
    };
    let mut text = line(lang, "usage-error", Args::new().text("message", message));
    for tip in tips(e, lang) {
        text.push_str("\n\n  ");
        text.push_str(&tip);
    }
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
        text.push_str(&format!(
            "\n\n{} {usage}",
            line(lang, "heading-usage", Args::new())
        ));
    }
    let more = line(lang, "usage-more", Args::new().text("help", "--help"));
    format!("{text}\n\n{more}")
}

/// A context value as text, lists joined.
fn ctx(e: &clap::Error, kind: ContextKind, lang: Lang) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(quoted(v, lang)),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

/// `'a', 'b'` in the language's list form.
fn quoted(items: &[String], lang: Lang) -> String {
    let sep = line(lang, "list-separator", Args::new());
    items
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(&sep)
}

/// What clap found wrong, in `lang`; `None` for the kinds it does not describe.
fn message(e: &clap::Error, lang: Lang) -> Option<String> {
    let get = |kind| ctx(e, kind, lang).unwrap_or_default();
    let arg = || get(ContextKind::InvalidArg);
    let say_it = |id: &str, args: Args| Some(line(lang, id, args));
    match e.kind() {
        ErrorKind::UnknownArgument => {
            say_it("usage-unknown_argument", Args::new().text("arg", arg()))
        }
        ErrorKind::InvalidValue => {
            let value = get(ContextKind::InvalidValue);
            let mut text = if value.is_empty() {
                line(lang, "usage-missing_value", Args::new().text("arg", arg()))
            } else {
                let args = Args::new().text("arg", arg()).text("value", value);
                line(lang, "usage-invalid_value", args)
            };
            if let Some(ContextValue::Strings(values)) = e.get(ContextKind::ValidValue) {
                let note = Args::new().text("values", values.join(", "));
                text = format!("{text} {}", line(lang, "note-possible", note));
            }
            Some(text)
        }
        ErrorKind::ValueValidation => {
            let args = Args::new()
                .text("arg", arg())
                .text("value", get(ContextKind::InvalidValue));
            Some(match why(e, lang) {
                Some(why) => line(lang, "usage-value_validation", args.text("why", why)),
                None => line(lang, "usage-invalid_value", args),
            })
        }
        ErrorKind::InvalidSubcommand => say_it(
            "usage-invalid_subcommand",
            Args::new().text("command", get(ContextKind::InvalidSubcommand)),
        ),
        ErrorKind::MissingRequiredArgument => {
            say_it("usage-missing_required", Args::new().text("args", arg()))
        }
        ErrorKind::MissingSubcommand => say_it(
            "usage-missing_subcommand",
            Args::new().text("command", get(ContextKind::InvalidSubcommand)),
        ),
        ErrorKind::TooManyValues => say_it(
            "usage-too_many_values",
            Args::new()
                .text("arg", arg())
                .text("value", get(ContextKind::InvalidValue)),
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let expected = ctx(e, ContextKind::ExpectedNumValues, lang)
                .or_else(|| ctx(e, ContextKind::MinValues, lang))
                .unwrap_or_default();
            say_it(
                "usage-wrong_number",
                Args::new()
                    .text("arg", arg())
                    .text("expected", expected)
                    .text("given", get(ContextKind::ActualNumValues)),
            )
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg() {
                say_it("usage-repeated", Args::new().text("arg", arg()))
            } else {
                let other = match e.get(ContextKind::PriorArg) {
                    Some(ContextValue::String(s)) => format!("'{s}'"),
                    _ => prior,
                };
                say_it(
                    "usage-conflict",
                    Args::new().text("arg", arg()).text("other", other),
                )
            }
        }
        ErrorKind::NoEquals => say_it("usage-no_equals", Args::new().text("arg", arg())),
        ErrorKind::InvalidUtf8 => say_it("usage-invalid_utf8", Args::new()),
        _ => None,
    }
}

/// Why a value was refused, when its parser's error is one scanfit can word.
fn why(e: &clap::Error, lang: Lang) -> Option<String> {
    use std::error::Error;
    let source = e.source()?;
    if let Some(size) = source.downcast_ref::<scanfit::options::SizeError>() {
        return Some(say(size, lang));
    }
    if let Some(profile) = source.downcast_ref::<scanfit::options::ProfileError>() {
        return Some(say(profile, lang));
    }
    if let Some(shard) = source.downcast_ref::<scanfit::shard::ShardError>() {
        return Some(say(shard, lang));
    }
    if let Some(originals) = source.downcast_ref::<scanfit::watch::BadOriginals>() {
        return Some(say(originals, lang));
    }
    let number = source.is::<std::num::ParseIntError>() || source.is::<std::num::ParseFloatError>();
    number.then(|| line(lang, "usage-not_a_number", Args::new()))
}

/// clap's suggestions, in `lang`: a similar flag, command or value, or how to pass a
/// value that starts with `-`.
fn tips(e: &clap::Error, lang: Lang) -> Vec<String> {
    let mut tips: Vec<String> = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .filter_map(|kind| match e.get(kind)? {
        ContextValue::String(s) => Some(format!("'{s}'")),
        ContextValue::Strings(v) => Some(quoted(v, lang)),
        _ => None,
    })
    .map(|similar| line(lang, "usage-similar", Args::new().text("similar", similar)))
    .collect();
    let arg = ctx(e, ContextKind::InvalidArg, lang).unwrap_or_default();
    if e.get(ContextKind::Suggested).is_some() && arg.starts_with('-') {
        tips.push(line(lang, "usage-escape", Args::new().text("arg", arg)));
    }
    tips
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// The catalogue ids `localize` asks for, for `cmd` (worded as `name`) and every
    /// command under it, that `lang` lacks.
    fn missing(cmd: &Command, name: &str, lang: Lang, out: &mut Vec<String>) {
        let has = |id: &str| try_text(lang, id, &Default::default()).is_ok();
        let mut want = vec![format!("about-{name}")];
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if !has(&format!("help-{name}-{id}")) {
                want.push(format!("help-{id}"));
            }
            // clap gives flags without a value a name too; it is never shown.
            if arg.get_action().takes_values() {
                let names = arg.get_value_names().into_iter().flatten();
                want.extend(names.map(|v| value_id(v)));
            }
        }
        out.extend(
            want.into_iter()
                .filter(|id| !has(id))
                .map(|id| format!("{}: {id}", lang.tag())),
        );
        // clap's `help` command takes the command names as values; they are not worded.
        for sub in cmd.get_subcommands().filter(|_| name != "help") {
            let child = match name {
                "scanfit" => sub.get_name().to_owned(),
                parent => format!("{parent}-{}", sub.get_name()),
            };
            missing(sub, &child, lang, out);
        }
    }

    /// A flag or command added without its words would show its catalogue id (or the
    /// English, in Chinese help) instead of help: every one has its own in every
    /// language, in the tree clap builds (with its `help` command and the global
    /// `--lang` copied into every subcommand).
    #[test]
    fn every_command_flag_and_placeholder_has_words_in_every_language() {
        let mut cmd = super::super::Cli::command();
        cmd.build();
        assert!(
            cmd.get_subcommands().count() >= 7,
            "the walk sees the commands"
        );
        let mut gaps = Vec::new();
        for &lang in Lang::ALL {
            missing(&cmd, "scanfit", lang, &mut gaps);
        }
        assert!(gaps.is_empty(), "no words for:\n{}", gaps.join("\n"));

        // The walk finds a gap when there is one.
        let extra = Command::new("scanfit").arg(Arg::new("no_such_flag").long("no-such-flag"));
        let mut gaps = Vec::new();
        missing(&extra, "scanfit", Lang::Zh, &mut gaps);
        assert_eq!(gaps, ["zh: help-no_such_flag"]);
    }
}
