//! Findings: declared rules (`pipelines/findings.toml`) turn indicator values into problem
//! issues with their evidence and severity, each with recommendations worded in Kazakh and
//! Russian with the figures filled in; templated sentences (`pipelines/state.toml`) draft the
//! description of the current state. Para. 20 of the Rules asks for both.

use crate::contract::Catalog;
use crate::indicators::{Indicator, Row, Unit};
use crate::period::Window;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FindingsError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "rule `{rule}` of findings.toml: its `entities` query failed (it must return columns kk and ru): {message}"
    )]
    Entities { rule: String, message: String },
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Text {
    pub kk: String,
    pub ru: String,
}

impl Text {
    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Kk,
    Ru,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The report year's value above or below a threshold (for each value of a breakdown).
    Threshold,
    /// The value worsened every year for `years` years.
    Trend,
    /// Breakdown values worse than the national value by more than `gap`.
    Outlier,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub indicator: String,
    #[serde(default = "total")]
    pub breakdown: String,
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub years: Option<usize>,
    pub gap: Option<f64>,
    /// Breakdown values with a smaller denominator are too small to judge.
    pub min_denominator: Option<f64>,
    /// The organisations concerned, by name: DuckDB SQL run at `nqs run` on the lake (the
    /// indicators' views, code lists and `getvariable('report_year')`), returning columns `kk`
    /// and `ru`; `{entities}` names them. Organisations only (centres, sectors, bodies): never
    /// a query on persons.
    pub entities: Option<String>,
    pub severity: Severity,
    pub title: Text,
    pub problem: Text,
    #[serde(rename = "recommendation")]
    pub recommendations: Vec<RuleRecommendation>,
}

/// A recommendation a rule drafts when it fires: its text, the body that acts and when.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleRecommendation {
    pub kk: String,
    pub ru: String,
    /// The body that acts: a provider id of `providers.toml` (the National body included).
    pub responsible: Option<String>,
    /// When, in the year after the report year.
    pub term: Option<Term>,
}

/// A recommendation's term within the year after the report year.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum Term {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
    #[serde(rename = "year")]
    Year,
}

/// What a recommendation is to achieve: its rule's indicator back on the right side of the
/// rule's threshold (a threshold rule's `above`/`below`, declared in `findings.toml`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    pub indicator: String,
    /// `at_least` (the rule fires below it) or `at_most` (it fires above it).
    pub direction: String,
    pub value: f64,
}

