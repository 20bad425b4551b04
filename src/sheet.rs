//! Reading the CSV files agencies keep in Excel (a rules manifest, a stitch sets file),
//! in whatever encoding Excel saved them.
//!
//! Excel on Chinese Windows saves "CSV" in the system code page, GBK (GB18030 is its
//! superset), "CSV UTF-8" as UTF-8 with a byte-order mark, and "Unicode text" as
//! tab-separated UTF-16. People do not know which one they chose, and should not have
//! to: the encoding is detected, never refused. The order of the tests is what makes
//! that safe: a BOM is certain; then UTF-8, whose strict validation rejects GBK text in
//! practice (GBK's two-byte pairs are not valid UTF-8 sequences, even the classic
//! 联通 case); then GB18030, which decodes GBK as well.
//!
//! The delimiter is taken from the first line (comma; tab for Excel's Unicode text;
//! semicolon for European Excel). Cells are trimmed, blank rows and rows whose first cell
//! starts with `#` are dropped, and each row keeps the line it starts on for messages.

use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, GB18030};

/// The encoding a sheet was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark (or plain ASCII).
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian with a byte-order mark (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    Utf16Be,
    /// GB18030, which includes GBK (Excel's "CSV" on Chinese Windows).
    Gb18030,
}

impl TextEncoding {
    /// Its technical name, as text editors label it (`UTF-8`, `GB18030`...).
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 BOM",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// A sheet's rows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The encoding detected.
    pub encoding: TextEncoding,
    /// Rows with content, in order.
    pub rows: Vec<SheetRow>,
}

/// One row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// 1-based line the row starts on (the row number Excel shows, unless a cell above
    /// holds a line break).
    pub line: usize,
    /// Its cells, trimmed; trailing empty cells (Excel pads short rows) removed.
    pub cells: Vec<String>,
}

/// Why a sheet cannot be read (its words are in the catalogue).
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not text in any encoding Excel writes.
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// The CSV structure is broken.
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        why: CsvError,
    },
}

/// What is wrong with a sheet's CSV structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A quote opened on the line is never closed.
    UnclosedQuote,
    /// The csv crate cannot read the row.
    Unreadable,
}

/// Reads and decodes a sheet.
pub fn read_sheet(path: &Path) -> Result<Sheet, SheetError> {
    let bytes = std::fs::read(path).map_err(|source| SheetError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_sheet(&bytes, path)
}

/// Decodes and parses a sheet's bytes; `path` names it in errors.
pub fn parse_sheet(bytes: &[u8], path: &Path) -> Result<Sheet, SheetError> {
    let (text, encoding) = decode(bytes).ok_or_else(|| SheetError::NotText {
        path: path.to_path_buf(),
    })?;
    let rows = parse_rows(&text).map_err(|(line, why)| SheetError::Csv {
        path: path.to_path_buf(),
        line,
        why,
    })?;
    Ok(Sheet { encoding, rows })
}

/// The text and its encoding, or `None` for bytes that are no text Excel writes.
pub fn decode(bytes: &[u8]) -> Option<(String, TextEncoding)> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let which = if encoding == encoding_rs::UTF_8 {
            TextEncoding::Utf8Bom
        } else if encoding == encoding_rs::UTF_16LE {
            TextEncoding::Utf16Le
        } else {
            TextEncoding::Utf16Be
        };
        return (!errors).then(|| (text.into_owned(), which));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_owned(), TextEncoding::Utf8));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), TextEncoding::Gb18030))
}

/// The delimiter of the first line with content: the most frequent of comma, tab and
/// semicolon outside quotes (a comma when there is none).
fn delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|c| c.0 == b) {
                c.1 += 1;
            }
        }
    }
    // Ties go to the comma, listed first.
    counts
        .iter()
        .fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best })
        .0
}

/// The line of a quote that is never closed, if any. The csv crate reads such a file
/// without complaint, swallowing every row after the quote into one cell; a manifest
/// losing rows silently is worse than an error.
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut open = None;
    let mut line = 1;
    for c in text.chars() {
        match c {
            '\n' => line += 1,
            '"' => open = if open.is_some() { None } else { Some(line) },
            _ => {}
        }
    }
    open
}

