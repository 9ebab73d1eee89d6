#!/usr/bin/env python3
"""Makes `make bench`'s large set: a national set grown to N recognition rows (default 50 M).

    large.py DATA_DIR OUT_DIR [--rows N]

OUT_DIR gets every file of DATA_DIR (hard links), and copies of the recognition results written
in UTF-8 CSV with English headers, each copy k with new record numbers (`<record_id>-K<k>`) and
new IINs: the same birth date and sex digits, the serial number shifted by k, the check digit
recomputed by the published algorithm (weights 1..11, then 3..11,1,2; an IIN whose check digit
would be 10 twice is skipped with its rows). A person keeps one new IIN throughout a copy, so
repeat assessments stay repeats. Copies are written one file per decision month, as centres
send them monthly. Stops once the recognition rows reach N. Writes LARGE.json with the counts.
"""

import argparse
import json
import os
import pathlib
import time

import duckdb


def check_digit_sql(col: str) -> str:
    """The IIN check digit of the 11 digits in `col`, as SQL (null when it would be 10 twice)."""
    w1 = list(range(1, 12))
    w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    digit = lambda i: f"cast(substr({col}, {i + 1}, 1) as integer)"  # noqa: E731
    s1 = " + ".join(f"{w} * {digit(i)}" for i, w in enumerate(w1))
    s2 = " + ".join(f"{w} * {digit(i)}" for i, w in enumerate(w2))
    return (f"case when ({s1}) % 11 <> 10 then ({s1}) % 11 "
            f"when ({s2}) % 11 <> 10 then ({s2}) % 11 end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=50_000_000)
    args = parser.parse_args()
    data, out = pathlib.Path(args.data), pathlib.Path(args.out)
    t = time.perf_counter()
    for p in data.rglob("*"):
        if p.is_file():
            target = out / p.relative_to(data)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.link(p, target)

    con = duckdb.connect()
    rec = data / "recognition_results"
    english = []
    for p in sorted(rec.rglob("*.csv")):
        with open(p, "rb") as f:
            if f.readline().startswith(b"record_id,iin,"):
                english.append(str(p))
    con.execute("create table src as select * from read_csv(?, all_varchar = true, header = true)", [english])
    counts = {}
    for p in rec.rglob("*"):
        if p.is_file():
            counts[p.suffix] = counts.get(p.suffix, 0) + 1
    # The recognition rows already in the set, every format (what nqs read of them last time
    # would do too, but this needs no nqs run): CSV and JSON lines, XLSX rows by openpyxl.
    base_rows = con.execute("select count(*) from src").fetchone()[0]
    other_rows = 0
    for p in rec.rglob("*"):
        if p.is_file() and str(p) not in set(english):
            if p.suffix == ".xlsx":
                import openpyxl
                other_rows += max(openpyxl.load_workbook(p, read_only=True).active.max_row - 1, 0)
            else:
                other_rows += max(sum(1 for _ in open(p, "rb")) - 1, 0)
    total = base_rows + other_rows
    copies = 0
    while total < args.rows:
        copies += 1
        serial = (f"lpad(((cast(substr(iin, 8, 4) as integer) + {copies * 7919}) % 10000)::varchar, 4, '0')")
        con.execute(f"""
            create or replace temp table copy as
            with moved as (select *, substr(iin, 1, 7) || {serial} as iin11 from src
                           where regexp_full_match(iin, '[0-9]{{12}}'))
            select * exclude (iin, iin11) replace (record_id || '-K{copies}' as record_id),
                   iin11 || {check_digit_sql('iin11')}::varchar as iin,
                   coalesce(substr(decision_date, 1, 7), 'undecided') as month
            from moved
            where {check_digit_sql('iin11')} is not null""")
        n = con.execute("select count(*) from copy").fetchone()[0]
        target = out / "recognition_results" / f"copy-{copies:02d}"
        cols = [c[0] for c in con.execute("select * from src limit 0").description]
        con.execute(f"""copy (select {', '.join(cols)}, month from copy order by month, record_id)
                        to '{target}' (format csv, header true, partition_by (month),
                                       overwrite_or_ignore true)""")
        total += n
        print(f"copy {copies}: {n:,} rows, {total:,} in all", flush=True)
    (out / "LARGE.json").write_text(json.dumps({
        "recognition_rows": total, "copies": copies, "seconds": time.perf_counter() - t}))
    print(f"{total:,} recognition rows ({copies} copies) in {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
