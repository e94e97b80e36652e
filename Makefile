# The two commands of the quick start: `make demo` and `make test`. Both build .venv when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADAPTERS := $(sort $(dir $(wildcard adapters/*/pyproject.toml)))

.PHONY: demo test lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Core only: what a clinic needs to run the demo.
$(VENV)/.core: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Core, every adapter and the developer tools.
$(VENV)/.dev: $(VENV)/.core $(wildcard adapters/*/pyproject.toml)
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(foreach a,$(ADAPTERS),-e $(a))
	touch $@

demo: $(VENV)/.core
	$(BIN)/python -m serviceplan demo --db .serviceplan/demo.sqlite3

# The docs build strictly first (no broken links or references); then the suite, with every
# code example in docs/ and README.md run as a test; then the docs, the command line and the
# read side again with the system clock a year ahead, so no test depends on today's date.
test: docs
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --year-ahead --no-cov -q -p no:cacheprovider \
		tests/docs tests/cli tests/acceptance tests/read

docs: $(VENV)/.dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src $(wildcard adapters/*/src) examples
	$(BIN)/lint-imports

# Benchmarks against bare eventsourcing and raw sqlite3: writes bench/results.json, prints a table.
bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .serviceplan .pytest_cache .mypy_cache .ruff_cache .coverage site
