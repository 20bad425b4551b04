//! Everything drawn on the terminal: progress bars, per-file lines, tables and
//! summaries, in the run's language, with widths measured as the terminal shows them.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use scanfit::check::CheckRecord;
use scanfit::rules::assess::FolderSummary;
use scanfit::rules::Rules;
use scanfit::run::Progress;
use scanfit::sweep::Sweep;
use scanfit::words::{kind_name, line, say, Args, Lang, Message};
use scanfit::{CheckSummary, Record, Status, Summary, Why};
use unicode_width::UnicodeWidthStr;

use super::{path_arg, with_flags};

/// What a progress bar counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Counts {
    /// Input files (convert, stitch): one step per input, whatever its pages.
    Files,
    /// Units of work (sweep: encodes).
    Units,
}

/// The terminal side of progress: a bar on a terminal, and one line per problem always.
pub(super) struct Bar {
    bar: ProgressBar,
    counts: Counts,
    lang: Lang,
    totals: Mutex<Summary>,
}

impl Bar {
    /// A bar counting input files.
    pub(super) fn new(quiet: bool, lang: Lang) -> Bar {
        Bar::counting(quiet, lang, Counts::Files)
    }

    /// A bar counting encodes.
    pub(super) fn encodes(quiet: bool, lang: Lang) -> Bar {
        Bar::counting(quiet, lang, Counts::Units)
    }

    fn counting(quiet: bool, lang: Lang, counts: Counts) -> Bar {
        let unit = match counts {
            Counts::Files => "cli-bar-files",
            Counts::Units => "cli-bar-encodes",
        };
        Bar {
            bar: progress_bar(quiet, lang, &line(lang, unit, Args::new())),
            counts,
            lang,
            totals: Mutex::new(Summary::default()),
        }
    }

    /// Removes the bar (the lines printed stay).
    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A progress bar counting `unit` on stderr, hidden under `--quiet` or when stderr is
/// not a terminal (logs and pipes get the problem lines and the summary only).
fn progress_bar(quiet: bool, lang: Lang, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    let eta = line(lang, "cli-bar-eta", Args::new());
    // Braces in the words would be read as template keys.
    let [unit, eta] = [unit, &eta].map(|w| w.replace(['{', '}'], ""));
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {unit}  {{msg}}  {eta} {{eta}}"
        ))
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

impl Progress for Bar {
    fn start(&self, items: u64, units: u64) {
        match self.counts {
            Counts::Files => self.bar.set_length(items),
            Counts::Units => {
                self.bar.set_length(units);
                self.bar.set_message(line(
                    self.lang,
                    "cli-bar-sampled",
                    Args::new().num("files", items),
                ));
            }
        }
    }

    fn advance(&self, units: u64) {
        if self.counts == Counts::Units {
            self.bar.inc(units);
        }
    }

    fn record(&self, r: &Record) {
        if r.first_of_input() {
            self.bar.inc(1);
        }
        // A stitched picture is known by its output: its input is only the first piece.
        let name = match (&r.output, r.pieces.is_empty()) {
            (Some(output), false) => output.as_path(),
            _ => r.subject.input.as_path(),
        };
        if let Some(text) = problem_line(r, name, self.lang) {
            self.bar.suspend(|| eprintln!("{text}"));
        }
        if r.bytes_out.is_some() {
            let mut totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
            totals.add(r);
            self.bar.set_message(line(
                self.lang,
                "cli-bar-bytes",
                Args::new()
                    .size("bytes_in", totals.bytes_in, self.lang)
                    .size("bytes_out", totals.bytes_out, self.lang),
            ));
        }
    }
}

