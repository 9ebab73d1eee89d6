//! Indicator tests that analysts write beside the SQL, without Rust:
//! `pipelines/indicators/<id>.test.toml` holds cases for `<id>.sql`. A case gives a few rows
//! of the tables the indicator reads (inline CSV with only the columns that matter) and the
//! rows the indicator must return for a report year. The format is described for analysts in
//! `pipelines/indicators/README.md`.
//!
//! Each case runs in its own in-memory DuckDB: every source is a table with the lake's
//! columns and types (what ingest writes to Parquet: `person_id` for an IIN, `birth_year` for a
//! birth date, lists as lists, the lineage columns), empty unless the case gives rows; the
//! deadline tables have the columns `schedule::register_tables` creates; the code lists are the
//! catalog's unless the case gives them; then the shared SQL layer runs, then the indicator.
//!
//! Comparison: every expected row (year, breakdown, breakdown_value) must be returned with the
//! expected `value` (and `numerator`, `denominator` when the expect header has those columns);
//! an empty cell expects NULL. A number written without decimals must match to 1e-9 (relative),
//! one written with `d` decimals to half a unit of its last decimal (33.33 matches 33.3333).
//! Any returned row whose (year, breakdown) pair appears among the expected rows but which is
//! not itself expected fails the case; rows of other pairs are not looked at.
//!
//! `mutate` checks that the cases bite: it runs them against mutants of each indicator's SQL
//! (a comparison flipped, a `where`/`having` condition negated, an `and` made `or`).

use crate::contract::Catalog;
use crate::indicators::{self, Indicator, Row, SharedSql};
use duckdb::Connection;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Suffix of a test file: `<id>.test.toml` tests `<id>.sql` in the same folder.
pub const FILE_SUFFIX: &str = ".test.toml";

#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("loading the pipelines")]
    Catalog(#[from] crate::contract::ContractError),
    #[error("loading the indicators")]
    Indicators(#[from] indicators::IndicatorError),
    #[error("no indicator `{0}` in the pipelines")]
    UnknownIndicator(String),
    #[error("{failed} of {total} indicator test cases failed")]
    Failed { failed: usize, total: usize },
    #[error(
        "the cases of {0} do not bite: no mutant killed, the main filter's mutant survived, or the cases fail unmutated"
    )]
    Weak(String),
}

/// The cases of one indicator, from `<id>.test.toml`.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub path: PathBuf,
    /// The file stem of the indicator's SQL file (its id).
    pub indicator: String,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// Line of the case's `name` in the file.
    pub line: usize,
    /// The report year: `report_years` holds it and the four years before.
    pub year: i32,
    given: Vec<Given>,
    expect: Vec<ExpectedRow>,
}

#[derive(Debug, Clone)]
struct Given {
    table: String,
    line: usize,
    columns: Vec<String>,
    rows: Vec<(usize, Vec<Option<String>>)>,
}

#[derive(Debug, Clone)]
struct ExpectedRow {
    line: usize,
    year: i32,
    breakdown: String,
    breakdown_value: String,
    value: Check,
    numerator: Check,
    denominator: Check,
}

#[derive(Debug, Clone)]
enum Check {
    /// The column is not in the expect header.
    Unchecked,
    Null,
    Number {
        value: f64,
        tolerance: f64,
    },
}

impl Check {
    fn parse(text: Option<&str>) -> Result<Check, String> {
        let Some(text) = text else {
            return Ok(Check::Null);
        };
        let value: f64 = text
            .parse()
            .map_err(|_| format!("`{text}` is not a number"))?;
        let tolerance = match text.split_once('.') {
            Some((_, decimals)) if !text.contains(['e', 'E']) => {
                0.5 * 10f64.powi(-(decimals.len() as i32))
            }
            _ => 1e-9 * value.abs().max(1.0),
        };
        Ok(Check::Number { value, tolerance })
    }

    fn matches(&self, got: Option<f64>) -> bool {
        match (self, got) {
            (Check::Unchecked, _) | (Check::Null, None) => true,
            (Check::Number { value, tolerance }, Some(g)) => (g - value).abs() <= *tolerance,
            _ => false,
        }
    }

    fn text(&self) -> String {
        match self {
            Check::Unchecked => "-".into(),
            Check::Null => "NULL".into(),
            Check::Number { value, .. } => number(Some(*value)),
        }
    }
}

