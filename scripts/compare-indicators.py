#!/usr/bin/env python3
"""Compare two `indicators.parquet` files written by `nqs run`, cell by cell.

A cell is (indicator_id, year, breakdown, breakdown_value); for each cell the script compares
value, numerator, denominator, suppressed, conf_status and obs_status, and prints every cell
that differs or exists on one side only. Used to prove that a rewrite of the indicator SQL
changed no figure (see issue 11): run the old and the new SQL over the same lake, then

    python3 scripts/compare-indicators.py before/indicators.parquet after/indicators.parquet

Exit status: 0 when every cell is the same, 1 when some differ, 2 on a usage error or without duckdb.
Needs the `duckdb` Python package (`python3 -m venv /tmp/venv && /tmp/venv/bin/pip install duckdb`).
Values are compared exactly (`is distinct from`), so a difference in the last bit of a DOUBLE
shows; pass `--tolerance 1e-9` to ignore relative differences below that.
"""

import argparse
import sys

try:
    import duckdb
except ImportError:
    print("needs the duckdb Python package: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install duckdb",
          file=sys.stderr)
    sys.exit(2)

KEY = ["indicator_id", "year", "breakdown", "breakdown_value"]
NUMBERS = ["value", "numerator", "denominator"]
FLAGS = ["suppressed", "conf_status", "obs_status"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        help="relative difference of a number still counted as equal (default: exact)",
    )
    parser.add_argument(
        "--ignore-flags",
        action="store_true",
        help="compare only value, numerator and denominator, not suppression and status",
    )
    args = parser.parse_args()

    con = duckdb.connect()
    con.execute("create table a as select * from read_parquet(?)", [args.before])
    con.execute("create table b as select * from read_parquet(?)", [args.after])

    def differs(col: str) -> str:
        if col in NUMBERS and args.tolerance > 0:
            return (
                f"(a.{col} is distinct from b.{col} and not coalesce("
                f"abs(a.{col} - b.{col}) <= {args.tolerance} * greatest(abs(a.{col}), abs(b.{col})), false))"
            )
        return f"a.{col} is distinct from b.{col}"

    compared = NUMBERS + ([] if args.ignore_flags else FLAGS)
    join = " and ".join(f"a.{k} is not distinct from b.{k}" for k in KEY)
    # A cell present on one side only shows with the other side's columns all null.
    rows = con.execute(
        f"""
        select coalesce(a.indicator_id, b.indicator_id) as indicator_id,
               coalesce(a.year, b.year) as year,
               coalesce(a.breakdown, b.breakdown) as breakdown,
               coalesce(a.breakdown_value, b.breakdown_value) as breakdown_value,
               a.indicator_id is null as only_after,
               b.indicator_id is null as only_before,
               {", ".join(f"a.{c} as a_{c}, b.{c} as b_{c}" for c in compared)}
        from a full outer join b on {join}
        where a.indicator_id is null or b.indicator_id is null
           or {" or ".join(differs(c) for c in compared)}
        order by all
        """
    ).fetchall()

    names = [d[0] for d in con.description]
    for r in rows:
        row = dict(zip(names, r))
        cell = f"{row['indicator_id']} {row['year']} {row['breakdown']}={row['breakdown_value']}"
        if row["only_after"]:
            print(f"{cell}: only in after")
            continue
        if row["only_before"]:
            print(f"{cell}: only in before")
            continue
        changes = [
            f"{c} {fmt(row['a_' + c])} -> {fmt(row['b_' + c])}"
            for c in compared
            if row["a_" + c] != row["b_" + c]
        ]
        print(f"{cell}: " + "; ".join(changes))

    total = con.execute("select count(*) from a").fetchone()[0]
    print(f"{len(rows)} of {total} cells differ ({args.before} -> {args.after})", file=sys.stderr)
    return 1 if rows else 0


def fmt(v) -> str:
    if isinstance(v, float):
        return repr(v)
    return "null" if v is None else str(v)


if __name__ == "__main__":
    sys.exit(main())
