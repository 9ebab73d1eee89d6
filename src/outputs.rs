//! The files that describe a year's published tables, written after the tables themselves: the
//! indicators in SDMX, the DuckDB catalogue over every year's tables (`output/nqs.duckdb`) and
//! the data dictionary with its data package. `nqs run` writes them all; `nqs extract` rewrites
//! the catalogue and the dictionary so they take the research extract in. Both call here, so
//! what a year's folder holds is decided in one place and the stages need not know each other.

use crate::dictionary::DictionaryError;
use crate::indicators::{Indicator, Row};
use crate::period::Period;
use crate::project::Project;
use crate::query::QueryError;
use crate::sdmx::SdmxError;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum OutputsError {
    #[error("writing the indicators as SDMX")]
    Sdmx(#[from] SdmxError),
    #[error("writing the DuckDB catalogue of the published tables")]
    Catalogue(#[from] QueryError),
    #[error("writing the data dictionary")]
    Dictionary(#[from] DictionaryError),
}

/// After `nqs run` has written the tables of `period.year` (`rows` of `indicators`) into
/// `dir`: the catalogue, the SDMX files and the dictionary, in that order.
pub fn write(
    project: &Project,
    period: &Period,
    dir: &Path,
    rows: &[Row],
    indicators: &[Indicator],
) -> Result<(), OutputsError> {
    crate::query::write_catalogue(project.output())?;
    crate::sdmx::write(project, period, dir, rows, indicators)?;
    crate::dictionary::write_all(project, period.year)?;
    Ok(())
}

/// After `nqs extract` has written the research extract of `year`: the catalogue (so it has a
/// view of the extract) and the dictionary (so it describes it). Before the year's `nqs run`
/// there is no dictionary to refresh, and that run will include the extract: not an error.
pub fn refresh(project: &Project, year: i32) -> Result<(), OutputsError> {
    crate::query::write_catalogue(project.output())?;
    match crate::dictionary::write_all(project, year) {
        Ok(_) | Err(DictionaryError::NotRun { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
