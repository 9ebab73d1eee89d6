//! `nqs schedule`: the report deadline, the days left, and the para. 7 submissions' status.

use super::Global;
use anyhow::Result;
use nqs::schedule::{Expected, ScheduleSummary, Status};
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The report year (default: the year of --as-of).
    #[arg(long)]
    pub year: Option<i32>,
    /// List every late and missing submission, not only the first 40.
    #[arg(long)]
    pub all: bool,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let summary = nqs::schedule::assess(
        &project.schedule,
        &project.calendar,
        &project.lake_dir(),
        project.output(),
        &g.period(a.year),
    )?;
    if g.json {
        g.print_json(&summary)?;
    } else {
        print(&summary, a.all);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print(s: &ScheduleSummary, all: bool) {
    print_status(s, all);
    if let Some(note) = &s.provisional_note {
        println!("\n{note}");
    }
}

/// The editions sent and what is left to do, each line saying what the operator does next.
fn print_still_due(s: &ScheduleSummary) {
    let (year, as_of, d) = (s.period.year, s.period.as_of, &s.still_due);
    for e in &s.editions {
        match &e.late {
            Some(l) => println!(
                "Edition {} sent on {}, {} after the deadline: {}",
                e.number,
                e.published,
                nqs::edition::days(l.days_late),
                l.reason
            ),
            None => println!("Edition {} sent on {}", e.number, e.published),
        }
    }
    println!("\nStill due for {year}, as of {as_of}:");
    let mut any = false;
    let mut say = |line: String| {
        any = true;
        println!("  - {line}");
    };
    if d.missing > 0 {
        say(format!(
            "{} submissions missing: chase their senders (listed below)",
            d.missing
        ));
    }
    if let Some(last) = d.last_due_by_run {
        say(format!(
            "{} submissions fall due by the last day to run, the last on {last}: run once they are in",
            d.due_by_run
        ));
    }
    if d.edition {
        if as_of <= s.run_by {
            say(format!(
                "run the pipeline by {}: `nqs yearly --inbox DIR` (or `nqs ingest`, `nqs run`, `nqs report`)",
                s.run_by
            ));
        }
        if as_of <= s.deadline {
            if as_of > s.run_by {
                say(format!(
                    "the last day to run was {}: run now and check the report before sending",
                    s.run_by
                ));
            }
            say(format!(
                "send the edition by {}: `nqs publish --year {year}`",
                s.send_by
            ));
        } else {
            say(format!(
                "the edition was due by {}: publish it now with the reason, `nqs publish --year {year} --late \"reason\"`",
                s.deadline
            ));
        }
    }
    if d.due_after_run > 0 {
        say(format!(
            "{} submissions fall due after {}: the year's report counts them as not yet due",
            d.due_after_run, s.run_by
        ));
    }
    if !any {
        println!("  nothing: the edition is sent and every submission due is in");
    }
}

fn print_status(s: &ScheduleSummary, all: bool) {
    let (year, as_of, deadline) = (s.period.year, s.period.as_of, s.deadline);
    println!(
        "Annual analysis of {year}: due to the Ministry no later than {deadline} (para. 21 of the Rules)"
    );
    if s.send_by != deadline {
        println!(
            "  {deadline} is not a working day: send it by {}",
            s.send_by
        );
    }
    match s.working_days_left {
        Some(left) => println!("As of {as_of}: {left} working days left"),
        None => println!("As of {as_of}: the deadline has passed"),
    }
    println!(
        "Last day to run the pipeline: {} ({} working days before the deadline)",
        s.run_by, s.margin_working_days
    );
    print_still_due(s);
    println!("\nSubmissions for {year} under para. 7, as of {as_of}:");
    println!(
        "{:<20} {:<20} {:>8} {:>5} {:>8} {:>12}",
        "provider", "source", "on time", "late", "missing", "not yet due"
    );
    let mut counts: BTreeMap<(&str, &str), [usize; 4]> = BTreeMap::new();
    for e in &s.submissions {
        counts.entry((&e.provider, &e.source)).or_default()[e.status as usize] += 1;
    }
    for ((provider, source), c) in &counts {
        println!(
            "{provider:<20} {source:<20} {:>8} {:>5} {:>8} {:>12}",
            c[0], c[1], c[2], c[3]
        );
    }
    let mut problems: Vec<&Expected> = s
        .submissions
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
        return;
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
}
