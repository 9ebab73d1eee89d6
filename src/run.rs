//! The `run` stage: the year's indicators computed by DuckDB over the lake, disclosure control
//! applied, the findings derived, and all of it written to `output/<YEAR>/` with a run record
//! (`run.json`) that says which year, judging day and window the figures are for, so a rerun can
//! reproduce them and `nqs report` uses the same.

use crate::connection::{ConnectionError, RECORD_FILE, RunRecord, connect};
use crate::disclosure::{self, DisclosureError, Policy, Rule};
use crate::findings::{self, Findings, FindingsError, Rulebook, Values};
use crate::indicators::{self, IndicatorError, OutputError};
use crate::period::Period;
use crate::project::Project;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    /// The lake, the deadline tables or the run record: see [`ConnectionError`].
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error("disclosure control")]
    Disclosure(#[from] DisclosureError),
    #[error("reading the published editions")]
    Editions(#[source] Box<crate::edition::EditionError>),
    #[error("the findings")]
    Findings(#[from] FindingsError),
    #[error("writing the indicator tables")]
    Output(#[from] OutputError),
    /// SDMX, the catalogue or the dictionary: see [`crate::outputs::OutputsError`].
    #[error(transparent)]
    Outputs(#[from] crate::outputs::OutputsError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
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
    /// What disclosure control read and how long it took (varies run to run; never written).
    pub disclosure_time: DisclosureTime,
}

/// Seconds of disclosure control: reading the units (profiles, then the representatives'
/// rows) and choosing the cells to withhold, with the units and profiles read.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DisclosureTime {
    pub units: disclosure::units::ReadStats,
    pub suppression_seconds: f64,
}

impl DisclosureTime {
    pub fn seconds(&self) -> f64 {
        self.units.profile_seconds + self.units.unit_seconds + self.suppression_seconds
    }
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
    let micro = disclosure::units::read(&conn, &indicators, project.pipelines())?;
    drop(conn);
    for r in rows.iter_mut() {
        r.provisional = period.is_provisional(r.year);
    }
    let published = published_counts(project, period)?;
    let suppression_started = std::time::Instant::now();
    let protection = disclosure::protect(&mut rows, &indicators, &policy, &published, &micro)?;
    let disclosure_time = DisclosureTime {
        units: micro.read,
        suppression_seconds: suppression_started.elapsed().as_secs_f64(),
    };
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
    let lake = crate::connection::LakeState::of_lake(project, period)?;
    write_json(&dir.join(crate::connection::LAKE_STATE_FILE), &lake)?;
    let mut lake_runs: Vec<String> = lake
        .manifest
        .files
        .values()
        .map(|e| e.run_id.clone())
        .collect();
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
    crate::outputs::write(project, period, &dir, &rows, &indicators)?;
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
        disclosure_time,
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
