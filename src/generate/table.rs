//! Cells, file styles and the writers for the four formats providers really send.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::GenerateError;

/// One column of a source: its contract name and, where the contract has them, the Russian and
/// Kazakh header aliases that some providers' files use instead.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Col {
    pub name: &'static str,
    pub ru: Option<&'static str>,
}

pub(crate) const fn c(name: &'static str) -> Col {
    Col { name, ru: None }
}

pub(crate) const fn ca(name: &'static str, ru: &'static str) -> Col {
    Col { name, ru: Some(ru) }
}

pub(crate) fn idx(cols: &[Col], name: &str) -> usize {
    cols.iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Str(String),
    Int(i64),
    /// A float with the number of decimals a provider would print.
    Float(f64, usize),
    Date(NaiveDate),
    List(Vec<String>),
    Bool(bool),
    /// Text a provider typed where a number or date belongs: always written as text.
    Raw(String),
}

impl Cell {
    pub(crate) fn s(v: impl Into<String>) -> Cell {
        Cell::Str(v.into())
    }
    /// The text of a string cell, for sorting rows by their ids.
    pub(crate) fn key(&self) -> &str {
        match self {
            Cell::Str(s) | Cell::Raw(s) => s,
            _ => "",
        }
    }
    pub(crate) fn opt_date(v: Option<NaiveDate>) -> Cell {
        v.map_or(Cell::Empty, Cell::Date)
    }
}

pub(crate) type Row = Vec<Cell>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fmt {
    /// UTF-8, comma separated.
    Csv,
    /// Windows-1251, semicolon separated, decimal comma; falls back to UTF-8 with a BOM when the
    /// text holds Kazakh letters that Windows-1251 lacks.
    CsvCp1251,
    Xlsx,
    Json,
}

impl Fmt {
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Fmt::Csv | Fmt::CsvCp1251 => "csv",
            Fmt::Xlsx => "xlsx",
            Fmt::Json => "json",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Header {
    Names,
    Ru,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    pub fmt: Fmt,
    pub header: Header,
    /// Dates as DD.MM.YYYY instead of YYYY-MM-DD.
    pub dmy: bool,
    /// XLSX only: dates as real date cells rather than text.
    pub date_cells: bool,
}

impl Style {
    pub(crate) const CSV: Style = Style {
        fmt: Fmt::Csv,
        header: Header::Names,
        dmy: false,
        date_cells: false,
    };
    pub(crate) const CP1251: Style = Style {
        fmt: Fmt::CsvCp1251,
        header: Header::Names,
        dmy: true,
        date_cells: false,
    };
    pub(crate) const XLSX: Style = Style {
        fmt: Fmt::Xlsx,
        header: Header::Names,
        dmy: false,
        date_cells: true,
    };
    pub(crate) const JSON: Style = Style {
        fmt: Fmt::Json,
        header: Header::Names,
        dmy: false,
        date_cells: false,
    };
    pub(crate) fn with_header(mut self, h: Header) -> Style {
        self.header = h;
        self
    }
    pub(crate) fn text_dates(mut self, dmy: bool) -> Style {
        self.date_cells = false;
        self.dmy = dmy;
        self
    }
}

fn header_of(col: &Col, h: Header) -> &'static str {
    match h {
        Header::Names => col.name,
        Header::Ru => col.ru.unwrap_or(col.name),
    }
}

