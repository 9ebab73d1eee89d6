//! `nqs publish --year Y`: the edition sent to the Ministry, frozen in output/editions/Y/N/.

use super::Global;
use anyhow::{Context, Result};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub year: i32,
    /// Why the edition goes out after the report deadline (15 December, para. 21 of the Rules):
    /// required then, and kept in the edition's record.
    #[arg(long, value_name = "REASON")]
    pub late: Option<String>,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let _lock = super::lock_output(project.output(), &format!("nqs publish --year {}", a.year))?;
    // The deadline is judged on the same day every command judges from (`--as-of`, NQS_AS_OF).
    let day = g.as_of_or_today();
    let published = nqs::publish::publish(&project, a.year, day, a.late.as_deref()).with_context(|| {
        format!(
            "publishing {} (it publishes what `nqs run --year {}` last computed; run it first if the data changed)",
            a.year, a.year
        )
    })?;
    if g.json {
        g.print_json(&published)?;
        return Ok(ExitCode::SUCCESS);
    }
    let e = &published.edition;
    println!(
        "edition {} of {} published in {} (judging day {}, {} files, read-only)",
        e.number,
        e.year,
        published.dir.display(),
        e.as_of,
        e.files.len()
    );
    if let Some(late) = &e.late {
        println!(
            "  late: {} after the deadline of {}; the reason kept in edition.json: {}",
            nqs::edition::days(late.days_late),
            late.deadline,
            late.reason
        );
    }
    for f in &published.report.files {
        println!("  {} ({} pages)", f.path.display(), f.pages);
    }
    if !e.recommendations.is_empty() {
        println!(
            "recommendations (record the Ministry's decisions under these ids in report-templates/years/{}/decisions.toml):",
            e.year + 1
        );
        for r in &e.recommendations {
            println!("  {:<6} {}", r.label, r.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
