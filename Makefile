# fiveguard — two commands for a fresh machine: `make demo` and `make test`.
# Every target is idempotent: the virtual environment is rebuilt only when
# pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_WORKERS ?= 2

.PHONY: serve demo test lint typecheck unit install install-dev browser bench schema clean calibration backtest

CHROMIUM ?= /usr/bin/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

## Run the assessment on the embedded demo network, then the EU demo (three member
## states exchange signed summaries; the EU level builds the coordinated view).
demo: $(RUN_STAMP)
	$(BIN)/fiveguard demo
	$(BIN)/fiveguard demo --eu

## The web app on a freshly seeded demo instance (users and password printed), on
## http://localhost:8000/ (FIVEGUARD_DEMO_PASSWORD sets the password).
serve: $(RUN_STAMP)
	$(BIN)/fiveguard serve --demo

## Whole-operator outage rates by cause on the demo and generated countries, beside the
## incident record, and EU-like countries beside ENISA's annual figures (the tables of
## docs/calibration.md).
calibration: $(RUN_STAMP)
	$(BIN)/python tools/calibration_check.py --trials 10000 --seed 1
	$(BIN)/python tools/base_rate_check.py --trials 10000 --seed 1

## The replays of real outages re-run on the packaged catalogue and scored against the
## reports (the backtest table of docs/calibration.md).
backtest: $(RUN_STAMP)
	$(BIN)/python tools/backtest.py

## Lint, type-check and run the whole test suite.
test: lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP) browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
	    echo "warning: could not install chromium; browser tests will be skipped"; \
	  else \
	    echo "warning: $(CHROMIUM) missing and cannot install it; browser tests will be skipped"; \
	  fi; \
	fi

## Regenerate the published JSON Schemas in docs/ (tests check they are current).
schema: $(RUN_STAMP)
	$(BIN)/fiveguard schema model > docs/schema/model.schema.json
	$(BIN)/fiveguard schema assessment > docs/schema/assessment.schema.json
	$(BIN)/fiveguard schema validation > docs/schema/validation.schema.json
	$(BIN)/fiveguard schema national-summary > docs/schema/national-summary.schema.json
	$(BIN)/fiveguard schema coordination > docs/schema/coordination.schema.json
	$(BIN)/fiveguard schema lab-attestation > docs/schema/lab-attestation.schema.json
	$(BIN)/fiveguard schema lab-record > docs/schema/lab-record.schema.json

## Benchmarks (not part of make test); each prints its comparison and writes
## benchmarks/out/; the figures are recorded in benchmarks/RESULTS.md by hand.
bench: $(DEV_STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
