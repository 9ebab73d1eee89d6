//! Indicators: in `pipelines/indicators/`, each a query `<id>.sql` with its definition beside
//! it in `<id>.toml` (id, titles, definition, formula, unit, breakdowns, sources, topic,
//! relations) and its test cases in `<id>.test.toml`, as dbt keeps a model's SQL and YAML side
//! by side. The query is plain DuckDB SQL, runnable as it is in `nqs sql --year Y`. It is run
//! over the lake for the report year and the four years before. Adding an indicator is adding
//! files; no Rust changes.
//!
//! Every query returns `year, breakdown, breakdown_value, value, numerator, denominator`
//! (`breakdown = 'total'` for the national figure) and may use `getvariable('report_year')`,
//! the table `report_years(year)`, the code lists (`regions`, `sectors`, `providers`), and the
//! deadline tables the schedule derives (`support_reviews`, `registration_checks`,
//! `submission_status`).

use crate::contract::{Catalog, Titles};
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Header { path: PathBuf, message: String },
    #[error("{path}: the query failed")]
    Query {
        path: PathBuf,
        source: duckdb::Error,
    },
    #[error("{path}: {message}")]
    Result { path: PathBuf, message: String },
    #[error("preparing the tables the indicators read")]
    Setup(#[from] duckdb::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Days,
    Ratio,
    Per100k,
    Per10k,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub id: String,
    pub title: Titles,
    pub definition: Titles,
    pub formula: String,
    pub unit: Unit,
    pub breakdowns: Vec<String>,
    /// Omitted when neither direction is better (a count of programmes, say).
    pub higher_is_better: Option<bool>,
    pub sources: Vec<String>,
    /// Whether the figures count persons, so small cells must be withheld.
    #[serde(default)]
    pub counts_persons: bool,
    /// Section of the report the indicator belongs to.
    pub topic: String,
    /// The kind of statistical unit a person-counting indicator's cells add up (`person`, the
    /// default, or `certificate`): cells of one kind are linked through their common units
    /// (see `disclosure::units`), so no relation between cells is declared by hand.
    #[serde(default)]
    pub units: Option<String>,
    /// The grain the indicator needs of a source: `employment = ["region", "nco_major"]`. Each
    /// column must be in the source's key, the grain it is published at; a source coarser
    /// than that (employment by region only, say) is refused when the indicators load, since
    /// no query can break a figure down further than it was published.
    #[serde(default)]
    pub grain: std::collections::BTreeMap<String, Vec<String>>,
}