fn fmt_date(d: NaiveDate, dmy: bool) -> String {
    if dmy {
        format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
    } else {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

fn fmt_float(v: f64, decimals: usize, comma: bool) -> String {
    let s = format!("{v:.decimals$}");
    if comma { s.replace('.', ",") } else { s }
}

fn text_of(cell: &Cell, style: &Style) -> String {
    let comma = style.fmt == Fmt::CsvCp1251;
    match cell {
        Cell::Empty => String::new(),
        Cell::Str(s) | Cell::Raw(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(v, d) => fmt_float(*v, *d, comma),
        Cell::Date(d) => fmt_date(*d, style.dmy),
        Cell::List(items) => items.join("|"),
        Cell::Bool(b) => if *b { "true" } else { "false" }.to_string(),
    }
}

/// Writes one file and returns its size in bytes.
pub(crate) fn write_file(
    path: &Path,
    cols: &[Col],
    rows: &[Row],
    style: &Style,
    created: NaiveDate,
) -> Result<u64, GenerateError> {
    let bytes = match style.fmt {
        Fmt::Csv | Fmt::CsvCp1251 => csv_bytes(path, cols, rows, style)?,
        Fmt::Json => json_bytes(cols, rows, style),
        Fmt::Xlsx => xlsx_bytes(path, cols, rows, style, created)?,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| GenerateError::io(dir, e))?;
    }
    std::fs::write(path, &bytes).map_err(|e| GenerateError::io(path, e))?;
    Ok(bytes.len() as u64)
}

fn csv_bytes(
    path: &Path,
    cols: &[Col],
    rows: &[Row],
    style: &Style,
) -> Result<Vec<u8>, GenerateError> {
    let cp1251 = style.fmt == Fmt::CsvCp1251;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if cp1251 { b';' } else { b',' })
        .terminator(if cp1251 {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    let csv_err = |e: csv::Error| GenerateError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    w.write_record(cols.iter().map(|c| header_of(c, style.header)))
        .map_err(csv_err)?;
    let mut rec: Vec<String> = Vec::with_capacity(cols.len());
    for row in rows {
        rec.clear();
        rec.extend(row.iter().map(|cell| text_of(cell, style)));
        w.write_record(&rec).map_err(csv_err)?;
    }
    let utf8 = w.into_inner().map_err(|e| GenerateError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if !cp1251 {
        return Ok(utf8);
    }
    let text = String::from_utf8(utf8).expect("csv writer got UTF-8 input");
    let (encoded, _, had_errors) = encoding_rs::WINDOWS_1251.encode(&text);
    if had_errors {
        // Excel's "CSV UTF-8" flavour: the BOM is what tells a reader it is not Windows-1251.
        let mut out = Vec::with_capacity(text.len() + 3);
        out.extend_from_slice(b"\xEF\xBB\xBF");
        out.extend_from_slice(text.as_bytes());
        Ok(out)
    } else {
        Ok(encoded.into_owned())
    }
}

fn json_bytes(cols: &[Col], rows: &[Row], style: &Style) -> Vec<u8> {
    let mut out = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "\n{" } else { ",\n{" });
        for (j, (col, cell)) in cols.iter().zip(row).enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::Value::from(header_of(col, style.header)).to_string());
            out.push(':');
            match cell {
                Cell::Empty => out.push_str("null"),
                Cell::Int(v) => {
                    let _ = write!(out, "{v}");
                }
                Cell::Float(v, d) => out.push_str(&fmt_float(*v, *d, false)),
                Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Cell::List(items) => {
                    out.push_str(&serde_json::Value::from(items.clone()).to_string());
                }
                other => {
                    out.push_str(&serde_json::Value::from(text_of(other, style)).to_string());
                }
            }
        }
        out.push('}');
    }
    out.push_str(if rows.is_empty() { "]\n" } else { "\n]\n" });
    out.into_bytes()
}

fn xlsx_bytes(
    path: &Path,
    cols: &[Col],
    rows: &[Row],
    style: &Style,
    created: NaiveDate,
) -> Result<Vec<u8>, GenerateError> {
    let xerr = |e: rust_xlsxwriter::XlsxError| GenerateError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let excel_date =
        |d: NaiveDate| ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8);
    let mut wb = Workbook::new();
    // The library stamps the current time by default, which would make every run differ.
    let props = DocProperties::new()
        .set_author("NQS platform")
        .set_creation_datetime(&excel_date(created).map_err(xerr)?);
    wb.set_properties(&props);
    let date_fmt = Format::new().set_num_format(if style.dmy {
        "dd.mm.yyyy"
    } else {
        "yyyy-mm-dd"
    });
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    for (j, col) in cols.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, header_of(col, style.header), &bold)
            .map_err(xerr)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (j, cell) in row.iter().enumerate() {
            let cj = j as u16;
            match cell {
                Cell::Empty => {}
                Cell::Int(v) => {
                    ws.write_number(r, cj, *v as f64).map_err(xerr)?;
                }
                Cell::Float(v, _) => {
                    ws.write_number(r, cj, *v).map_err(xerr)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, cj, *b).map_err(xerr)?;
                }
                Cell::Date(d) if style.date_cells => {
                    ws.write_datetime_with_format(r, cj, excel_date(*d).map_err(xerr)?, &date_fmt)
                        .map_err(xerr)?;
                }
                other => {
                    ws.write_string(r, cj, text_of(other, style))
                        .map_err(xerr)?;
                }
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}
