//! `scanfit rules`: the document rules in force and the guide version they follow, so a
//! user can see what `check` applies (a table, `--json` for scripts, `--toml` to start
//! a rules file of one's own).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use clap::Args;
use scanfit::rules::{Kind, Length, Need, Role, Rules};
use scanfit::words::{kind_name, line, province_name, say, Args as WordArgs, Lang};

use super::check::RulesArgs;
use super::term::write_aligned;

#[derive(Args)]
pub(super) struct RulesCmdArgs {
    #[command(flatten)]
    rules: RulesArgs,
    #[arg(long, conflicts_with = "toml")]
    json: bool,
    #[arg(long)]
    toml: bool,
}

/// Prints the rules; exit 0, or 2 when a rules file given cannot be used.
pub(super) fn run(args: RulesCmdArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load(lang)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, rules.as_ref())?;
        writeln!(out)?;
    } else if args.toml {
        out.write_all(rules.toml().as_bytes())?;
    } else {
        print_table(&rules, lang, &mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A window's length in words, or "-".
fn length(l: Option<Length>, lang: Lang) -> String {
    l.map_or("-".into(), |l| say(&l, lang))
}

/// The guide, the upload and picture rules, then a table of kinds and one of province
/// exceptions.
fn print_table(rules: &Rules, lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
    let say_line = |id: &str, args: WordArgs| line(lang, id, args);
    let guide = WordArgs::new()
        .text("title", &rules.guide.title)
        .text("version", rules.guide.version);
    writeln!(out, "{}", say_line("cli-rules-guide", guide))?;
    let sep = line(lang, "list-separator", WordArgs::new());
    let upload = WordArgs::new()
        .text("formats", rules.upload.formats.join(&sep))
        .size("min_size", rules.upload.min_bytes, lang)
        .size("max_size", rules.upload.max_bytes, lang)
        .num("min", rules.upload.min_bytes)
        .num("max", rules.upload.max_bytes);
    let portal = WordArgs::new()
        .text("portal", &rules.upload.portal)
        .text("portals", rules.portal_ids().join(&sep));
    writeln!(out, "{}", say_line("cli-rules-portal", portal))?;
    writeln!(out, "{}", say_line("cli-rules-upload", upload))?;
    let pair = |p: Option<[u32; 2]>| p.map_or("-".to_owned(), |[a, b]| format!("{a}×{b}"));
    if rules.upload.min_pixels.is_some() || rules.upload.max_pixels.is_some() {
        let pixels = WordArgs::new()
            .text("min", pair(rules.upload.min_pixels))
            .text("max", pair(rules.upload.max_pixels));
        writeln!(out, "{}", say_line("cli-rules-pixels", pixels))?;
    }
    for (what, source) in &rules.upload.sources {
        let args = WordArgs::new().text("what", what).text("source", source);
        writeln!(out, "{}", say_line("cli-rules-source", args))?;
    }
    let picture = WordArgs::new()
        .text("colour", if rules.picture.colour { "yes" } else { "no" })
        .num("long_edge", rules.picture.min_long_edge)
        .text("sharpness", rules.picture.min_sharpness);
    writeln!(out, "{}", say_line("cli-rules-picture", picture))?;
    let needs: Vec<String> = rules
        .needs
        .iter()
        .map(|n| match n {
            Need::Identity => say_line("cli-rules-identity", WordArgs::new()),
            Need::Kind(k) => kind_name(&rules.kind_name(k), lang).to_owned(),
        })
        .collect();
    let warn = WordArgs::new()
        .num("days", rules.warn_days)
        .text("needs", needs.join(&sep));
    writeln!(out, "{}\n", say_line("cli-rules-warn", warn))?;
    let mut kinds = vec![head(
        [
            "cli-rules-kind",
            "cli-rules-name",
            "cli-rules-role",
            "cli-rules-issued_within",
            "cli-rules-valid_for",
            "cli-rules-names",
        ],
        lang,
    )];
    kinds.extend(rules.kinds.iter().map(|k| kind_row(k, lang)));
    write_aligned(&kinds, &[false; 6], out)?;
    writeln!(out)?;
    let mut exceptions = vec![head(
        [
            "cli-rules-province",
            "cli-rules-kind",
            "cli-rules-issued_within",
            "cli-rules-valid_for",
        ],
        lang,
    )];
    exceptions.extend(rules.exceptions.iter().map(|e| {
        [
            province_name(e.province, lang).to_owned(),
            kind_name(&rules.kind_name(&e.kind), lang).to_owned(),
            length(e.issued_within, lang),
            length(e.valid_for, lang),
        ]
    }));
    write_aligned(&exceptions, &[false; 4], out)
}

/// A table's head row.
fn head<const N: usize>(ids: [&str; N], lang: Lang) -> [String; N] {
    ids.map(|id| line(lang, id, WordArgs::new()))
}

/// One kind's row of the table.
fn kind_row(k: &Kind, lang: Lang) -> [String; 6] {
    let role = match k.role {
        Role::Identity => "cli-rules-role-identity",
        Role::Auxiliary => "cli-rules-role-auxiliary",
        Role::Other => "cli-rules-role-other",
    };
    [
        k.id.0.clone(),
        kind_name(&k.name(), lang).to_owned(),
        line(lang, role, WordArgs::new()),
        length(k.issued_within, lang),
        length(k.valid_for, lang),
        k.names.join(", "),
    ]
}
