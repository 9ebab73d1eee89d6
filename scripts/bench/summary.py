#!/usr/bin/env python3
"""Prints `make bench`'s figures and ratios from what scripts/bench.sh recorded in BENCH_DIR.

    summary.py BENCH_DIR

Reads results.tsv (label, seconds, peak KiB of every measured command) and the JSON each
command printed (LABEL.out). The nqs steps that ran several times show their median; every
ratio compares figures measured in this one run. A target of issue 14 stands beside each ratio.
"""

import json
import pathlib
import statistics
import sys


def main() -> None:
    work = pathlib.Path(sys.argv[1])
    rows = {}
    for line in (work / "results.tsv").read_text().splitlines():
        label, secs, kb = line.split("\t")
        rows[label] = (float(secs), int(kb))

    def out(label):
        try:
            return json.loads((work / f"{label}.out").read_text())
        except (OSError, ValueError):
            return None

    def series(prefix):
        return [v for k, v in rows.items() if k.rsplit("_", 1)[0] == prefix and k.rsplit("_", 1)[1].isdigit()]

    def median(prefix):
        s = series(prefix)
        if not s:
            return None, None
        return statistics.median(x[0] for x in s), max(x[1] for x in s)

    def mib(kb):
        return f"{kb / 1024:,.0f} MiB" if kb is not None else "-"

    ingest_s, ingest_kb = median("ingest")
    run_s, run_kb = median("run")
    report_s, report_kb = median("report")
    alone = [out(k) for k in rows if k.startswith("duckdb_alone_")]
    alone = [a for a in alone if a]
    ingest = out("ingest_1") or {}
    sources = ingest.get("sources", {})
    rows_read = sum(s.get("rows_read", 0) for s in sources.values())
    recognition = sources.get("recognition_results", {}).get("rows_read", 0)
    floor = out("floor") or {}
    pandas = out("pandas") or {}
    read_csv = out("read_csv") or {}
    runs = [out(k) for k in rows if k.startswith("run_") and k.split("_")[1].isdigit()]
    runs = [r for r in runs if r]
    nqs_queries = statistics.median(r["indicator_seconds"] for r in runs) if runs else None

    print(f"rows read by ingest: {rows_read:,} ({recognition:,} recognition results); "
          f"{floor.get('files', 0):,} files, {floor.get('bytes', 0) / 1e6:,.0f} MB")
    n = len(series("ingest"))
    print(f"\n{'step':<34}{'seconds':>10}{'peak':>12}")
    print(f"{'nqs ingest (median of %d)' % n:<34}{ingest_s:>10.1f}{mib(ingest_kb):>12}")
    print(f"{'nqs run (median)':<34}{run_s:>10.1f}{mib(run_kb):>12}")
    if nqs_queries is not None:
        print(f"{'  of which indicator queries':<34}{nqs_queries:>10.1f}")
    print(f"{'nqs report, both PDFs (median)':<34}{report_s:>10.2f}{mib(report_kb):>12}")
    if alone:
        setup = statistics.median(a["setup_seconds"] for a in alone)
        queries = statistics.median(a["query_seconds"] for a in alone)
        a_s, a_kb = median("duckdb_alone")
        print(f"{'DuckDB alone, same SQL (median)':<34}{a_s:>10.1f}{mib(a_kb):>12}"
              f"   (setup {setup:.1f} s, queries {queries:.1f} s; DuckDB {alone[0]['duckdb_version']})")
    for label, name in [("read_csv", "DuckDB read_csv -> Parquet"),
                        ("ingest_csv_share", "nqs ingest, same CSV files"),
                        ("pandas", "pandas: read + 5 indicators"),
                        ("floor", "disk-and-decode floor"),
                        ("ingest_base", "nqs ingest, all but a month"),
                        ("ingest_month", "nqs ingest, + the month"),
                        ("run_after_month", "nqs run after the month"),
                        ("make_large", "making the 50 M-row set"),
                        ("ingest_large", "nqs ingest, 50 M rows"),
                        ("run_large", "nqs run, 50 M rows")]:
        if label in rows:
            s, kb = rows[label]
            print(f"{name:<34}{s:>10.1f}{mib(kb):>12}")
    if pandas:
        print(f"  pandas read {pandas['read_seconds']:.1f} s, computed {pandas['compute_seconds']:.1f} s "
              f"(pandas {pandas['pandas_version']}); its figures: {pandas['figures']}")
    if read_csv:
        print(f"  read_csv took {read_csv['files']:,} UTF-8 CSV files, {read_csv['bytes'] / 1e6:,.0f} MB, "
              f"{read_csv['rows']:,} rows" + (f"; failed: {read_csv['failed']}" if read_csv.get('failed') else ""))

    print("\nratios (measured in this run)                      target")

    def ratio(text, value, target):
        if value is not None:
            print(f"  {text:<48} {value:>6.2f}   {target}")

    if "pandas" in rows:
        ratio("pandas / nqs ingest", rows["pandas"][0] / ingest_s, ">= 10")
    if "read_csv" in rows and "ingest_csv_share" in rows:
        ratio("DuckDB read_csv / nqs ingest (same CSV files)",
              rows["read_csv"][0] / rows["ingest_csv_share"][0], "> 1")
    if floor:
        ratio("nqs ingest / disk-and-decode floor", ingest_s / floor["seconds"], "<= 5")
        print(f"  {'bytes per second: nqs ingest / floor':<48} "
              f"{floor['bytes'] / ingest_s / 1e6:>6.0f} / {floor['bytes_per_second'] / 1e6:.0f} MB/s")
    if alone:
        a_total = statistics.median(a["setup_seconds"] + a["query_seconds"] for a in alone)
        ratio("nqs run / DuckDB alone (setup + queries)", run_s / a_total, "<= 1.25")
        if nqs_queries is not None:
            ratio("nqs indicator queries / DuckDB alone's queries", nqs_queries / queries, "")
        ratio("13.7 s (queries before, two years) / queries now", 13.7 / queries,
              ">= 3 (13.7 s was on two years)")
    print(f"  {'peak memory, ingest / run (GiB)':<48} {ingest_kb / 2**20:>6.2f} / {run_kb / 2**20:.2f}   <= 2")
    if "ingest_month" in rows:
        ratio("monthly ingest / full ingest", rows["ingest_month"][0] / ingest_s, "<= 0.10")
    if "run_after_month" in rows:
        ratio("run after the month / full run", rows["run_after_month"][0] / run_s, "")
    ratio("both PDFs, seconds", report_s, "<= 3")
    if "ingest_large" in rows:
        print(f"  {'peak memory at 50 M rows, ingest / run (GiB)':<48} "
              f"{rows['ingest_large'][1] / 2**20:>6.2f} / {rows.get('run_large', (0, 0))[1] / 2**20:.2f}   <= 2")
    if alone:
        slow = alone[0]["slowest"]
        share = ", ".join(f"{k} {v:.2f} s ({100 * v / alone[0]['query_seconds']:.0f} %)" for k, v in slow)
        print(f"\nslowest queries (DuckDB alone): {share}   target: none over 10 % of the run")


if __name__ == "__main__":
    main()