fn total() -> String {
    "total".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    labels: BTreeMap<String, BTreeMap<String, Text>>,
    #[serde(rename = "rule")]
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sentence {
    pub kk: String,
    pub ru: String,
}

impl Sentence {
    fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    /// How `{year_end}` reads: at the end of a year that is over (`{year}`), and on the judging
    /// day (`{as_of}`, `DD.MM.YYYY`) of a year that is not.
    year_end: YearEnd,
    /// How a paragraph of part 1 points to the problems of part 2 about its topic (`{refs}`:
    /// their numbers, "2.4, 2.7").
    #[serde(default)]
    see_problems: Option<Text>,
    #[serde(rename = "sentence")]
    sentences: Vec<Sentence>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearEnd {
    pub over: Sentence,
    pub running: Sentence,
}

/// The rules, the state sentences and the labels of breakdown values.
pub struct Rulebook {
    pub rules: Vec<Rule>,
    pub sentences: Vec<Sentence>,
    pub year_end: YearEnd,
    pub see_problems: Option<Text>,
    labels: BTreeMap<String, BTreeMap<String, Text>>,
}

impl Rulebook {
    pub fn load(
        pipelines: &Path,
        catalog: &Catalog,
        indicators: &[Indicator],
    ) -> Result<Rulebook, FindingsError> {
        let rules_path = pipelines.join("findings.toml");
        let rules: RulesFile = read_toml(&rules_path)?;
        let state_path = pipelines.join("state.toml");
        let state: StateFile = read_toml(&state_path)?;
        let invalid = |path: &Path, message: String| FindingsError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let known: HashMap<&str, &Indicator> = indicators
            .iter()
            .map(|i| (i.header.id.as_str(), i))
            .collect();
        let mut ids = std::collections::BTreeSet::new();
        for r in &rules.rules {
            let at = |m: String| invalid(&rules_path, format!("rule `{}`: {m}", r.id));
            if !ids.insert(&r.id) {
                return Err(at("id used twice".into()));
            }
            let Some(ind) = known.get(r.indicator.as_str()) else {
                return Err(at(format!("indicator `{}` does not exist", r.indicator)));
            };
            if !ind.header.breakdowns.contains(&r.breakdown) {
                return Err(at(format!(
                    "indicator `{}` has no breakdown `{}`",
                    r.indicator, r.breakdown
                )));
            }
            let ok = match r.kind {
                RuleKind::Threshold => r.above.is_some() != r.below.is_some(),
                RuleKind::Trend => {
                    r.years.is_some_and(|y| y >= 2) && ind.header.higher_is_better.is_some()
                }
                RuleKind::Outlier => {
                    r.gap.is_some()
                        && r.breakdown != "total"
                        && ind.header.higher_is_better.is_some()
                }
            };
            if !ok {
                return Err(at(
                    "threshold needs exactly one of `above`/`below`; trend needs `years` >= 2 and an indicator with higher_is_better; outlier needs `gap`, a breakdown other than total and higher_is_better".into(),
                ));
            }
            if r.recommendations.is_empty() {
                return Err(at("needs at least one [[rule.recommendation]]".into()));
            }
            let texts = [&r.title, &r.problem]
                .into_iter()
                .flat_map(|t| [("kk", t.kk.as_str()), ("ru", t.ru.as_str())])
                .chain(
                    r.recommendations
                        .iter()
                        .flat_map(|x| [("kk", x.kk.as_str()), ("ru", x.ru.as_str())]),
                );
            for (lang, text) in texts {
                check_modifiers(text, lang).map_err(&at)?;
                for ph in placeholders(text) {
                    let (name, _) = split_modifier(&ph);
                    if !RULE_PLACEHOLDERS.contains(&name) {
                        return Err(at(format!(
                            "`{{{ph}}}` is not a placeholder of rule texts (one of {})",
                            RULE_PLACEHOLDERS.join(", ")
                        )));
                    }
                }
            }
            for rec in &r.recommendations {
                if let Some(body) = &rec.responsible
                    && !catalog.providers.iter().any(|p| p.id == *body)
                {
                    return Err(at(format!(
                        "recommendation's responsible `{body}` is not a body of providers.toml"
                    )));
                }
            }
        }
        for s in &state.sentences {
            for (lang, text) in [("kk", &s.kk), ("ru", &s.ru)] {
                check_modifiers(text, lang)
                    .map_err(|m| invalid(&state_path, format!("{m}: {}", s.ru)))?;
            }
            for id in placeholders(&s.kk).into_iter().chain(placeholders(&s.ru)) {
                let base = id.split(':').next().unwrap_or_default();
                if !["year", "previous_year", "first_year", "year_end"].contains(&base)
                    && !known.contains_key(base)
                {
                    return Err(invalid(
                        &state_path,
                        format!("sentence names unknown indicator `{base}`: {}", s.ru),
                    ));
                }
            }
        }
        let mut labels = rules.labels;
        for (breakdown, list) in [("region", "regions"), ("sector", "sectors")] {
            if let Some(codes) = catalog.code_lists.get(list) {
                let entry = labels.entry(breakdown.to_string()).or_default();
                for c in &codes.codes {
                    entry.insert(
                        c.code.clone(),
                        Text {
                            kk: c.kk.clone(),
                            ru: c.ru.clone(),
                        },
                    );
                }
            }
        }
        let entry = labels.entry("provider".to_string()).or_default();
        for p in &catalog.providers {
            entry.insert(
                p.id.clone(),
                Text {
                    kk: p.kk.clone(),
                    ru: p.ru.clone(),
                },
            );
        }
        Ok(Rulebook {
            rules: rules.rules,
            sentences: state.sentences,
            year_end: state.year_end,
            see_problems: state.see_problems,
            labels,
        })
    }

    /// The name of a breakdown value in a language, or the value itself.
    pub fn label(&self, breakdown: &str, value: &str, lang: Lang) -> String {
        self.labels
            .get(breakdown)
            .and_then(|m| m.get(value))
            .map(|t| t.get(lang).to_string())
            .unwrap_or_else(|| value.to_string())
    }

    pub fn labels(&self) -> &BTreeMap<String, BTreeMap<String, Text>> {
        &self.labels
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, FindingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| FindingsError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| FindingsError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + end].to_string());
        rest = &rest[start + end + 1..];
    }
    out
}

/// The indicator values, indexed for lookups by (indicator, breakdown, value, year).
pub struct Values<'a> {
    rows: HashMap<(&'a str, &'a str, &'a str, i32), &'a Row>,
    units: HashMap<&'a str, (Unit, Option<bool>)>,
}

