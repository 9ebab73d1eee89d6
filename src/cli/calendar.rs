//! `nqs calendar`: the working-day arithmetic every deadline in the Rules uses.

use super::Global;
use anyhow::Result;
use chrono::NaiveDate;
use nqs::calendar::Calendar;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Args {
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

/// Needs no pipelines folder: only the calendar (`--calendar` or the one compiled in).
pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let calendar = match &g.calendar {
        Some(dir) => Calendar::load(dir)?,
        None => Calendar::embedded(),
    };
    match a {
        Args::Add { from, working_days } => {
            println!("{}", calendar.add_working_days(from, working_days)?)
        }
        Args::Between { a, b } => println!("{}", calendar.working_days_between(a, b)?),
        Args::IsWorking { date } => println!("{}", calendar.is_working(date)?),
        Args::Explain { date } => println!("{}", calendar.explain(date)?),
    }
    Ok(ExitCode::SUCCESS)
}
