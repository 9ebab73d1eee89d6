//! The controlled share of bad rows. Each one is an extra row (a copy of a clean row, re-keyed
//! unless the fault is the key itself) so the clean data stays complete and consistent and the
//! analysis can be checked against known counts.

use std::collections::BTreeMap;

use chrono::Duration;
use rand::Rng;
use rand::seq::SliceRandom;

use super::ids;
use super::table::{Cell, Col, Row, idx};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum BadKind {
    MalformedIin,
    IinCheckDigit,
    /// A flag, not a rejection (Decree No. 853): the IIN's digits disagree with birth_date.
    IinBirthDateMismatch,
    /// A flag, not a rejection: the IIN's century/sex digit disagrees with sex.
    IinSexMismatch,
    UnknownRegion,
    UnknownCentre,
    MissingRequired,
    UnparseableDate,
    /// A date before the date it may not precede (decision before application, closed before
    /// created, registration before its trigger, ...).
    DateOrder,
    DuplicateKey,
    UnparseableNumber,
    NqfLevelOutOfRange,
}

impl BadKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            BadKind::MalformedIin => "malformed_iin",
            BadKind::IinCheckDigit => "iin_check_digit",
            BadKind::IinBirthDateMismatch => "iin_birth_date_mismatch",
            BadKind::IinSexMismatch => "iin_sex_mismatch",
            BadKind::UnknownRegion => "unknown_region",
            BadKind::UnknownCentre => "unknown_centre",
            BadKind::MissingRequired => "missing_required",
            BadKind::UnparseableDate => "unparseable_date",
            BadKind::DateOrder => "date_order",
            BadKind::DuplicateKey => "duplicate_key",
            BadKind::UnparseableNumber => "unparseable_number",
            BadKind::NqfLevelOutOfRange => "nqf_level_out_of_range",
        }
    }
}

/// Which faults a source can carry and in which columns.
pub(crate) struct BadSpec {
    pub kinds: &'static [BadKind],
    /// Required columns (not the key) that may be left empty.
    pub missing: &'static [&'static str],
    /// Date columns that may hold text no parser accepts.
    pub dates: &'static [&'static str],
    /// (earlier, later): the later one is moved before the earlier one.
    pub order: Option<(&'static str, &'static str)>,
    /// Numeric columns that may hold text.
    pub numbers: &'static [&'static str],
}

const BAD_DATES: &[&str] = &[
    "2024-02-30",
    "31.06.2023",
    "15.13.2024",
    "н/д",
    "0000-00-00",
    "2023/14/01",
];
const BAD_NUMBERS: &[&str] = &["н/д", "87.5.1", "—", "abc", "1 2 3"];
const UNKNOWN_REGIONS: &[&str] = &["000000000", "640000000", "Алматы", "75000000", "990000000"];

pub(crate) struct Injector {
    spec: &'static BadSpec,
    p: f64,
    next: usize,
    pub counts: BTreeMap<BadKind, u64>,
}

