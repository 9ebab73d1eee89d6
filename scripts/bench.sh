#!/usr/bin/env bash
# Benchmarks on a national-scale data set (at least 1,000,000 recognition results a year).
# Prints figures; it checks nothing, so it never fails on a slow machine. Speed and memory are
# judged by reading these figures, not by timed tests.
#   BENCH_DIR  where the generated data and outputs go (default /tmp/nqs-bench)
#   YEARS      the years to generate (default 2022..2026)
set -euo pipefail
cd "$(dirname "$0")/.."
NQS=${NQS:-target/release/nqs}
WORK=${BENCH_DIR:-/tmp/nqs-bench}
YEARS=${YEARS:-2022..2026}
mkdir -p "$WORK"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$label.out"
  read -r secs kb < "$WORK/time.txt"
  echo "$label: ${secs} s wall, peak memory $((kb / 1024)) MiB"
}

if [ ! -f "$WORK/data/GENERATED.json" ]; then
  measure generate "$NQS" generate --seed 7 --scale national --years "$YEARS" --out "$WORK/data"
fi
echo "data set: $(du -sh "$WORK/data" | cut -f1), $(find "$WORK/data" -type f | wc -l) files"

rm -rf "$WORK/out"
measure ingest "$NQS" --output "$WORK/out" ingest "$WORK/data" --sample --json
rows=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(s['rows_read'] for s in r['sources'].values()))" "$WORK/ingest.out")
read -r secs _ < "$WORK/time.txt"
python3 -c "import sys; print(f'ingest throughput: {int(sys.argv[1]) / float(sys.argv[2]):,.0f} rows/s ({int(sys.argv[1]):,} rows)')" "$rows" "$secs"
echo "lake: $(du -sh "$WORK/out/lake" | cut -f1)"

measure reingest "$NQS" --output "$WORK/out" ingest "$WORK/data" --sample --json
echo "(re-ingest of unchanged files: checksums only)"

last=${YEARS#*..}
measure run "$NQS" --output "$WORK/out" run --year "$last" --as-of "$last-11-25"
measure report "$NQS" --output "$WORK/out" report --year "$last" --lang kk,ru
cat "$WORK/report.out"
