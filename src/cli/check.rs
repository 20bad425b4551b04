//! `scanfit check`: would the portal take these files, and would its reviewer take the
//! documents (the rules of [`scanfit::rules`]), writing nothing but the reports asked for.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use scanfit::rules::assess::{sets_csv, Assessment, Context};
use scanfit::rules::{dates, manifest, Province, Rules};
use scanfit::words::{line, say, Args as WordArgs, Lang};
use scanfit::write::{write_atomic, WriteMode};
use scanfit::{CheckRecord, CheckSummary};

use super::term;
use super::{exit, path_arg, setup_error, ProfileArgs, RunArgs};

#[derive(Args)]
pub(super) struct CheckArgs {
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(long)]
    json: bool,
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[arg(long)]
    strict: bool,
    #[arg(long, value_name = "FILE.csv")]
    manifest: Option<PathBuf>,
    #[arg(long, value_name = "DATE")]
    filed_on: Option<String>,
    #[arg(long, value_name = "NAME")]
    province: Option<String>,
    #[arg(long, value_name = "FILE.csv")]
    write_sets: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReadArg::Auto, value_name = "WHEN")]
    read: ReadArg,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Which pictures' text check reads (`--read`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReadArg {
    Auto,
    Always,
    Never,
}

impl From<ReadArg> for scanfit::check::ReadMode {
    fn from(a: ReadArg) -> Self {
        match a {
            ReadArg::Auto => Self::Auto,
            ReadArg::Always => Self::Always,
            ReadArg::Never => Self::Never,
        }
    }
}

/// The rules file a run follows, and the provider whose upload limits apply.
#[derive(Args)]
pub(super) struct RulesArgs {
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<PathBuf>,
    #[arg(long, value_name = "PROVIDER")]
    portal: Option<String>,
}

impl RulesArgs {
    /// The rules in force.
    pub(super) fn load(&self, lang: Lang) -> anyhow::Result<Cow<'static, Rules>> {
        let rules = match &self.rules {
            Some(path) => Rules::load(path)
                .map(Cow::Owned)
                .map_err(|e| anyhow::anyhow!(say(&e, lang)))?,
            None => Cow::Borrowed(Rules::builtin()),
        };
        match &self.portal {
            Some(portal) => rules
                .with_portal(portal)
                .map(Cow::Owned)
                .map_err(|e| flag_error(say(&e, lang), "--portal", lang)),
            None => Ok(rules),
        }
    }
}

/// Exit 0 when every file and client folder passes (warnings allowed unless --strict),
/// 1 otherwise.
pub(super) fn run(args: CheckArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let rules = args.profile.rules.load(lang)?;
    let filed_on = match &args.filed_on {
        Some(text) => {
            dates::parse_date(text).map_err(|e| flag_error(say(&e, lang), "--filed-on", lang))?
        }
        None => dates::today(),
    };
    let province = match &args.province {
        Some(text) => Some(Province::parse(text).ok_or_else(|| {
            let e = scanfit::rules::province::ProvinceError(text.clone());
            flag_error(say(&e, lang), "--province", lang)
        })?),
        None => None,
    };
    let manifest = match &args.manifest {
        Some(path) => {
            Some(manifest::read(path, &rules).map_err(|e| anyhow::anyhow!(say(&e, lang)))?)
        }
        None => None,
    };
    let opts = args
        .run
        .options(args.profile.profile(&rules, lang)?, &rules);
    let mut records = scanfit::check(&args.inputs, &opts).map_err(|e| setup_error(e, lang))?;
    let ctx = Context {
        rules: &rules,
        filed_on,
        province,
        manifest: manifest.as_ref(),
    };
    let assessment = scanfit::check::apply(&args.inputs, &mut records, &ctx, args.read.into());
    print(&args, &rules, &records, &assessment, lang)?;
    if let Some(path) = &args.write_sets {
        write_sets(path, &assessment, lang)?;
    }
    let s = CheckSummary::of(&records);
    term::print_summary_check(records.len(), &s, lang);
    let folders_ok = scanfit::check::folders_ok(&assessment.folders, args.strict);
    Ok(exit(s.ok(args.strict) && folders_ok))
}

/// A flag's value that cannot be read, naming the flag.
fn flag_error(why: String, flag: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!(line(
        lang,
        "cli-hint-flags",
        WordArgs::new().text("why", why).text("flags", flag)
    ))
}

/// The table or the JSON lines on stdout, and the report file if one was asked for.
fn print(
    args: &CheckArgs,
    rules: &Rules,
    records: &[CheckRecord],
    assessment: &Assessment,
    lang: Lang,
) -> anyhow::Result<()> {
    let folders = &assessment.folders;
    let stdout = std::io::stdout().lock();
    if args.json {
        let mut out = BufWriter::new(stdout);
        scanfit::rows::write_check_jsonl(records, folders, lang, &mut out)?;
        out.flush()?;
    } else {
        let mut out = BufWriter::new(stdout);
        term::print_check_table(records, lang, &mut out)?;
        term::print_folders(folders, rules, lang, &mut out)?;
        out.flush()?;
    }
    term::report_to(
        args.report.as_deref(),
        lang,
        |out| scanfit::rows::write_check_csv(records, folders, lang, out),
        |out| scanfit::rows::write_check_jsonl(records, folders, lang, out),
    )?;
    Ok(())
}

/// Writes the sets file (atomically, never over an existing file) and says so.
fn write_sets(path: &Path, assessment: &Assessment, lang: Lang) -> anyhow::Result<()> {
    // Pieces are written relative to the file's folder, where stitch resolves them.
    let (text, rows) = sets_csv(assessment, path.parent().unwrap_or(Path::new("")));
    write_atomic(path, text.as_bytes(), WriteMode::default())
        .with_context(|| line(lang, "cli-writing_sets", path_arg(path)))?;
    let args = path_arg(path).num("sets", rows as u64);
    eprintln!("{}", line(lang, "cli-wrote_sets", args));
    Ok(())
}
