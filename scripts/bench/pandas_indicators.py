#!/usr/bin/env python3
"""What an analyst would otherwise write: pandas reading the providers' files and computing five
representative indicators, for `make bench` to time beside nqs.

    pandas_indicators.py INPUT_DIR PIPELINES_DIR YEAR [--json]

Reads every CSV, XLSX and JSON file under INPUT_DIR (the same files `nqs ingest` reads) into one
DataFrame per source folder: CSV in UTF-8 or, failing that, Windows-1251, with the separator
sniffed; XLSX with pandas' default reader (openpyxl); JSON arrays with `pd.read_json`. Headers are
renamed to the contract's column names by the aliases of `PIPELINES_DIR/sources/*.toml` (a
provider's "ИИН" is `iin`). No other check is made: no IIN check digits, no quarantine, no
duplicate keys, no pseudonyms. Then, for YEAR:

  1. candidates assessed (distinct IINs with a pass or fail decided in the year), by region;
  2. the pass rate (passed of passed and failed), by region;
  3. the median days from application to decision, by region;
  4. certificates issued in the year (distinct numbers);
  5. candidates registered on the platform in the year (distinct IINs).

Prints the seconds spent reading and computing and the five national figures (they differ from
nqs's where nqs quarantined rows this script keeps).
"""

import argparse
import csv
import io
import json
import pathlib
import sys
import time
import tomllib

import pandas as pd


def aliases(pipelines: pathlib.Path) -> dict:
    """Per source id, {header as providers write it: contract column name}."""
    out = {}
    for path in sorted((pipelines / "sources").glob("*.toml")):
        contract = tomllib.loads(path.read_text())
        names = {}
        for c in contract.get("column", []):
            names[c["name"]] = c["name"]
            for a in c.get("aliases", []):
                names[a] = c["name"]
        out[contract.get("id", path.stem)] = names
    return out


def read_csv(path: pathlib.Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    first = text.split("\n", 1)[0]
    sep = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter if first else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])


def read_any(path: pathlib.Path) -> pd.DataFrame | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str)
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list):
            return pd.DataFrame(data).astype(str)
        return None
    return None


def dates(s: pd.Series) -> pd.Series:
    """ISO dates, dd.mm.yyyy dates and Excel's 'yyyy-mm-dd 00:00:00', as pandas timestamps."""
    s = s.astype("string").str.slice(0, 10)
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    dotted = pd.to_datetime(s, format="%d.%m.%Y", errors="coerce")
    return iso.fillna(dotted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("pipelines")
    parser.add_argument("year", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = aliases(pathlib.Path(args.pipelines))
    folder_source = {  # input folders whose name is not the source id
        "labour_employment": "employment",
        "labour_wages": "wages",
        "nqf": "nqf_levels",
    }

    t0 = time.perf_counter()
    frames: dict[str, list[pd.DataFrame]] = {}
    files = rows = 0
    for path in sorted(pathlib.Path(args.input).rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".csv", ".xlsx", ".json"):
            continue
        folder = path.relative_to(args.input).parts[0]
        source = folder_source.get(folder, folder)
        try:
            df = read_any(path)
        except Exception as e:  # a file pandas cannot read at all: counted, not fatal
            print(f"pandas could not read {path}: {e}", file=sys.stderr)
            continue
        if df is None:
            continue
        df = df.rename(columns={c: names.get(source, {}).get(str(c).strip(), c) for c in df.columns})
        frames.setdefault(source, []).append(df)
        files += 1
        rows += len(df)
    tables = {s: pd.concat(f, ignore_index=True) for s, f in frames.items()}
    read_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    y = args.year
    r = tables["recognition_results"]
    r = r.assign(decision=dates(r["decision_date"]), application=dates(r["application_date"]))
    r = r[r["decision"].dt.year == y]
    assessed = r[r["result"].isin(["passed", "failed"])]
    by_region_assessed = assessed.groupby("region")["iin"].nunique()
    pass_rate = assessed.assign(p=assessed["result"].eq("passed")).groupby("region")["p"].mean() * 100
    days = (assessed["decision"] - assessed["application"]).dt.days
    median_days = days.groupby(assessed["region"]).median()
    c = tables["certificates"]
    c = c[(c["event"] == "issued") & (dates(c["event_date"]).dt.year == y)]
    g = tables["registrations"]
    g = g[(g["party_kind"] == "candidate") & (dates(g["registration_date"]).dt.year == y)]
    figures = {
        "candidates_assessed": int(assessed["iin"].nunique()),
        "recognition_pass_rate": round(float(assessed["result"].eq("passed").mean() * 100), 1),
        "median_days_application_to_decision": float(days.median()),
        "certificates_issued": int(c["certificate_no"].nunique()),
        "candidates_registered": int(g["iin"].nunique()),
        "regions": int(len(by_region_assessed) + len(pass_rate) + len(median_days)) // 3,
    }
    compute_seconds = time.perf_counter() - t1
    out = {
        "pandas_version": pd.__version__,
        "files": files,
        "rows": rows,
        "read_seconds": read_seconds,
        "compute_seconds": compute_seconds,
        "figures": figures,
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"pandas {pd.__version__}: read {files} files ({rows} rows) in {read_seconds:.1f} s, "
          f"five indicators in {compute_seconds:.1f} s: {figures}")


if __name__ == "__main__":
    main()
