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

.PHONY: demo test lint typecheck unit install install-dev browser bench schema clean

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

## Run the assessment on the embedded demo network.
demo: $(RUN_STAMP)
	$(BIN)/fiveguard demo

## Lint, type-check and run the whole test suite.
test: lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

## Regenerate the published JSON Schemas in docs/.
schema: $(RUN_STAMP)
	$(BIN)/fiveguard schema model > docs/schema/model.schema.json

## Benchmarks (not part of make test); results go to benchmarks/RESULTS.md by hand.
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/model_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