impl<'a> Values<'a> {
    pub fn new(rows: &'a [Row], indicators: &'a [Indicator]) -> Values<'a> {
        Values {
            rows: rows
                .iter()
                .map(|r| {
                    (
                        (
                            r.indicator_id.as_str(),
                            r.breakdown.as_str(),
                            r.breakdown_value.as_str(),
                            r.year,
                        ),
                        r,
                    )
                })
                .collect(),
            units: indicators
                .iter()
                .map(|i| {
                    (
                        i.header.id.as_str(),
                        (i.header.unit, i.header.higher_is_better),
                    )
                })
                .collect(),
        }
    }

    pub fn get(&self, id: &str, breakdown: &str, value: &str, year: i32) -> Option<&'a Row> {
        self.rows.get(&(id, breakdown, value, year)).copied()
    }

    pub fn total(&self, id: &str, year: i32) -> Option<f64> {
        self.get(id, "total", "total", year).and_then(|r| r.value)
    }

    /// Breakdown values present for an indicator in a year, in a stable order.
    fn values_of(&self, id: &str, breakdown: &str, year: i32) -> Vec<&'a Row> {
        let mut v: Vec<&Row> = self
            .rows
            .iter()
            .filter(|((i, b, _, y), _)| *i == id && *b == breakdown && *y == year)
            .map(|(_, r)| *r)
            .collect();
        v.sort_by(|a, b| a.breakdown_value.cmp(&b.breakdown_value));
        v
    }

    fn unit(&self, id: &str) -> Unit {
        self.units.get(id).map(|u| u.0).unwrap_or(Unit::Count)
    }

    fn higher_is_better(&self, id: &str) -> Option<bool> {
        self.units.get(id).and_then(|u| u.1)
    }
}

/// A number as the report prints it: a decimal comma and a space between thousands, as both
/// Kazakh and Russian typography want; one decimal for shares, rates and durations.
pub fn format_value(value: f64, unit: Unit) -> String {
    let (digits, suffix) = match unit {
        Unit::Count => (0, ""),
        Unit::Percent => (1, "%"),
        // A median of whole days is a whole number of days more often than not: "18", not
        // "18,0"; a median between two days keeps its half ("18,5").
        Unit::Days if (value * 10.0).round() % 10.0 == 0.0 => (0, ""),
        Unit::Days | Unit::Ratio | Unit::Per100k | Unit::Per10k => (1, ""),
    };
    let text = format!("{:.*}", digits, value);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, int) = int.strip_prefix('-').map_or(("", int), |i| ("-", i));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let mut out = format!("{sign}{grouped}");
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    if !suffix.is_empty() {
        out.push('\u{a0}');
        out.push_str(suffix);
    }
    out
}

/// A difference of two values: percentages differ by points, so they lose the `%` sign.
/// `value` rounded as [`format_value`] prints it, so that a change computed from two printed
/// values is the difference a reader computes from them.
pub fn printed_value(value: f64, unit: Unit) -> f64 {
    let scale = match unit {
        Unit::Count => 1.0,
        _ => 10.0,
    };
    (value * scale).round() / scale
}

