"""Reads every source of an nqs lake and its quarantine with each reader's default call.

Usage: lake_readers.py OUTPUT_DIR

For each folder (`OUTPUT_DIR/lake/<source>/` and `OUTPUT_DIR/quarantine/`):
  pandas.read_parquet(folder)
  pyarrow.dataset.dataset(folder, partitioning="hive")
  polars.scan_parquet(folder, hive_partitioning=True)
  duckdb read_parquet('folder/**/*.parquet', hive_partitioning = true)
and checks they agree: the same row count, the same columns (none twice, none categorical or
dictionary), `year` and `month` integers wherever they are, with the same values. Then one
DuckDB glob over the whole lake, the catalogue's `lake.<source>` views, and a year's filter:
the files DuckDB reads (EXPLAIN ANALYZE; every footer, now that no folder names the year) and
those polars skips by their statistics (its verbose log), which must be most of the others.
Prints `ok: ...` and exits 0, or the disagreements and exits 1.
"""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

out = Path(sys.argv[1]).resolve()
lake = out / "lake"
problems = []
summary = {}


def sql_text(s):
    return "'" + str(s).replace("'", "''") + "'"


def integer_values(name, reader, kind, values):
    """The column's values as a Counter, checking they are integers."""
    if not kind:
        problems.append(f"{name}: {reader} reads `year`/`month` as a non-integer type")
    return Counter(None if v is None or v != v else int(v) for v in values)


def read_all(name, folder):
    counts = {}
    columns = {}
    keys = {}

    df = pd.read_parquet(folder)
    counts["pandas"] = len(df)
    columns["pandas"] = list(df.columns)
    for c in df.columns:
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            problems.append(f"{name}: pandas reads `{c}` as categorical")
    for k in ("year", "month"):
        if k in df.columns:
            keys[("pandas", k)] = integer_values(
                name, "pandas", pd.api.types.is_integer_dtype(df[k].dtype), df[k].tolist()
            )

    t = ds.dataset(folder, partitioning="hive").to_table()
    counts["pyarrow"] = t.num_rows
    columns["pyarrow"] = t.schema.names
    for f in t.schema:
        if pa.types.is_dictionary(f.type):
            problems.append(f"{name}: pyarrow reads `{f.name}` as a dictionary")
    for k in ("year", "month"):
        if k in t.schema.names:
            keys[("pyarrow", k)] = integer_values(
                name, "pyarrow", pa.types.is_integer(t.schema.field(k).type), t[k].to_pylist()
            )

    p = pl.scan_parquet(folder, hive_partitioning=True).collect()
    counts["polars"] = p.height
    columns["polars"] = p.columns
    for k in ("year", "month"):
        if k in p.columns:
            keys[("polars", k)] = integer_values(
                name, "polars", p.schema[k].is_integer(), p[k].to_list()
            )

    con = duckdb.connect()
    rel = con.sql(
        f"select * from read_parquet({sql_text(folder / '**' / '*.parquet')}, hive_partitioning = true)"
    )
    counts["duckdb"] = con.sql(
        f"select count(*) from read_parquet({sql_text(folder / '**' / '*.parquet')}, hive_partitioning = true)"
    ).fetchone()[0]
    columns["duckdb"] = rel.columns
    types = dict(zip(rel.columns, [str(t) for t in rel.types]))
    for k in ("year", "month"):
        if k in rel.columns:
            vals = [
                r[0]
                for r in con.sql(
                    f"select \"{k}\" from read_parquet({sql_text(folder / '**' / '*.parquet')}, hive_partitioning = true)"
                ).fetchall()
            ]
            keys[("duckdb", k)] = integer_values(
                name, "duckdb", types[k] in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT"), vals
            )

    if len(set(counts.values())) != 1:
        problems.append(f"{name}: row counts differ: {counts}")
    for reader, cols in columns.items():
        if len(cols) != len(set(cols)):
            problems.append(f"{name}: {reader} has a column twice: {cols}")
        if cols != columns["pandas"]:
            problems.append(f"{name}: {reader}'s columns {cols} are not pandas' {columns['pandas']}")
    for k in ("year", "month"):
        got = {r: v for (r, kk), v in keys.items() if kk == k}
        if got and len(got) != 4:
            problems.append(f"{name}: `{k}` read by {sorted(got)} only")
        if got and any(v != next(iter(got.values())) for v in got.values()):
            problems.append(f"{name}: readers disagree on the values of `{k}`")
    summary[name] = {
        "rows": counts["pandas"],
        "year": ("year" in columns["pandas"]),
        "month": ("month" in columns["pandas"]),
    }
    return counts["pandas"]


