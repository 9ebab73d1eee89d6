//! Validation of a raw table against its contract, column by column: types, required values, code
//! lists, patterns, ranges, identifiers and date order. Checks that need other rows (duplicate
//! keys, references to other sources) are done by the ingest, which sees the whole lake.
//!
//! Personal data is transformed here, as soon as a value is known to be valid, so that nothing
//! downstream ever holds it: IINs become keyed pseudonyms, birth dates become years, names and
//! contacts are dropped.

use crate::contract::{Catalog, Column, ColumnType, Condition, Contract, Personal, Vintage};
use crate::ids::{self, Sex};
use crate::ingest::read::RawRow;
use crate::pseudonym::Pseudonymiser;
use crate::quarantine::ReasonCode;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashSet};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    Bool(bool),
    List(Vec<Value>),
}

impl Value {
    /// The text a reference or key compares on.
    pub fn key_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Date(d) => Some(d.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::List(items) => Some(
                items
                    .iter()
                    .filter_map(Value::key_text)
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
        }
    }
}

/// One column of checked values, typed as the lake keeps it: one cell per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
    /// Strings, codes, IINs and BINs (after the personal-data transform: pseudonyms).
    Str(Vec<Option<String>>),
    List(Vec<Option<Vec<Value>>>),
}

impl Cells {
    /// An empty column for `col`'s values, room made for `n`.
    fn for_column(col: &Column, n: usize) -> Cells {
        match col.ty {
            ColumnType::Integer => Cells::Int(Vec::with_capacity(n)),
            ColumnType::Float => Cells::Float(Vec::with_capacity(n)),
            ColumnType::Date => Cells::Date(Vec::with_capacity(n)),
            ColumnType::Bool => Cells::Bool(Vec::with_capacity(n)),
            ColumnType::List => Cells::List(Vec::with_capacity(n)),
            ColumnType::String | ColumnType::Code | ColumnType::Iin | ColumnType::Bin => {
                Cells::Str(Vec::with_capacity(n))
            }
        }
    }

    /// Appends a parsed value: `Null`, or a value of the column's type (what
    /// `Validator::parse_cell` gives for it).
    fn push(&mut self, v: Value) {
        match (self, v) {
            (Cells::Int(c), Value::Int(i)) => c.push(Some(i)),
            (Cells::Float(c), Value::Float(f)) => c.push(Some(f)),
            (Cells::Date(c), Value::Date(d)) => c.push(Some(d)),
            (Cells::Bool(c), Value::Bool(b)) => c.push(Some(b)),
            (Cells::Str(c), Value::Str(s)) => c.push(Some(s)),
            (Cells::List(c), Value::List(items)) => c.push(Some(items)),
            (cells, Value::Null) => cells.push_null(),
            (cells, v) => unreachable!("{v:?} parsed for a column of {cells:?}"),
        }
    }

    fn push_null(&mut self) {
        match self {
            Cells::Int(c) => c.push(None),
            Cells::Float(c) => c.push(None),
            Cells::Date(c) => c.push(None),
            Cells::Bool(c) => c.push(None),
            Cells::Str(c) => c.push(None),
            Cells::List(c) => c.push(None),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Cells::Int(c) => c.len(),
            Cells::Float(c) => c.len(),
            Cells::Date(c) => c.len(),
            Cells::Bool(c) => c.len(),
            Cells::Str(c) => c.len(),
            Cells::List(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn is_null(&self, r: usize) -> bool {
        match self {
            Cells::Int(c) => c[r].is_none(),
            Cells::Float(c) => c[r].is_none(),
            Cells::Date(c) => c[r].is_none(),
            Cells::Bool(c) => c[r].is_none(),
            Cells::Str(c) => c[r].is_none(),
            Cells::List(c) => c[r].is_none(),
        }
    }

    fn str(&self, r: usize) -> Option<&str> {
        match self {
            Cells::Str(c) => c[r].as_deref(),
            _ => None,
        }
    }

    fn date(&self, r: usize) -> Option<NaiveDate> {
        match self {
            Cells::Date(c) => c[r],
            _ => None,
        }
    }

    /// Row `r`'s cell as a value.
    pub fn value(&self, r: usize) -> Value {
        let v = match self {
            Cells::Int(c) => c[r].map(Value::Int),
            Cells::Float(c) => c[r].map(Value::Float),
            Cells::Date(c) => c[r].map(Value::Date),
            Cells::Bool(c) => c[r].map(Value::Bool),
            Cells::Str(c) => c[r].clone().map(Value::Str),
            Cells::List(c) => c[r].clone().map(Value::List),
        };
        v.unwrap_or(Value::Null)
    }

    /// Keeps the rows whose `keep` is true.
    fn retain(&mut self, keep: &[bool]) {
        fn kept<T>(c: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            c.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        match self {
            Cells::Int(c) => kept(c, keep),
            Cells::Float(c) => kept(c, keep),
            Cells::Date(c) => kept(c, keep),
            Cells::Bool(c) => kept(c, keep),
            Cells::Str(c) => kept(c, keep),
            Cells::List(c) => kept(c, keep),
        }
    }
}

/// The accepted rows of one file, column by column.
#[derive(Debug, Clone)]
pub struct CheckedColumns {
    /// Each accepted row's number (see `RawRow::number`).
    pub numbers: Vec<u64>,
    /// One column per contract column, in contract order, personal data transformed; `None`
    /// for a column whose values are dropped.
    pub columns: Vec<Option<Cells>>,
    /// Each accepted row's flags (e.g. `iin_birth_date_mismatch`).
    pub flags: Vec<Vec<String>>,
}

/// A row that passed every row-level check, with personal data already transformed.
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub number: u64,
    /// One value per contract column, in contract order (dropped columns hold Null).
    pub values: Vec<Value>,
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    pub column: String,
    /// The offending value as it may be shown: personal values are masked.
    pub value: Option<String>,
    /// What kind of check failed: what the quarantine is grouped by.
    pub code: ReasonCode,
    /// The check's message for an analyst, quoting the (masked) value; never grouped on.
    pub reason: String,
}

/// A cell's failed check before the cell's value is masked into a `CellError`.
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    code: ReasonCode,
    message: String,
}

impl Failure {
    fn new(code: ReasonCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// For `map_err` on a parser whose error is the message.
    fn of(code: ReasonCode) -> impl Fn(String) -> Failure {
        move |message| Failure::new(code, message)
    }
}

/// The record of a row whose cells are not kept (see `Validator::check`).
pub const EMPTY_RECORD: &str = "{}";

#[derive(Debug, Clone)]
pub struct RejectedRow {
    pub number: u64,
    pub errors: Vec<CellError>,
    /// The row's declared columns as JSON, personal values masked, for the quarantine table.
    pub record: String,
}

/// How the file's header lines up with the contract.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HeaderReport {
    /// Declared columns absent from the file.
    pub missing: Vec<String>,
    /// File columns the contract does not declare: their values are not kept anywhere.
    pub ignored: Vec<String>,
}

struct ColumnCheck {
    header_index: Option<usize>,
    codes: Option<HashSet<String>>,
    codes_list_name: Option<String>,
    pattern: Option<regex::Regex>,
    required_if: Option<(usize, Condition)>,
    not_before: Vec<usize>,
    not_after: Vec<usize>,
    iin_birth_date: Option<usize>,
    iin_sex: Option<usize>,
    two_digit_year_pivot: Option<i32>,
    /// The code list's vintages and the column whose year picks among them; `codes` is then
    /// unset, since which codes hold depends on the row.
    vintages: Option<(usize, Vintages)>,
}

/// A code list's vintages, each with its codes as a set.
type Vintages = Vec<(Vintage, HashSet<String>)>;

pub struct Validator<'a> {
    contract: &'a Contract,
    checks: Vec<ColumnCheck>,
    pseudonymiser: &'a Pseudonymiser,
}

fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The positions of the (normalised) headers that name this column or one of its aliases.
fn header_positions(col: &Column, normal: &[String]) -> Vec<usize> {
    let names: Vec<String> = std::iter::once(&col.name)
        .chain(&col.aliases)
        .map(|n| normalise(n))
        .collect();
    (0..normal.len())
        .filter(|i| names.contains(&normal[*i]))
        .collect()
}

/// Whether a file's header names this column (by its name or an alias, ignoring case and
/// spacing).
pub fn names_column(col: &Column, header: &str) -> bool {
    !header_positions(col, &[normalise(header)]).is_empty()
}

/// How many of the contract's columns a row of cells names (by name or alias): what tells a
/// header row from a title above it.
/// A transform's expressions name the file's columns as written (`"Регион"`), so a cell that
/// an expression quotes counts as named too.
pub fn columns_named(contract: &Contract, cells: &[String]) -> usize {
    let normal: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    let declared = contract
        .columns
        .iter()
        .filter(|col| !header_positions(col, &normal).is_empty())
        .count();
    let quoted = contract.transform.as_ref().map_or(0, |t| {
        let sql = t.sql_text().to_lowercase();
        cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty() && sql.contains(&format!("\"{}\"", c.to_lowercase())))
            .count()
    });
    declared + quoted
}

