//! `nqs query`: researchers' and analysts' SQL (DuckDB) over what nqs publishes, written in the
//! format their tools read.
//!
//! Two scopes. [`Scope::Published`] (the default) sees only what may leave the office: one view
//! per published table, `indicators` (every year's `output/<YEAR>/indicators.parquet`, suppressed
//! cells without a value, with their SDMX `conf_status` and `obs_status` flags) and `findings`
//! (every year's `findings.parquet`, with a `year` column), and one per table of the research
//! extract (`nqs extract`: `recognitions`, every year's `research/recognitions.parquet`, with a
//! `year` column). [`Scope::Lake`] adds one view per
//! lake source and `quarantine` ([`crate::sql::open_lake`]): the analysts' own, never for
//! publication — the lake holds pseudonymised microdata.
//!
//! Formats: an aligned text table, CSV (RFC 4180, header row), JSON (an array of objects), Parquet
//! (zstd) and XLSX (one sheet; text always written as text, so a value such as
//! `=HYPERLINK(...)` never becomes a live formula). CSV and Parquet are DuckDB's own
//! `COPY ... TO` writers, so types survive exactly as DuckDB, polars and pandas read them back;
//! JSON numbers are printed to read back as the same doubles.

use duckdb::Connection;
use duckdb::arrow::array::{Array, ArrayRef, AsArray};
use duckdb::arrow::datatypes::{DataType, Float64Type};
use duckdb::arrow::record_batch::RecordBatch;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a query may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The published tables only.
    Published,
    /// The published tables and the lake (pseudonymised microdata, quarantine).
    Lake,
}

/// How the result is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for the terminal.
    Table,
    /// Comma-separated, UTF-8, with a header row.
    Csv,
    /// One JSON array of objects, a key per column.
    Json,
    /// Apache Parquet (zstd); needs an output file.
    Parquet,
    /// An Excel workbook with one sheet; needs an output file.
    Xlsx,
}

impl Format {
    /// The format's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
        }
    }

    /// Whether the format is binary and so needs `--out`.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::Parquet | Format::Xlsx)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// DuckDB refused or failed the query; its message names the table, column or syntax.
    /// Kept as DuckDB's text only: its own source ("Error code 1") adds nothing.
    #[error("{0}")]
    Duck(String),
    #[error(transparent)]
    Lake(#[from] crate::sql::SqlError),
    #[error("nothing is published in {0} yet: run `nqs run --year YEAR` first")]
    NothingPublished(PathBuf),
    #[error("{} output is binary: give a file with --out", .0.name())]
    NeedsFile(Format),
    #[error(
        "the result has {rows} rows; a worksheet holds at most {max}: choose --format parquet or csv"
    )]
    TooManyRowsForXlsx { rows: usize, max: usize },
    #[error("could not write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write the workbook {path}: {message}")]
    Xlsx { path: PathBuf, message: String },
    #[error("could not print the result: {0}")]
    Print(String),
}

impl From<duckdb::Error> for QueryError {
    fn from(e: duckdb::Error) -> QueryError {
        QueryError::Duck(e.to_string())
    }
}

/// XLSX's row limit (1,048,576) less the header row.
const XLSX_MAX_ROWS: usize = 1_048_575;

/// The names of the published tables, for help texts and the catalogue.
pub const PUBLISHED_TABLES: [&str; 2] = ["indicators", "findings"];

/// An in-memory DuckDB with a view per published table of `output` (and, for
/// [`Scope::Lake`], per lake source).
///
/// Errors: [`QueryError::NothingPublished`] when no year has been run (published scope);
/// the lake's errors when it is empty (lake scope).
pub fn open(output: &Path, scope: Scope) -> Result<Connection, QueryError> {
    let conn = match scope {
        Scope::Lake => crate::sql::open_lake(&output.join("lake"))?,
        Scope::Published => Connection::open_in_memory()?,
    };
    let views = published_views(output, false);
    if views.is_empty() && scope == Scope::Published {
        return Err(QueryError::NothingPublished(output.to_path_buf()));
    }
    for view in views {
        conn.execute_batch(&view)?;
    }
    Ok(conn)
}

