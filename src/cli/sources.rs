//! `nqs sources`: the declared sources.

use super::Global;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(g: &Global) -> Result<ExitCode> {
    let project = g.project()?;
    let contracts = &project.catalog.contracts;
    if g.json {
        let list: Vec<_> = contracts
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "provider": c.provider, "frequency": c.frequency,
                    "columns": c.columns.len(), "files": c.files,
                })
            })
            .collect();
        g.print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<22} {:<20} {:<12} {:>7}  files",
        "source", "provider", "frequency", "columns"
    );
    for c in contracts {
        println!(
            "{:<22} {:<20} {:<12} {:>7}  {}",
            c.id,
            c.provider,
            serde_json::to_value(c.frequency)?
                .as_str()
                .unwrap_or_default(),
            c.columns.len(),
            c.files.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
