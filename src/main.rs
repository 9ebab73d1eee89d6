//! The `nqs` command line: parses arguments, dispatches to the library, and explains errors.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use nqs::calendar::Calendar;
use nqs::contract::Catalog;
use nqs::generate::{GenerateOptions, Scale};
use nqs::ids::withhold_iins;
use nqs::ingest::{self, IngestOptions, IngestReport};
use nqs::lock::OutputLock;
use nqs::pseudonym::Pseudonymiser;
use nqs::schedule::{Expected, Schedule, Status};
use std::collections::BTreeMap;
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
    /// Write a realistic, deterministic sample data set in the shapes ministries send.
    Generate {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// `small` (a few MB, the committed sample) or `national` (1,000,000+ results a year).
        #[arg(long, default_value = "small")]
        scale: Scale,
        /// Years to cover, e.g. 2022..2026.
        #[arg(long, value_parser = parse_years)]
        years: (i32, i32),
        /// Leave out what would be received after this day (default: 20 November of the last year).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        out: PathBuf,
    },
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
    /// Compute the year's indicators (and, with them, the findings) into output/<YEAR>/.
    Run {
        /// The report year; the four years before it are computed too, for trends.
        #[arg(long)]
        year: i32,
        /// The day deadlines are judged from (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Render the annual analysis to PDF (PDF/A-2b), one file per language, from what `nqs run`
    /// computed: output/<YEAR>/report-kk.pdf and report-ru.pdf.
    Report {
        #[arg(long)]
        year: i32,
        /// Languages, comma-separated.
        #[arg(long, default_value = "kk,ru", value_delimiter = ',')]
        lang: Vec<String>,
        /// The document's date (default: today); also the PDF's date.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Folder with the templates and wording.
        #[arg(long, default_value = "report-templates")]
        templates: PathBuf,
    },
    /// The yearly run's calendar: the report deadline, working days left, the last day to run,
    /// and which para. 7 submissions for the year are late or missing.
    Schedule {
        /// The day to judge from (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// The report year (default: the year of --as-of).
        #[arg(long)]
        year: Option<i32>,
        /// List every late and missing submission, not only the first 40.
        #[arg(long)]
        all: bool,
    },
    /// Run the indicators' test cases (`pipelines/indicators/<id>.test.toml`); with --mutate,
    /// also check that they catch mutants of each indicator's SQL.
    Test {
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long)]
        mutate: bool,
    },
    /// Run a SQL query (DuckDB) over the lake; every source is a view of its own name.
    Sql {
        /// The query, e.g. "select region, count(*) from recognition_results group by 1".
        query: String,
        /// Also prepare what indicators read for this report year: `report_years`,
        /// `getvariable('report_year')`, the code lists and the deadline tables.
        #[arg(long)]
        year: Option<i32>,
        /// With --year: the day deadlines are judged from (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
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
            // An error may quote a file name or a value: no IIN is printed, whatever its source.
            eprintln!("error: {}", withhold_iins(&e.to_string()));
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {}", withhold_iins(&cause.to_string()));
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
            // The lock record names the command, with the input folder's name.
            let command = format!("nqs ingest {}", dir.display());
            let _lock = lock_output(&cli.output, &withhold_iins(&command))?;
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
                let text = serde_json::to_string_pretty(&report)?;
                println!("{}", withhold_iins(&text));
            } else {
                print_ingest(&report, &cli.output.join("lake"));
            }
            Ok(())
        }
        Command::Generate {
            seed,
            scale,
            years,
            as_of,
            out,
        } => {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} generate {msg} [{bar:30}] {pos}/{len}",
                )
                .expect("template is valid")
                .progress_chars("=> "),
            );
            let summary = nqs::generate::generate(
                &GenerateOptions {
                    seed,
                    scale,
                    first_year: years.0,
                    last_year: years.1,
                    as_of,
                    out: out.clone(),
                },
                &|stage, done, total| {
                    bar.set_message(stage.to_string());
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            let summary = summary.with_context(|| format!("generating into {}", out.display()))?;
            let rows: u64 = summary.rows.values().sum();
            let bad: u64 = summary.bad_rows.values().flat_map(|m| m.values()).sum();
            println!(
                "{} files, {:.1} MB, {rows} rows of which {bad} deliberately bad -> {}",
                summary.files.len(),
                summary.bytes as f64 / 1e6,
                out.display()
            );
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
            let calendar = load_calendar(cli.calendar.as_deref())?;
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
        Command::Run { year, as_of } => {
            let catalog = load_catalog(&cli.pipelines)?;
            let _lock = lock_output(&cli.output, &format!("nqs run --year {year}"))?;
            let calendar = load_calendar(cli.calendar.as_deref())?;
            let schedule = Schedule::load(&cli.pipelines.join("schedule.toml"))?;
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let indicators = nqs::indicators::load(&cli.pipelines.join("indicators"), &catalog)?;
            let conn = nqs::sql::open_lake(&cli.output.join("lake"))?;
            nqs::indicators::prepare(&conn, &catalog, year)?;
            nqs::schedule::register_tables(&conn, &schedule, &calendar, year - 4..=year, as_of)?;
            let shared = nqs::indicators::load_shared(&cli.pipelines.join("shared"))?;
            nqs::indicators::apply_shared(&conn, &shared)?;
            let bar = indicatif::ProgressBar::new(indicators.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} run [{bar:30}] {pos}/{len} {wide_msg}",
                )
                .expect("template is valid")
                .progress_chars("=> "),
            );
            let rows = nqs::indicators::compute(&conn, &indicators, &|id, i, _| {
                bar.set_position(i as u64);
                bar.set_message(id.to_string());
            });
            bar.finish_and_clear();
            let mut rows = rows?;
            let policy = nqs::disclosure::Policy::load(&cli.pipelines)?;
            for r in rows.iter_mut() {
                // A year still running on the judging day gives provisional values.
                r.provisional =
                    chrono::NaiveDate::from_ymd_opt(r.year, 12, 31).is_some_and(|end| as_of <= end);
            }
            let protection = nqs::disclosure::protect(&mut rows, &indicators, &policy)?;
            let dir = cli.output.join(year.to_string());
            nqs::indicators::write_outputs(&rows, &indicators, &dir)?;
            let book = nqs::findings::Rulebook::load(&cli.pipelines, &catalog, &indicators)?;
            let values = nqs::findings::Values::new(&rows, &indicators);
            let findings = nqs::findings::Findings {
                year,
                state: nqs::findings::state_sentences(&book, &values, year),
                problems: nqs::findings::evaluate_all(&book, &values, year),
            };
            nqs::findings::write_outputs(&findings, &dir)?;
            println!(
                "{} indicators, {} values ({} withheld) -> {}",
                indicators.len(),
                rows.len(),
                protection.withheld(),
                dir.join("indicators.parquet").display()
            );
            let rule = |r: nqs::disclosure::Rule| protection.by_rule.get(&r).copied().unwrap_or(0);
            println!(
                "withheld of {} cells ({} counting persons, {} declared relations): \
                 {} primary (1-4 persons), {} primary (0 %/100 % over a small group), \
                 {} secondary (Gaussian elimination), {} secondary (protection interval)",
                protection.cells,
                protection.person_cells,
                protection.relations,
                rule(nqs::disclosure::Rule::SmallCount),
                rule(nqs::disclosure::Rule::Attribute),
                rule(nqs::disclosure::Rule::SecondaryLinear),
                rule(nqs::disclosure::Rule::SecondaryInterval),
            );
            let dropped = rule(nqs::disclosure::Rule::BreakdownOfSmallTotal);
            if dropped > 0 {
                println!("not published: {dropped} breakdown cells of totals under 5 persons");
            }
            if !policy.secondary {
                eprintln!(
                    "warning: secondary suppression is off (pipelines/disclosure.toml): \
                     these tables are NOT safe to publish"
                );
            }
            for weak in &protection.unprotected {
                eprintln!("warning: could not reach the protection level for {weak}");
            }
            println!(
                "{} problem issues, {} recommendations, {} current-state sentences -> {}",
                findings.problems.len(),
                findings
                    .problems
                    .iter()
                    .map(|p| p.recommendations.len())
                    .sum::<usize>(),
                findings.state.get("ru").map_or(0, Vec::len),
                dir.join("findings.json").display()
            );
            Ok(())
        }
        Command::Report {
            year,
            lang,
            date,
            templates,
        } => {
            let catalog = load_catalog(&cli.pipelines)?;
            let _lock = lock_output(&cli.output, &format!("nqs report --year {year}"))?;
            let schedule = Schedule::load(&cli.pipelines.join("schedule.toml"))?;
            let indicators = nqs::indicators::load(&cli.pipelines.join("indicators"), &catalog)?;
            let book = nqs::findings::Rulebook::load(&cli.pipelines, &catalog, &indicators)?;
            let dir = cli.output.join(year.to_string());
            let rows = nqs::indicators::read_outputs(&dir).with_context(|| {
                format!(
                    "reading {}: run `nqs run --year {year}` first",
                    dir.display()
                )
            })?;
            let findings_path = dir.join("findings.json");
            let findings: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(&findings_path).with_context(|| {
                    format!(
                        "reading {}: run `nqs run --year {year}` first",
                        findings_path.display()
                    )
                })?,
            )?;
            let lake = nqs::lake::Lake::new(&cli.output.join("lake"));
            let manifest = lake.manifest()?;
            let reasons = nqs::report::quarantine_reasons(&cli.output.join("lake"))?;
            let labels = |b: &str, v: &str, l: &str| {
                let l = if l == "kk" {
                    nqs::findings::Lang::Kk
                } else {
                    nqs::findings::Lang::Ru
                };
                book.label(b, v, l)
            };
            let inputs = nqs::report::context::Inputs {
                year,
                report_date: date.unwrap_or_else(|| chrono::Local::now().date_naive()),
                deadline: schedule
                    .report_deadline(year)
                    .context("the report deadline in schedule.toml")?,
                catalog: &catalog,
                indicators: &indicators,
                rows: &rows,
                findings: &findings,
                manifest: &manifest,
                reasons: &reasons,
                labels: &labels,
            };
            for l in &lang {
                let started = std::time::Instant::now();
                let wording = nqs::report::load_wording(&templates, l)?;
                let context = nqs::report::context::build(&inputs, l, &wording);
                std::fs::write(
                    dir.join(format!("report-context.{l}.json")),
                    serde_json::to_string_pretty(&context)?,
                )?;
                let files = nqs::report::chart_files(&context)?;
                let pdf = nqs::report::render_pdf(&templates, l, &context, &files)
                    .with_context(|| format!("rendering the {l} report"))?;
                let path = dir.join(format!("report-{l}.pdf"));
                std::fs::write(&path, &pdf)?;
                println!(
                    "{} ({} KB, {} charts, {:.2} s)",
                    path.display(),
                    pdf.len() / 1024,
                    files.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        Command::Schedule { as_of, year, all } => {
            let calendar = load_calendar(cli.calendar.as_deref())?;
            let schedule = Schedule::load(&cli.pipelines.join("schedule.toml"))?;
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let year = year.unwrap_or_else(|| nqs::schedule::report_year(as_of));
            let conn = nqs::sql::open_lake(&cli.output.join("lake"))?;
            let (received, centres) = nqs::schedule::load_from_lake(&conn)
                .context("reading the submission log and the centres from the lake")?;
            let expected = nqs::schedule::assess_submissions(
                &schedule, &calendar, year, as_of, &received, &centres,
            )?;
            print_schedule(&schedule, &calendar, year, as_of, &expected, all)
        }
        Command::Test { indicator, mutate } => Ok(nqs::indicator_tests::command(
            &cli.pipelines,
            indicator.as_deref(),
            mutate,
        )?),
        Command::Sql { query, year, as_of } => {
            let conn = nqs::sql::open_lake(&cli.output.join("lake"))?;
            if let Some(year) = year {
                let catalog = load_catalog(&cli.pipelines)?;
                let calendar = load_calendar(cli.calendar.as_deref())?;
                let schedule = Schedule::load(&cli.pipelines.join("schedule.toml"))?;
                let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
                nqs::indicators::prepare(&conn, &catalog, year)?;
                nqs::schedule::register_tables(
                    &conn,
                    &schedule,
                    &calendar,
                    year - 4..=year,
                    as_of,
                )?;
                let shared = nqs::indicators::load_shared(&cli.pipelines.join("shared"))?;
                nqs::indicators::apply_shared(&conn, &shared)?;
            }
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

fn parse_years(text: &str) -> Result<(i32, i32), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}`: expected FIRST..LAST, e.g. 2022..2026"))?;
    let a: i32 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}` is not a year"))?;
    let b: i32 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}` is not a year"))?;
    if a > b {
        return Err(format!("{a} comes after {b}"));
    }
    Ok((a, b))
}

fn load_calendar(dir: Option<&Path>) -> Result<Calendar> {
    Ok(match dir {
        Some(dir) => Calendar::load(dir)?,
        None => Calendar::embedded(),
    })
}

fn print_schedule(
    schedule: &Schedule,
    calendar: &Calendar,
    year: i32,
    as_of: NaiveDate,
    expected: &[Expected],
    all: bool,
) -> Result<()> {
    let deadline = schedule
        .report_deadline(year)
        .context("the report deadline in schedule.toml")?;
    let last_working = nqs::schedule::working_days_before(calendar, deadline, 0)?;
    let run_by = nqs::schedule::working_days_before(
        calendar,
        deadline,
        schedule.report.margin_working_days,
    )?;
    println!(
        "Annual analysis of {year}: due to the Ministry no later than {deadline} (para. 21 of the Rules)"
    );
    if last_working != deadline {
        println!("  {deadline} is not a working day: send it by {last_working}");
    }
    if as_of <= deadline {
        let left = calendar.working_days_between(as_of, last_working)?;
        println!("As of {as_of}: {left} working days left");
    } else {
        println!("As of {as_of}: the deadline has passed");
    }
    println!(
        "Last day to run the pipeline: {run_by} ({} working days before the deadline)",
        schedule.report.margin_working_days
    );
    println!("\nSubmissions for {year} under para. 7, as of {as_of}:");
    println!(
        "{:<20} {:<20} {:>8} {:>5} {:>8} {:>12}",
        "provider", "source", "on time", "late", "missing", "not yet due"
    );
    let mut summary: BTreeMap<(&str, &str), [usize; 4]> = BTreeMap::new();
    for e in expected {
        let counts = summary.entry((&e.provider, &e.source)).or_default();
        counts[e.status as usize] += 1;
    }
    for ((provider, source), c) in &summary {
        println!(
            "{provider:<20} {source:<20} {:>8} {:>5} {:>8} {:>12}",
            c[0], c[1], c[2], c[3]
        );
    }
    let mut problems: Vec<&Expected> = expected
        .iter()
        .filter(|e| matches!(e.status, Status::Late | Status::Missing))
        .collect();
    problems.sort_by(|a, b| {
        (a.status, &a.provider, &a.source, &a.period, &a.sender).cmp(&(
            b.status,
            &b.provider,
            &b.source,
            &b.period,
            &b.sender,
        ))
    });
    if problems.is_empty() {
        println!("\nNothing is late or missing.");
        return Ok(());
    }
    println!("\nLate or missing:");
    let shown = if all {
        problems.len()
    } else {
        problems.len().min(40)
    };
    for e in &problems[..shown] {
        let due = e.due.map(|d| d.to_string()).unwrap_or_default();
        let what = match (e.status, e.received, e.days_late) {
            (Status::Late, Some(r), Some(n)) => {
                format!("late: received {r}, {n} working days after {due}")
            }
            _ => format!("missing: due {due}"),
        };
        println!(
            "  {:<20} {:<20} {:<8} {:<45} {what}",
            e.provider, e.source, e.period, e.sender
        );
    }
    if shown < problems.len() {
        println!(
            "  ... and {} more (--all lists them)",
            problems.len() - shown
        );
    }
    Ok(())
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
        // Reasons and examples were masked by the ingest; this is the last line of defence
        // for what reaches a terminal or a log file.
        for (r, n) in reasons.iter().take(12) {
            println!("{n:>8}  {}", withhold_iins(r));
        }
        println!("\nfirst quarantined rows:");
        for (id, s) in &report.sources {
            for e in &s.examples {
                println!("  {id}: {}", withhold_iins(e));
            }
        }
        println!(
            "every quarantined row, with file, row, column and value: {}",
            lake.join("_quarantine").display()
        );
    }
    for (id, s) in &report.sources {
        for (file, cols) in &s.missing_columns {
            let line = format!(
                "warning: {file} ({id}) lacks declared columns: {}",
                cols.join(", ")
            );
            eprintln!("{}", withhold_iins(&line));
        }
        for (file, cols) in &s.ignored_columns {
            let line = format!(
                "warning: {file} ({id}) has columns no contract declares, not kept: {}",
                cols.join(", ")
            );
            eprintln!("{}", withhold_iins(&line));
        }
    }
    for f in &report.unmatched_files {
        let line = format!("warning: {f} matches no source contract and was not ingested");
        eprintln!("{}", withhold_iins(&line));
    }
}
