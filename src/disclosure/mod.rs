//! Statistical disclosure control of the published indicator table: primary suppression of
//! small groups of persons, attribute disclosure, and secondary (complementary) suppression over
//! the relations the microdata imply ([`units`] reads the units of every published person count,
//! [`derived`] turns their patterns into equalities and inequalities between cells).
//!
//! Shape: the cells are the rows of `indicators.parquet` (indicator × year × breakdown ×
//! breakdown value) of the indicators whose header says `counts_persons = true`. A cell's
//! *quantities* are the person counts it publishes: the value of a `count` indicator, or a
//! rate's numerator and denominator. Its *groups* are the quantities and, for a share
//! (`percent`), the complement denominator − numerator (failed = assessed − passed).
//!
//! 1. **Primary** (SDMX confidentiality status `C`): a group counting 1 to `min_persons` − 1
//!    persons; and a share of 0 % or 100 % over fewer than `attribute_min_group` persons, which
//!    tells every member's outcome (attribute disclosure).
//! 2. **Secondary, by Gaussian elimination** (status `D`): the method of Statistics Norway's
//!    GaussSuppression (Langsrud, Ø. (2024), "Secondary Cell Suppression by Gaussian
//!    Elimination: An Algorithm Suitable for Handling Issues with Zeros and Singletons",
//!    Privacy in Statistical Databases, LNCS 14915; R package SSBtools/GaussSuppression). The
//!    derived equalities span a space of possible
//!    tables; each quantity is a vector in a basis of that space. Cells are published one by
//!    one, largest first (small cells are preferred for suppression, as they carry the least
//!    information), and a cell is withheld whenever publishing it would put a primary group's
//!    vector in the span of what is published, i.e. make it computable exactly.
//! 3. **Secondary, by protection interval** (status `D`): exact disclosure is not the only
//!    risk. As in τ-ARGUS's protection intervals (Hundepool et al., *Statistical Disclosure
//!    Control*, Wiley 2012, §4.2), an attacker who knows every published value, every derived
//!    relation (including the inequalities), that counts are not negative and that a
//!    primary count lies in 1..`min_persons` − 1, bounds each primary group by linear
//!    programming. While some group's interval is narrower than the declared protection level,
//!    the smallest published cell related to it is withheld too.
//!
//! The result is deterministic: cells are ordered by size and then by their key, never by hash
//! order. The five years of a run are protected together (stocks link them), so no year's
//! published figures undo another's suppression.

use crate::indicators::{Confidentiality, Indicator, Row, Unit};

mod derived;
pub mod units;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
pub use units::Microdata;

/// The declared disclosure policy (`pipelines/disclosure.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Groups of 1 to `min_persons` − 1 persons are primary-suppressed.
    pub min_persons: f64,
    /// Shares of 0 % or 100 % over fewer persons than this are primary-suppressed.
    pub attribute_min_group: f64,
    /// Whether secondary suppression runs (false only to measure what it prevents).
    pub secondary: bool,
    /// Every primary group's feasible interval must reach `min_persons` or cover
    /// `[protection_lower, protection_upper]`.
    pub protection_lower: f64,
    pub protection_upper: f64,
    /// Indicators whose national figure secondary suppression keeps first (the key figures of
    /// the report's part 1): when several patterns protect the same groups, the one that
    /// publishes these is chosen. Protection always wins over keeping a cell.
    #[serde(default)]
    pub keep_first: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_persons: 5.0,
            attribute_min_group: 10.0,
            secondary: true,
            protection_lower: 1.0,
            protection_upper: 4.0,
            keep_first: Vec::new(),
        }
    }
}

