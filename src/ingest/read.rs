//! Reading one extract into a raw table of text cells, whatever shape the sender used:
//! CSV in UTF-8, Windows-1251 or UTF-16 with `,`, `;` or tab, XLSX (the first sheet or the one
//! a contract names) and JSON (an array of objects); a header found below title rows and
//! spanning several (merged) rows. Types are not interpreted here; that is validation's job, so every cell
//! keeps the text the sender wrote and every row keeps the number a person sees when opening
//! the file.

use crate::contract::{SheetRef, TextEncoding};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1251")]
    Windows1251,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

impl Encoding {
    /// The name the manifest records.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1251 => "windows-1251",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawRow {
    /// Row number as the sender sees it opening the file: the sheet's row; for CSV, the row a
    /// spreadsheet shows (the first line is row 1, a blank line is a row, a quoted field with
    /// line breaks stays in one row); for JSON, the record's position starting at 1.
    pub number: u64,
    pub cells: Vec<Option<String>>,
    /// Set when the row could not be split into the header's columns; its `cells` are then
    /// all empty, since no cell can be told to belong to a column (an unquoted delimiter in a
    /// free-text field shifts whatever follows it, a name or a phone, into other columns).
    pub defect: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RawTable {
    pub format: Format,
    pub encoding: Option<Encoding>,
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// Rows (by `RawRow::number`) holding bytes the file's encoding cannot hold, with a reason
    /// naming line and byte; in their cells each such byte reads U+FFFD.
    pub encoding_defects: BTreeMap<u64, String>,
}

/// Rows searched for the header when a contract does not declare where it is: title rows,
/// a date line or a note above a table take a few rows, never a screenful.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Which row of a file holds its header.
#[derive(Clone, Copy)]
pub enum HeaderRow<'a> {
    /// The first non-blank row.
    First,
    /// The row a contract declares, numbered as a spreadsheet shows it (for text, the line).
    Declared(u64),
    /// The first of the first [`HEADER_SEARCH_ROWS`] rows that names the most columns, as
    /// this counts them; the first row when none names any (so that the columns missing are
    /// reported against what the file has).
    Find(&'a (dyn Fn(&[String]) -> usize + Sync)),
}

/// Where the table sits in a file, as its contract declares it.
#[derive(Clone, Copy)]
pub struct Layout<'a> {
    /// The encoding of a text file, when declared (otherwise detected).
    pub encoding: Option<TextEncoding>,
    pub header: HeaderRow<'a>,
    /// Rows the header spans, from the header row down (at least 1).
    pub header_rows: usize,
    /// The sheet of a workbook; the first when `None`.
    pub sheet: Option<&'a SheetRef>,
    /// Whether a workbook's merged cells are read on every cell they cover (a region named once
    /// beside its block, a year over its columns). Finding them means reading the sheet a
    /// second time, so only tables published with merges (a contract with `header_rows` or a
    /// `[transform]`) ask for it.
    pub merged_cells: bool,
}

impl Default for Layout<'_> {
    fn default() -> Self {
        Layout {
            encoding: None,
            header: HeaderRow::First,
            header_rows: 1,
            sheet: None,
            merged_cells: false,
        }
    }
}

/// Why a file could not be read at all (as opposed to a bad row, which is quarantined).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("unsupported file type `.{0}`: expected .csv, .xlsx or .json")]
    UnsupportedFormat(String),
    #[error("the file is empty: no header row")]
    Empty,
    #[error("CSV: {0}")]
    Csv(String),
    #[error("XLSX: {0}")]
    Xlsx(String),
    #[error("JSON: {0}")]
    Json(String),
    #[error("encoding: {0}")]
    Encoding(String),
    #[error("the contract's `header_row = {0}` is not a row of the file (blank, or past its end)")]
    NoHeaderRow(u64),
    #[error("the workbook has no {wanted}; its sheets are: {found}")]
    NoSheet { wanted: String, found: String },
}

pub fn format_of(path: &Path) -> Result<Format, ReadError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok(Format::Csv),
        "xlsx" | "xlsm" | "xls" | "ods" => Ok(Format::Xlsx),
        "json" => Ok(Format::Json),
        _ => Err(ReadError::UnsupportedFormat(ext)),
    }
}

/// The file with its first row as the header.
pub fn read_table(path: &Path, bytes: &[u8]) -> Result<RawTable, ReadError> {
    read_table_with(path, bytes, None, HeaderRow::First)
}

/// The file with its header where `header` says; the rows above the header are not data and
/// are dropped. JSON names its fields in every record and has no header row.
/// Text files are decoded in the `declared` encoding (when the contract gives one), otherwise
/// in the detected one.
pub fn read_table_with(
    path: &Path,
    bytes: &[u8],
    declared: Option<TextEncoding>,
    header: HeaderRow,
) -> Result<RawTable, ReadError> {
    let layout = Layout {
        encoding: declared,
        header,
        ..Layout::default()
    };
    read_table_in(path, bytes, &layout)
}

/// The file read as `layout` says; the rows above the header are not data and are dropped.
pub fn read_table_in(path: &Path, bytes: &[u8], layout: &Layout) -> Result<RawTable, ReadError> {
    match format_of(path)? {
        Format::Csv => read_csv(bytes, layout),
        Format::Xlsx => read_xlsx(bytes, layout),
        Format::Json => read_json(bytes, layout.encoding),
    }
}

