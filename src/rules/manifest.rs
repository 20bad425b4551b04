//! The agency's manifest: a spreadsheet saying, per file, what the document is and the
//! dates the rules need (which no picture can tell reliably).
//!
//! Columns are found by their header, in any order, in English or in the guide's
//! Chinese; columns scanfit does not know (notes, client names) are ignored, because
//! agencies keep working columns in the same sheet:
//!
//! | column | also headed | holds |
//! | --- | --- | --- |
//! | `file` | 文件, 文件名, 图片, path | the picture, relative to the manifest's folder; a folder for a row that only says what the client's filing needs |
//! | `kind` | 类型, 种类, 资料类型, type | the kind, by id or any of its names (授权书, authorization); several joined by `+` for a combined picture, or one row per kind of a combined picture, each with that kind's dates |
//! | `issued` | 办理日, 办理日期, 签发日期, 出具日期, issue date | the date issued |
//! | `valid_until` | 有效期至, 有效期, 到期日, expires | the last day of validity, or 长期 |
//! | `province` | 省, 省份, 省市 | the province the filing goes to (overrides `--province`) |
//! | `needs` | 需要, 所需资料, required | kinds the client's filing needs, separated by `;` `、` `/` or `+`; `identity` (证件) for any identity document |
//! | `applicant` | 主体类型, 主办单位性质, 单位性质 | the client's applicant type (企业, 个人, 事业单位...), by id or name |
//! | `name` | 主办单位名称, 主体名称, 单位名称 | the applicant's name |
//! | `scope` | 经营范围 | its business scope |
//! | `former_name` | 曾用名, 原名称, 变更前名称 | its name before a change of name |
//! | `owner_id` | 主体负责人证件号码, 主体负责人身份证号 | the person in charge's ID number |
//! | `manager_id` | 网站负责人证件号码, 网站负责人身份证号 | the website manager's ID number |
//! | `legal_rep_id` | 法定代表人证件号码, 法人身份证号 | the legal representative's ID number |
//!
//! The last seven describe the client (any row in its folder may say them; the first
//! that does wins) and decide which of the guide's requirements apply to it
//! ([`crate::rules::requirements`]).
//!
//! The file is read by `sheet.rs`: UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030.
//! A cell that cannot be read is an error naming the row and the column, and nothing is
//! checked: a date read wrongly would move a deadline silently.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::rules::dates::{parse_date, parse_expiry, DateError, Expiry};
use crate::rules::province::{Province, ProvinceError};
use crate::rules::requirements::ClientFacts;
use crate::rules::{Need, Rules};
use crate::sheet::{self, SheetError, SheetRow, TextEncoding};

/// The manifest's columns and the headers that name them (compared case-insensitively,
/// ignoring spaces, `_` and `-`).
const COLUMNS: [(Column, &[&str]); 13] = [
    (
        Column::File,
        &[
            "file",
            "path",
            "picture",
            "文件",
            "文件名",
            "图片",
            "文件路径",
        ],
    ),
    (
        Column::Kind,
        &[
            "kind",
            "type",
            "document",
            "类型",
            "种类",
            "资料类型",
            "证件类型",
        ],
    ),
    (
        Column::Issued,
        &[
            "issued",
            "issuedate",
            "issuedon",
            "date",
            "办理日",
            "办理日期",
            "签发日期",
            "出具日期",
            "日期",
        ],
    ),
    (
        Column::ValidUntil,
        &[
            "validuntil",
            "expires",
            "expiry",
            "有效期至",
            "有效期",
            "到期日",
            "有效期限",
        ],
    ),
    (
        Column::Province,
        &["province", "省", "省份", "省市", "所在省"],
    ),
    (
        Column::Needs,
        &["needs", "required", "需要", "所需资料", "需要资料"],
    ),
    (
        Column::Applicant,
        &[
            "applicant",
            "applicanttype",
            "主体类型",
            "主办单位性质",
            "单位性质",
            "主体性质",
        ],
    ),
    (
        Column::Name,
        &[
            "name",
            "applicantname",
            "主办单位名称",
            "主体名称",
            "单位名称",
        ],
    ),
    (Column::Scope, &["scope", "businessscope", "经营范围"]),
    (
        Column::FormerName,
        &["formername", "曾用名", "原名称", "变更前名称"],
    ),
    (
        Column::OwnerId,
        &[
            "ownerid",
            "主体负责人证件号码",
            "主体负责人身份证号",
            "主体负责人证件号",
        ],
    ),
    (
        Column::ManagerId,
        &[
            "managerid",
            "网站负责人证件号码",
            "网站负责人身份证号",
            "网站负责人证件号",
        ],
    ),
    (
        Column::LegalRepId,
        &[
            "legalrepid",
            "法定代表人证件号码",
            "法人身份证号",
            "法定代表人身份证号",
        ],
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    File,
    Kind,
    Issued,
    ValidUntil,
    Province,
    Needs,
    Applicant,
    Name,
    Scope,
    FormerName,
    OwnerId,
    ManagerId,
    LegalRepId,
}

/// The manifest as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The manifest file.
    pub path: PathBuf,
    /// The encoding it was read in.
    pub encoding: TextEncoding,
    /// Its rows, in order.
    pub rows: Vec<ManifestRow>,
}

