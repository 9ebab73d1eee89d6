//! The `nqs` command line: parses arguments, dispatches to the library, and explains errors.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use nqs::calendar::Calendar;
use nqs::contract::Catalog;
use nqs::ingest::{self, IngestOptions, IngestReport};
use nqs::lock::OutputLock;
use nqs::pseudonym::Pseudonymiser;
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
struct Cli {
    /// Folder with the source contracts, code lists and indicator definitions.
    #[arg(
        long,
        global = true,
        default_value = "pipelines",
        env = "NQS_PIPELINES"
    )]
    pipelines: PathBuf,
    /// Folder where the lake and reports are written.
    #[arg(long, global = true, default_value = "output", env = "NQS_OUTPUT")]
    output: PathBuf,
    /// Folder with the working-day calendar (`rules.toml`, one file per year); by default the
    /// calendar compiled into the binary from `datasets/calendar`.
    #[arg(long, global = true, env = "NQS_CALENDAR")]
    calendar: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read every declared source's files in DIR, validate them and update the lake.
    Ingest {
        /// Folder with the extracts, laid out as the contracts' `files` patterns say.
        dir: PathBuf,
        /// Use the documented public key for the generated sample data (never for real data).
        #[arg(long)]
        sample: bool,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Files checked and merged at a time (memory against speed).
        #[arg(long, default_value_t = ingest::CHUNK_FILES, hide = true)]
        chunk_files: usize,
    },
    /// List the declared sources: provider, frequency, files, columns.
    Sources,
    /// Kazakhstan's working-day calendar: the arithmetic every deadline in the Rules uses.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Run a SQL query (DuckDB) over the lake; every source is a view of its own name.
    Sql {
        /// The query, e.g. "select region, count(*) from recognition_results group by 1".
        query: String,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print the due date N working days after a date (the N-th working day after it).
    Add {
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        working_days: u32,
    },
    /// Print the number of working days after A up to and including B.
    Between { a: NaiveDate, b: NaiveDate },
    /// Print `true` if DATE is a working day, `false` if not.
    IsWorking { date: NaiveDate },
    /// Say why DATE is a working day or a day off, citing the act.
    Explain { date: NaiveDate },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Ingest {
            dir,
            sample,
            json,
            chunk_files,
        } => {
            let catalog = load_catalog(&cli.pipelines)?;
            let _lock = lock_output(&cli.output, &format!("nqs ingest {}", dir.display()))?;
            let pseudonymiser = if sample {
                Pseudonymiser::sample()
            } else {
                Pseudonymiser::from_env()?
            };
            let report = run_ingest(
                &catalog,
                &IngestOptions {
                    input: &dir,
                    lake: &cli.output.join("lake"),
                    pseudonymiser: &pseudonymiser,
                    chunk_files,
                    progress: &|_, _, _| {},
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_ingest(&report, &cli.output.join("lake"));
            }
            Ok(())
        }
        Command::Sources => {
            let catalog = load_catalog(&cli.pipelines)?;
            println!(
                "{:<22} {:<20} {:<12} {:>7}  files",
                "source", "provider", "frequency", "columns"
            );
            for c in &catalog.contracts {
                println!(
                    "{:<22} {:<20} {:<12} {:>7}  {}",
                    c.id,
                    c.provider,
                    serde_json::to_value(c.frequency)?
                        .as_str()
                        .unwrap_or_default(),
                    c.columns.len(),
                    c.files.join(", ")
                );
            }
            Ok(())
        }
        Command::Calendar(cmd) => {
            let calendar = match &cli.calendar {
                Some(dir) => Calendar::load(dir)?,
                None => Calendar::embedded(),
            };
            match cmd {
                CalendarCommand::Add { from, working_days } => {
                    println!("{}", calendar.add_working_days(from, working_days)?)
                }
                CalendarCommand::Between { a, b } => {
                    println!("{}", calendar.working_days_between(a, b)?)
                }
                CalendarCommand::IsWorking { date } => println!("{}", calendar.is_working(date)?),
                CalendarCommand::Explain { date } => println!("{}", calendar.explain(date)?),
            }
            Ok(())
        }
        Command::Sql { query } => {
            let conn = nqs::sql::open_lake(&cli.output.join("lake"))?;
            let (header, rows) = nqs::sql::query_text(&conn, &query)?;
            let mut out = csv::WriterBuilder::new()
                .delimiter(b'\t')
                .from_writer(std::io::stdout());
            if !header.is_empty() {
                out.write_record(&header)?;
            }
            for r in rows {
                out.write_record(&r)?;
            }
            out.flush()?;
            Ok(())
        }
    }
}