/// The names of the columns under a header spanning `rows` (top to bottom): each column's
/// non-blank header cells joined with a space, a cell repeated under itself (a vertically
/// merged one) taken once. `fill_right` carries a cell of an upper row into the blank cells
/// to its right, as a text export leaves a merged cell (only its first column holds the
/// text); a workbook's merged cells are filled from its merge list before this.
fn joined_header(rows: &[&Vec<String>], fill_right: bool) -> Vec<String> {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let last = rows.len().saturating_sub(1);
    let mut filled: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut cells: Vec<String> = (0..width)
            .map(|c| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default())
            .collect();
        if fill_right && i < last {
            for c in 1..width {
                if cells[c].is_empty() {
                    cells[c] = cells[c - 1].clone();
                }
            }
        }
        filled.push(cells);
    }
    (0..width)
        .map(|c| {
            let mut parts: Vec<&str> = Vec::new();
            for row in &filled {
                let t = row[c].as_str();
                if !t.is_empty() && parts.last() != Some(&t) {
                    parts.push(t);
                }
            }
            parts.join(" ")
        })
        .collect()
}

/// The position in `rows` (each with its spreadsheet number and its cells as text) of the
/// header row.
fn header_position(
    rows: &[(u64, Vec<String>)],
    header: HeaderRow,
    header_rows: usize,
    fill_right: bool,
) -> Result<usize, ReadError> {
    match header {
        HeaderRow::First => Ok(0),
        HeaderRow::Declared(n) => rows
            .iter()
            .position(|(number, cells)| *number == n && cells.iter().any(|c| !c.trim().is_empty()))
            .ok_or(ReadError::NoHeaderRow(n)),
        HeaderRow::Find(named) => {
            let scores: Vec<usize> = (0..rows.len().min(HEADER_SEARCH_ROWS))
                .map(|at| named(&header_at(rows, at, header_rows, fill_right)))
                .collect();
            let best = scores.iter().copied().max().unwrap_or(0);
            Ok(scores
                .iter()
                .position(|s| *s == best && best > 0)
                .unwrap_or(0))
        }
    }
}

/// The column names of a header starting at `rows[at]` and spanning `header_rows` rows.
fn header_at(
    rows: &[(u64, Vec<String>)],
    at: usize,
    header_rows: usize,
    fill_right: bool,
) -> Vec<String> {
    let span: Vec<&Vec<String>> = rows
        .iter()
        .skip(at)
        .take(header_rows.max(1))
        .map(|(_, cells)| cells)
        .collect();
    joined_header(&span, fill_right)
}

/// A file's text, the encoding it was read in, and the bytes that encoding cannot hold.
struct Decoded {
    text: String,
    encoding: Encoding,
    /// In file order. Each stands in `text` as one U+FFFD (a NUL byte as itself).
    bad: Vec<BadBytes>,
}

/// A sequence of bytes the file's encoding cannot hold.
#[derive(Debug, Clone)]
struct BadBytes {
    /// Where its U+FFFD stands in the decoded text.
    text_offset: usize,
    /// Byte offset in the file, counting from 0 and including any byte-order mark.
    file_offset: usize,
    /// The file's line it is on, from 1.
    line: u64,
    bytes: Vec<u8>,
    why: &'static str,
}

impl BadBytes {
    fn describe(&self) -> String {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
        format!(
            "line {}, byte {}: {} {}",
            self.line,
            self.file_offset,
            hex.join(" "),
            self.why
        )
    }
}

/// Why the first of `bad` whose U+FFFD stands in `range` of the text, and how many more do.
fn defect_in(bad: &[BadBytes], range: std::ops::Range<usize>) -> Option<String> {
    let mut within = bad.iter().filter(|b| range.contains(&b.text_offset));
    let first = within.next()?;
    let more = within.count();
    Some(match more {
        0 => first.describe(),
        n => format!("{} (and {n} more in the row)", first.describe()),
    })
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// The file's text in the `declared` encoding or, undeclared, the one its bytes show: the
/// encoding of its byte-order mark; UTF-8 when the bytes are (mostly) valid UTF-8; otherwise
/// Windows-1251, the encoding Russian-language offices' spreadsheets export by default, but
/// only when the bytes read as Cyrillic text in it. A file that is UTF-8 but for a few stray
/// bytes is UTF-8 with those bytes marked bad (their rows are quarantined), never Windows-1251;
/// a file that mixes the two in like measure, or looks like UTF-16 without a BOM, is refused.
fn decode(bytes: &[u8], declared: Option<TextEncoding>) -> Result<Decoded, ReadError> {
    let mut decoded = decode_text(bytes, declared)?;
    mark_nuls(&mut decoded, bytes);
    Ok(decoded)
}

/// Marks each NUL character of the text as a bad byte: valid in every encoding, it is in no
/// text a person typed; it comes of a damaged file, a file never written (all zeros) or binary
/// data. It stays in the text as it is (its row is quarantined, its header refuses the file).
fn mark_nuls(d: &mut Decoded, bytes: &[u8]) {
    let in_text: Vec<usize> = d.text.match_indices('\0').map(|(i, _)| i).collect();
    if in_text.is_empty() {
        return;
    }
    // The k-th NUL of the text is the k-th zero byte (UTF-8, 1251) or zero unit (UTF-16) of
    // the file: no invalid sequence holds one.
    let (width, in_file): (usize, Vec<usize>) = match d.encoding {
        Encoding::Utf8 | Encoding::Windows1251 => (
            1,
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == 0)
                .map(|(i, _)| i)
                .collect(),
        ),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let bom = if bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM) {
                2
            } else {
                0
            };
            (
                2,
                bytes[bom..]
                    .chunks_exact(2)
                    .enumerate()
                    .filter(|(_, p)| p == &[0, 0])
                    .map(|(i, _)| bom + 2 * i)
                    .collect(),
            )
        }
    };
    let mut line = 1u64;
    let mut counted = 0usize;
    for (text_offset, file_offset) in in_text.into_iter().zip(in_file) {
        line += d.text.as_bytes()[counted..text_offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted = text_offset;
        d.bad.push(BadBytes {
            text_offset,
            file_offset,
            line,
            bytes: vec![0; width],
            why: "is a NUL byte, which no text holds (a damaged or binary file?)",
        });
    }
    d.bad.sort_by_key(|b| b.text_offset);
}