pub fn format_delta(delta: f64, unit: Unit) -> String {
    let unit = if unit == Unit::Percent {
        Unit::Ratio
    } else {
        unit
    };
    let s = format_value(delta.abs(), unit);
    if delta >= 0.0 {
        format!("+{s}")
    } else {
        format!("−{s}")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub indicator: String,
    pub breakdown: String,
    pub breakdown_value: String,
    pub year: i32,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recommendation {
    pub id: String,
    pub kk: String,
    pub ru: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// The term as `YYYY-Q1`..`YYYY-Q4`, `YYYY-H1`, `YYYY-H2` or `YYYY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Problem {
    pub id: String,
    pub rule: String,
    /// Rules about the same indicator whose findings were merged into this problem.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    pub severity: Severity,
    pub indicator: String,
    pub title: Text,
    pub text: Text,
    pub evidence: Vec<Evidence>,
    pub recommendations: Vec<Recommendation>,
    /// The organisations concerned, named (the rule's `entities` query).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Findings {
    pub year: i32,
    pub state: BTreeMap<String, Vec<String>>,
    pub problems: Vec<Problem>,
}

/// What a rule found: the rows (breakdown values) that triggered it.
struct Hit<'a> {
    rows: Vec<&'a Row>,
    /// For trends: the first year whose value is worse than the year before's (the run of
    /// worsening values starts the year before it).
    from_year: Option<i32>,
}

fn worse(higher_is_better: bool, a: f64, than: f64) -> bool {
    if higher_is_better { a < than } else { a > than }
}

fn evaluate<'a>(rule: &Rule, values: &Values<'a>, year: i32) -> Option<Hit<'a>> {
    let big_enough = |r: &Row| {
        rule.min_denominator
            .is_none_or(|m| r.denominator.is_some_and(|d| d >= m))
    };
    let candidates: Vec<&Row> = values
        .values_of(&rule.indicator, &rule.breakdown, year)
        .into_iter()
        .filter(|r| !r.suppressed && r.value.is_some() && big_enough(r))
        .collect();
    match rule.kind {
        RuleKind::Threshold => {
            let mut rows: Vec<&Row> = candidates
                .into_iter()
                .filter(|r| {
                    let v = r.value.unwrap_or_default();
                    rule.above.is_some_and(|t| v > t) || rule.below.is_some_and(|t| v < t)
                })
                .collect();
            // The worst first: a list cut at eight names the eight furthest from the threshold.
            rows.sort_by(|a, b| {
                let (a, b) = (a.value.unwrap_or_default(), b.value.unwrap_or_default());
                if rule.above.is_some() {
                    b.total_cmp(&a)
                } else {
                    a.total_cmp(&b)
                }
            });
            (!rows.is_empty()).then_some(Hit {
                rows,
                from_year: None,
            })
        }
        RuleKind::Trend => {
            let hib = values.higher_is_better(&rule.indicator)?;
            let n = rule.years?;
            let rows: Vec<&Row> = candidates
                .into_iter()
                .filter(|r| {
                    (0..n - 1).all(|k| {
                        let now = values
                            .get(
                                &rule.indicator,
                                &rule.breakdown,
                                &r.breakdown_value,
                                year - k as i32,
                            )
                            .and_then(|x| x.value);
                        let before = values
                            .get(
                                &rule.indicator,
                                &rule.breakdown,
                                &r.breakdown_value,
                                year - k as i32 - 1,
                            )
                            .and_then(|x| x.value);
                        matches!((now, before), (Some(a), Some(b)) if worse(hib, a, b))
                    })
                })
                .collect();
            (!rows.is_empty()).then_some(Hit {
                rows,
                // The first year that fell: "fell every year in 2025–2026" of three values
                // 2024 > 2025 > 2026 (the series itself is in `{items}` / `{series}`).
                from_year: Some(year - n as i32 + 2),
            })
        }
        RuleKind::Outlier => {
            let hib = values.higher_is_better(&rule.indicator)?;
            let national = values.total(&rule.indicator, year)?;
            let gap = rule.gap?;
            let mut rows: Vec<&Row> = candidates
                .into_iter()
                .filter(|r| {
                    let v = r.value.unwrap_or_default();
                    worse(hib, v, national) && (v - national).abs() > gap
                })
                .collect();
            rows.sort_by(|a, b| {
                let d = |r: &Row| (r.value.unwrap_or_default() - national).abs();
                d(b).total_cmp(&d(a))
                    .then(a.breakdown_value.cmp(&b.breakdown_value))
            });
            (!rows.is_empty()).then_some(Hit {
                rows,
                from_year: None,
            })
        }
    }
}

