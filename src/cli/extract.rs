//! `nqs extract --year Y`: the research extract under statistical disclosure control.

use super::Global;
use anyhow::Result;
use nqs::extract::ExtractSummary;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The year whose decisions the extract holds.
    #[arg(long)]
    pub year: i32,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let _lock = super::lock_output(project.output(), &format!("nqs extract --year {}", a.year))?;
    let summary = nqs::extract::extract(&project, &g.period(Some(a.year)))?;
    if g.json {
        g.print_json(&summary)?;
    } else {
        print(&summary, &project.output().display().to_string());
    }
    Ok(ExitCode::SUCCESS)
}

fn print(s: &ExtractSummary, output: &str) {
    let share = if s.records_selected == 0 {
        0.0
    } else {
        100.0 * s.records_suppressed as f64 / s.records_selected as f64
    };
    println!(
        "{} records of {} persons -> {output}/{}",
        s.records_written, s.persons, s.file
    );
    println!(
        "k = {}: {} combinations of the quasi-identifiers, the smallest shared by {} persons; \
         {} of {} records left out ({share:.2} %)",
        s.k, s.combinations, s.smallest_combination, s.records_suppressed, s.records_selected
    );
    for q in &s.quasi_identifiers {
        println!(
            "  {}: level {} of {}, withheld in {} records",
            q.name, q.level, q.levels, q.withheld
        );
    }
    for (column, n) in &s.homogeneous_combinations {
        println!(
            "  {n} of {} combinations have a single {column} for all their records (l-diversity 1)",
            s.combinations
        );
    }
    println!("the pseudonyms are this extract's own: its key was not kept");
}
