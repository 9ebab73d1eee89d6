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
    #[error(
        "memory limit `{0}` is not a size: give a number and a unit, as `1.5GB`, `800MB` or `2GiB`"
    )]
    MemoryLimit(String),
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
    /// The memory budget (e.g. `1.5GB`): what DuckDB may hold while computing (its
    /// `memory_limit`; beyond it, joins, aggregates and sorts spill to `<output>/.duckdb-tmp`),
    /// and what sizes ingest's chunks of files ([`crate::ingest::chunk_bytes_for`]). Results
    /// do not depend on it.
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

    /// [`Project::memory_limit`] in bytes. Units as DuckDB reads them: B, KB, MB, GB, TB
    /// (powers of 1000) and KiB, MiB, GiB, TiB (of 1024), in any case, a space allowed.
    /// Errors: [`ProjectError::MemoryLimit`] when it is not such a size.
    pub fn memory_budget(&self) -> Result<u64, ProjectError> {
        parse_size(&self.memory_limit)
            .ok_or_else(|| ProjectError::MemoryLimit(self.memory_limit.clone()))
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

    /// The Parquet lake: one folder per source and the manifest (the quarantine is beside it,
    /// `output/quarantine/`).
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

/// `1.5GB` → 1,500,000,000: see [`Project::memory_budget`].
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 1.0).then_some(bytes as u64)
}

#[cfg(test)]
mod size_tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_duckdb_reads_them() {
        assert_eq!(parse_size("1.5GB"), Some(1_500_000_000));
        assert_eq!(parse_size("800 MB"), Some(800_000_000));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("512kib"), Some(512 << 10));
        assert_eq!(parse_size("4096"), Some(4096));
        for bad in ["", "GB", "1.5 GiBs", "-1GB", "lots", "0MB"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }
}
