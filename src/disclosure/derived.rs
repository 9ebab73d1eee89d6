//! The relations between published person counts, derived from the data rather than declared.
//!
//! 1. **Within a block** (one breakdown value, or the national total, of one kind of unit, over
//!    every indicator and year of the window): every published quantity is Σ n · units over the
//!    units' patterns ([`super::units`]). A linear combination of quantity types that is zero on
//!    every pattern seen anywhere in that breakdown is zero in every block of it: an equality a
//!    reader can use (the absent share's denominator = the pass rate's denominator + the absent
//!    numerator; the median's denominator = the pass rate's; certificates valid at the year end
//!    = last year's + issued − revoked, by NQF level; an employer cell whose numerator is its
//!    denominator). These are the null space of the pattern matrix.
//! 2. **Inequalities within a block**: a quantity (or a share's complement, denominator −
//!    numerator) that is at most another on every pattern is at most it in every block: persons
//!    passed ≤ passed decisions, persons assessed ≤ decisions, assessed − passed persons ≤
//!    failed decisions. Kept after transitive reduction.
//! 3. **Across the values of a breakdown**: the cells add up to the total exactly where they do
//!    in the data (a reader who sees a breakdown always add up treats it as a partition, whatever
//!    the definition allows), else each cell ≤ total ≤ their sum.
//!
//! A quantity of a breakdown value with no row is 0 where the indicator publishes the breakdown
//! in that year (nothing was counted), and unknown where it does not (the relation is then not
//! used for that value).

use super::units::{Microdata, Pattern, Term};
use super::{Cell, DisclosureError, Key, Part, Relation, checked, null_space, quantity_value};
use crate::indicators::Indicator;
use std::collections::{BTreeMap, BTreeSet};

/// The model's cells as [`super::Model::build`] has them.
pub(super) struct Cells<'a, 'k> {
    pub cells: &'a [Cell],
    pub owner: &'a [usize],
    pub index: &'a BTreeMap<Key<'k>, usize>,
}

/// A linear form over quantity types of one block.
type Form = Vec<(usize, f64)>;

/// Every derived relation over the model's quantities.
pub(super) fn relations(
    model: &Cells,
    person: &BTreeMap<&str, &Indicator>,
    micro: &Microdata,
) -> Result<Vec<Relation>, DisclosureError> {
    check_units(model, micro)?;
    let mut out = partitions(model, person)?;
    let mut groups: BTreeMap<(&str, &str), Vec<&Pattern>> = BTreeMap::new();
    for p in &micro.patterns {
        groups.entry((&p.kind, &p.breakdown)).or_default().push(p);
    }
    for ((_, breakdown), patterns) in groups {
        let block = Block::new(&patterns);
        let values: BTreeSet<&str> = patterns.iter().map(|p| p.value.as_str()).collect();
        for (form, equality) in block.equalities().into_iter().chain(block.inequalities()) {
            for &value in &values {
                let Some(terms) = block.instance(model, &form, breakdown, value) else {
                    continue;
                };
                if terms.is_empty() {
                    continue;
                }
                let what = if equality {
                    "an equality the units imply"
                } else {
                    "an inequality the units imply"
                };
                let relation = format!("{what} ({breakdown} = {value})");
                let year = block.types[form[0].0].year;
                out.push(checked(
                    model.cells,
                    model.owner,
                    terms,
                    equality,
                    &block.types[form[0].0].indicator,
                    &relation,
                    year,
                )?);
            }
        }
    }
    Ok(out)
}

/// Each published person count must be the sum of its units: otherwise the indicator's SQL
/// gives its rows units that are not the ones it counts.
fn check_units(model: &Cells, micro: &Microdata) -> Result<(), DisclosureError> {
    let mut sums: BTreeMap<(&str, i32, &str, &str, Part), f64> = BTreeMap::new();
    for p in &micro.patterns {
        for (t, n) in &p.terms {
            *sums
                .entry((&t.indicator, t.year, &p.breakdown, &p.value, t.part))
                .or_default() += n * p.units;
        }
    }
    for ((ind, year, b, v, part), sum) in sums {
        let Some(&c) = model.index.get(&(ind, year, b, v)) else {
            continue;
        };
        let cell = &model.cells[c];
        let Some(&(_, q, _)) = cell.parts.iter().find(|p| p.0 == part) else {
            continue;
        };
        let value = quantity_value(model.cells, model.owner, q);
        if (value - sum).abs() > 1e-6 * value.abs().max(1.0) {
            return Err(DisclosureError::UnitsDisagree {
                indicator: ind.to_string(),
                cell: format!("{year}, {b} = {v}, {part:?}"),
                published: value,
                units: sum,
            });
        }
    }
    Ok(())
}