/// Fills `{value}`, `{series}`, `{base}`, `{items}`, `{names}`, `{count}`, `{national}`,
/// `{previous}`, `{change}`, `{year}`, `{first_year}` and `{threshold}` in one of a rule's
/// texts, each with an optional grammar modifier (`{threshold:abl}`, see [`crate::grammar`]).
#[allow(clippy::too_many_arguments)]
fn fill_rule(
    rule: &Rule,
    hit: &Hit,
    values: &Values,
    book: &Rulebook,
    year: i32,
    lang: Lang,
    entities: &[Text],
    template: &str,
) -> String {
    let unit = values.unit(&rule.indicator);
    let fmt = |v: f64| format_value(v, unit);
    let first = hit.rows[0];
    let national = values.total(&rule.indicator, year);
    let previous = values
        .get(
            &rule.indicator,
            &rule.breakdown,
            &first.breakdown_value,
            year - 1,
        )
        .and_then(|r| r.value);
    // A trend's values over its run, "82,3 → 64,5 → 63,8 %".
    let series = |r: &Row| -> Option<String> {
        let from = hit.from_year? - 1;
        let points: Vec<String> = (from..=year)
            .map(|y| {
                values
                    .get(&rule.indicator, &rule.breakdown, &r.breakdown_value, y)
                    .and_then(|x| x.value)
            })
            .collect::<Option<Vec<f64>>>()?
            .into_iter()
            .map(fmt)
            .collect();
        let last = points.len() - 1;
        Some(
            points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i < last {
                        p.trim_end_matches('%')
                            .trim_end_matches('\u{a0}')
                            .to_string()
                    } else {
                        p.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" → "),
        )
    };
    // The absolute numbers behind a share: "4 из 8" / "8-ден 4".
    let base = |r: &Row| -> Option<String> {
        if unit != Unit::Percent {
            return None;
        }
        let (n, d) = (r.numerator?, r.denominator?);
        let (n, d) = (format_value(n, Unit::Count), format_value(d, Unit::Count));
        Some(match lang {
            Lang::Kk => format!(
                "{} {n}",
                crate::grammar::kk_number(&d, crate::grammar::KkForm::Ablative)?
            ),
            Lang::Ru => format!("{n} из {d}"),
        })
    };
    let described = |r: &Row| -> String {
        if let Some(s) = series(r) {
            return s;
        }
        let v = fmt(r.value.unwrap_or_default());
        match base(r) {
            Some(b) => format!("{v}; {b}"),
            None => v,
        }
    };
    let items: Vec<String> = hit
        .rows
        .iter()
        .take(8)
        .map(|r| {
            format!(
                "{} ({})",
                book.label(&rule.breakdown, &r.breakdown_value, lang),
                described(r)
            )
        })
        .collect();
    let more = match lang {
        Lang::Kk => " және т.б.",
        Lang::Ru => " и др.",
    };
    // The list cut at eight ends "и др."; a text's own full stop after it is dropped below.
    let cut = |list: Vec<String>| -> String {
        let mut out = list.join(", ");
        if hit.rows.len() > 8 {
            out.push_str(more);
        }
        out
    };
    let names = cut(hit
        .rows
        .iter()
        .take(8)
        .map(|r| book.label(&rule.breakdown, &r.breakdown_value, lang))
        .collect());
    let items = cut(items);
    let value = first.value.unwrap_or_default();
    let change = previous.map(|p| format_delta(value - p, unit));
    // A gap from the national value is a difference, so it is printed like one.
    let threshold = rule.above.or(rule.below).map(fmt).or(rule
        .gap
        .map(|g| format_delta(g, unit).trim_start_matches('+').to_string()));
    let lang_code = match lang {
        Lang::Kk => "kk",
        Lang::Ru => "ru",
    };
    let dash = || "—".to_string();
    let mut out = template.to_string();
    for ph in placeholders(template) {
        let (name, modifier) = split_modifier(&ph);
        let text = match name {
            "value" => fmt(value),
            "series" => series(first).unwrap_or_else(|| fmt(value)),
            "base" => base(first).unwrap_or_default(),
            "items" => items.clone(),
            "names" => names.clone(),
            // A query that named none (the data disagree with the indicator) prints a dash.
            "entities" if entities.is_empty() => dash(),
            "entities" => entities
                .iter()
                .map(|t| t.get(lang))
                .collect::<Vec<_>>()
                .join(", "),
            "count" => hit.rows.len().to_string(),
            "national" => national.map(fmt).unwrap_or_else(dash),
            "previous" => previous.map(fmt).unwrap_or_else(dash),
            "change" => change.clone().unwrap_or_else(dash),
            "year" => year.to_string(),
            "first_year" => hit.from_year.unwrap_or(year).to_string(),
            "threshold" => threshold.clone().unwrap_or_default(),
            _ => continue,
        };
        let text = match modifier {
            Some(m) => crate::grammar::apply(&text, m, lang_code).unwrap_or(text),
            None => text,
        };
        out = out.replace(&format!("{{{ph}}}"), &text);
    }
    out.replace("др..", "др.").replace("т.б..", "т.б.")
}

/// The placeholders a rule's texts may name (see the head of `findings.toml`).
const RULE_PLACEHOLDERS: [&str; 13] = [
    "entities",
    "value",
    "names",
    "series",
    "base",
    "items",
    "count",
    "national",
    "previous",
    "change",
    "year",
    "first_year",
    "threshold",
];

/// A placeholder's name and its grammar modifier (`{threshold:abl}`, `{value:n(день|дня|дней)}`,
/// see [`crate::grammar`]), if its last `:` part is one.
fn split_modifier(ph: &str) -> (&str, Option<&str>) {
    match ph.rsplit_once(':') {
        Some((name, m))
            if crate::grammar::KkForm::parse(m).is_some()
                || (m.starts_with("n(") && m.ends_with(')')) =>
        {
            (name, Some(m))
        }
        _ => (ph, None),
    }
}

/// Checks a text's grammar modifiers: Kazakh forms in Kazakh texts, Russian agreement (three
/// forms) in Russian ones.
fn check_modifiers(text: &str, lang: &str) -> Result<(), String> {
    for ph in placeholders(text) {
        if let (_, Some(m)) = split_modifier(&ph) {
            let ok = if m.starts_with("n(") {
                lang == "ru" && crate::grammar::apply("2", m, "ru").is_some()
            } else {
                lang == "kk"
            };
            if !ok {
                return Err(format!(
                    "`{{{ph}}}`: `{m}` is not a {} form (Kazakh: abl, dat, loc, gen, acc, poss, of_them, in_of_them; Russian: n(one|few|many))",
                    if lang == "kk" { "Kazakh" } else { "Russian" }
                ));
            }
        }
    }
    Ok(())
}