impl Policy {
    /// Reads `disclosure.toml` from the pipelines folder.
    pub fn load(pipelines: &Path) -> Result<Policy, DisclosureError> {
        let path = pipelines.join("disclosure.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| DisclosureError::Io {
            path: path.clone(),
            source,
        })?;
        let policy: Policy = toml::from_str(&text).map_err(|e| DisclosureError::Policy {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if policy.min_persons < 2.0
            || policy.protection_lower < 0.0
            || policy.protection_upper < policy.protection_lower
            || policy.protection_upper >= policy.min_persons
        {
            return Err(DisclosureError::Policy {
                path,
                message: "expected min_persons >= 2 and 0 <= protection_lower <= \
                          protection_upper < min_persons"
                    .into(),
            });
        }
        Ok(policy)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Value,
    Numerator,
    Denominator,
}

#[derive(Debug, thiserror::Error)]
pub enum DisclosureError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Policy { path: PathBuf, message: String },
    #[error(
        "indicator `{indicator}`: the relation {relation} that its units imply does not hold in \
         {year} ({detail}); the rows its SQL gives disclosure control are not the ones it counts"
    )]
    RelationFails {
        indicator: String,
        relation: String,
        year: i32,
        detail: String,
    },
    #[error("cannot read the units of the published person counts from {what}")]
    Units { what: String, source: duckdb::Error },
    #[error(
        "indicator `{indicator}`: its units add up to {units} in {cell}, while it publishes \
         {published}; the `unit_id` its SQL gives each row must be the unit the row counts"
    )]
    UnitsDisagree {
        indicator: String,
        cell: String,
        published: f64,
        units: f64,
    },
}

/// Why a cell is withheld; internal only (publishing the rule would tell a 0 % or 100 % share
/// apart from a small count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    SmallCount,
    Attribute,
    SecondaryLinear,
    SecondaryInterval,
    /// Rows of a breakdown whose total is primary-confidential, not published at all.
    BreakdownOfSmallTotal,
    /// A count of persons a published edition printed otherwise by fewer than the minimum
    /// group: the difference between the two editions would publish that small group (the
    /// persons a provider's correction added or removed).
    EditionDifference,
}

/// What a published edition printed of each person-counting cell, by (indicator, year,
/// breakdown, value): the count, or a share's or rate's numerator and denominator — what a
/// reader holding that edition can subtract from this one.
pub type Published = BTreeMap<(String, i32, String, String), PublishedCell>;

/// One cell as an edition printed it (None: withheld, or not part of the cell's unit).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PublishedCell {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

/// Cells withheld by each rule, out of all published cells.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub cells: usize,
    pub person_cells: usize,
    pub relations: usize,
    pub by_rule: BTreeMap<Rule, usize>,
    /// Primary groups whose protection could not be reached (should be empty).
    pub unprotected: Vec<String>,
}

impl Summary {
    /// Cells published with a confidentiality flag instead of a value.
    pub fn withheld(&self) -> usize {
        self.by_rule
            .iter()
            .filter(|(r, _)| **r != Rule::BreakdownOfSmallTotal)
            .map(|(_, n)| n)
            .sum()
    }
}

/// A linear relation over quantities: Σ coef·q (= 0 | ≤ 0).
#[derive(Debug, Clone)]
struct Relation {
    terms: Vec<(usize, f64)>,
    equality: bool,
}

/// Protects `rows` in place: withheld cells lose value, numerator and denominator and get
/// their confidentiality status. Errors when a declared relation does not hold.
///
/// `published` holds what earlier editions printed: a count of persons that differs from its
/// published figure by fewer than `min_persons` is withheld as primary (`EditionDifference`),
/// and secondary suppression then protects it like any other small group.
pub fn protect(
    rows: &mut Vec<Row>,
    indicators: &[Indicator],
    policy: &Policy,
    published: &Published,
    micro: &Microdata,
) -> Result<Summary, DisclosureError> {
    let cells = rows.len();
    // A breakdown of a total that is itself a small group is not published at all: its rows
    // exist only where a category is not empty, so their number alone would bound the total
    // (three withheld categories mean at least three persons), whatever else is withheld.
    let small_totals: BTreeSet<(String, i32)> = {
        let model = Model::build(rows, indicators, policy, micro)?;
        model
            .cells
            .iter()
            .filter(|c| c.primary.is_some() && c.key.2 == "total")
            .map(|c| (c.key.0.clone(), c.key.1))
            .collect()
    };
    let before = rows.len();
    rows.retain(|r| {
        r.breakdown == "total" || !small_totals.contains(&(r.indicator_id.clone(), r.year))
    });
    let dropped = before - rows.len();
    let model = Model::build(rows, indicators, policy, micro)?;
    let mut summary = Summary {
        cells,
        person_cells: model.cells.len(),
        relations: model.relations.len(),
        ..Summary::default()
    };
    if dropped > 0 {
        summary.by_rule.insert(Rule::BreakdownOfSmallTotal, dropped);
    }
    let mut status: Vec<Option<Rule>> = model
        .cells
        .iter()
        .map(|c| {
            c.primary.or_else(|| {
                edition_difference(c, published.get(&c.key)?, policy)
                    .then_some(Rule::EditionDifference)
            })
        })
        .collect();
    if policy.secondary {
        for comp in model.components() {
            model.gauss(&comp, &mut status);
            model.widen(&comp, &mut status, &mut summary.unprotected);
        }
    }
    for (cell, rule) in model.cells.iter().zip(&status) {
        let Some(rule) = rule else { continue };
        *summary.by_rule.entry(*rule).or_default() += 1;
        let row = &mut rows[cell.row];
        row.suppressed = true;
        row.value = None;
        row.numerator = None;
        row.denominator = None;
        row.confidentiality = match rule {
            Rule::SmallCount | Rule::Attribute | Rule::EditionDifference => {
                Confidentiality::Primary
            }
            _ => Confidentiality::Secondary,
        };
    }
    Ok(summary)
}

