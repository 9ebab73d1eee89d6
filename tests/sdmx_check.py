"""Checks the SDMX that `nqs run` publishes in a year's folder against sdmx1 (import sdmx).

Usage: sdmx_check.py YEAR_DIR PIPELINES_DIR

- structure.xml is read with sdmx.read_sdmx as an SDMX-ML 2.1 Structure message; the dataflow,
  its DSD and every code list the DSD enumerates must resolve within the message, with names in
  en, ru and kk; REF_AREA must hold every KATO code of pipelines/codes/regions.toml, NQF_LEVEL
  1-8, CONF_STATUS F, C, D and OBS_STATUS A, P; SEX, when an indicator is published by sex, M
  and F.
- indicators.sdmx.csv is SDMX-CSV 1.0 (its header checked here against the DSD: DATAFLOW then
  the dimensions, the measure and the attributes, in the DSD's order), and indicators.sdmx2.csv
  SDMX-CSV 2.0, the same rows with STRUCTURE (= "dataflow"), STRUCTURE_ID (the same
  AGENCY:ID(VERSION)) and ACTION (= "I") in place of DATAFLOW. sdmx1 2.28 reads 2.0 only: the
  2.0 file is handed to its reader as it is, and read against the dataflow; the codes are then
  checked against the parsed code lists here (sdmx1 does not check them itself).
- pysdmx (when installed) reads the 2.0 file as it is too; its observations must be sdmx1's,
  key for key, with the same value and flags.
- The observations must be indicators.parquet's rows, one for one: same count, same cells
  (rebuilt from the dimensions' NQS_BREAKDOWN and the codes' NQS_VALUE annotations), equal
  values, no value where the parquet has none, the same CONF_STATUS and OBS_STATUS.
- sdmx1's own SDMX-CSV 1.0 writer, given the observations it read, writes the same columns in
  the same order and the same codes and flags row for row.

Exits 1 listing the problems found, 0 when there are none.
"""

import csv
import io
import math
import re
import sys
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import sdmx
from sdmx.format.csv.v1 import FormatOptions as FormatOptions1
from sdmx.model.common import Codelist

LANGS = {"en", "ru", "kk"}

problems: list[str] = []


def fail(message: str) -> None:
    problems.append(message)


def check_names(what: str, artefact) -> None:
    names = artefact.name.localizations
    missing = sorted(lang for lang in LANGS if not names.get(lang, "").strip())
    if missing:
        fail(f"{what} has no name in {', '.join(missing)}")


def codes_of(component) -> dict | None:
    """The codes (id -> Code) of a component's enumerated code list, or None if not enumerated."""
    rep = component.local_representation
    cl = getattr(rep, "enumerated", None) if rep is not None else None
    if cl is None:
        return None
    if not isinstance(cl, Codelist) or not cl.items:
        fail(f"{component.id}: its code list {cl!r} is not in the message or has no codes")
        return {}
    return dict(cl.items)


def annotation(artefact, kind: str) -> str | None:
    try:
        return str(artefact.get_annotation(type=kind).title)
    except KeyError:
        return None


