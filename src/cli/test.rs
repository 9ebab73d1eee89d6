//! `nqs test`: the indicators' declared test cases, and with `--mutate` the check that they
//! catch mutants of each indicator's SQL.

use super::Global;
use anyhow::Result;
use nqs::indicator_tests::{self, TestError};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Only this indicator's cases.
    #[arg(long)]
    pub indicator: Option<String>,
    /// Also run every case against mutants of the SQL (flipped comparisons, negated filters);
    /// fails when an indicator's cases kill none of its mutants or miss its main filter's.
    #[arg(long)]
    pub mutate: bool,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let mut all = project.indicators()?;
    let shared = project.shared_sql()?;
    let files = indicator_tests::load_cases(&project.pipelines().join("indicators"), &all)?;
    if let Some(id) = &a.indicator {
        all.retain(|i| &i.header.id == id);
        if all.is_empty() {
            return Err(TestError::UnknownIndicator(id.clone()).into());
        }
    }
    let summary = indicator_tests::run(&project.catalog, &all, &shared, &files);
    println!("{summary}");
    let failed = summary.failed();
    if failed > 0 {
        return Err(TestError::Failed {
            failed,
            total: failed + summary.passed(),
        }
        .into());
    }
    if a.mutate {
        let m = indicator_tests::mutate(&project.catalog, &all, &shared, &files);
        println!("\n{m}");
        let weak: Vec<&str> = m
            .indicators
            .iter()
            .filter(|i| !i.bites())
            .map(|i| i.indicator.as_str())
            .collect();
        if !weak.is_empty() {
            return Err(TestError::Weak(weak.join(", ")).into());
        }
    }
    Ok(ExitCode::SUCCESS)
}
