//! scanfit.exe started from Explorer rather than from a terminal. A double-click (no
//! arguments) opens the page, as `serve --open`; files or folders dropped onto the exe
//! (Explorer passes their paths as the arguments) are converted into a new folder beside
//! the first of them, and the window waits for Enter before it closes, so the summary
//! can be read. Explorer gives the program a console of its own; a terminal shares its
//! console with the program, and then the arguments are parsed exactly as on Linux.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use scanfit::words::{line, Args as WordArgs, Lang};

/// How the process was started.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// From a terminal or a script: the command line as it is.
    Terminal,
    /// Double-clicked: the page, opened in the browser.
    Page,
    /// Files or folders dropped onto the exe: these paths, converted.
    Dropped(Vec<PathBuf>),
}

/// How the process with command line `args` was started.
pub(super) fn start(args: &[OsString]) -> Start {
    decide(args, owns_console(), |p| p.exists())
}

/// [`start`]'s rule: only a process alone in its console was started by Explorer; it
/// was double-clicked without arguments, and given files or folders when every
/// argument is an existing path (a terminal's mistyped command never gets here: a
/// terminal shares its console).
fn decide(args: &[OsString], alone: bool, exists: impl Fn(&Path) -> bool) -> Start {
    let rest = args.get(1..).unwrap_or_default();
    if !alone {
        return Start::Terminal;
    }
    if rest.is_empty() {
        return Start::Page;
    }
    let paths: Vec<PathBuf> = rest.iter().map(PathBuf::from).collect();
    if paths.iter().all(|p| exists(p)) {
        Start::Dropped(paths)
    } else {
        Start::Terminal
    }
}

/// The command line a double-click stands for.
pub(super) fn page_args(program: &OsStr) -> Vec<OsString> {
    [program, OsStr::new("serve"), OsStr::new("--open")]
        .map(OsStr::to_owned)
        .to_vec()
}

/// The command line a drop stands for: the paths converted into [`output_folder`].
pub(super) fn convert_args(program: &OsStr, paths: &[PathBuf], output: &Path) -> Vec<OsString> {
    let mut args = vec![program.to_owned(), "convert".into()];
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(["--output".into(), output.as_os_str().to_owned()]);
    args
}

/// The folder a drop's outputs go to: beside the first path, named for it and for what
/// it holds (`客户A 备案图片`); ` (2)`, ` (3)`... after the name when an earlier drop
/// made that folder, so a drop never mixes its outputs with another's.
pub(super) fn output_folder(first: &Path, lang: Lang, exists: impl Fn(&Path) -> bool) -> PathBuf {
    let holds = line(lang, "cli-desktop-folder", WordArgs::new());
    let named = if first.is_dir() {
        first.file_name()
    } else {
        first.file_stem()
    };
    let stem = named.map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let base = format!("{stem} {holds}");
    let beside = first.parent().unwrap_or(Path::new("."));
    (1..)
        .map(|i| match i {
            1 => beside.join(&base),
            i => beside.join(format!("{base} ({i})")),
        })
        .find(|p| !exists(p))
        .expect("some name is free")
}

/// What a double-click's console says once the page is open at `url`.
#[cfg(feature = "serve")]
pub(super) fn say_page_open(url: &str, lang: Lang) {
    let args = WordArgs::new().text("url", url);
    println!("{}", line(lang, "cli-desktop-page_open", args));
}

/// After a drop: where the pictures are, then waits for Enter (or the end of the
/// input), so Explorer's window stays open while the summary is read.
pub(super) fn finish_drop(output: &Path, lang: Lang) {
    let args = WordArgs::new().text("folder", output.display());
    println!("{}", line(lang, "cli-desktop-drop_done", args));
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().lock().read_line(&mut String::new());
}

/// Whether this process is the only one attached to its console: true when Explorer
/// made the console for it, false in a terminal (the shell is attached too) and without
/// a console.
#[cfg(windows)]
fn owns_console() -> bool {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 2];
    // SAFETY: the list has room for the count given; the call writes at most that many.
    let attached = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    attached == 1
}

/// Elsewhere a program is never started with a console of its own.
#[cfg(not(windows))]
fn owns_console() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_console_of_its_own_decides_between_page_drop_and_command_line() {
        let exists = |p: &Path| p.to_str().is_some_and(|s| s.starts_with("C:"));
        assert_eq!(decide(&args(&["scanfit"]), true, exists), Start::Page);
        assert_eq!(
            decide(&args(&["scanfit", "C:\\a", "C:\\b.jpg"]), true, exists),
            Start::Dropped(vec![PathBuf::from("C:\\a"), PathBuf::from("C:\\b.jpg")])
        );
        // A subcommand or a missing path is a command line, even alone in a console.
        assert_eq!(
            decide(&args(&["scanfit", "convert", "C:\\a"]), true, exists),
            Start::Terminal
        );
        // A terminal: exactly the command line, whatever it holds.
        assert_eq!(decide(&args(&["scanfit"]), false, exists), Start::Terminal);
        assert_eq!(
            decide(&args(&["scanfit", "C:\\a"]), false, exists),
            Start::Terminal
        );
    }

    #[test]
    fn a_drop_goes_to_a_new_folder_beside_the_first_path_named_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let client = dir.path().join("客户A");
        std::fs::create_dir(&client).unwrap();
        let photo = dir.path().join("营业执照 副本.jpg");
        std::fs::write(&photo, b"x").unwrap();
        let none = |_: &Path| false;
        assert_eq!(
            output_folder(&client, Lang::Zh, none),
            dir.path().join("客户A 备案图片")
        );
        assert_eq!(
            output_folder(&photo, Lang::Zh, none),
            dir.path().join("营业执照 副本 备案图片")
        );
        let taken = dir.path().join("客户A 备案图片");
        let second = output_folder(&client, Lang::Zh, |p| p == taken);
        assert_eq!(second, dir.path().join("客户A 备案图片 (2)"));
        let en = output_folder(&client, Lang::En, none);
        assert_eq!(en, dir.path().join("客户A upload pictures"));
    }
}