fn number(v: Option<f64>) -> String {
    match v {
        None => "NULL".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => {
            let s = format!("{v:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    year: i32,
    #[serde(default)]
    given: BTreeMap<String, Spanned<String>>,
    expect: Spanned<String>,
}

/// Reads every `<id>.test.toml` of the indicators' folder, in name order, and checks that
/// each names an indicator and that each case is well formed (CSV shape, expect header,
/// non-empty expectation, years within the report year's five).
pub fn load_cases(dir: &Path, indicators: &[Indicator]) -> Result<Vec<CaseFile>, TestError> {
    let entries = std::fs::read_dir(dir).map_err(|source| TestError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(FILE_SUFFIX))
        })
        .collect();
    paths.sort();
    let known: BTreeSet<String> = indicators.iter().map(stem).collect();
    let mut out = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let id = name.trim_end_matches(FILE_SUFFIX).to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| TestError::Io {
            path: path.clone(),
            source,
        })?;
        let invalid = |line: usize, message: String| TestError::Invalid {
            path: path.clone(),
            line,
            message,
        };
        if !known.contains(&id) {
            return Err(invalid(1, format!("there is no {id}.sql beside it")));
        }
        let raw: RawFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_at(&text, s.start)).unwrap_or(1);
            invalid(line, e.message().trim().to_string())
        })?;
        let mut cases = Vec::new();
        let mut names = BTreeSet::new();
        for rc in raw.case {
            let line = line_at(&text, rc.name.span().start);
            let name = rc.name.get_ref().clone();
            if !names.insert(name.clone()) {
                return Err(invalid(line, format!("case `{name}` is named twice")));
            }
            let at = |line: usize, m: String| invalid(line, format!("case `{name}`: {m}"));
            let mut given = Vec::new();
            for (table, csv_text) in &rc.given {
                let first = content_line(&text, csv_text);
                let (columns, rows) =
                    parse_csv(csv_text.get_ref(), first).map_err(|(l, m)| at(l, m))?;
                given.push(Given {
                    table: table.clone(),
                    line: first,
                    columns,
                    rows,
                });
            }
            let first = content_line(&text, &rc.expect);
            let expect =
                parse_expect(rc.expect.get_ref(), first, rc.year).map_err(|(l, m)| at(l, m))?;
            cases.push(Case {
                name,
                line,
                year: rc.year,
                given,
                expect,
            });
        }
        if cases.is_empty() {
            return Err(invalid(1, "no [[case]]".into()));
        }
        out.push(CaseFile {
            path,
            indicator: id,
            cases,
        });
    }
    Ok(out)
}

fn stem(ind: &Indicator) -> String {
    ind.path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| ind.header.id.clone())
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The file line of a string value's first character (TOML drops the newline that follows
/// an opening `"""`).
fn content_line(text: &str, value: &Spanned<String>) -> usize {
    let start = value.span().start;
    let line = line_at(text, start);
    let rest = &text[start.min(text.len())..];
    let multi = rest.starts_with("\"\"\"") || rest.starts_with("'''");
    if multi && (rest[3..].starts_with('\n') || rest[3..].starts_with("\r\n")) {
        line + 1
    } else {
        line
    }
}

type CsvRows = Vec<(usize, Vec<Option<String>>)>;

/// Header and rows (with their file line) of inline CSV; blank lines and `#` lines are
/// skipped, cells trimmed, an empty cell is NULL.
fn parse_csv(text: &str, first_line: usize) -> Result<(Vec<String>, CsvRows), (usize, String)> {
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // One line is one row (no line breaks inside quotes), so each row knows its file line.
    for (i, text_line) in text.lines().enumerate() {
        let line = first_line + i;
        let trimmed = text_line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(trimmed.as_bytes());
        let record = match reader.records().next() {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Err((line, e.to_string())),
            None => continue,
        };
        let cells: Vec<&str> = record.iter().collect();
        match &header {
            None => {
                let names: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
                let mut seen = BTreeSet::new();
                for n in &names {
                    if n.is_empty() || !seen.insert(n) {
                        return Err((line, format!("header column `{n}` is empty or repeated")));
                    }
                }
                header = Some(names);
            }
            Some(h) => {
                if cells.len() != h.len() {
                    return Err((
                        line,
                        format!("{} cells where the header has {}", cells.len(), h.len()),
                    ));
                }
                let cells = cells
                    .iter()
                    .map(|c| (!c.is_empty()).then(|| c.to_string()))
                    .collect();
                rows.push((line, cells));
            }
        }
    }
    let header = header.ok_or((first_line, "no header line".to_string()))?;
    Ok((header, rows))
}

fn parse_expect(
    text: &str,
    first_line: usize,
    report_year: i32,
) -> Result<Vec<ExpectedRow>, (usize, String)> {
    let (header, rows) = parse_csv(text, first_line)?;
    const ALLOWED: [&str; 6] = [
        "year",
        "breakdown",
        "breakdown_value",
        "value",
        "numerator",
        "denominator",
    ];
    if let Some(bad) = header.iter().find(|h| !ALLOWED.contains(&h.as_str())) {
        return Err((first_line, format!("expect has an unknown column `{bad}`")));
    }
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(y), Some(b), Some(bv), Some(v)) = (
        col("year"),
        col("breakdown"),
        col("breakdown_value"),
        col("value"),
    ) else {
        return Err((
            first_line,
            "expect needs the columns year, breakdown, breakdown_value, value".into(),
        ));
    };
    if rows.is_empty() {
        return Err((first_line, "expect has no rows".into()));
    }
    let mut keys = BTreeSet::new();
    let mut out = Vec::new();
    for (line, cells) in rows {
        let cell = |i: usize| cells[i].as_deref();
        let year: i32 = cell(y)
            .and_then(|t| t.parse().ok())
            .ok_or((line, "year is not a year".to_string()))?;
        if !(report_year - 4..=report_year).contains(&year) {
            return Err((
                line,
                format!(
                    "year {year} is outside the report years {}..{report_year}",
                    report_year - 4
                ),
            ));
        }
        let (Some(breakdown), Some(breakdown_value)) = (cell(b), cell(bv)) else {
            return Err((line, "breakdown and breakdown_value are needed".into()));
        };
        let check = |i: Option<usize>| match i {
            None => Ok(Check::Unchecked),
            Some(i) => Check::parse(cell(i)).map_err(|m| (line, m)),
        };
        let row = ExpectedRow {
            line,
            year,
            breakdown: breakdown.to_string(),
            breakdown_value: breakdown_value.to_string(),
            value: check(Some(v))?,
            numerator: check(col("numerator"))?,
            denominator: check(col("denominator"))?,
        };
        if !keys.insert((year, row.breakdown.clone(), row.breakdown_value.clone())) {
            return Err((line, "this row is expected twice".into()));
        }
        out.push(row);
    }
    Ok(out)
}

