#!/usr/bin/env python3
"""An independent reading of the real classifiers in datasets/reference (not nqs's contracts).

The НКЗ (НК РК 01-2017) as the labour information system's directory holds it
(`nco/D_POSITION.xlsx`, read with openpyxl) and the КАТО of 17.10.2022
(`kato/KATO_17.10.2022_ru.csv`, read with csv). Each row's place in its tree is found by
following PARENT_ID → ID (parent_id → id) up to the top; the level is that depth, never the
code's shape, and the shape is then checked against it:

- НКЗ, actual rows (IS_ACTUAL = 1) only (the older six-digit vintage has IS_ACTUAL = 0):
  depth 0 major group (`N`), 1 sub-major (`NN`), 2 minor (`NNN`), 3 unit group (`NNNN`),
  4 group of occupations (`NNNN-N`), 5 occupation (`NNNN-N-NNN`). A row is of the 2017 tree
  when its code has the shape of its depth, starts with its parent's code and its parent is of
  the tree too; any other actual row is refused, with the reason.
- КАТО: depth 0 (parent `0` or empty) region or city of republican significance, 1 district
  (the city districts of Astana, Almaty and Shymkent included), 2 and below settlement.

Prints, per level, the rows and their parents' levels, and the refused rows; `--json` prints
all of it with every row (`[row, code, level, parent_code]`) for tests/real_classifiers.rs.
"""

import argparse
import collections
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NCO_FILE = ROOT / "datasets/reference/nco/D_POSITION.xlsx"
KATO_FILE = ROOT / "datasets/reference/kato/KATO_17.10.2022_ru.csv"

NCO_LEVELS = ["major", "sub_major", "minor", "unit", "occupation_group", "occupation"]
NCO_SHAPES = ["N", "NN", "NNN", "NNNN", "NNNN-N", "NNNN-N-NNN"]
KATO_LEVELS = ["region", "district", "settlement"]


