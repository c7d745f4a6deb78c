# lingtan — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO   ?= demo-workspace
SHARED ?= ../shared/data

.PHONY: demo test lint typecheck unit install factors bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

install: $(BIN)/.installed

## The main job on the embedded default: build the demo workspaces, calculate, print inventories.
demo: $(BIN)/.installed
	$(BIN)/lingtan demo $(DEMO)

## The full suite: lint, format check, types, tests (warnings are errors).
test: lint typecheck unit

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed
	$(BIN)/pytest -q

## Rebuild the bundled factor library from ../shared/data (reproducible, byte-identical).
factors: $(BIN)/.installed
	$(BIN)/python tools/build_factor_library.py --data $(SHARED) --out src/lingtan/data

## Engine benchmark: DuckDB SQL vs lingtan vs pandas at 1 M and 10 M rows (docs/benchmarks.md).
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