/// "FAILED name: why" or "warning name: what", for a record that has one.
fn problem_line(r: &Record, name: &Path, lang: Lang) -> Option<String> {
    // A multi-page input fails or warns page by page; the line must say which page,
    // because the reasons themselves do not repeat it.
    let name = match r.page {
        Some(page) => line(lang, "cli-path-page", path_arg(name).num("page", page)),
        None => name.display().to_string(),
    };
    match r.status {
        Status::Failed => Some(line(
            lang,
            "cli-failed",
            Args::new()
                .text("path", &name)
                .text("why", why_text(r.error.as_ref(), lang)),
        )),
        Status::Warn => Some(line(
            lang,
            "cli-warned",
            Args::new()
                .text("path", &name)
                .text("warnings", warnings_text(r, lang)),
        )),
        Status::Ok | Status::Skipped => None,
    }
}

/// A record's warnings, joined.
fn warnings_text(r: &Record, lang: Lang) -> String {
    let sep = line(lang, "list-reasons", Args::new());
    r.warnings()
        .iter()
        .map(|w| say(w, lang))
        .collect::<Vec<_>>()
        .join(&sep)
}

/// Why a record failed or was skipped, with the flag that changes it where there is one
/// (the library's words name no flag: it does not know where its settings came from).
fn why_text(why: Option<&Why>, lang: Lang) -> String {
    let Some(why) = why else {
        return line(lang, "cli-unknown_error", Args::new());
    };
    let text = say(why, lang);
    match why.code() {
        "output_exists" => line(
            lang,
            "cli-hint-output_exists",
            Args::new().text("why", text),
        ),
        "too_many_pixels" => with_flags(text, &["--max-pixels"], lang),
        "input_too_large" => with_flags(text, &["--max-input-size"], lang),
        _ => text,
    }
}

/// "skipped name: why".
pub(super) fn print_skipped(r: &Record, name: &Path, lang: Lang) {
    eprintln!(
        "{}",
        line(
            lang,
            "cli-skipped",
            path_arg(name).text("why", why_text(r.error.as_ref(), lang))
        )
    );
}

/// watch's line for one finished output, with the running count.
pub(super) fn watch_line(r: &Record, totals: &Summary, lang: Lang) -> String {
    let count = line(
        lang,
        "cli-watch-count",
        Args::new()
            .num("converted", (totals.ok + totals.warned) as u64)
            .num("failed", totals.failed as u64),
    );
    let text = match r.status {
        Status::Ok | Status::Warn => line(
            lang,
            "cli-watch-wrote",
            Args::new()
                .text("input", r.subject.input.display())
                .text(
                    "output",
                    r.output.as_deref().unwrap_or(Path::new("?")).display(),
                )
                .size("size", r.bytes_out.unwrap_or(0), lang)
                .num("millis", r.millis)
                .text(
                    "warnings",
                    if r.warnings().is_empty() {
                        "none".to_owned()
                    } else {
                        warnings_text(r, lang)
                    },
                ),
        ),
        Status::Failed => problem_line(r, &r.subject.input, lang).unwrap_or_default(),
        // watch has no --overwrite: it never replaces an output it did not write.
        Status::Skipped => line(
            lang,
            "cli-skipped",
            path_arg(&r.subject.input).text(
                "why",
                r.error.as_ref().map(|w| say(w, lang)).unwrap_or_default(),
            ),
        ),
    };
    format!("{count} {text}")
}

/// Writes the report to `path` when one was asked for: CSV when it ends in `.csv`,
/// JSON Lines otherwise.
pub(super) fn write_report(
    path: Option<&Path>,
    records: &[Record],
    lang: Lang,
) -> anyhow::Result<()> {
    report_to(
        path,
        lang,
        |out| scanfit::rows::write_csv(records, lang, out),
        |out| scanfit::rows::write_jsonl(records, lang, out),
    )
}

/// Creates the report file at `path` (if any) and writes it with `csv` when its name
/// ends in `.csv`, else with `jsonl`.
pub(super) fn report_to(
    path: Option<&Path>,
    lang: Lang,
    csv: impl FnOnce(BufWriter<File>) -> std::io::Result<()>,
    jsonl: impl FnOnce(BufWriter<File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let context = || line(lang, "cli-writing_report", path_arg(path));
    let file = BufWriter::new(File::create(path).with_context(context)?);
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        csv(file).with_context(context)
    } else {
        jsonl(file).with_context(context)
    }
}