def text(v):
    """A cell as text, as a person reads it: None for an empty cell, integers without `.0`."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = str(v).strip()
    return t or None


def read_nco(path):
    import openpyxl  # pinned in scripts/requirements-test.txt

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [text(h) for h in next(rows)]
    col = {h: i for i, h in enumerate(header) if h}
    recs = []
    for number, cells in enumerate(rows, start=2):
        get = lambda name: text(cells[col[name]]) if col[name] < len(cells) else None
        recs.append(
            {
                "row": number,
                "id": get("ID"),
                "parent_id": get("PARENT_ID"),
                "code": get("CODE"),
                "actual": get("IS_ACTUAL") == "1",
                "names": [cells[col[k]] for k in ("NAME_RU", "NAME_KZ") if col[k] < len(cells)],
            }
        )
    wb.close()
    by_id = {r["id"]: r for r in recs}

    def depth(r):
        seen = set()
        d = 0
        while r["parent_id"] is not None:
            if r["id"] in seen or r["parent_id"] not in by_id:
                return None
            seen.add(r["id"])
            r = by_id[r["parent_id"]]
            d += 1
        return d

    memo = {}

    def why_not_2017(r):
        """None when the row is of the 2017 tree, else the reason it is not."""
        if r["row"] in memo:
            return memo[r["row"]]
        d = depth(r)
        code = r["code"] or ""
        if d is None:
            why = "its PARENT_ID names no row (or the chain loops)"
        elif d >= len(NCO_SHAPES):
            why = f"it stands {d} levels below a major group; the 2017 tree has {len(NCO_SHAPES) - 1}"
        elif not re.fullmatch(NCO_SHAPES[d].replace("N", "[0-9]"), code):
            why = (
                f"`{code}` is no code of the 2017 tree (where it stands, {NCO_LEVELS[d]}, "
                f"a code is written `{NCO_SHAPES[d]}`)"
            )
        else:
            why = None
            if d > 0:
                parent = by_id[r["parent_id"]]
                if not parent["actual"]:
                    why = f"its parent `{parent['code']}` is of the older vintage"
                elif not code.startswith(parent["code"] or "\0"):
                    why = f"`{code}` does not start with its parent's code `{parent['code']}`"
                elif why_not_2017(parent) is not None:
                    why = f"its parent `{parent['code']}` is not of the 2017 tree"
        memo[r["row"]] = why
        return why

    actual = [r for r in recs if r["actual"]]
    accepted, refused = [], []
    for r in actual:
        why = why_not_2017(r)
        if why is None:
            d = depth(r)
            parent = by_id[r["parent_id"]]["code"] if d > 0 else None
            accepted.append([r["row"], r["code"], NCO_LEVELS[d], parent])
        else:
            refused.append([r["row"], r["code"], why])
    untrimmed = sum(
        1
        for r in actual
        for name in r["names"]
        if isinstance(name, str) and name != name.strip()
    )
    return {
        "file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "rows_read": len(recs),
        "actual": len(actual),
        "older_vintage": len(recs) - len(actual),
        "levels": NCO_LEVELS,
        "accepted": accepted,
        "refused": refused,
        "names_untrimmed": untrimmed,
    }


def read_kato(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        recs = [
            {
                "row": number,
                "id": text(r["id"]),
                "parent_id": text(r["parent_id"]),
                "code": text(r["code"]),
                "name": r["name"],
            }
            for number, r in enumerate(csv.DictReader(f, delimiter=";"), start=2)
        ]
    by_id = {r["id"]: r for r in recs}
    top = lambda r: r["parent_id"] in (None, "0")

    def depth(r):
        d, seen = 0, set()
        while not top(r):
            if r["id"] in seen or r["parent_id"] not in by_id:
                return None
            seen.add(r["id"])
            r = by_id[r["parent_id"]]
            d += 1
        return d

    accepted, refused, depths = [], [], collections.Counter()
    for r in recs:
        d = depth(r)
        if d is None:
            refused.append([r["row"], r["code"], "its parent_id names no row (or the chain loops)"])
            continue
        depths[d] += 1
        parent = None if d == 0 else by_id[r["parent_id"]]["code"]
        accepted.append([r["row"], r["code"], KATO_LEVELS[min(d, 2)], parent])
    # The units whose level the code's shape gets wrong: a code `NNDD00000` is a district's,
    # `NN0000000` a region's, by shape.
    def by_shape(code):
        return "region" if code.endswith("0000000") else "district" if code.endswith("00000") else "settlement"

    shape_wrong = [[row, code, level] for row, code, level, _ in accepted if by_shape(code) != level]
    return {
        "file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "rows_read": len(recs),
        "levels": KATO_LEVELS,
        "depths": {str(k): v for k, v in sorted(depths.items())},
        "top_parent_ids": sorted({r["parent_id"] or "" for r in recs if top(r)}),
        "accepted": accepted,
        "refused": refused,
        "level_not_by_shape": shape_wrong,
    }


def summary(name, reading, out):
    rows = reading["accepted"]
    level_of = {code: level for _, code, level, _ in rows}
    print(f"{name}: {reading['file']}, {reading['rows_read']} rows read", file=out)
    if "actual" in reading:
        print(
            f"  {reading['actual']} actual (IS_ACTUAL = 1), {reading['older_vintage']} of the older vintage",
            file=out,
        )
    print(f"  {'level':<18}{'rows':>7}  parents (by level)", file=out)
    for level in reading["levels"]:
        of_level = [r for r in rows if r[2] == level]
        parents = collections.Counter(level_of.get(p, "—") if p else "none" for *_, p in of_level)
        shown = ", ".join(f"{k} {v}" for k, v in sorted(parents.items()))
        print(f"  {level:<18}{len(of_level):>7}  {shown}", file=out)
    print(f"  {'total':<18}{len(rows):>7}", file=out)
    if "depths" in reading:
        print(f"  depth in the tree: {reading['depths']}; top units' parent_id: {reading['top_parent_ids']}", file=out)
        wrong = reading["level_not_by_shape"]
        print(f"  {len(wrong)} whose level the code's shape would get wrong: "
              + ", ".join(f"{c} ({l})" for _, c, l in wrong[:20]), file=out)
    if "names_untrimmed" in reading:
        print(f"  {reading['names_untrimmed']} names of actual rows with spaces before or after", file=out)
    print(f"  refused: {len(reading['refused'])}", file=out)
    for row, code, why in reading["refused"]:
        print(f"    row {row}: {code}: {why}", file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nco", type=Path, default=NCO_FILE)
    ap.add_argument("--kato", type=Path, default=KATO_FILE)
    ap.add_argument("--json", action="store_true", help="every row, as JSON, for the tests")
    args = ap.parse_args()
    reading = {"nco": read_nco(args.nco.resolve()), "kato": read_kato(args.kato.resolve())}
    if args.json:
        json.dump(reading, sys.stdout, ensure_ascii=False)
        print()
    else:
        summary("НКЗ (nco)", reading["nco"], sys.stdout)
        print()
        summary("КАТО (kato)", reading["kato"], sys.stdout)


if __name__ == "__main__":
    main()
