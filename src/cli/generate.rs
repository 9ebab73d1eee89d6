//! `nqs generate`: a realistic, deterministic sample data set.

use super::Global;
use anyhow::{Context, Result};
use nqs::generate::{GenerateOptions, Scale};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// `small` (a few MB, the committed sample) or `national` (1,000,000+ results a year).
    #[arg(long, default_value = "small")]
    scale: Scale,
    /// Years to cover, e.g. 2022..2026.
    #[arg(long, value_parser = parse_years)]
    years: (i32, i32),
    #[arg(long)]
    out: PathBuf,
}

/// Leaves out what would be received after `--as-of` (default: 20 November of the last year).
pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let bar = super::progress_bar("{spinner} generate {msg} [{bar:30}] {pos}/{len}");
    let summary = nqs::generate::generate(
        &GenerateOptions {
            seed: a.seed,
            scale: a.scale,
            first_year: a.years.0,
            last_year: a.years.1,
            as_of: g.as_of,
            out: a.out.clone(),
        },
        &|stage, done, total| {
            bar.set_message(stage.to_string());
            bar.set_length(total);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    let summary = summary.with_context(|| format!("generating into {}", a.out.display()))?;
    if g.json {
        g.print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: u64 = summary.rows.values().sum();
    let bad: u64 = summary.bad_rows.values().flat_map(|m| m.values()).sum();
    println!(
        "{} files, {:.1} MB, {rows} rows of which {bad} deliberately bad -> {}",
        summary.files.len(),
        summary.bytes as f64 / 1e6,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_years(text: &str) -> Result<(i32, i32), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}`: expected FIRST..LAST, e.g. 2022..2026"))?;
    let a: i32 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}` is not a year"))?;
    let b: i32 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}` is not a year"))?;
    if a > b {
        return Err(format!("{a} comes after {b}"));
    }
    Ok((a, b))
}