fn lock_output(output: &Path, command: &str) -> Result<OutputLock> {
    let lock = OutputLock::acquire(output, command)?;
    if let Some(stale) = &lock.stale {
        eprintln!(
            "note: cleared a stale lock on {} left by {stale}",
            output.display()
        );
    }
    Ok(lock)
}

fn load_catalog(dir: &Path) -> Result<Catalog> {
    Catalog::load(dir).with_context(|| {
        format!(
            "cannot load the source contracts from {}; run nqs from the project folder or pass --pipelines",
            dir.display()
        )
    })
}

fn run_ingest(catalog: &Catalog, opts: &IngestOptions) -> Result<IngestReport> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} ingest [{bar:30}] {pos}/{len} files {wide_msg}",
        )
        .expect("template is valid")
        .progress_chars("=> "),
    );
    let progress = |file: &str, done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(file.to_string());
    };
    let result = ingest::ingest(
        catalog,
        &IngestOptions {
            progress: &progress,
            ..*opts
        },
    );
    bar.finish_and_clear();
    result.with_context(|| {
        format!(
            "ingest of {} stopped; the lake at {} was left as it was",
            opts.input.display(),
            opts.lake.display()
        )
    })
}

fn print_ingest(report: &IngestReport, lake: &Path) {
    println!(
        "{:<22} {:>6} {:>6} {:>10} {:>10} {:>11} {:>8}",
        "source", "files", "same", "rows read", "accepted", "quarantined", "flagged"
    );
    for (id, s) in &report.sources {
        println!(
            "{:<22} {:>6} {:>6} {:>10} {:>10} {:>11} {:>8}",
            id,
            s.files_ingested,
            s.files_unchanged,
            s.rows_read,
            s.accepted,
            s.quarantined,
            s.flagged
        );
    }
    let t = report.totals();
    println!(
        "{:<22} {:>6} {:>6} {:>10} {:>10} {:>11} {:>8}",
        "total",
        t.files_ingested,
        t.files_unchanged,
        t.rows_read,
        t.accepted,
        t.quarantined,
        t.flagged
    );
    let mut reasons: Vec<(String, u64)> = report
        .sources
        .iter()
        .flat_map(|(id, s)| {
            s.reasons
                .iter()
                .map(move |(r, n)| (format!("{id}: {r}"), *n))
        })
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !reasons.is_empty() {
        println!("\nmain quarantine reasons:");
        for (r, n) in reasons.iter().take(12) {
            println!("{n:>8}  {r}");
        }
        println!(
            "every quarantined row, with file, row, column and value: {}",
            lake.join("_quarantine").display()
        );
    }
    for (id, s) in &report.sources {
        for (file, cols) in &s.missing_columns {
            eprintln!(
                "warning: {file} ({id}) lacks declared columns: {}",
                cols.join(", ")
            );
        }
        for (file, cols) in &s.ignored_columns {
            eprintln!(
                "warning: {file} ({id}) has columns no contract declares, not kept: {}",
                cols.join(", ")
            );
        }
    }
    for f in &report.unmatched_files {
        eprintln!("warning: {f} matches no source contract and was not ingested");
    }
}
