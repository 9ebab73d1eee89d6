//! nqs: the engine behind the annual analysis of Kazakhstan's National Qualifications System.
//!
//! One module per stage of the data's path: `contract` (what sources look like), `ingest`
//! (reading extracts), `validate` (row checks), `lake` (the Parquet store), `sql` (DuckDB over
//! the lake). The binary in `main.rs` only parses arguments and dispatches.

pub mod calendar;
pub mod charts;
pub mod contract;
pub mod disclosure;
pub mod findings;
pub mod generate;
pub mod ids;
pub mod indicator_tests;
pub mod indicators;
pub mod ingest;
pub mod lake;
pub mod lock;
pub mod pseudonym;
pub mod report;
pub mod schedule;
pub mod sql;
pub mod validate;
