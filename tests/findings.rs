//! Every declared finding rule, made to fire and made not to fire on synthetic indicator
//! values: a rule added to `pipelines/findings.toml` is tested without writing a new test.

use nqs::contract::Catalog;
use nqs::findings::{RuleKind, Rulebook, Values, evaluate_all};
use nqs::indicators::{self, Indicator, Row};
use std::path::PathBuf;

const YEAR: i32 = 2026;

fn setup() -> (Vec<Indicator>, Rulebook) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pipelines");
    let catalog = Catalog::load(&root).unwrap();
    let inds = indicators::load(&root.join("indicators"), &catalog).unwrap();
    let book = Rulebook::load(&root, &catalog, &inds).unwrap();
    (inds, book)
}

fn row(id: &str, breakdown: &str, value: &str, year: i32, v: f64) -> Row {
    Row {
        indicator_id: id.into(),
        year,
        breakdown: breakdown.into(),
        breakdown_value: value.into(),
        value: Some(v),
        numerator: Some(1000.0),
        denominator: Some(1000.0),
        suppressed: false,
        confidentiality: Default::default(),
        provisional: false,
    }
}

/// Indicator rows for five years where one breakdown value ("X") behaves as `bad` says and
/// the national value and another breakdown value ("Y") stay put.
fn series(rule: &nqs::findings::Rule, higher_is_better: Option<bool>, bad: bool) -> Vec<Row> {
    let id = rule.indicator.as_str();
    let b = rule.breakdown.as_str();
    let sign = if higher_is_better.unwrap_or(true) {
        1.0
    } else {
        -1.0
    };
    let mut rows = Vec::new();
    for (k, year) in (YEAR - 4..=YEAR).enumerate() {
        let base = 50.0;
        let x = match rule.kind {
            RuleKind::Threshold => {
                let t = rule.above.or(rule.below).unwrap();
                let beyond = if rule.above.is_some() {
                    t + 1.0
                } else {
                    t - 1.0
                };
                let within = if rule.above.is_some() {
                    t - 1.0
                } else {
                    t + 1.0
                };
                if bad { beyond } else { within }
            }
            // Worse each year (by the indicator's direction), or better each year.
            RuleKind::Trend => base + sign * if bad { -(k as f64) } else { k as f64 },
            RuleKind::Outlier => {
                let gap = rule.gap.unwrap();
                base - sign * if bad { gap + 5.0 } else { gap / 2.0 }
            }
        };
        if b == "total" {
            rows.push(row(id, "total", "total", year, x));
        } else {
            rows.push(row(
                id,
                "total",
                "total",
                year,
                if rule.kind == RuleKind::Threshold {
                    x
                } else {
                    base
                },
            ));
            rows.push(row(id, b, "X", year, x));
            let y = if rule.kind == RuleKind::Threshold {
                x
            } else {
                base
            };
            if rule.kind != RuleKind::Threshold {
                rows.push(row(id, b, "Y", year, y));
            }
        }
    }
    rows
}

#[test]
fn every_rule_fires_on_bad_values_and_stays_quiet_on_good_ones() {
    let (inds, book) = setup();
    assert!(!book.rules.is_empty());
    for rule in &book.rules {
        let ind = inds.iter().find(|i| i.header.id == rule.indicator).unwrap();
        for bad in [true, false] {
            let rows = series(rule, ind.header.higher_is_better, bad);
            let values = Values::new(&rows, &inds);
            let fired: Vec<_> = evaluate_all(&book, &values, YEAR, &Default::default())
                .into_iter()
                // A rule about the same indicator as another may be merged into its problem.
                .filter(|p| p.rule == rule.id || p.merged.contains(&rule.id))
                .collect();
            assert_eq!(!fired.is_empty(), bad, "rule {} with bad = {bad}", rule.id);
            if let Some(p) = fired.first() {
                assert!(!p.evidence.is_empty());
                assert!(!p.recommendations.is_empty());
                for text in [&p.text.kk, &p.text.ru, &p.title.kk, &p.title.ru] {
                    assert!(
                        !text.contains('{'),
                        "rule {}: unfilled placeholder in {text}",
                        rule.id
                    );
                }
                for r in &p.recommendations {
                    assert!(
                        !r.kk.contains('{') && !r.ru.contains('{'),
                        "rule {}",
                        rule.id
                    );
                }
            }
        }
    }
}

#[test]
fn small_breakdowns_and_suppressed_cells_are_not_judged() {
    let (inds, book) = setup();
    let Some(rule) = book
        .rules
        .iter()
        .find(|r| r.min_denominator.is_some() && r.kind == RuleKind::Outlier)
    else {
        return;
    };
    let ind = inds.iter().find(|i| i.header.id == rule.indicator).unwrap();
    let mut rows = series(rule, ind.header.higher_is_better, true);
    for r in rows.iter_mut().filter(|r| r.breakdown_value == "X") {
        r.denominator = Some(rule.min_denominator.unwrap() - 1.0);
    }
    let values = Values::new(&rows, &inds);
    assert!(
        evaluate_all(&book, &values, YEAR, &Default::default())
            .iter()
            .all(|p| p.rule != rule.id)
    );
}
