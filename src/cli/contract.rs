//! `nqs contract`: draft a source contract from a file, and try a file against a contract
//! without touching the lake.

use super::Global;
use anyhow::{Context, Result, bail};
use nqs::infer::{InferOptions, infer};
use nqs::ingest::{FileCheck, check_only};
use nqs::pseudonym::Pseudonymiser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Args {
    /// Draft a contract (TOML, on stdout) from one file: encoding, header row, types, codes,
    /// candidate keys. Read it, name the key and the provider, save it as
    /// pipelines/sources/<ID>.toml, then try it with `nqs contract check`.
    Infer {
        /// The file to draft from (CSV, XLSX or JSON), as the provider sent it.
        file: PathBuf,
        /// The source id (default: the file name without extension and year).
        #[arg(long)]
        id: Option<String>,
        /// The provider, an id of pipelines/providers.toml.
        #[arg(long)]
        provider: Option<String>,
    },
    /// How each row of FILE would fare under source ID's contract, without writing anything:
    /// accepted, quarantined (with reasons and row numbers), excluded by the transform.
    Check {
        /// The file to try (CSV, XLSX or JSON), as the provider sent it.
        file: PathBuf,
        /// The source whose contract (pipelines/sources/<ID>.toml) the file is tried against.
        #[arg(long = "source", value_name = "ID")]
        source: String,
        /// Check references to other sources against this lake (default: the output's lake
        /// when it exists).
        #[arg(long)]
        lake: Option<PathBuf>,
    },
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    match a {
        Args::Infer { file, id, provider } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let id = id.unwrap_or_else(|| default_id(&file));
            let draft = infer(
                &file,
                &bytes,
                &InferOptions {
                    id: &id,
                    provider: provider.as_deref(),
                },
            )?;
            if g.json {
                g.print_json(&draft)?;
            } else {
                print!("{}", draft.toml);
                eprintln!(
                    "drafted `{id}` from {} rows; save it as {}/sources/{id}.toml and run \
                     `nqs contract check {} --source {id}`",
                    draft.rows,
                    g.pipelines.display(),
                    file.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Args::Check { file, source, lake } => {
            // Only the contracts are needed: a folder holding a drafted contract and the code
            // lists is enough.
            let catalog = nqs::contract::Catalog::load(&g.pipelines).with_context(|| {
                format!(
                    "cannot load the source contracts from {}",
                    g.pipelines.display()
                )
            })?;
            let Some(contract) = catalog.contract(&source) else {
                let known: Vec<&str> = catalog.contracts.iter().map(|c| c.id.as_str()).collect();
                bail!(
                    "no source `{source}` in {}/sources (declared: {})",
                    g.pipelines.display(),
                    known.join(", ")
                );
            };
            let lake = lake.unwrap_or_else(|| g.output.join("lake"));
            let lake = lake.exists().then_some(lake);
            let check = check_only(
                &catalog,
                contract,
                &file,
                lake.as_deref(),
                &Pseudonymiser::ephemeral(),
            )
            .with_context(|| format!("{} cannot be checked as `{source}`", file.display()))?;
            if g.json {
                g.print_json(&check)?;
            } else {
                print(&check);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `vacancies_2025.csv` → `vacancies`: the name without its extension and a trailing year.
fn default_id(file: &std::path::Path) -> String {
    let stem = file
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().to_lowercase());
    let trimmed = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-');
    let id: String = trimmed
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() {
        "new_source".into()
    } else {
        id
    }
}

fn print(c: &FileCheck) {
    let excluded: u64 = c.excluded.values().sum();
    println!(
        "{} as `{}`: {} rows read, {} excluded by the transform; of the rest, {} accepted ({:.1} %), {} quarantined; {} flagged",
        c.file,
        c.source,
        c.rows_read,
        excluded,
        c.accepted,
        c.accepted_share() * 100.0,
        c.quarantined,
        c.flagged
    );
    if let Some(e) = &c.encoding {
        println!("encoding: {e}");
    }
    for (step, n) in &c.excluded {
        println!("excluded by transform.{step}: {n}");
    }
    if !c.missing_columns.is_empty() {
        println!(
            "declared columns not in the file: {}",
            c.missing_columns.join(", ")
        );
    }
    if !c.ignored_columns.is_empty() {
        println!(
            "file columns not declared (ignored): {}",
            c.ignored_columns.join(", ")
        );
    }
    if !c.unchecked_references.is_empty() {
        println!(
            "references not checked (no lake holds them): {}",
            c.unchecked_references.join(", ")
        );
    }
    if !c.reasons.is_empty() {
        println!("\nquarantined by column and reason code:");
        for r in &c.reasons {
            let column = if r.column.is_empty() {
                "(whole row)"
            } else {
                r.column.as_str()
            };
            println!("  {:<30} {:<15} {:>8}", column, r.code.as_str(), r.rows);
        }
        println!("\nfirst quarantined rows:");
        for e in &c.examples {
            println!("  {e}");
        }
    }
}