fn decode_text(bytes: &[u8], declared: Option<TextEncoding>) -> Result<Decoded, ReadError> {
    let bom = if bytes.starts_with(UTF8_BOM) {
        Some(Encoding::Utf8)
    } else if bytes.starts_with(UTF16LE_BOM) {
        Some(Encoding::Utf16Le)
    } else if bytes.starts_with(UTF16BE_BOM) {
        Some(Encoding::Utf16Be)
    } else {
        None
    };
    let mismatch = |name: &str| {
        Err(ReadError::Encoding(format!(
            "the contract declares {name}, but the file starts with a {} byte-order mark",
            bom.map_or("", Encoding::as_str)
        )))
    };
    match (declared, bom) {
        (Some(TextEncoding::Utf8), None | Some(Encoding::Utf8)) => Ok(utf8_lossy(bytes)),
        (Some(TextEncoding::Utf8), Some(_)) => mismatch("utf-8"),
        (Some(TextEncoding::Windows1251), None) => Ok(windows_1251(bytes)),
        (Some(TextEncoding::Windows1251), Some(_)) => mismatch("windows-1251"),
        (Some(TextEncoding::Utf16), Some(e @ (Encoding::Utf16Le | Encoding::Utf16Be))) => {
            Ok(utf16(bytes, e))
        }
        (Some(TextEncoding::Utf16), Some(_)) => mismatch("utf-16"),
        (Some(TextEncoding::Utf16), None) => match utf16_without_bom(bytes) {
            Some(e) => Ok(utf16(bytes, e)),
            None => Err(ReadError::Encoding(
                "the contract declares utf-16, but the file has no byte-order mark and its \
                 byte order cannot be told from it"
                    .into(),
            )),
        },
        (None, Some(Encoding::Utf8)) => Ok(utf8_lossy(bytes)),
        (None, Some(e)) => Ok(utf16(bytes, e)),
        (None, None) => detect(bytes),
    }
}

fn detect(bytes: &[u8]) -> Result<Decoded, ReadError> {
    if utf16_without_bom(bytes).is_some() {
        return Err(ReadError::Encoding(
            "the file looks like UTF-16 without a byte-order mark (zero bytes in every other \
             place): \
             declare `encoding = \"utf-16\"` in the source's contract"
                .into(),
        ));
    }
    let utf8 = utf8_lossy(bytes);
    if utf8.bad.is_empty() {
        return Ok(utf8);
    }
    let multibyte =
        (utf8.text.chars().filter(|c| c.len_utf8() > 1).count()).saturating_sub(utf8.bad.len());
    // Windows-1251 Cyrillic hardly ever forms valid UTF-8 (a capital letter then `ё`, `»` or
    // `№`), so in a 1251 file invalid sequences outnumber valid ones many times over; a file
    // where valid multi-byte characters prevail is UTF-8 with stray bytes.
    if multibyte >= utf8.bad.len() {
        return Ok(utf8);
    }
    if multibyte * 20 > utf8.bad.len() {
        return Err(ReadError::Encoding(format!(
            "the file mixes UTF-8 ({multibyte} characters) with another encoding ({} byte \
             sequences that are not UTF-8, the first at {}): declare `encoding` in the source's \
             contract or re-save the file in one encoding",
            utf8.bad.len(),
            utf8.bad[0].describe()
        )));
    }
    let high = bytes.iter().filter(|b| **b >= 0x80).count();
    let usual = bytes.iter().filter(|b| is_usual_in_1251(**b)).count();
    if usual * 5 < high * 4 {
        return Err(ReadError::Encoding(format!(
            "the file is not UTF-8 (the first bad byte at {}) and does not read as Cyrillic text \
             in Windows-1251 either: declare `encoding` in the source's contract",
            utf8.bad[0].describe()
        )));
    }
    Ok(windows_1251(bytes))
}

/// Windows-1251 bytes that Russian or Kazakh text is made of: the letters А–я, Ё ё, І і, and
/// the usual punctuation (№ « » – — quotes … no-break space °).
fn is_usual_in_1251(b: u8) -> bool {
    b >= 0xC0
        || matches!(
            b,
            0xA8 | 0xB8 | 0xB2 | 0xB3 | 0xB9 | 0xAB | 0xBB | 0x84 | 0x85 | 0x91
                ..=0x97 | 0xA0 | 0xB0 | 0xB7
        )
}

/// Windows-1251 bytes that no Kazakh or Russian text holds: Serbian, Macedonian, Ukrainian and
/// Belarusian letters, most of whose places KZ-1048 (the Kazakh code page) gives to ә ғ қ ң ө ұ ү
/// һ, and 0x98, which 1251 leaves undefined. Read as 1251, a KZ-1048 file would silently turn
/// Kazakh letters into these.
fn is_foreign_in_1251(b: u8) -> bool {
    matches!(
        b,
        0x80 | 0x81
            | 0x83
            | 0x8A
            | 0x8C..=0x90
            | 0x98
            | 0x9A
            | 0x9C..=0x9F
            | 0xA1..=0xA3
            | 0xA5
            | 0xAA
            | 0xAF
            | 0xB4
            | 0xBA
            | 0xBC..=0xBF
    )
}