/// What the cases run against: the catalog's sources and code lists, the shared SQL layer.
/// (source, extract column) → its lake column, for personal columns ingest renames or drops.
type Renamed = BTreeMap<(String, String), Option<String>>;

struct Setup<'a> {
    catalog: &'a Catalog,
    renamed: Renamed,
    shared: &'a [SharedSql],
    /// `create table` for every source (the lake's columns and types) and deadline table.
    tables: String,
}

impl<'a> Setup<'a> {
    fn new(catalog: &'a Catalog, shared: &'a [SharedSql]) -> Setup<'a> {
        let mut tables = String::from(crate::schedule::DERIVED_TABLES);
        let mut renamed = Renamed::new();
        for c in &catalog.contracts {
            for col in c.columns.iter().filter(|col| col.personal.is_some()) {
                renamed.insert((c.id.clone(), col.name.clone()), col.lake_name());
            }
            let _ = write!(tables, "\n{}", crate::lake::empty_table_sql(c));
        }
        Setup {
            catalog,
            renamed,
            shared,
            tables,
        }
    }

    /// A connection holding the case's tables, ready for the indicator.
    fn connect(&self, case: &Case) -> Result<Connection, String> {
        // Cases are tiny and run in parallel: one thread each spares starting a pool per case.
        let config = duckdb::Config::default()
            .threads(1)
            .map_err(|e| e.to_string())?;
        let conn = Connection::open_in_memory_with_flags(config).map_err(|e| e.to_string())?;
        // A case is judged as of its year's last day: no indicator reads the judging day, and
        // a fixed day keeps a case's result the same on every machine.
        let period = crate::period::Period::new(
            case.year,
            chrono::NaiveDate::from_ymd_opt(case.year, 12, 31).expect("a case's year is a year"),
        );
        indicators::prepare(&conn, self.catalog, &period).map_err(|e| chain(&e))?;
        conn.execute_batch(&self.tables)
            .map_err(|e| format!("creating the tables: {e}"))?;
        for g in &case.given {
            fill(&conn, g, &self.renamed)?;
        }
        indicators::apply_shared(&conn, self.shared).map_err(|e| chain(&e))?;
        Ok(conn)
    }
}

/// Inserts a given table's rows, each cell cast to its column's type as DuckDB casts text (a
/// list's items separated by `|` or `;`, as in the extracts).
fn fill(conn: &Connection, g: &Given, renamed: &Renamed) -> Result<(), String> {
    fill_rows(conn, g, renamed).map_err(|(line, m)| match line {
        Some(line) => format!("given.{}, line {line}: {m}", g.table),
        None => format!("given.{} (line {}): {m}", g.table, g.line),
    })
}

/// The error's line (None for the table as a whole) and its first line of text.
fn fill_rows(
    conn: &Connection,
    g: &Given,
    renamed: &Renamed,
) -> Result<(), (Option<usize>, String)> {
    let duck = |e: duckdb::Error| (None, e.to_string());
    let columns: BTreeMap<String, String> = {
        let mut stmt = conn
            .prepare(
                "select column_name, data_type from information_schema.columns \
                 where table_name = ? and table_schema = 'main'",
            )
            .map_err(duck)?;
        let rows = stmt
            .query_map([&g.table], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(duck)?;
        rows.collect::<Result<_, _>>().map_err(duck)?
    };
    if columns.is_empty() {
        return Err((
            None,
            format!(
                "no table `{}`: a case gives sources, deadline tables or code lists",
                g.table
            ),
        ));
    }
    let mut exprs = Vec::new();
    for c in &g.columns {
        let Some(ty) = columns.get(c) else {
            if let Some(lake) = renamed.get(&(g.table.clone(), c.clone())) {
                return Err((
                    None,
                    match lake {
                        Some(l) => format!("personal column `{c}` is `{l}` in the lake"),
                        None => format!("personal column `{c}` never enters the lake"),
                    },
                ));
            }
            let names: Vec<&str> = columns
                .keys()
                .map(String::as_str)
                .filter(|n| !n.starts_with('_'))
                .collect();
            return Err((
                None,
                format!("no column `{c}` (the table has {})", names.join(", ")),
            ));
        };
        exprs.push(if ty.ends_with("[]") {
            format!("cast(regexp_split_to_array(?, '\\s*[|;]\\s*') as {ty})")
        } else {
            format!("cast(? as {ty})")
        });
    }
    if ["regions", "sectors", "providers", "crosswalks"].contains(&g.table.as_str()) {
        conn.execute_batch(&format!("delete from {}", g.table))
            .map_err(duck)?;
    }
    let quoted: Vec<String> = g.columns.iter().map(|c| format!("\"{c}\"")).collect();
    let mut stmt = conn
        .prepare(&format!(
            "insert into \"{}\" ({}) values ({})",
            g.table,
            quoted.join(", "),
            exprs.join(", ")
        ))
        .map_err(duck)?;
    for (line, cells) in &g.rows {
        stmt.execute(duckdb::params_from_iter(cells.iter()))
            .map_err(|e| {
                // DuckDB adds the statement and a caret on further lines: the cell's table
                // and line say more to an analyst.
                let text = e.to_string();
                (
                    Some(*line),
                    text.lines().next().unwrap_or_default().to_string(),
                )
            })?;
    }
    Ok(())
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let t = s.to_string();
        if !text.contains(&t) {
            text = format!("{text}: {t}");
        }
        source = s.source();
    }
    text
}

