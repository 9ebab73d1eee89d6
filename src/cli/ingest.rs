//! `nqs ingest DIR`: read, validate and add a folder of extracts to the lake.

use super::Global;
use anyhow::{Context, Result};
use nqs::ids::withhold_iins;
use nqs::ingest::{self, IngestOptions, IngestReport};
use nqs::pseudonym::Pseudonymiser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Folder with the extracts, laid out as the contracts' `files` patterns say.
    pub dir: PathBuf,
    /// Use the documented public key for the generated sample data (never for real data).
    #[arg(long)]
    pub sample: bool,
    /// Files checked and merged at a time (memory against speed).
    #[arg(long, default_value_t = ingest::CHUNK_FILES, hide = true)]
    pub chunk_files: usize,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let project = g.project()?;
    let report = ingest_dir(&project, &a)?;
    if g.json {
        g.print_json(&report)?;
    } else {
        print(&report, &project.lake_dir());
    }
    Ok(ExitCode::SUCCESS)
}

/// The ingest stage with a progress bar and the output folder locked.
pub fn ingest_dir(project: &nqs::project::Project, a: &Args) -> Result<IngestReport> {
    // The lock record names the command, with the input folder's name.
    let command = format!("nqs ingest {}", a.dir.display());
    let _lock = super::lock_output(project.output(), &withhold_iins(&command))?;
    let pseudonymiser = if a.sample {
        Pseudonymiser::sample()
    } else {
        Pseudonymiser::from_env()?
    };
    let bar = super::progress_bar("{spinner} ingest [{bar:30}] {pos}/{len} files {wide_msg}");
    let progress = |file: &str, done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(file.to_string());
    };
    let lake = project.lake_dir();
    let result = ingest::ingest(
        &project.catalog,
        &IngestOptions {
            input: &a.dir,
            lake: &lake,
            pseudonymiser: &pseudonymiser,
            chunk_files: a.chunk_files,
            chunk_bytes: ingest::chunk_bytes_for(project.memory_budget()?),
            progress: &progress,
        },
    );
    bar.finish_and_clear();
    result.with_context(|| {
        format!(
            "ingest of {} stopped; the lake at {} was left as it was",
            a.dir.display(),
            lake.display()
        )
    })
}

pub fn print(report: &IngestReport, lake: &Path) {
    let line = |name: &str, s: &ingest::SourceReport| {
        println!(
            "{:<22} {:>6} {:>6} {:>10} {:>10} {:>11} {:>8} {:>8}",
            name,
            s.files_ingested,
            s.files_unchanged,
            s.rows_read,
            s.accepted,
            s.quarantined,
            s.excluded.values().sum::<u64>(),
            s.flagged
        )
    };
    // Rows read = accepted + quarantined + excluded (left out by a contract's transform:
    // footnotes, total rows, another vintage).
    println!(
        "{:<22} {:>6} {:>6} {:>10} {:>10} {:>11} {:>8} {:>8}",
        "source", "files", "same", "rows read", "accepted", "quarantined", "excluded", "flagged"
    );
    for (id, s) in &report.sources {
        line(id, s);
    }
    line("total", &report.totals());
    let groups: Vec<(&String, &nqs::quarantine::ReasonCount)> = report
        .sources
        .iter()
        .flat_map(|(id, s)| s.reasons.iter().map(move |r| (id, r)))
        .collect();
    if !groups.is_empty() {
        println!("\nquarantined rows by source, column and reason code:");
        println!(
            "{:<22} {:<30} {:<15} {:>8}",
            "source", "column", "code", "rows"
        );
        // Reasons and examples were masked by the ingest; this is the last line of defence
        // for what reaches a terminal or a log file.
        for (id, r) in &groups {
            let column = if r.column.is_empty() {
                "(whole row)"
            } else {
                r.column.as_str()
            };
            println!(
                "{:<22} {:<30} {:<15} {:>8}",
                id,
                withhold_iins(column),
                r.code,
                r.rows
            );
        }
        println!("\nfirst quarantined rows:");
        for (id, s) in &report.sources {
            for e in &s.examples {
                println!("  {id}: {}", withhold_iins(e));
            }
        }
        println!(
            "every quarantined row, with file, row, column and value: {}",
            nqs::lake::quarantine_dir(lake).display()
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