/// A threshold rule's threshold as the value its recommendations aim at.
fn target_of(rule: &Rule) -> Option<Target> {
    if rule.kind != RuleKind::Threshold {
        return None;
    }
    let (direction, value) = match (rule.below, rule.above) {
        (Some(b), _) => ("at_least", b),
        (None, Some(a)) => ("at_most", a),
        (None, None) => return None,
    };
    Some(Target {
        indicator: rule.indicator.clone(),
        direction: direction.to_string(),
        value,
    })
}

/// A rule's severity as the data bear it out: a problem declared high whose indicator improved
/// nationally on the year before (as printed) is of medium significance — still there, but not
/// the first thing to act on.
fn severity_of(rule: &Rule, values: &Values, year: i32) -> Severity {
    let unit = values.unit(&rule.indicator);
    let improved = match (
        values.higher_is_better(&rule.indicator),
        values.total(&rule.indicator, year),
        values.total(&rule.indicator, year - 1),
    ) {
        (Some(hib), Some(now), Some(before)) => {
            let (now, before) = (printed_value(now, unit), printed_value(before, unit));
            now != before && !worse(hib, now, before)
        }
        _ => false,
    };
    if improved && rule.severity == Severity::High {
        Severity::Medium
    } else {
        rule.severity
    }
}

/// Problems about the same indicator are one problem: the first (most severe) keeps its title,
/// the others' texts, evidence and recommendations join it, and their rules are listed in
/// `merged`. Ids are renumbered in order.
fn merge_by_indicator(problems: Vec<Problem>) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    for p in problems {
        match out.iter_mut().find(|q| q.indicator == p.indicator) {
            Some(q) => {
                q.text.kk = format!("{} {}", q.text.kk, p.text.kk);
                q.text.ru = format!("{} {}", q.text.ru, p.text.ru);
                for e in p.evidence {
                    if !q.evidence.contains(&e) {
                        q.evidence.push(e);
                    }
                }
                q.recommendations.extend(p.recommendations);
                for e in p.entities {
                    if !q.entities.contains(&e) {
                        q.entities.push(e);
                    }
                }
                q.merged.push(p.rule);
            }
            None => out.push(p),
        }
    }
    for (i, p) in out.iter_mut().enumerate() {
        p.id = format!("P{}", i + 1);
        for (k, r) in p.recommendations.iter_mut().enumerate() {
            r.id = format!("{}.{}", p.id, k + 1);
        }
    }
    out
}

/// Every rule that fires, as a problem with evidence and recommendations, most severe first;
/// problems about the same indicator merged.
///
/// `entities` holds, per rule id, the organisations its `entities` query named (see
/// [`entities_of`]); a rule without one names none.
pub fn evaluate_all(
    book: &Rulebook,
    values: &Values,
    year: i32,
    entities: &BTreeMap<String, Vec<Text>>,
) -> Vec<Problem> {
    let mut fired: Vec<(&Rule, Hit, Severity)> = book
        .rules
        .iter()
        .filter_map(|rule| {
            evaluate(rule, values, year).map(|hit| (rule, hit, severity_of(rule, values, year)))
        })
        .collect();
    fired.sort_by(|a, b| (a.2, &a.0.id).cmp(&(b.2, &b.0.id)));
    let problems = fired
        .into_iter()
        .enumerate()
        .map(|(i, (rule, hit, severity))| {
            let id = format!("P{}", i + 1);
            let named: &[Text] = entities.get(&rule.id).map_or(&[], Vec::as_slice);
            let text = |t: &Text| Text {
                kk: fill_rule(rule, &hit, values, book, year, Lang::Kk, named, &t.kk),
                ru: fill_rule(rule, &hit, values, book, year, Lang::Ru, named, &t.ru),
            };
            Problem {
                recommendations: rule
                    .recommendations
                    .iter()
                    .enumerate()
                    .map(|(k, r)| {
                        let filled = text(&Text {
                            kk: r.kk.clone(),
                            ru: r.ru.clone(),
                        });
                        let next = year + 1;
                        Recommendation {
                            id: format!("{id}.{}", k + 1),
                            kk: filled.kk,
                            ru: filled.ru,
                            responsible: r.responsible.clone(),
                            term: r.term.map(|t| match t {
                                Term::Year => next.to_string(),
                                t => format!("{next}-{t:?}"),
                            }),
                            target: target_of(rule),
                        }
                    })
                    .collect(),
                rule: rule.id.clone(),
                merged: Vec::new(),
                entities: named.to_vec(),
                severity,
                indicator: rule.indicator.clone(),
                title: text(&rule.title),
                text: text(&rule.problem),
                evidence: hit
                    .rows
                    .iter()
                    .map(|r| Evidence {
                        indicator: rule.indicator.clone(),
                        breakdown: r.breakdown.clone(),
                        breakdown_value: r.breakdown_value.clone(),
                        year: r.year,
                        value: r.value.unwrap_or_default(),
                    })
                    .collect(),
                id,
            }
        })
        .collect();
    merge_by_indicator(problems)
}