/// `create view` statements for the published tables of `output`, naming the files by their
/// path (`relative`: from `output`, for the catalogue file).
fn published_views(output: &Path, relative: bool) -> Vec<String> {
    let years = published_years(output);
    let mut views = Vec::new();
    for table in PUBLISHED_TABLES {
        let parts: Vec<String> = years
            .iter()
            .filter_map(|(year, dir)| {
                let name = format!("{table}.parquet");
                if !dir.join(&name).is_file() {
                    return None;
                }
                let file = if relative {
                    format!("{year}/{name}")
                } else {
                    dir.join(&name).to_string_lossy().to_string()
                };
                let file = sql_text(&file);
                // `indicators` carries its year; `findings` is per year's folder.
                Some(if table == "findings" {
                    format!("select {year} as year, * from read_parquet({file})")
                } else {
                    format!("select * from read_parquet({file})")
                })
            })
            .collect();
        if !parts.is_empty() {
            views.push(format!(
                "create or replace view {table} as {}",
                parts.join(" union all by name ")
            ));
        }
    }
    // The research extracts (`nqs extract`): one view per table, every year's file with a
    // `year` column.
    let mut research: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (year, dir) in &years {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(crate::extract::spec::DIR))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for file in files {
            let Some(name) = file
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".parquet"))
            else {
                continue;
            };
            if name.starts_with('.')
                || PUBLISHED_TABLES.contains(&name)
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            let path = if relative {
                format!("{year}/{}/{name}.parquet", crate::extract::spec::DIR)
            } else {
                file.to_string_lossy().to_string()
            };
            research.entry(name.to_string()).or_default().push(format!(
                "select {year} as year, * from read_parquet({})",
                sql_text(&path)
            ));
        }
    }
    for (name, parts) in research {
        views.push(format!(
            "create or replace view {name} as {}",
            parts.join(" union all by name ")
        ));
    }
    views
}

/// The catalogue's file name in the output folder.
pub const CATALOGUE: &str = "nqs.duckdb";

/// Writes `output/nqs.duckdb`: a DuckDB database holding only views over the published
/// Parquet files, named by paths relative to `output`, so the DuckDB CLI, Python's `duckdb`,
/// polars and pandas (through duckdb) open it from the output folder or from a copy of the
/// folder anywhere (run from that folder, or `SET file_search_path` to it). Written beside
/// and renamed into place, so a reader never sees half a catalogue.
///
/// Errors: DuckDB's while creating the views; [`QueryError::Io`] for the rename.
pub fn write_catalogue(output: &Path) -> Result<PathBuf, QueryError> {
    let path = output.join(CATALOGUE);
    let tmp = crate::atomic::prepare(&path).map_err(|source| QueryError::Io {
        path: path.clone(),
        source,
    })?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| QueryError::Io { path, source }
    };
    for stale in [tmp.clone(), tmp.with_extension("tmp.wal")] {
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(io(&stale))?;
        }
    }
    {
        let conn = Connection::open(&tmp)?;
        // Views are bound when created: the relative paths must resolve now, from `output`.
        conn.execute_batch(&format!(
            "set file_search_path = {}",
            sql_text(&output.to_string_lossy())
        ))?;
        for view in published_views(output, true) {
            conn.execute_batch(&view)?;
        }
        for view in lake_views(output) {
            conn.execute_batch(&view)?;
        }
        conn.execute_batch("checkpoint")?;
    }
    crate::atomic::rename_durable(&tmp, &path).map_err(io(&path))?;
    Ok(path)
}