struct Cell {
    row: usize,
    unit: Unit,
    /// (part, quantity index, true value)
    parts: Vec<(Part, usize, f64)>,
    primary: Option<Rule>,
    /// Every group of persons the cell publishes, as a linear form over quantities.
    groups: Vec<Vec<(usize, f64)>>,
    /// The groups at risk (small, or all of one outcome), which must not become computable.
    sensitive: Vec<Vec<(usize, f64)>>,
    size: f64,
    /// Which cells secondary suppression keeps first (lower first): 0 the national figure of
    /// a key figure (`keep_first`), 1 any other national figure, 2 a breakdown's cell.
    priority: u8,
    key: (String, i32, String, String),
}

struct Model {
    cells: Vec<Cell>,
    /// quantity → cell
    owner: Vec<usize>,
    relations: Vec<Relation>,
    policy: Policy,
}

type Key<'a> = (&'a str, i32, &'a str, &'a str);

impl Model {
    fn build(
        rows: &[Row],
        indicators: &[Indicator],
        policy: &Policy,
        micro: &Microdata,
    ) -> Result<Model, DisclosureError> {
        let person: BTreeMap<&str, &Indicator> = indicators
            .iter()
            .filter(|i| i.header.counts_persons)
            .map(|i| (i.header.id.as_str(), i))
            .collect();
        let mut cells = Vec::new();
        let mut owner = Vec::new();
        let mut index: BTreeMap<Key, usize> = BTreeMap::new();
        for (r, row) in rows.iter().enumerate() {
            let Some(ind) = person.get(row.indicator_id.as_str()) else {
                continue;
            };
            let unit = ind.header.unit;
            let mut parts = Vec::new();
            let candidates: &[(Part, Option<f64>)] = if unit == Unit::Count {
                &[(Part::Value, row.value)]
            } else {
                &[
                    (Part::Numerator, row.numerator),
                    (Part::Denominator, row.denominator),
                ]
            };
            for (part, v) in candidates {
                if let Some(v) = v {
                    parts.push((*part, owner.len(), *v));
                    owner.push(cells.len());
                }
            }
            if parts.is_empty() {
                continue;
            }
            let mut groups: Vec<Vec<(usize, f64)>> =
                parts.iter().map(|(_, q, _)| vec![(*q, 1.0)]).collect();
            let value_of = |g: &Vec<(usize, f64)>| -> f64 {
                g.iter()
                    .map(|(q, c)| c * parts.iter().find(|p| p.1 == *q).map_or(0.0, |p| p.2))
                    .sum()
            };
            let num = parts.iter().find(|p| p.0 == Part::Numerator).copied();
            let den = parts.iter().find(|p| p.0 == Part::Denominator).copied();
            let mut attribute = None;
            if unit == Unit::Percent
                && let (Some(n), Some(d)) = (num, den)
            {
                groups.push(vec![(d.1, 1.0), (n.1, -1.0)]);
                if d.2 >= 1.0 && d.2 < policy.attribute_min_group {
                    if n.2 == 0.0 {
                        attribute = Some(vec![(n.1, 1.0)]);
                    } else if n.2 == d.2 {
                        attribute = Some(vec![(d.1, 1.0), (n.1, -1.0)]);
                    }
                }
            }
            let small = |x: f64| x > 0.0 && x < policy.min_persons;
            let mut sensitive: Vec<Vec<(usize, f64)>> = groups
                .iter()
                .filter(|g| small(value_of(g)))
                .cloned()
                .collect();
            let primary = if !sensitive.is_empty() {
                Some(Rule::SmallCount)
            } else if let Some(g) = attribute {
                sensitive.push(g);
                Some(Rule::Attribute)
            } else {
                None
            };
            let size = parts.iter().map(|p| p.2).fold(0.0, f64::max);
            let priority = match row.breakdown.as_str() {
                "total" if policy.keep_first.contains(&row.indicator_id) => 0,
                "total" => 1,
                _ => 2,
            };
            index.insert(
                (
                    row.indicator_id.as_str(),
                    row.year,
                    row.breakdown.as_str(),
                    row.breakdown_value.as_str(),
                ),
                cells.len(),
            );
            cells.push(Cell {
                row: r,
                unit,
                parts,
                primary,
                groups,
                sensitive,
                size,
                priority,
                key: (
                    row.indicator_id.clone(),
                    row.year,
                    row.breakdown.clone(),
                    row.breakdown_value.clone(),
                ),
            });
        }
        mark_zero_counts_of_attribute_cells(&mut cells);
        let relations = derived::relations(
            &derived::Cells {
                cells: &cells,
                owner: &owner,
                index: &index,
            },
            &person,
            micro,
        )?;
        Ok(Model {
            cells,
            owner,
            relations,
            policy: policy.clone(),
        })
    }

