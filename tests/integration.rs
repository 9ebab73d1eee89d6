//! The integration tests: the real binary (`CARGO_BIN_EXE_nqs`) on small fixtures, one module per
//! file of this folder. They are one test binary, not one per file, because each binary links
//! polars and DuckDB: about 660 MB and most of a minute of linking apiece on two cores, thirty
//! times over. `cargo test --test integration sdmx::` runs one file's tests. The property tests
//! (`fuzz.rs`) stay a binary of their own for `scripts/fuzz.sh`.

mod common;

mod bad_inputs;
mod break_cases;
mod crash;
mod determinism;
mod dictionary;
mod disclosure;
mod disclosure_audit;
mod dist;
mod editions;
mod encodings_and_dates;
mod engine;
mod errors;
mod extract;
mod findings;
mod grammar;
mod indicator_tests;
mod ingest;
mod lake_readers;
mod layout;
mod notebooks;
mod privacy;
mod published;
mod query;
mod real_classifiers;
mod retention;
mod run;
mod sample;
mod schedule;
mod sdmx;
mod shapes;