/// `create view` statements for the catalogue's schema `lake`: one view per lake source with
/// data (`lake.recognition_results`, every file of `lake/<source>/`) and `lake.quarantine`
/// (`quarantine/*.parquet`), by paths relative to `output`. Globs, so files ingested after
/// the catalogue was written are seen too. The lake is pseudonymised microdata for the
/// National body's analysts: a reader without access to `lake/` gets DuckDB's "No files
/// found" from these views and nothing else.
fn lake_views(output: &Path) -> Vec<String> {
    let lake = output.join("lake");
    let has_parquet = |dir: &Path| {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "parquet") {
                    return true;
                }
            }
        }
        false
    };
    let mut sources: Vec<String> = std::fs::read_dir(&lake)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| {
                    !n.starts_with(['_', '.'])
                        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .filter(|n| has_parquet(&lake.join(n)))
                .collect()
        })
        .unwrap_or_default();
    sources.sort();
    let mut views = Vec::new();
    let quarantine = crate::lake::quarantine_dir(&lake);
    let quarantined = has_parquet(&quarantine);
    if sources.is_empty() && !quarantined {
        return views;
    }
    views.push("create schema if not exists lake".to_string());
    for name in sources {
        views.push(format!(
            "create or replace view lake.\"{name}\" as select * from read_parquet({}, hive_partitioning = false)",
            sql_text(&format!("lake/{name}/**/*.parquet"))
        ));
    }
    if quarantined {
        views.push(format!(
            "create or replace view lake.quarantine as select * from read_parquet({}, union_by_name = true)",
            sql_text(&format!("{}/*.parquet", crate::lake::QUARANTINE_DIR))
        ));
    }
    views
}

/// The years with an output folder (`output/<YEAR>/`) holding indicators or a research
/// extract, oldest first.
fn published_years(output: &Path) -> Vec<(i32, PathBuf)> {
    let mut years: Vec<(i32, PathBuf)> = std::fs::read_dir(output)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let year: i32 = name.parse().ok().filter(|_| name.len() == 4)?;
                    let dir = e.path();
                    (dir.join("indicators.parquet").is_file()
                        || dir.join(crate::extract::spec::DIR).is_dir())
                    .then_some((year, dir))
                })
                .collect()
        })
        .unwrap_or_default();
    years.sort();
    years
}

/// A SQL string literal.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Runs `sql` and writes its result as `format` to `out` (a file), or to `stdout` when `out`
/// is `None` (text formats only). Returns the number of rows written.
///
/// Errors: DuckDB's own message for a bad query ([`QueryError::Duck`]); [`QueryError::NeedsFile`]
/// for a binary format without a file; [`QueryError::TooManyRowsForXlsx`].
pub fn write(
    conn: &Connection,
    sql: &str,
    format: Format,
    out: Option<&Path>,
    stdout: &mut dyn Write,
) -> Result<u64, QueryError> {
    let sql = sql.trim().trim_end_matches(';').trim_end();
    if format.needs_file() && out.is_none() {
        return Err(QueryError::NeedsFile(format));
    }
    match format {
        Format::Table => {
            let batches = batches(conn, sql)?;
            let rows = batches.iter().map(RecordBatch::num_rows).sum::<usize>();
            let text = if batches.is_empty() {
                String::new()
            } else {
                duckdb::arrow::util::pretty::pretty_format_batches(&batches)
                    .map_err(|e| QueryError::Print(e.to_string()))?
                    .to_string()
            };
            let io = |source| QueryError::Io {
                path: out.map_or_else(|| PathBuf::from("<stdout>"), Path::to_path_buf),
                source,
            };
            match out {
                Some(path) => {
                    crate::atomic::write_atomic(path, format!("{text}\n").as_bytes()).map_err(io)?
                }
                None => writeln!(stdout, "{text}").map_err(io)?,
            }
            Ok(rows as u64)
        }
        Format::Json => {
            let batches = batches(conn, sql)?;
            let (rows, text) = json_text(&batches)?;
            let io = |source| QueryError::Io {
                path: out.map_or_else(|| PathBuf::from("<stdout>"), Path::to_path_buf),
                source,
            };
            match out {
                Some(path) => crate::atomic::write_atomic(path, text.as_bytes()).map_err(io)?,
                None => stdout.write_all(text.as_bytes()).map_err(io)?,
            }
            Ok(rows)
        }
        Format::Csv | Format::Parquet => {
            let options = match format {
                Format::Csv => "format csv, header true",
                _ => "format parquet, compression zstd",
            };
            match out {
                Some(path) => {
                    let io = |source| QueryError::Io {
                        path: path.to_path_buf(),
                        source,
                    };
                    let tmp = crate::atomic::prepare(path).map_err(io)?;
                    let rows = copy_to(conn, sql, &tmp, options)?;
                    crate::atomic::rename_durable(&tmp, path).map_err(io)?;
                    Ok(rows)
                }
                None => {
                    // DuckDB writes to a file; the text is then passed on, so a pipe
                    // (`nqs query ... | head`) behaves as with any Unix tool.
                    let dir = tempdir()?;
                    let file = dir.join("result");
                    let rows = copy_to(conn, sql, &file, options);
                    let copied = rows.and_then(|rows| {
                        let mut f =
                            std::fs::File::open(&file).map_err(|source| QueryError::Io {
                                path: file.clone(),
                                source,
                            })?;
                        std::io::copy(&mut f, stdout).map_err(|source| QueryError::Io {
                            path: PathBuf::from("<stdout>"),
                            source,
                        })?;
                        Ok(rows)
                    });
                    let _ = std::fs::remove_dir_all(&dir);
                    copied
                }
            }
        }
        Format::Xlsx => {
            let path = out.expect("checked above");
            let batches = batches(conn, sql)?;
            write_xlsx(&batches, path)
        }
    }
}