/// Differences between what the indicator returned and what the case expects, one line each;
/// empty when the case passes.
fn compare(case: &Case, got: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let by_key: BTreeMap<(i32, &str, &str), &Row> = got
        .iter()
        .map(|r| {
            (
                (r.year, r.breakdown.as_str(), r.breakdown_value.as_str()),
                r,
            )
        })
        .collect();
    let got_text = |r: &Row| {
        format!(
            "value {}, numerator {}, denominator {}",
            number(r.value),
            number(r.numerator),
            number(r.denominator)
        )
    };
    for e in &case.expect {
        let at = format!(
            "{} {}={} (line {})",
            e.year, e.breakdown, e.breakdown_value, e.line
        );
        match by_key.get(&(e.year, e.breakdown.as_str(), e.breakdown_value.as_str())) {
            None => out.push(format!("{at}: expected {}, got no row", e.value.text())),
            Some(r) => {
                for (name, check, g) in [
                    ("value", &e.value, r.value),
                    ("numerator", &e.numerator, r.numerator),
                    ("denominator", &e.denominator, r.denominator),
                ] {
                    if !check.matches(g) {
                        out.push(format!(
                            "{at}: {name} expected {}, got {} ({})",
                            check.text(),
                            number(g),
                            got_text(r)
                        ));
                    }
                }
            }
        }
    }
    let pairs: BTreeSet<(i32, &str)> = case
        .expect
        .iter()
        .map(|e| (e.year, e.breakdown.as_str()))
        .collect();
    let expected: BTreeSet<(i32, &str, &str)> = case
        .expect
        .iter()
        .map(|e| (e.year, e.breakdown.as_str(), e.breakdown_value.as_str()))
        .collect();
    for (key, r) in &by_key {
        if pairs.contains(&(key.0, key.1)) && !expected.contains(key) {
            out.push(format!(
                "{} {}={}: not expected, got {}",
                key.0,
                key.1,
                key.2,
                got_text(r)
            ));
        }
    }
    out
}

/// The outcome of one case: None when it passed, else what went wrong.
fn run_case(setup: &Setup, ind: &Indicator, case: &Case) -> Option<String> {
    let conn = match setup.connect(case) {
        Ok(c) => c,
        Err(m) => return Some(format!("setting up the case: {m}")),
    };
    match indicators::run_one(&conn, ind) {
        Err(e) => Some(chain(&e)),
        Ok(rows) => {
            let diff = compare(case, &rows);
            (!diff.is_empty()).then(|| diff.join("\n"))
        }
    }
}

/// A failed case, or an indicator without any case.
#[derive(Debug, Clone)]
pub struct Failure {
    pub file: PathBuf,
    pub case: Option<String>,
    pub line: usize,
    pub year: i32,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct IndicatorOutcome {
    pub indicator: String,
    pub passed: usize,
    pub failures: Vec<Failure>,
}

/// What `run` found, indicator by indicator in name order.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub indicators: Vec<IndicatorOutcome>,
}

impl Summary {
    pub fn passed(&self) -> usize {
        self.indicators.iter().map(|i| i.passed).sum()
    }

    /// Failed cases; an indicator without any case counts as one.
    pub fn failed(&self) -> usize {
        self.indicators.iter().map(|i| i.failures.len()).sum()
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self
            .indicators
            .iter()
            .map(|i| i.indicator.len())
            .max()
            .unwrap_or(0);
        for i in &self.indicators {
            let no_case = i.passed == 0 && i.failures.iter().all(|f| f.case.is_none());
            let status = if i.failures.is_empty() { "ok" } else { "FAIL" };
            let what = if no_case {
                "no test case".to_string()
            } else if i.failures.is_empty() {
                format!(
                    "{} case{} passed",
                    i.passed,
                    if i.passed == 1 { "" } else { "s" }
                )
            } else {
                format!("{} passed, {} failed", i.passed, i.failures.len())
            };
            writeln!(f, "{status:<4}  {:<width$}  {what}", i.indicator)?;
        }
        let failures: Vec<&Failure> = self.indicators.iter().flat_map(|i| &i.failures).collect();
        if !failures.is_empty() {
            writeln!(f, "\nfailures:")?;
        }
        for x in failures {
            match &x.case {
                Some(case) => writeln!(
                    f,
                    "{}:{}: case \"{case}\" (report year {}):",
                    x.file.display(),
                    x.line,
                    x.year
                )?,
                None => writeln!(f, "{}:", x.file.display())?,
            }
            for l in x.detail.lines() {
                writeln!(f, "    {l}")?;
            }
        }
        write!(
            f,
            "\ncases: {} passed, {} failed",
            self.passed(),
            self.failed()
        )
    }
}

