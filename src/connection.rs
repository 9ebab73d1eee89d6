//! The DuckDB connection the stages share and the run record: [`connect`] prepares the lake as
//! the indicators see it for a period (`nqs run`, `nqs extract`, `nqs sql`), [`export_setup`]
//! writes what recreates it outside nqs, and [`RunRecord`] is what `nqs run` leaves in a year's
//! folder for the stages after it (`nqs report`, `nqs publish`) to read.

use crate::indicators::{self, IndicatorError};
use crate::period::Period;
use crate::project::Project;
use crate::quarantine::{ReasonCode, ReasonCount};
use crate::schedule::{self, ScheduleError};
use crate::sql::{self, SqlError};
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The run record's file name, in the year's folder.
pub const RECORD_FILE: &str = "run.json";
/// The lake as the run saw it, in the year's folder: see [`LakeState`].
pub const LAKE_STATE_FILE: &str = "lake_state.json";

/// Why a connection, its setup script or the run record could not be had. The messages are the
/// run's: [`crate::run::RunError`] shows them as they are.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    #[error("opening the lake")]
    Lake(#[from] SqlError),
    #[error("deriving the deadline tables")]
    Schedule(#[from] ScheduleError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the quarantine: {0}")]
    Quarantine(String),
    #[error("reading the lake's manifest")]
    Manifest(#[from] crate::lake::LakeError),
    #[error("{} is missing or unreadable: run `nqs run --year {year}` first", path.display())]
    NotRun {
        year: i32,
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
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
    pub fn read(project: &Project, year: i32) -> Result<RunRecord, ConnectionError> {
        read_year_json(project, year, RECORD_FILE)
    }
}

/// `output/<YEAR>/lake_state.json`: what the lake held when `nqs run` computed the year's
/// figures, for the stages after it: the files ingested (the manifest), the rows quarantined by
/// source and reason, and the submissions due by the judging day and never received (Rules
/// paras. 4, 7, 16). `nqs report` prints these from here, never from the lake, so a report made
/// after a new ingest still describes the data its figures were computed from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LakeState {
    pub manifest: crate::lake::Manifest,
    /// Source → quarantined rows by (column, reason), in the quarantine's reporting order.
    pub quarantine: BTreeMap<String, Vec<ReasonCount>>,
    pub missing: Vec<crate::schedule::Expected>,
}

impl LakeState {
    /// Reads the lake for `period`. Errors: an unreadable manifest or quarantine, or a schedule
    /// that cannot be judged.
    pub fn of_lake(project: &Project, period: &Period) -> Result<LakeState, ConnectionError> {
        let lake = project.lake_dir();
        let manifest = crate::lake::Lake::new(&lake).manifest()?;
        let missing = schedule::assess(
            &project.schedule,
            &project.calendar,
            &lake,
            project.output(),
            period,
        )?
        .submissions
        .into_iter()
        .filter(|e| e.status == schedule::Status::Missing)
        .collect();
        Ok(LakeState {
            manifest,
            quarantine: quarantine_reasons(&lake)?,
            missing,
        })
    }

    /// Reads the state `nqs run` froze in a year's folder.
    pub fn read(project: &Project, year: i32) -> Result<LakeState, ConnectionError> {
        read_year_json(project, year, LAKE_STATE_FILE)
    }
}

/// Quarantined rows by source, column and reason, from the lake's quarantine files.
pub fn quarantine_reasons(
    lake: &Path,
) -> Result<BTreeMap<String, Vec<ReasonCount>>, ConnectionError> {
    let mut out: BTreeMap<String, Vec<ReasonCount>> = BTreeMap::new();
    let dir = crate::lake::quarantine_dir(lake);
    if !dir.exists() {
        return Ok(out);
    }
    // The error's causes go into the text, printed once.
    let context = |e: SqlError| {
        let mut text = format!("{}: {e}", dir.display());
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            text.push_str(&format!(": {c}"));
            cause = c.source();
        }
        ConnectionError::Quarantine(text)
    };
    let conn = sql::open_lake(lake).map_err(context)?;
    let (_, columns) = sql::query_text(&conn, "describe quarantine").map_err(context)?;
    let stale = || {
        ConnectionError::Quarantine(format!(
            "{} was written by another version of nqs (rows without a reason code it knows); \
             ingest into a new lake",
            dir.display()
        ))
    };
    if !columns.iter().any(|c| c[0] == "reason_code") {
        return Err(stale());
    }
    let (_, rows) = sql::query_text(
        &conn,
        "select source, \"column\", reason_code, count(*) from quarantine group by all",
    )
    .map_err(context)?;
    for r in rows {
        let code = ReasonCode::parse(&r[2]).ok_or_else(stale)?;
        out.entry(r[0].clone()).or_default().push(ReasonCount {
            column: r[1].clone(),
            code,
            rows: r[3].parse().unwrap_or_default(),
        });
    }
    for counts in out.values_mut() {
        crate::quarantine::sort_reasons(counts);
    }
    Ok(out)
}

/// A JSON file `nqs run` left in a year's folder; missing or unreadable, the error says to run.
fn read_year_json<T: serde::de::DeserializeOwned>(
    project: &Project,
    year: i32,
    name: &str,
) -> Result<T, ConnectionError> {
    let path = project.year_dir(year).join(name);
    let not_run = |source: Box<dyn std::error::Error + Send + Sync>| ConnectionError::NotRun {
        year,
        path: path.clone(),
        source,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| not_run(Box::new(e)))?;
    serde_json::from_str(&text).map_err(|e| not_run(Box::new(e)))
}

/// A DuckDB connection over the lake with everything indicators read prepared for `period`:
/// one view per source, the report year, judging day and window, the code lists, the deadline
/// tables of paras. 4, 7 and 16, and the shared SQL layer (`pipelines/shared/`).
pub fn connect(project: &Project, period: &Period) -> Result<Connection, ConnectionError> {
    let conn = prepared(project, period)?;
    indicators::apply_shared(&conn, &project.shared_sql()?)?;
    Ok(conn)
}

/// [`connect`] without the shared SQL layer.
fn prepared(project: &Project, period: &Period) -> Result<Connection, ConnectionError> {
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
pub fn export_setup(
    project: &Project,
    period: &Period,
    dir: &Path,
) -> Result<PathBuf, ConnectionError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ConnectionError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let dir = dir.canonicalize().map_err(write_err(dir))?;
    let conn = prepared(project, period)?;
    let setup = |e: duckdb::Error| ConnectionError::Indicators(IndicatorError::Setup(e));
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
