#!/usr/bin/env bash
# Prepares a fresh machine: the pinned, checksum-verified DuckDB library that `duckdb` links
# against (so no half-hour C++ build), and the Debian tools the tests use to read PDFs back.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DUCKDB_NPM_PACKAGE="@duckdb/node-bindings-linux-x64@1.5.6-r.1"
DUCKDB_TGZ="duckdb-node-bindings-linux-x64-1.5.6-r.1.tgz"
DUCKDB_TGZ_SHA256="1b9f82478539bb9a1d1df44bd103121a12ae52142c07158dc52b97d2ec1d69ff"
DUCKDB_LIB_SHA256="3f4962cdd266eab2b479a5b5a4a6d063d279b2954ae814ed00385d553b747633"
DEST=".deps/duckdb"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/nqs"

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# Installs Debian packages when run as root on a machine with apt; otherwise says what to
# install and returns non-zero, so each caller decides whether it can go on without them.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing $*" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: please install $* (as root: apt-get install $*)" >&2
    return 1
  fi
}

if ! sha_ok "$DEST/libduckdb.so" "$DUCKDB_LIB_SHA256"; then
  mkdir -p "$CACHE" "$DEST"
  if ! sha_ok "$CACHE/$DUCKDB_TGZ" "$DUCKDB_TGZ_SHA256"; then
    # npm only fetches the package; it is installed like poppler below when missing.
    command -v npm >/dev/null || apt_install npm || {
      echo "setup: npm is needed to fetch $DUCKDB_NPM_PACKAGE" >&2; exit 1; }
    echo "setup: fetching $DUCKDB_NPM_PACKAGE" >&2
    (cd "$CACHE" && npm pack --silent "$DUCKDB_NPM_PACKAGE" >/dev/null)
  fi
  sha_ok "$CACHE/$DUCKDB_TGZ" "$DUCKDB_TGZ_SHA256" || {
    echo "setup: checksum mismatch for $CACHE/$DUCKDB_TGZ; delete it and run again" >&2; exit 1; }
  tar -xzf "$CACHE/$DUCKDB_TGZ" -C "$DEST" --strip-components=1 package/libduckdb.so
  sha_ok "$DEST/libduckdb.so" "$DUCKDB_LIB_SHA256" || {
    echo "setup: $DEST/libduckdb.so does not match its pinned checksum" >&2; exit 1; }
  echo "setup: DuckDB 1.5.6 library ready in $DEST" >&2
fi

# Tests read PDFs back (pdftotext, pdftoppm).
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  apt_install poppler-utils || echo "setup: the PDF tests need pdftotext and pdftoppm" >&2
fi

# `make dist` gives the installed binary the run path $ORIGIN alone (scripts/dist.sh).
if ! command -v patchelf >/dev/null; then
  apt_install patchelf || echo "setup: \`make dist\` and tests/dist.rs need patchelf" >&2
fi

# A Python virtual environment with the packages the tests check nqs against (pinned).
VENV="$CACHE/venv"
REQS="scripts/requirements-test.txt"
if [ ! -f "$VENV/.installed" ] || ! cmp -s "$REQS" "$VENV/.installed"; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "setup: installing python3-venv" >&2
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
  fi
  echo "setup: Python test packages into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS"
  cp "$REQS" "$VENV/.installed"
fi