/// Runs every case of every indicator (in parallel, one in-memory DuckDB per case). An
/// indicator without a case file is a failure: every indicator has at least one case.
pub fn run(
    catalog: &Catalog,
    indicators: &[Indicator],
    shared: &[SharedSql],
    files: &[CaseFile],
) -> Summary {
    let setup = Setup::new(catalog, shared);
    let outcomes = indicators
        .par_iter()
        .map(|ind| {
            let id = stem(ind);
            let Some(file) = files.iter().find(|f| f.indicator == id) else {
                return IndicatorOutcome {
                    failures: vec![Failure {
                        file: ind.path.with_file_name(format!("{id}{FILE_SUFFIX}")),
                        case: None,
                        line: 0,
                        year: 0,
                        detail: format!("{id} has no test case: every indicator needs one"),
                    }],
                    indicator: id,
                    passed: 0,
                };
            };
            let results: Vec<Option<String>> = file
                .cases
                .par_iter()
                .map(|case| run_case(&setup, ind, case))
                .collect();
            let mut outcome = IndicatorOutcome {
                indicator: id,
                passed: 0,
                failures: Vec::new(),
            };
            for (case, r) in file.cases.iter().zip(results) {
                match r {
                    None => outcome.passed += 1,
                    Some(detail) => outcome.failures.push(Failure {
                        file: file.path.clone(),
                        case: Some(case.name.clone()),
                        line: case.line,
                        year: case.year,
                        detail,
                    }),
                }
            }
            outcome
        })
        .collect();
    Summary {
        indicators: outcomes,
    }
}

/// One mutant of an indicator's SQL: a single small change a wrong query could have.
#[derive(Debug, Clone)]
struct Mutant {
    /// Line in the SQL file.
    line: usize,
    description: String,
    sql: String,
    /// The negation of the first `where` condition (the indicator's main filter).
    main_filter: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Word,
    /// A number, a string literal or a quoted name.
    Literal,
    Op,
    Open,
    Close,
    Other,
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Tokens of a query, skipping string literals, quoted names and comments, so mutations
/// touch only SQL.
fn tokenize(sql: &str) -> Vec<Token> {
    const OPS: [&str; 16] = [
        "->>", "->", "<>", "<=", ">=", "!=", "==", "::", "||", ":=", "=>", "**", "=", "<", ">", "!",
    ];
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &sql[i..];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with("--") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map(|e| e + 2).unwrap_or(rest.len());
        } else if c == b'\'' || c == b'"' {
            let mut j = i + 1;
            while j < bytes.len() {
                if bytes[j] == c {
                    if bytes.get(j + 1) == Some(&c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let end = (j + 1).min(bytes.len());
            out.push(Token {
                kind: Kind::Literal,
                start: i,
                end,
            });
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            out.push(Token {
                kind: Kind::Word,
                start: i,
                end: j,
            });
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'.') {
                j += 1;
            }
            out.push(Token {
                kind: Kind::Literal,
                start: i,
                end: j,
            });
            i = j;
        } else if let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) {
            out.push(Token {
                kind: Kind::Op,
                start: i,
                end: i + op.len(),
            });
            i += op.len();
        } else {
            let len = rest.chars().next().map(char::len_utf8).unwrap_or(1);
            let kind = match c {
                b'(' => Kind::Open,
                b')' => Kind::Close,
                _ => Kind::Other,
            };
            out.push(Token {
                kind,
                start: i,
                end: i + len,
            });
            i += len;
        }
    }
    out
}

