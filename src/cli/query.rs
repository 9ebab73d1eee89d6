//! `nqs query "SQL"`: DuckDB over the published tables (or, with `--lake`, the lake too), in
//! the format a researcher's tool reads.

use super::Global;
use anyhow::Result;
use nqs::query::{Format, Scope};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The query, e.g. "select year, value from indicators where indicator_id = 'pass_rate'
    /// and breakdown = 'total'". Views: indicators, findings, the research extract's tables
    /// (recognitions, after `nqs extract`); with --lake, every lake source
    /// and quarantine too.
    pub query: String,
    /// How to write the result.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Write to FILE instead of the terminal (required for parquet and xlsx).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also see the lake (pseudonymised microdata: for the analysts' own work, never for
    /// publication).
    #[arg(long)]
    pub lake: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    /// Aligned columns for the terminal.
    Table,
    /// Comma-separated with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// Apache Parquet (needs --out).
    Parquet,
    /// An Excel workbook (needs --out).
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let scope = if a.lake {
        Scope::Lake
    } else {
        Scope::Published
    };
    let conn = nqs::query::open(&g.output, scope)?;
    let mut stdout = std::io::stdout().lock();
    let rows = nqs::query::write(
        &conn,
        &a.query,
        a.format.into(),
        a.out.as_deref(),
        &mut stdout,
    )
    .inspect_err(|e| {
        if !a.lake && e.to_string().starts_with("Catalog Error") {
            eprintln!(
                "note: the published views are {}; the lake's sources need --lake",
                nqs::query::PUBLISHED_TABLES.join(", ")
            );
        }
    })?;
    if let Some(path) = &a.out {
        eprintln!("{rows} rows written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
