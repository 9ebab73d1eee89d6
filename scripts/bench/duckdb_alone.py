#!/usr/bin/env python3
"""DuckDB alone: the indicators' SQL on the same lake, without nqs.

    duckdb_alone.py SETUP_DIR PIPELINES_DIR [--threads N] [--json]

SETUP_DIR is what `nqs sql --year Y --export-setup SETUP_DIR` wrote: `setup.sql` recreates the
connection `nqs run` computes on (the lake's views, the code lists, the deadline tables filled by
the same SQL, the shared layer). Every `PIPELINES_DIR/indicators/*.sql` then runs as nqs runs it
(wrapped to the published columns and the report window) and its rows are fetched, in name
order, as nqs does (--out keeps them, to compare two versions of the SQL). Prints the seconds for the setup, for the queries, and the five slowest; with
--json one JSON object instead. Needs the `duckdb` package of the version nqs links (1.5.6).
"""

import argparse
import json
import pathlib
import time

import duckdb

WRAP = (
    "select cast(year as integer), cast(breakdown as varchar), "
    "coalesce(cast(breakdown_value as varchar), 'total'), cast(value as double), "
    "cast(numerator as double), cast(denominator as double) "
    "from ({sql}) where year in (select year from report_years)"
)


SHARED_MARKER = "-- The shared SQL layer (pipelines/shared/*.sql, in name order):"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("setup_dir")
    parser.add_argument("pipelines")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", help="also write every row, with its indicator id, to this Parquet file")
    args = parser.parse_args()

    t0 = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"set threads = {args.threads}")
    # The shared layer is read from PIPELINES_DIR, like the indicators, so that an edited
    # layer can be timed against the same setup.
    setup_sql = (pathlib.Path(args.setup_dir) / "setup.sql").read_text().split(SHARED_MARKER)[0]
    con.execute(setup_sql)
    for path in sorted((pathlib.Path(args.pipelines) / "shared").glob("*.sql")):
        con.execute(path.read_text())
    setup = time.perf_counter() - t0

    times = {}
    rows = 0
    if args.out:
        con.execute("create temp table bench_out (indicator_id varchar, year integer, breakdown varchar, "
                    "breakdown_value varchar, value double, numerator double, denominator double)")
    for path in sorted((pathlib.Path(args.pipelines) / "indicators").glob("*.sql")):
        sql = path.read_text()
        t = time.perf_counter()
        got = con.execute(WRAP.format(sql=sql)).fetchall()
        times[path.stem] = time.perf_counter() - t
        rows += len(got)
        if args.out and got:
            con.executemany("insert into bench_out values (?, ?, ?, ?, ?, ?, ?)",
                            [(path.stem, *r) for r in got])
    if args.out:
        con.execute(f"copy (from bench_out order by all) to '{args.out}' (format parquet)")
    queries = sum(times.values())
    slowest = sorted(times.items(), key=lambda kv: -kv[1])[:int(__import__("os").environ.get("TOP", "5"))]
    out = {
        "duckdb_version": duckdb.__version__,
        "setup_seconds": setup,
        "query_seconds": queries,
        "indicators": len(times),
        "rows": rows,
        "slowest": slowest,
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"DuckDB {duckdb.__version__} alone: setup {setup:.2f} s, {len(times)} indicator queries "
          f"{queries:.2f} s, {rows} rows")
    for name, secs in slowest:
        print(f"  {name}: {secs:.2f} s ({100 * secs / queries:.0f} %)")


if __name__ == "__main__":
    main()