fn dry_run(dry: bool, lang: Lang) -> String {
    if dry {
        line(lang, "cli-dry_run", Args::new())
    } else {
        String::new()
    }
}

/// Counts shared by the summaries of the commands that write.
fn counts(s: &Summary) -> Args {
    Args::new()
        .num("converted", (s.ok + s.warned) as u64)
        .num("warned", s.warned as u64)
        .num("failed", s.failed as u64)
        .num("skipped", s.skipped as u64)
}

/// convert's closing line.
pub(super) fn print_summary_convert(s: &Summary, dry: bool, lang: Lang) {
    let args = counts(s)
        .size("bytes_in", s.bytes_in, lang)
        .size("bytes_out", s.bytes_out, lang)
        .text("dry", dry_run(dry, lang));
    eprintln!("{}", line(lang, "cli-summary-convert", args));
}

/// stitch's closing line.
pub(super) fn print_summary_stitch(s: &Summary, dry: bool, lang: Lang) {
    let args = counts(s).text("dry", dry_run(dry, lang));
    eprintln!("{}", line(lang, "cli-summary-stitch", args));
}

/// watch's closing line.
pub(super) fn print_summary_watch(s: &Summary, lang: Lang) {
    eprintln!("{}", line(lang, "cli-summary-watch", counts(s)));
}

/// check's closing line.
pub(super) fn print_summary_check(checked: usize, s: &CheckSummary, lang: Lang) {
    let args = Args::new()
        .num("checked", checked as u64)
        .num("pass", s.pass as u64)
        .num("warn", s.warn as u64)
        .num("fail", s.fail as u64)
        .num("skipped", s.skipped as u64);
    eprintln!("{}", line(lang, "cli-summary-check", args));
}

/// One line per file: verdict, file, format, size, dimensions, reasons. Columns are
/// padded to the widest entry so the reasons line up.
pub(super) fn print_check_table(
    records: &[CheckRecord],
    lang: Lang,
    mut out: impl Write,
) -> std::io::Result<()> {
    let sep = line(lang, "list-reasons", Args::new());
    let rows: Vec<[String; 6]> = records
        .iter()
        .map(|r| {
            let dims = match (r.width, r.height) {
                (Some(w), Some(h)) => {
                    let args = Args::new().num("width", w).num("height", h);
                    match r.pages {
                        Some(n) => line(lang, "cli-dims-pages", args.num("pages", n)),
                        None => line(lang, "cli-dims", args),
                    }
                }
                _ => "-".into(),
            };
            // How much of the text was read, for a picture whose text was read.
            let dims = match r.characters {
                Some((characters, sure)) => {
                    let percent = (u64::from(sure) * 100)
                        .checked_div(u64::from(characters))
                        .unwrap_or(100);
                    let args = Args::new()
                        .text("dims", dims)
                        .num("characters", characters)
                        .num("sure", sure)
                        .num("percent", percent);
                    line(lang, "cli-characters-read", args)
                }
                None => dims,
            };
            let reasons: Vec<String> = r.reasons.iter().map(|x| say(x, lang)).collect();
            [
                say(&r.verdict, lang),
                r.subject.input.display().to_string(),
                r.subject.format.map_or("-".into(), |f| f.name().to_owned()),
                scanfit::words::size(r.subject.bytes, lang),
                dims,
                reasons.join(&sep),
            ]
        })
        .collect();
    // Client folders are full of Chinese names, which take two columns per character.
    write_aligned(&rows, &[false; 6], &mut out)?;
    out.flush()
}