impl Injector {
    /// `p` is the chance that a clean row is followed by a bad one; the kinds rotate from a
    /// random start so that every kind appears once enough rows are bad.
    pub(crate) fn new<R: Rng>(spec: &'static BadSpec, p: f64, rng: &mut R) -> Self {
        let next = rng.gen_range(0..spec.kinds.len().max(1));
        Self {
            spec,
            p,
            next,
            counts: BTreeMap::new(),
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    pub(crate) fn roll<R: Rng>(&mut self, rng: &mut R) -> Option<BadKind> {
        if self.spec.kinds.is_empty() || !rng.gen_bool(self.p) {
            return None;
        }
        Some(self.take_kind())
    }

    pub(crate) fn take_kind(&mut self) -> BadKind {
        let k = self.spec.kinds[self.next % self.spec.kinds.len()];
        self.next += 1;
        k
    }

    /// Turns `row` (already a re-keyed copy unless `kind` is a duplicate key) into a bad row.
    pub(crate) fn corrupt<R: Rng>(
        &mut self,
        kind: BadKind,
        row: &mut Row,
        cols: &[Col],
        rng: &mut R,
        ghost_bin: &str,
    ) {
        let spec = self.spec;
        match kind {
            BadKind::MalformedIin | BadKind::IinCheckDigit => {
                let i = idx(cols, "iin");
                let valid = match &row[i] {
                    Cell::Str(s) if s.len() == 12 => s.clone(),
                    _ => "900101300017".to_string(),
                };
                row[i] = Cell::Raw(if kind == BadKind::MalformedIin {
                    ids::malformed(rng, &valid)
                } else {
                    ids::with_wrong_check(rng, &valid)
                });
            }
            BadKind::IinBirthDateMismatch => {
                let i = idx(cols, "birth_date");
                if let Cell::Date(d) = row[i] {
                    let shift = if rng.gen_bool(0.5) {
                        rng.gen_range(1..28)
                    } else {
                        rng.gen_range(365..3000)
                    };
                    row[i] = Cell::Date(d - Duration::days(shift));
                }
            }
            BadKind::IinSexMismatch => {
                let i = idx(cols, "sex");
                row[i] = Cell::s(if row[i] == Cell::s("M") { "F" } else { "M" });
            }
            BadKind::UnknownRegion => {
                let i = idx(cols, "region");
                row[i] = Cell::s(*UNKNOWN_REGIONS.choose(rng).expect("non-empty"));
            }
            BadKind::UnknownCentre => {
                let i = idx(cols, "centre_bin");
                row[i] = Cell::s(ghost_bin);
            }
            BadKind::MissingRequired => {
                let name = spec
                    .missing
                    .choose(rng)
                    .expect("spec lists missing columns");
                row[idx(cols, name)] = Cell::Empty;
            }
            BadKind::UnparseableDate => {
                let name = spec.dates.choose(rng).expect("spec lists date columns");
                row[idx(cols, name)] =
                    Cell::Raw(BAD_DATES.choose(rng).expect("non-empty").to_string());
            }
            BadKind::DateOrder => {
                let (early, late) = spec.order.expect("spec names a date order");
                if let Cell::Date(d) = row[idx(cols, early)] {
                    row[idx(cols, late)] = Cell::Date(d - Duration::days(rng.gen_range(1..40)));
                }
            }
            BadKind::DuplicateKey => {}
            BadKind::UnparseableNumber => {
                let name = spec.numbers.choose(rng).expect("spec lists number columns");
                row[idx(cols, name)] =
                    Cell::Raw(BAD_NUMBERS.choose(rng).expect("non-empty").to_string());
            }
            BadKind::NqfLevelOutOfRange => {
                let bad = *[0i64, 9, 10, 12].choose(rng).expect("non-empty");
                if let Some(i) = cols
                    .iter()
                    .position(|c| c.name == "nqf_level" || c.name == "level")
                {
                    row[i] = Cell::Int(bad);
                } else {
                    let i = idx(cols, "nqf_levels");
                    if let Cell::List(items) = &mut row[i] {
                        items.push(bad.to_string());
                    }
                }
            }
        }
        *self.counts.entry(kind).or_default() += 1;
    }

    /// For the registers, whose row count is known: adds `n` bad rows after random clean rows.
    /// `rekey` gives an extra row a key of its own (it gets the running number of the extra).
    pub(crate) fn inject_n<R: Rng>(
        &mut self,
        rows: &mut Vec<Row>,
        n: usize,
        cols: &[Col],
        rng: &mut R,
        ghost_bin: &str,
        mut rekey: impl FnMut(&mut Row, usize),
    ) {
        if rows.is_empty() || self.spec.kinds.is_empty() {
            return;
        }
        for k in 0..n {
            let at = rng.gen_range(0..rows.len());
            let kind = self.take_kind();
            let mut extra = rows[at].clone();
            if kind != BadKind::DuplicateKey {
                rekey(&mut extra, k);
            }
            self.corrupt(kind, &mut extra, cols, rng, ghost_bin);
            rows.insert(at + 1, extra);
        }
    }
}

/// Adds the counts of `from` into the per-source, per-kind table of the summary.
pub(crate) fn merge_counts(
    into: &mut BTreeMap<String, BTreeMap<String, u64>>,
    source: &str,
    from: &BTreeMap<BadKind, u64>,
) {
    if from.is_empty() {
        return;
    }
    let e = into.entry(source.to_string()).or_default();
    for (k, v) in from {
        *e.entry(k.name().to_string()).or_default() += v;
    }
}