/// One row of the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    /// The row number (the line it starts on).
    pub row: usize,
    /// The file or folder, resolved against the manifest's folder.
    pub file: PathBuf,
    /// Whether the cell names a folder (ends in `/` or `\`, or is a folder on disk).
    pub is_folder: bool,
    /// The kind cell as written (empty cells are `None`).
    pub kind: Option<String>,
    /// The issue date.
    pub issued: Option<Date>,
    /// The end of validity.
    pub valid_until: Option<Expiry>,
    /// The province.
    pub province: Option<Province>,
    /// What the client's filing needs.
    pub needs: Vec<Need>,
    /// What the row says about the client (applicant type, names, ID numbers).
    pub client: ClientFacts,
}

/// Why a manifest cannot be used. Nothing is checked against it then. (Its words are
/// in the catalogue.)
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file cannot be read or is not CSV.
    Sheet(#[from] SheetError),
    /// The first row does not name a `file` column.
    NoHeader {
        /// The manifest.
        path: PathBuf,
    },
    /// A cell cannot be read.
    Cell {
        /// The manifest.
        path: PathBuf,
        /// The row (line) number.
        row: usize,
        /// The column's letter as Excel shows it (A, B, ... AA).
        letter: String,
        /// The column's header as written.
        column: String,
        /// What is wrong.
        why: CellError,
    },
    /// Two rows name the same file.
    Duplicate {
        /// The manifest.
        path: PathBuf,
        /// The later row.
        row: usize,
        /// The earlier row.
        first: usize,
        /// The file.
        file: PathBuf,
    },
}

/// What is wrong with one cell of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    /// A date or an end of validity that cannot be read.
    Date(DateError),
    /// Not a mainland province.
    Province(ProvinceError),
    /// A needs cell names something that is neither a kind nor "identity".
    UnknownNeed(String),
    /// An applicant cell names no applicant type the rules list.
    UnknownApplicant(String),
}

/// The column letter Excel shows for a 0-based index: A, ..., Z, AA, AB, ...
fn letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A header folded for comparison.
fn header_key(text: &str) -> String {
    text.chars()
        .map(crate::rules::kind::fold)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .collect()
}

/// Reads a manifest. Kind and needs cells are read with `rules`' kinds.
pub fn read(path: &Path, rules: &Rules) -> Result<Manifest, ManifestError> {
    let sheet = sheet::read_sheet(path)?;
    from_rows(path, sheet.encoding, &sheet.rows, rules)
}

/// Reads a manifest from its bytes; `path` names it and anchors its relative paths.
pub fn parse(bytes: &[u8], path: &Path, rules: &Rules) -> Result<Manifest, ManifestError> {
    let sheet = sheet::parse_sheet(bytes, path)?;
    from_rows(path, sheet.encoding, &sheet.rows, rules)
}