fn batches(conn: &Connection, sql: &str) -> Result<Vec<RecordBatch>, QueryError> {
    let mut stmt = conn.prepare(sql)?;
    Ok(stmt.query_arrow([])?.collect())
}

/// `COPY (sql) TO path (options)`: DuckDB's own writer; returns the rows written.
fn copy_to(conn: &Connection, sql: &str, path: &Path, options: &str) -> Result<u64, QueryError> {
    let target = sql_text(&path.to_string_lossy());
    let rows = conn.execute(&format!("copy ({sql}) to {target} ({options})"), [])?;
    Ok(rows as u64)
}

fn tempdir() -> Result<PathBuf, QueryError> {
    let dir = std::env::temp_dir().join(format!(
        "nqs-query-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).map_err(|source| QueryError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// A JSON array of objects, one per line, each object's keys in the result's column order.
/// Written here rather than by DuckDB's `COPY ... (format json)`, which prints some doubles to a
/// neighbouring value (3.8944723618090453 came back as ...458); serde_json prints the shortest
/// text that reads back as the same double. The objects are written key by key, since
/// serde_json's map sorts its keys.
fn json_text(batches: &[RecordBatch]) -> Result<(u64, String), QueryError> {
    use serde_json::Value;
    let mut lines = Vec::new();
    for batch in batches {
        let schema = batch.schema();
        let keys: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| Value::String(f.name().clone()).to_string())
            .collect();
        let columns: Vec<Vec<Value>> = batch
            .columns()
            .iter()
            .map(json_column)
            .collect::<Result<_, _>>()?;
        for i in 0..batch.num_rows() {
            let members: Vec<String> = keys
                .iter()
                .zip(&columns)
                .map(|(key, column)| format!("{key}:{}", column[i]))
                .collect();
            lines.push(format!("{{{}}}", members.join(",")));
        }
    }
    let rows = lines.len() as u64;
    let text = if lines.is_empty() {
        "[]\n".to_string()
    } else {
        format!("[\n{}\n]\n", lines.join(",\n"))
    };
    Ok((rows, text))
}

/// The largest integer a JSON reader that keeps numbers as doubles (JavaScript, pandas) reads
/// exactly: 2^53. Integers beyond it are written as strings.
const JSON_SAFE_INTEGER: u64 = 1 << 53;

/// An integer as JSON: a number up to 2^53 either side of zero, else its digits as a string.
fn json_integer(v: i128) -> serde_json::Value {
    if v.unsigned_abs() <= u128::from(JSON_SAFE_INTEGER) {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::String(v.to_string())
    }
}

/// A column's values as JSON: integers and floats as numbers (integers beyond 2^53 as
/// strings), booleans, the rest as text.
fn json_column(column: &ArrayRef) -> Result<Vec<serde_json::Value>, QueryError> {
    use duckdb::arrow::datatypes::{Decimal128Type, Int64Type, UInt64Type};
    use serde_json::Value;
    // Each row's value, or null where the column has none.
    let each = |value: &dyn Fn(usize) -> Value| {
        (0..column.len())
            .map(|i| {
                if column.is_null(i) {
                    Value::Null
                } else {
                    value(i)
                }
            })
            .collect::<Vec<_>>()
    };
    let integer = matches!(
        column.data_type(),
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    );
    if integer {
        let cast = duckdb::arrow::compute::cast(column, &DataType::Int64)
            .map_err(|e| QueryError::Print(e.to_string()))?;
        let ints = cast.as_primitive::<Int64Type>();
        return Ok(each(&|i| json_integer(i128::from(ints.value(i)))));
    }
    if let DataType::UInt64 = column.data_type() {
        let ints = column.as_primitive::<UInt64Type>();
        return Ok(each(&|i| json_integer(i128::from(ints.value(i)))));
    }
    // DuckDB's HUGEINT (a `sum` of integers) and decimals without a fraction arrive as
    // decimals of scale 0: integers too.
    if let DataType::Decimal128(_, 0) = column.data_type() {
        let ints = column.as_primitive::<Decimal128Type>();
        return Ok(each(&|i| json_integer(ints.value(i))));
    }
    if let DataType::Boolean = column.data_type() {
        let b = column.as_boolean();
        return Ok(each(&|i| Value::Bool(b.value(i))));
    }
    if let Some(numbers) = number_column(column) {
        // NaN and infinities have no JSON number: null, as pandas writes them.
        return Ok(numbers
            .into_iter()
            .map(|v| {
                v.and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            })
            .collect());
    }
    Ok(text_column(column)?
        .into_iter()
        .map(|v| v.map_or(Value::Null, Value::String))
        .collect())
}

/// One sheet, the header in bold, numbers as numbers, dates and timestamps as Excel dates (with
/// a date format: `yyyy-mm-dd`, `yyyy-mm-dd hh:mm:ss`; a zoned timestamp at its UTC time),
/// booleans as booleans, everything else as text. A date Excel cannot hold (before 1900 or
/// after 9999) is written as its ISO 8601 text.
fn write_xlsx(batches: &[RecordBatch], path: &Path) -> Result<u64, QueryError> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| QueryError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if rows > XLSX_MAX_ROWS {
        return Err(QueryError::TooManyRowsForXlsx {
            rows,
            max: XLSX_MAX_ROWS,
        });
    }
    let mut book = Workbook::new();
    // A fixed creation time: the same query gives the same file.
    let fixed = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&fixed));
    let bold = Cell::new().set_bold();
    let date_format = Cell::new().set_num_format("yyyy-mm-dd");
    let timestamp_format = Cell::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheet = book.add_worksheet();
    sheet.set_name("query").map_err(xerr)?;
    if let Some(first) = batches.first() {
        for (c, field) in first.schema().fields().iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, field.name(), &bold)
                .map_err(xerr)?;
        }
    }
    let mut row = 1u32;
    for batch in batches {
        for (c, column) in batch.columns().iter().enumerate() {
            let c = c as u16;
            if let DataType::Boolean = column.data_type() {
                let b = column.as_boolean();
                for i in (0..b.len()).filter(|i| !b.is_null(*i)) {
                    sheet
                        .write_boolean(row + i as u32, c, b.value(i))
                        .map_err(xerr)?;
                }
                continue;
            }
            if let Some(dates) = date_column(column) {
                let text = text_column(column)?;
                let format = match column.data_type() {
                    DataType::Date32 | DataType::Date64 => &date_format,
                    _ => &timestamp_format,
                };
                for (i, d) in dates.iter().enumerate() {
                    let r = row + i as u32;
                    match (d, &text[i]) {
                        (Some(d), _) => {
                            sheet
                                .write_datetime_with_format(r, c, d, format)
                                .map_err(xerr)?;
                        }
                        (None, Some(t)) => {
                            sheet.write_string(r, c, t).map_err(xerr)?;
                        }
                        (None, None) => {}
                    }
                }
                continue;
            }
            match number_column(column) {
                Some(numbers) => {
                    for (i, v) in numbers.iter().enumerate() {
                        if let Some(v) = v.filter(|v| v.is_finite()) {
                            sheet.write_number(row + i as u32, c, v).map_err(xerr)?;
                        }
                    }
                }
                None => {
                    let text = text_column(column)?;
                    for (i, v) in text.iter().enumerate() {
                        if let Some(v) = v {
                            // write_string never interprets `=...` as a formula.
                            sheet.write_string(row + i as u32, c, v).map_err(xerr)?;
                        }
                    }
                }
            }
        }
        row += batch.num_rows() as u32;
    }
    let bytes = book.save_to_buffer().map_err(xerr)?;
    crate::atomic::write_atomic(path, &bytes).map_err(|source| QueryError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(rows as u64)
}

