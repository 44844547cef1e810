# Every target creates .venv/ on first use, so a fresh clone with only Python 3.11 works.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean-data

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jen demo

# Two test processes, one per core: most tests wait on crawls, servers and subprocesses; a file's tests stay
# together (--dist loadfile) so its module fixtures (one crawl, one browser) are made once.
PYTEST_ARGS ?= -n 2 --dist loadfile

# The web view's browser tests drive Debian's chromium (Playwright's own browser download is not reachable).
test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "note: chromium could not be installed; the web view's browser tests will be skipped"
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.clean
	$(BIN)/python -m bench.dedupe_eval
	$(BIN)/python -m bench.dedupe

clean-data:
	rm -rf data/