/// Every mutant of a query: each comparison operator flipped (`=`↔`<>`, `<`↔`>=`,
/// `>`↔`<=`), each `where`/`filter (where …)`/`having` condition negated, each `and`↔`or`
/// (not the `and` of a `between`). `first_line` is the file line of the query's first line.
fn mutants(sql: &str, first_line: usize) -> Vec<Mutant> {
    let tokens = tokenize(sql);
    let text = |t: &Token| sql[t.start..t.end].to_ascii_lowercase();
    let line = |offset: usize| first_line + sql[..offset].matches('\n').count();
    let replace = |t: &Token, with: &str| format!("{}{with}{}", &sql[..t.start], &sql[t.end..]);
    // The changed token with its neighbours, e.g. `p.event = 'accredited'`: where `=` is.
    let context = |i: usize| {
        let from = tokens[i.saturating_sub(1)].start;
        let to = tokens[(i + 1).min(tokens.len() - 1)].end;
        format!(
            "`{}`",
            sql[from..to]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    let mut out = Vec::new();
    let mut between_open: BTreeMap<usize, usize> = BTreeMap::new();
    let mut depth = 0usize;
    let mut first_where = true;
    for (i, t) in tokens.iter().enumerate() {
        let word = text(t);
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                between_open.remove(&depth);
                depth = depth.saturating_sub(1);
            }
            Kind::Op => {
                let flipped = match word.as_str() {
                    "=" | "==" => "<>",
                    "<>" | "!=" => "=",
                    "<" => ">=",
                    ">=" => "<",
                    ">" => "<=",
                    "<=" => ">",
                    _ => continue,
                };
                out.push(Mutant {
                    line: line(t.start),
                    description: format!("{} made `{flipped}`", context(i)),
                    sql: replace(t, flipped),
                    main_filter: false,
                });
            }
            Kind::Word if word == "between" => *between_open.entry(depth).or_default() += 1,
            Kind::Word if word == "and" || word == "or" => {
                if word == "and"
                    && let Some(n) = between_open.get_mut(&depth)
                    && *n > 0
                {
                    *n -= 1;
                    continue;
                }
                let other = if word == "and" { "or" } else { "and" };
                out.push(Mutant {
                    line: line(t.start),
                    description: format!("{} made `{other}`", context(i)),
                    sql: replace(t, other),
                    main_filter: false,
                });
            }
            Kind::Word if word == "where" || word == "having" => {
                let Some(end) = condition_end(sql, &tokens, i + 1) else {
                    continue;
                };
                let start = tokens[i + 1].start;
                let cond = &sql[start..end];
                let short: String = cond.split_whitespace().collect::<Vec<_>>().join(" ");
                let short = if short.chars().count() > 60 {
                    format!("{}…", short.chars().take(60).collect::<String>())
                } else {
                    short
                };
                out.push(Mutant {
                    line: line(t.start),
                    description: format!("`{word} {short}` negated"),
                    sql: format!("{}not ({cond}){}", &sql[..start], &sql[end..]),
                    main_filter: word == "where" && first_where,
                });
                if word == "where" {
                    first_where = false;
                }
            }
            _ => {}
        }
    }
    out
}

/// Where the condition starting at token `from` ends (byte offset): before the clause that
/// follows it at the same depth, or the parenthesis that closes it.
fn condition_end(sql: &str, tokens: &[Token], from: usize) -> Option<usize> {
    const CLAUSES: [&str; 11] = [
        "group",
        "order",
        "having",
        "window",
        "qualify",
        "limit",
        "offset",
        "union",
        "except",
        "intersect",
        "returning",
    ];
    let mut depth = 0usize;
    let mut last = None;
    for t in &tokens[from.min(tokens.len())..] {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close if depth == 0 => break,
            Kind::Close => depth -= 1,
            Kind::Word
                if depth == 0 && CLAUSES.contains(&sql[t.start..t.end].to_lowercase().as_str()) =>
            {
                break;
            }
            Kind::Other if depth == 0 && &sql[t.start..t.end] == ";" => break,
            _ => {}
        }
        last = Some(t.end);
    }
    last
}

/// How one indicator's mutants fared against its cases.
#[derive(Debug, Clone)]
pub struct MutationOutcome {
    pub indicator: String,
    /// Mutants that compiled.
    pub total: usize,
    pub killed: usize,
    /// Mutants DuckDB could not bind (counted neither killed nor survived).
    pub invalid: usize,
    pub survivors: Vec<String>,
    /// Whether the main filter's mutant was killed; None when the query has no `where` or
    /// that mutant does not compile.
    pub main_filter_killed: Option<bool>,
    /// Why the mutants could not be judged (no case, or the cases fail on the real SQL).
    pub error: Option<String>,
}

impl MutationOutcome {
    /// At least one mutant killed, the main filter's among them, and nothing in the way.
    pub fn bites(&self) -> bool {
        self.error.is_none() && self.killed > 0 && self.main_filter_killed != Some(false)
    }
}

#[derive(Debug, Clone, Default)]
pub struct MutationSummary {
    pub indicators: Vec<MutationOutcome>,
}

impl MutationSummary {
    pub fn killed(&self) -> usize {
        self.indicators.iter().map(|i| i.killed).sum()
    }

    pub fn total(&self) -> usize {
        self.indicators.iter().map(|i| i.total).sum()
    }
}

impl std::fmt::Display for MutationSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self
            .indicators
            .iter()
            .map(|i| i.indicator.len())
            .max()
            .unwrap_or(0);
        for i in &self.indicators {
            let status = if i.bites() { "ok" } else { "WEAK" };
            if let Some(e) = &i.error {
                writeln!(f, "{status:<4}  {:<width$}  {e}", i.indicator)?;
                continue;
            }
            let main = match i.main_filter_killed {
                Some(true) => "main filter killed",
                Some(false) => "MAIN FILTER SURVIVED",
                None => "no main filter",
            };
            writeln!(
                f,
                "{status:<4}  {:<width$}  killed {}/{} ({} did not compile), {main}",
                i.indicator, i.killed, i.total, i.invalid
            )?;
            for s in &i.survivors {
                writeln!(f, "          survived: {s}")?;
            }
        }
        let (k, t) = (self.killed(), self.total());
        let ratio = if t == 0 {
            0.0
        } else {
            100.0 * k as f64 / t as f64
        };
        write!(f, "\nmutants killed: {k} of {t} ({ratio:.1} %)")
    }
}