/// Checks an indicator's declared grain against the contracts: see [`Header::grain`].
fn check_grain(header: &Header, catalog: &Catalog) -> Result<(), String> {
    for (source, columns) in &header.grain {
        let Some(contract) = catalog.contract(source) else {
            return Err(format!(
                "grain names `{source}`, which is not a declared source"
            ));
        };
        let missing: Vec<&str> = columns
            .iter()
            .filter(|c| !contract.key.contains(c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "needs `{source}` by {}, but `{source}` is published by {} (the key of {}): a \
                 source coarser than the indicator cannot give it; compute the indicator at the \
                 source's grain or declare a source published at the finer one",
                missing.join(", "),
                contract.key.join(" × "),
                contract.path.display()
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub header: Header,
    pub sql: String,
    pub path: PathBuf,
}

/// Reads every `*.sql` of a folder, in name order, and checks the headers against the
/// declared sources.
pub fn load(dir: &Path, catalog: &Catalog) -> Result<Vec<Indicator>, IndicatorError> {
    let listing = |ext: &str| {
        crate::contract::files_with_extension(dir, ext).map_err(|source| IndicatorError::Io {
            path: dir.to_path_buf(),
            source,
        })
    };
    let paths = listing("sql")?;
    let derived = [
        "support_reviews",
        "registration_checks",
        "submission_status",
        "regions",
        "sectors",
        "providers",
    ];
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for path in &paths {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|source| IndicatorError::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        let bad = |message: String| IndicatorError::Header {
            path: path.clone(),
            message,
        };
        let sql = read(path)?;
        let header_path = path.with_extension("toml");
        if split_header(&sql).is_some_and(|(h, _)| h.contains("id =")) {
            return Err(bad(format!(
                "the TOML header now lives beside the query: move it to {}",
                header_path.display()
            )));
        }
        if !header_path.exists() {
            return Err(bad(format!(
                "has no definition {} (id, title, definition, formula, unit, breakdowns, sources, topic)",
                header_path.display()
            )));
        }
        let bad_header = |message: String| IndicatorError::Header {
            path: header_path.clone(),
            message,
        };
        let header: Header =
            toml::from_str(&read(&header_path)?).map_err(|e| bad_header(e.to_string()))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if header.id != stem {
            return Err(bad_header(format!(
                "id `{}` must be the file's name, `{stem}`",
                header.id
            )));
        }
        if !ids.insert(header.id.clone()) {
            return Err(bad_header(format!(
                "indicator id `{}` is used twice",
                header.id
            )));
        }
        for s in &header.sources {
            if catalog.contract(s).is_none() && !derived.contains(&s.as_str()) {
                return Err(bad_header(format!(
                    "source `{s}` is neither a contract nor a derived table"
                )));
            }
        }
        check_grain(&header, catalog).map_err(bad_header)?;
        if !header.breakdowns.iter().any(|b| b == "total") {
            return Err(bad_header("breakdowns must include \"total\"".into()));
        }
        out.push(Indicator {
            header,
            sql: sql.trim().trim_end_matches(';').to_string(),
            path: path.clone(),
        });
    }
    // A definition whose query is missing is a half-added indicator, not something to skip.
    for p in listing("toml")? {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with(".toml")
            && !name.ends_with(".test.toml")
            && !paths.contains(&p.with_extension("sql"))
        {
            return Err(IndicatorError::Header {
                path: p.clone(),
                message: format!("has no query {}", p.with_extension("sql").display()),
            });
        }
    }
    Ok(out)
}

fn split_header(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim_start().strip_prefix("/*")?;
    let end = rest.find("*/")?;
    Some((&rest[..end], &rest[end + 2..]))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub indicator_id: String,
    pub year: i32,
    pub breakdown: String,
    pub breakdown_value: String,
    /// None when suppressed (or when the query gave no value, e.g. a rate over zero).
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub suppressed: bool,
    /// SDMX CONF_STATUS: why the value is or is not published.
    pub confidentiality: Confidentiality,
    /// SDMX OBS_STATUS `P`: the year was not over on the judging day, so its value may still
    /// change.
    pub provisional: bool,
}

/// SDMX confidentiality status of a cell (code list CL_CONF_STATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    /// `F`: free, published.
    #[default]
    Free,
    /// `C`: primary confidentiality: a small group of persons, or a share of 0 % or 100 % over
    /// a small group.
    Primary,
    /// `D`: secondary confidentiality: withheld so that a primary cell cannot be worked out.
    Secondary,
}

impl Confidentiality {
    /// The SDMX code.
    pub fn code(self) -> &'static str {
        match self {
            Confidentiality::Free => "F",
            Confidentiality::Primary => "C",
            Confidentiality::Secondary => "D",
        }
    }

    pub fn from_code(code: &str) -> Option<Confidentiality> {
        match code {
            "F" => Some(Confidentiality::Free),
            "C" => Some(Confidentiality::Primary),
            "D" => Some(Confidentiality::Secondary),
            _ => None,
        }
    }
}

/// Sets the report year (`getvariable('report_year')`), the judging day
/// (`getvariable('as_of')`), the five-year window (`report_years(year)`) and the code lists
/// every indicator may read.
pub fn prepare(
    conn: &Connection,
    catalog: &Catalog,
    period: &crate::period::Period,
) -> Result<(), IndicatorError> {
    let window = period.window();
    conn.execute_batch(&format!(
        "set variable report_year = {};
         set variable as_of = date '{}';
         create or replace table report_years as select range::integer as year from range({}, {});",
        period.year,
        period.as_of,
        window.first(),
        window.last() + 1
    ))?;
    for (name, list) in [("regions", "regions"), ("sectors", "sectors")] {
        conn.execute_batch(&format!(
            "create or replace table {name} (code varchar, name_kk varchar, name_ru varchar)"
        ))?;
        if let Some(codes) = catalog.code_lists.get(list) {
            let mut app = conn.appender(name)?;
            for c in &codes.codes {
                app.append_row(duckdb::params![c.code, c.kk, c.ru])?;
            }
        }
    }
    conn.execute_batch(
        "create or replace table crosswalks (crosswalk varchar, from_code varchar, to_code varchar)",
    )?;
    let mut app = conn.appender("crosswalks")?;
    for x in catalog.crosswalks.values() {
        for pair in &x.pairs {
            app.append_row(duckdb::params![x.id, pair.from, pair.to])?;
        }
    }
    drop(app);
    conn.execute_batch(
        "create or replace table providers (code varchar, name_kk varchar, name_ru varchar)",
    )?;
    let mut app = conn.appender("providers")?;
    for p in &catalog.providers {
        app.append_row(duckdb::params![p.id, p.kk, p.ru])?;
    }
    Ok(())
}

/// One file of the shared SQL layer (`pipelines/shared/*.sql`): DuckDB macros and views that
/// the indicators build on (register snapshots at year end, sector of a profession, …), so each
/// rule is written once.
#[derive(Debug, Clone)]
pub struct SharedSql {
    pub path: PathBuf,
    pub sql: String,
}

/// Reads every `*.sql` of the shared layer's folder, in name order (a missing folder is an
/// empty layer).
pub fn load_shared(dir: &Path) -> Result<Vec<SharedSql>, IndicatorError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    crate::contract::files_with_extension(dir, "sql")
        .map_err(|source| IndicatorError::Io {
            path: dir.to_path_buf(),
            source,
        })?
        .into_iter()
        .map(|path| {
            let sql = std::fs::read_to_string(&path).map_err(|source| IndicatorError::Io {
                path: path.clone(),
                source,
            })?;
            Ok(SharedSql { path, sql })
        })
        .collect()
}

