//! `nqs report --year Y`: the annual analysis as PDF, one file per language.

use super::Global;
use anyhow::Result;
use nqs::report::ReportSummary;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub year: i32,
    /// Languages, comma-separated.
    #[arg(long, default_value = "kk,ru", value_delimiter = ',')]
    pub lang: Vec<String>,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let summary = report_year(&project, g, &a)?;
    if g.json {
        g.print_json(&summary)?;
    } else {
        print(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// The report stage with the output folder locked. The judging day is the run's unless
/// `--as-of` is given (and then it must be the run's).
pub fn report_year(project: &nqs::project::Project, g: &Global, a: &Args) -> Result<ReportSummary> {
    let _lock = super::lock_output(project.output(), &format!("nqs report --year {}", a.year))?;
    Ok(nqs::report::report(project, a.year, g.as_of, &a.lang)?)
}

pub fn print(s: &ReportSummary) {
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    for f in &s.files {
        println!(
            "{} ({} KB, {} pages, {} charts, {:.2} s)",
            f.path.display(),
            f.bytes / 1024,
            f.pages,
            f.charts,
            f.seconds
        );
    }
}
