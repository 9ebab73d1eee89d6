//! nqs: the engine behind the annual analysis of Kazakhstan's National Qualifications System.
//!
//! One module per stage of the data's path: `contract` (what sources look like), `ingest`
//! (reading extracts), `validate` (row checks), `lake` (the Parquet store), `sql` (DuckDB over
//! the lake), `run` (indicators, disclosure control, findings), `report` (the PDFs),
//! `schedule` and `calendar` (the Rules' deadlines). A [`project::Project`] is opened once and
//! each stage is one function taking it and a [`period::Period`]:
//! [`ingest::ingest`], [`run::run`], [`report::report`], [`publish::publish`],
//! [`schedule::assess`], [`connection::connect`] (DuckDB prepared as the indicators see it).
//! The binary only parses arguments, calls one stage and prints its typed summary.
//!
//! Imports point one way, from the CLI down (`scripts/check_imports.py`, run by `make lint`):
//! `publish` above `report`; `report`, `run` and `extract` above `outputs` (SDMX, catalogue,
//! dictionary), `connection` (the shared DuckDB connection and the run record) and `edition`
//! (the read-only store of published editions); `project` below them all.

pub mod atomic;
pub mod calendar;
pub mod charts;
pub mod connection;
pub mod contract;
pub mod dictionary;
pub mod disclosure;
pub mod edition;
pub mod extract;
pub mod findings;
pub mod generate;
pub mod grammar;
pub mod ids;
pub mod indicator_tests;
pub mod indicators;
pub mod infer;
pub mod ingest;
pub mod lake;
pub mod lock;
pub mod outputs;
pub mod period;
pub mod project;
pub mod pseudonym;
pub mod publish;
pub mod quarantine;
pub mod query;
pub mod report;
pub mod retention;
pub mod run;
pub mod schedule;
pub mod sdmx;
pub mod sql;
pub mod validate;