/// Runs each indicator's cases against every mutant of its SQL. A mutant is killed when some
/// case fails on it (wrong rows, or an error while running); one DuckDB cannot bind counts
/// neither way.
pub fn mutate(
    catalog: &Catalog,
    indicators: &[Indicator],
    shared: &[SharedSql],
    files: &[CaseFile],
) -> MutationSummary {
    let setup = Setup::new(catalog, shared);
    let outcomes = indicators
        .par_iter()
        .map(|ind| mutate_one(&setup, ind, files.iter().find(|f| f.indicator == stem(ind))))
        .collect();
    MutationSummary {
        indicators: outcomes,
    }
}

fn mutate_one(setup: &Setup, ind: &Indicator, file: Option<&CaseFile>) -> MutationOutcome {
    let mut outcome = MutationOutcome {
        indicator: stem(ind),
        total: 0,
        killed: 0,
        invalid: 0,
        survivors: Vec::new(),
        main_filter_killed: None,
        error: None,
    };
    let Some(file) = file else {
        outcome.error = Some("no test case".into());
        return outcome;
    };
    let first_line = std::fs::read_to_string(&ind.path)
        .ok()
        .and_then(|t| t.find(&ind.sql).map(|o| line_at(&t, o)))
        .unwrap_or(1);
    let mut seen = BTreeSet::new();
    let all: Vec<Mutant> = mutants(&ind.sql, first_line)
        .into_iter()
        .filter(|m| seen.insert(m.sql.clone()))
        .collect();
    if all.is_empty() {
        shared_mutants(setup, ind, file, &mut outcome);
        return outcome;
    }
    // None: not yet judged; Some(true): killed; Some(false): does not compile.
    let mut state: Vec<Option<bool>> = vec![None; all.len()];
    for (n, case) in file.cases.iter().enumerate() {
        let conn = match setup.connect(case) {
            Ok(c) => c,
            Err(m) => {
                outcome.error = Some(format!("case \"{}\": {m}", case.name));
                return outcome;
            }
        };
        let real = indicators::run_one(&conn, ind)
            .map(|rows| compare(case, &rows))
            .map_err(|e| chain(&e));
        if !matches!(real, Ok(ref d) if d.is_empty()) {
            outcome.error = Some(format!(
                "case \"{}\" fails on the real SQL: run `nqs test` first",
                case.name
            ));
            return outcome;
        }
        for (m, s) in all.iter().zip(state.iter_mut()) {
            if s.is_some() {
                continue;
            }
            if n == 0 && conn.prepare(&format!("select * from ({})", m.sql)).is_err() {
                *s = Some(false);
                continue;
            }
            let mutant = Indicator {
                sql: m.sql.clone(),
                ..ind.clone()
            };
            let killed = match indicators::run_one(&conn, &mutant) {
                Err(_) => true,
                Ok(rows) => !compare(case, &rows).is_empty(),
            };
            if killed {
                *s = Some(true);
            }
        }
    }
    for (m, s) in all.iter().zip(&state) {
        match s {
            Some(false) => outcome.invalid += 1,
            Some(true) => outcome.killed += 1,
            None => outcome
                .survivors
                .push(format!("line {}: {}", m.line, m.description)),
        }
        if m.main_filter && *s != Some(false) {
            outcome.main_filter_killed = Some(*s == Some(true));
        }
    }
    outcome.total = outcome.killed + outcome.survivors.len();
    outcome
}

/// An indicator whose query is only a call into the shared layer (`select * from
/// count_cells('s')`, a register snapshot, …) has its filters and comparisons there: it is
/// judged on the mutants of the shared files whose macros it calls, each run against its own
/// cases. A mutant that stops the layer from loading counts as not compiling.
fn shared_mutants(setup: &Setup, ind: &Indicator, file: &CaseFile, outcome: &mut MutationOutcome) {
    let called = |layer: &SharedSql| {
        macro_names(&layer.sql)
            .iter()
            .any(|name| ind.sql.contains(&format!("{name}(")))
    };
    for (k, layer) in setup.shared.iter().enumerate().filter(|(_, l)| called(l)) {
        let name = layer
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for m in mutants(&layer.sql, 1) {
            let mut mutated = setup.shared.to_vec();
            mutated[k].sql = m.sql.clone();
            let mutated_setup = Setup::new(setup.catalog, &mutated);
            let mut compiled = false;
            let mut killed = false;
            for case in &file.cases {
                let Ok(conn) = mutated_setup.connect(case) else {
                    break;
                };
                compiled = true;
                killed = match indicators::run_one(&conn, ind) {
                    Err(_) => true,
                    Ok(rows) => !compare(case, &rows).is_empty(),
                };
                if killed {
                    break;
                }
            }
            match (compiled, killed) {
                (false, _) => outcome.invalid += 1,
                (true, true) => outcome.killed += 1,
                (true, false) => outcome
                    .survivors
                    .push(format!("shared/{name} line {}: {}", m.line, m.description)),
            }
        }
    }
    outcome.total = outcome.killed + outcome.survivors.len();
}

