# The two commands a newcomer needs are `make report` and `make test`; everything else here
# serves them. `make setup` fetches the pinned DuckDB library (checksum-verified) and the tools
# the tests use; every target that builds runs it first, and it is quick when nothing is missing.

YEAR ?= 2026
# The sample was generated as of 20 November 2026; judging its deadlines from a fixed day keeps
# the sample report the same whenever it is made.
AS_OF ?= 2026-11-25
SAMPLE ?= datasets/sample
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
NQS := target/release/nqs

.PHONY: setup build test lint report sample bench dist clean

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --release --locked
	@if [ "$(abspath $(TARGET_DIR))" != "$(abspath target)" ]; then \
		mkdir -p target/release && cp -f "$(TARGET_DIR)/release/nqs" $(NQS); fi
	@echo "built $(NQS)"

# Runs the indicators' cases too (`nqs test --mutate`, from tests/indicator_tests.rs).
test: setup
	cargo test --locked

lint: setup
	python3 scripts/check_imports.py
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings

# The annual analysis for the sample year, from the sample data committed under datasets/.
report: build
	$(NQS) ingest $(SAMPLE) --sample
	$(NQS) run --year $(YEAR) --as-of $(AS_OF)
	$(NQS) schedule --year $(YEAR) --as-of $(AS_OF)
	$(NQS) report --year $(YEAR) --lang kk,ru

# Regenerates the committed sample data set (deterministic: the same files every time).
sample: build
	rm -rf $(SAMPLE)
	$(NQS) generate --seed 42 --scale small --years 2022..$(YEAR) --out $(SAMPLE)
	# The National body's own extracts (expertise, trainings), the platform's incidents and its
	# placements of para. 7 information are not generated yet: the hand-written ones the tests
	# use join the sample.
	cp -r tests/fixtures/new-sources/standard_expertise tests/fixtures/new-sources/trainings \
		tests/fixtures/new-sources/platform_incidents \
		tests/fixtures/new-sources/platform_placements $(SAMPLE)/
	# Nor are the classifier of territories and the graduates by speciality, in their
	# publishers' shapes (tests/fixtures/published).
	cp -r tests/fixtures/published/kato tests/fixtures/published/graduates $(SAMPLE)/

bench: build
	bash scripts/bench.sh

# A folder to install (dist/nqs-<version>/): the release binary with libduckdb.so beside it
# (run path $$ORIGIN only), the default pipelines and templates, the systemd units, INSTALL.md.
dist: build
	bash scripts/dist.sh $(NQS) dist

clean:
	rm -rf output/lake output/20* target/release/nqs dist
