#!/usr/bin/env python3
"""DuckDB's own CSV reader on the CSV share of the input, for `make bench` to set ingest against.

    duckdb_read_csv.py INPUT_DIR OUT_DIR [--json]

Takes the CSV files under INPUT_DIR that are UTF-8 (DuckDB's reader cannot decode Windows-1251;
the test of each file's encoding is not timed), and for each source folder writes one Parquet
file from `read_csv(files, union_by_name = true, all_varchar = true)`: DuckDB sniffs each file's
dialect and header, no column is typed or checked. With --link-tree, the same files are
hard-linked under another folder so that `nqs ingest` can be timed on exactly them. Prints the files, bytes, rows and seconds.
"""

import argparse
import json
import pathlib
import time

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("out")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--link-tree", help="also hard-link those files, same relative paths, "
                        "under this folder (for nqs to ingest exactly the same files)")
    args = parser.parse_args()
    by_source: dict[str, list[str]] = {}
    size = 0
    for p in sorted(pathlib.Path(args.input).rglob("*.csv")):
        raw = p.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        size += len(raw)
        if args.link_tree:
            link = pathlib.Path(args.link_tree) / p.relative_to(args.input)
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.hardlink_to(p)
        by_source.setdefault(p.relative_to(args.input).parts[0], []).append(str(p))
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    rows = 0
    failed = []
    t = time.perf_counter()
    for source, files in by_source.items():
        target = out / f"{source}.parquet"
        try:
            con.execute(
                "copy (select * from read_csv(?, union_by_name = true, all_varchar = true)) "
                f"to '{target}' (format parquet)",
                [files],
            )
            rows += con.execute(f"select count(*) from '{target}'").fetchone()[0]
        except duckdb.Error as e:
            failed.append(f"{source}: {str(e).splitlines()[0]}")
    secs = time.perf_counter() - t
    n = sum(len(f) for f in by_source.values())
    result = {"files": n, "bytes": size, "rows": rows, "seconds": secs, "failed": failed,
              "duckdb_version": duckdb.__version__}
    if args.json:
        print(json.dumps(result))
        return
    print(f"DuckDB {duckdb.__version__} read_csv: {n} UTF-8 CSV files, {size / 1e6:.0f} MB, "
          f"{rows} rows -> Parquet in {secs:.1f} s" + (f"; failed: {failed}" if failed else ""))


if __name__ == "__main__":
    main()