/// The macros a shared file defines (`create [or replace] macro NAME(`).
fn macro_names(sql: &str) -> Vec<String> {
    let lower = sql.to_lowercase();
    let mut names = Vec::new();
    for (i, _) in lower.match_indices("macro ") {
        let before = lower[..i].trim_end();
        if !before.ends_with("create") && !before.ends_with("replace") {
            continue;
        }
        let rest = &sql[i + "macro ".len()..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_names_are_read_from_their_definitions() {
        let names = macro_names(
            "-- a macro comment\ncreate or replace macro share_cells(t) as table select 1;\n\
             CREATE MACRO age_band(y) AS y;",
        );
        assert_eq!(names, ["share_cells", "age_band"]);
    }

    fn sqls(sql: &str) -> Vec<String> {
        mutants(sql, 1).into_iter().map(|m| m.sql).collect()
    }

    #[test]
    fn comparisons_flip_outside_strings_and_comments() {
        let got = sqls("select a from t where a >= 1 and b = '<>' -- x = y");
        assert!(got.contains(&"select a from t where a < 1 and b = '<>' -- x = y".to_string()));
        assert!(got.contains(&"select a from t where a >= 1 and b <> '<>' -- x = y".to_string()));
        assert!(got.contains(&"select a from t where a >= 1 or b = '<>' -- x = y".to_string()));
        assert!(got.iter().all(|s| s.ends_with("-- x = y")));
        // Lambdas and casts are not comparisons.
        assert!(sqls("select list_transform(l, x -> x::int)").is_empty());
    }

    #[test]
    fn conditions_end_where_their_clause_does() {
        let m = mutants(
            "with c as (select * from t where a = 1 group by 1)\n\
             select count(*) filter (where b) from c where x between 1 and 2 order by 1",
            10,
        );
        let negated: Vec<(&str, bool, usize)> = m
            .iter()
            .filter(|m| m.description.ends_with("negated"))
            .map(|m| (m.sql.as_str(), m.main_filter, m.line))
            .collect();
        assert_eq!(negated.len(), 3);
        assert!(
            negated[0].0.contains("where not (a = 1) group by 1"),
            "{}",
            negated[0].0
        );
        assert!(negated[0].1 && negated[0].2 == 10);
        assert!(negated[1].0.contains("filter (where not (b))"));
        assert!(
            negated[2]
                .0
                .contains("where not (x between 1 and 2) order by 1")
        );
        assert!(!negated[1].1 && !negated[2].1 && negated[2].2 == 11);
        // The `and` of `between` is not a conjunction.
        assert!(!m.iter().any(|m| m.sql.contains("between 1 or 2")));
    }

    #[test]
    fn expected_numbers_match_to_their_written_precision() {
        let c = Check::parse(Some("33.33")).unwrap();
        assert!(c.matches(Some(100.0 / 3.0)));
        assert!(!c.matches(Some(33.34)));
        let c = Check::parse(Some("50")).unwrap();
        assert!(c.matches(Some(50.0)) && !c.matches(Some(50.4)) && !c.matches(None));
        assert!(Check::parse(None).unwrap().matches(None));
        assert!(!Check::parse(None).unwrap().matches(Some(0.0)));
    }

    #[test]
    fn csv_cells_are_trimmed_and_empty_is_null() {
        let (h, rows) = parse_csv("\n  a, b\n  # a note\n  1, \n\n  x,y\n", 5).unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(rows[0], (8, vec![Some("1".into()), None]));
        assert_eq!(rows[1].0, 10);
        assert!(parse_csv("a,b\n1\n", 1).is_err());
    }

    #[test]
    fn extra_rows_of_an_expected_breakdown_fail_and_others_are_ignored() {
        let expect = parse_expect(
            "year,breakdown,breakdown_value,value\n2025,region,A,2\n",
            1,
            2025,
        )
        .unwrap();
        let case = Case {
            name: "c".into(),
            line: 1,
            year: 2025,
            given: Vec::new(),
            expect,
        };
        let row = |b: &str, bv: &str, v: f64| Row {
            indicator_id: "x".into(),
            year: 2025,
            breakdown: b.into(),
            breakdown_value: bv.into(),
            value: Some(v),
            numerator: None,
            denominator: None,
            suppressed: false,
            confidentiality: Default::default(),
            provisional: false,
        };
        assert!(
            compare(
                &case,
                &[row("region", "A", 2.0), row("total", "total", 9.0)]
            )
            .is_empty()
        );
        let d = compare(&case, &[row("region", "A", 2.0), row("region", "B", 1.0)]);
        assert_eq!(d.len(), 1);
        assert!(d[0].contains("region=B: not expected"));
        let d = compare(&case, &[row("region", "A", 3.0)]);
        assert!(d[0].contains("value expected 2, got 3"));
        assert!(parse_expect("year,breakdown,breakdown_value,value\n", 1, 2025).is_err());
        assert!(
            parse_expect(
                "year,breakdown,breakdown_value,value\n2019,total,total,1\n",
                1,
                2025
            )
            .is_err()
        );
    }
}
