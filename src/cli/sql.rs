//! `nqs sql "QUERY"`: DuckDB over the lake, printed tab-separated.

use super::Global;
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The query, e.g. "select region, count(*) from recognition_results group by 1".
    #[arg(required_unless_present = "export_setup")]
    pub query: Option<String>,
    /// Also prepare what indicators read for this report year (judged as of --as-of):
    /// `report_years`, `getvariable('report_year')`, the code lists, the deadline tables and
    /// the shared SQL layer.
    #[arg(long)]
    pub year: Option<i32>,
    /// Instead of querying, write DIR/setup.sql (and the Parquet files it loads) that
    /// recreates what `--year` prepares in any DuckDB of the same version, to run the
    /// indicators' SQL outside nqs (`make bench` times DuckDB alone with it).
    #[arg(long, value_name = "DIR", requires = "year")]
    pub export_setup: Option<std::path::PathBuf>,
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    if let (Some(dir), Some(year)) = (&a.export_setup, a.year) {
        let script = nqs::connection::export_setup(&g.project()?, &g.period(Some(year)), dir)?;
        println!("{}", script.display());
        return Ok(ExitCode::SUCCESS);
    }
    let query = a.query.unwrap_or_default();
    let conn = match a.year {
        Some(year) => nqs::connection::connect(&g.project()?, &g.period(Some(year)))?,
        None => nqs::sql::open_lake(&g.output.join("lake"))?,
    };
    let (header, rows) = nqs::sql::query_text(&conn, &query)?;
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