/// The rows of CSV text, with the line each starts on.
pub fn parse_rows(text: &str) -> Result<Vec<SheetRow>, (usize, CsvError)> {
    if let Some(line) = unclosed_quote(text) {
        return Err((line, CsvError::UnclosedQuote));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                return Err((line, CsvError::Unreadable));
            }
        }
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() || cells[0].starts_with('#') {
            continue;
        }
        // The csv crate's line count misses blank CRLF lines; count from the record's
        // byte offset instead, past the line breaks of blank lines skipped before it.
        let line = record.position().map_or(line, |p| {
            let start = (p.byte() as usize).min(text.len());
            let skipped = text[start..]
                .bytes()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            text[..start + skipped].matches('\n').count() + 1
        });
        rows.push(SheetRow { line, cells });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "file,kind,issued\n授权书.jpg,授权书,2026/7/1\n\"张 三,身份证.jpg\",身份证,\n";

    fn rows(sheet: &Sheet) -> Vec<(usize, Vec<&str>)> {
        sheet
            .rows
            .iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect()
    }

    fn expected() -> Vec<(usize, Vec<&'static str>)> {
        vec![
            (1, vec!["file", "kind", "issued"]),
            (2, vec!["授权书.jpg", "授权书", "2026/7/1"]),
            (3, vec!["张 三,身份证.jpg", "身份证"]),
        ]
    }

    fn parse(bytes: &[u8]) -> Sheet {
        parse_sheet(bytes, Path::new("docs.csv")).unwrap()
    }

    #[test]
    fn utf8_with_and_without_bom_read_the_same() {
        let plain = parse(TEXT.as_bytes());
        assert_eq!(plain.encoding, TextEncoding::Utf8);
        assert_eq!(rows(&plain), expected());
        let bom = parse(&[b"\xef\xbb\xbf", TEXT.as_bytes()].concat());
        assert_eq!(bom.encoding, TextEncoding::Utf8Bom);
        assert_eq!(rows(&bom), expected());
    }

    #[test]
    fn gbk_as_excel_writes_it_on_chinese_windows_is_detected() {
        let (gbk, _, lossy) = encoding_rs::GBK.encode(TEXT);
        assert!(!lossy);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "the fixture is really GBK"
        );
        let sheet = parse(&gbk);
        assert_eq!(sheet.encoding, TextEncoding::Gb18030);
        assert_eq!(rows(&sheet), expected());
        // 联通 in GBK looks like UTF-8 to lax decoders (the Notepad bug); not to this one.
        let (gbk, _, _) = encoding_rs::GBK.encode("联通.jpg,身份证\n");
        let sheet = parse(&gbk);
        assert_eq!(sheet.rows[0].cells, ["联通.jpg", "身份证"]);
        // GB18030's four-byte sequences (characters outside GBK) decode too.
        let (gb, _, lossy) = GB18030.encode("𠀀.jpg,授权书\n");
        assert!(!lossy && gb.len() > 10);
        assert_eq!(parse(&gb).rows[0].cells, ["𠀀.jpg", "授权书"]);
    }

    #[test]
    fn excel_unicode_text_is_tab_separated_utf16() {
        let text = TEXT
            .replace(',', "\t")
            .replace("\"张 三\t身份证.jpg\"", "张 三,身份证.jpg");
        let mut bytes = vec![0xff, 0xfe];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let sheet = parse(&bytes);
        assert_eq!(sheet.encoding, TextEncoding::Utf16Le);
        assert_eq!(rows(&sheet), expected());
    }

    #[test]
    fn semicolons_blank_rows_comments_padding_and_crlf() {
        let text = "file;kind\r\n\r\n# a note\r\n a.jpg ; 授权书 ;;\r\n;;\r\nb.jpg;\"x;y\"\r\n";
        let sheet = parse(text.as_bytes());
        assert_eq!(
            rows(&sheet),
            vec![
                (1, vec!["file", "kind"]),
                (4, vec!["a.jpg", "授权书"]),
                (6, vec!["b.jpg", "x;y"]),
            ]
        );
    }

    #[test]
    fn a_quoted_line_break_keeps_the_next_rows_line_numbers_true() {
        let sheet = parse(b"a,\"two\nlines\"\nb,c\n");
        assert_eq!(
            rows(&sheet),
            vec![(1, vec!["a", "two\nlines"]), (3, vec!["b", "c"])]
        );
    }

    #[test]
    fn an_unclosed_quote_and_binary_data_are_errors_naming_the_place() {
        let err = parse_sheet(b"a,b\nc,\"d\ne,f\n", Path::new("docs.csv")).unwrap_err();
        assert_eq!(
            err.to_string().split(':').next(),
            Some("docs.csv, line 2"),
            "{err}"
        );
        let err = parse_sheet(b"\x80\xff\x00\x81", Path::new("docs.csv")).unwrap_err();
        assert!(matches!(err, SheetError::NotText { .. }), "{err}");
        let err = read_sheet(Path::new("/nonexistent/docs.csv")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/docs.csv"));
    }
}
