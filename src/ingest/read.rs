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
    /// Row number as the sender sees it: the spreadsheet row or CSV record counting the header
    /// as row 1; for JSON, the record's position starting at 1.
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

pub fn read_table(path: &Path, bytes: &[u8]) -> Result<RawTable, ReadError> {
    match format_of(path)? {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
        Format::Json => read_json(bytes),
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

/// The delimiter that splits the header line into the most fields, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |d: char| {
        let mut in_quotes = false;
        header
            .chars()
            .filter(|c| {
                if *c == '"' {
                    in_quotes = !in_quotes;
                }
                !in_quotes && *c == d
            })
            .count()
    };
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| (count(char::from(*d)), *d == b','))
        .unwrap_or(b',')
}

fn read_csv(bytes: &[u8]) -> Result<RawTable, ReadError> {
    let (text, encoding) = decode(bytes);
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ReadError::Csv(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                number += 1;
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let defect = (record.len() != headers.len()).then(|| {
                    format!(
                        "row has {} fields, the header has {}: its cells are not kept",
                        record.len(),
                        headers.len()
                    )
                });
                let cells = if defect.is_some() {
                    vec![None; headers.len()]
                } else {
                    record.iter().map(cell).collect()
                };
                rows.push(RawRow {
                    number,
                    cells,
                    defect,
                });
            }
            // A broken quote makes the rest of the file ambiguous: reading on would guess.
            Err(e) => return Err(ReadError::Csv(format!("after row {number}: {e}"))),
        }
    }
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

fn read_xlsx(bytes: &[u8]) -> Result<RawTable, ReadError> {
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::Xlsx("the workbook has no sheet".into()))?
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let first_row = u64::from(range.start().map(|(r, _)| r).unwrap_or(0)) + 1;
    let mut iter = range.rows();
    let headers: Vec<String> = iter
        .next()
        .ok_or(ReadError::Empty)?
        .iter()
        .map(|c| c.to_string().trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, r) in iter.enumerate() {
        let cells: Vec<Option<String>> = r
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
        if cells.iter().all(Option::is_none) {
            continue;
        }
        rows.push(RawRow {
            number: first_row + 1 + i as u64,
            cells,
            defect: None,
        });
    }
    if headers.iter().all(String::is_empty) {
        return Err(ReadError::Empty);
    }
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