/// A date or timestamp column as Excel dates (`None` for a null or a day Excel cannot hold);
/// `None` for any other column.
fn date_column(column: &ArrayRef) -> Option<Vec<Option<rust_xlsxwriter::ExcelDateTime>>> {
    use chrono::{Datelike, NaiveDateTime, Timelike};
    use duckdb::arrow::datatypes::TimeUnit;
    let as_timestamp = match column.data_type() {
        DataType::Date32 | DataType::Date64 => None,
        DataType::Timestamp(_, _) => Some(()),
        _ => return None,
    };
    // Microseconds since 1970-01-01 (UTC for a zoned timestamp).
    let micros =
        duckdb::arrow::compute::cast(column, &DataType::Timestamp(TimeUnit::Microsecond, None))
            .ok()?;
    let micros = micros.as_primitive::<duckdb::arrow::datatypes::TimestampMicrosecondType>();
    let excel = |t: NaiveDateTime| {
        let year = u16::try_from(t.year()).ok()?;
        let d =
            rust_xlsxwriter::ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8).ok()?;
        if as_timestamp.is_none() {
            return Some(d);
        }
        d.and_hms_milli(
            t.hour() as u16,
            t.minute() as u8,
            t.second() as u8,
            (t.nanosecond() / 1_000_000).min(999) as u16,
        )
        .ok()
    };
    Some(
        (0..micros.len())
            .map(|i| {
                if micros.is_null(i) {
                    return None;
                }
                chrono::DateTime::from_timestamp_micros(micros.value(i))
                    .and_then(|t| excel(t.naive_utc()))
            })
            .collect(),
    )
}

