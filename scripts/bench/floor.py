#!/usr/bin/env python3
"""The disk-and-decode floor: what this machine needs merely to read the input files and decode
them, with no parsing of rows or fields, for `make bench` to set ingest against.

    floor.py INPUT_DIR [--workers N] [--json]

Every CSV and JSON file is read and decoded to text (UTF-8, or Windows-1251 where UTF-8 fails,
as the providers send them); every XLSX file is read and all its parts inflated (an XLSX is a
ZIP of XML). Both run in C (zlib, the codecs) across N worker processes (default: one per core,
as nqs uses). Prints the bytes, the seconds and the bytes per second. Run right after another
pass over the same files, the page cache holds them, so this is the floor for warm files, the
state in which `make bench` measures every step.
"""

import argparse
import json
import os
import pathlib
import time
import zipfile
from multiprocessing import Pool


def decode(path: str) -> int:
    p = pathlib.Path(path)
    raw = p.read_bytes()
    if p.suffix.lower() == ".xlsx":
        with zipfile.ZipFile(p) as z:
            for name in z.namelist():
                z.read(name)
    else:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raw.decode("cp1251")
    return len(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = sorted(
        str(p)
        for p in pathlib.Path(args.input).rglob("*")
        if p.is_file() and p.suffix.lower() in (".csv", ".json", ".xlsx")
    )
    t = time.perf_counter()
    with Pool(args.workers) as pool:
        total = sum(pool.imap_unordered(decode, files, chunksize=16))
    secs = time.perf_counter() - t
    out = {"files": len(files), "bytes": total, "seconds": secs, "bytes_per_second": total / secs}
    if args.json:
        print(json.dumps(out))
        return
    print(f"disk-and-decode floor: {len(files)} files, {total / 1e6:.0f} MB in {secs:.2f} s "
          f"({total / 1e6 / secs:.0f} MB/s, {args.workers} workers)")


if __name__ == "__main__":
    main()