/// A declared column that several of the file's columns are headed with, when the contract
/// does not say which occurrence it means: taking one would be a guess (a theory score taken
/// for the final one). The message names the columns by letter and position.
pub fn ambiguous_headers(contract: &Contract, headers: &[String]) -> Option<String> {
    let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let clashes: Vec<String> = contract
        .columns
        .iter()
        .filter(|col| col.occurrence.is_none())
        .filter_map(|col| {
            let at = header_positions(col, &normal);
            (at.len() > 1).then(|| {
                let letters: Vec<String> = at.iter().map(|i| column_letter(*i)).collect();
                let numbers: Vec<String> = at.iter().map(|i| (i + 1).to_string()).collect();
                let names: BTreeSet<&str> = at.iter().map(|i| headers[*i].trim()).collect();
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "columns {} (positions {}) are {} headed {}, the declared column `{}`",
                    join_and(&letters),
                    join_and(&numbers),
                    if at.len() == 2 { "both" } else { "all" },
                    names.join(" or "),
                    col.name
                )
            })
        })
        .collect();
    (!clashes.is_empty()).then(|| {
        format!(
            "{}: say which is meant with `occurrence = N` on the column in {}",
            clashes.join("; "),
            contract.path.display()
        )
    })
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A spreadsheet's letter for the column at 0-based position `i`: A, …, Z, AA, ….
pub fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

impl<'a> Validator<'a> {
    pub fn new(
        catalog: &Catalog,
        contract: &'a Contract,
        headers: &[String],
        pseudonymiser: &'a Pseudonymiser,
    ) -> (Self, HeaderReport) {
        let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let mut used = vec![false; headers.len()];
        let mut report = HeaderReport::default();
        let idx = |name: &str| contract.column_index(name).expect("checked at load");
        let checks = contract
            .columns
            .iter()
            .map(|col| {
                let header_index = header_positions(col, &normal)
                    .get(col.occurrence.unwrap_or(1) - 1)
                    .copied();
                match header_index {
                    Some(i) => used[i] = true,
                    None => report.missing.push(col.name.clone()),
                }
                let vintages = catalog.vintages(col).map(|vs| {
                    let by = idx(col.vintage_by.as_deref().expect("vintages need vintage_by"));
                    let vs = vs
                        .into_iter()
                        .map(|v| {
                            let codes = v.codes.iter().cloned().collect();
                            (v, codes)
                        })
                        .collect();
                    (by, vs)
                });
                ColumnCheck {
                    header_index,
                    codes: catalog
                        .allowed_codes(col)
                        .filter(|_| vintages.is_none())
                        .map(|c| c.into_iter().collect::<HashSet<_>>()),
                    vintages,
                    codes_list_name: col.codes_from.clone(),
                    pattern: col
                        .pattern
                        .as_ref()
                        .map(|p| regex::Regex::new(p).expect("checked at load")),
                    required_if: contract.required_if(col).map(|c| (idx(&c.column), c)),
                    not_before: col.not_before.iter().map(|n| idx(n)).collect(),
                    not_after: col.not_after.iter().map(|n| idx(n)).collect(),
                    iin_birth_date: col.iin_birth_date.as_deref().map(idx),
                    iin_sex: col.iin_sex.as_deref().map(idx),
                    two_digit_year_pivot: contract.two_digit_year_pivot(col),
                }
            })
            .collect();
        report.ignored = headers
            .iter()
            .zip(&used)
            .filter(|(h, u)| !**u && !h.trim().is_empty())
            .map(|(h, _)| h.clone())
            .collect();
        (
            Validator {
                contract,
                checks,
                pseudonymiser,
            },
            report,
        )
    }

    /// `row` rejected as a whole for `reason` (a file-level defect such as a byte its encoding
    /// cannot hold), naming the first declared column whose cell holds `marker` (the text that
    /// stands for the defect, e.g. U+FFFD), with the row's cells masked as for any rejection.
    pub fn reject_row(
        &self,
        row: &RawRow,
        code: ReasonCode,
        reason: &str,
        marker: char,
    ) -> RejectedRow {
        let raw: Vec<Option<&str>> = self
            .checks
            .iter()
            .map(|c| {
                c.header_index
                    .and_then(|i| row.cells.get(i))
                    .and_then(|v| v.as_deref())
            })
            .collect();
        let at = raw
            .iter()
            .position(|v| v.is_some_and(|v| v.contains(marker)));
        let (column, value) = match at {
            Some(i) => {
                let col = &self.contract.columns[i];
                (col.name.clone(), raw[i].map(|v| self.mask(col, v)))
            }
            None => (String::new(), None),
        };
        RejectedRow {
            number: row.number,
            errors: vec![CellError {
                column,
                value,
                code,
                reason: self.pseudonymiser.mask_iins(reason).into_owned(),
            }],
            record: self.masked_record(&raw),
        }
    }