/// Runs the shared layer's files in order, after the lake's views, the code lists and the
/// deadline tables exist (views bind to the tables they name when created).
pub fn apply_shared(conn: &Connection, shared: &[SharedSql]) -> Result<(), IndicatorError> {
    for s in shared {
        conn.execute_batch(&s.sql)
            .map_err(|source| IndicatorError::Query {
                path: s.path.clone(),
                source,
            })?;
    }
    Ok(())
}

/// Runs every indicator; `progress` is told each indicator's id as it starts.
pub fn compute(
    conn: &Connection,
    indicators: &[Indicator],
    progress: &dyn Fn(&str, usize, usize),
) -> Result<Vec<Row>, IndicatorError> {
    let mut rows = Vec::new();
    for (i, ind) in indicators.iter().enumerate() {
        progress(&ind.header.id, i, indicators.len());
        rows.extend(run_one(conn, ind)?);
    }
    rows.sort_by(|a, b| {
        (&a.indicator_id, &a.breakdown, &a.breakdown_value, a.year).cmp(&(
            &b.indicator_id,
            &b.breakdown,
            &b.breakdown_value,
            b.year,
        ))
    });
    Ok(rows)
}

pub(crate) fn run_one(conn: &Connection, ind: &Indicator) -> Result<Vec<Row>, IndicatorError> {
    let wrapped = format!(
        "select cast(year as integer), cast(breakdown as varchar), \
         coalesce(cast(breakdown_value as varchar), 'total'), cast(value as double), \
         cast(numerator as double), cast(denominator as double) \
         from ({}) where year in (select year from report_years)",
        ind.sql
    );
    let query_err = |source| IndicatorError::Query {
        path: ind.path.clone(),
        source,
    };
    let mut stmt = conn.prepare(&wrapped).map_err(query_err)?;
    let mut result = stmt.query([]).map_err(query_err)?;
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    while let Some(r) = result.next().map_err(query_err)? {
        let year: Option<i32> = r.get(0).map_err(query_err)?;
        let breakdown: Option<String> = r.get(1).map_err(query_err)?;
        let bad = |message: String| IndicatorError::Result {
            path: ind.path.clone(),
            message,
        };
        let (Some(year), Some(breakdown)) = (year, breakdown) else {
            return Err(bad("a row has no year or no breakdown".into()));
        };
        if !ind.header.breakdowns.contains(&breakdown) {
            return Err(bad(format!(
                "breakdown `{breakdown}` is not declared in the header's breakdowns"
            )));
        }
        let value: Option<f64> = r.get(3).map_err(query_err)?;
        let row = Row {
            indicator_id: ind.header.id.clone(),
            year,
            breakdown,
            breakdown_value: r.get(2).map_err(query_err)?,
            value: value.filter(|v| v.is_finite()),
            numerator: r.get(4).map_err(query_err)?,
            denominator: r.get(5).map_err(query_err)?,
            suppressed: false,
            confidentiality: Confidentiality::Free,
            provisional: false,
        };
        if !seen.insert((row.year, row.breakdown.clone(), row.breakdown_value.clone())) {
            return Err(bad(format!(
                "two rows for year {}, {} = {}",
                row.year, row.breakdown, row.breakdown_value
            )));
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_from_the_query() {
        let (h, q) = split_header("/*\nid = \"a\"\n*/\nselect 1").unwrap();
        assert!(h.contains("id = \"a\""));
        assert_eq!(q.trim(), "select 1");
        assert!(split_header("select 1").is_none());
    }

    #[test]
    fn the_project_indicators_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).unwrap();
        let all = load(&root.join("indicators"), &catalog).unwrap();
        assert!(!all.is_empty());
    }

    #[test]
    fn an_indicator_needing_a_finer_grain_than_published_is_refused() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).unwrap();
        let header = |grain: &str| -> Header {
            toml::from_str(&format!(
                "id = \"x\"\ntitle = {{ kk = \"x\", ru = \"x\" }}\n\
                 definition = {{ kk = \"x\", ru = \"x\" }}\nformula = \"x\"\nunit = \"count\"\n\
                 breakdowns = [\"total\"]\nsources = [\"employment\"]\ntopic = \"x\"\n{grain}"
            ))
            .unwrap()
        };
        let ok = header("[grain]\nemployment = [\"region\", \"nco_major\"]");
        assert_eq!(check_grain(&ok, &catalog), Ok(()));
        // Employment by unit group is published nowhere.
        let finer = header("[grain]\nemployment = [\"region\", \"nco_unit\"]");
        let e = check_grain(&finer, &catalog).unwrap_err();
        assert!(
            e.starts_with("needs `employment` by nco_unit, but `employment` is published by year × region × nco_major"),
            "{e}"
        );
    }
}

