# lingtan — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO   ?= demo-workspace
SHARED ?= ../shared/data
SERVE  ?= yes
# browser tests drive Debian's /usr/bin/chromium; Playwright never downloads a browser
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: demo test lint typecheck unit install factors bench bench-engine bench-e2e bench-import bench-load bench-lineage bench-lca bench-startup bench-readings bench-mqtt bench-inclusion-scale bench-inclusion-push clean browser fonts

## The product alone (what `make demo` needs): no test tools, no Spark.
$(BIN)/.installed-app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

## The product with the test and Spark extras (what `make test` needs).
$(BIN)/.installed: $(BIN)/.installed-app
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

install: $(BIN)/.installed

## The main job on the embedded default: build the demo workspaces, calculate, print inventories,
## then serve the web app on them and print its address and a login (Ctrl-C stops; SERVE=no skips).
demo: $(BIN)/.installed-app fonts
	$(BIN)/lingtan demo $(DEMO)
	@if [ "$(SERVE)" != "no" ]; then $(BIN)/lingtan serve --demo $(DEMO); fi

## The full suite: lint, format check, types, tests (warnings are errors).
test: lint typecheck unit

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed
	$(BIN)/mypy

## Every test in one run: the server tests on SQLite and PostgreSQL (fixture `db_url`), the
## workspace tests on each folder's SQLite file and on PostgreSQL (fixture `workspace_store`),
## the accounting cases on DuckDB and PySpark (fixture `backend`; decision 0047).
## Tests run on one worker more than the machine has cores (pytest-xdist; part of each worker's
## time waits on PostgreSQL, servers and the browser; one test module per worker, so module
## fixtures such as the browser's server stay whole), the longest modules first
## (tests/conftest.py SLOW_FIRST; decision 0086); each worker has its own databases and folders.
PYTEST_PAR ?= -n $(shell echo $$(( $$(nproc) + 1 ))) --dist loadfile
unit: $(BIN)/.installed browser fonts
	$(BIN)/pytest -q $(PYTEST_PAR) --durations=30

## Debian's Chromium for the browser tests (tests/adapters/web): installed with apt when root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else echo "note: chromium is missing; the browser tests need it: sudo apt-get install chromium"; fi; }

## A font for Chinese text (decision 0058): Debian's fonts-noto-cjk (Noto Sans CJK SC), which the
## web pages' CSS names and the PNG labels (and PDFs) are drawn with; installed with apt when
## root, else a note (or name a font file in LINGTAN_CJK_FONT).
fonts:
	@if [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || \
	  fc-list :lang=zh-cn 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get install -y fonts-noto-cjk || { apt-get update && apt-get install -y fonts-noto-cjk; }; \
	else echo "note: no font for Chinese text; PNG labels need one: sudo apt-get install fonts-noto-cjk (or set LINGTAN_CJK_FONT to a font file)"; fi
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 || { apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0; }; \
	else echo "note: Pango is missing; PDF editions (WeasyPrint) need it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; fi

## Rebuild the bundled factor library from ../shared/data (reproducible, byte-identical).
factors: $(BIN)/.installed
	$(BIN)/python tools/build_factor_library.py --data $(SHARED) --out src/lingtan/data

## Benchmarks (docs/benchmarks.md): `make bench` runs every one, each `make bench-<name>` one.
## Every run is a fresh process, variants interleaved round-robin with their yardsticks, paired
## ratios and the load average printed (benchmarks/_harness.py). Default sizes, chosen to finish
## in about 30 minutes together on a busy 2-core machine:
##   engine   1 M rows, 5 rounds (~7 min at load 9; `--sizes 1000000 10000000` or `--huge` adds 10 M)
##   e2e      CSV of 100 k and 1 M rows -> import -> calc -> inventory, 3 rounds, XLSX 20 k rows
##            (~10 min; `--huge` adds 10 M: minutes and many GiB, not by default)
##   import   lingtan import of a CSV of 100 k and 1 M rows vs DuckDB and Polars, XLSX 20 k rows vs
##            python-calamine, 3 rounds (~5 min; `--huge` adds 10 M)
##   load     server under load, SQLite and PostgreSQL, 1/10/50 clients, 5 s each (~3 min)
##   lineage  10,000 activity rows behind one figure (~1 min)
##   lca      synthetic 20,000-process database vs bw2calc with PARDISO/SuperLU, 15 variants x 3 rounds (~12 min)
##   startup  lingtan --help, inventory, server first response vs bare apps, 5 rounds (~3 min)
##   readings meter readings: a 5 M-reading CSV vs DuckDB; monthly sums of 1,000 meters x a year
##            of 15-min data (35 M readings), 3 rounds (~10 min; data made once in benchmarks/out)
##   mqtt     MQTT listener: 10,000 msg/s offered for 60 s, then kill -9 + restart mid-stream
##            (20 s), against a private mosquitto (~3 min)
##   inclusion-scale  100 M inclusion events / 1 M accounts as partitioned Parquet (made once in
##            benchmarks/out, ~1.2 GB), leaderboards and report vs hand-written DuckDB SQL,
##            3 rounds (`--spark` adds PySpark, 1 round; `--events/--accounts` scale down)
##   inclusion-push  partners' signed push into a real `lingtan serve`: events/s single and
##            batched vs a bare fsync endpoint, then kill -9 at 40 % + restart + replay (~3 min)
## Options: BENCH_ARGS="--rounds 3" passes options to the benchmark of a bench-<name> target.
BENCHES = engine e2e import load lineage lca startup readings mqtt inclusion-scale inclusion-push
bench: $(addprefix bench-,$(BENCHES))

bench-engine: $(BIN)/.installed
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-e2e: $(BIN)/.installed
	$(BIN)/python -m benchmarks.e2e $(BENCH_ARGS)

bench-import: $(BIN)/.installed
	$(BIN)/python -m benchmarks.imports $(BENCH_ARGS)

bench-load: $(BIN)/.installed
	$(BIN)/python -m benchmarks.load $(BENCH_ARGS)

bench-lineage: $(BIN)/.installed
	$(BIN)/python -m benchmarks.lineage $(BENCH_ARGS)

bench-lca: $(BIN)/.installed
	BRIGHTWAY2_DIR=$$(mktemp -d) $(BIN)/python -m benchmarks.lca $(BENCH_ARGS)

bench-startup: $(BIN)/.installed
	$(BIN)/python -m benchmarks.startup $(BENCH_ARGS)

bench-readings: $(BIN)/.installed
	$(BIN)/python -m benchmarks.readings $(BENCH_ARGS)

bench-mqtt: $(BIN)/.installed
	$(BIN)/python -m benchmarks.mqtt $(BENCH_ARGS)

bench-inclusion-scale: $(BIN)/.installed
	$(BIN)/python -m benchmarks.bench_inclusion_scale $(BENCH_ARGS)

bench-inclusion-push: $(BIN)/.installed
	$(BIN)/python -m benchmarks.bench_inclusion_push $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