    /// Checks a file's rows column by column: each declared column's cells are parsed as a
    /// whole into a typed column, then the checks between columns (conditions, date orders)
    /// compare those columns, and the accepted rows and the quarantine are split from the same
    /// batch. Rows with a file-level defect (`encoding_defects`, a row that does not split into
    /// the header's columns) are rejected without their cells being checked.
    ///
    /// Returns the accepted rows as typed columns, personal data already transformed, and the
    /// rejected rows (each with all its errors, in column order), in row order.
    pub fn check_rows<'r>(
        &self,
        rows: &'r [RawRow],
        encoding_defects: &BTreeMap<u64, String>,
    ) -> (CheckedColumns, Vec<RejectedRow>) {
        let cols = &self.contract.columns;
        let mut rejected = Vec::new();
        let mut live: Vec<&'r RawRow> = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(why) = encoding_defects.get(&row.number) {
                rejected.push(self.reject_row(
                    row,
                    ReasonCode::Encoding,
                    why,
                    char::REPLACEMENT_CHARACTER,
                ));
            } else if let Some(defect) = &row.defect {
                // A row that does not split into the header's columns cannot say which cell
                // is which: an unquoted `;` in a free-text field shifts a name or a phone into
                // columns that are kept. So none of its cells is checked or shown, only its
                // shape.
                rejected.push(RejectedRow {
                    number: row.number,
                    errors: vec![CellError {
                        column: String::new(),
                        value: None,
                        code: ReasonCode::RowShape,
                        reason: defect.clone(),
                    }],
                    record: EMPTY_RECORD.to_string(),
                });
            } else {
                live.push(row);
            }
        }
        let n = live.len();
        let raw_of = |c: usize, row: &'r RawRow| self.raw_of(c, row);
        let mut errors: Vec<Vec<CellError>> = vec![Vec::new(); n];
        // Each column's cells are parsed as a whole into a typed column.
        let mut columns: Vec<Cells> = Vec::with_capacity(cols.len());
        for (c, col) in cols.iter().enumerate() {
            let check = &self.checks[c];
            let mut cells = Cells::for_column(col, n);
            for (r, row) in live.iter().enumerate() {
                let raw = raw_of(c, row);
                match self.parse_cell(col, check, raw) {
                    Ok(v) => cells.push(v),
                    Err(failure) => {
                        errors[r].push(self.error(col, raw, failure));
                        cells.push(Value::Null);
                    }
                }
            }
            columns.push(cells);
        }
        // Conditions and date orders compare parsed columns, so they run after parsing.
        for (c, col) in cols.iter().enumerate() {
            let check = &self.checks[c];
            if let Some((other, cond)) = &check.required_if {
                let op = if cond.equals { "is" } else { "is not" };
                for (r, row) in live.iter().enumerate() {
                    if !columns[c].is_null(r) || raw_of(c, row).is_some() {
                        continue;
                    }
                    let other_value = columns[*other].value(r).key_text().unwrap_or_default();
                    if (other_value == cond.value) == cond.equals {
                        errors[r].push(self.error(
                            col,
                            None,
                            Failure::new(
                                ReasonCode::Required,
                                format!("required when `{}` {op} `{}`", cond.column, cond.value),
                            ),
                        ));
                    }
                }
            }
            if let Some((by, vintages)) = &check.vintages {
                for (r, row) in live.iter().enumerate() {
                    let year = match columns[*by].value(r) {
                        Value::Date(d) => Some(d.year()),
                        Value::Int(y) => i32::try_from(y).ok(),
                        _ => None,
                    };
                    let items = match columns[c].value(r) {
                        Value::Str(s) => vec![s],
                        Value::List(items) => items.iter().filter_map(Value::key_text).collect(),
                        _ => continue,
                    };
                    for code in items {
                        if let Some(message) = out_of_vintage(&code, year, col, vintages) {
                            errors[r].push(self.error(
                                col,
                                raw_of(c, row),
                                Failure::new(ReasonCode::UnknownCode, message),
                            ));
                        }
                    }
                }
            }
            if check.not_before.is_empty() && check.not_after.is_empty() {
                continue;
            }
            let Cells::Date(dates) = &columns[c] else {
                continue;
            };
            for (r, row) in live.iter().enumerate() {
                let Some(d) = dates[r] else { continue };
                // Every `not_before` first, then every `not_after`, each in declared order.
                let orders = check
                    .not_before
                    .iter()
                    .map(|&o| (o, std::cmp::Ordering::Less, "before"));
                let orders = orders.chain(
                    check
                        .not_after
                        .iter()
                        .map(|&o| (o, std::cmp::Ordering::Greater, "after")),
                );
                for (o, wrong, word) in orders {
                    if let Some(od) = columns[o].date(r)
                        && d.cmp(&od) == wrong
                    {
                        errors[r].push(self.error(
                            col,
                            raw_of(c, row),
                            Failure::new(
                                ReasonCode::DateOrder,
                                format!("{d} is {word} `{}` {od}", cols[o].name),
                            ),
                        ));
                    }
                }
            }
        }
        let keep: Vec<bool> = errors.iter().map(Vec::is_empty).collect();
        let mut flags: Vec<Vec<String>> = Vec::with_capacity(n);
        for (r, (row, row_errors)) in live.iter().zip(errors).enumerate() {
            if !row_errors.is_empty() {
                let raw: Vec<Option<&str>> = (0..cols.len()).map(|c| raw_of(c, row)).collect();
                rejected.push(RejectedRow {
                    number: row.number,
                    errors: row_errors,
                    record: self.masked_record(&raw),
                });
                continue;
            }
            flags.push(self.id_flags(row, r, &columns));
        }
        rejected.sort_by_key(|r| r.number);
        let numbers: Vec<u64> = live
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(row, _)| row.number)
            .collect();
        for cells in &mut columns {
            cells.retain(&keep);
        }
        let columns = cols
            .iter()
            .zip(columns)
            .map(|(col, cells)| self.without_personal_data(col, cells, &mut flags))
            .collect();
        (
            CheckedColumns {
                numbers,
                columns,
                flags,
            },
            rejected,
        )
    }

    /// Row `row`'s cell under contract column `c`, if the file has that column and the cell a
    /// value.
    fn raw_of<'r>(&self, c: usize, row: &'r RawRow) -> Option<&'r str> {
        self.checks[c]
            .header_index
            .and_then(|h| row.cells.get(h))
            .and_then(|v| v.as_deref())
    }

    /// The flags an accepted row's ids raise: an IIN that disagrees with the person's birth
    /// date or sex, and ids whose leading zeros a spreadsheet dropped and that were put back.
    fn id_flags(&self, row: &RawRow, r: usize, columns: &[Cells]) -> Vec<String> {
        let mut flags = Vec::new();
        for (c, col) in self.contract.columns.iter().enumerate() {
            if !matches!(col.value_type(), ColumnType::Iin | ColumnType::Bin) {
                continue;
            }
            let Some(text) = self.raw_of(c, row) else {
                continue;
            };
            if col.ty == ColumnType::Iin {
                let id = restored_id(text).unwrap_or_else(|_| text.to_string());
                flags.extend(self.iin_flags(&id, &self.checks[c], columns, r));
            }
            // A spreadsheet's number lost the id's leading zeros; they were put back.
            let items: Vec<&str> = if col.ty == ColumnType::List {
                text.split(['|', ';']).collect()
            } else {
                vec![text]
            };
            if items
                .iter()
                .any(|t| ids::restore_number_form(t).is_ok_and(|r| r.is_some()))
            {
                flags.push(format!("{}_zeros_restored", col.name));
            }
        }
        flags
    }

    /// An accepted column as it may be kept: dropped (`None`), pseudonymised, a date cut to its
    /// year, or with the IINs in its text replaced (see `without_iins`); a row whose BIN cell
    /// held an IIN is flagged `<column>_is_iin`.
    fn without_personal_data(
        &self,
        col: &Column,
        cells: Cells,
        flags: &mut [Vec<String>],
    ) -> Option<Cells> {
        Some(match (col.personal, cells) {
            (Some(Personal::Drop), _) => return None,
            (Some(Personal::Pseudonymise), Cells::Str(values)) => Cells::Str(
                values
                    .into_iter()
                    .map(|v| v.map(|s| self.pseudonymiser.pseudonym(&s)))
                    .collect(),
            ),
            (Some(Personal::Year), Cells::Date(dates)) => Cells::Int(
                dates
                    .into_iter()
                    .map(|d| d.map(|d| i64::from(d.year())))
                    .collect(),
            ),
            (_, Cells::Str(values)) => Cells::Str(
                values
                    .into_iter()
                    .zip(flags.iter_mut())
                    .map(|(v, row_flags)| {
                        let v = v?;
                        match self.without_iins(col, Value::Str(v), row_flags) {
                            Value::Str(s) => Some(s),
                            _ => None,
                        }
                    })
                    .collect(),
            ),
            (_, Cells::List(lists)) => Cells::List(
                lists
                    .into_iter()
                    .zip(flags.iter_mut())
                    .map(|(items, row_flags)| {
                        let items = items?;
                        match self.without_iins(col, Value::List(items), row_flags) {
                            Value::List(items) => Some(items),
                            _ => None,
                        }
                    })
                    .collect(),
            ),
            (_, other) => other,
        })
    }

    /// One row checked alone, as `check_rows` checks it among others.
    #[cfg(test)]
    pub fn check(&self, row: &RawRow) -> Result<CheckedRow, RejectedRow> {
        let (checked, mut rejected) = self.check_rows(std::slice::from_ref(row), &BTreeMap::new());
        if let Some(r) = rejected.pop() {
            return Err(r);
        }
        Ok(CheckedRow {
            number: checked.numbers[0],
            values: checked
                .columns
                .iter()
                .map(|c| c.as_ref().map_or(Value::Null, |c| c.value(0)))
                .collect(),
            flags: checked.flags[0].clone(),
        })
    }

    /// A kept value with no IIN left in it. In a BIN column a valid IIN is an individual
    /// entrepreneur's (such an employer has no BIN of its own): it becomes the same keyed
    /// pseudonym an IIN column gives, and the row is flagged `<column>_is_iin`. In any
    /// other text an IIN is replaced by `(pseudonym …)` where it stands.
    fn without_iins(&self, col: &Column, value: Value, flags: &mut Vec<String>) -> Value {
        match value {
            Value::Str(s) if col.value_type() == ColumnType::Bin => {
                if ids::parse_iin(&s).is_ok() {
                    let flag = format!("{}_is_iin", col.name);
                    if !flags.contains(&flag) {
                        flags.push(flag);
                    }
                    Value::Str(self.pseudonymiser.pseudonym(&s))
                } else {
                    Value::Str(s)
                }
            }
            Value::Str(s) => Value::Str(self.pseudonymiser.mask_iins(&s).into_owned()),
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|item| self.without_iins(col, item, flags))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Flags, never rejections: see `ids` on why an IIN may disagree with the person's data.
    fn iin_flags(
        &self,
        iin: &str,
        check: &ColumnCheck,
        columns: &[Cells],
        r: usize,
    ) -> Vec<String> {
        let Ok(facts) = ids::parse_iin(iin) else {
            return Vec::new();
        };
        let mut flags = Vec::new();
        if let Some(i) = check.iin_birth_date
            && let Some(d) = columns[i].date(r)
            && d != facts.birth_date
        {
            flags.push("iin_birth_date_mismatch".to_string());
        }
        if let Some(i) = check.iin_sex
            && let Some(s) = columns[i].str(r)
        {
            let expected = match facts.sex {
                Sex::Male => "M",
                Sex::Female => "F",
            };
            if s != expected {
                flags.push("iin_sex_mismatch".to_string());
            }
        }
        flags
    }

    fn parse_cell(
        &self,
        col: &Column,
        check: &ColumnCheck,
        raw: Option<&str>,
    ) -> Result<Value, Failure> {
        let Some(text) = raw else {
            if check.header_index.is_none() && col.required {
                return Err(Failure::new(
                    ReasonCode::MissingColumn,
                    "required column is missing from the file's header",
                ));
            }
            if col.required {
                return Err(Failure::new(
                    ReasonCode::Required,
                    "required value is missing",
                ));
            }
            return Ok(Value::Null);
        };
        if col.ty == ColumnType::List {
            let items = text
                .split(['|', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|item| self.parse_scalar(col, check, col.value_type(), item))
                .collect::<Result<Vec<_>, _>>()?;
            if items.is_empty() && col.required {
                return Err(Failure::new(ReasonCode::Required, "required list is empty"));
            }
            return Ok(Value::List(items));
        }
        self.parse_scalar(col, check, col.ty, text)
    }

    fn parse_scalar(
        &self,
        col: &Column,
        check: &ColumnCheck,
        ty: ColumnType,
        text: &str,
    ) -> Result<Value, Failure> {
        let value = match ty {
            ColumnType::String | ColumnType::List => Value::Str(text.to_string()),
            ColumnType::Integer => {
                Value::Int(parse_int(text).map_err(Failure::of(ReasonCode::NotANumber))?)
            }
            ColumnType::Float => {
                Value::Float(parse_float(text).map_err(Failure::of(ReasonCode::NotANumber))?)
            }
            ColumnType::Date => Value::Date(
                parse_date_with_pivot(text, check.two_digit_year_pivot)
                    .map_err(Failure::of(ReasonCode::NotADate))?,
            ),
            ColumnType::Bool => {
                Value::Bool(parse_bool(text).map_err(Failure::of(ReasonCode::NotABoolean))?)
            }
            ColumnType::Code => Value::Str(text.to_string()),
            ColumnType::Iin => {
                let id = restored_id(text)
                    .map_err(|e| Failure::new(ReasonCode::Iin, format!("IIN {e}")))?;
                ids::parse_iin(&id).map_err(|e| {
                    Failure::new(
                        ReasonCode::Iin,
                        format!("IIN {}", unrestorable(text, &id, e)),
                    )
                })?;
                Value::Str(id)
            }
            ColumnType::Bin => {
                let id = restored_id(text)
                    .map_err(|e| Failure::new(ReasonCode::Bin, format!("BIN {e}")))?;
                // An individual entrepreneur has no BIN and uses its owner's IIN instead; the
                // two are told apart by digits 5-6 (a day of month, or a BIN's type and kind),
                // so a valid IIN here is accepted and pseudonymised in `without_iins`.
                if let Err(e) = ids::parse_bin(&id)
                    && ids::parse_iin(&id).is_err()
                {
                    return Err(Failure::new(
                        ReasonCode::Bin,
                        format!("BIN {}", unrestorable(text, &id, e)),
                    ));
                }
                Value::Str(id)
            }
        };
        // A number column cannot be pseudonymised in place, and a person's IIN is no count.
        if matches!(value, Value::Int(_) | Value::Float(_)) && !ids::find_iins(text).is_empty() {
            return Err(Failure::new(
                ReasonCode::IinInNumber,
                "holds an IIN (personal data) where a number is expected",
            ));
        }
        if let Some(codes) = &check.codes
            && !codes.contains(text)
        {
            let message = match &check.codes_list_name {
                Some(list) => format!("not a code of the `{list}` list"),
                None => {
                    let mut allowed: Vec<&String> = codes.iter().collect();
                    allowed.sort();
                    let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
                    format!("not an allowed code (allowed: {})", allowed.join(", "))
                }
            };
            return Err(Failure::new(ReasonCode::UnknownCode, message));
        }
        if let Some(p) = &check.pattern
            && !p.is_match(text)
        {
            return Err(Failure::new(
                ReasonCode::Pattern,
                format!("does not match the pattern {}", p.as_str()),
            ));
        }
        let number = match value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        };
        if let Some(n) = number {
            if let Some(min) = col.min
                && n < min
            {
                return Err(Failure::new(
                    ReasonCode::OutOfRange,
                    format!("{text} is below the minimum {min}"),
                ));
            }
            if let Some(max) = col.max
                && n > max
            {
                return Err(Failure::new(
                    ReasonCode::OutOfRange,
                    format!("{text} is above the maximum {max}"),
                ));
            }
        }
        Ok(value)
    }

    /// A cell's error as it may be shown: the value masked, and the reason too, since reasons
    /// quote the text they could not read.
    fn error(&self, col: &Column, raw: Option<&str>, failure: Failure) -> CellError {
        let Failure {
            code,
            message: reason,
        } = failure;
        let value = raw.map(|v| self.mask(col, v));
        // Reasons quote a value as `text`, or start with it ("120 is above the maximum").
        let reason = match (raw, &value, col.personal) {
            (Some(raw), Some(shown), Some(_)) => {
                let reason = reason.replace(&format!("`{raw}`"), &format!("`{shown}`"));
                match reason
                    .strip_prefix(raw)
                    .filter(|rest| rest.starts_with(' '))
                {
                    Some(rest) => format!("{shown}{rest}"),
                    None => reason,
                }
            }
            _ => reason,
        };
        CellError {
            column: col.name.clone(),
            value,
            code,
            reason: self.pseudonymiser.mask_iins(&reason).into_owned(),
        }
    }

    /// What of a personal value may be shown in the quarantine: the pseudonym of an IIN (the
    /// analyst finds the row by file and row number), the year of a birth date, nothing else.
    /// Any other value is shown with the IINs in it replaced, wherever they stand.
    fn mask(&self, col: &Column, value: &str) -> String {
        match col.personal {
            // An IIN that lost its leading zeros is still an IIN (an entrepreneur's, here).
            None if matches!(col.value_type(), ColumnType::Iin | ColumnType::Bin) => {
                let id = restored_id(value).unwrap_or_else(|_| value.to_string());
                match self.pseudonymiser.mask_iins(&id) {
                    std::borrow::Cow::Owned(masked) => masked,
                    std::borrow::Cow::Borrowed(_) => value.to_string(),
                }
            }
            None => self.pseudonymiser.mask_iins(value).into_owned(),
            Some(Personal::Pseudonymise) => {
                let id = restored_id(value).unwrap_or_else(|_| value.to_string());
                format!("(pseudonym {})", self.pseudonymiser.pseudonym(&id))
            }
            Some(Personal::Year) => match parse_date(value) {
                Ok(d) => format!("(year {})", d.year()),
                Err(_) => "(personal data withheld)".to_string(),
            },
            Some(Personal::Drop) => "(personal data withheld)".to_string(),
        }
    }

    fn masked_record(&self, raw: &[Option<&str>]) -> String {
        let mut map = serde_json::Map::new();
        for (col, value) in self.contract.columns.iter().zip(raw) {
            if col.personal == Some(Personal::Drop) {
                continue;
            }
            let shown = value.map(|v| self.mask(col, v));
            map.insert(
                col.lake_name().unwrap_or_else(|| col.name.clone()),
                shown.map_or(serde_json::Value::Null, serde_json::Value::String),
            );
        }
        serde_json::Value::Object(map).to_string()
    }
}