fn from_rows(
    path: &Path,
    encoding: TextEncoding,
    rows: &[SheetRow],
    rules: &Rules,
) -> Result<Manifest, ManifestError> {
    let no_header = || ManifestError::NoHeader {
        path: path.to_path_buf(),
    };
    let (header, body) = rows.split_first().ok_or_else(no_header)?;
    let columns: Vec<Option<Column>> = header
        .cells
        .iter()
        .map(|cell| {
            let key = header_key(cell);
            COLUMNS
                .iter()
                .find(|(_, names)| names.iter().any(|n| header_key(n) == key))
                .map(|(c, _)| *c)
        })
        .collect();
    if !columns.contains(&Some(Column::File)) {
        return Err(no_header());
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<ManifestRow> = Vec::new();
    for row in body {
        let parsed =
            read_row(row, &columns, base, rules).map_err(|(i, why)| ManifestError::Cell {
                path: path.to_path_buf(),
                row: row.line,
                letter: letter(i),
                column: header.cells[i].clone(),
                why,
            })?;
        let Some(parsed) = parsed else { continue };
        // A combined picture may have one row per kind it shows, each with its dates;
        // otherwise a file named twice is a mistake.
        let per_kind =
            |r: &ManifestRow| r.kind.is_some() && parsed.kind.is_some() && r.kind != parsed.kind;
        if let Some(first) = out
            .iter()
            .find(|r| r.file == parsed.file && !r.is_folder && !per_kind(r))
        {
            return Err(ManifestError::Duplicate {
                path: path.to_path_buf(),
                row: row.line,
                first: first.row,
                file: parsed.file.clone(),
            });
        }
        out.push(parsed);
    }
    Ok(Manifest {
        path: path.to_path_buf(),
        encoding,
        rows: out,
    })
}

/// One row, or `None` for a row without a file; an error names the cell's index.
fn read_row(
    row: &SheetRow,
    columns: &[Option<Column>],
    base: &Path,
    rules: &Rules,
) -> Result<Option<ManifestRow>, (usize, CellError)> {
    let mut out = ManifestRow {
        row: row.line,
        file: PathBuf::new(),
        is_folder: false,
        kind: None,
        issued: None,
        valid_until: None,
        province: None,
        needs: Vec::new(),
        client: ClientFacts::default(),
    };
    for (i, cell) in row.cells.iter().enumerate() {
        let Some(column) = columns.get(i).copied().flatten() else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        match column {
            Column::File => {
                // Paths typed on Windows use backslashes; a manifest travels.
                let unified = cell.replace('\\', "/");
                out.is_folder = unified.ends_with('/');
                out.file = base.join(unified.trim_end_matches('/'));
                out.is_folder |= out.file.is_dir();
            }
            Column::Kind => out.kind = Some(cell.clone()),
            Column::Issued => {
                out.issued = Some(parse_date(cell).map_err(|e| (i, CellError::Date(e)))?)
            }
            Column::ValidUntil => {
                out.valid_until = Some(parse_expiry(cell).map_err(|e| (i, CellError::Date(e)))?)
            }
            Column::Province => {
                out.province = Some(
                    cell.parse::<Province>()
                        .map_err(|e| (i, CellError::Province(e)))?,
                )
            }
            Column::Needs => out.needs = read_needs(cell, rules).map_err(|why| (i, why))?,
            Column::Applicant => {
                let applicant = rules
                    .applicant_named(cell)
                    .ok_or_else(|| (i, CellError::UnknownApplicant(cell.clone())))?;
                out.client.applicant = Some(applicant.id.clone());
            }
            Column::Name => out.client.name = Some(cell.clone()),
            Column::Scope => out.client.scope = Some(cell.clone()),
            Column::FormerName => out.client.former_name = Some(cell.clone()),
            Column::OwnerId => out.client.owner_id = Some(cell.clone()),
            Column::ManagerId => out.client.manager_id = Some(cell.clone()),
            Column::LegalRepId => out.client.legal_rep_id = Some(cell.clone()),
        }
    }
    Ok((out.file != PathBuf::new()).then_some(out))
}

/// The words for "any identity document" in a needs cell.
const IDENTITY_WORDS: [&str; 4] = ["identity", "证件", "身份证明", "主体证件"];

/// A needs cell: kinds by id or name, separated by `;` `；` `、` `,` `，` `/` `|` `+`.
fn read_needs(cell: &str, rules: &Rules) -> Result<Vec<Need>, CellError> {
    let mut needs = Vec::new();
    for word in cell
        .split([';', '；', '、', ',', '，', '/', '|', '+', '＋'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let need = if IDENTITY_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            Need::Identity
        } else {
            match rules.kind_named(word) {
                Some(d) => Need::Kind(d.kind),
                None => return Err(CellError::UnknownNeed(word.to_owned())),
            }
        };
        if !needs.contains(&need) {
            needs.push(need);
        }
    }
    Ok(needs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::KindId;
    use jiff::civil::date;

    fn parse_text(text: &str) -> Result<Manifest, ManifestError> {
        parse(
            text.as_bytes(),
            Path::new("/agency/docs.csv"),
            Rules::builtin(),
        )
    }

    const SHEET: &str = "\
file,kind,issued,valid_until,province,notes
客户A/授权书.jpg,授权书,2026-07-01,,河北,signed by 王五
客户A\\身份证.jpg,身份证,,2036/3/9,hebei
客户A/营业执照.jpg,营业执照,,长期,
客户B/,,,,四川
";

    #[test]
    fn rows_resolve_against_the_manifest_folder_and_read_every_column() {
        let m = parse_text(SHEET).unwrap();
        assert_eq!(m.encoding, TextEncoding::Utf8);
        assert_eq!(m.rows.len(), 4);
        let auth = &m.rows[0];
        assert_eq!(auth.row, 2);
        assert_eq!(auth.file, Path::new("/agency/客户A/授权书.jpg"));
        assert_eq!(auth.kind.as_deref(), Some("授权书"));
        assert_eq!(auth.issued, Some(date(2026, 7, 1)));
        assert_eq!(auth.valid_until, None);
        assert_eq!(auth.province, Province::parse("河北"));
        // A Windows path.
        assert_eq!(m.rows[1].file, Path::new("/agency/客户A/身份证.jpg"));
        assert_eq!(m.rows[1].valid_until, Some(Expiry::Until(date(2036, 3, 9))));
        assert_eq!(m.rows[2].valid_until, Some(Expiry::LongTerm));
        assert!(m.rows[3].is_folder);
        assert_eq!(m.rows[3].file, Path::new("/agency/客户B"));
    }

    #[test]
    fn chinese_headers_in_any_order_and_gbk_read_the_same() {
        let zh = "\
省份,有效期至,办理日,类型,文件名,备注
河北,,2026年7月1日,授权书,客户A/授权书.jpg,
hebei,2036.3.9,,身份证,客户A\\身份证.jpg,
,长期,,营业执照,客户A/营业执照.jpg,
四川,,,,客户B/,
";
        let want = parse_text(SHEET).unwrap().rows;
        assert_eq!(parse_text(zh).unwrap().rows, want);
        let (gbk, _, lossy) = encoding_rs::GBK.encode(zh);
        assert!(!lossy);
        let m = parse(&gbk, Path::new("/agency/docs.csv"), Rules::builtin()).unwrap();
        assert_eq!(m.encoding, TextEncoding::Gb18030);
        assert_eq!(m.rows, want);
        let bom = [b"\xef\xbb\xbf".as_slice(), zh.as_bytes()].concat();
        let m = parse(&bom, Path::new("/agency/docs.csv"), Rules::builtin()).unwrap();
        assert_eq!(m.encoding, TextEncoding::Utf8Bom);
        assert_eq!(m.rows, want);
    }

    #[test]
    fn a_malformed_date_names_the_row_and_the_column() {
        let text = "file,kind,issued\na.jpg,授权书,2026-07-01\nb.jpg,授权书,2026-02-30\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "/agency/docs.csv, row 3, column C (issued): '2026-02-30' is not a date"
            ),
            "{err}"
        );
        let text = "文件,有效期至\na.jpg,下个月\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(err.contains("row 2, column B (有效期至)"), "{err}");
        assert!(err.contains("长期"), "{err}");
        let text = "file,province\na.jpg,火星\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(err.contains("row 2, column B (province): '火星'"), "{err}");
        let text = "file,needs\n客户A/,身份证;签证\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(err.contains("row 2, column B (needs): '签证'"), "{err}");
        let text = "file,主体类型\n客户A/,外星人\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(
            err.contains("row 2, column B (主体类型): '外星人'"),
            "{err}"
        );
    }

    #[test]
    fn a_sheet_without_a_file_column_or_with_a_file_twice_is_refused() {
        let err = parse_text("a.jpg,授权书,2026-07-01\n").unwrap_err();
        assert!(matches!(err, ManifestError::NoHeader { .. }), "{err}");
        assert!(matches!(
            parse_text(""),
            Err(ManifestError::NoHeader { .. })
        ));
        for text in [
            "file\na.jpg\nb.jpg\na.jpg\n",
            "file\na.jpg\nb.jpg\n./a.jpg\n",
        ] {
            let err = parse_text(text).unwrap_err().to_string();
            assert!(
                err.contains("row 4: /agency/a.jpg is already listed in row 2")
                    || err.contains("row 4: /agency/./a.jpg is already listed in row 2"),
                "{err}"
            );
        }
    }

    #[test]
    fn needs_name_kinds_in_any_language_or_any_identity_document() {
        let m =
            parse_text("file,needs\n客户A/,证件、授权书；domain certificate / 在职证明 + 授权书\n")
                .unwrap();
        let kind = |s: &str| Need::Kind(KindId(s.into()));
        assert_eq!(
            m.rows[0].needs,
            vec![
                Need::Identity,
                kind("authorization"),
                kind("domain_certificate"),
                kind("employment_proof"),
            ]
        );
    }

    #[test]
    fn column_letters_are_excel_letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }
}