/// The version of the published tables' schema (columns, types, units, layout), written into
/// every published Parquet file's key-value metadata as `nqs_schema_version`. Raised with each
/// change researchers must know of; `pipelines/dictionary.toml` says what changed (`[[change]]`)
/// and refuses to load unless its latest entry is this version.
pub const SCHEMA_VERSION: &str = "2.0";

/// The key-value metadata every published Parquet file carries: its schema version.
pub fn schema_metadata() -> polars::prelude::KeyValueMetadata {
    polars::prelude::KeyValueMetadata::from_static(vec![(
        "nqs_schema_version".to_string(),
        SCHEMA_VERSION.to_string(),
    )])
}

/// The tidy table, as Parquet for researchers and XLSX for analysts (with a sheet of
/// definitions), both without any suppressed value.
pub fn write_outputs(
    rows: &[Row],
    indicators: &[Indicator],
    dir: &Path,
) -> Result<(), OutputError> {
    use polars::prelude::*;
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut df = df!(
        "indicator_id" => rows.iter().map(|r| r.indicator_id.as_str()).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.year).collect::<Vec<_>>(),
        "breakdown" => rows.iter().map(|r| r.breakdown.as_str()).collect::<Vec<_>>(),
        "breakdown_value" => rows.iter().map(|r| r.breakdown_value.as_str()).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.value).collect::<Vec<_>>(),
        "numerator" => rows.iter().map(|r| r.numerator).collect::<Vec<_>>(),
        "denominator" => rows.iter().map(|r| r.denominator).collect::<Vec<_>>(),
        "suppressed" => rows.iter().map(|r| r.suppressed).collect::<Vec<_>>(),
        "conf_status" => rows.iter().map(|r| r.confidentiality.code()).collect::<Vec<_>>(),
        "obs_status" => rows.iter().map(|r| if r.provisional { "P" } else { "A" }).collect::<Vec<_>>(),
    )
    .map_err(OutputError::Table)?;
    let path = dir.join("indicators.parquet");
    let io = |source| OutputError::Io {
        path: path.clone(),
        source,
    };
    let mut file = crate::atomic::AtomicFile::create(&path).map_err(io)?;
    ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(schema_metadata()))
        .finish(&mut df)
        .map_err(OutputError::Table)?;
    file.commit().map_err(io)?;

    let xlsx = dir.join("indicators.xlsx");
    let xerr = |e: rust_xlsxwriter::XlsxError| OutputError::Xlsx {
        path: xlsx.clone(),
        message: e.to_string(),
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation time keeps the file identical from run to run.
    let fixed = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&fixed));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("indicators").map_err(xerr)?;
    let head = [
        "indicator_id",
        "year",
        "breakdown",
        "breakdown_value",
        "value",
        "numerator",
        "denominator",
        "suppressed",
        "conf_status",
        "obs_status",
    ];
    for (c, h) in head.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let n = i as u32 + 1;
        sheet.write_string(n, 0, &r.indicator_id).map_err(xerr)?;
        sheet.write_number(n, 1, r.year).map_err(xerr)?;
        sheet.write_string(n, 2, &r.breakdown).map_err(xerr)?;
        sheet.write_string(n, 3, &r.breakdown_value).map_err(xerr)?;
        for (c, v) in [(4u16, r.value), (5, r.numerator), (6, r.denominator)] {
            if let Some(v) = v {
                sheet.write_number(n, c, v).map_err(xerr)?;
            }
        }
        sheet.write_boolean(n, 7, r.suppressed).map_err(xerr)?;
        sheet
            .write_string(n, 8, r.confidentiality.code())
            .map_err(xerr)?;
        sheet
            .write_string(n, 9, if r.provisional { "P" } else { "A" })
            .map_err(xerr)?;
    }
    sheet.autofilter(0, 0, rows.len() as u32, 9).map_err(xerr)?;
    sheet.set_freeze_panes(1, 0).map_err(xerr)?;
    let defs = book.add_worksheet();
    defs.set_name("definitions").map_err(xerr)?;
    let head = [
        "indicator_id",
        "topic",
        "title_kk",
        "title_ru",
        "definition_ru",
        "formula",
        "unit",
        "breakdowns",
    ];
    for (c, h) in head.iter().enumerate() {
        defs.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (i, ind) in indicators.iter().enumerate() {
        let h = &ind.header;
        let n = i as u32 + 1;
        let unit = serde_json::to_value(h.unit)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let cells = [
            h.id.as_str(),
            h.topic.as_str(),
            h.title.kk.as_str(),
            h.title.ru.as_str(),
            h.definition.ru.as_str(),
            h.formula.as_str(),
            unit.as_str(),
            &h.breakdowns.join(", "),
        ];
        for (c, v) in cells.iter().enumerate() {
            defs.write_string(n, c as u16, *v).map_err(xerr)?;
        }
    }
    // The flags' meaning travels with the table, in the SDMX code lists' own terms.
    let flags = book.add_worksheet();
    flags.set_name("flags").map_err(xerr)?;
    let legend = [
        ("column", "code", "meaning"),
        (
            "conf_status",
            "F",
            "free: published (SDMX CL_CONF_STATUS F)",
        ),
        (
            "conf_status",
            "C",
            "primary confidentiality: a group of 1-4 persons, or a share of 0 % or 100 % over a small group; value withheld (SDMX C)",
        ),
        (
            "conf_status",
            "D",
            "secondary confidentiality: withheld so that a primary cell cannot be worked out from the published ones (SDMX D)",
        ),
        ("obs_status", "A", "normal value (SDMX CL_OBS_STATUS A)"),
        (
            "obs_status",
            "P",
            "provisional: the year was not over on the judging day (SDMX P)",
        ),
    ];
    for (n, (a, b, c)) in legend.iter().enumerate() {
        for (col, v) in [a, b, c].iter().enumerate() {
            if n == 0 {
                flags
                    .write_string_with_format(0, col as u16, **v, &bold)
                    .map_err(xerr)?;
            } else {
                flags
                    .write_string(n as u32, col as u16, **v)
                    .map_err(xerr)?;
            }
        }
    }
    let bytes = book.save_to_buffer().map_err(xerr)?;
    crate::atomic::write_atomic(&xlsx, &bytes).map_err(|source| OutputError::Io {
        path: xlsx.clone(),
        source,
    })?;
    Ok(())
}

