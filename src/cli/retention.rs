//! `nqs retention --inbox DIR`: which raw extracts are past the declared retention period.

use super::Global;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The folder providers' extracts arrive in (as for `nqs yearly`).
    #[arg(long, env = "NQS_INBOX")]
    pub inbox: PathBuf,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    if !a.inbox.is_dir() {
        bail!(
            "the inbox {} does not exist: set --inbox (or NQS_INBOX) to the folder providers' extracts arrive in",
            a.inbox.display()
        );
    }
    let project = g.project()?;
    let as_of = g.as_of_or_today();
    let s = nqs::retention::assess(&project, &a.inbox, as_of)
        .with_context(|| format!("judging the extracts in {}", a.inbox.display()))?;
    if g.json {
        g.print_json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Raw extracts are kept {} months after the ingest that last read them ({}/{}).",
        s.keep_months,
        project.pipelines().display(),
        nqs::retention::FILE
    );
    println!("As of {as_of}, in {}:", s.inbox.display());
    if s.past.is_empty() {
        println!("  no file is past it");
    } else {
        println!(
            "  {} files past it: delete them (and any copies), and note the deletion in the record of processing",
            s.past.len()
        );
        for k in &s.past {
            println!(
                "    {}  ({}, ingested {}, kept until {})",
                k.file, k.source, k.ingested, k.kept_until
            );
        }
    }
    println!("  {} files within it", s.within.len());
    if !s.not_in_lake.is_empty() {
        println!(
            "  {} files the lake does not hold as they are (not ingested yet, changed since, or claimed by no contract): not judged, but they may hold personal data too",
            s.not_in_lake.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