/// A numeric column as floats (XLSX stores every number as a double); `None` otherwise.
fn number_column(column: &ArrayRef) -> Option<Vec<Option<f64>>> {
    let numeric = matches!(
        column.data_type(),
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float16
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal128(_, _)
    );
    if !numeric {
        return None;
    }
    let cast = duckdb::arrow::compute::cast(column, &DataType::Float64).ok()?;
    let floats = cast.as_primitive::<Float64Type>();
    Some(
        (0..floats.len())
            .map(|i| (!floats.is_null(i)).then(|| floats.value(i)))
            .collect(),
    )
}

/// Any other column as text, the way DuckDB's and arrow's casts print it (dates as ISO 8601).
fn text_column(column: &ArrayRef) -> Result<Vec<Option<String>>, QueryError> {
    let cast = duckdb::arrow::compute::cast(column, &DataType::Utf8)
        .map_err(|e| QueryError::Print(e.to_string()))?;
    let strings = cast.as_string::<i32>();
    Ok((0..strings.len())
        .map(|i| (!strings.is_null(i)).then(|| strings.value(i).to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "create table t as select * from (values (1, 'a', 0.5), (2, '=HYPERLINK(\"x\")', null)) v(n, s, f)",
        )
        .unwrap();
        conn
    }

    #[test]
    fn csv_and_json_go_to_stdout_with_every_row() {
        let conn = conn();
        let mut out = Vec::new();
        let n = write(
            &conn,
            "select * from t order by n;",
            Format::Csv,
            None,
            &mut out,
        )
        .unwrap();
        assert_eq!(n, 2);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().next(), Some("n,s,f"));
        assert_eq!(text.lines().count(), 3);
        let mut out = Vec::new();
        write(
            &conn,
            "select * from t order by n",
            Format::Json,
            None,
            &mut out,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[1]["s"], "=HYPERLINK(\"x\")");
        assert_eq!(v[0]["f"], 0.5);
    }

    #[test]
    fn binary_formats_need_a_file() {
        let e = write(&conn(), "select 1", Format::Parquet, None, &mut Vec::new()).unwrap_err();
        assert!(matches!(e, QueryError::NeedsFile(Format::Parquet)));
    }

    #[test]
    fn a_bad_query_returns_duckdbs_message() {
        let e = write(
            &conn(),
            "select nope from t",
            Format::Table,
            None,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
    }
}
