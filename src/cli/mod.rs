//! Arguments shared by every command, and the dispatch: one line per command.

mod calendar;
mod contract;
mod extract;
mod generate;
mod ingest;
mod publish;
mod query;
mod report;
mod retention;
mod run;
mod schedule;
mod sources;
mod sql;
mod test;
mod yearly;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use nqs::lock::OutputLock;
use nqs::period::Period;
use nqs::project::{Project, ProjectPaths};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "nqs",
    version,
    about = "Analytics and annual reporting engine for Kazakhstan's National Qualifications System",
    long_about = "Ingests the NQS platform's extracts into a validated Parquet lake, computes the \
                  indicators and writes the annual analysis the National body sends the Ministry \
                  by 15 December (para. 20-21 of the Rules)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// What every command may be given: where the project's parts are, and the judging day.
#[derive(clap::Args)]
pub struct Global {
    /// Folder with the source contracts, code lists, indicator SQL and finding rules.
    #[arg(
        long,
        global = true,
        default_value = "pipelines",
        env = "NQS_PIPELINES"
    )]
    pub pipelines: PathBuf,
    /// Folder where the lake and reports are written.
    #[arg(long, global = true, default_value = "output", env = "NQS_OUTPUT")]
    pub output: PathBuf,
    /// Folder with the report's templates, layout and wording.
    #[arg(
        long,
        global = true,
        default_value = "report-templates",
        env = "NQS_TEMPLATES"
    )]
    pub templates: PathBuf,
    /// Folder with the working-day calendar (`rules.toml`, one file per year); by default the
    /// calendar compiled into the binary from `datasets/calendar`.
    #[arg(long, global = true, env = "NQS_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// The day deadlines are judged from and a running year is provisional as of (default:
    /// today; `nqs report` defaults to the day `nqs run` used).
    #[arg(long, global = true, env = "NQS_AS_OF")]
    pub as_of: Option<NaiveDate>,
    /// DuckDB worker threads (default: one per core); results do not depend on it.
    #[arg(long, global = true, env = "NQS_THREADS")]
    pub threads: Option<usize>,
    /// The memory budget (e.g. 1.5GB, 800MB): what DuckDB may hold while computing indicators
    /// (beyond it, joins, aggregates and sorts spill to disk under the output folder) and what
    /// sizes ingest's chunks of files (a sixteenth of it). Results do not depend on it.
    #[arg(long, global = true, env = "NQS_MEMORY_LIMIT", default_value = nqs::project::DEFAULT_MEMORY_LIMIT)]
    pub memory_limit: String,
    /// Print the command's summary as JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Global {
    fn paths(&self) -> ProjectPaths {
        ProjectPaths {
            pipelines: self.pipelines.clone(),
            output: self.output.clone(),
            templates: self.templates.clone(),
            calendar: self.calendar.clone(),
        }
    }

    /// Opens the project once; every command that reads pipelines starts here.
    pub fn project(&self) -> Result<Project> {
        let mut project = Project::open(self.paths())?;
        project.threads = self.threads;
        project.memory_limit = self.memory_limit.clone();
        Ok(project)
    }

    /// The judging day: `--as-of`, `NQS_AS_OF`, or today.
    pub fn as_of_or_today(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The report year and judging day: `--year` (default: the judging day's year).
    pub fn period(&self, year: Option<i32>) -> Period {
        let as_of = self.as_of_or_today();
        match year {
            Some(y) => Period::new(y, as_of),
            None => Period::of_day(as_of),
        }
    }

    /// Prints a summary as JSON (IINs withheld, as on every path out).
    pub fn print_json<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        println!("{}", nqs::ids::withhold_iins(&text));
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Write a realistic, deterministic sample data set in the shapes ministries send.
    Generate(generate::Args),
    /// Read every declared source's files in DIR, validate them and update the lake.
    Ingest(ingest::Args),
    /// List the declared sources: provider, frequency, files, columns.
    Sources,
    /// Draft a source contract from a file, or try a file against one (nothing is written).
    #[command(subcommand)]
    Contract(contract::Args),
    /// Kazakhstan's working-day calendar: the arithmetic every deadline in the Rules uses.
    #[command(subcommand)]
    Calendar(calendar::Args),
    /// Compute the year's indicators (and, with them, the findings) into output/<YEAR>/.
    Run(run::Args),
    /// Render the annual analysis to PDF (PDF/A-2b, PDF/UA-1), one file per language, from what `nqs run`
    /// computed: output/<YEAR>/report-kk.pdf and report-ru.pdf.
    Report(report::Args),
    /// Freeze the report sent to the Ministry as an edition (both PDFs unmarked, the figures,
    /// findings and manifest, with checksums) in output/editions/<YEAR>/<N>/, read-only.
    Publish(publish::Args),
    /// The raw extracts in the inbox past the retention period `pipelines/retention.toml`
    /// declares (they hold names and IINs): listed for the operator to delete.
    Retention(retention::Args),
    /// The yearly run's calendar: the report deadline, working days left, the last day to run,
    /// and which para. 7 submissions for the year are late or missing.
    Schedule(schedule::Args),
    /// Run a SQL query (DuckDB) over the lake; every source is a view of its own name.
    Sql(sql::Args),
    /// Query the published tables (indicators, findings) with SQL and write the result as a
    /// table, CSV, JSON, Parquet or XLSX; `--lake` adds the lake for analysts.
    Query(query::Args),
    /// Write the year's research extract: recognition microdata under statistical disclosure
    /// control (declared quasi-identifiers recoded until every combination is shared by at
    /// least k persons; a pseudonym key of its own) in output/<YEAR>/research/.
    Extract(extract::Args),
    /// Run the indicators' test cases (`pipelines/indicators/<id>.test.toml`).
    Test(test::Args),
    /// The scheduled yearly run in one command: ingest the inbox, run, report, schedule.
    Yearly(yearly::Args),
}

pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    let g = &cli.global;
    match cli.command {
        Command::Generate(a) => generate::run(g, a),
        Command::Ingest(a) => ingest::run(g, a),
        Command::Sources => sources::run(g),
        Command::Calendar(a) => calendar::run(g, a),
        Command::Contract(a) => contract::run(g, a),
        Command::Run(a) => run::run(g, a),
        Command::Report(a) => report::run(g, a),
        Command::Publish(a) => publish::run(g, a),
        Command::Retention(a) => retention::run(g, a),
        Command::Schedule(a) => schedule::run(g, a),
        Command::Sql(a) => sql::run(g, a),
        Command::Query(a) => query::run(g, a),
        Command::Extract(a) => extract::run(g, a),
        Command::Test(a) => test::run(g, a),
        Command::Yearly(a) => yearly::run(g, a),
    }
}

/// Takes the output folder's lock for the command's duration (see `nqs::lock`).
pub fn lock_output(output: &Path, command: &str) -> Result<OutputLock> {
    let lock = OutputLock::acquire(output, command)?;
    // An ingest killed while committing left a journal: finish its moves before anything
    // reads the lake.
    let lake = output.join("lake");
    if lake.is_dir() {
        nqs::lake::recover(&lake)?;
        // A lake of an earlier nqs (Hive `year=` folders, the quarantine inside) is moved to
        // this version's layout, one journalled commit, before anything reads it.
        let moved = nqs::lake::upgrade_layout(&lake)?;
        if moved > 0 {
            eprintln!(
                "note: moved {moved} files of the lake at {} to this version's layout (`<source>/YYYY/MM/`, the quarantine in {}); their rows are unchanged",
                lake.display(),
                nqs::lake::quarantine_dir(&lake).display()
            );
        }
    }
    if let Some(stale) = &lock.stale {
        eprintln!(
            "note: cleared a stale lock on {} left by {stale}",
            output.display()
        );
    }
    Ok(lock)
}

/// A progress bar on stderr with nqs's look.
pub fn progress_bar(template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .expect("template is valid")
            .progress_chars("=> "),
    );
    bar
}