    /// Groups of cells linked by relations, each in key order; components in order of their
    /// first cell.
    fn components(&self) -> Vec<Vec<usize>> {
        let mut parent: Vec<usize> = (0..self.cells.len()).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            let mut y = x;
            while p[y] != r {
                let next = p[y];
                p[y] = r;
                y = next;
            }
            r
        }
        for rel in &self.relations {
            let first = self.owner[rel.terms[0].0];
            for &(q, _) in &rel.terms[1..] {
                let (a, b) = (find(&mut parent, first), find(&mut parent, self.owner[q]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for c in 0..self.cells.len() {
            let r = find(&mut parent, c);
            groups.entry(r).or_default().push(c);
        }
        groups
            .into_values()
            .filter(|g| g.iter().any(|&c| self.cells[c].primary.is_some()))
            .collect()
    }

    fn relations_of(&self, comp: &[usize]) -> Vec<&Relation> {
        let set: BTreeSet<usize> = comp.iter().copied().collect();
        self.relations
            .iter()
            .filter(|r| set.contains(&self.owner[r.terms[0].0]))
            .collect()
    }

    /// GaussSuppression: publishes cells largest first unless that makes a primary group
    /// computable from what is published and the declared equalities.
    fn gauss(&self, comp: &[usize], status: &mut [Option<Rule>]) {
        let quantities: Vec<usize> = comp
            .iter()
            .flat_map(|&c| self.cells[c].parts.iter().map(|p| p.1))
            .collect();
        let local: BTreeMap<usize, usize> = quantities
            .iter()
            .enumerate()
            .map(|(i, &q)| (q, i))
            .collect();
        let equalities: Vec<Vec<(usize, f64)>> = self
            .relations_of(comp)
            .into_iter()
            .filter(|r| r.equality)
            .map(|r| r.terms.iter().map(|&(q, c)| (local[&q], c)).collect())
            .collect();
        let basis = null_space(&equalities, quantities.len());
        let vector = |form: &[(usize, f64)]| -> Vec<f64> {
            let mut v = vec![0.0; basis.first().map_or(0, Vec::len)];
            for &(q, c) in form {
                for (x, b) in v.iter_mut().zip(&basis[local[&q]]) {
                    *x += c * b;
                }
            }
            v
        };
        let mut residuals: Vec<Vec<f64>> = comp
            .iter()
            .filter(|&&c| status[c].is_some())
            .flat_map(|&c| self.cells[c].sensitive.iter().map(|g| vector(g.as_slice())))
            .filter(|v| !is_zero(v))
            .collect();
        let mut echelon = Echelon::default();
        let mut candidates: Vec<usize> = comp
            .iter()
            .copied()
            .filter(|&c| status[c].is_none())
            .collect();
        candidates.sort_by(|&a, &b| {
            let (a, b) = (&self.cells[a], &self.cells[b]);
            a.priority
                .cmp(&b.priority)
                .then_with(|| b.size.total_cmp(&a.size))
                .then_with(|| a.key.cmp(&b.key))
        });
        for c in candidates {
            let mut trial = echelon.clone();
            let mut added = Vec::new();
            for p in &self.cells[c].parts {
                if let Some(i) = trial.add(vector(&[(p.1, 1.0)])) {
                    added.push(i);
                }
            }
            let mut next = residuals.clone();
            for r in next.iter_mut() {
                for &i in &added {
                    trial.reduce_by(r, i);
                }
            }
            if next.iter().any(|r| is_zero(r)) {
                status[c] = Some(Rule::SecondaryLinear);
            } else {
                echelon = trial;
                residuals = next;
            }
        }
    }

    /// Withholds more cells while an attacker's linear-programming bounds on a primary group
    /// are narrower than the protection level.
    ///
    /// Withholding a cell only widens every interval (its quantities become unknowns), so a
    /// group once protected stays protected and is not solved again; and each round withholds,
    /// for every weak cell at once, the smallest published cell related to it.
    fn widen(&self, comp: &[usize], status: &mut [Option<Rule>], unprotected: &mut Vec<String>) {
        let relations = self.relations_of(comp);
        let mut weak: Vec<usize> = comp
            .iter()
            .copied()
            .filter(|&c| status[c].is_some_and(|r| r == Rule::SmallCount || r == Rule::Attribute))
            .collect();
        loop {
            weak.retain(|&c| {
                self.cells[c].groups.iter().any(|g| {
                    let (lo, hi) = self.interval(comp, &relations, status, g);
                    !protected(&self.policy, lo, hi)
                })
            });
            if weak.is_empty() {
                return;
            }
            let neighbours = |of: &BTreeSet<usize>| -> BTreeSet<usize> {
                let mut out = BTreeSet::new();
                for r in &relations {
                    let owners: Vec<usize> = r.terms.iter().map(|t| self.owner[t.0]).collect();
                    if owners.iter().any(|o| of.contains(o)) {
                        out.extend(owners.into_iter().filter(|o| status[*o].is_none()));
                    }
                }
                out
            };
            let smallest = |pool: BTreeSet<usize>| {
                pool.into_iter().min_by(|&a, &b| {
                    let (a, b) = (&self.cells[a], &self.cells[b]);
                    b.priority
                        .cmp(&a.priority)
                        .then_with(|| a.size.total_cmp(&b.size))
                        .then_with(|| a.key.cmp(&b.key))
                })
            };
            // For each weak cell, the smallest published cell sharing a relation with it, or
            // failing that with any withheld cell of the component.
            let withheld: BTreeSet<usize> = comp
                .iter()
                .copied()
                .filter(|&c| status[c].is_some())
                .collect();
            let picks: BTreeSet<usize> = weak
                .iter()
                .filter_map(|&w| {
                    smallest(neighbours(&BTreeSet::from([w])))
                        .or_else(|| smallest(neighbours(&withheld)))
                })
                .collect();
            if picks.is_empty() {
                for &c in &weak {
                    let k = &self.cells[c].key;
                    unprotected.push(format!("{} {} {} = {}", k.0, k.1, k.2, k.3));
                }
                return;
            }
            for c in picks {
                status[c] = Some(Rule::SecondaryInterval);
            }
        }
    }

    /// The attacker's bounds on a linear form over quantities: every published quantity known,
    /// every relation known, counts ≥ 0, a share's numerator ≤ its denominator, a primary
    /// count's value in 1..min_persons − 1.
    fn interval(
        &self,
        comp: &[usize],
        relations: &[&Relation],
        status: &[Option<Rule>],
        form: &[(usize, f64)],
    ) -> (f64, f64) {
        let mut lp = Attacker::default();
        for &c in comp {
            let cell = &self.cells[c];
            for p in &cell.parts {
                if status[c].is_some() {
                    let bounds = if cell.unit == Unit::Count && status[c] == Some(Rule::SmallCount)
                    {
                        (1.0, self.policy.min_persons - 1.0)
                    } else {
                        (0.0, f64::INFINITY)
                    };
                    lp.unknown(p.1, bounds);
                } else {
                    lp.known(p.1, p.2);
                }
            }
            // A C mark on a share tells a reader that one of its groups is small; the attacker
            // is granted which one (the first: numerator, denominator, complement). Granting
            // all of them would be more than the mark says: a share over 3 persons would then
            // pin its numerator to 1..3, a range no suppression can widen.
            if status[c] == Some(Rule::SmallCount)
                && cell.unit != Unit::Count
                && let Some(g) = cell.sensitive.first()
            {
                lp.range(g, 1.0, self.policy.min_persons - 1.0);
            }
            if status[c].is_some() && cell.unit == Unit::Percent {
                let n = cell.parts.iter().find(|p| p.0 == Part::Numerator);
                let d = cell.parts.iter().find(|p| p.0 == Part::Denominator);
                if let (Some(n), Some(d)) = (n, d) {
                    lp.relation(&[(n.1, 1.0), (d.1, -1.0)], false);
                }
            }
        }
        for r in relations {
            lp.relation(&r.terms, r.equality);
        }
        lp.bounds(form)
    }
}

/// Whether a group of the cell (a count; a share's or rate's numerator or denominator) moved
/// since the published edition by fewer than the minimum group: the difference of the two
/// editions would publish the persons a provider's correction added or removed.
fn edition_difference(cell: &Cell, then: &PublishedCell, policy: &Policy) -> bool {
    cell.parts.iter().any(|&(part, _, now)| {
        let then = match part {
            Part::Value => then.value,
            Part::Numerator => then.numerator,
            Part::Denominator => then.denominator,
        };
        then.is_some_and(|then| {
            let d = (now - then).abs();
            d > 1e-9 && d < policy.min_persons
        })
    })
}

/// A count of 0 in a cell (year, breakdown, value) where a share is withheld for telling a
/// small group's outcome (0 % or 100 %) tells the same: "nobody passed" beside 1–4 persons
/// assessed is the attribute disclosure the share's suppression prevents. Such zeros are
/// withheld as attribute disclosure too, and protected like the share.
fn mark_zero_counts_of_attribute_cells(cells: &mut [Cell]) {
    let at_risk: BTreeSet<(i32, String, String)> = cells
        .iter()
        .filter(|c| c.primary == Some(Rule::Attribute))
        .map(|c| (c.key.1, c.key.2.clone(), c.key.3.clone()))
        .collect();
    for c in cells.iter_mut() {
        let zero = c.unit == Unit::Count && c.parts.iter().all(|p| p.2 == 0.0);
        if zero
            && c.primary.is_none()
            && at_risk.contains(&(c.key.1, c.key.2.clone(), c.key.3.clone()))
        {
            c.primary = Some(Rule::Attribute);
            c.sensitive = c.groups.clone();
        }
    }
}

/// The cells of one breakdown of an indicator in a year, in key order.
fn breakdown_cells<'k>(
    index: &BTreeMap<Key<'k>, usize>,
    id: &'k str,
    year: i32,
    b: &'k str,
) -> Vec<usize> {
    index
        .range((id, year, b, "")..)
        .take_while(|((i, y, bd, _), _)| *i == id && *y == year && *bd == b)
        .map(|(_, c)| *c)
        .collect()
}

fn quantity_value(cells: &[Cell], owner: &[usize], q: usize) -> f64 {
    cells[owner[q]]
        .parts
        .iter()
        .find(|p| p.1 == q)
        .map_or(0.0, |p| p.2)
}

fn checked(
    cells: &[Cell],
    owner: &[usize],
    terms: Vec<(usize, f64)>,
    equality: bool,
    indicator: &str,
    relation: &str,
    year: i32,
) -> Result<Relation, DisclosureError> {
    let sum: f64 = terms
        .iter()
        .map(|&(q, c)| c * quantity_value(cells, owner, q))
        .sum();
    // Relative tolerance: employment figures are large floating-point sums.
    let scale: f64 = terms
        .iter()
        .map(|&(q, c)| (c * quantity_value(cells, owner, q)).abs())
        .sum::<f64>()
        .max(1.0);
    let tolerance = 1e-9 * scale;
    let holds = if equality {
        sum.abs() <= tolerance
    } else {
        sum <= tolerance
    };
    if !holds {
        let detail = terms
            .iter()
            .map(|&(q, c)| {
                let k = &cells[owner[q]].key;
                format!(
                    "{c:+} × {} {} {} = {}: {}",
                    k.0,
                    k.1,
                    k.2,
                    k.3,
                    quantity_value(cells, owner, q)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Err(DisclosureError::RelationFails {
            indicator: indicator.into(),
            relation: relation.into(),
            year,
            detail: format!("{detail}; sum {sum}"),
        });
    }
    Ok(Relation { terms, equality })
}

/// Whether an attacker's interval for a group of a primary cell meets the protection level.
pub fn protected(policy: &Policy, lo: f64, hi: f64) -> bool {
    const EPS: f64 = 1e-6;
    hi >= policy.min_persons - EPS
        || (lo <= policy.protection_lower + EPS && hi >= policy.protection_upper - EPS)
}

fn is_zero(v: &[f64]) -> bool {
    v.iter().all(|x| x.abs() < 1e-9)
}

/// A basis of the null space of the equalities (rows over `n` quantities): one row per
/// quantity, giving that quantity's coordinates.
fn null_space(equalities: &[Vec<(usize, f64)>], n: usize) -> Vec<Vec<f64>> {
    let mut m: Vec<Vec<f64>> = equalities
        .iter()
        .map(|terms| {
            let mut row = vec![0.0; n];
            for &(q, c) in terms {
                row[q] += c;
            }
            row
        })
        .collect();
    let mut pivots = Vec::new();
    let mut r = 0;
    for col in 0..n {
        if r == m.len() {
            break;
        }
        let best = (r..m.len()).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()));
        let Some(best) = best.filter(|&b| m[b][col].abs() > 1e-9) else {
            continue;
        };
        m.swap(r, best);
        let p = m[r][col];
        for x in m[r].iter_mut() {
            *x /= p;
        }
        let pivot_row = m[r].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != r && row[col].abs() > 1e-12 {
                let f = row[col];
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * y;
                }
            }
        }
        pivots.push(col);
        r += 1;
    }
    let pivot_set: BTreeSet<usize> = pivots.iter().copied().collect();
    let free: Vec<usize> = (0..n).filter(|c| !pivot_set.contains(c)).collect();
    let mut basis = vec![vec![0.0; free.len()]; n];
    for (k, &f) in free.iter().enumerate() {
        basis[f][k] = 1.0;
        for (row, &p) in pivots.iter().enumerate() {
            basis[p][k] = -m[row][f];
        }
    }
    basis
}

/// Vectors kept in echelon form: each has a pivot where every later vector is zero.
#[derive(Clone, Default)]
struct Echelon {
    rows: Vec<(usize, Vec<f64>)>,
}

impl Echelon {
    fn reduce_by(&self, v: &mut [f64], i: usize) {
        let (p, row) = &self.rows[i];
        let f = v[*p];
        if f.abs() > 1e-12 {
            for (x, y) in v.iter_mut().zip(row) {
                *x -= f * y;
            }
        }
    }