/// Runs every rule's `entities` query on `conn` (a run's connection over the lake, the report
/// year set): rule id → the organisations named, in the query's order. A query that fails, or
/// lacks the columns `kk` and `ru`, is an error naming the rule.
pub fn entities_of(
    book: &Rulebook,
    conn: &duckdb::Connection,
) -> Result<BTreeMap<String, Vec<Text>>, FindingsError> {
    let mut out = BTreeMap::new();
    for rule in &book.rules {
        let Some(sql) = &rule.entities else {
            continue;
        };
        let wrapped = format!("select kk::varchar, ru::varchar from ({sql}) limit 50");
        let invalid = |e: duckdb::Error| FindingsError::Entities {
            rule: rule.id.clone(),
            message: e.to_string(),
        };
        let mut stmt = conn.prepare(&wrapped).map_err(invalid)?;
        let names = stmt
            .query_map([], |r| {
                Ok(Text {
                    kk: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    ru: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                })
            })
            .map_err(invalid)?
            .collect::<Result<Vec<Text>, _>>()
            .map_err(invalid)?;
        out.insert(rule.id.clone(), names);
    }
    Ok(out)
}

/// Part 1 in each language: the current-state sentences whose figures all exist, as short
/// paragraphs by topic — consecutive sentences whose first indicator has the same `topic` join
/// one paragraph, which ends by pointing to the problems of part 2 about that topic
/// (`see_problems`, with their numbers as part 2 prints them). `{id}` is an indicator's national
/// value for the year, `{id:previous}` the year before's, `{id:change}` the signed change.
/// `running` is the judging day when the year is not over on it: `{year_end}` then reads as
/// that day (`YearEnd::running`).
pub fn state_sentences(
    book: &Rulebook,
    values: &Values,
    year: i32,
    running: Option<chrono::NaiveDate>,
    indicators: &[Indicator],
    problems: &[Problem],
) -> BTreeMap<String, Vec<String>> {
    let topic_of: HashMap<&str, &str> = indicators
        .iter()
        .map(|i| (i.header.id.as_str(), i.header.topic.as_str()))
        .collect();
    let sentence_topic = |s: &Sentence| -> Option<&str> {
        placeholders(&s.ru).iter().find_map(|ph| {
            let id = ph.split(':').next().unwrap_or_default();
            topic_of.get(id).copied()
        })
    };
    // Problems by the topic of their indicator, numbered as part 2 prints them ("2.4").
    let mut refs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, p) in problems.iter().enumerate() {
        if let Some(t) = topic_of.get(p.indicator.as_str()) {
            refs.entry(t).or_default().push(format!("2.{}", i + 1));
        }
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let year_end = match running {
        Some(_) => &book.year_end.running,
        None => &book.year_end.over,
    };
    let as_of = running.map(|d| d.format("%d.%m.%Y").to_string());
    for (key, lang) in [("kk", Lang::Kk), ("ru", Lang::Ru)] {
        let end = year_end
            .text(lang)
            .replace("{year}", &year.to_string())
            .replace("{as_of}", as_of.as_deref().unwrap_or_default());
        let mut paragraphs: Vec<(Option<&str>, String)> = Vec::new();
        for s in &book.sentences {
            let text = s.text(lang).replace("{year_end}", &end);
            let Some(filled) = fill_sentence(&text, key, values, year) else {
                continue;
            };
            let topic = sentence_topic(s);
            match paragraphs.last_mut() {
                Some((t, p)) if topic.is_some() && *t == topic => {
                    p.push(' ');
                    p.push_str(&filled);
                }
                _ => paragraphs.push((topic, filled)),
            }
        }
        let list = out.entry(key.to_string()).or_default();
        for (topic, mut p) in paragraphs {
            if let (Some(see), Some(r)) = (&book.see_problems, topic.and_then(|t| refs.get(t))) {
                p.push(' ');
                p.push_str(&see.get(lang).replace("{refs}", &r.join(", ")));
            }
            list.push(p);
        }
    }
    out
}

