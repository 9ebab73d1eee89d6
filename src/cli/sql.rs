//! `nqs sql "QUERY"`: DuckDB over the lake, printed tab-separated.

use super::Global;
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The query, e.g. "select region, count(*) from recognition_results group by 1".
    pub query: String,
    /// Also prepare what indicators read for this report year (judged as of --as-of):
    /// `report_years`, `getvariable('report_year')`, the code lists, the deadline tables and
    /// the shared SQL layer.
    #[arg(long)]
    pub year: Option<i32>,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let conn = match a.year {
        Some(year) => nqs::run::connect(&g.project()?, &g.period(Some(year)))?,
        None => nqs::sql::open_lake(&g.output.join("lake"))?,
    };
    let (header, rows) = nqs::sql::query_text(&conn, &a.query)?;
    let mut out = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_writer(std::io::stdout());
    if !header.is_empty() {
        out.write_record(&header)?;
    }
    for r in rows {
        out.write_record(&r)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