    /// Adds a vector; returns its index when it was not already in the span.
    fn add(&mut self, mut v: Vec<f64>) -> Option<usize> {
        for i in 0..self.rows.len() {
            self.reduce_by(&mut v, i);
        }
        let (p, max) = v
            .iter()
            .enumerate()
            .map(|(i, x)| (i, x.abs()))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        if max < 1e-9 {
            return None;
        }
        let f = v[p];
        for x in v.iter_mut() {
            *x /= f;
        }
        // Keep earlier rows reduced at the new pivot so residuals stay canonical.
        for i in 0..self.rows.len() {
            let g = self.rows[i].1[p];
            if g.abs() > 1e-12 {
                let row = &mut self.rows[i].1;
                for (x, y) in row.iter_mut().zip(&v) {
                    *x -= g * y;
                }
            }
        }
        self.rows.push((p, v));
        Some(self.rows.len() - 1)
    }
}

/// The attacker's linear program (microlp): unknowns with bounds, known values substituted.
#[derive(Default)]
struct Attacker {
    unknown: BTreeMap<usize, (f64, f64)>,
    known: BTreeMap<usize, f64>,
    relations: Vec<(Vec<(usize, f64)>, bool)>,
    ranges: Vec<Range>,
}

/// lo ≤ Σ coef·q ≤ hi.
type Range = (Vec<(usize, f64)>, f64, f64);

impl Attacker {
    fn unknown(&mut self, q: usize, bounds: (f64, f64)) {
        self.unknown.insert(q, bounds);
    }
    fn known(&mut self, q: usize, v: f64) {
        self.known.insert(q, v);
    }
    fn relation(&mut self, terms: &[(usize, f64)], equality: bool) {
        self.relations.push((terms.to_vec(), equality));
    }
    /// lo ≤ Σ coef·q ≤ hi.
    fn range(&mut self, terms: &[(usize, f64)], lo: f64, hi: f64) {
        self.ranges.push((terms.to_vec(), lo, hi));
    }