/// Why `code` is refused for a row of `year` under a code list with vintages, or `None` when
/// a vintage in force in that year holds it. A row without a year (its date column empty)
/// may hold a code of any vintage.
fn out_of_vintage(
    code: &str,
    year: Option<i32>,
    col: &Column,
    vintages: &Vintages,
) -> Option<String> {
    let holding: Vec<&Vintage> = vintages
        .iter()
        .filter(|(_, codes)| codes.contains(code))
        .map(|(v, _)| v)
        .collect();
    let list = col.codes_from.as_deref().unwrap_or_default();
    let Some(year) = year else {
        return holding
            .is_empty()
            .then(|| format!("not a code of the `{list}` list"));
    };
    if holding.iter().any(|v| v.in_force_in(year)) {
        return None;
    }
    let when = |v: &Vintage| match (v.from_year, v.until_year) {
        (Some(f), Some(u)) => format!("`{}`, {f}-{u}", v.list),
        (Some(f), None) => format!("`{}`, from {f}", v.list),
        (None, Some(u)) => format!("`{}`, until {u}", v.list),
        (None, None) => format!("`{}`", v.list),
    };
    Some(if holding.is_empty() {
        format!("not a code of the `{list}` list")
    } else {
        let lists: Vec<String> = holding.iter().map(|v| when(v)).collect();
        format!(
            "not a code of `{list}` as in force in {year} (a code of {})",
            lists.join("; ")
        )
    })
}