sources = sorted(
    d.name
    for d in lake.iterdir()
    if d.is_dir() and not d.name.startswith(("_", ".")) and any(d.rglob("*.parquet"))
)
total = 0
for s in sources:
    total += read_all(s, lake / s)
quarantine = out / "quarantine"
if not any(quarantine.glob("*.parquet")):
    problems.append("the sample's ingest left no quarantine to read")
else:
    read_all("quarantine", quarantine)

# Nothing but the sources' data under the lake's Parquet glob: the quarantine is beside it, and
# one glob over the whole lake reads every source's rows.
strays = [str(p.relative_to(lake)) for p in lake.rglob("*.parquet") if p.relative_to(lake).parts[0] not in sources]
if strays:
    problems.append(f"Parquet files in the lake outside the sources' folders: {strays[:5]}")
whole = duckdb.sql(
    f"select count(*) from read_parquet({sql_text(lake / '**' / '*.parquet')}, hive_partitioning = true, union_by_name = true)"
).fetchone()[0]
if whole != total:
    problems.append(f"one glob over the lake reads {whole} rows, the sources {total}")

# The catalogue's views of the lake, opened from the output folder.
catalogue = out / "nqs.duckdb"
if catalogue.exists():
    os.chdir(out)
    con = duckdb.connect(str(catalogue), read_only=True)
    views = {
        r[0]
        for r in con.sql(
            "select view_name from duckdb_views() where schema_name = 'lake' and not internal"
        ).fetchall()
    }
    for s in sources + ["quarantine"]:
        if s not in views:
            problems.append(f"nqs.duckdb has no view lake.{s}")
            continue
        n = con.sql(f'select count(*) from lake."{s}"').fetchone()[0]
        if n != summary[s]["rows"]:
            problems.append(f"lake.{s} in nqs.duckdb has {n} rows, the folder {summary[s]['rows']}")
    con.close()
else:
    problems.append("no nqs.duckdb (run `nqs run` first)")

# A year's filter: files DuckDB reads, row groups polars reads, on a source keeping its own
# `year` (one folder per year) and on one partitioned by a date (one folder per month).
pruning = {}
con = duckdb.connect()
for s, where, pl_filter in [
    ("employment", "year = 2024", 'pl.col("year") == 2024'),
    (
        "recognition_results",
        "decision_date >= date '2024-01-01' and decision_date < date '2025-01-01'",
        'pl.col("decision_date").is_between(pl.date(2024, 1, 1), pl.date(2024, 12, 31))',
    ),
]:
    if s not in sources:
        continue
    glob = sql_text(lake / s / "**" / "*.parquet")
    plan = con.sql(
        f"explain analyze select count(*) from read_parquet({glob}, hive_partitioning = true) where {where}"
    ).fetchall()[0][1]
    read = re.search(r"Total Files Read:\s*(\d+)", plan)
    files = len(list((lake / s).rglob("*.parquet")))
    # polars says per file how many of its row groups it reads (POLARS_VERBOSE, read when
    # polars starts: in a process of its own).
    code = (
        "import polars as pl\n"
        f"print(pl.scan_parquet({str(lake / s)!r}, hive_partitioning=True).filter({pl_filter})"
        ".select(pl.len()).collect().item())"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "POLARS_VERBOSE": "1"},
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        problems.append(f"{s}: polars' year filter failed: {p.stderr[-500:]}")
        continue
    n_polars = int(p.stdout.strip())
    groups = re.findall(r"reading (\d+) / (\d+) row groups", p.stderr)
    n_duck = con.sql(f"select count(*) from read_parquet({glob}) where {where}").fetchone()[0]
    if n_duck != n_polars:
        problems.append(f"{s}: the year's filter gives {n_duck} rows in DuckDB, {n_polars} in polars")
    pruning[s] = {
        "files": files,
        "duckdb_files_read": int(read.group(1)) if read else None,
        # Files whose every row group the statistics ruled out (only their footer read).
        "polars_files_skipped": sum(1 for a, _ in groups if a == "0"),
        "rows": n_duck,
    }
    # The files' statistics still prune: most of the other years' files are skipped.
    if pruning[s]["polars_files_skipped"] * 2 < files:
        problems.append(f"{s}: a year's filter skipped only {pruning[s]['polars_files_skipped']} of {files} files")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok: " + json.dumps({"sources": len(sources), "rows": total, "pruning": pruning}))
print(json.dumps(summary, indent=1))
