#!/usr/bin/env bash
# `make bench`: nqs at national scale, side by side with DuckDB alone and pandas, in one run.
# Prints figures and ratios; it checks nothing, so it never fails on a slow machine (speed and
# memory are judged by reading these figures, never by timed tests).
#
#   BENCH_DIR    where the generated data, outputs and the Python environment go (/tmp/nqs-bench)
#   YEARS        the years to generate (2022..2026: five national years, generated once, reused)
#   REPEAT       how many times each nqs step runs; the median is printed (3)
#   BENCH_LARGE  1: also ingest and run a set of 50 M recognition rows, made from the five-year
#                set (about 10 GB more disk and half an hour more, so off by default)
#
# Every step reads files the step before it has read, so all run on a warm page cache, the
# floor included. Peak memory is the maximum resident set of the process (GNU time's %M).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NQS=${NQS:-$ROOT/target/release/nqs}
WORK=${BENCH_DIR:-/tmp/nqs-bench}
YEARS=${YEARS:-2022..2026}
REPEAT=${REPEAT:-3}
LAST=${YEARS#*..}
AS_OF="$LAST-11-25"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

# The Python side: DuckDB of the version nqs links, pandas, pinned (scripts/bench/requirements.txt).
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s scripts/bench/requirements.txt "$VENV/requirements.txt"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r scripts/bench/requirements.txt
  cp scripts/bench/requirements.txt "$VENV/requirements.txt"
fi
PY="$VENV/bin/python"

# measure LABEL COMMAND...: runs it under GNU time; records "LABEL seconds peak_KiB".
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$label.out" 2> "$WORK/$label.err" || {
    echo "$label failed:"; tail -5 "$WORK/$label.err"; return 1; }
  read -r secs kb < "$WORK/time.txt"
  printf '%s\t%s\t%s\n' "$label" "$secs" "$kb" >> "$RESULTS"
  printf '  %-28s %8.2f s  %6d MiB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "== data set"
DATA="$WORK/data"
if [ ! -f "$DATA/GENERATED.json" ]; then
  measure generate "$NQS" generate --seed 7 --scale national --years "$YEARS" --out "$DATA"
fi
echo "  $(du -sh "$DATA" | cut -f1), $(find "$DATA" -type f | wc -l) files, years $YEARS"

echo "== nqs ingest, run, report (x$REPEAT)"
for i in $(seq "$REPEAT"); do
  rm -rf "$WORK/out"
  measure "ingest_$i" "$NQS" --output "$WORK/out" ingest "$DATA" --sample --json
done
cp "$WORK/ingest_1.out" "$WORK/ingest.json"
for i in $(seq "$REPEAT"); do
  measure "run_$i" "$NQS" --output "$WORK/out" run --year "$LAST" --as-of "$AS_OF" --json
done
for i in $(seq "$REPEAT"); do
  measure "report_$i" "$NQS" --output "$WORK/out" report --year "$LAST" --lang kk,ru
done

echo "== DuckDB alone on the same SQL and lake (x$REPEAT)"
rm -rf "$WORK/setup"
"$NQS" --output "$WORK/out" sql --year "$LAST" --as-of "$AS_OF" --export-setup "$WORK/setup" > /dev/null
for i in $(seq "$REPEAT"); do
  measure "duckdb_alone_$i" "$PY" scripts/bench/duckdb_alone.py "$WORK/setup" pipelines --json
done

echo "== DuckDB read_csv and nqs ingest on the same UTF-8 CSV files"
rm -rf "$WORK/read_csv" "$WORK/csv_share" "$WORK/out-csv"
measure read_csv "$PY" scripts/bench/duckdb_read_csv.py "$DATA" "$WORK/read_csv" --json \
  --link-tree "$WORK/csv_share"
measure ingest_csv_share "$NQS" --output "$WORK/out-csv" ingest "$WORK/csv_share" --sample --json

echo "== pandas reading the same files and computing five indicators"
measure pandas "$PY" scripts/bench/pandas_indicators.py "$DATA" pipelines "$LAST" --json

echo "== the disk-and-decode floor"
measure floor "$PY" scripts/bench/floor.py "$DATA" --json

echo "== a monthly increment: the last month's files added to a lake holding the rest"
month=$(cd "$DATA" && find . -mindepth 3 -maxdepth 3 -type d -path "./*/$LAST/*" | sed 's|.*/||' | sort | tail -1)
rm -rf "$WORK/base" "$WORK/out-inc"
cp -al "$DATA" "$WORK/base"
(cd "$WORK/base" && find . -type f -path "*/$LAST/$month/*" -delete)
measure ingest_base "$NQS" --output "$WORK/out-inc" ingest "$WORK/base" --sample --json
(cd "$DATA" && find . -type f -path "*/$LAST/$month/*" -print0 | xargs -0 cp -l --parents -t "$WORK/base")
echo "  month $LAST-$month: $(cd "$DATA" && find . -type f -path "*/$LAST/$month/*" | wc -l) files"
measure ingest_month "$NQS" --output "$WORK/out-inc" ingest "$WORK/base" --sample --json
measure run_after_month "$NQS" --output "$WORK/out-inc" run --year "$LAST" --as-of "$AS_OF" --json

if [ "${BENCH_LARGE:-0}" = 1 ]; then
  echo "== 50 M recognition rows"
  # The five-year set's recognition results, copied with new record numbers and new (valid)
  # IINs until there are 50 M rows, beside the set's other sources (scripts/bench/large.py).
  LARGE="$WORK/large"
  if [ ! -f "$LARGE/LARGE.json" ]; then
    measure make_large "$PY" scripts/bench/large.py "$DATA" "$LARGE" --rows 50000000
  fi
  rm -rf "$WORK/out-large"
  measure ingest_large "$NQS" --output "$WORK/out-large" ingest "$LARGE" --sample --json
  measure run_large "$NQS" --output "$WORK/out-large" run --year "$LAST" --as-of "$AS_OF" --json
fi

echo "== summary"
"$PY" scripts/bench/summary.py "$WORK"