def main() -> int:
    year_dir, pipelines = Path(sys.argv[1]), Path(sys.argv[2])

    # --- The structure message ---------------------------------------------------------------
    msg = sdmx.read_sdmx(year_dir / "structure.xml")
    if not isinstance(msg, sdmx.message.StructureMessage):
        fail(f"structure.xml is a {type(msg).__name__}, not a Structure message")
        return report()
    if len(msg.dataflow) != 1 or len(msg.structure) != 1:
        fail(f"expected one dataflow and one DSD, got {len(msg.dataflow)} and {len(msg.structure)}")
        return report()
    flow = next(iter(msg.dataflow.values()))
    dsd = next(iter(msg.structure.values()))
    if flow.structure is None or flow.structure.id != dsd.id:
        fail(f"dataflow {flow.id} does not refer to the DSD {dsd.id}")
    for artefact in [flow, dsd, *msg.codelist.values(), *msg.concept_scheme.values()]:
        check_names(f"{type(artefact).__name__} {artefact.id}", artefact)
    for cl in msg.codelist.values():
        for code in cl.items.values():
            check_names(f"code {cl.id}.{code.id}", code)
    for cs in msg.concept_scheme.values():
        for concept in cs.items.values():
            check_names(f"concept {cs.id}.{concept.id}", concept)

    dims = list(dsd.dimensions.components)
    measures = list(dsd.measures.components)
    attrs = list(dsd.attributes.components)
    for c in dims + measures + attrs:
        if c.concept_identity is None or c.concept_identity.id != c.id:
            fail(f"component {c.id} has no concept of its name")
    codes = {c.id: codes_of(c) for c in dims + attrs}
    if dims[-1].id != "TIME_PERIOD" or codes.get("INDICATOR") is None:
        fail("the dimensions must start with INDICATOR and end with TIME_PERIOD")
        return report()

    regions = tomllib.loads((pipelines / "codes/regions.toml").read_text())
    expected = {
        "REF_AREA": {c["code"] for c in regions["code"]},
        "NQF_LEVEL": {str(n) for n in range(1, 9)},
        "CONF_STATUS": {"F", "C", "D"},
        "OBS_STATUS": {"A", "P"},
    }
    if "SEX" in codes:
        expected["SEX"] = {"M", "F"}
    for dim, want in expected.items():
        have = codes.get(dim)
        if have is None:
            fail(f"no enumerated component {dim}")
        elif missing := sorted(want - set(have)):
            fail(f"{dim}'s code list lacks {missing}")
    if "UNIT_MEASURE" not in codes or not codes["UNIT_MEASURE"]:
        fail("no UNIT_MEASURE code list")

    breakdown_of = {}
    for d in dims[1:-1]:
        b = annotation(d, "NQS_BREAKDOWN")
        if b is None:
            fail(f"dimension {d.id} names no breakdown (annotation NQS_BREAKDOWN)")
        breakdown_of[d.id] = b

    # --- The SDMX-CSV 1.0 file ---------------------------------------------------------------
    text = (year_dir / "indicators.sdmx.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    want_header = ["DATAFLOW"] + [c.id for c in dims + measures + attrs]
    if header != want_header:
        fail(f"SDMX-CSV header {header} is not the DSD's {want_header}")
        return report()
    flow_ref = f"{flow.maintainer.id}:{flow.id}({flow.version})"
    if bad := sorted({r[0] for r in body if r[0] != flow_ref}):
        fail(f"DATAFLOW column holds {bad[:5]}, not {flow_ref}")

    # --- The SDMX-CSV 2.0 file: the same rows, read by sdmx1 as it is -----------------------
    path_2 = year_dir / "indicators.sdmx2.csv"
    rows_2 = list(csv.reader(io.StringIO(path_2.read_text(encoding="utf-8"))))
    if rows_2[0] != ["STRUCTURE", "STRUCTURE_ID", "ACTION"] + header[1:]:
        fail(f"SDMX-CSV 2.0 header {rows_2[0]} is not the 1.0 one's with STRUCTURE, STRUCTURE_ID, ACTION")
        return report()
    if [r[3:] for r in rows_2[1:]] != [r[1:] for r in body] or any(
        r[:3] != ["dataflow", flow_ref, "I"] for r in rows_2[1:]
    ):
        fail("the SDMX-CSV 2.0 file's rows are not the 1.0 file's")
    data = sdmx.read_sdmx(path_2, format="CSV", structure=flow)
    observations = [o for ds in data.data for o in ds.obs]
    if len(observations) != len(body):
        fail(f"sdmx1 read {len(observations)} observations from {len(body)} rows")

    published = {}
    for i, o in enumerate(observations):
        where = f"observation {i + 1}"
        key = {k: kv.value for k, kv in o.dimension.values.items()}
        if set(key) != {d.id for d in dims}:
            fail(f"{where}: dimensions {sorted(key)}")
            continue
        for d in dims[:-1]:
            if key[d.id] not in codes[d.id]:
                fail(f"{where}: {d.id} = {key[d.id]!r} is not a code of its code list")
        if not re.fullmatch(r"\d{4}", key["TIME_PERIOD"]):
            fail(f"{where}: TIME_PERIOD {key['TIME_PERIOD']!r} is not a year")
            continue
        attributes = {k: av.value for k, av in o.attached_attribute.items()}
        for a in attrs:
            if attributes.get(a.id) not in codes[a.id]:
                fail(f"{where}: {a.id} = {attributes.get(a.id)!r} is not a code of its code list")
        value = None
        if o.value not in (None, ""):
            try:
                value = float(o.value)
            except ValueError:
                fail(f"{where}: OBS_VALUE {o.value!r} is not a number")
                continue
            if not math.isfinite(value):
                fail(f"{where}: OBS_VALUE {o.value!r} is not finite")
        broken = [d for d in breakdown_of if key[d] != "_T"]
        if len(broken) > 1:
            fail(f"{where}: more than one breakdown: {broken}")
            continue
        if broken:
            d = broken[0]
            code = codes[d].get(key[d])
            cell = (breakdown_of[d], (annotation(code, "NQS_VALUE") if code else None) or key[d])
        else:
            cell = ("total", "total")
        k = (key["INDICATOR"], int(key["TIME_PERIOD"]), *cell)
        if k in published:
            fail(f"{where}: a second observation of {k}")
        published[k] = (value, attributes.get("CONF_STATUS"), attributes.get("OBS_STATUS"))

    # --- pysdmx reads the 2.0 file as it is, to the same observations ----------------------
    try:
        import pysdmx.io
    except ImportError:
        print("pysdmx is not installed: its reading is not checked", file=sys.stderr)
    else:
        sets = pysdmx.io.read_sdmx(path_2).data
        if len(sets) != 1 or str(sets[0].structure) != f"Dataflow={flow_ref}":
            fail(f"pysdmx read {[str(d.structure) for d in sets]}, not one dataset of {flow_ref}")
        else:
            frame = sets[0].data
            ids = [d.id for d in dims]

            def number(v):
                return None if v is None or v != v or v == "" else float(v)

            theirs = {
                tuple(r[i] for i in ids): (
                    number(r["OBS_VALUE"]),
                    r["CONF_STATUS"],
                    r["OBS_STATUS"],
                )
                for r in frame.to_dict("records")
            }
            ours = {
                tuple(o.dimension.values[i].value for i in ids): (
                    number(o.value),
                    o.attached_attribute["CONF_STATUS"].value,
                    o.attached_attribute["OBS_STATUS"].value,
                )
                for o in observations
            }
            if len(frame) != len(observations) or theirs != ours:
                differ = sorted(k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
                fail(f"pysdmx reads {len(frame)} observations, sdmx1 {len(observations)}; differing: {differ[:3]}")

    # --- sdmx1's own SDMX-CSV 1.0 writer lays the same observations out as nqs did ------------
    # (OBS_VALUE aside: the writer formats numbers its own way, and needs NaN for no value.)
    for ds in data.data:
        for o in ds.obs:
            o.value = float(o.value) if o.value not in (None, "") else math.nan
    written = pd.concat(
        [
            sdmx.to_csv(ds, format_options=FormatOptions1(), attributes="o", rtype=pd.DataFrame)
            for ds in data.data
        ]
    )
    if list(written.columns) != header:
        fail(f"sdmx1 writes SDMX-CSV 1.0 with columns {list(written.columns)}, nqs wrote {header}")
    else:
        keep = [c for c in header if c != "OBS_VALUE"]
        ours = sorted(tuple(r[header.index(c)] for c in keep) for r in body)
        theirs = sorted(tuple(str(v) for v in t) for t in written[keep].itertuples(index=False))
        if ours != theirs:
            fail("sdmx1's SDMX-CSV 1.0 of the observations differs from the file in codes or flags")

    # --- Against indicators.parquet ----------------------------------------------------------
    table = duckdb.sql(
        "select indicator_id, year, breakdown, breakdown_value, value, conf_status, obs_status, "
        "suppressed from read_parquet(?)",
        params=[str(year_dir / "indicators.parquet")],
    ).fetchall()
    if len(table) != len(body):
        fail(f"{len(body)} SDMX-CSV rows, {len(table)} rows in indicators.parquet")
    for ind, year, b, bv, value, conf, obs, suppressed in table:
        k = (ind, year, b, bv)
        got = published.get(k)
        if got is None:
            fail(f"{k} of indicators.parquet is not in the SDMX-CSV")
            continue
        if got != (value, conf, obs):
            fail(f"{k}: SDMX {got}, parquet {(value, conf, obs)}")
        if suppressed and (got[0] is not None or got[1] not in ("C", "D")):
            fail(f"{k}: withheld in the parquet but published as {got}")
    if extra := set(published) - {(r[0], r[1], r[2], r[3]) for r in table}:
        fail(f"observations not in indicators.parquet: {sorted(extra)[:5]}")
    if not problems:
        values = sum(1 for v in published.values() if v[0] is not None)
        print(f"ok: {len(published)} observations, {values} values, {len(dims)} dimensions")
    return report()


def report() -> int:
    for p in problems[:30]:
        print(p, file=sys.stderr)
    if len(problems) > 30:
        print(f"… and {len(problems) - 30} more", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
