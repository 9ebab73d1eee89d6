//! `nqs yearly --inbox DIR`: the scheduled yearly run in one command — ingest what providers
//! sent, compute the year, render both reports, and print the schedule — for a systemd timer or
//! cron. It stops at the first stage that fails, with that stage's error, and exits non-zero.
//!
//! Exit statuses, for the timer's unit and a monitor (README, "Operating the yearly run"):
//! 0 done, nothing missing; 3 done, with para. 7 submissions missing (the report is made and
//! counts them missing: chase the senders, then run again); 1 stopped (the message names the
//! stage and what to do); 2 the command line itself is wrong (clap).

use super::Global;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

/// Every stage ran, but some para. 7 submission due by the judging day has not arrived.
pub const EXIT_MISSING: u8 = 3;

#[derive(clap::Args)]
pub struct Args {
    /// The folder providers' extracts arrive in (laid out as the contracts' `files` say).
    #[arg(long, env = "NQS_INBOX")]
    pub inbox: PathBuf,
    /// The report year (default: the year of --as-of, i.e. this year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Languages of the report, comma-separated.
    #[arg(long, default_value = "kk,ru", value_delimiter = ',')]
    pub lang: Vec<String>,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    // What the run needs is checked before anything is written.
    if !a.inbox.is_dir() {
        bail!(
            "the inbox {} does not exist: set --inbox (or NQS_INBOX) to the folder providers' extracts arrive in",
            a.inbox.display()
        );
    }
    if !g.templates.join(nqs::report::MAIN_TEMPLATE).is_file() {
        bail!(
            "no report templates in {}: set --templates (or NQS_TEMPLATES) to the project's report-templates folder",
            g.templates.display()
        );
    }
    let project = g.project()?;
    let period = g.period(a.year);
    let ingest_args = super::ingest::Args {
        dir: a.inbox.clone(),
        sample: false,
        chunk_files: nqs::ingest::CHUNK_FILES,
    };
    let ingested = super::ingest::ingest_dir(&project, &ingest_args)?;
    let ran = super::run::run_year(&project, g, period.year)
        .with_context(|| format!("the yearly run of {} stopped after ingest", period.year))?;
    let report_args = super::report::Args {
        year: period.year,
        lang: a.lang.clone(),
    };
    let reported = super::report::report_year(&project, g, &report_args)
        .with_context(|| format!("the yearly run of {} stopped after run", period.year))?;
    let schedule = nqs::schedule::assess(
        &project.schedule,
        &project.calendar,
        &project.lake_dir(),
        project.output(),
        &period,
    )?;
    let missing = schedule.still_due.missing;
    let (outcome, code) = if missing > 0 {
        ("done_with_missing", ExitCode::from(EXIT_MISSING))
    } else {
        ("done", ExitCode::SUCCESS)
    };
    if g.json {
        g.print_json(&serde_json::json!({
            "outcome": outcome, "missing": missing,
            "ingest": ingested, "run": ran, "report": reported, "schedule": schedule,
        }))?;
    } else {
        super::ingest::print(&ingested, &project.lake_dir());
        println!();
        super::run::print(&ran);
        println!();
        super::report::print(&reported);
        println!();
        super::schedule::print(&schedule, false);
    }
    if missing > 0 {
        eprintln!(
            "note: the report of {} is made, but {missing} para. 7 submissions are missing (exit status {EXIT_MISSING}): chase the senders `nqs schedule --year {} --all` lists, then run again",
            period.year, period.year
        );
    }
    Ok(code)
}