/// Across the values of each breakdown: a partition where the cells add up, else covers.
fn partitions(
    model: &Cells,
    person: &BTreeMap<&str, &Indicator>,
) -> Result<Vec<Relation>, DisclosureError> {
    let mut out = Vec::new();
    for (&(id, year, b, v), &t) in model.index {
        if b != "total" || v != "total" {
            continue;
        }
        let Some(ind) = person.get(id) else { continue };
        for breakdown in ind.header.breakdowns.iter().filter(|x| *x != "total") {
            let members = super::breakdown_cells(model.index, id, year, breakdown);
            if members.is_empty() {
                continue;
            }
            for &(part, tq, total) in &model.cells[t].parts {
                let ms: Vec<usize> = members
                    .iter()
                    .filter_map(|&m| model.cells[m].parts.iter().find(|p| p.0 == part))
                    .map(|p| p.1)
                    .collect();
                let sum: f64 = ms
                    .iter()
                    .map(|&q| quantity_value(model.cells, model.owner, q))
                    .sum();
                let mut terms = vec![(tq, 1.0)];
                terms.extend(ms.iter().map(|&m| (m, -1.0)));
                let exact = (sum - total).abs() <= 1e-9 * total.abs().max(1.0);
                let name = if exact { "adds up" } else { "covers" };
                let relation = format!("{breakdown} {name} ({part:?})");
                if exact || sum > total {
                    out.push(checked(
                        model.cells,
                        model.owner,
                        terms,
                        exact,
                        id,
                        &relation,
                        year,
                    )?);
                }
                if !exact {
                    for &m in &ms {
                        if quantity_value(model.cells, model.owner, m) <= total {
                            out.push(checked(
                                model.cells,
                                model.owner,
                                vec![(m, 1.0), (tq, -1.0)],
                                false,
                                id,
                                &relation,
                                year,
                            )?);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The patterns of one kind of unit and one breakdown, pooled over its values: what a reader
/// knows can occur in any of them.
struct Block {
    types: Vec<Term>,
    /// Distinct pattern vectors over `types`.
    rows: Vec<Vec<f64>>,
}

impl Block {
    fn new(patterns: &[&Pattern]) -> Block {
        let types: Vec<Term> = patterns
            .iter()
            .flat_map(|p| p.terms.iter().map(|(t, _)| t.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let at: BTreeMap<&Term, usize> = types.iter().enumerate().map(|(i, t)| (t, i)).collect();
        let mut rows: Vec<Vec<f64>> = patterns
            .iter()
            .map(|p| {
                let mut row = vec![0.0; types.len()];
                for (t, n) in &p.terms {
                    row[at[t]] = *n;
                }
                row
            })
            .collect();
        rows.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        rows.dedup();
        Block { types, rows }
    }

    /// A basis of the combinations of types that vanish on every pattern.
    fn equalities(&self) -> Vec<(Form, bool)> {
        let n = self.types.len();
        let rows: Vec<Vec<(usize, f64)>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .copied()
                    .enumerate()
                    .filter(|x| x.1 != 0.0)
                    .collect()
            })
            .collect();
        let basis = null_space(&rows, n);
        let dims = basis.first().map_or(0, Vec::len);
        (0..dims)
            .map(|k| {
                let form: Form = (0..n)
                    .map(|q| (q, basis[q][k]))
                    .filter(|x| x.1.abs() > 1e-9)
                    .collect();
                (form, true)
            })
            .filter(|(f, _)| !f.is_empty())
            .collect()
    }

    /// The forms compared: every type, and the difference of every two types of a year of
    /// which one is at most the other on every pattern (a share's complement, denominator −
    /// numerator; persons assessed − persons passed).
    fn forms(&self) -> Vec<(i32, Form)> {
        let singles: Vec<(i32, Form)> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.year, vec![(i, 1.0)]))
            .collect();
        let column = |i: usize| self.rows.iter().map(move |r| r[i]);
        let mut forms = singles.clone();
        for (a, ta) in self.types.iter().enumerate() {
            for (b, tb) in self.types.iter().enumerate() {
                if a != b
                    && ta.year == tb.year
                    && column(a).zip(column(b)).all(|(x, y)| x <= y)
                    && column(a).zip(column(b)).any(|(x, y)| x < y)
                    && column(a).any(|x| x > 0.0)
                {
                    forms.push((ta.year, vec![(b, 1.0), (a, -1.0)]));
                }
            }
        }
        forms
    }

    /// Whether one side counts units once (a count, `value`) and the other counts their rows
    /// (a numerator or denominator): persons against their decisions. Inequalities within one
    /// grain follow from the equalities and non-negativity, so only these are kept.
    fn across_grains(&self, f: &Form, g: &Form) -> bool {
        let counts = |form: &Form| form.iter().all(|&(i, _)| self.types[i].part == Part::Value);
        let rows = |form: &Form| form.iter().all(|&(i, _)| self.types[i].part != Part::Value);
        (counts(f) && rows(g)) || (rows(f) && counts(g))
    }

    /// Whether g − f is a single type (f ≤ g then holds because counts are not negative).
    fn nonnegative_gap(f: &Form, g: &Form) -> bool {
        let mut gap: BTreeMap<usize, f64> = BTreeMap::new();
        for &(i, c) in g {
            *gap.entry(i).or_default() += c;
        }
        for &(i, c) in f {
            *gap.entry(i).or_default() -= c;
        }
        let left: Vec<f64> = gap.into_values().filter(|c| c.abs() > 1e-12).collect();
        left.len() == 1 && left[0] > 0.0
    }

    fn eval(row: &[f64], form: &Form) -> f64 {
        form.iter().map(|&(i, c)| c * row[i]).sum()
    }

    /// f ≤ g on every pattern (f, g of one year, neither equal to the other on every pattern
    /// nor f zero on all), after transitive reduction.
    fn inequalities(&self) -> Vec<(Form, bool)> {
        let forms = self.forms();
        let values: Vec<Vec<f64>> = forms
            .iter()
            .map(|(_, f)| self.rows.iter().map(|r| Block::eval(r, f)).collect())
            .collect();
        let n = forms.len();
        let below: Vec<Vec<bool>> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| {
                        a != b
                            && forms[a].0 == forms[b].0
                            && values[a].iter().zip(&values[b]).all(|(x, y)| x <= y)
                            && values[a] != values[b]
                            && values[a].iter().any(|x| *x != 0.0)
                    })
                    .collect()
            })
            .collect();
        let mut pairs = Vec::new();
        for a in 0..n {
            for b in 0..n {
                let implied = || (0..n).any(|h| below[a][h] && below[h][b]);
                if below[a][b]
                    && self.across_grains(&forms[a].1, &forms[b].1)
                    && !implied()
                    && !Block::nonnegative_gap(&forms[a].1, &forms[b].1)
                {
                    pairs.push((a, b));
                }
            }
        }
        pairs
            .into_iter()
            .map(|(a, b)| {
                let mut form = forms[a].1.clone();
                form.extend(forms[b].1.iter().map(|&(i, c)| (i, -c)));
                (form, false)
            })
            .collect()
    }

    /// The form at one breakdown value, over the model's quantities; `None` when it names a
    /// quantity the reader cannot know to be 0 or see (the indicator does not publish the
    /// breakdown in that year).
    fn instance(
        &self,
        model: &Cells,
        form: &Form,
        breakdown: &str,
        value: &str,
    ) -> Option<Vec<(usize, f64)>> {
        let mut terms: BTreeMap<usize, f64> = BTreeMap::new();
        for &(i, c) in form {
            let t = &self.types[i];
            match model
                .index
                .get(&(t.indicator.as_str(), t.year, breakdown, value))
            {
                Some(&cell) => {
                    let cell = &model.cells[cell];
                    let q = cell.parts.iter().find(|p| p.0 == t.part)?.1;
                    *terms.entry(q).or_default() += c;
                }
                None => {
                    let published = super::breakdown_cells(
                        model.index,
                        t.indicator.as_str(),
                        t.year,
                        breakdown,
                    );
                    if published.is_empty() {
                        return None;
                    }
                }
            }
        }
        Some(terms.into_iter().filter(|x| x.1.abs() > 1e-12).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::units::{Microdata, Pattern, Term};
    use super::super::{Echelon, Model, Part, Policy, is_zero};
    use crate::indicators::{Confidentiality, Header, Indicator, Row};
    use std::collections::BTreeMap;

    /// A decision: (person, year, region, result).
    type Decision = (&'static str, i32, &'static str, &'static str);

    fn indicator(id: &str, unit: &str) -> Indicator {
        let header: Header = toml::from_str(&format!(
            "id = '{id}'\ntopic = 'recognition'\ntitle = {{ kk = 'x', ru = 'x' }}\n\
             definition = {{ kk = 'x', ru = 'x' }}\nformula = 'x'\nunit = '{unit}'\n\
             breakdowns = ['total', 'region']\nsources = []\ncounts_persons = true\n"
        ))
        .unwrap();
        Indicator {
            header,
            sql: String::new(),
            path: format!("{id}.sql").into(),
        }
    }

    fn indicators() -> Vec<Indicator> {
        vec![
            indicator("pass_rate", "percent"),
            indicator("absent_share", "percent"),
            indicator("persons_passed", "count"),
            indicator("persons_assessed", "count"),
        ]
    }

    /// Which (indicator, part) a decision counts in, as the indicators' SQL counts it.
    fn parts_of(result: &str) -> Vec<(&'static str, Part)> {
        let mut out = vec![("absent_share", Part::Denominator)];
        match result {
            "absent" => out.push(("absent_share", Part::Numerator)),
            "passed" => out.extend([
                ("pass_rate", Part::Numerator),
                ("pass_rate", Part::Denominator),
            ]),
            _ => out.push(("pass_rate", Part::Denominator)),
        }
        out
    }

    /// The cells and the units' patterns of the four indicators over `decisions`.
    fn table(decisions: &[Decision]) -> (Vec<Row>, Microdata) {
        // (indicator, year, breakdown, value) → part → (decisions, persons)
        let mut counts: BTreeMap<(String, i32, String, String), BTreeMap<Part, f64>> =
            BTreeMap::new();
        // (breakdown, value, person) → term → n
        let mut units: BTreeMap<(String, String, String), BTreeMap<Term, f64>> = BTreeMap::new();
        let mut persons: BTreeMap<(&str, i32, String, String, &str), ()> = BTreeMap::new();
        for &(person, year, region, result) in decisions {
            for (b, v) in [("total", "total"), ("region", region)] {
                let mut add = |ind: &str, part: Part, n: f64| {
                    *counts
                        .entry((ind.into(), year, b.into(), v.into()))
                        .or_default()
                        .entry(part)
                        .or_default() += n;
                    *units
                        .entry((b.into(), v.into(), person.into()))
                        .or_default()
                        .entry(Term {
                            indicator: ind.into(),
                            year,
                            part,
                        })
                        .or_default() += n;
                };
                for (ind, part) in parts_of(result) {
                    add(ind, part, 1.0);
                }
                let kinds: &[&str] = match result {
                    "passed" => &["persons_passed", "persons_assessed"],
                    "failed" => &["persons_assessed"],
                    _ => &[],
                };
                for &ind in kinds {
                    if persons
                        .insert((person, year, b.into(), v.into(), ind), ())
                        .is_none()
                    {
                        add(ind, Part::Value, 1.0);
                    }
                }
            }
        }
        let rows = counts
            .into_iter()
            .map(|((ind, year, b, v), parts)| {
                let count = ind.starts_with("persons");
                let num = parts.get(&Part::Numerator).copied().unwrap_or(0.0);
                let den = parts.get(&Part::Denominator).copied().unwrap_or(0.0);
                Row {
                    indicator_id: ind,
                    year,
                    breakdown: b,
                    breakdown_value: v,
                    value: Some(if count {
                        parts[&Part::Value]
                    } else {
                        100.0 * num / den.max(1.0)
                    }),
                    numerator: (!count).then_some(num),
                    denominator: (!count).then_some(den),
                    suppressed: false,
                    confidentiality: Confidentiality::Free,
                    provisional: false,
                }
            })
            .collect();
        // (breakdown, value, the unit's pattern) -> how many units have it
        type Patterns = BTreeMap<(String, String, Vec<(Term, u64)>), f64>;
        let mut patterns: Patterns = BTreeMap::new();
        for ((b, v, _), terms) in units {
            let terms = terms.into_iter().map(|(t, n)| (t, n as u64)).collect();
            *patterns.entry((b, v, terms)).or_default() += 1.0;
        }
        let micro = Microdata {
            patterns: patterns
                .into_iter()
                .map(|((breakdown, value, terms), units)| Pattern {
                    kind: "person".into(),
                    breakdown,
                    value,
                    terms: terms.into_iter().map(|(t, n)| (t, n as f64)).collect(),
                    units,
                })
                .collect(),
            ..Default::default()
        };
        (rows, micro)
    }

    fn decisions() -> Vec<Decision> {
        vec![
            ("p1", 2025, "A", "passed"),
            ("p1", 2025, "A", "failed"),
            ("p2", 2025, "A", "absent"),
            ("p3", 2025, "A", "failed"),
            ("p4", 2025, "B", "passed"),
            ("p5", 2025, "B", "passed"),
            ("p5", 2025, "B", "passed"),
            ("p6", 2025, "B", "absent"),
            ("p7", 2025, "B", "failed"),
        ]
    }

    /// The quantity of (indicator, region, part) in the model.
    fn quantity(model: &Model, ind: &str, value: &str, part: Part) -> usize {
        let b = if value == "total" { "total" } else { "region" };
        let c = model
            .cells
            .iter()
            .find(|c| c.key.0 == ind && c.key.2 == b && c.key.3 == value)
            .unwrap();
        c.parts.iter().find(|p| p.0 == part).unwrap().1
    }

    fn model() -> Model {
        let (rows, micro) = table(&decisions());
        Model::build(&rows, &indicators(), &Policy::default(), &micro).unwrap()
    }

    /// Whether a linear form over quantities follows from the model's equalities.
    fn implied(model: &Model, form: &[(usize, f64)]) -> bool {
        let n = model.owner.len();
        let dense = |terms: &[(usize, f64)]| {
            let mut v = vec![0.0; n];
            for &(q, c) in terms {
                v[q] += c;
            }
            v
        };
        let mut e = Echelon::default();
        for r in model.relations.iter().filter(|r| r.equality) {
            e.add(dense(&r.terms));
        }
        let mut v = dense(form);
        for i in 0..e.rows.len() {
            e.reduce_by(&mut v, i);
        }
        is_zero(&v)
    }

    /// Whether the model holds f − g ≤ 0 as one inequality.
    fn bounded(model: &Model, form: &[(usize, f64)]) -> bool {
        let mut want: Vec<(usize, f64)> = form.to_vec();
        want.sort_by_key(|a| a.0);
        model.relations.iter().filter(|r| !r.equality).any(|r| {
            let mut got = r.terms.clone();
            got.sort_by_key(|a| a.0);
            got.len() == want.len()
                && got
                    .iter()
                    .zip(&want)
                    .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() < 1e-9)
        })
    }

    #[test]
    fn absent_denominator_is_pass_denominator_plus_absent_numerator_cell_by_cell() {
        let m = model();
        for region in ["A", "B", "total"] {
            let form = [
                (quantity(&m, "absent_share", region, Part::Denominator), 1.0),
                (quantity(&m, "pass_rate", region, Part::Denominator), -1.0),
                (quantity(&m, "absent_share", region, Part::Numerator), -1.0),
            ];
            assert!(implied(&m, &form), "{region}");
        }
    }

    #[test]
    fn a_breakdown_that_adds_up_in_the_data_is_a_partition() {
        // Persons passed by region add up (no person passed in two regions), though a person
        // may count in several regions by definition.
        let m = model();
        let form = [
            (quantity(&m, "persons_passed", "total", Part::Value), 1.0),
            (quantity(&m, "persons_passed", "A", Part::Value), -1.0),
            (quantity(&m, "persons_passed", "B", Part::Value), -1.0),
        ];
        assert!(implied(&m, &form));
    }

    #[test]
    fn persons_are_bounded_by_their_decisions() {
        let m = model();
        for region in ["A", "B"] {
            let passed = quantity(&m, "persons_passed", region, Part::Value);
            let assessed = quantity(&m, "persons_assessed", region, Part::Value);
            let num = quantity(&m, "pass_rate", region, Part::Numerator);
            let den = quantity(&m, "pass_rate", region, Part::Denominator);
            // persons passed ≤ passed decisions (p1 has one passed and one failed decision).
            assert!(bounded(&m, &[(passed, 1.0), (num, -1.0)]), "{region}");
            // persons assessed − persons passed ≤ failed decisions (denominator − numerator).
            assert!(
                bounded(
                    &m,
                    &[(assessed, 1.0), (passed, -1.0), (den, -1.0), (num, 1.0)]
                ),
                "{region}"
            );
            // persons assessed ≤ decisions assessed.
            assert!(
                bounded(&m, &[(assessed, 1.0), (den, -1.0)])
                    || implied(&m, &[(assessed, 1.0), (den, -1.0)]),
                "{region}"
            );
        }
    }

    #[test]
    fn a_relation_the_units_contradict_is_refused() {
        let (mut rows, micro) = table(&decisions());
        for r in rows
            .iter_mut()
            .filter(|r| r.indicator_id == "persons_passed")
        {
            r.value = r.value.map(|v| v + 1.0);
        }
        let err = Model::build(&rows, &indicators(), &Policy::default(), &micro)
            .err()
            .expect("units that do not add up to the published value");
        assert!(err.to_string().contains("persons_passed"), "{err}");
    }
}
