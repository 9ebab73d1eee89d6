//! `nqs run --year Y`: the year's indicators, disclosure control and findings.

use super::Global;
use anyhow::Result;
use nqs::disclosure::Rule;
use nqs::run::RunSummary;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The report year; the four years before it are computed too, for trends.
    #[arg(long)]
    pub year: i32,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let summary = run_year(&project, g, a.year)?;
    if g.json {
        g.print_json(&summary)?;
    } else {
        print(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// The run stage with a progress bar and the output folder locked.
pub fn run_year(project: &nqs::project::Project, g: &Global, year: i32) -> Result<RunSummary> {
    let _lock = super::lock_output(project.output(), &format!("nqs run --year {year}"))?;
    let period = g.period(Some(year));
    let bar = super::progress_bar("{spinner} run [{bar:30}] {pos}/{len} {wide_msg}");
    let result = nqs::run::run(project, &period, &|id, i, n| {
        bar.set_length(n as u64);
        bar.set_position(i as u64);
        bar.set_message(id.to_string());
    });
    bar.finish_and_clear();
    Ok(result?)
}

pub fn print(s: &RunSummary) {
    println!(
        "{} indicators for {}–{} as of {}, {} values ({} withheld) -> {}",
        s.indicators,
        s.first_year,
        s.period.year,
        s.period.as_of,
        s.values,
        s.withheld,
        s.dir.join("indicators.parquet").display()
    );
    println!(
        "withheld of {} cells ({} counting persons, {} relations derived from the units): \
         {} primary (1-4 persons), {} primary (0 %/100 % over a small group), \
         {} secondary (Gaussian elimination), {} secondary (protection interval)",
        s.disclosure.cells,
        s.disclosure.person_cells,
        s.disclosure.relations,
        s.withheld_by(Rule::SmallCount),
        s.withheld_by(Rule::Attribute),
        s.withheld_by(Rule::SecondaryLinear),
        s.withheld_by(Rule::SecondaryInterval),
    );
    let differencing = s.withheld_by(Rule::EditionDifference);
    if differencing > 0 {
        println!(
            "withheld: {differencing} counts that differ from a published edition's by 1-4 persons"
        );
    }
    if !s.slowest.is_empty() {
        let slowest: Vec<String> = s
            .slowest
            .iter()
            .map(|t| format!("{} {:.1} s", t.id, t.seconds))
            .collect();
        println!(
            "indicator queries: {:.1} s; slowest: {}",
            s.indicator_seconds,
            slowest.join(", ")
        );
    }
    let d = &s.disclosure_time;
    println!(
        "disclosure control: {:.1} s ({} units in {} profiles: profiles {:.1} s, \
         representatives' cells {:.1} s; suppression {:.1} s)",
        d.seconds(),
        d.units.units,
        d.units.profiles,
        d.units.profile_seconds,
        d.units.unit_seconds,
        d.suppression_seconds
    );
    let dropped = s.withheld_by(Rule::BreakdownOfSmallTotal);
    if dropped > 0 {
        println!("not published: {dropped} breakdown cells of totals under 5 persons");
    }
    if !s.secondary_suppression {
        eprintln!(
            "warning: secondary suppression is off (pipelines/disclosure.toml): \
             these tables are NOT safe to publish"
        );
    }
    for weak in &s.disclosure.unprotected {
        eprintln!("warning: could not reach the protection level for {weak}");
    }
    println!(
        "{} problem issues, {} recommendations, {} current-state sentences -> {}",
        s.problems,
        s.recommendations,
        s.state_sentences,
        s.dir.join("findings.json").display()
    );
}