/// The table `write_outputs` wrote, read back for the report.
pub fn read_outputs(dir: &Path) -> Result<Vec<Row>, OutputError> {
    use polars::prelude::*;
    let path = dir.join("indicators.parquet");
    let file = std::fs::File::open(&path).map_err(|source| OutputError::Io {
        path: path.clone(),
        source,
    })?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(OutputError::Table)?;
    let s = |n: &str| {
        df.column(n)
            .and_then(|c| c.str().cloned())
            .map_err(OutputError::Table)
    };
    let f = |n: &str| {
        df.column(n)
            .and_then(|c| c.f64().cloned())
            .map_err(OutputError::Table)
    };
    let (id, b, bv) = (s("indicator_id")?, s("breakdown")?, s("breakdown_value")?);
    let (v, num, den) = (f("value")?, f("numerator")?, f("denominator")?);
    let year = df
        .column("year")
        .and_then(|c| c.i32().cloned())
        .map_err(OutputError::Table)?;
    let sup = df
        .column("suppressed")
        .and_then(|c| c.bool().cloned())
        .map_err(OutputError::Table)?;
    let (conf, obs) = (s("conf_status")?, s("obs_status")?);
    Ok((0..df.height())
        .map(|i| Row {
            indicator_id: id.get(i).unwrap_or_default().to_string(),
            year: year.get(i).unwrap_or_default(),
            breakdown: b.get(i).unwrap_or_default().to_string(),
            breakdown_value: bv.get(i).unwrap_or_default().to_string(),
            value: v.get(i),
            numerator: num.get(i),
            denominator: den.get(i),
            suppressed: sup.get(i).unwrap_or_default(),
            confidentiality: conf
                .get(i)
                .and_then(Confidentiality::from_code)
                .unwrap_or_default(),
            provisional: obs.get(i) == Some("P"),
        })
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing the indicators table: {0}")]
    Table(polars::prelude::PolarsError),
    #[error("{path}: {message}")]
    Xlsx { path: PathBuf, message: String },
}