/// One line per client folder after check's table: its verdict, the documents found
/// by kind, and what the rules found about it (a missing ID, a manifest row without its
/// picture).
pub(super) fn print_folders(
    folders: &[FolderSummary],
    rules: &Rules,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    if folders.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", line(lang, "cli-folders", Args::new()))?;
    let sep = line(lang, "list-separator", Args::new());
    let rows: Vec<[String; 4]> = folders
        .iter()
        .map(|f| {
            let mut found: Vec<String> = f
                .documents
                .iter()
                .map(|kf| {
                    let kind = rules.kind_name(&kf.kind);
                    let args = Args::new()
                        .text("kind", kind_name(&kind, lang))
                        .num("count", kf.files.len() as u64);
                    line(lang, "cli-folder-kind", args)
                })
                .collect();
            if !f.unrecognised.is_empty() {
                let args = Args::new().num("count", f.unrecognised.len() as u64);
                found.push(line(lang, "cli-folder-unrecognised", args));
            }
            let findings: Vec<String> = f.findings.iter().map(|x| say(x, lang)).collect();
            [
                say(&f.verdict(), lang),
                f.folder.display().to_string(),
                found.join(&sep),
                findings.join(&line(lang, "list-reasons", Args::new())),
            ]
        })
        .collect();
    write_aligned(&rows, &[false; 4], out)
}

/// One line per setting, Pareto and default marked, the recommendation starred; the
/// two header rows in `lang`, every column padded in terminal columns (a Chinese head
/// takes two per character).
pub(super) fn print_sweep_table(
    sweep: &Sweep,
    lang: Lang,
    mut out: impl Write,
) -> std::io::Result<()> {
    let w = |id: &str| line(lang, id, Args::new());
    let mut rows: Vec<[String; 10]> = vec![
        [
            String::new(),
            w("cli-sweep-head"),
            w("cli-sweep-total"),
            w("cli-sweep-median"),
            w("cli-sweep-in_band"),
            w("cli-sweep-median"),
            w("cli-sweep-worst"),
            w("cli-sweep-worst"),
            w("cli-sweep-ms"),
            w("cli-sweep-front"),
        ],
        [
            String::new(),
            String::new(),
            w("cli-sweep-bytes"),
            w("cli-sweep-bytes"),
            String::new(),
            w("cli-sweep-legibility"),
            w("cli-sweep-legibility"),
            w("cli-sweep-colour"),
            w("cli-sweep-encode"),
            String::new(),
        ],
    ];
    for (i, r) in sweep.results.iter().enumerate() {
        let mark = if sweep.recommended == Some(i) {
            "*"
        } else if r.default {
            "d"
        } else {
            ""
        };
        rows.push([
            mark.to_owned(),
            r.setting.label_in(lang),
            r.total_bytes.to_string(),
            r.median_bytes.to_string(),
            format!("{:.0}%", r.in_band * 100.0),
            format!("{:.3}", r.median_score),
            format!("{:.3}", r.worst_score),
            format!("{:.3}", r.worst_colour),
            format!("{:.1}", r.ms_per_megapixel),
            if r.pareto {
                w("cli-sweep-yes")
            } else {
                String::new()
            },
        ]);
    }
    // The mark and the setting read left to right, the numbers line up on the right.
    let right = [
        false, false, true, true, true, true, true, true, true, false,
    ];
    write_aligned(&rows, &right, &mut out)?;
    let legend = Args::new()
        .text("floor", format!("{:.2}", sweep.floor))
        .text("colour_floor", format!("{:.2}", sweep.colour_floor));
    writeln!(out, "{}", line(lang, "cli-sweep-legend", legend))?;
    out.flush()
}

/// Writes rows with every column padded to its widest cell in terminal columns, to the
/// left or (where `right`) to the right, two spaces apart.
pub(super) fn write_aligned<const N: usize>(
    rows: &[[String; N]],
    right: &[bool; N],
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths.iter().zip(right))
            .map(|(cell, (w, right))| {
                let pad = " ".repeat(w - cell.width());
                if *right {
                    format!("{pad}{cell}")
                } else {
                    format!("{cell}{pad}")
                }
            })
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
