//! The `run` stage: the year's indicators computed by DuckDB over the lake, disclosure control
//! applied, the findings derived, and all of it written to `output/<YEAR>/` with a run record
//! (`run.json`) that says which year, judging day and window the figures are for, so a rerun can
//! reproduce them and `nqs report` uses the same.

use crate::disclosure::{self, DisclosureError, Policy, Rule};
use crate::findings::{self, Findings, FindingsError, Rulebook, Values};
use crate::indicators::{self, IndicatorError, OutputError};
use crate::period::Period;
use crate::project::Project;
use crate::schedule::{self, ScheduleError};
use crate::sql::{self, SqlError};
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The run record's file name, in the year's folder.
pub const RECORD_FILE: &str = "run.json";

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    #[error("opening the lake")]
    Lake(#[from] SqlError),
    #[error("deriving the deadline tables")]
    Schedule(#[from] ScheduleError),
    #[error("disclosure control")]
    Disclosure(#[from] DisclosureError),
    #[error("reading the published editions")]
    Editions(#[source] Box<crate::edition::EditionError>),
    #[error("the findings")]
    Findings(#[from] FindingsError),
    #[error("writing the indicator tables")]
    Output(#[from] OutputError),
    #[error("writing the indicators as SDMX")]
    Sdmx(#[from] crate::sdmx::SdmxError),
    #[error("writing the DuckDB catalogue of the published tables")]
    Catalogue(#[from] crate::query::QueryError),
    #[error("writing the data dictionary")]
    Dictionary(#[from] crate::dictionary::DictionaryError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is missing or unreadable: run `nqs run --year {year}` first", path.display())]
    NotRun {
        year: i32,
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// What a run computed, as `nqs run` prints it (and `--json` shows it).
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub period: Period,
    pub first_year: i32,
    pub indicators: usize,
    pub values: usize,
    /// Cells published with a confidentiality flag instead of a value.
    pub withheld: usize,
    pub disclosure: disclosure::Summary,
    /// `false` when `pipelines/disclosure.toml` turned secondary suppression off: the tables are
    /// then not safe to publish.
    pub secondary_suppression: bool,
    pub problems: usize,
    pub recommendations: usize,
    pub state_sentences: usize,
    pub dir: PathBuf,
    /// Seconds DuckDB spent on the indicator queries, all together (varies run to run; never
    /// written to the year's folder).
    pub indicator_seconds: f64,
    /// The five slowest indicator queries, slowest first: where to look when a run is slow.
    pub slowest: Vec<IndicatorTime>,
}

/// How long one indicator's query took.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorTime {
    pub id: String,
    pub seconds: f64,
}

impl RunSummary {
    /// Cells withheld by one rule.
    pub fn withheld_by(&self, rule: Rule) -> usize {
        self.disclosure.by_rule.get(&rule).copied().unwrap_or(0)
    }
}

/// `output/<YEAR>/run.json`: what the figures of a year's folder were computed for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub nqs_version: String,
    pub year: i32,
    /// The judging day: deadlines and provisional years were judged as of this day.
    pub as_of: chrono::NaiveDate,
    pub first_year: i32,
    pub indicators: usize,
    pub values: usize,
    pub withheld: usize,
    /// The ingest runs the lake held (manifest run ids), so a rerun on another lake shows.
    pub lake_runs: Vec<String>,
}

impl RunRecord {
    pub fn period(&self) -> Period {
        Period::new(self.year, self.as_of)
    }

    /// Reads the record `nqs run` left in a year's folder.
    pub fn read(project: &Project, year: i32) -> Result<RunRecord, RunError> {
        let path = project.year_dir(year).join(RECORD_FILE);
        let not_run = |source: Box<dyn std::error::Error + Send + Sync>| RunError::NotRun {
            year,
            path: path.clone(),
            source,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| not_run(Box::new(e)))?;
        serde_json::from_str(&text).map_err(|e| not_run(Box::new(e)))
    }
}

/// A DuckDB connection over the lake with everything indicators read prepared for `period`:
/// one view per source, the report year, judging day and window, the code lists, the deadline
/// tables of paras. 4, 7 and 16, and the shared SQL layer (`pipelines/shared/`).
pub fn connect(project: &Project, period: &Period) -> Result<Connection, RunError> {
    let conn = prepared(project, period)?;
    indicators::apply_shared(&conn, &project.shared_sql()?)?;
    Ok(conn)
}

/// [`connect`] without the shared SQL layer.
fn prepared(project: &Project, period: &Period) -> Result<Connection, RunError> {
    let conn = sql::open_lake(&project.lake_dir())?;
    // A declared source that has sent nothing yet is an empty table, so its indicators give
    // no values instead of stopping the run.
    for c in &project.catalog.contracts {
        if !sql::relation_exists(&conn, &c.id)? {
            conn.execute_batch(&crate::lake::empty_table_sql(c))
                .map_err(IndicatorError::Setup)?;
        }
    }
    if let Some(threads) = project.threads {
        conn.execute_batch(&format!("set threads = {threads}"))
            .map_err(IndicatorError::Setup)?;
    }
    let spill = project.output().join(".duckdb-tmp");
    conn.execute_batch(&format!(
        "set memory_limit = '{}'; set temp_directory = '{}';",
        project.memory_limit.replace('\'', ""),
        spill.to_string_lossy().replace('\'', "''")
    ))
    .map_err(IndicatorError::Setup)?;
    indicators::prepare(&conn, &project.catalog, period)?;
    schedule::register_tables(
        &conn,
        &project.schedule,
        &project.calendar,
        period.window().years(),
        period.as_of,
    )?;
    Ok(conn)
}

/// The line of `setup.sql` after which the shared SQL layer's files follow, in name order.
pub const SHARED_MARKER: &str = "-- The shared SQL layer (pipelines/shared/*.sql, in name order):";

/// The tables the deadline SQL fills (`schedule::register_tables`): the setup script refills
/// them with that SQL rather than loading nqs's result.
const DEADLINE_TABLES: [&str; 2] = ["support_reviews", "registration_checks"];

/// Writes into `dir` what recreates [`connect`]'s connection in any DuckDB of the same
/// version, so that the indicator SQL can be run outside nqs (the benchmark's "DuckDB alone",
/// an analyst's own session): `setup.sql` and one Parquet file per table nqs fills itself (the
/// report years, code lists, crosswalks, providers, the working-day calendar, the deadline
/// limits, the para. 7 submission status, empty tables for sources with no files yet).
/// `setup.sql` creates the lake's views (absolute paths to the lake), loads those tables,
/// sets `report_year` and `as_of`, fills the para. 4 and 16 deadline tables with the same SQL
/// nqs runs, and applies the shared SQL layer. Each indicator's SQL then runs as written in
/// `pipelines/indicators/`. Returns the script's path.
pub fn export_setup(project: &Project, period: &Period, dir: &Path) -> Result<PathBuf, RunError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let dir = dir.canonicalize().map_err(write_err(dir))?;
    let conn = prepared(project, period)?;
    let setup = |e: duckdb::Error| RunError::Indicators(IndicatorError::Setup(e));
    let quote = |p: &Path| p.to_string_lossy().replace('\'', "''");
    let mut script = String::from(
        "-- Recreates the connection `nqs run` computes the indicators on (nqs sql --export-setup).\n",
    );
    let mut stmt = conn
        .prepare(
            "select sql from duckdb_views() where not internal and schema_name = 'main' \
             order by view_name",
        )
        .map_err(setup)?;
    let views: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(setup)?
        .collect::<Result<_, _>>()
        .map_err(setup)?;
    for v in views {
        script.push_str(v.trim_end_matches(';'));
        script.push_str(";\n");
    }
    let mut stmt = conn
        .prepare("select table_name from duckdb_tables() where schema_name = 'main' order by 1")
        .map_err(setup)?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(setup)?
        .collect::<Result<_, _>>()
        .map_err(setup)?;
    for t in &tables {
        let file = dir.join(format!("{t}.parquet"));
        let rows = if DEADLINE_TABLES.contains(&t.as_str()) {
            format!("(select * from \"{t}\" limit 0)")
        } else {
            format!("\"{t}\"")
        };
        let tmp = crate::atomic::prepare(&file).map_err(write_err(&file))?;
        conn.execute_batch(&format!(
            "copy {rows} to '{}' (format parquet)",
            quote(&tmp)
        ))
        .map_err(setup)?;
        crate::atomic::rename_durable(&tmp, &file).map_err(write_err(&file))?;
        script.push_str(&format!(
            "create or replace table \"{t}\" as from read_parquet('{}');\n",
            quote(&file)
        ));
    }
    script.push_str(&format!(
        "set variable report_year = {};\nset variable as_of = date '{}';\n",
        period.year, period.as_of
    ));
    script.push_str(&schedule::support_reviews_sql(period.as_of));
    script.push('\n');
    script.push_str(schedule::REGISTRATION_CHECKS_SQL);
    script.push('\n');
    script.push_str(SHARED_MARKER);
    script.push('\n');
    for s in project.shared_sql()? {
        script.push_str(&format!("-- {}\n", s.path.display()));
        script.push_str(&s.sql);
        script.push('\n');
    }
    let path = dir.join("setup.sql");
    crate::atomic::write_atomic(&path, script.as_bytes()).map_err(write_err(&path))?;
    Ok(path)
}

/// Computes, protects and writes the year's indicators and findings. `progress` is told each
/// indicator's id as it starts (id, index, count).
pub fn run(
    project: &Project,
    period: &Period,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<RunSummary, RunError> {
    let indicators = project.indicators()?;
    let policy = Policy::load(project.pipelines())?;
    let book = Rulebook::load(project.pipelines(), &project.catalog, &indicators)?;
    let conn = connect(project, period)?;
    // Each query's time runs from its progress call to the next (the last, to the end).
    let marks: std::cell::RefCell<Vec<(String, std::time::Instant)>> = Default::default();
    let timed = |id: &str, i: usize, n: usize| {
        marks
            .borrow_mut()
            .push((id.to_string(), std::time::Instant::now()));
        progress(id, i, n);
    };
    let mut rows = indicators::compute(&conn, &indicators, &timed)?;
    let done = std::time::Instant::now();
    let marks = marks.into_inner();
    let mut times: Vec<IndicatorTime> = marks
        .iter()
        .enumerate()
        .map(|(k, (id, t))| IndicatorTime {
            id: id.clone(),
            seconds: (marks.get(k + 1).map_or(done, |m| m.1) - *t).as_secs_f64(),
        })
        .collect();
    let indicator_seconds = times.iter().map(|t| t.seconds).sum();
    times.sort_by(|a, b| b.seconds.total_cmp(&a.seconds).then(a.id.cmp(&b.id)));
    times.truncate(5);
    let entities = findings::entities_of(&book, &conn)?;
    // Last use of the connection: reading the units redefines the cell macros.
    let micro = disclosure::units::read(
        &conn,
        &indicators,
        &project.pipelines().join("disclosure.sql"),
    )?;
    drop(conn);
    for r in rows.iter_mut() {
        r.provisional = period.is_provisional(r.year);
    }
    let published = published_counts(project, period)?;
    let protection = disclosure::protect(&mut rows, &indicators, &policy, &published, &micro)?;
    let dir = project.year_dir(period.year);
    indicators::write_outputs(&rows, &indicators, &dir)?;
    let values = Values::new(&rows, &indicators);
    let problems = findings::evaluate_all(&book, &values, period.year, &entities);
    let found = Findings {
        year: period.year,
        state: findings::state_sentences(
            &book,
            &values,
            period.year,
            period.is_provisional(period.year).then_some(period.as_of),
            &indicators,
            &problems,
        ),
        problems,
    };
    findings::write_outputs(&found, &dir)?;
    let manifest = crate::lake::Lake::new(&project.lake_dir()).manifest().ok();
    let mut lake_runs: Vec<String> = manifest
        .map(|m| m.files.values().map(|e| e.run_id.clone()).collect())
        .unwrap_or_default();
    lake_runs.sort();
    lake_runs.dedup();
    let record = RunRecord {
        nqs_version: env!("CARGO_PKG_VERSION").to_string(),
        year: period.year,
        as_of: period.as_of,
        first_year: period.window().first(),
        indicators: indicators.len(),
        values: rows.len(),
        withheld: protection.withheld(),
        lake_runs,
    };
    write_json(&dir.join(RECORD_FILE), &record)?;
    crate::query::write_catalogue(project.output())?;
    crate::sdmx::write(project, period, &dir, &rows, &indicators)?;
    crate::dictionary::write_all(project, period.year)?;
    Ok(RunSummary {
        period: *period,
        first_year: period.window().first(),
        indicators: indicators.len(),
        values: rows.len(),
        withheld: protection.withheld(),
        secondary_suppression: policy.secondary,
        problems: found.problems.len(),
        recommendations: found.problems.iter().map(|p| p.recommendations.len()).sum(),
        state_sentences: found.state.get("ru").map_or(0, Vec::len),
        disclosure: protection,
        dir,
        indicator_seconds,
        slowest: times,
    })
}

/// What the published editions printed for the window's years (the latest edition of each
/// report year, a later year's overriding an earlier's): the figures a reader can difference.
fn published_counts(project: &Project, period: &Period) -> Result<disclosure::Published, RunError> {
    let mut out = disclosure::Published::new();
    for y in period.window().years() {
        let stored = crate::edition::latest(project.output(), y)
            .map_err(|e| RunError::Editions(Box::new(e)))?;
        let Some(stored) = stored else { continue };
        for r in stored
            .indicators()
            .map_err(|e| RunError::Editions(Box::new(e)))?
        {
            if r.value.is_some() {
                let cell = disclosure::PublishedCell {
                    value: r.value,
                    numerator: r.numerator,
                    denominator: r.denominator,
                };
                out.insert(
                    (r.indicator_id, r.year, r.breakdown, r.breakdown_value),
                    cell,
                );
            }
        }
    }
    Ok(out)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), RunError> {
    let text = serde_json::to_string_pretty(value).expect("the record serialises");
    crate::atomic::write_atomic(path, (text + "\n").as_bytes()).map_err(|source| RunError::Write {
        path: path.to_path_buf(),
        source,
    })
}
