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
                    "shape": shape(c),
                })
            })
            .collect();
        g.print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<22} {:<20} {:<12} {:>7}  {:<28} shape",
        "source", "provider", "frequency", "columns", "files"
    );
    for c in contracts {
        println!(
            "{:<22} {:<20} {:<12} {:>7}  {:<28} {}",
            c.id,
            c.provider,
            serde_json::to_value(c.frequency)?
                .as_str()
                .unwrap_or_default(),
            c.columns.len(),
            c.files.join(", "),
            shape(c).join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What a contract declares about its files' shape, in the contract's own words.
fn shape(c: &nqs::contract::Contract) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = c.encoding {
        out.push(format!("encoding {}", e.name()));
    }
    if let Some(s) = &c.sheet {
        out.push(s.to_string());
    }
    if let Some(n) = c.header_row {
        out.push(format!("header_row {n}"));
    }
    if let Some(n) = c.header_rows.filter(|n| *n > 1) {
        out.push(format!("header_rows {n}"));
    }
    if let Some(p) = c.two_digit_year_pivot {
        out.push(format!("two_digit_year_pivot {p}"));
    }
    if let Some(t) = &c.transform {
        let steps = [
            t.stop_at.as_ref().map(|_| "stop_at"),
            t.unpivot.as_ref().map(|_| "unpivot"),
            (!t.derive.is_empty()).then_some("derive"),
            t.filter.as_ref().map(|_| "filter"),
        ];
        let steps: Vec<&str> = steps.into_iter().flatten().collect();
        if !steps.is_empty() {
            out.push(format!("transform: {}", steps.join(" ")));
        }
    }
    out
}