fn utf8_lossy(bytes: &[u8]) -> Decoded {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let mut text = String::with_capacity(body.len());
    let mut bad = Vec::new();
    let mut rest = body;
    let mut line = 1u64;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                text.push_str(s);
                break;
            }
            Err(e) => {
                let (good, after) = rest.split_at(e.valid_up_to());
                let good = std::str::from_utf8(good).expect("valid up to here");
                text.push_str(good);
                line += good.bytes().filter(|b| *b == b'\n').count() as u64;
                let len = e.error_len().unwrap_or(after.len());
                bad.push(BadBytes {
                    text_offset: text.len(),
                    file_offset: bytes.len() - after.len(),
                    line,
                    bytes: after[..len].to_vec(),
                    why: "is not valid UTF-8",
                });
                text.push(char::REPLACEMENT_CHARACTER);
                rest = &after[len..];
            }
        }
    }
    Decoded {
        text,
        encoding: Encoding::Utf8,
        bad,
    }
}

fn windows_1251(bytes: &[u8]) -> Decoded {
    let mut text = String::with_capacity(bytes.len() * 2);
    let mut bad = Vec::new();
    let mut line = 1u64;
    // Every byte is one character in a WHATWG single-byte encoding.
    let (decoded, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
    for (i, (b, c)) in bytes.iter().zip(decoded.chars()).enumerate() {
        if is_foreign_in_1251(*b) {
            bad.push(BadBytes {
                text_offset: text.len(),
                file_offset: i,
                line,
                bytes: vec![*b],
                why: "is no Kazakh or Russian letter in Windows-1251 (a KZ-1048 file? re-save \
                      it as UTF-8)",
            });
            text.push(char::REPLACEMENT_CHARACTER);
        } else {
            text.push(c);
        }
        if *b == b'\n' {
            line += 1;
        }
    }
    Decoded {
        text,
        encoding: Encoding::Windows1251,
        bad,
    }
}

/// The byte order of a UTF-16 file without a byte-order mark, if one of each pair of bytes at
/// its start is often zero (the ASCII of headers and delimiters) and the other hardly ever: text
/// in UTF-8 or Windows-1251 holds no zero bytes.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |k: usize| head.iter().skip(k).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 5 >= pairs && even * 50 <= pairs {
        Some(Encoding::Utf16Le)
    } else if even * 5 >= pairs && odd * 50 <= pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], order: Encoding) -> Decoded {
    let bom = if bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM) {
        2
    } else {
        0
    };
    let body = &bytes[bom..];
    let units = body.chunks(2).map(|p| match (order, p) {
        (Encoding::Utf16Be, [hi, lo]) => u16::from_be_bytes([*hi, *lo]),
        (_, [lo, hi]) => u16::from_le_bytes([*lo, *hi]),
        // An odd last byte: never a whole character, marked bad below.
        (_, _) => 0xDC00,
    });
    let mut text = String::with_capacity(body.len());
    let mut bad = Vec::new();
    let mut line = 1u64;
    let mut offset = bom;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                if c == '\n' {
                    line += 1;
                }
                offset += 2 * c.len_utf16();
            }
            Err(_) => {
                let end = (offset + 2).min(bytes.len());
                bad.push(BadBytes {
                    text_offset: text.len(),
                    file_offset: offset,
                    line,
                    bytes: bytes[offset..end].to_vec(),
                    why: if end - offset < 2 {
                        "is half a UTF-16 character"
                    } else {
                        "is an unpaired UTF-16 surrogate"
                    },
                });
                text.push(char::REPLACEMENT_CHARACTER);
                offset += 2;
            }
        }
    }
    Decoded {
        text,
        encoding: order,
        bad,
    }
}

/// The delimiter that splits some line among the first few (where the header is) into the
/// most fields, outside quotes: a title line above the header may have none.
/// The delimiter that splits the first lines most consistently: the one giving the same
/// number of fields on the most lines (a title line above the table aside), then the most
/// fields; a comma on a tie. Counting only the largest number of fields would take the
/// commas of decimal numbers and of names (`Руководители, служащие`) for delimiters.
fn sniff_delimiter(text: &str) -> u8 {
    let score = |d: char| {
        let counts: Vec<usize> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(HEADER_SEARCH_ROWS)
            .map(|line| {
                let mut in_quotes = false;
                line.chars()
                    .filter(|c| {
                        if *c == '"' {
                            in_quotes = !in_quotes;
                        }
                        !in_quotes && *c == d
                    })
                    .count()
            })
            .collect();
        let mut tally: BTreeMap<usize, usize> = BTreeMap::new();
        for c in counts.iter().filter(|c| **c > 0) {
            *tally.entry(*c).or_default() += 1;
        }
        tally
            .into_iter()
            .map(|(count, lines)| (lines, count))
            .max()
            .unwrap_or((0, 0))
    };
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| (score(char::from(*d)), *d == b','))
        .unwrap_or(b',')
}

