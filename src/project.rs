//! A project: the folders nqs works with (pipelines, output, report templates, calendar),
//! opened once per command. Every stage takes a `&Project` instead of paths.

use crate::calendar::{Calendar, CalendarError};
use crate::contract::{Catalog, ContractError};
use crate::indicators::{self, Indicator, IndicatorError, SharedSql};
use crate::schedule::{Schedule, ScheduleError};
use std::path::{Path, PathBuf};

/// Where a project's parts are. The CLI fills it from `--pipelines`, `--output`, `--templates`
/// and `--calendar` (or `NQS_PIPELINES`, `NQS_OUTPUT`, `NQS_TEMPLATES`, `NQS_CALENDAR`).
#[derive(Debug, Clone)]
pub struct ProjectPaths {
    /// Contracts, code lists, indicator SQL, finding rules (`pipelines/`).
    pub pipelines: PathBuf,
    /// The lake (`lake/`) and one folder per report year.
    pub output: PathBuf,
    /// Templates, layout and wording of the report (`report-templates/`).
    pub templates: PathBuf,
    /// A calendar folder (`rules.toml` and one file per year); `None`: the calendar compiled
    /// into the binary from `datasets/calendar`.
    pub calendar: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(
        "cannot load the source contracts from {}; run nqs from the project folder or pass --pipelines",
        dir.display()
    )]
    Contracts {
        dir: PathBuf,
        #[source]
        source: ContractError,
    },
    #[error("the working-day calendar")]
    Calendar(#[source] CalendarError),
    #[error("the schedule of the Rules' deadlines")]
    Schedule(#[source] ScheduleError),
}

/// An opened project: the contracts, the calendar and the schedule, loaded and checked.
#[derive(Debug, Clone)]
pub struct Project {
    pub paths: ProjectPaths,
    pub catalog: Catalog,
    pub calendar: Calendar,
    pub schedule: Schedule,
    /// DuckDB's worker threads (`None`: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// The memory DuckDB may hold while computing (its `memory_limit`, e.g. `1.5GB`); beyond
    /// it, joins, aggregates and sorts spill to `<output>/.duckdb-tmp`. Results do not depend
    /// on it.
    pub memory_limit: String,
}

/// DuckDB's memory budget unless `--memory-limit` says otherwise: with nqs's own share it keeps
/// `nqs run` within 2 GiB at national scale.
pub const DEFAULT_MEMORY_LIMIT: &str = "1.5GB";

impl Project {
    pub fn open(paths: ProjectPaths) -> Result<Project, ProjectError> {
        let catalog =
            Catalog::load(&paths.pipelines).map_err(|source| ProjectError::Contracts {
                dir: paths.pipelines.clone(),
                source,
            })?;
        let calendar = match &paths.calendar {
            Some(dir) => Calendar::load(dir).map_err(ProjectError::Calendar)?,
            None => Calendar::embedded(),
        };
        let schedule = Schedule::load(&paths.pipelines.join("schedule.toml"))
            .map_err(ProjectError::Schedule)?;
        Ok(Project {
            paths,
            catalog,
            calendar,
            schedule,
            threads: None,
            memory_limit: DEFAULT_MEMORY_LIMIT.to_string(),
        })
    }

    pub fn pipelines(&self) -> &Path {
        &self.paths.pipelines
    }

    pub fn templates(&self) -> &Path {
        &self.paths.templates
    }

    pub fn output(&self) -> &Path {
        &self.paths.output
    }

    /// The Parquet lake: one folder per source, `_quarantine`, the manifest.
    pub fn lake_dir(&self) -> PathBuf {
        self.paths.output.join("lake")
    }

    /// What `nqs run` and `nqs report` write for a report year.
    pub fn year_dir(&self, year: i32) -> PathBuf {
        self.paths.output.join(year.to_string())
    }

    /// The indicator definitions (`pipelines/indicators/*.sql`), checked against the contracts.
    pub fn indicators(&self) -> Result<Vec<Indicator>, IndicatorError> {
        indicators::load(&self.paths.pipelines.join("indicators"), &self.catalog)
    }

    /// The shared SQL layer (`pipelines/shared/*.sql`).
    pub fn shared_sql(&self) -> Result<Vec<SharedSql>, IndicatorError> {
        indicators::load_shared(&self.paths.pipelines.join("shared"))
    }
}
