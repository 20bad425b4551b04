//! Which language the program speaks, decided once, before clap reads the command line:
//! the help and clap's own errors are already in that language, so it cannot wait for
//! the parse. Everything after gets it as a value (no process-wide locale, so tests in
//! parallel and a server answering in several languages cannot race on it).
//!
//! The order: `--lang zh|en` on the command line, then `SCANFIT_LANG`, then the locale
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set, as POSIX reads them), then on
//! Windows and macOS the language of the system's interface (through sys-locale; on
//! other systems the locale variables are the system's language). Any Chinese locale
//! gives Chinese, anything else (`C`, `POSIX`, another language) English.

use std::ffi::OsString;

use clap::ValueEnum;
use scanfit::words::Lang;

/// The environment variable that chooses the language for scanfit alone.
pub(super) const ENV: &str = "SCANFIT_LANG";

/// The language of this run, from the command line `args` (program name first), the
/// environment (`env` reads a variable) and the system's interface language.
pub(super) fn choose(
    args: &[OsString],
    env: impl Fn(&str) -> Option<String>,
    system: impl FnOnce() -> Option<String>,
) -> Lang {
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    flag(args)
        .or_else(|| set(ENV).map(|v| spoken(&v)))
        .or_else(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .into_iter()
                .find_map(set)
                .map(|v| spoken(&v))
        })
        .or_else(|| system().map(|v| spoken(&v)))
        .unwrap_or_default()
}

/// The language a locale names; English for `C`, `POSIX` and languages scanfit does
/// not speak.
fn spoken(locale: &str) -> Lang {
    Lang::from_tag(locale).unwrap_or(Lang::En)
}

/// The value of `--lang` (`--lang zh`, `--lang=zh`), if it is one clap will accept; a
/// wrong one is left for clap to refuse, in the language of the environment.
fn flag(args: &[OsString]) -> Option<Lang> {
    let mut args = args.iter().skip(1).map(|a| a.to_str());
    let mut chosen = None;
    while let Some(arg) = args.next() {
        let value = match arg {
            // Everything after `--` is a file name, even `--lang`.
            Some("--") => break,
            Some("--lang") => args.next().flatten(),
            Some(a) => a.strip_prefix("--lang="),
            None => None,
        };
        if let Some(lang) = value.and_then(|v| Lang::from_str(v, false).ok()) {
            // The last one given wins, as clap takes it.
            chosen = Some(lang);
        }
    }
    chosen
}

/// The language of the system's interface, where it is not in the environment.
#[cfg(any(windows, target_os = "macos"))]
pub(super) fn system() -> Option<String> {
    sys_locale::get_locale()
}

/// Unix systems but macOS keep their language in the locale variables, already read.
#[cfg(not(any(windows, target_os = "macos")))]
pub(super) fn system() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)], system: Option<&str>) -> Lang {
        let args: Vec<OsString> = std::iter::once("scanfit")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let env = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        choose(&args, env, || system.map(str::to_owned))
    }

    #[test]
    fn the_locale_decides_when_nothing_else_does() {
        assert_eq!(run(&[], &[("LANG", "zh_CN.UTF-8")], None), Lang::Zh);
        assert_eq!(run(&[], &[("LANG", "C")], Some("zh-CN")), Lang::En);
        assert_eq!(run(&[], &[("LANG", "en_US.UTF-8")], None), Lang::En);
        assert_eq!(run(&[], &[("LANG", "zh_TW.UTF-8")], None), Lang::Zh);
        assert_eq!(run(&[], &[("LANG", "fr_FR.UTF-8")], None), Lang::En);
        assert_eq!(run(&[], &[], None), Lang::En);
    }

    #[test]
    fn lc_all_then_lc_messages_then_lang() {
        let zh = ("LANG", "zh_CN.UTF-8");
        assert_eq!(run(&[], &[("LC_ALL", "C"), zh], None), Lang::En);
        assert_eq!(run(&[], &[("LC_MESSAGES", "en_GB"), zh], None), Lang::En);
        assert_eq!(
            run(
                &[],
                &[("LC_ALL", ""), ("LC_MESSAGES", "zh_SG"), ("LANG", "C")],
                None
            ),
            Lang::Zh
        );
    }

    #[test]
    fn the_system_language_when_no_locale_is_set() {
        assert_eq!(run(&[], &[], Some("zh-Hans-CN")), Lang::Zh);
        assert_eq!(run(&[], &[], Some("en-US")), Lang::En);
    }

    #[test]
    fn scanfit_lang_beats_the_locale_and_the_flag_beats_both() {
        assert_eq!(
            run(&[], &[("SCANFIT_LANG", "zh"), ("LANG", "C")], None),
            Lang::Zh
        );
        assert_eq!(
            run(
                &[],
                &[("SCANFIT_LANG", "en"), ("LANG", "zh_CN.UTF-8")],
                None
            ),
            Lang::En
        );
        let zh = [("SCANFIT_LANG", "zh"), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(run(&["--lang", "en", "check", "a"], &zh, None), Lang::En);
        assert_eq!(run(&["check", "a", "--lang=en"], &zh, None), Lang::En);
        assert_eq!(
            run(&["check", "--lang", "zh"], &[("LANG", "C")], None),
            Lang::Zh
        );
    }

    #[test]
    fn a_wrong_or_escaped_flag_is_not_a_choice() {
        let zh = [("LANG", "zh_CN.UTF-8")];
        // clap refuses the value; its error is then said in the locale's language.
        assert_eq!(run(&["--lang", "fr"], &zh, None), Lang::Zh);
        assert_eq!(run(&["--lang"], &zh, None), Lang::Zh);
        // After `--`, `--lang en` are two file names.
        assert_eq!(run(&["check", "--", "--lang", "en"], &zh, None), Lang::Zh);
    }
}