fn read_csv(bytes: &[u8], layout: &Layout) -> Result<RawTable, ReadError> {
    let Decoded {
        text,
        encoding,
        bad,
    } = decode(bytes, layout.encoding)?;
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    // Each record numbered by the row a spreadsheet opening the file shows it on: a blank
    // line is a row of its own, and a quoted field with line breaks stays in one row. So the
    // number is the record's first line less the line breaks inside earlier records' fields.
    let mut records: Vec<(u64, Vec<String>)> = Vec::new();
    // Each record's span in the text, to pin a byte the encoding cannot hold on its row.
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut breaks_inside_fields = 0u64;
    // Line breaks in the text before `counted_to`. Counted here rather than taken from the
    // reader's line, which counts `\n` only: a file ending its lines with a lone `\r` (an old
    // Mac export) would have every record on line 1.
    let (mut counted_to, mut breaks_before) = (0usize, 0u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut byte = record.position().map_or(0, |p| p.byte() as usize);
                // The reader places a record that follows blank lines at the first of them.
                while let Some(rest) = text.as_bytes().get(byte..) {
                    let blank = [&b"\r\n"[..], b"\n", b"\r"]
                        .into_iter()
                        .find(|b| rest.starts_with(b));
                    let Some(blank) = blank else { break };
                    byte += blank.len();
                }
                let byte = byte.min(text.len());
                if byte > counted_to {
                    breaks_before += line_breaks(&text.as_bytes()[counted_to..byte]);
                    counted_to = byte;
                }
                let number = (breaks_before + 1).saturating_sub(breaks_inside_fields);
                breaks_inside_fields += record
                    .iter()
                    .map(|f| line_breaks(f.as_bytes()))
                    .sum::<u64>();
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let start = record.position().map_or(0, |p| p.byte() as usize);
                spans.push(start..reader.position().byte() as usize);
                records.push((number, record.iter().map(str::to_string).collect()));
            }
            // A broken quote makes the rest of the file ambiguous: reading on would guess.
            Err(e) => {
                let after = records.last().map_or(0, |(line, _)| *line);
                return Err(ReadError::Csv(format!("after row {after}: {e}")));
            }
        }
    }
    if records.is_empty() {
        return Err(ReadError::Empty);
    }
    let span = layout.header_rows.max(1);
    let at = header_position(&records, layout.header, span, true)?;
    let first_data = (at + span).min(records.len());
    if let Some(why) = defect_in(&bad, 0..spans[first_data - 1].end) {
        return Err(ReadError::Encoding(format!("in the header row, {why}")));
    }
    // A file cut inside a quoted field ends in that field: the reader takes the rest of the
    // file as its text, so a last record with an odd number of quotes is one cut short.
    let cut_short = spans
        .last()
        .is_some_and(|s| !text.ends_with('\n') && text[s.clone()].matches('"').count() % 2 == 1)
        .then(|| records.len() - 1);
    let encoding_defects: BTreeMap<u64, String> = records
        .iter()
        .zip(&spans)
        .skip(first_data)
        .filter_map(|((number, _), span)| Some((*number, defect_in(&bad, span.clone())?)))
        .collect();
    let headers = header_at(&records, at, span, true);
    let rows = records
        .into_iter()
        .enumerate()
        .skip(first_data)
        .map(|(i, (number, fields))| {
            let defect = if cut_short == Some(i) {
                Some(
                    "row ends inside a quoted field at the end of the file (a file cut short?): \
                     its cells are not kept"
                        .to_string(),
                )
            } else {
                (fields.len() != headers.len()).then(|| {
                    format!(
                        "row has {} fields, the header has {}: its cells are not kept",
                        fields.len(),
                        headers.len()
                    )
                })
            };
            let cells = if defect.is_some() {
                vec![None; headers.len()]
            } else {
                fields.iter().map(|f| cell(f)).collect()
            };
            RawRow {
                number,
                cells,
                defect,
            }
        })
        .collect();
    Ok(RawTable {
        format: Format::Csv,
        encoding: Some(encoding),
        headers,
        rows,
        encoding_defects,
    })
}

/// Line breaks in `bytes` as a spreadsheet counts rows: `\r\n`, `\n` and a lone `\r` each one.
fn line_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

fn cell(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn read_xlsx(bytes: &[u8], layout: &Layout) -> Result<RawTable, ReadError> {
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| ReadError::Xlsx(unopened_workbook(bytes, &e.to_string())))?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(ReadError::Xlsx("the workbook has no sheet".into()));
    }
    let name = match layout.sheet {
        None => Some(names[0].clone()),
        Some(SheetRef::Position(n)) => n.checked_sub(1).and_then(|i| names.get(i).cloned()),
        Some(SheetRef::Name(wanted)) => names
            .iter()
            .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            .cloned(),
    };
    let Some(name) = name else {
        return Err(ReadError::NoSheet {
            wanted: layout.sheet.map(ToString::to_string).unwrap_or_default(),
            found: names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    // A merged cell holds its text in its top-left cell only; every cell it covers reads it
    // (a region named once beside the rows of its block, a year over its columns).
    let merges: Vec<calamine::Dimensions> = match &mut book {
        calamine::Sheets::Xlsx(x) if layout.merged_cells => x
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?,
        _ => Vec::new(),
    };
    let (origin_row, origin_col) = range.start().unwrap_or((0, 0));
    let first_row = u64::from(origin_row) + 1;
    // Every row with its number on the sheet; blank rows are kept until the header is found,
    // so that a declared header row is counted as the sheet counts it.
    let grid: Vec<(u64, Vec<Option<String>>)> = range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let cells = r
                .iter()
                .map(|c| match c {
                    Data::Empty => None,
                    Data::String(s) => cell(s),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        Some(format!("{}", *f as i64))
                    }
                    Data::DateTime(_) => c
                        .as_datetime()
                        .map(|d| d.date().format("%Y-%m-%d").to_string()),
                    other => cell(&other.to_string()),
                })
                .collect();
            (first_row + i as u64, cells)
        })
        .collect();
    let mut grid = grid;
    for m in &merges {
        let at = |r: u32, c: u32| -> Option<(usize, usize)> {
            Some((
                r.checked_sub(origin_row)? as usize,
                c.checked_sub(origin_col)? as usize,
            ))
        };
        let Some((r0, c0)) = at(m.start.0, m.start.1) else {
            continue;
        };
        let Some(value) = grid.get(r0).and_then(|(_, cells)| cells.get(c0)).cloned() else {
            continue;
        };
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if let Some((ri, ci)) = at(r, c)
                    && let Some(slot) = grid.get_mut(ri).and_then(|(_, cells)| cells.get_mut(ci))
                {
                    *slot = value.clone();
                }
            }
        }
    }
    let texts: Vec<(u64, Vec<String>)> = grid
        .iter()
        .filter(|(_, cells)| cells.iter().any(Option::is_some))
        .map(|(n, cells)| {
            (
                *n,
                cells
                    .iter()
                    .map(|c| c.clone().unwrap_or_default())
                    .collect(),
            )
        })
        .collect();
    if texts.is_empty() {
        return Err(ReadError::Empty);
    }
    let span = layout.header_rows.max(1);
    let at = header_position(&texts, layout.header, span, false)?;
    let header_number = texts[(at + span - 1).min(texts.len() - 1)].0;
    let headers = header_at(&texts, at, span, false);
    let rows = grid
        .into_iter()
        .filter(|(n, cells)| *n > header_number && cells.iter().any(Option::is_some))
        .map(|(number, cells)| RawRow {
            number,
            cells,
            defect: None,
        })
        .collect();
    Ok(RawTable {
        format: Format::Xlsx,
        encoding: None,
        headers,
        rows,
        encoding_defects: BTreeMap::new(),
    })
}