/// A 12-digit id's digits: its leading zeros put back when a spreadsheet stored it as a
/// number (see [`ids::restore_number_form`]), the text itself otherwise.
fn restored_id(text: &str) -> Result<String, ids::NumberFormLost> {
    Ok(ids::restore_number_form(text)?.unwrap_or_else(|| text.to_string()))
}

/// Why an id is refused: for one given back its zeros, that it was short, then why the
/// zero-padded digits are no id either (so a truncated number reads as what it is).
fn unrestorable(text: &str, id: &str, e: ids::IdError) -> String {
    if text == id {
        e.to_string()
    } else {
        format!(
            "{}; with the zeros a spreadsheet number drops put back: {e}",
            ids::IdError::NotTwelveDigits
        )
    }
}

/// Removes spaces that group thousands ("1 234 567"), and only those: "1 2 3" stays invalid.
fn without_thousands_spaces(text: &str) -> Option<String> {
    let t = text.trim();
    let groups: Vec<&str> = t.split([' ', '\u{a0}', '\u{202f}']).collect();
    if groups.len() == 1 {
        return Some(t.to_string());
    }
    let first_ok = (1..=3).contains(&groups[0].trim_start_matches('-').len());
    let middle_ok = groups[1..groups.len() - 1].iter().all(|g| g.len() == 3);
    let last = groups[groups.len() - 1];
    // By bytes only once the first three are known to be ASCII digits: a word of Cyrillic
    // letters after a space ("1 Абай") is not a number, never a panic.
    let last_ok = last
        .get(..3)
        .is_some_and(|head| head.bytes().all(|b| b.is_ascii_digit()))
        && last[3..]
            .chars()
            .next()
            .is_none_or(|c| c == ',' || c == '.');
    (first_ok && middle_ok && last_ok).then(|| groups.concat())
}

pub fn parse_int(text: &str) -> Result<i64, String> {
    let cleaned =
        without_thousands_spaces(text).ok_or_else(|| format!("`{text}` is not a whole number"))?;
    let cleaned = cleaned
        .strip_suffix(".0")
        .or_else(|| cleaned.strip_suffix(",0"))
        .unwrap_or(&cleaned);
    cleaned
        .parse::<i64>()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// Accepts a decimal point or a decimal comma (as Russian-locale spreadsheets export), and
/// spaces as thousands separators.
pub fn parse_float(text: &str) -> Result<f64, String> {
    let cleaned: String = without_thousands_spaces(text)
        .ok_or_else(|| format!("`{text}` is not a number"))?
        .chars()
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| format!("`{text}` is not a number"))
}

/// A date in one of the forms providers send: `YYYY-MM-DD` (ISO) or `DD.MM.YYYY` (the Russian
/// style), day and month of one or two digits, optionally followed by a time (`T…` or ` …`)
/// that is ignored. A two-digit year is refused: `05.10.26` would otherwise become the year 26.
/// Slashed dates are refused: `05/10/2026` is 5 October in Kazakhstan and 10 May in a US export.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    parse_date_with_pivot(text, None)
}

/// As [`parse_date`], and `DD.MM.YY` read by `pivot`, the first year of the hundred-year window
/// a two-digit year falls in (`1950`: `50`–`99` are 1950–1999, `00`–`49` are 2000–2049).
pub fn parse_date_with_pivot(text: &str, pivot: Option<i32>) -> Result<NaiveDate, String> {
    let t = text.trim();
    let date_end = t.find(['T', ' ']).unwrap_or(t.len());
    let head = &t[..date_end];
    let not_a_date = || format!("`{text}` is not a date (expected YYYY-MM-DD or DD.MM.YYYY)");
    let Some(sep) = head.chars().find(|c| matches!(c, '-' | '.' | '/')) else {
        return Err(not_a_date());
    };
    let parts: Vec<&str> = head.split(sep).collect();
    let digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| digits(p, &[1, 2, 4])) {
        return Err(not_a_date());
    }
    let two_digit_year = || {
        format!(
            "`{text}` has a two-digit year: write the year in full (YYYY-MM-DD or DD.MM.YYYY), \
             or declare `two_digit_year_pivot` in the contract"
        )
    };
    let num = |p: &str| p.parse::<u32>().expect("digits");
    let (y, m, d) = match sep {
        '-' if parts[0].len() == 4 && digits(parts[1], &[1, 2]) && digits(parts[2], &[1, 2]) => {
            (num(parts[0]) as i32, num(parts[1]), num(parts[2]))
        }
        '.' if parts[2].len() == 4 && digits(parts[0], &[1, 2]) && digits(parts[1], &[1, 2]) => {
            (num(parts[2]) as i32, num(parts[1]), num(parts[0]))
        }
        '.' if parts[2].len() == 2 && digits(parts[0], &[1, 2]) && digits(parts[1], &[1, 2]) => {
            let Some(pivot) = pivot else {
                return Err(two_digit_year());
            };
            let yy = num(parts[2]) as i32;
            // In i64: a pivot at the ends of i32 (a typo in a contract) must not overflow.
            let pivot = i64::from(pivot);
            let mut year = pivot - pivot.rem_euclid(100) + i64::from(yy);
            if year < pivot {
                year += 100;
            }
            let Ok(year) = i32::try_from(year) else {
                return Err(not_a_date());
            };
            (year, num(parts[1]), num(parts[0]))
        }
        '/' => {
            return Err(if parts.iter().all(|p| p.len() <= 2) {
                two_digit_year()
            } else {
                format!(
                    "`{text}` is a slashed date, which reads as DD/MM or MM/DD depending on who \
                     exported it (expected YYYY-MM-DD or DD.MM.YYYY)"
                )
            });
        }
        // `26-10-05`: which part is the year cannot be told, and neither is in full.
        '-' if parts.iter().all(|p| p.len() <= 2) => return Err(two_digit_year()),
        _ => return Err(not_a_date()),
    };
    // `0001-01-01` (the least date of .NET and many databases) and year 0 (which the calendar
    // lacks): the empty date of a system that cannot leave one empty, never a day anything
    // happened (it would make a partition `year=1`). Other years in full are the writer's word.
    if y == 0 || (y, m, d) == (1, 1, 1) {
        return Err(format!(
            "`{text}` is a placeholder for no date (year {y:04}), not a date: leave the cell empty"
        ));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(not_a_date)
}

pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "true" | "1" | "yes" | "да" | "иә" | "y" => Ok(true),
        "false" | "0" | "no" | "нет" | "жоқ" | "n" => Ok(false),
        _ => Err(format!("`{text}` is not true/false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSON: &str = "710331478239";
    /// An individual entrepreneur's IIN: digits 5-6 are a day (14), not a BIN's type and kind.
    const ENTREPRENEUR: &str = "850314355010";
    const EMPLOYER_BIN: &str = "140240040013";

    fn catalog() -> Catalog {
        Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap()
    }

    #[test]
    fn words_after_a_space_are_not_numbers_and_never_a_panic() {
        for text in ["1 Абай", "Абай 2", "12 аб", "1 2З4", "5 өңір"] {
            assert!(parse_float(text).is_err(), "{text}");
            assert!(parse_int(text).is_err(), "{text}");
        }
        assert_eq!(parse_float("1 064 303,6"), Ok(1_064_303.6));
    }

    /// A recognition result as a centre sends it, with some cells replaced.
    fn recognition(overrides: &[(&str, &str)]) -> (Vec<String>, RawRow) {
        let mut cells = vec![
            ("record_id", "C-1"),
            ("iin", PERSON),
            ("full_name", "Морозова Татьяна Николаевна"),
            ("phone", "+77753334725"),
            ("email", ""),
            ("sex", "F"),
            ("birth_date", "1971-03-31"),
            ("region", "190000000"),
            ("centre_bin", "160240014226"),
            ("profession_id", "P10512"),
            ("nco_code", "3135-1-001"),
            ("nqf_level", "4"),
            ("referral", "employer"),
            ("employer_bin", EMPLOYER_BIN),
            ("application_date", "2026-09-10"),
            ("assessment_date", "2026-10-02"),
            ("decision_date", "2026-10-06"),
            ("result", "passed"),
            ("score", "70,6"),
        ];
        for (k, v) in overrides {
            cells.iter_mut().find(|(n, _)| n == k).unwrap().1 = v;
        }
        let headers = cells.iter().map(|(n, _)| n.to_string()).collect();
        let row = RawRow {
            number: 2,
            cells: cells
                .iter()
                .map(|(_, v)| (!v.is_empty()).then(|| v.to_string()))
                .collect(),
            defect: None,
        };
        (headers, row)
    }

    fn check(source: &str, headers: &[String], row: &RawRow) -> Result<CheckedRow, RejectedRow> {
        let catalog = catalog();
        let contract = catalog.contract(source).unwrap();
        let p = Pseudonymiser::sample();
        let (v, _) = Validator::new(&catalog, contract, headers, &p);
        v.check(row)
    }

    fn value_of(source: &str, column: &str, row: &CheckedRow) -> Value {
        let catalog = catalog();
        let i = catalog
            .contract(source)
            .unwrap()
            .column_index(column)
            .unwrap();
        row.values[i].clone()
    }

    #[test]
    fn a_region_code_is_checked_against_the_vintage_in_force_in_the_rows_year() {
        let dated = |region: &'static str, day: &'static str| {
            let (h, row) = recognition(&[
                ("region", region),
                ("application_date", day),
                ("assessment_date", day),
                ("decision_date", day),
            ]);
            check("recognition_results", &h, &row)
        };
        // Abai region (formed 8 June 2022): in force in 2022 and after, not in 2021.
        assert!(dated("100000000", "2023-03-01").is_ok());
        assert!(
            dated("100000000", "2022-02-01").is_ok(),
            "a reform's year takes either"
        );
        let bad = dated("100000000", "2021-03-01").unwrap_err();
        assert_eq!(bad.errors[0].code, ReasonCode::UnknownCode);
        assert_eq!(
            bad.errors[0].reason,
            "not a code of `regions` as in force in 2021 (a code of `regions`, from 2022)"
        );
        // South Kazakhstan region: only before the 2018 reform.
        assert!(dated("510000000", "2018-03-01").is_ok());
        let bad = dated("510000000", "2020-03-01").unwrap_err();
        assert_eq!(
            bad.errors[0].reason,
            "not a code of `regions` as in force in 2020 (a code of `regions-before-2018`, until 2018)"
        );
        // East Kazakhstan region: in every vintage.
        assert!(dated("630000000", "2019-03-01").is_ok());
        // A code of no vintage says so, whatever the year.
        let bad = dated("990000000", "2024-03-01").unwrap_err();
        assert_eq!(bad.errors[0].reason, "not a code of the `regions` list");
    }

    #[test]
    fn a_batch_splits_into_typed_accepted_columns_and_rejected_rows_in_row_order() {
        let catalog = catalog();
        let contract = catalog.contract("recognition_results").unwrap();
        let p = Pseudonymiser::sample();
        let (headers, good) = recognition(&[]);
        let (_, bad_region) = recognition(&[("region", "999999999")]);
        let (_, bad_score) = recognition(&[("score", "много")]);
        let mut rows = vec![good.clone(), bad_score, good.clone(), bad_region, good];
        for (i, r) in rows.iter_mut().enumerate() {
            r.number = i as u64 + 2;
        }
        let (v, _) = Validator::new(&catalog, contract, &headers, &p);
        let (checked, rejected) = v.check_rows(&rows, &BTreeMap::from([(6, "line 6: bad".into())]));
        assert_eq!(checked.numbers, vec![2, 4]);
        let numbers: Vec<(u64, ReasonCode)> = rejected
            .iter()
            .map(|r| (r.number, r.errors[0].code))
            .collect();
        assert_eq!(
            numbers,
            vec![
                (3, ReasonCode::NotANumber),
                (5, ReasonCode::UnknownCode),
                (6, ReasonCode::Encoding)
            ]
        );
        let score = contract.column_index("score").unwrap();
        assert_eq!(
            checked.columns[score],
            Some(Cells::Float(vec![Some(70.6), Some(70.6)]))
        );
        let name = contract.column_index("full_name").unwrap();
        assert_eq!(checked.columns[name], None, "a dropped column is not kept");
        let iin = contract.column_index("iin").unwrap();
        assert_eq!(
            checked.columns[iin],
            Some(Cells::Str(vec![Some(p.pseudonym(PERSON)); 2]))
        );
    }

    #[test]
    fn an_iin_in_a_bin_column_is_accepted_pseudonymised_and_flagged() {
        let (h, row) = recognition(&[("employer_bin", ENTREPRENEUR)]);
        let ok = check("recognition_results", &h, &row).unwrap();
        let pseudonym = Pseudonymiser::sample().pseudonym(ENTREPRENEUR);
        assert_eq!(
            value_of("recognition_results", "employer_bin", &ok),
            Value::Str(pseudonym)
        );
        assert_eq!(ok.flags, vec!["employer_bin_is_iin"]);
        // A real BIN stays as it is, unflagged: a centre's or employer's BIN is public.
        let (h, row) = recognition(&[]);
        let ok = check("recognition_results", &h, &row).unwrap();
        assert_eq!(
            value_of("recognition_results", "employer_bin", &ok),
            Value::Str(EMPLOYER_BIN.into())
        );
        assert!(ok.flags.is_empty());
        // Twelve digits that are neither is still a bad BIN.
        let (h, row) = recognition(&[("employer_bin", "850314355011")]);
        let bad = check("recognition_results", &h, &row).unwrap_err();
        assert_eq!(bad.errors[0].column, "employer_bin");
        assert!(bad.errors[0].reason.starts_with("BIN "));
    }

    #[test]
    fn a_rejected_row_shows_no_iin_in_its_value_reason_or_record() {
        // Rejected for its region; its employer is an individual entrepreneur.
        let (h, row) = recognition(&[("employer_bin", ENTREPRENEUR), ("region", "999999999")]);
        let bad = check("recognition_results", &h, &row).unwrap_err();
        let pseudonym = Pseudonymiser::sample().pseudonym(ENTREPRENEUR);
        assert!(bad.record.contains(&format!("(pseudonym {pseudonym})")));
        assert!(!bad.record.contains(ENTREPRENEUR) && !bad.record.contains(PERSON));
        assert!(!bad.record.contains("Морозова"), "{}", bad.record);
        // An IIN typed where a number belongs is rejected without being quoted.
        let (h, row) = recognition(&[("nqf_level", ENTREPRENEUR)]);
        let bad = check("recognition_results", &h, &row).unwrap_err();
        let shown = format!("{:?}", bad.errors);
        assert!(!shown.contains(ENTREPRENEUR), "{shown}");
        assert!(shown.contains("(pseudonym"), "{shown}");
        // A birth date that is no date is not quoted in the reason either: only its year shows.
        let (h, row) = recognition(&[("birth_date", "1971-13-31")]);
        let bad = check("recognition_results", &h, &row).unwrap_err();
        let shown = format!("{:?}", bad.errors);
        assert!(!shown.contains("1971-13-31"), "{shown}");
    }

    #[test]
    fn a_row_that_does_not_split_into_the_columns_keeps_no_cell() {
        let (h, mut row) = recognition(&[]);
        row.defect = Some("row has 21 fields, the header has 19".into());
        let bad = check("recognition_results", &h, &row).unwrap_err();
        assert_eq!(bad.record, EMPTY_RECORD);
        assert_eq!(bad.errors.len(), 1);
        assert_eq!(bad.errors[0].value, None);
        assert_eq!(bad.errors[0].reason, "row has 21 fields, the header has 19");
    }

    #[test]
    fn an_iin_inside_free_text_is_masked_where_it_stands() {
        let headers: Vec<String> = [
            "as_of",
            "centre_bin",
            "name",
            "region",
            "sectors",
            "accreditation_no",
            "accreditation_date",
            "status",
            "founder_bins",
        ]
        .map(String::from)
        .to_vec();
        let name = format!("ИП Ахметов, ИИН {ENTREPRENEUR}");
        let row = RawRow {
            number: 2,
            cells: [
                "2026-10-31",
                "160240014226",
                name.as_str(),
                "190000000",
                "ICT",
                "KZ-001",
                "2021-05-01",
                "accredited",
                &format!("{EMPLOYER_BIN}|{ENTREPRENEUR}"),
            ]
            .map(|c| Some(c.to_string()))
            .to_vec(),
            defect: None,
        };
        let ok = check("centres", &headers, &row).unwrap();
        let pseudonym = Pseudonymiser::sample().pseudonym(ENTREPRENEUR);
        assert_eq!(
            value_of("centres", "name", &ok),
            Value::Str(format!("ИП Ахметов, ИИН (pseudonym {pseudonym})"))
        );
        assert_eq!(
            value_of("centres", "centre_bin", &ok),
            Value::Str("160240014226".into())
        );
        // A list of BINs: each IIN in it is pseudonymised, the row flagged once.
        assert_eq!(
            value_of("centres", "founder_bins", &ok),
            Value::List(vec![
                Value::Str(EMPLOYER_BIN.into()),
                Value::Str(pseudonym.clone())
            ])
        );
        assert_eq!(ok.flags, vec!["founder_bins_is_iin"]);
    }

    /// A row of `cells` (header, value) for `source`.
    fn row_of(cells: &[(&str, &str)]) -> (Vec<String>, RawRow) {
        let headers = cells.iter().map(|(n, _)| n.to_string()).collect();
        let row = RawRow {
            number: 2,
            cells: cells
                .iter()
                .map(|(_, v)| (!v.is_empty()).then(|| v.to_string()))
                .collect(),
            defect: None,
        };
        (headers, row)
    }

    /// The one error of a row that must be rejected for exactly one reason.
    fn only_error(source: &str, headers: &[String], row: &RawRow) -> CellError {
        let bad = check(source, headers, row).expect_err("the row is rejected");
        assert_eq!(bad.errors.len(), 1, "{:?}", bad.errors);
        bad.errors[0].clone()
    }

    fn recognition_error(overrides: &[(&str, &str)]) -> CellError {
        let (h, row) = recognition(overrides);
        only_error("recognition_results", &h, &row)
    }

    #[test]
    fn a_column_headed_twice_is_named_unless_the_contract_picks_one() {
        let catalog = catalog();
        let mut contract = catalog.contract("recognition_results").unwrap().clone();
        let (mut headers, _) = recognition(&[]);
        headers.push("Score".into());
        let message = ambiguous_headers(&contract, &headers).expect("score is ambiguous");
        let at = headers.iter().position(|h| h == "score").unwrap();
        assert!(
            message.contains(&format!(
                "columns {} and {} (positions {} and {})",
                column_letter(at),
                column_letter(headers.len() - 1),
                at + 1,
                headers.len()
            )) && message.contains("`score`"),
            "{message}"
        );
        // An undeclared name given twice is no one's business.
        let mut other = headers.clone();
        other.pop();
        other.extend(["note".to_string(), "note".to_string()]);
        assert_eq!(ambiguous_headers(&contract, &other), None);

        let score = contract.column_index("score").unwrap();
        contract.columns[score].occurrence = Some(2);
        assert_eq!(ambiguous_headers(&contract, &headers), None);
        let p = Pseudonymiser::sample();
        let (v, report) = Validator::new(&catalog, &contract, &headers, &p);
        assert_eq!(v.checks[score].header_index, Some(headers.len() - 1));
        assert_eq!(report.ignored, vec!["score"]);
    }

    #[test]
    fn columns_are_lettered_as_a_spreadsheet_letters_them() {
        let letters: Vec<String> = [0, 18, 25, 26, 701, 702].map(column_letter).to_vec();
        assert_eq!(letters, ["A", "S", "Z", "AA", "ZZ", "AAA"]);
    }

    #[test]
    fn the_sample_row_itself_passes() {
        let (h, row) = recognition(&[]);
        assert!(check("recognition_results", &h, &row).is_ok());
    }

    #[test]
    fn a_row_that_does_not_split_is_row_shape() {
        let (h, mut row) = recognition(&[]);
        row.defect = Some("row has 3 fields, the header has 19".into());
        let e = only_error("recognition_results", &h, &row);
        assert_eq!((e.column.as_str(), e.code), ("", ReasonCode::RowShape));
    }

    #[test]
    fn a_required_column_absent_from_the_header_is_missing_column() {
        let (mut h, mut row) = recognition(&[]);
        let i = h.iter().position(|c| c == "result").unwrap();
        h.remove(i);
        row.cells.remove(i);
        let e = only_error("recognition_results", &h, &row);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("result", ReasonCode::MissingColumn)
        );
    }

    #[test]
    fn an_empty_required_value_is_required() {
        let e = recognition_error(&[("result", "")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("result", ReasonCode::Required)
        );
    }

    #[test]
    fn a_value_required_by_another_column_is_required() {
        let (h, row) = row_of(&[
            ("registration_id", "REG-1"),
            ("party_kind", "candidate"),
            ("party_bin", ""),
            ("iin", ""),
            ("trigger_date", "2024-03-01"),
            ("registration_date", "2024-03-02"),
        ]);
        let e = only_error("registrations", &h, &row);
        assert_eq!((e.column.as_str(), e.code), ("iin", ReasonCode::Required));
        assert!(e.reason.starts_with("required when"), "{}", e.reason);
    }

    #[test]
    fn words_in_number_columns_are_not_a_number() {
        let e = recognition_error(&[("nqf_level", "пять")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("nqf_level", ReasonCode::NotANumber)
        );
        let e = recognition_error(&[("score", "н/д")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("score", ReasonCode::NotANumber)
        );
    }

    #[test]
    fn an_impossible_date_is_not_a_date() {
        let e = recognition_error(&[("application_date", "2026-02-30")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("application_date", ReasonCode::NotADate)
        );
    }

    #[test]
    fn a_word_in_a_yes_no_column_is_not_a_boolean() {
        let (h, row) = row_of(&[
            ("act_id", "A-1"),
            ("kind", "order"),
            ("number", "123"),
            ("title_kk", "Бұйрық"),
            ("title_ru", "Приказ"),
            ("issuer", "МТСЗН"),
            ("adopted_date", "2024-01-10"),
            ("amended_date", ""),
            ("in_force", "возможно"),
        ]);
        let e = only_error("normative_acts", &h, &row);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("in_force", ReasonCode::NotABoolean)
        );
    }

    #[test]
    fn a_bad_iin_is_iin() {
        let e = recognition_error(&[("iin", "71033147823")]);
        assert_eq!((e.column.as_str(), e.code), ("iin", ReasonCode::Iin));
        let e = recognition_error(&[("iin", "710331478230")]);
        assert_eq!((e.column.as_str(), e.code), ("iin", ReasonCode::Iin));
    }

    #[test]
    fn a_bad_bin_is_bin() {
        let e = recognition_error(&[("centre_bin", "160240014227")]);
        assert_eq!((e.column.as_str(), e.code), ("centre_bin", ReasonCode::Bin));
    }

    #[test]
    fn an_iin_where_a_number_belongs_is_iin_in_number() {
        let e = recognition_error(&[("nqf_level", ENTREPRENEUR)]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("nqf_level", ReasonCode::IinInNumber)
        );
    }

    #[test]
    fn a_value_outside_its_code_list_is_unknown_code() {
        // A shared code list and a list declared in the contract alike.
        let e = recognition_error(&[("region", "999999999")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("region", ReasonCode::UnknownCode)
        );
        let e = recognition_error(&[("referral", "court")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("referral", ReasonCode::UnknownCode)
        );
    }

    #[test]
    fn a_value_off_its_pattern_is_pattern() {
        let (h, row) = row_of(&[
            ("as_of", "2024-06-30"),
            ("profession_id", "X-1"),
            ("name_kk", "Бағдарламашы"),
            ("name_ru", "Программист"),
            ("nco_code", "2512-1-001"),
            ("sector", "ICT"),
            ("nqf_levels", "4|5"),
            ("included_date", "2020-01-15"),
        ]);
        let e = only_error("professions", &h, &row);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("profession_id", ReasonCode::Pattern)
        );
    }

    #[test]
    fn a_number_beyond_its_bounds_is_out_of_range() {
        let e = recognition_error(&[("nqf_level", "9")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("nqf_level", ReasonCode::OutOfRange)
        );
        let e = recognition_error(&[("score", "-1")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("score", ReasonCode::OutOfRange)
        );
    }

    #[test]
    fn a_decision_before_its_application_is_date_order() {
        let e = recognition_error(&[("assessment_date", ""), ("decision_date", "2026-09-01")]);
        assert_eq!(
            (e.column.as_str(), e.code),
            ("decision_date", ReasonCode::DateOrder)
        );
    }

    #[test]
    fn numbers_accept_decimal_commas_and_spaces() {
        assert_eq!(parse_float("87,5"), Ok(87.5));
        assert_eq!(parse_float("1 234,25"), Ok(1234.25));
        assert_eq!(parse_int("12 000"), Ok(12000));
        assert_eq!(parse_int("7.0"), Ok(7));
        assert!(parse_int("7,5").is_err());
        assert!(parse_float("abc").is_err());
        assert!(parse_float("NaN").is_err());
        assert!(parse_float("1 2 3").is_err());
        assert!(parse_int("12 00").is_err());
        assert_eq!(parse_float("450 000,5"), Ok(450000.5));
        assert_eq!(parse_int("-1 000"), Ok(-1000));
    }

    #[test]
    fn dates_accept_iso_and_russian_style() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_eq!(parse_date("2024-03-15"), Ok(d));
        assert_eq!(parse_date("15.03.2024"), Ok(d));
        assert_eq!(parse_date("2024-03-15T10:00:00"), Ok(d));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("15/03/2024").unwrap_err().contains("slashed"));
        assert!(parse_date("2024-03-15xyz").is_err());
        assert!(parse_date("2023/14/01").unwrap_err().contains("slashed"));
        assert_eq!(
            parse_date("5.3.2024"),
            NaiveDate::from_ymd_opt(2024, 3, 5).ok_or_else(String::new)
        );
        assert_eq!(parse_date("15.03.2024 00:00:00"), Ok(d));
        assert!(parse_date("15.03.24.1").is_err());
        assert!(parse_date("2024").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn a_two_digit_year_is_refused_not_read_as_00xx() {
        for short in ["05.10.26", "5/10/26", "26-10-05", "05/10/26"] {
            let e = parse_date(short).unwrap_err();
            assert!(e.contains("two-digit year"), "{short}: {e}");
        }
        assert!(
            parse_date("0026-10-05").is_ok(),
            "a year written in full is the writer's word"
        );
    }

    #[test]
    fn a_declared_pivot_reads_dotted_short_years_in_its_window() {
        let ymd = |y, m, d| Ok(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(
            parse_date_with_pivot("05.10.26", Some(1950)),
            ymd(2026, 10, 5)
        );
        assert_eq!(
            parse_date_with_pivot("01.03.65", Some(1950)),
            ymd(1965, 3, 1)
        );
        assert_eq!(
            parse_date_with_pivot("01.03.50", Some(1950)),
            ymd(1950, 3, 1)
        );
        assert_eq!(
            parse_date_with_pivot("31.12.49", Some(1950)),
            ymd(2049, 12, 31)
        );
        assert_eq!(
            parse_date_with_pivot("01.03.65", Some(2000)),
            ymd(2065, 3, 1)
        );
        // Only the dotted form has a known day-month-year order.
        assert!(parse_date_with_pivot("5/10/26", Some(1950)).is_err());
        assert!(parse_date_with_pivot("26-10-05", Some(1950)).is_err());
        assert!(parse_date_with_pivot("31.02.26", Some(1950)).is_err());
    }

    #[test]
    fn placeholder_dates_of_year_zero_or_one_are_not_dates() {
        for text in [
            "0001-01-01",
            "0000-01-01",
            "01.01.0001",
            "0000-12-31 00:00:00",
        ] {
            let e = parse_date(text).unwrap_err();
            assert!(e.contains("placeholder"), "{text}: {e}");
        }
        assert!(parse_date("0001-01-02").is_ok());
        assert!(parse_date("9999-12-31").is_ok());
    }
}
