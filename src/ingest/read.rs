//! Reading one extract into a raw table of text cells, whatever shape the sender used:
//! CSV in UTF-8 or Windows-1251 with `,`, `;` or tab, XLSX (first sheet) and JSON (an array of
//! objects). Types are not interpreted here; that is validation's job, so every cell keeps the
//! text the sender wrote and every row keeps the number a person sees when opening the file.

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
    #[error("the contract's `header_row = {0}` is not a row of the file (blank, or past its end)")]
    NoHeaderRow(u64),
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
    read_table_with(path, bytes, HeaderRow::First)
}

/// The file with its header where `header` says; the rows above the header are not data and
/// are dropped. JSON names its fields in every record and has no header row.
pub fn read_table_with(
    path: &Path,
    bytes: &[u8],
    header: HeaderRow,
) -> Result<RawTable, ReadError> {
    match format_of(path)? {
        Format::Csv => read_csv(bytes, header),
        Format::Xlsx => read_xlsx(bytes, header),
        Format::Json => read_json(bytes),
    }
}

/// The position in `rows` (each with its spreadsheet number and its cells as text) of the
/// header row.
fn header_position(rows: &[(u64, Vec<String>)], header: HeaderRow) -> Result<usize, ReadError> {
    match header {
        HeaderRow::First => Ok(0),
        HeaderRow::Declared(n) => rows
            .iter()
            .position(|(number, cells)| *number == n && cells.iter().any(|c| !c.trim().is_empty()))
            .ok_or(ReadError::NoHeaderRow(n)),
        HeaderRow::Find(named) => {
            let scores: Vec<usize> = rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .map(|(_, cells)| named(cells))
                .collect();
            let best = scores.iter().copied().max().unwrap_or(0);
            Ok(scores
                .iter()
                .position(|s| *s == best && best > 0)
                .unwrap_or(0))
        }
    }
}

/// UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), otherwise Windows-1251, the
/// encoding Russian-language offices' spreadsheets export by default.
fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
            (text.into_owned(), Encoding::Windows1251)
        }
    }
}

/// The delimiter that splits some line among the first few (where the header is) into the
/// most fields, outside quotes: a title line above the header may have none.
fn sniff_delimiter(text: &str) -> u8 {
    let count = |d: char| {
        text.lines()
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
            .max()
            .unwrap_or(0)
    };
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| (count(char::from(*d)), *d == b','))
        .unwrap_or(b',')
}

fn read_csv(bytes: &[u8], header: HeaderRow) -> Result<RawTable, ReadError> {
    let (text, encoding) = decode(bytes);
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
    let mut record = csv::StringRecord::new();
    let mut breaks_inside_fields = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let (mut line, mut byte) = record
                    .position()
                    .map_or((1, 0), |p| (p.line(), p.byte() as usize));
                // The reader places a record that follows blank lines at the first of them.
                while let Some(rest) = text.as_bytes().get(byte..) {
                    let blank = [&b"\r\n"[..], b"\n"]
                        .into_iter()
                        .find(|b| rest.starts_with(b));
                    let Some(blank) = blank else { break };
                    byte += blank.len();
                    line += 1;
                }
                let number = line - breaks_inside_fields;
                breaks_inside_fields += record
                    .iter()
                    .map(|f| f.matches('\n').count() as u64)
                    .sum::<u64>();
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
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
    let at = header_position(&records, header)?;
    let headers: Vec<String> = records[at].1.iter().map(|h| h.trim().to_string()).collect();
    let rows = records
        .into_iter()
        .skip(at + 1)
        .map(|(number, fields)| {
            let defect = (fields.len() != headers.len()).then(|| {
                format!(
                    "row has {} fields, the header has {}: its cells are not kept",
                    fields.len(),
                    headers.len()
                )
            });
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
    })
}

fn cell(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn read_xlsx(bytes: &[u8], header: HeaderRow) -> Result<RawTable, ReadError> {
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::Xlsx("the workbook has no sheet".into()))?
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let first_row = u64::from(range.start().map(|(r, _)| r).unwrap_or(0)) + 1;
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
    let at = header_position(&texts, header)?;
    let header_number = texts[at].0;
    let headers = texts[at].1.clone();
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
    })
}

fn read_json(bytes: &[u8]) -> Result<RawTable, ReadError> {
    use serde_json::Value;
    let (text, encoding) = decode(bytes);
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
        let t =
            read_table_with(Path::new("x.csv"), text.as_bytes(), HeaderRow::Find(&names)).unwrap();
        assert_eq!(t.headers, vec!["code", "name", "level"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 5);
        assert_eq!(t.rows[0].cells[1].as_deref(), Some("a"));
        // A file naming no column keeps its first row as the header (its columns are then
        // reported missing against what it has).
        let none = naming(&["other"]);
        let t =
            read_table_with(Path::new("x.csv"), text.as_bytes(), HeaderRow::Find(&none)).unwrap();
        assert_eq!(t.headers, vec!["Реестр, октябрь 2026"]);
    }

    #[test]
    fn a_declared_header_row_is_counted_as_a_spreadsheet_counts() {
        let text = b"code,name\nnote\n\ncode,name\n1,a\n";
        let t = read_table_with(Path::new("x.csv"), text, HeaderRow::Declared(4)).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 5);
        for blank_or_past in [3, 9] {
            assert!(matches!(
                read_table_with(Path::new("x.csv"), text, HeaderRow::Declared(blank_or_past)),
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
            let t = read_table_with(&path, &bytes, header).unwrap();
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
        assert!(read_table(Path::new("x.xlsx"), b"not a zip").is_err());
    }
}
