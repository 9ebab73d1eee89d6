#!/usr/bin/env bash
# Lays out a folder to install: `scripts/dist.sh BINARY OUTDIR` makes OUTDIR/nqs-<version>/ with
# the binary, the libduckdb.so it links beside it, the default pipelines/, report-templates/
# and calendar/, the systemd units and INSTALL.md. `make dist` runs it on the release binary;
# tests/dist.rs on the binary cargo built for the tests.
#
# The binary cargo builds looks for libduckdb.so first in the build tree (.deps/duckdb, an
# absolute path) and then beside itself ($ORIGIN, build.rs). The copy here is given `$ORIGIN`
# alone, so an installed nqs never loads a library from wherever it was built, and keeps working
# once the clone is gone.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 2 ] || { echo "usage: scripts/dist.sh BINARY OUTDIR" >&2; exit 2; }
BINARY="$1"
OUTDIR="$2"
LIB=".deps/duckdb/libduckdb.so"
VERSION="$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)"
NAME="nqs-$VERSION"

[ -x "$BINARY" ] || { echo "dist: $BINARY is not a built binary: run \`make build\` first" >&2; exit 1; }
[ -f "$LIB" ] || { echo "dist: $LIB is missing: run \`make setup\` first" >&2; exit 1; }
command -v patchelf >/dev/null || {
  echo "dist: patchelf is needed to set the binary's run path: run \`make setup\` (as root) or install patchelf" >&2; exit 1; }

mkdir -p "$OUTDIR"
STAGE="$OUTDIR/.$NAME.tmp"
rm -rf "$STAGE"
mkdir -p "$STAGE/systemd"

cp "$BINARY" "$STAGE/nqs"
patchelf --set-rpath '$ORIGIN' "$STAGE/nqs"
runpath="$(readelf -d "$STAGE/nqs" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')"
[ "$runpath" = '$ORIGIN' ] || {
  echo "dist: $STAGE/nqs has run path '$runpath', not \$ORIGIN" >&2; exit 1; }
cp "$LIB" "$STAGE/libduckdb.so"

cp -r pipelines "$STAGE/pipelines"
cp -r report-templates "$STAGE/report-templates"
# The calendar the binary carries, for adding a year's decree (`--calendar`, NQS_CALENDAR).
cp -r datasets/calendar "$STAGE/calendar"
cp deploy/systemd/* "$STAGE/systemd/"
cp deploy/INSTALL.md "$STAGE/INSTALL.md"
echo "$VERSION" > "$STAGE/VERSION"

# Replace an earlier layout of the same version whole, never half.
rm -rf "${OUTDIR:?}/$NAME"
mv "$STAGE" "$OUTDIR/$NAME"
echo "dist: $OUTDIR/$NAME"
