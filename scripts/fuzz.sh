#!/usr/bin/env bash
# `scripts/fuzz.sh [SECONDS]`: the property tests of tests/fuzz.rs (readers, id/date/number
# parsers, every contract's checks) run again and again with a large case count, each round
# with a fresh random seed, until SECONDS (default 600) are up. Prints the rounds, the cases run
# and the failures; exits 1 if any property failed.
#
#   FUZZ_CASES   cases per property per round (default 1000; `cargo test` runs 24 to 256)
#   FUZZ_LOG     where each round's output goes (default /tmp/nqs-fuzz)
#
# A failing input is shrunk and saved in proptest-regressions/fuzz.txt, which every later run
# (and `cargo test`) replays first: commit that file with the fix, and add a named regression
# test at the end of tests/fuzz.rs. The build is not timed; a round still running when the time
# is up is stopped and its cases are not counted.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_WANTED=${1:-600}
CASES=${FUZZ_CASES:-1000}
LOG=${FUZZ_LOG:-/tmp/nqs-fuzz}
mkdir -p "$LOG"

# Built once; the rounds run the test binary itself, so they hold no cargo lock.
bin=$(cargo test --test fuzz --no-run 2>&1 | tee "$LOG/build.txt" | sed -n 's/.*Executable tests\/fuzz.rs (\(.*\))$/\1/p')
[ -x "$bin" ] || { cat "$LOG/build.txt"; exit 2; }

start=$(date +%s)
rounds=0
cases=0
failures=0
while :; do
    left=$((start + SECONDS_WANTED - $(date +%s)))
    [ "$left" -gt 0 ] || break
    out="$LOG/round-$((rounds + 1)).txt"
    PROPTEST_CASES=$CASES timeout "$left" "$bin" >"$out" 2>&1
    status=$?
    [ "$status" -eq 124 ] && break # the time ran out mid-round
    rounds=$((rounds + 1))
    # Each property runs CASES cases; the named regression tests run once.
    properties=$(grep -c '#\[test\]' tests/fuzz.rs)
    regressions=$(grep -c '^fn regression_' tests/fuzz.rs)
    properties=$((properties - regressions))
    cases=$((cases + properties * CASES + regressions))
    if [ "$status" -ne 0 ]; then
        failed=$(grep -E '^    [a-z_0-9]+$' "$out" | sort -u)
        failures=$((failures + $(echo "$failed" | grep -c .)))
        echo "round $rounds FAILED: $(echo "$failed" | tr '\n' ' ')(see $out)"
    fi
done
elapsed=$(($(date +%s) - start))
echo "fuzz: ${elapsed}s, $rounds rounds, $cases cases, $failures failures"
[ "$failures" -eq 0 ]
