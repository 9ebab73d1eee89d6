"""Runs the researcher's snippets of README.md (the ```python blocks that open with
`# researcher: <reader>, <published|lake>`) in a folder whose `output` is the sample's output, and
checks what they print: the three readers of the published tables print the same cells, the three
readers of the lake the same figures, and every published cell with a value equals the lake's
figure for that year and region (a withheld cell has no value). Usage: readme_snippets.py README OUTPUT."""
import csv, io, math, os, re, subprocess, sys, tempfile

readme, output = sys.argv[1], os.path.abspath(sys.argv[2])
blocks = re.findall(r"```python\n(# researcher: (\w+), (published|lake)\n.*?)```", open(readme).read(), re.S)
assert len(blocks) == 6, f"six researcher snippets in README, found {len(blocks)}"
work = tempfile.mkdtemp()
os.symlink(output, os.path.join(work, "output"))


def number(text):
    return None if text in ("", "NaN", "nan", "null") else float(text)


printed = {}
for code, reader, kind in blocks:
    run = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{reader}, {kind}: the snippet fails:\n{run.stderr}")
    rows = {}
    for r in csv.DictReader(io.StringIO(run.stdout.strip())):
        if r["region"] in ("", "null", "NaN"):
            continue  # a decision without a region: 'unknown' in the tables, a null group here
        rows[(int(r["year"]), r["region"])] = (number(r["value"]), r.get("conf_status"))
    if not rows:
        sys.exit(f"{reader}, {kind}: printed no row:\n{run.stdout}")
    printed[(reader, kind)] = rows


def same(a, b):
    if a[1] != b[1] or (a[0] is None) != (b[0] is None):
        return False
    return a[0] is None or math.isclose(a[0], b[0], rel_tol=1e-9)


failures = []
for kind in ("published", "lake"):
    base = printed[("pandas", kind)]
    for reader in ("polars", "duckdb"):
        other = printed[(reader, kind)]
        if set(other) != set(base):
            failures.append(f"{reader} {kind}: cells {sorted(set(other) ^ set(base))[:5]} differ from pandas")
        for key in set(other) & set(base):
            if not same(other[key], base[key]):
                failures.append(f"{reader} {kind} {key}: {other[key]} vs pandas {base[key]}")
published, lake = printed[("pandas", "published")], printed[("pandas", "lake")]
compared = withheld = 0
for key, (value, status) in published.items():
    if value is None:
        withheld += 1
        continue
    compared += 1
    if key not in lake or not math.isclose(value, lake[key][0], rel_tol=1e-9):
        failures.append(f"published {key} = {value}, the lake gives {lake.get(key)}")
if failures:
    sys.exit("\n".join(failures[:20]))
print(f"summary: 6 snippets ran; {compared} published cells equal the lake's, {withheld} withheld")
