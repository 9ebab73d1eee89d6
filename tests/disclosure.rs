//! A disclosure audit of what `nqs run` publishes, read as an attacker reads it: only the
//! published table (`indicators.parquet`, its XLSX twin), the relations the methodology states
//! (written below from the indicator definitions) and `pipelines/disclosure.toml`, never the
//! engine's internals.
//!
//! The attacker knows every published value, every declared relation (the `adds_up`,
//! `same_as` and `stock_flow` equalities and the `covers` inequalities), that counts are not
//! negative, that a share's numerator is at most its denominator, and — from the SDMX flag —
//! that a primary-confidential count lies in 1..4. For each group of persons of each primary
//! cell (a count; a rate's numerator and denominator; a share's complement) they bound it by
//! linear programming (microlp). The declared protection level: the interval must reach 5
//! (the group may be large) or cover the whole range 1–4.

use crate::common::{nqs, project_root, stderr};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone)]
struct Published {
    id: String,
    year: i32,
    breakdown: String,
    value_of: String,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    conf: String,
}

fn read_table(path: &Path) -> Vec<Published> {
    let df = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let f = |n: &str| df.column(n).unwrap().f64().unwrap().clone();
    let (id, b, bv, conf) = (
        s("indicator_id"),
        s("breakdown"),
        s("breakdown_value"),
        s("conf_status"),
    );
    let (v, n, d) = (f("value"), f("numerator"), f("denominator"));
    let year = df.column("year").unwrap().i32().unwrap().clone();
    (0..df.height())
        .map(|i| Published {
            id: id.get(i).unwrap().into(),
            year: year.get(i).unwrap(),
            breakdown: b.get(i).unwrap().into(),
            value_of: bv.get(i).unwrap().into(),
            value: v.get(i),
            numerator: n.get(i),
            denominator: d.get(i),
            conf: conf.get(i).unwrap().into(),
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Q {
    Value,
    Num,
    Den,
}

type Cell = (String, i32, String, String);
/// A linear form over quantities (cell, part).
type Form = Vec<((Cell, Q), f64)>;

/// The attacker's view: quantities (cell, part) known or unknown, and the relations over them.
struct View {
    unit: BTreeMap<String, String>,
    cells: BTreeMap<Cell, Published>,
    known: BTreeMap<(Cell, Q), f64>,
    unknown: BTreeMap<(Cell, Q), (f64, f64)>,
    relations: Vec<(Form, bool)>,
}

fn parts(unit: &str) -> &'static [Q] {
    if unit == "count" {
        &[Q::Value]
    } else {
        &[Q::Num, Q::Den]
    }
}

/// What the published methodology (the indicator definitions) tells a reader about how the
/// cells relate: written here from the definitions, not read from the engine, which derives
/// its own model from the units.
#[derive(Default)]
struct Rel {
    adds_up: Vec<String>,
    covers: Vec<String>,
    same_as: Vec<SameAs>,
    stock_flow: Option<StockFlow>,
}

struct SameAs {
    part: Q,
    indicator: String,
    other_part: Q,
    breakdowns: Vec<String>,
}

struct StockFlow {
    inflows: Vec<String>,
    outflows: Vec<String>,
}

fn methodology(id: &str) -> Rel {
    let list = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let same = |part, indicator: &str, other_part, breakdowns: &[&str]| SameAs {
        part,
        indicator: indicator.into(),
        other_part,
        breakdowns: list(breakdowns),
    };
    let all = [
        "region",
        "nqf_level",
        "sex",
        "age_band",
        "referral",
        "sector",
    ];
    match id {
        "candidates_absent_share" => Rel {
            adds_up: list(&["region", "referral"]),
            ..Rel::default()
        },
        "candidates_assessed" | "candidates_passed" => Rel {
            covers: list(&all),
            ..Rel::default()
        },
        "certificates_issued" => Rel {
            adds_up: list(&["nqf_level", "sector", "region"]),
            ..Rel::default()
        },
        "certificates_issued_share_of_passed" => Rel {
            adds_up: list(&["region"]),
            same_as: vec![same(Q::Den, "recognition_pass_rate", Q::Num, &[])],
            ..Rel::default()
        },
        "certificates_revoked" => Rel {
            adds_up: list(&["category"]),
            ..Rel::default()
        },
        "certificates_valid_year_end" => Rel {
            adds_up: list(&["nqf_level"]),
            stock_flow: Some(StockFlow {
                inflows: list(&["certificates_issued"]),
                outflows: list(&["certificates_revoked"]),
            }),
            ..Rel::default()
        },
        "employer_referral_share" => Rel {
            adds_up: list(&["region", "nqf_level", "sector"]),
            same_as: vec![same(Q::Den, "candidates_absent_share", Q::Den, &[])],
            ..Rel::default()
        },
        "median_days_application_to_decision" => Rel {
            adds_up: list(&["region", "nqf_level"]),
            same_as: vec![same(Q::Den, "recognition_pass_rate", Q::Den, &[])],
            ..Rel::default()
        },
        "recognition_pass_rate" => Rel {
            adds_up: list(&all),
            ..Rel::default()
        },
        "recognitions_per_10k_employed" => Rel {
            adds_up: list(&["region"]),
            ..Rel::default()
        },
        "repeat_candidates_share" => Rel {
            adds_up: list(&["sex", "referral"]),
            same_as: vec![same(Q::Den, "candidates_assessed", Q::Value, &["total"])],
            ..Rel::default()
        },
        _ => Rel::default(),
    }
}

fn view(table: &[Published], pipelines: &Path) -> View {
    let catalog = nqs::contract::Catalog::load(pipelines).unwrap();
    let indicators = nqs::indicators::load(&pipelines.join("indicators"), &catalog).unwrap();
    let person: BTreeMap<String, &nqs::indicators::Indicator> = indicators
        .iter()
        .filter(|i| i.header.counts_persons)
        .map(|i| (i.header.id.clone(), i))
        .collect();
    let unit: BTreeMap<String, String> = person
        .iter()
        .map(|(k, i)| {
            let u = serde_json::to_value(i.header.unit).unwrap();
            (k.clone(), u.as_str().unwrap().to_string())
        })
        .collect();
    let mut v = View {
        unit,
        cells: BTreeMap::new(),
        known: BTreeMap::new(),
        unknown: BTreeMap::new(),
        relations: Vec::new(),
    };
    for p in table.iter().filter(|p| person.contains_key(&p.id)) {
        let cell: Cell = (
            p.id.clone(),
            p.year,
            p.breakdown.clone(),
            p.value_of.clone(),
        );
        let u = v.unit[&p.id].clone();
        for &q in parts(&u) {
            let x = match q {
                Q::Value => p.value,
                Q::Num => p.numerator,
                Q::Den => p.denominator,
            };
            match (p.conf.as_str(), x) {
                ("F", Some(x)) => {
                    v.known.insert((cell.clone(), q), x);
                }
                ("F", None) => {}
                ("C", _) if u == "count" => {
                    v.unknown.insert((cell.clone(), q), (1.0, 4.0));
                }
                _ => {
                    v.unknown.insert((cell.clone(), q), (0.0, f64::INFINITY));
                }
            }
        }
        if p.conf != "F" && u == "percent" {
            v.relations.push((
                vec![
                    ((cell.clone(), Q::Num), 1.0),
                    ((cell.clone(), Q::Den), -1.0),
                ],
                false,
            ));
        }
        v.cells.insert(cell, p.clone());
    }
    let has = |v: &View, c: &Cell, q: Q| {
        v.known.contains_key(&(c.clone(), q)) || v.unknown.contains_key(&(c.clone(), q))
    };
    let years: BTreeSet<i32> = table.iter().map(|p| p.year).collect();
    for (id, ind) in &person {
        let _ = ind;
        let rel = &methodology(id);
        let u = v.unit[id].clone();
        let of = |v: &View, year: i32, b: &str| -> Vec<Cell> {
            v.cells
                .keys()
                .filter(|c| &c.0 == id && c.1 == year && c.2 == b)
                .cloned()
                .collect()
        };
        for (list, eq) in [(&rel.adds_up, true), (&rel.covers, false)] {
            for b in list {
                for &y in &years {
                    let total: Cell = (id.clone(), y, "total".into(), "total".into());
                    for &q in parts(&u) {
                        if !has(&v, &total, q) {
                            continue;
                        }
                        let members: Vec<Cell> =
                            of(&v, y, b).into_iter().filter(|c| has(&v, c, q)).collect();
                        if members.is_empty() {
                            continue;
                        }
                        let mut terms = vec![((total.clone(), q), 1.0)];
                        terms.extend(members.iter().map(|c| ((c.clone(), q), -1.0)));
                        v.relations.push((terms, eq));
                        if !eq {
                            for m in &members {
                                v.relations.push((
                                    vec![((m.clone(), q), 1.0), ((total.clone(), q), -1.0)],
                                    false,
                                ));
                            }
                        }
                    }
                }
            }
        }
        for link in &rel.same_as {
            let mine: Vec<Cell> = v.cells.keys().filter(|c| &c.0 == id).cloned().collect();
            for c in mine {
                if !link.breakdowns.is_empty() && !link.breakdowns.contains(&c.2) {
                    continue;
                }
                let o: Cell = (link.indicator.clone(), c.1, c.2.clone(), c.3.clone());
                let (a, z) = (link.part, link.other_part);
                if has(&v, &c, a) && has(&v, &o, z) {
                    v.relations
                        .push((vec![((c.clone(), a), 1.0), ((o, z), -1.0)], true));
                }
            }
        }
        if let Some(sf) = &rel.stock_flow {
            let flows: Vec<(&String, f64)> = sf
                .inflows
                .iter()
                .map(|f| (f, -1.0))
                .chain(sf.outflows.iter().map(|f| (f, 1.0)))
                .collect();
            let mine: Vec<Cell> = v.cells.keys().filter(|c| &c.0 == id).cloned().collect();
            for now in mine {
                let shared = flows
                    .iter()
                    .all(|(f, _)| person[f.as_str()].header.breakdowns.contains(&now.2));
                let before: Cell = (id.clone(), now.1 - 1, now.2.clone(), now.3.clone());
                if !shared || !v.cells.contains_key(&before) {
                    continue;
                }
                let mut terms = vec![((now.clone(), Q::Value), 1.0), ((before, Q::Value), -1.0)];
                let mut complete = true;
                for (f, coef) in &flows {
                    let c: Cell = ((*f).clone(), now.1, now.2.clone(), now.3.clone());
                    let publishes_breakdown = v
                        .cells
                        .keys()
                        .any(|k| &k.0 == *f && k.1 == now.1 && k.2 == now.2);
                    if v.cells.contains_key(&c) {
                        terms.push(((c, Q::Value), *coef));
                    } else if now.2 == "total" || !publishes_breakdown {
                        complete = false;
                    }
                }
                if complete {
                    v.relations.push((terms, true));
                }
            }
        }
    }
    v
}

/// The attacker's interval for a linear form.
fn bounds(v: &View, form: &[((Cell, Q), f64)]) -> (f64, f64) {
    let solve = |dir| {
        let mut p = microlp::Problem::new(dir);
        let mut vars = BTreeMap::new();
        for (k, b) in &v.unknown {
            let c: f64 = form.iter().filter(|t| &t.0 == k).map(|t| t.1).sum();
            vars.insert(k.clone(), p.add_var(c, *b));
        }
        let constant: f64 = form
            .iter()
            .filter_map(|(k, c)| v.known.get(k).map(|x| c * x))
            .sum();
        for (terms, eq) in &v.relations {
            let mut rhs = 0.0;
            let mut expr = Vec::new();
            for (k, c) in terms {
                match vars.get(k) {
                    Some(x) => expr.push((*x, *c)),
                    None => rhs -= c * v.known.get(k).copied().unwrap_or(0.0),
                }
            }
            if expr.is_empty() {
                continue;
            }
            let op = if *eq {
                microlp::ComparisonOp::Eq
            } else {
                microlp::ComparisonOp::Le
            };
            p.add_constraint(expr.as_slice(), op, rhs);
        }
        match p.solve() {
            Ok(microlp::SolveOutcome::Solution(s)) => Some(s.objective() + constant),
            _ => None,
        }
    };
    (
        solve(microlp::OptimizationDirection::Minimize).unwrap_or(f64::NEG_INFINITY),
        solve(microlp::OptimizationDirection::Maximize).unwrap_or(f64::INFINITY),
    )
}

/// A sub-view with only the quantities and relations linked to `start`, so each linear
/// program stays small.
fn component(v: &View, start: &Cell) -> View {
    let mut cells: BTreeSet<Cell> = BTreeSet::from([start.clone()]);
    loop {
        let before = cells.len();
        for (terms, _) in &v.relations {
            if terms.iter().any(|((c, _), _)| cells.contains(c)) {
                cells.extend(terms.iter().map(|((c, _), _)| c.clone()));
            }
        }
        if cells.len() == before {
            break;
        }
    }
    View {
        unit: v.unit.clone(),
        cells: v
            .cells
            .iter()
            .filter(|(k, _)| cells.contains(*k))
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect(),
        known: v
            .known
            .iter()
            .filter(|(k, _)| cells.contains(&k.0))
            .map(|(k, x)| (k.clone(), *x))
            .collect(),
        unknown: v
            .unknown
            .iter()
            .filter(|(k, _)| cells.contains(&k.0))
            .map(|(k, x)| (k.clone(), *x))
            .collect(),
        relations: v
            .relations
            .iter()
            .filter(|(t, _)| t.iter().any(|((c, _), _)| cells.contains(c)))
            .cloned()
            .collect(),
    }
}

/// Every group of every primary cell whose interval is narrower than the protection level.
fn audit(table: &[Published], pipelines: &Path) -> Vec<String> {
    let v = view(table, pipelines);
    let mut failures = Vec::new();
    for (cell, p) in &v.cells {
        if p.conf != "C" {
            continue;
        }
        let u = &v.unit[&cell.0];
        let mut groups: Vec<(&str, Form)> = parts(u)
            .iter()
            .filter(|q| v.unknown.contains_key(&(cell.clone(), **q)))
            .map(|q| {
                (
                    if *q == Q::Den { "denominator" } else { "count" },
                    vec![((cell.clone(), *q), 1.0)],
                )
            })
            .collect();
        if u == "percent" {
            groups.push((
                "complement",
                vec![
                    ((cell.clone(), Q::Den), 1.0),
                    ((cell.clone(), Q::Num), -1.0),
                ],
            ));
        }
        let sub = component(&v, cell);
        for (name, g) in groups {
            let (lo, hi) = bounds(&sub, &g);
            let protected = hi >= 5.0 - 1e-6 || (lo <= 1.0 + 1e-6 && hi >= 4.0 - 1e-6);
            if !protected {
                failures.push(format!(
                    "{} {} {} = {}: {name} in [{lo:.2}, {hi:.2}]",
                    cell.0, cell.1, cell.2, cell.3
                ));
            }
        }
    }
    failures
}

/// The sample ingested once; each test runs `nqs run` on its own copy of the lake.
fn sample_lake() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let sample = project_root().join("datasets/sample");
        let o = nqs(&dir, &["ingest", sample.to_str().unwrap(), "--sample"]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Runs `nqs run` for 2026 on a copy of `lake_root`'s lake with the given pipelines.
fn run(lake_root: &Path, pipelines: &Path) -> (PathBuf, String) {
    let out = tempfile::tempdir().unwrap().keep();
    copy_dir(&lake_root.join("lake"), &out.join("lake"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(pipelines)
        .arg("--output")
        .arg(&out)
        .args(["run", "--year", "2026", "--as-of", "2026-11-25"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (out, String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The project's pipelines with secondary suppression switched off.
fn primary_only_pipelines() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    copy_dir(&project_root().join("pipelines"), &dir);
    let path = dir.join("disclosure.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("secondary = true"));
    std::fs::write(&path, text.replace("secondary = true", "secondary = false")).unwrap();
    dir
}

#[test]
fn the_published_sample_tables_withstand_the_audit() {
    let pipelines = project_root().join("pipelines");
    let (out, console) = run(sample_lake(), &pipelines);
    let table = read_table(&out.join("2026/indicators.parquet"));
    let primary = table.iter().filter(|p| p.conf == "C").count();
    let secondary = table.iter().filter(|p| p.conf == "D").count();
    assert!(
        primary > 0 && secondary > 0,
        "{primary} primary, {secondary} secondary"
    );
    // Withheld means withheld: no value, numerator or denominator, in Parquet as in the flag.
    for p in table.iter().filter(|p| p.conf != "F") {
        assert!(
            p.value.is_none() && p.numerator.is_none() && p.denominator.is_none(),
            "{p:?}"
        );
    }
    assert!(
        console.contains("secondary (Gaussian elimination)"),
        "{console}"
    );
    let failures = audit(&table, &pipelines);
    assert!(
        failures.is_empty(),
        "{} cells disclosed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn primary_suppression_alone_fails_the_audit() {
    let pipelines = primary_only_pipelines();
    let (out, _) = run(sample_lake(), &pipelines);
    let table = read_table(&out.join("2026/indicators.parquet"));
    assert!(table.iter().all(|p| p.conf != "D"));
    let failures = audit(&table, &pipelines);
    eprintln!(
        "primary suppression alone: {} groups of primary cells narrower than the protection level",
        failures.len()
    );
    assert!(
        failures.len() >= 10,
        "the audit should find the cells that subtraction gives back: {failures:?}"
    );
}

#[test]
fn a_fresh_seed_withstands_the_audit_and_runs_are_deterministic() {
    let root = tempfile::tempdir().unwrap().keep();
    let data = root.join("data");
    let o = nqs(
        &root,
        &[
            "generate",
            "--seed",
            "2027",
            "--scale",
            "small",
            "--years",
            "2022..2026",
            "--out",
            data.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nqs(&root, &["ingest", data.to_str().unwrap(), "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pipelines = project_root().join("pipelines");
    let (a, _) = run(&root, &pipelines);
    let (b, _) = run(&root, &pipelines);
    let table = read_table(&a.join("2026/indicators.parquet"));
    let failures = audit(&table, &pipelines);
    assert!(
        failures.is_empty(),
        "{} cells disclosed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let flags = |t: &[Published]| -> Vec<(String, i32, String, String, String)> {
        t.iter()
            .map(|p| {
                (
                    p.id.clone(),
                    p.year,
                    p.breakdown.clone(),
                    p.value_of.clone(),
                    p.conf.clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        flags(&table),
        flags(&read_table(&b.join("2026/indicators.parquet"))),
        "the same cells are withheld on every run"
    );
}

#[test]
fn provisional_year_is_flagged() {
    let (out, _) = run(sample_lake(), &project_root().join("pipelines"));
    let df = ParquetReader::new(std::fs::File::open(out.join("2026/indicators.parquet")).unwrap())
        .finish()
        .unwrap();
    let year = df.column("year").unwrap().i32().unwrap().clone();
    let obs = df.column("obs_status").unwrap().str().unwrap().clone();
    for i in 0..df.height() {
        let expected = if year.get(i) == Some(2026) { "P" } else { "A" };
        assert_eq!(obs.get(i), Some(expected), "row {i}");
    }
}

/// What the PDF shows agrees with the flags: in the regional tables a cell is printed as
/// withheld exactly when the published table withholds it, and a withheld cell is a gap in the
/// charts; the PDF explains both marks in both languages.
#[test]
fn the_report_shows_exactly_the_published_cells_and_explains_the_flags() {
    let pipelines = project_root().join("pipelines");
    let (out, _) = run(sample_lake(), &pipelines);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(&pipelines)
        .arg("--output")
        .arg(&out)
        .args([
            "report",
            "--year",
            "2026",
            "--as-of",
            "2026-11-25",
            "--lang",
            "kk,ru",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let table = read_table(&out.join("2026/indicators.parquet"));
    let cell = |id: &str, b: &str, v: &str, y: i32| {
        table
            .iter()
            .find(|p| p.id == id && p.breakdown == b && p.value_of == v && p.year == y)
    };
    let catalog = nqs::contract::Catalog::load(&pipelines).unwrap();
    let regions: Vec<String> = catalog.code_lists["regions"]
        .codes
        .iter()
        .map(|c| c.code.clone())
        .collect();
    for lang in ["kk", "ru"] {
        let ctx: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("2026/report-context.{lang}.json"))).unwrap(),
        )
        .unwrap();
        let mut tables = Vec::new();
        let mut charts = Vec::new();
        collect(&ctx, &mut tables, &mut charts);
        let mut withheld_shown = 0;
        for t in tables
            .iter()
            .filter(|t| t["id"].as_str().is_some_and(|i| i.ends_with("-regions")))
        {
            let id = t["id"].as_str().unwrap().trim_end_matches("-regions");
            let rows = t["rows"].as_array().unwrap();
            assert_eq!(rows.len(), regions.len() + 1, "{id}");
            for (r, row) in rows.iter().enumerate() {
                let (b, v) = if r == 0 {
                    ("total", "total")
                } else {
                    ("region", regions[r - 1].as_str())
                };
                for (k, shown) in row["values"].as_array().unwrap().iter().enumerate() {
                    let y = 2022 + k as i32;
                    let published = cell(id, b, v, y);
                    let withheld = published.is_some_and(|p| p.conf != "F");
                    assert_eq!(
                        shown["suppressed"].as_bool().unwrap_or(false),
                        withheld,
                        "{lang} {id} {v} {y}"
                    );
                    if let Some(p) = published.filter(|p| p.conf != "F") {
                        let expected = if p.conf == "D" {
                            "secondary"
                        } else {
                            "primary"
                        };
                        assert_eq!(
                            shown["flag"].as_str(),
                            Some(expected),
                            "{lang} {id} {v} {y}"
                        );
                        withheld_shown += 1;
                    }
                }
            }
        }
        assert!(
            withheld_shown > 0,
            "{lang}: the sample's regional tables withhold cells"
        );
        for c in &charts {
            let Some(cats) = c["chart"]["categories"].as_array() else {
                continue;
            };
            let values = c["chart"]["series"][0]["values"].as_array().unwrap();
            assert_eq!(cats.len(), values.len());
            // Every bar is either a published value or a gap; never a withheld number.
            for v in values.iter().filter_map(|v| v.as_f64()) {
                assert!(
                    table
                        .iter()
                        .any(|p| p.conf == "F" && p.value.is_some_and(|x| (x - v).abs() < 1e-9)),
                    "{lang}: chart {} shows {v}, which is not a published value",
                    c["id"]
                );
            }
        }
        let pdf = out.join(format!("2026/report-{lang}.pdf"));
        let text = String::from_utf8_lossy(
            &std::process::Command::new("pdftotext")
                .args(["-layout", pdf.to_str().unwrap(), "-"])
                .output()
                .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)")
                .stdout,
        )
        .into_owned();
        // Lines break anywhere in a paragraph: compare with whitespace collapsed.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (primary, provisional) = if lang == "kk" {
            ("бастапқы құпиялылық", "Алдын ала деректер")
        } else {
            ("первичная конфиденциальность", "Предварительные данные")
        };
        assert!(text.contains(primary), "{lang}: primary note missing");
        assert!(
            text.contains(provisional),
            "{lang}: provisional note missing"
        );
        assert!(
            text.contains("2026*"),
            "{lang}: provisional year not marked"
        );
        assert!(
            !text.contains("<5"),
            "{lang}: a withheld cell printed as <5"
        );
        assert!(
            text.contains("GaussSuppression"),
            "{lang}: the method is not cited"
        );
    }
}

fn collect<'a>(
    v: &'a serde_json::Value,
    tables: &mut Vec<&'a serde_json::Value>,
    charts: &mut Vec<&'a serde_json::Value>,
) {
    match v {
        serde_json::Value::Object(m) => {
            if m.contains_key("rows") && m.contains_key("columns") {
                tables.push(v);
            }
            if m.get("chart").is_some_and(|c| c["kind"] == "bar") {
                charts.push(v);
            }
            for x in m.values() {
                collect(x, tables, charts);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect(x, tables, charts);
            }
        }
        _ => {}
    }
}