/// `lang` (`kk`, `ru`) decides the grammar modifiers (see [`crate::grammar`]).
fn fill_sentence(text: &str, lang: &str, values: &Values, year: i32) -> Option<String> {
    let mut out = text.to_string();
    for ph in placeholders(text) {
        let (base, modifier) = split_modifier(&ph);
        let (id, part) = base.split_once(':').unwrap_or((base, ""));
        let value = match (id, part) {
            ("year", _) => year.to_string(),
            ("previous_year", _) => (year - 1).to_string(),
            ("first_year", _) => Window::ending(year).first().to_string(),
            (id, "") => format_value(values.total(id, year)?, values.unit(id)),
            (id, "previous") => format_value(values.total(id, year - 1)?, values.unit(id)),
            (id, "change") => {
                let unit = values.unit(id);
                format_delta(
                    printed_value(values.total(id, year)?, unit)
                        - printed_value(values.total(id, year - 1)?, unit),
                    unit,
                )
            }
            (id, "first") => format_value(
                values.total(id, Window::ending(year).first())?,
                values.unit(id),
            ),
            _ => return None,
        };
        let value = match modifier {
            Some(m) => crate::grammar::apply(&value, m, lang).unwrap_or(value),
            None => value,
        };
        out = out.replace(&format!("{{{ph}}}"), &value);
    }
    Some(out)
}

/// Reads back the `findings.json` that [`write_outputs`] wrote in `dir`.
pub fn read_outputs(dir: &Path) -> Result<Findings, FindingsError> {
    let path = dir.join("findings.json");
    let text = std::fs::read_to_string(&path).map_err(|source| FindingsError::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| FindingsError::Invalid {
        path,
        message: e.to_string(),
    })
}

/// `findings.json` (what the report reads) and `findings.parquet` (one row per problem).
pub fn write_outputs(findings: &Findings, dir: &Path) -> Result<(), FindingsError> {
    use polars::prelude::*;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FindingsError::Io { path, source }
    };
    let json_path = dir.join("findings.json");
    let text = serde_json::to_string_pretty(findings).expect("findings serialise");
    crate::atomic::write_atomic(&json_path, text.as_bytes()).map_err(io(&json_path))?;
    let p = &findings.problems;
    let table = |e: PolarsError| FindingsError::Invalid {
        path: dir.join("findings.parquet"),
        message: e.to_string(),
    };
    let mut df = df!(
        "problem_id" => p.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        "rule_id" => p.iter().map(|x| x.rule.as_str()).collect::<Vec<_>>(),
        "severity" => p.iter().map(|x| format!("{:?}", x.severity).to_lowercase()).collect::<Vec<_>>(),
        "indicator_id" => p.iter().map(|x| x.indicator.as_str()).collect::<Vec<_>>(),
        "title_kk" => p.iter().map(|x| x.title.kk.as_str()).collect::<Vec<_>>(),
        "title_ru" => p.iter().map(|x| x.title.ru.as_str()).collect::<Vec<_>>(),
        "text_kk" => p.iter().map(|x| x.text.kk.as_str()).collect::<Vec<_>>(),
        "text_ru" => p.iter().map(|x| x.text.ru.as_str()).collect::<Vec<_>>(),
        "evidence" => p.iter().map(|x| serde_json::to_string(&x.evidence).unwrap_or_default()).collect::<Vec<_>>(),
        "recommendations_kk" => p.iter().map(|x| x.recommendations.iter().map(|r| r.kk.as_str()).collect::<Vec<_>>().join("\n")).collect::<Vec<_>>(),
        "recommendations_ru" => p.iter().map(|x| x.recommendations.iter().map(|r| r.ru.as_str()).collect::<Vec<_>>().join("\n")).collect::<Vec<_>>(),
    )
    .map_err(table)?;
    let path = dir.join("findings.parquet");
    let mut file = crate::atomic::AtomicFile::create(&path).map_err(io(&path))?;
    ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(crate::indicators::schema_metadata()))
        .finish(&mut df)
        .map_err(table)?;
    file.commit().map_err(io(&path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_decimal_commas_and_grouped_thousands() {
        assert_eq!(format_value(1234567.0, Unit::Count), "1\u{a0}234\u{a0}567");
        assert_eq!(format_value(72.44, Unit::Percent), "72,4\u{a0}%");
        assert_eq!(format_value(-3.25, Unit::Days), "-3,2");
        assert_eq!(format_value(999.0, Unit::Count), "999");
        assert_eq!(format_delta(-0.25, Unit::Percent), "−0,2");
        assert_eq!(format_delta(12.0, Unit::Count), "+12");
    }
}