/// Why a workbook could not be opened, in the sender's terms: calamine says only that it
/// "cannot detect file format" of a CSV renamed `.xlsx` and of a workbook cut short alike.
fn unopened_workbook(bytes: &[u8], cause: &str) -> String {
    const ZIP: &[u8] = b"PK";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0";
    if !bytes.starts_with(ZIP) && !bytes.starts_with(OLE) {
        format!(
            "not a workbook: the file is neither a ZIP archive (XLSX, ODS) nor an OLE file (XLS) \
             (a CSV or another file renamed?): {cause}"
        )
    } else {
        format!(
            "the workbook cannot be opened (damaged, cut short, or no workbook inside): {cause}"
        )
    }
}

fn read_json(bytes: &[u8], declared: Option<TextEncoding>) -> Result<RawTable, ReadError> {
    use serde_json::Value;
    let Decoded {
        text,
        encoding,
        bad,
    } = decode(bytes, declared)?;
    // A JSON record is not a line, so a bad byte cannot be pinned on one row: the file is
    // refused instead.
    if let Some(first) = bad.first() {
        return Err(ReadError::Encoding(first.describe()));
    }
    let value: Value = serde_json::from_str(&text).map_err(|e| ReadError::Json(e.to_string()))?;
    let records = match value {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("rows").or_else(|| o.remove("data")) {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(ReadError::Json(
                    "expected an array of objects (or an object with a `rows` array)".into(),
                ));
            }
        },
        _ => return Err(ReadError::Json("expected an array of objects".into())),
    };
    let mut headers: Vec<String> = Vec::new();
    for r in &records {
        if let Value::Object(o) = r {
            for k in o.keys() {
                if !headers.contains(k) {
                    headers.push(k.clone());
                }
            }
        }
    }
    let mut rows = Vec::with_capacity(records.len());
    for (i, r) in records.into_iter().enumerate() {
        let number = i as u64 + 1;
        match r {
            Value::Object(o) => {
                let cells = headers
                    .iter()
                    .map(|h| o.get(h).and_then(json_cell))
                    .collect();
                rows.push(RawRow {
                    number,
                    cells,
                    defect: None,
                });
            }
            other => rows.push(RawRow {
                number,
                cells: vec![None; headers.len()],
                defect: Some(format!("record is {}, not an object", json_kind(&other))),
            }),
        }
    }
    Ok(RawTable {
        format: Format::Json,
        encoding: Some(encoding),
        headers,
        rows,
        encoding_defects: BTreeMap::new(),
    })
}

