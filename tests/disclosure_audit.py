#!/usr/bin/env python3
"""Independent disclosure audit of the published recognition tables (issue 26).

    disclosure_audit.py YEAR_DIR PIPELINES_DIR [--json] [--truth TRUE_YEAR_DIR] [--no-explain]
    disclosure_audit.py --self-test

The audit plays a reader with statistical skill who has only what is published, and solves
that reader's problem as the reader would: one integer, non-negative linear program over the
recognition family (scipy.optimize.milp, HiGHS), bounding every withheld group of persons. It
shares no code and no declared `[relations]` with the engine (`src/disclosure.rs`): its model is
written here from the published methodology, the indicators' definitions and SQL.

WHAT THE READER IS ASSUMED TO KNOW
----------------------------------
1. Every row of `YEAR_DIR/indicators.parquet` (all years of its window): the value, numerator
   and denominator of every published (status F) cell, and which cells are withheld and how
   (SDMX CONF_STATUS: C primary, D secondary). And, when `nqs extract` has written it,
   `YEAR_DIR/research/recognitions.parquet` with `research/extract.json` (the research extract:
   one record per decision of the year, some quasi-identifiers recoded or left empty, some
   records left out and counted).
2. The definitions (`PIPELINES_DIR/indicators/*.toml` and `*.sql`, `shared/*.sql`), from which:
   - every decision of a year has exactly one result (the recognition_results contract's codes:
     passed, failed, absent), one referral, one region, NQF level, sex, age band and sector; so
     the decision-based shares (recognition_pass_rate: passed of passed+failed;
     candidates_absent_share: absent of passed+failed+absent; employer_referral_share:
     employer-referred of all decisions; certificates_issued_share_of_passed: of passed
     decisions; the denominator of median_days_application_to_decision: passed+failed
     decisions with an application date) are sums of one table of decisions cross-classified
     by result x referral x each breakdown. In particular the absent share's denominator is the
     pass rate's denominator plus the absent numerator, cell by cell, and the employer share's
     denominator is the absent share's;
   - recognitions_per_10k_employed's numerator is a subset of the pass rate's numerator, region by
     region (passed decisions in the register's NCO major groups), its total the sum of its
     regions; the median's denominator is a subset of the pass rate's denominator;
   - persons are counted once per cell (candidates_passed, candidates_assessed): persons passed
     <= passed decisions, persons assessed <= passed+failed decisions, persons passed <= persons
     assessed, persons assessed - persons passed <= failed decisions, cell by cell; a cell has
     persons exactly when it has decisions; a breakdown's cells add up to at least the national
     figure and each is at most it;
   - repeat_candidates_share counts each assessed person once (the latest assessment's sex and
     referral): its national denominator is candidates_assessed's national figure, its
     breakdowns partition it, and each of its cells is at most candidates_assessed's cell;
   - certificates: each certificate is issued once and revoked at most once, so issued (by NQF
     level, sector, region of the centre), revoked (by reason) and valid at year end (by NQF
     level) add up over their breakdowns; valid(y) = valid(y-1) + issued(y) - revoked(y) -
     expired(y), by NQF level, with revocations by level unknown and expiries >= 0;
   - a share's cell appears only where it has a denominator; a count's breakdown cell only where
     it counts something: a breakdown value with no row means 0 (and a row means >= 1);
   - `PIPELINES_DIR/disclosure.toml` (the published policy): a C mark on a count means 1..4; on a
     share, that the numerator, the complement or the denominator is 1..4, or the share is 0 % or
     100 % over fewer than `attribute_min_group`; on a median, its denominator is 1..4.
3. What the published figures show about relations the definitions leave open (a reader takes
   what the data are, not the weakest declaration):
   - a person breakdown whose cells add up exactly to the national figure in every year in which
     all of them are published is taken as a partition in every year;
   - an inequality above that holds with equality in every cell where both sides are published
     (median denominator = pass-rate denominator; per-10k numerator = pass-rate numerator) is
     taken as an equality everywhere;
   - if the certificates' national stock and flows show no expiry in every year where all four
     figures are published, nothing expires in the window.
4. A published share with a known denominator fixes its numerator (and the other way round); a
   published share alone fixes its numerator-to-denominator ratio.

WHAT IS REPORTED (a leak; exit status 1)
----------------------------------------
- `narrow`: a group of persons of a primary (C) cell - a count; a share's numerator,
  denominator and complement; a median's denominator; a per-10k numerator - whose interval is
  narrower than the protection level: it neither reaches 5 (min_persons) nor covers the whole
  range 1..4 (protection_lower..protection_upper). A group pinned to 0 is one.
- `exact`: a withheld (C or D) cell whose published figure is recoverable exactly (a count; a
  share's numerator and denominator, or a share pinned to 0 % or 100 %; a median's denominator;
  a per-10k numerator and denominator).
Each leak names the relations the reader's proof rests on (the relation families with a
non-zero dual value at the optimum of the linear relaxation, for the least and the greatest
value; families that always hold by the definitions are not named). Cells are first settled by
tables the reader cannot rule out (integer solutions found on the way: an inner bound), and
bounded by their own integer programs only when those do not settle them. With `--truth DIR`
(the same run with suppression switched off, or lowered), every interval of a cell DIR
publishes is checked to hold the true figure (exit 2 if one does not).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import tomllib
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, hstack, vstack

INF = math.inf
P, F, A = "passed", "failed", "absent"

# The recognition family as its definitions (toml + sql) state them.
DECISION_SHARES = {
    # indicator: (numerator results, numerator referrals or None, denominator results)
    "recognition_pass_rate": ([P], None, [P, F]),
    "candidates_absent_share": ([A], None, [P, F, A]),
    "employer_referral_share": (None, ["employer"], None),  # all results
}
PERSONS = {"candidates_passed": "pp", "candidates_assessed": "pa"}
CERTS = {
    "certificates_issued": "ci",
    "certificates_revoked": "cr",
    "certificates_valid_year_end": "cv",
}
FAMILY = (  # a list: `--same-persons` adds to it and to PERSONS
    list(DECISION_SHARES)
    + [
        "certificates_issued_share_of_passed",
        "median_days_application_to_decision",
        "recognitions_per_10k_employed",
        "repeat_candidates_share",
    ]
    + list(PERSONS)
    + list(CERTS)
)
# Breakdowns each decision has exactly one value of (crossed with result and referral).
DECISION_BREAKDOWNS = ["region", "nqf_level", "sex", "age_band", "sector"]
# Tags of structural relations (always true by the definitions): never listed as "needed".
STRUCTURAL = {"decisions", "definitions"}


def expr_add(*terms):
    out = defaultdict(float)
    for coef, e in terms:
        for k, v in e.items():
            out[k] += coef * v
    return {k: v for k, v in out.items() if v != 0}


class Model:
    def __init__(self):
        self.index = {}
        self.names = []
        self.lb = []
        self.ub = []
        self.integer = []
        self.rows = []  # (expr, lo, hi, tag)

    def var(self, name, lb=0.0, ub=INF, integer=True):
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
            self.lb.append(lb)
            self.ub.append(ub)
            self.integer.append(1 if integer else 0)
        return {self.index[name]: 1.0}

    def add(self, expr, lo, hi, tag):
        expr = {k: v for k, v in expr.items() if v != 0}
        if not expr:
            if lo > 1e-9 or hi < -1e-9:
                raise AssertionError(f"an empty relation {lo}..{hi} ({tag})")
            return
        self.rows.append((expr, lo, hi, tag))

    def eq(self, expr, value, tag):
        self.add(expr, value, value, tag)


class Solver:
    """Splits the model into connected components and bounds linear forms over them."""

    def __init__(self, model: Model):
        self.m = model
        n = len(model.names)
        parent = list(range(n))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for expr, *_ in model.rows:
            ks = list(expr)
            for k in ks[1:]:
                ra, rb = find(ks[0]), find(k)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        self.comp_of = [find(i) for i in range(n)]
        self.comp_vars = defaultdict(list)
        for i, c in enumerate(self.comp_of):
            self.comp_vars[c].append(i)
        self.comp_rows = defaultdict(list)
        for r, (expr, *_) in enumerate(model.rows):
            self.comp_rows[self.comp_of[next(iter(expr))]].append(r)
        self.cache = {}
        self.solves = 0
        self.witnesses = defaultdict(list)  # component -> integer solutions of the full model

    def _problem(self, comp, drop):
        key = (comp, drop)
        if key not in self.cache:
            m = self.m
            vs = self.comp_vars[comp]
            local = {v: j for j, v in enumerate(vs)}
            rows = [r for r in self.comp_rows[comp] if m.rows[r][3] != drop]
            data, ri, ci, lo, hi = [], [], [], [], []
            for i, r in enumerate(rows):
                expr, l, h, _ = m.rows[r]
                for k, v in expr.items():
                    ri.append(i)
                    ci.append(local[k])
                    data.append(v)
                lo.append(l)
                hi.append(h)
            a = csr_matrix((data, (ri, ci)), shape=(max(len(rows), 1), len(vs)))
            if not rows:
                lo, hi = [-INF], [INF]
            self.cache[key] = (
                local,
                LinearConstraint(a, np.array(lo), np.array(hi)),
                Bounds(np.array([m.lb[v] for v in vs]), np.array([m.ub[v] for v in vs])),
                np.array([m.integer[v] for v in vs]),
            )
        return self.cache[key]

    def seen(self, expr):
        """The least and greatest value of `expr` over the solutions found so far (an inner
        bound of its interval: every solution is a table the reader cannot rule out)."""
        comps = defaultdict(dict)
        for k, v in expr.items():
            comps[self.comp_of[k]][k] = v
        lo = hi = 0.0
        for comp, part in comps.items():
            ws = self.witnesses.get(comp)
            if not ws:
                return None
            local = self._problem(comp, None)[0]
            vals = [sum(v * w[local[k]] for k, v in part.items()) for w in ws]
            lo, hi = lo + min(vals), hi + max(vals)
        return lo, hi

    def spread(self, exprs, cap):
        """Two integer programs per component that find tables far apart: every form pushed
        up to `cap` at once, and every form pushed down. They settle most cells without a
        program of their own."""
        by = defaultdict(list)
        for e in exprs:
            comps = {self.comp_of[k] for k in e}
            if len(comps) == 1:
                by[comps.pop()].append(e)
        for comp, es in sorted(by.items()):
            local, cons, bounds, integ = self._problem(comp, None)
            n, g = len(local), len(es)
            rows, cols, data = [], [], []
            for j, e in enumerate(es):
                for k, v in e.items():
                    rows.append(j)
                    cols.append(local[k])
                    data.append(-v)
                rows.append(j)
                cols.append(n + j)
                data.append(1.0)
            a = cons.A
            top = hstack([csr_matrix(a), csr_matrix((a.shape[0], g))])
            extra = csr_matrix((data, (rows, cols)), shape=(g, n + g))
            c_up = np.concatenate([np.zeros(n), -np.ones(g)])
            cons2 = LinearConstraint(vstack([top, extra]).tocsr(),
                                     np.concatenate([cons.lb, -INF * np.ones(g)]),
                                     np.concatenate([cons.ub, np.zeros(g)]))
            b2 = Bounds(np.concatenate([bounds.lb, np.zeros(g)]),
                        np.concatenate([bounds.ub, cap * np.ones(g)]))
            self.solves += 1
            res = milp(c_up, constraints=cons2, bounds=b2,
                       integrality=np.concatenate([integ, np.zeros(g)]))
            if res.status == 0:
                self.witnesses[comp].append(np.round(res.x[:n]))
            c_down = np.zeros(n)
            for e in es:
                for k, v in e.items():
                    c_down[local[k]] += v
            self.solves += 1
            res = milp(c_down, constraints=cons, bounds=bounds, integrality=integ)
            if res.status == 0:
                self.witnesses[comp].append(np.round(res.x))

    def explain(self, expr):
        """The relations the reader's proof of the bounds rests on: the rows with a non-zero
        dual value at the optimum of the linear relaxation, for the least and the greatest."""
        comps = {self.comp_of[k] for k in expr}
        tags = set()
        for comp in comps:
            local, cons, bounds, _ = self._problem(comp, None)
            rows = self.comp_rows[comp]
            a = csr_matrix(cons.A)
            eq = [j for j in range(len(rows)) if cons.lb[j] == cons.ub[j]]
            up = [j for j in range(len(rows)) if cons.lb[j] != cons.ub[j] and cons.ub[j] < INF]
            dn = [j for j in range(len(rows)) if cons.lb[j] != cons.ub[j] and cons.lb[j] > -INF]
            a_ub = vstack([a[up], -a[dn]]) if up or dn else None
            b_ub = np.concatenate([cons.ub[up], -cons.lb[dn]]) if up or dn else None
            owner = up + dn
            for sign in (1.0, -1.0):
                c = np.zeros(len(local))
                for k, v in expr.items():
                    if k in local:
                        c[local[k]] = sign * v
                res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a[eq] if eq else None,
                              b_eq=cons.lb[eq] if eq else None,
                              bounds=list(zip(bounds.lb, bounds.ub)), method="highs")
                if res.status != 0:
                    continue
                for j, m in zip(eq, res.eqlin.marginals if eq else []):
                    if abs(m) > 1e-9:
                        tags.add(self.m.rows[rows[j]][3])
                for j, m in zip(owner, res.ineqlin.marginals if owner else []):
                    if abs(m) > 1e-9:
                        tags.add(self.m.rows[rows[j]][3])
        return sorted(t for t in tags if t not in STRUCTURAL)

    def tags(self, expr):
        comps = {self.comp_of[k] for k in expr}
        return sorted({self.m.rows[r][3] for c in comps for r in self.comp_rows[c]})

    def bound(self, expr, drop=None):
        """The integer interval [lo, hi] of the linear form `expr` (hi may be inf)."""
        comps = defaultdict(dict)
        for k, v in expr.items():
            comps[self.comp_of[k]][k] = v
        if len(comps) > 1:  # a form over independent parts: the sum of their bounds
            lo = hi = 0.0
            for part in comps.values():
                a, b = self.bound(part, drop)
                lo, hi = lo + a, hi + b
            return lo, hi
        comp = next(iter(comps))
        local, cons, bounds, integ = self._problem(comp, drop)
        lo_hi = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(local))
            for k, v in expr.items():
                c[local[k]] = sign * v
            self.solves += 1
            res = milp(c, constraints=cons, bounds=bounds, integrality=integ,
                       options={"presolve": True, "mip_rel_gap": 0.0})
            if res.status == 3:
                lo_hi.append(-sign * INF)
            elif res.status != 0 or res.fun is None:
                raise RuntimeError(f"the reader's model is infeasible or unsolved: {res.message}")
            else:
                lo_hi.append(round(sign * res.fun, 6))
                if drop is None:
                    self.witnesses[comp].append(np.round(res.x))
        lo, hi = lo_hi
        return (float(round(lo)) if abs(lo - round(lo)) < 1e-5 else lo,
                float(round(hi)) if hi != INF and abs(hi - round(hi)) < 1e-5 else hi)


# --------------------------------------------------------------------------------------------
# Reading what is published


def read_table(year_dir: Path):
    t = pq.read_table(year_dir / "indicators.parquet").to_pylist()
    rows = []
    for r in t:
        if r["indicator_id"] not in FAMILY:
            continue
        conf = r.get("conf_status")
        if conf is None:
            conf = "C" if r.get("suppressed") else "F"
        rows.append({
            "id": r["indicator_id"], "year": int(r["year"]), "b": r["breakdown"],
            "v": str(r["breakdown_value"]), "value": r["value"], "num": r["numerator"],
            "den": r["denominator"], "conf": conf,
        })
    return rows


def read_extract(year_dir: Path):
    path = year_dir / "research" / "recognitions.parquet"
    if not path.exists():
        return None
    record = {}
    j = year_dir / "research" / "extract.json"
    if j.exists():
        record = json.loads(j.read_text())
    return {"year": int(record.get("year", year_dir.name)) if str(year_dir.name).isdigit()
            or "year" in record else None,
            "rows": pq.read_table(path).to_pylist(),
            "left_out": record.get("records_suppressed")}


def definitions(pipelines: Path):
    defs = {}
    for i in FAMILY:
        p = pipelines / "indicators" / f"{i}.toml"
        if p.exists():
            defs[i] = tomllib.loads(p.read_text())
    policy = tomllib.loads((pipelines / "disclosure.toml").read_text())
    results = [P, F, A]
    contract = pipelines / "sources" / "recognition_results.toml"
    if contract.exists():
        for c in tomllib.loads(contract.read_text()).get("column", []):
            if c.get("name") == "result" and c.get("codes"):
                results = list(c["codes"])
    return defs, policy, results


# --------------------------------------------------------------------------------------------
# The reader's model


class Reader:
    def __init__(self, rows, defs, policy, results, extract=None):
        self.m = Model()
        self.rows = rows
        self.defs = defs
        self.policy = policy
        self.results = results
        self.extract = extract
        self.k = float(policy.get("min_persons", 5))
        self.attr = float(policy.get("attribute_min_group", 10))
        self.plo = float(policy.get("protection_lower", 1))
        self.phi = float(policy.get("protection_upper", self.k - 1))
        self.cell = {(r["id"], r["year"], r["b"], r["v"]): r for r in rows}
        self.years = sorted({r["year"] for r in rows})
        self.present = {r["id"] for r in rows}
        # breakdown values as published, per breakdown (decision breakdowns share theirs)
        self.values = defaultdict(set)
        for r in rows:
            key = ("cert:" + r["b"]) if r["id"] in CERTS else r["b"]
            if r["b"] != "total":
                self.values[key].add(r["v"])
        self.has_b = {(r["id"], r["b"]) for r in rows}
        self.has_yb = {(r["id"], r["year"], r["b"]) for r in rows}
        self.refs = ["voluntary", "employer"]
        for v in self.values.get("referral", ()):
            if v not in self.refs:
                self.refs.append(v)
        self.quantities = {}  # (id, year, b, v) -> {part: expr}
        self.u = {}
        self.confirmed = {}
        self.build()

    # --- latent decisions ---
    def x(self, y, r, ref, b, v):
        return self.m.var(("x", y, r, ref, b, v))

    def t(self, y, r, ref):
        return self.m.var(("T", y, r, ref))

    def dec(self, y, results, refs, b, v):
        results = results or self.results
        refs = refs or self.refs
        if b == "total":
            return expr_add(*[(1, self.t(y, r, f)) for r in results for f in refs])
        if b == "referral":
            return expr_add(*[(1, self.t(y, r, v)) for r in results if v in refs])
        assert b in DECISION_BREAKDOWNS, b
        return expr_add(*[(1, self.x(y, r, f, b, v)) for r in results for f in refs])

    def build(self):
        m = self.m
        for y in self.years:
            for b in DECISION_BREAKDOWNS:
                if not self.values[b]:
                    continue
                for r in self.results:
                    for f in self.refs:
                        m.eq(expr_add((1, self.t(y, r, f)),
                                      *[(-1, self.x(y, r, f, b, v)) for v in sorted(self.values[b])]),
                             0, "decisions")
        for y in self.years:
            self.decision_indicators(y)
            self.person_indicators(y)
        self.certificates()
        if self.extract:
            self.research_extract()
        self.c_pending = []
        self.published()
        self.big_m()
        for key, num, den, unit in self.c_pending:
            self.c_share(key, num, den, unit)

    def q(self, i, y, b, v, **parts):
        self.quantities[(i, y, b, v)] = parts

    def breakdowns(self, i):
        return self.defs.get(i, {}).get("breakdowns", ["total"])

    def cells(self, i, y, b):
        """The values of breakdown b the reader must consider for indicator i: published ones
        and, where i publishes b at all, every known value of b (a missing row means 0)."""
        if b == "total":
            return ["total"]
        key = ("cert:" + b) if i in CERTS else b
        if (i, b) not in self.has_b:
            return []
        return sorted(self.values[key])

    def decision_indicators(self, y):
        m = self.m
        for i, (nres, nrefs, dres) in DECISION_SHARES.items():
            if i not in self.present:
                continue
            for b in self.breakdowns(i):
                for v in self.cells(i, y, b):
                    self.q(i, y, b, v, num=self.dec(y, nres, nrefs, b, v),
                           den=self.dec(y, dres, None, b, v))
        i = "certificates_issued_share_of_passed"
        if i in self.present:
            total = {}
            for b in self.breakdowns(i):
                for v in self.cells(i, y, b):
                    den = self.dec(y, [P], None, b, v)
                    num = m.var(("cs", y, b, v))
                    m.add(expr_add((1, num), (-1, den)), -INF, 0, "definitions")
                    self.q(i, y, b, v, num=num, den=den)
                    total.setdefault(b, []).append(num)
            self.sum_to_total(total, ("cs", y, "total", "total"), "definitions")
        i = "median_days_application_to_decision"
        if i in self.present:
            total = {}
            for b in self.breakdowns(i):
                for v in self.cells(i, y, b):
                    den = m.var(("md", y, b, v))
                    self.q(i, y, b, v, den=den)
                    total.setdefault(b, []).append(den)
                    self.subset(den, self.dec(y, [P, F], None, b, v),
                                "median_den=pass_rate_den", i, "recognition_pass_rate", y, b, v)
            self.sum_to_total(total, ("md", y, "total", "total"), "definitions")
        i = "recognitions_per_10k_employed"
        if i in self.present:
            nums, dens = [], []
            for v in self.cells(i, y, "region"):
                if (i, y, "region", v) not in self.cell:
                    continue  # a region without employment statistics has no cell
                num, den = m.var(("k", y, v)), m.var(("e", y, v))
                self.q(i, y, "region", v, num=num, den=den)
                nums.append(num)
                dens.append(den)
                self.subset(num, self.dec(y, [P], None, "region", v),
                            "per10k_num=pass_rate_num", i, "recognition_pass_rate", y, "region", v)
            if (i, y, "total", "total") in self.cell:
                tn, td = m.var(("k", y, "total")), m.var(("e", y, "total"))
                m.eq(expr_add((1, tn), *[(-1, n) for n in nums]), 0, "definitions")
                m.eq(expr_add((1, td), *[(-1, d) for d in dens]), 0, "definitions")
                self.q(i, y, "total", "total", num=tn, den=td)
                self.subset(tn, self.dec(y, [P], None, "total", "total"),
                            "per10k_num=pass_rate_num", i, "recognition_pass_rate", y,
                            "total", "total")

    def sum_to_total(self, by_b, total_name, tag):
        if "total" not in by_b:
            return
        total = by_b["total"][0]
        for b, parts in by_b.items():
            if b != "total":
                self.m.eq(expr_add((1, total), *[(-1, p) for p in parts]), 0, tag)

    def known(self, i, y, b, v, part):
        r = self.cell.get((i, y, b, v))
        if r is None:
            return None
        return r.get(part)

    def subset(self, small, big, relation, i, j, y, b, v):
        """small <= big by the definitions; = if every cell published on both sides agrees."""
        self.m.add(expr_add((1, small), (-1, big)), -INF, 0, "definitions")
        if relation not in self.confirmed:
            part_i = "den" if relation.startswith("median") else "num"
            part_j = "den" if relation.startswith("median") else "num"
            pairs = []
            for (ii, yy, bb, vv), r in self.cell.items():
                if ii != i:
                    continue
                o = self.cell.get((j, yy, bb, vv))
                if o is None:
                    continue
                a, c = r.get(part_i), o.get(part_j)
                if a is not None and c is not None:
                    pairs.append(abs(a - c) < 1e-9)
            self.confirmed[relation] = bool(pairs) and all(pairs)
        if self.confirmed[relation]:
            self.m.add(expr_add((1, small), (-1, big)), 0, INF, relation)

    def person_indicators(self, y):
        m = self.m
        for i, p in PERSONS.items():
            if i not in self.present:
                continue
            tot = m.var((p, y, "total", "total"))
            self.q(i, y, "total", "total", count=tot)
            for b in self.breakdowns(i):
                if b == "total":
                    continue
                cells = []
                for v in self.cells(i, y, b):
                    c = m.var((p, y, b, v))
                    cells.append(c)
                    self.q(i, y, b, v, count=c)
                    m.add(expr_add((1, c), (-1, tot)), -INF, 0, "covers")
                if not cells:
                    continue
                s = expr_add(*[(1, c) for c in cells], (-1, tot))
                m.add(s, 0, INF, "covers")
                if self.partition_by_data(i, b):
                    m.add(s, -INF, 0, f"partition_by_data:{b}")
        if "candidates_passed" in self.present and "candidates_assessed" in self.present:
            for b in ["total"] + [b for b in self.breakdowns("candidates_passed") if b != "total"]:
                for v in self.cells("candidates_passed", y, b):
                    if ("candidates_assessed", y, b, v) not in self.quantities:
                        continue
                    pp = self.quantities[("candidates_passed", y, b, v)]["count"]
                    pa = self.quantities[("candidates_assessed", y, b, v)]["count"]
                    m.add(expr_add((1, pp), (-1, pa)), -INF, 0, "persons<=decisions")
        for i, p in PERSONS.items():
            if i not in self.present:
                continue
            for b in ["total"] + [b for b in self.breakdowns(i) if b != "total"]:
                for v in self.cells(i, y, b):
                    c = self.quantities[(i, y, b, v)]["count"]
                    if b != "total" and b not in DECISION_BREAKDOWNS + ["referral"]:
                        continue
                    if p == "pp":
                        m.add(expr_add((1, c), (-1, self.dec(y, [P], None, b, v))), -INF, 0,
                              "persons<=decisions")
                    else:
                        m.add(expr_add((1, c), (-1, self.dec(y, [P, F], None, b, v))), -INF, 0,
                              "persons<=decisions")
                        if ("candidates_passed", y, b, v) in self.quantities:
                            pp = self.quantities[("candidates_passed", y, b, v)]["count"]
                            m.add(expr_add((1, c), (-1, pp), (-1, self.dec(y, [F], None, b, v))),
                                  -INF, 0, "persons<=decisions")
        i = "repeat_candidates_share"
        if i in self.present:
            rd = m.var(("rd", y, "total", "total"))
            rn = m.var(("rn", y, "total", "total"))
            m.add(expr_add((1, rn), (-1, rd)), -INF, 0, "definitions")
            self.q(i, y, "total", "total", num=rn, den=rd)
            if ("candidates_assessed", y, "total", "total") in self.quantities:
                pa = self.quantities[("candidates_assessed", y, "total", "total")]["count"]
                m.eq(expr_add((1, rd), (-1, pa)), 0, "repeat_den=persons_assessed")
            for b in self.breakdowns(i):
                if b == "total":
                    continue
                dens, nums = [], []
                for v in self.cells(i, y, b):
                    d, n = m.var(("rd", y, b, v)), m.var(("rn", y, b, v))
                    m.add(expr_add((1, n), (-1, d)), -INF, 0, "definitions")
                    self.q(i, y, b, v, num=n, den=d)
                    dens.append(d)
                    nums.append(n)
                    if ("candidates_assessed", y, b, v) in self.quantities:
                        pa = self.quantities[("candidates_assessed", y, b, v)]["count"]
                        m.add(expr_add((1, d), (-1, pa)), -INF, 0, "repeat_den=persons_assessed")
                if dens:
                    m.eq(expr_add((1, rd), *[(-1, d) for d in dens]), 0, "definitions")
                    m.eq(expr_add((1, rn), *[(-1, n) for n in nums]), 0, "definitions")

    def partition_by_data(self, i, b):
        key = (i, b)
        if key not in self.confirmed:
            seen = []
            for y in self.years:
                tot = self.cell.get((i, y, "total", "total"))
                cells = [self.cell.get((i, y, b, v)) for v in self.values[b]]
                cells = [c for c in cells if c is not None]
                if tot is None or tot["conf"] != "F" or not cells:
                    continue
                if any(c["conf"] != "F" or c["value"] is None for c in cells):
                    continue
                seen.append(abs(sum(c["value"] for c in cells) - tot["value"]) < 1e-9)
            self.confirmed[key] = bool(seen) and all(seen)
        return self.confirmed[key]

    def certificates(self):
        m = self.m
        if not (set(CERTS) & self.present):
            return
        for i, p in CERTS.items():
            if i not in self.present:
                continue
            for y in self.years:
                tot = m.var((p, y, "total", "total"))
                self.q(i, y, "total", "total", count=tot)
                for b in self.breakdowns(i):
                    if b == "total":
                        continue
                    cells = []
                    for v in self.cells(i, y, b):
                        c = m.var((p, y, b, v))
                        cells.append(c)
                        self.q(i, y, b, v, count=c)
                    if cells:
                        m.eq(expr_add((1, tot), *[(-1, c) for c in cells]), 0, "definitions")
        if not {"certificates_valid_year_end", "certificates_issued"} <= self.present:
            return
        levels = sorted(set(self.cells("certificates_valid_year_end", self.years[0], "nqf_level"))
                        | set(self.cells("certificates_issued", self.years[0], "nqf_level")))
        first = min(y for (i, y, b, v) in self.cell if i in CERTS)
        no_expiry = self.no_expiry_confirmed()
        # with no NQF level published, the same stock and flows hold for the national figures
        by_level = bool(levels)
        levels = levels or ["total"]
        for l in levels:
            prev = None
            for y in self.years:
                if not by_level:
                    stock = self.m.var(("cv", y, "total", "total"))
                    issued = self.m.var(("ci", y, "total", "total"))
                else:
                    stock = self.m.var(("cv", y, "nqf_level", l)) \
                        if l in self.values["cert:nqf_level"] else {}
                    issued = self.m.var(("ci", y, "nqf_level", l))
                rev = m.var(("revoked_by_level", y, l))
                exp = m.var(("expired_by_level", y, l))
                if prev is None:
                    prev = m.var(("valid_before_window", l))
                    if first > self.years[0]:
                        m.eq(prev, 0, "nothing_before_first_year")
                m.eq(expr_add((1, stock), (-1, prev), (-1, issued), (1, rev), (1, exp)), 0,
                     "stock_flow")
                if no_expiry:
                    m.eq(exp, 0, "no_expiry_confirmed")
                prev = stock
        if "certificates_revoked" in self.present:
            for y in self.years:
                m.eq(expr_add((1, self.m.var(("cr", y, "total", "total"))),
                              *[(-1, m.var(("revoked_by_level", y, l))) for l in levels]),
                     0, "stock_flow")

    def no_expiry_confirmed(self):
        seen = []
        g = lambda i, y: self.cell.get((i, y, "total", "total"))
        for y in self.years[1:]:
            cs = [g("certificates_valid_year_end", y), g("certificates_valid_year_end", y - 1),
                  g("certificates_issued", y), g("certificates_revoked", y)]
            if any(c is None or c["conf"] != "F" or c["value"] is None for c in cs):
                continue
            seen.append(abs(cs[0]["value"] - cs[1]["value"] - cs[2]["value"]
                            + cs[3]["value"]) < 1e-9)
        return bool(seen) and all(seen)

    def research_extract(self):
        """Records of the extract: each exact value is a lower bound on its cell, each record
        whose value was recoded or withheld (or left out) may be in any cell."""
        m, ex = self.m, self.extract
        y = ex["year"]
        if y not in self.years:
            return
        recs = ex["rows"]
        left = ex.get("left_out")
        exact = {b: self.values[b] for b in DECISION_BREAKDOWNS}
        cols = {"region": "region", "nqf_level": "nqf_level", "sex": "sex",
                "age_band": "age_band"}
        by = defaultdict(int)
        loose = defaultdict(int)
        for rec in recs:
            r, f = rec.get("result"), rec.get("referral")
            if r not in self.results or f not in self.refs:
                continue
            by[("T", r, f)] += 1
            for b, col in cols.items():
                val = rec.get(col)
                val = None if val is None else str(val)
                if val in exact[b]:
                    by[(b, r, f, val)] += 1
                else:
                    loose[(b, r, f)] += 1
        slack = INF if left is None else left
        total = m.var(("T_all", y))
        m.eq(expr_add((1, total), *[(-1, self.t(y, r, f)) for r in self.results
                                     for f in self.refs]), 0, "decisions")
        n = len(recs)
        m.add(total, n, n + slack, "extract")
        for r in self.results:
            for f in self.refs:
                c = by[("T", r, f)]
                m.add(self.t(y, r, f), c, c + slack, "extract")
                for b in cols:
                    for v in sorted(exact[b]):
                        lo = by[(b, r, f, v)]
                        m.add(self.x(y, r, f, b, v), lo, lo + loose[(b, r, f)] + slack, "extract")
        # persons: distinct pseudonyms of the extract with an exact value are a lower bound
        pcol = "person"
        if recs and pcol in recs[0]:
            for i, results in (("candidates_passed", [P]), ("candidates_assessed", [P, F])):
                if i not in self.present:
                    continue
                seen = defaultdict(set)
                for rec in recs:
                    if rec.get("result") not in results:
                        continue
                    seen[("total", "total")].add(rec[pcol])
                    for b in list(cols) + ["referral"]:
                        val = rec.get(b)
                        if val is not None and (str(val) in exact.get(b, set()) or b == "referral"):
                            seen[(b, str(val))].add(rec[pcol])
                for (b, v), ps in seen.items():
                    q = self.quantities.get((i, y, b, v))
                    if q:
                        m.add(q["count"], len(ps), INF, "extract")

    def published(self):
        m = self.m
        for key, parts in self.quantities.items():
            i, y, b, v = key
            r = self.cell.get(key)
            unit = self.defs.get(i, {}).get("unit", "count")
            if r is None:
                # no row: nothing counted (a share's cell has no denominator) - unless the
                # breakdown is not published for the year at all (its national cell is C)
                if i == "recognitions_per_10k_employed":
                    continue
                total = self.cell.get((i, y, "total", "total"))
                if b != "total" and (i, y, b) not in self.has_yb and total is not None \
                        and total["conf"] != "F":
                    continue
                # (a count's national row is published every year from the first year of data:
                # a year without one counted nothing)
                for part in ("count", "den"):
                    if part in parts:
                        m.eq(parts[part], 0, "no_row_zero")
                continue
            tag = i
            if "count" in parts:
                if r["value"] is not None:
                    m.eq(parts["count"], r["value"], tag)
                if b != "total":
                    m.add(parts["count"], 1, INF, "row_present")
                if r["conf"] == "C":
                    m.add(parts["count"], self.plo, self.k - 1, "c_mark")
                continue
            num, den = parts.get("num"), parts.get("den")
            if r["num"] is not None and num is not None:
                m.eq(num, r["num"], tag)
            if r["den"] is not None and den is not None:
                m.eq(den, r["den"], tag)
            if i != "recognitions_per_10k_employed" and den is not None:
                m.add(den, 1, INF, "row_present")
            if r["value"] is not None and num is not None and den is not None:
                scale = 10000.0 if unit == "per10k" else 100.0
                if r["den"] is not None:
                    m.eq(num, round(r["value"] * r["den"] / scale), tag)
                elif r["num"] is not None and r["value"] > 0:
                    m.eq(den, round(r["num"] * scale / r["value"]), tag)
                elif unit == "percent":
                    fr = Fraction(r["value"] / 100).limit_denominator(100000)
                    # num : den = p : q exactly
                    m.eq(expr_add((fr.denominator, num), (-fr.numerator, den)), 0, tag)
            if r["conf"] == "C":
                self.c_pending.append((key, num, den, unit))

    def c_share(self, key, num, den, unit):
        """A C mark on a share, median or rate: some group is 1..4, or the share is 0 % or
        100 % over fewer than attribute_min_group (a disjunction: binaries)."""
        m = self.m
        if num is None:
            m.add(den, self.plo, self.k - 1, "c_mark")
            return
        groups = [num, den, expr_add((1, den), (-1, num))]
        if unit == "per10k":
            groups = [num]  # its denominator is employment, never a small group
        zs = []
        big = self.u.get(key[1], 10 ** 5) + self.k
        for n, g in enumerate(groups):
            z = m.var(("c_mark", key, n), 0, 1)
            zs.append(z)
            # z = 1 -> plo <= g <= k - 1
            m.add(expr_add((1, g), (-self.plo, z)), 0, INF, "c_mark")
            m.add(expr_add((1, g), (big, z)), -INF, self.k - 1 + big, "c_mark")
        if unit == "percent":
            for n, g in enumerate([num, expr_add((1, den), (-1, num))]):
                z = m.var(("c_mark", key, 3 + n), 0, 1)
                zs.append(z)
                # z = 1 -> g = 0 and den < attribute_min_group
                m.add(expr_add((1, g), (big, z)), -INF, big, "c_mark")
                m.add(expr_add((1, den), (big, z)), -INF, self.attr - 1 + big, "c_mark")
        m.add(expr_add(*[(1, z) for z in zs]), 1, INF, "c_mark")

    def big_m(self):
        """A cell has persons exactly when it has decisions: decisions <= U x persons, with U
        the most decisions a year can hold (bounded by the model itself)."""
        m = self.m
        solver = Solver(m)
        for y in self.years:
            total = self.dec(y, None, None, "total", "total")
            try:
                hi = solver.bound(total)[1]
            except RuntimeError:
                hi = INF
            self.u[y] = hi if hi != INF else 10 ** 5
        pending = []
        for (i, y, b, v), parts in self.quantities.items():
            if i not in PERSONS:
                continue
            if b != "total" and b not in DECISION_BREAKDOWNS + ["referral"]:
                continue
            res = [P] if i == "candidates_passed" else [P, F]
            pending.append((y, parts["count"], self.dec(y, res, None, b, v)))
        for y, c, d in pending:
            m.add(expr_add((1, d), (-self.u[y], c)), -INF, 0, "persons>0<=>decisions>0")


# --------------------------------------------------------------------------------------------
# The audit


def exactness(unit, bounds, inner=False):
    """The groups that recover a withheld cell's published figure exactly (none: not exact).
    `inner`: the bounds are values seen in solutions, so (0, 0) only says 0 was seen."""
    pinned = [g for g, (lo, hi) in bounds.items() if lo == hi]
    if "count" in bounds:
        return pinned
    if unit == "percent":
        if "numerator" in pinned and "denominator" in pinned:
            return ["numerator", "denominator"]
        if bounds["numerator"] == (0, 0):
            return ["numerator=0"]
        if bounds["complement"] == (0, 0):
            return ["complement=0"]
        return []
    if unit == "per10k":
        return pinned if len(pinned) == 2 else []
    return pinned if "denominator" in pinned else []


def safe(lo, hi, k, plo, phi):
    return hi >= k or (lo <= plo and hi >= phi)


def audit(rows, defs, policy, results, extract=None, truth=None, explain=True):
    started = time.monotonic()
    reader = Reader(rows, defs, policy, results, extract)
    solver = Solver(reader.m)
    k, plo, phi = reader.k, reader.plo, reader.phi
    leaks, unsound, checked = [], [], {"C": 0, "D": 0, "groups": 0}

    todo = []
    for key in sorted(reader.quantities, key=lambda k: (k[0], k[1], k[2], k[3])):
        r = reader.cell.get(key)
        if r is None or r["conf"] not in ("C", "D"):
            continue
        parts = reader.quantities[key]
        unit = defs.get(key[0], {}).get("unit", "count")
        groups = {}
        if "count" in parts:
            groups["count"] = parts["count"]
        else:
            if parts.get("num") is not None:
                groups["numerator"] = parts["num"]
            groups["denominator"] = parts["den"]
            if unit == "percent":
                groups["complement"] = expr_add((1, parts["den"]), (-1, parts["num"]))
        groups = {g: e for g, e in groups.items() if e}
        todo.append((key, r, unit, groups))
    solver.spread([e for *_, gs in todo for e in gs.values()], k)

    for key, r, unit, groups in todo:
        checked[r["conf"]] += 1
        checked["groups"] += len(groups)
        i, y, b, v = key
        seen = {g: solver.seen(e) for g, e in groups.items()}
        settled = all(s_ is not None for s_ in seen.values())
        if settled and r["conf"] == "C":
            settled = all(safe(lo, hi, k, plo, phi) for lo, hi in seen.values())
        if settled:
            settled = not exactness(unit, {g: ((lo, lo) if lo == hi else (lo, hi))
                                           for g, (lo, hi) in seen.items()},
                                    inner=True)
        if settled and truth is None:
            continue
        bounds = {g: solver.bound(e) for g, e in groups.items()}
        if truth is not None:
            t = truth.get(key)
            if t is not None:
                tv = {"count": t["value"], "numerator": t["num"], "denominator": t["den"]}
                if t["num"] is not None and t["den"] is not None:
                    tv["complement"] = t["den"] - t["num"]
                for g, (lo, hi) in bounds.items():
                    if tv.get(g) is not None and not (lo - 1e-6 <= tv[g] <= hi + 1e-6):
                        unsound.append({"cell": list(key), "group": g, "interval": [lo, hi],
                                        "true": tv[g]})
        base = {"indicator": i, "year": y, "breakdown": b, "value": v, "conf": r["conf"]}
        if r["conf"] == "C":
            for g, (lo, hi) in bounds.items():
                if not safe(lo, hi, k, plo, phi):
                    why = solver.explain(groups[g]) if explain else []
                    leaks.append(dict(base, kind="narrow", group=g, interval=[lo, hi],
                                      relations=why))
        exact_groups = exactness(unit, bounds)
        if exact_groups:
            why = []
            if explain:
                why = sorted({t for g in groups if g in "+".join(exact_groups)
                              for t in solver.explain(groups[g])})
            leaks.append(dict(base, kind="exact", group="+".join(exact_groups),
                              interval={g: list(bd) for g, bd in bounds.items()},
                              relations=why))
    return {
        "leaks": leaks,
        "unsound": unsound,
        "checked": checked,
        "confirmed": {(k if isinstance(k, str) else f"partition_by_data:{k[0]}:{k[1]}"): v
                      for k, v in sorted(reader.confirmed.items(), key=str)},
        "variables": len(reader.m.names),
        "relations": len(reader.m.rows),
        "solves": solver.solves,
        "seconds": round(time.monotonic() - started, 2),
        "extract": extract is not None,
    }


def finite(x):
    """JSON has no infinity: an unbounded end is null."""
    if isinstance(x, float) and math.isinf(x):
        return None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite(v) for v in x]
    return x


def fmt_interval(iv):
    if isinstance(iv, dict):
        return ", ".join(f"{g} {fmt_interval(b)}" for g, b in iv.items())
    lo, hi = iv
    f = lambda x: "inf" if x == INF else str(int(x)) if float(x).is_integer() else f"{x:g}"
    return f"[{f(lo)}, {f(hi)}]"


def summarise(res):
    leaks = res["leaks"]
    by = defaultdict(int)
    for lk in leaks:
        by[(lk["kind"], lk["indicator"], lk["breakdown"])] += 1
    cells = {(lk["indicator"], lk["year"], lk["breakdown"], lk["value"]) for lk in leaks
             if lk["kind"] == "narrow"}
    exact = {(lk["indicator"], lk["year"], lk["breakdown"], lk["value"]) for lk in leaks
             if lk["kind"] == "exact"}
    return by, cells, exact


def print_report(res, out=sys.stdout):
    for lk in res["leaks"]:
        print(f"LEAK {lk['kind']:6} {lk['indicator']} {lk['year']} {lk['breakdown']}="
              f"{lk['value']} ({lk['conf']}) {lk['group']}: {fmt_interval(lk['interval'])}"
              f"  relations: {', '.join(lk['relations']) or '-'}", file=out)
    for u in res["unsound"]:
        print(f"UNSOUND {u['cell']} {u['group']}: interval {fmt_interval(u['interval'])} "
              f"does not hold the true {u['true']}", file=out)
    by, cells, exact = summarise(res)
    c = res["checked"]
    print(f"summary: {len(cells)} of {c['C']} primary cells with a group narrower than the "
          f"protection level; {len(exact)} of {c['C'] + c['D']} withheld cells recovered "
          f"exactly; {len(res['leaks'])} leaks", file=out)
    for (kind, i, b), n in sorted(by.items()):
        print(f"  {kind:6} {i} by {b}: {n}", file=out)
    print(f"model: {res['variables']} variables, {res['relations']} relations, "
          f"{res['solves']} integer programs, {res['seconds']} s; research extract: "
          f"{'yes' if res['extract'] else 'no'}; inferred from the data: "
          + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in res["confirmed"].items()),
          file=out)


# --------------------------------------------------------------------------------------------
# Self-test: a planted leak is found, a safe table passes.


def self_test():
    defs = {"candidates_passed": {"unit": "count", "breakdowns": ["total", "nqf_level"]}}
    policy = {"min_persons": 5, "attribute_min_group": 10, "protection_lower": 1,
              "protection_upper": 4}

    def row(y, b, v, value, conf="F"):
        return {"id": "candidates_passed", "year": y, "b": b, "v": v,
                "value": None if conf != "F" else value, "num": None, "den": None, "conf": conf}

    # 2023 fully published, adding up: the reader takes NQF level as a partition.
    base = [row(2023, "total", "total", 20), row(2023, "nqf_level", "1", 12),
            row(2023, "nqf_level", "2", 8)]
    leaky = base + [row(2024, "total", "total", 10), row(2024, "nqf_level", "1", 8),
                    row(2024, "nqf_level", "2", 1, "C"), row(2024, "nqf_level", "3", 1, "C")]
    safe_ = base + [row(2024, "total", "total", 17), row(2024, "nqf_level", "1", 8),
                    row(2024, "nqf_level", "2", 2, "C"), row(2024, "nqf_level", "3", 7, "D")]
    failures = []
    res = audit(leaky, defs, policy, [P, F, A])
    got = {(lk["value"], lk["kind"], tuple(lk["interval"]) if lk["kind"] == "narrow" else None)
           for lk in res["leaks"]}
    want = {("2", "narrow", (1, 1)), ("3", "narrow", (1, 1)), ("2", "exact", None),
            ("3", "exact", None)}
    if got != want:
        failures.append(f"planted leak: expected {sorted(want, key=str)}, got {sorted(got, key=str)}")
    if not all("partition_by_data:nqf_level" in lk["relations"] for lk in res["leaks"]):
        failures.append(f"planted leak: the partition inferred from 2023 not named: {res['leaks']}")
    res = audit(safe_, defs, policy, [P, F, A])
    if res["leaks"]:
        failures.append(f"safe table: expected no leak, got {res['leaks']}")
    # Without the fully published year the reader has only >=: no leak either.
    res = audit(leaky[3:], defs, policy, [P, F, A])
    if res["leaks"]:
        failures.append(f"no partition known: expected no leak, got {res['leaks']}")
    for f in failures:
        print(f"self-test FAILED: {f}", file=sys.stderr)
    if not failures:
        print("self-test ok: the planted leak (two withheld cells summing to 2) is found, "
              "the safe tables pass")
    return 0 if not failures else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("year_dir", nargs="?", type=Path)
    ap.add_argument("pipelines", nargs="?", type=Path)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--truth", type=Path,
                    help="a year folder of the same run without suppression: check every interval")
    ap.add_argument("--no-extract", action="store_true", help="leave the research extract out")
    ap.add_argument("--no-explain", action="store_true",
                    help="do not find which relations each leak needs (faster)")
    ap.add_argument("--same-persons", action="append", default=[], metavar="NEW=KNOWN",
                    help="indicator NEW counts the persons KNOWN (candidates_assessed or "
                         "candidates_passed) counts, by breakdowns of its own, as its definition "
                         "says: the reader models its cells as KNOWN's")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    for pair in a.same_persons:
        new, _, known = pair.partition("=")
        if known not in PERSONS:
            ap.error(f"--same-persons {pair}: {known} is not one of {sorted(PERSONS)}")
        PERSONS[new] = PERSONS[known]
        FAMILY.append(new)
    if a.year_dir is None or a.pipelines is None:
        ap.error("YEAR_DIR and PIPELINES_DIR are required")
    rows = read_table(a.year_dir)
    defs, policy, results = definitions(a.pipelines)
    extract = None if a.no_extract else read_extract(a.year_dir)
    if extract is not None and extract["year"] is None:
        extract["year"] = max(r["year"] for r in rows)
    truth = None
    if a.truth:
        truth = {(r["id"], r["year"], r["b"], r["v"]): r for r in read_table(a.truth)}
    res = audit(rows, defs, policy, results, extract, truth, explain=not a.no_explain)
    if a.json:
        by, cells, exact = summarise(res)
        res["summary"] = {"narrow_cells": len(cells), "exact_cells": len(exact),
                          "by": [{"kind": k, "indicator": i, "breakdown": b, "leaks": n}
                                 for (k, i, b), n in sorted(by.items())]}
        print(json.dumps(finite(res), ensure_ascii=False, indent=1))
    else:
        print_report(res)
    if res["unsound"]:
        return 2
    return 1 if res["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
