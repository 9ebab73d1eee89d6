//! The research notebooks (`notebooks/*.ipynb`): committed without outputs, and every one of them
//! executed with nbclient (`tests/run_notebooks.py`, in the Python environment `scripts/setup.sh`
//! makes) over fresh outputs of the committed sample, made by the real binary: an ingest and
//! `nqs run` for every year 2022..2026, so the latest edition's five-year window is complete and
//! the catalogue `nqs.duckdb` unites five editions; and `nqs extract --year 2026`. A cell that raises (the notebooks assert
//! their answers against the published tables) fails the test.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

const YEARS: [i32; 5] = [2022, 2023, 2024, 2025, 2026];

/// One ingest, five runs and the 2026 research extract of the sample for every test in this
/// file.
fn output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = sample_output("notebooks", &YEARS);
        let o = nqs(&dir, &["extract", "--year", "2026"]);
        assert!(o.status.success(), "nqs extract: {}", stderr(&o));
        dir
    })
}

/// Every committed notebook, by name.
fn notebooks() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(project_root().join("notebooks"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ipynb"))
        .collect();
    found.sort();
    found
}

fn notebook(name: &str) -> PathBuf {
    let path = project_root().join("notebooks").join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

/// Runs `tests/run_notebooks.py` on `notebooks` with `NQS_OUTPUT` at the sample's output, the
/// charts written to `to/figures` and the executed notebooks to `to/executed`, and `env` on top
/// (the notebooks' other variables unset).
fn execute(notebooks: &[PathBuf], to: &Path, env: &[(&str, &str)]) -> Output {
    let py = python();
    let mut cmd = std::process::Command::new(&py);
    cmd.arg(project_root().join("tests/run_notebooks.py"))
        .arg("--executed")
        .arg(to.join("executed"))
        .args(notebooks)
        .env("NQS_OUTPUT", output())
        .env("NQS_FIGURES", to.join("figures"))
        .env_remove("NQS_YEAR")
        .env_remove("NQS_EXTRACT")
        .env_remove("NQS_PIPELINES");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("{} (run `make setup`): {e}", py.display()))
}

fn report(o: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o))
}

/// What an executed notebook printed and showed (streams and plain-text results), cell by cell.
fn printed(executed: &Path) -> String {
    let nb: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(executed)
            .unwrap_or_else(|e| panic!("{}: {e}", executed.display())),
    )
    .unwrap();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
        v => v.as_str().unwrap_or_default().to_string(),
    };
    let mut out = String::new();
    for cell in nb["cells"].as_array().unwrap() {
        for o in cell["outputs"].as_array().into_iter().flatten() {
            out += &text(&o["text"]);
            out += &text(&o["data"]["text/plain"]);
            out.push('\n');
        }
    }
    out
}

/// A PNG file of some size.
fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
        "{} is not a chart ({} bytes)",
        path.display(),
        bytes.len()
    );
}

#[test]
fn committed_notebooks_have_no_outputs() {
    let found = notebooks();
    let names: Vec<String> = found
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "1_regional_pass_rates.ipynb",
        "2_occupations_in_demand.ipynb",
        "3_certificates_trend.ipynb",
        "lake_quickstart.ipynb",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let mut dirty = Vec::new();
    for path in &found {
        let nb: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cells = nb["cells"].as_array().expect("a notebook has cells");
        for (i, cell) in cells.iter().enumerate() {
            if cell["cell_type"] != "code" {
                continue;
            }
            let outputs = cell["outputs"].as_array().map(Vec::len);
            if outputs != Some(0) || !cell["execution_count"].is_null() {
                dirty.push(format!(
                    "{} cell {i}: {:?} outputs, execution_count {}",
                    path.file_name().unwrap().to_string_lossy(),
                    outputs,
                    cell["execution_count"]
                ));
            }
        }
    }
    assert!(
        dirty.is_empty(),
        "commit the notebooks without outputs (Kernel > Restart & Clear Output, or \
         `jupyter nbconvert --clear-output --inplace notebooks/*.ipynb`):\n{}",
        dirty.join("\n")
    );
}

/// Every notebook runs to the end on the published tables; notebook 1's extract part is left
/// out explicitly (`NQS_EXTRACT` empty) — `notebook_1_compares_the_research_extract` runs it.
#[test]
fn notebooks_run_on_fresh_outputs_of_the_sample() {
    let to = output().join("published-only");
    let all = notebooks();
    let o = execute(&all, &to, &[("NQS_EXTRACT", "")]);
    assert!(o.status.success(), "{}", report(&o));
    let ok = stdout(&o).lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(ok, all.len(), "{}", report(&o));
    for chart in [
        "1_regional_pass_rates_2026.png",
        "2_occupations_in_demand_2026.png",
        "3_certificates_trend_2026.png",
    ] {
        assert_png(&to.join("figures").join(chart));
    }
    // The answers are those of the 2026 edition, the trend over its five years.
    let executed = to.join("executed");
    let one = printed(&executed.join("1_regional_pass_rates.ipynb"));
    assert!(one.contains("2026: national pass rate"), "{one}");
    assert!(one.contains("the extract part is left out"), "{one}");
    let three = printed(&executed.join("3_certificates_trend.ipynb"));
    assert!(three.contains("5 years: 2022..2026"), "{three}");
}

/// The runner does fail: a notebook whose cell raises is reported with its traceback.
#[test]
fn the_runner_fails_when_a_cell_raises() {
    let dir = output().join("failing-notebook");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fails.ipynb");
    let nb = serde_json::json!({
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
             "source": "import os\nprint(os.environ['NQS_OUTPUT'])", "id": "a"},
            {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
             "source": "assert 1 + 1 == 3, 'the published cell differs'", "id": "b"}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5
    });
    std::fs::write(&path, nb.to_string()).unwrap();
    let o = execute(&[path], &dir, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", report(&o));
    assert!(
        stderr(&o).contains("AssertionError") && stderr(&o).contains("the published cell differs"),
        "{}",
        report(&o)
    );
}

/// Notebook 1 with the research extract of `nqs extract --year 2026` at its default place
/// (`output/2026/research/recognitions.parquet`): the extract's pass rates by region against the
/// published ones. A missing extract fails the notebook rather than skipping the comparison.
#[test]
fn notebook_1_compares_the_research_extract() {
    assert!(
        output()
            .join("2026/research/recognitions.parquet")
            .is_file()
    );
    let to = output().join("with-extract");
    let o = execute(&[notebook("1_regional_pass_rates.ipynb")], &to, &[]);
    assert!(o.status.success(), "{}", report(&o));
    assert!(stdout(&o).contains("ok "), "{}", report(&o));
    assert_png(&to.join("figures/1_regional_pass_rates_2026.png"));
    let one = printed(&to.join("executed/1_regional_pass_rates.ipynb"));
    assert!(one.contains("regions in both"), "{one}");
    assert!(!one.contains("the extract part is left out"), "{one}");
}