fn json_cell(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::String(s) => cell(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(json_cell).collect();
            (!parts.is_empty()).then(|| parts.join("|"))
        }
        other => Some(other.to_string()),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        _ => "null",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_semicolon_csv_is_decoded() {
        let text = "код;наименование;балл\n1;Сварщик;87,5\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let t = read_table(Path::new("x.csv"), &bytes).unwrap();
        assert_eq!(t.encoding, Some(Encoding::Windows1251));
        assert_eq!(t.headers, vec!["код", "наименование", "балл"]);
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("Сварщик"));
        assert_eq!(t.rows[0].cells[2].as_deref(), Some("87,5"));
        assert_eq!(t.rows[0].number, 2);
    }

    /// Counts the cells that name one of `names`, as a contract's columns would.
    fn naming<'a>(names: &'a [&'a str]) -> impl Fn(&[String]) -> usize + Sync + 'a {
        move |cells: &[String]| cells.iter().filter(|c| names.contains(&c.as_str())).count()
    }

    #[test]
    fn title_lines_above_the_header_are_skipped() {
        let text = "Реестр, октябрь 2026\n\nВыгрузка\ncode;name;level\n1;a;2\n";
        let names = naming(&["code", "name", "level"]);
        let t = read_table_with(
            Path::new("x.csv"),
            text.as_bytes(),
            None,
            HeaderRow::Find(&names),
        )
        .unwrap();
        assert_eq!(t.headers, vec!["code", "name", "level"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 5);
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("a"));
        // A file naming no column keeps its first row as the header (its columns are then
        // reported missing against what it has).
        let none = naming(&["other"]);
        let t = read_table_with(
            Path::new("x.csv"),
            text.as_bytes(),
            None,
            HeaderRow::Find(&none),
        )
        .unwrap();
        assert_eq!(t.headers, vec!["Реестр, октябрь 2026"]);
    }

    #[test]
    fn a_declared_header_row_is_counted_as_a_spreadsheet_counts() {
        let text = b"code,name\nnote\n\ncode,name\n1,a\n";
        let t = read_table_with(Path::new("x.csv"), text, None, HeaderRow::Declared(4)).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 5);
        for blank_or_past in [3, 9] {
            assert!(matches!(
                read_table_with(Path::new("x.csv"), text, None, HeaderRow::Declared(blank_or_past)),
                Err(ReadError::NoHeaderRow(n)) if n == blank_or_past
            ));
        }
    }

    #[test]
    fn a_sheet_header_below_a_title_is_found_or_declared_in_sheet_numbering() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases/title-row/in/centres/centres_2026-10.xlsx");
        let bytes = std::fs::read(&path).unwrap();
        let names = naming(&["centre_bin", "name", "region"]);
        for header in [HeaderRow::Find(&names), HeaderRow::Declared(2)] {
            let t = read_table_with(&path, &bytes, None, header).unwrap();
            assert!(
                t.headers.iter().any(|h| h == "centre_bin"),
                "{:?}",
                t.headers
            );
            assert_eq!(t.rows.len(), 20);
            assert_eq!(t.rows[0].number, 3);
        }
        // Read with its first row as the header, the title is the header.
        let t = read_table(&path, &bytes).unwrap();
        assert_eq!(t.rows[0].number, 2);
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // Row 2 spans three lines, rows 3 and 4 are blank lines.
        let text = b"a,b\n1,\"x\ny\n\"\n\n\r\n2,z\n3,w";
        let t = read_table(Path::new("x.csv"), text).unwrap();
        let numbers: Vec<u64> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![2, 5, 6]);
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("x\ny"));
    }

    #[test]
    fn lines_ending_in_a_lone_carriage_return_are_rows_of_their_own() {
        // Found by fuzzing: the reader's line counts `\n` only, so every record of an old Mac
        // export was numbered 2 and an encoding defect on one marked them all.
        let t = read_table(Path::new("x.csv"), b"a,b\r1,x\r\r2,\"y\rz\"\r3,w\r").unwrap();
        let numbers: Vec<u64> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![2, 4, 5]);
        assert_eq!(t.rows[1].cells[1].as_deref(), Some("y\rz"));
    }

    #[test]
    fn ragged_rows_are_marked_not_dropped() {
        let t = read_table(Path::new("x.csv"), b"a,b\n1,2\n3\n4,5,6\n").unwrap();
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows[0].defect.is_none());
        assert!(t.rows[1].defect.as_deref().unwrap().contains("1 fields"));
        assert_eq!(t.rows[2].number, 4);
        // Not even the cells that seem to line up are kept.
        assert_eq!(t.rows[1].cells, vec![None, None]);
        assert_eq!(t.rows[2].cells, vec![None, None]);
    }

    #[test]
    fn json_arrays_become_list_cells() {
        let t = read_table(
            Path::new("x.json"),
            br#"[{"a": 1, "b": ["x", "y"]}, {"a": null}, 5]"#,
        )
        .unwrap();
        assert_eq!(t.headers, vec!["a", "b"]);
        assert_eq!(t.rows[0].cells, vec![Some("1".into()), Some("x|y".into())]);
        assert_eq!(t.rows[1].cells, vec![None, None]);
        assert!(t.rows[2].defect.is_some());
    }

    #[test]
    fn unknown_extensions_and_empty_files_are_file_errors() {
        assert!(matches!(
            read_table(Path::new("x.pdf"), b"x"),
            Err(ReadError::UnsupportedFormat(_))
        ));
        assert!(matches!(
            read_table(Path::new("x.csv"), b""),
            Err(ReadError::Empty)
        ));
        let e = read_table(Path::new("x.xlsx"), b"a,b\n1,2\n").unwrap_err();
        assert!(e.to_string().contains("not a workbook"), "{e}");
        let e = read_table(Path::new("x.xlsx"), b"PK\x03\x04cut").unwrap_err();
        assert!(e.to_string().contains("damaged, cut short"), "{e}");
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom
            .then_some(0xFEFF_u16)
            .into_iter()
            .chain(text.encode_utf16());
        for u in units {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    const KAZAKH: &str = "код;атауы\n1;Әдіскер-ұстаз\n2;Қоғам және өңір\n";

    #[test]
    fn utf16_is_read_by_its_byte_order_mark_either_way() {
        for (big, enc) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
            let t = read_table(Path::new("x.csv"), &utf16(KAZAKH, big, true)).unwrap();
            assert_eq!(t.encoding, Some(enc));
            assert_eq!(t.headers, vec!["код", "атауы"]);
            assert_eq!(t.rows[1].cells[1].as_deref(), Some("Қоғам және өңір"));
            assert!(t.encoding_defects.is_empty());
        }
    }

    #[test]
    fn utf16_without_a_mark_is_refused_unless_declared() {
        let bytes = utf16(KAZAKH, true, false);
        let e = read_table(Path::new("x.csv"), &bytes).unwrap_err();
        assert!(
            e.to_string().contains("UTF-16 without a byte-order mark"),
            "{e}"
        );
        let t = read_table_with(
            Path::new("x.csv"),
            &bytes,
            Some(TextEncoding::Utf16),
            HeaderRow::First,
        )
        .unwrap();
        assert_eq!(t.encoding, Some(Encoding::Utf16Be));
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("Әдіскер-ұстаз"));
    }

    #[test]
    fn a_stray_byte_in_utf8_marks_its_row_not_the_whole_file_as_1251() {
        let mut bytes = KAZAKH.as_bytes().to_vec();
        // "Қоғам\xA0және": an old editor's no-break space, one byte, on line 3.
        let at = bytes.windows(2).position(|w| w == b"\x20\xD0").unwrap();
        bytes[at] = 0xA0;
        let t = read_table(Path::new("x.csv"), &bytes).unwrap();
        assert_eq!(t.encoding, Some(Encoding::Utf8));
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("Әдіскер-ұстаз"));
        assert_eq!(
            t.rows[1].cells[1].as_deref(),
            Some("Қоғам\u{FFFD}және өңір")
        );
        let why = &t.encoding_defects[&3];
        assert_eq!(why, &format!("line 3, byte {at}: 0xA0 is not valid UTF-8"));
        assert_eq!(t.encoding_defects.len(), 1);
        // Declared UTF-8 reads the same.
        let d = read_table_with(
            Path::new("x.csv"),
            &bytes,
            Some(TextEncoding::Utf8),
            HeaderRow::First,
        )
        .unwrap();
        assert_eq!(d.encoding_defects, t.encoding_defects);
    }

    #[test]
    fn a_bad_byte_in_the_header_refuses_the_file() {
        let e =
            read_table(Path::new("x.csv"), b"\xD0\xBA\xD0\xBE\xD0\xB4\xFF;b\n1;2\n").unwrap_err();
        assert!(
            e.to_string().contains("header row, line 1, byte 6: 0xFF"),
            "{e}"
        );
    }

    #[test]
    fn a_file_mixing_utf8_and_1251_is_refused_or_its_minority_rows_marked() {
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("2;Сварщик\n");
        let mut bytes = "код;наименование\n1;Сварщик Сварщик\n".as_bytes().to_vec();
        bytes.extend_from_slice(&cp1251);
        bytes.extend_from_slice(&cp1251);
        // Mostly UTF-8: the rows in 1251 are marked, the others read.
        let t = read_table(Path::new("x.csv"), &bytes).unwrap();
        assert_eq!(t.encoding, Some(Encoding::Utf8));
        assert_eq!(
            t.encoding_defects.keys().copied().collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert!(t.encoding_defects[&3].contains("0xD1 is not valid UTF-8 (and 6 more"));
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("Сварщик Сварщик"));
        // As much 1251 as UTF-8: neither reading can be trusted.
        for _ in 0..4 {
            bytes.extend_from_slice(&cp1251);
        }
        let e = read_table(Path::new("x.csv"), &bytes).unwrap_err();
        assert!(e.to_string().contains("mixes UTF-8 (29 characters)"), "{e}");
        // Declared, the 1251 rows of a UTF-8 file are marked whatever their share.
        let t = read_table_with(
            Path::new("x.csv"),
            &bytes,
            Some(TextEncoding::Utf8),
            HeaderRow::First,
        )
        .unwrap();
        assert_eq!(t.encoding_defects.len(), 6);
    }

    #[test]
    fn kazakh_letters_in_a_single_byte_code_page_are_never_read_silently() {
        // KZ-1048 puts Қ at 0x8D, where Windows-1251 has the Macedonian Ќ.
        let mut bytes = encoding_rs::WINDOWS_1251
            .encode("код;атауы\n1;Сварщик\n2;Xазақ\n")
            .0
            .into_owned();
        let (q, _, _) = encoding_rs::WINDOWS_1251.encode("Xа");
        let at = bytes.windows(2).position(|w| w == &q[..]).unwrap();
        bytes[at] = 0x8D;
        for declared in [None, Some(TextEncoding::Windows1251)] {
            let t =
                read_table_with(Path::new("x.csv"), &bytes, declared, HeaderRow::First).unwrap();
            assert_eq!(t.encoding, Some(Encoding::Windows1251));
            assert_eq!(t.rows[0].cells[1].as_deref(), Some("Сварщик"));
            assert!(t.encoding_defects[&3].starts_with(&format!("line 3, byte {at}: 0x8D")));
            assert_eq!(t.encoding_defects.len(), 1);
        }
    }

    #[test]
    fn a_declared_encoding_that_its_mark_contradicts_is_refused() {
        let bytes = utf16(KAZAKH, false, true);
        let e = read_table_with(
            Path::new("x.csv"),
            &bytes,
            Some(TextEncoding::Utf8),
            HeaderRow::First,
        )
        .unwrap_err();
        assert!(e.to_string().contains("utf-16le byte-order mark"), "{e}");
    }

    #[test]
    fn nul_bytes_mark_their_row_and_a_file_of_zeros_is_refused() {
        let t = read_table(Path::new("x.csv"), b"a,b\n1,x\x00y\n2,z\n").unwrap();
        assert_eq!(t.encoding, Some(Encoding::Utf8));
        assert_eq!(t.encoding_defects.len(), 1);
        assert!(
            t.encoding_defects[&2].starts_with("line 2, byte 7: 0x00 is a NUL byte"),
            "{:?}",
            t.encoding_defects
        );
        let e = read_table(Path::new("x.csv"), &[0u8; 4096]).unwrap_err();
        assert!(
            e.to_string().contains("header row, line 1, byte 0: 0x00"),
            "{e}"
        );
        // In UTF-16 a NUL is a zero unit, not the zero half of an ASCII character.
        let bytes = utf16("a;b\n1;x\0y\n", false, true);
        let t = read_table(Path::new("x.csv"), &bytes).unwrap();
        assert!(t.encoding_defects[&2].starts_with("line 2, byte 16: 0x00 0x00"));
    }

    #[test]
    fn a_file_cut_inside_a_quoted_field_marks_its_last_row() {
        let t = read_table(Path::new("x.csv"), b"a,b\n1,\"x\"\n2,\"cut\nshort").unwrap();
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[0].defect.is_none());
        assert!(t.rows[1].defect.as_deref().unwrap().contains("cut short"));
        // Quotes in pairs, escaped ones too, are whole.
        let t = read_table(Path::new("x.csv"), b"a,b\n1,\"say \"\"hi\"\"\"").unwrap();
        assert!(t.rows[0].defect.is_none());
    }

    #[test]
    fn json_with_a_bad_byte_is_refused_naming_it() {
        let e = read_table(Path::new("x.json"), b"[{\"a\": \"\xD0\xBA\xA0\"}]").unwrap_err();
        assert!(e.to_string().contains("line 1, byte 10: 0xA0"), "{e}");
    }
}