    fn bounds(&self, form: &[(usize, f64)]) -> (f64, f64) {
        let lo = self.solve(form, microlp::OptimizationDirection::Minimize);
        let hi = self.solve(form, microlp::OptimizationDirection::Maximize);
        (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY))
    }

    /// None when unbounded (or, defensively, when the solver fails: treated as no bound).
    fn solve(&self, form: &[(usize, f64)], dir: microlp::OptimizationDirection) -> Option<f64> {
        let mut p = microlp::Problem::new(dir);
        let mut constant = 0.0;
        let mut vars = BTreeMap::new();
        for (&q, &b) in &self.unknown {
            let c: f64 = form.iter().filter(|t| t.0 == q).map(|t| t.1).sum();
            vars.insert(q, p.add_var(c, b));
        }
        for &(q, c) in form {
            if let Some(v) = self.known.get(&q) {
                constant += c * v;
            }
        }
        let substituted = |terms: &[(usize, f64)]| {
            let mut known = 0.0;
            let mut expr = Vec::new();
            for &(q, c) in terms {
                match vars.get(&q) {
                    Some(v) => expr.push((*v, c)),
                    None => known += c * self.known.get(&q).copied().unwrap_or(0.0),
                }
            }
            (expr, known)
        };
        for (terms, equality) in &self.relations {
            let (expr, known) = substituted(terms);
            if expr.is_empty() {
                continue;
            }
            let op = if *equality {
                microlp::ComparisonOp::Eq
            } else {
                microlp::ComparisonOp::Le
            };
            p.add_constraint(expr.as_slice(), op, -known);
        }
        for (terms, lo, hi) in &self.ranges {
            let (expr, known) = substituted(terms);
            if !expr.is_empty() {
                p.add_constraint(expr.as_slice(), microlp::ComparisonOp::Ge, lo - known);
                p.add_constraint(expr.as_slice(), microlp::ComparisonOp::Le, hi - known);
            }
        }
        match p.solve() {
            Ok(microlp::SolveOutcome::Solution(s)) => Some(s.objective() + constant),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_space_of_a_sum() {
        // t = a + b: two free coordinates, and t is the sum of a's and b's vectors.
        let basis = null_space(&[vec![(0, 1.0), (1, -1.0), (2, -1.0)]], 3);
        assert_eq!(basis[0].len(), 2);
        for ((t, a), b) in basis[0].iter().zip(&basis[1]).zip(&basis[2]) {
            assert!((t - a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn echelon_detects_span() {
        let mut e = Echelon::default();
        assert!(e.add(vec![1.0, 1.0, 0.0]).is_some());
        assert!(e.add(vec![0.0, 1.0, 1.0]).is_some());
        assert!(e.add(vec![1.0, 2.0, 1.0]).is_none());
        let mut r = vec![1.0, 0.0, -1.0];
        for i in 0..2 {
            e.reduce_by(&mut r, i);
        }
        assert!(is_zero(&r), "{r:?}");
    }

    #[test]
    fn attacker_bounds_a_cell_from_its_total() {
        let mut lp = Attacker::default();
        lp.known(0, 8.0);
        lp.unknown(1, (1.0, 4.0));
        lp.unknown(2, (0.0, f64::INFINITY));
        lp.relation(&[(0, 1.0), (1, -1.0), (2, -1.0)], true);
        let (lo, hi) = lp.bounds(&[(1, 1.0)]);
        assert!(
            (lo - 1.0).abs() < 1e-6 && (hi - 4.0).abs() < 1e-6,
            "{lo} {hi}"
        );
        // Two primary cells making up a total of 8 are both 4.
        let mut lp = Attacker::default();
        lp.known(0, 8.0);
        lp.unknown(1, (1.0, 4.0));
        lp.unknown(2, (1.0, 4.0));
        lp.relation(&[(0, 1.0), (1, -1.0), (2, -1.0)], true);
        let (lo, hi) = lp.bounds(&[(1, 1.0)]);
        assert!(
            (lo - 4.0).abs() < 1e-6 && (hi - 4.0).abs() < 1e-6,
            "{lo} {hi}"
        );
    }

    #[test]
    fn protection_level() {
        let p = Policy::default();
        assert!(protected(&p, 1.0, 4.0));
        assert!(protected(&p, 3.0, 9.0));
        assert!(!protected(&p, 2.0, 4.0));
        assert!(!protected(&p, 0.0, 0.0));
        assert!(!protected(&p, 3.0, 3.0));
    }
}
