# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1

.PHONY: run test lint format bench clean setup chromium system axe typecheck schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Debian's Pango (WeasyPrint's PDF layout: Thai shaping and line breaks), Thai fonts for
## the browsers, and poppler-utils (the tests read the PDF back).
system:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && command -v pdftoppm >/dev/null; } || { \
	  echo "Installing Pango and poppler-utils for the PDF report"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
	    poppler-utils fonts-thai-tlwg >/dev/null; }

## Start the whole system on the embedded Valkey with the demo forum loaded.
run: $(STAMP) system
	$(BIN)/prachakhom serve --demo $(ARGS)

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-thai-tlwg >/dev/null; }

## axe-core for the accessibility tests, pinned by tests/browser/package-lock.json (npm ci:
## the exact version, no other package). Node.js and npm come from Debian when missing.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's nodejs and npm for axe-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $(AXE)

axe: $(AXE)

## The browser apps' JSDoc types (tsc --checkJs, nothing emitted): the pages' modules and
## the service worker; typescript is pinned beside axe-core in tests/browser/package.json.
TSC := tests/browser/node_modules/.bin/tsc
typecheck: $(AXE)
	$(TSC) -p tests/browser/tsconfig.json && $(TSC) -p tests/browser/tsconfig.sw.json

## Install what the tests need, then run them all (lint included).
## The end-to-end tests of the vote path, screens, ideas and exports, run again against a
## local Valkey Cluster (3 primaries, 1 replica each) instead of the single embedded Valkey.
CLUSTER_TESTS ?= tests/test_vote_path.py tests/test_resume.py tests/test_results_api.py \
	tests/test_export_json.py tests/test_theme_api.py tests/browser/test_apps.py

test: $(STAMP) system chromium $(AXE)
	$(BIN)/ruff check server tests loadtest
	$(BIN)/mypy
	$(BIN)/mypy --strict --follow-imports=silent server/prachakhom/core
	$(TSC) -p tests/browser/tsconfig.json && $(TSC) -p tests/browser/tsconfig.sw.json
	$(BIN)/pytest -q $(PYTEST_ARGS)
	PRACHAKHOM_TEST_STORE=cluster $(BIN)/pytest -q $(CLUSTER_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check server tests loadtest
	$(BIN)/ruff format --check server tests loadtest

format: $(STAMP)
	$(BIN)/ruff format server tests loadtest

## The export's JSON Schema (server/prachakhom/report/schema.json), generated from its
## types in report/model.py; a test fails while the shipped file differs.
schema: $(STAMP)
	$(BIN)/python -m prachakhom.report.schema

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/browser/node_modules

## The full load test (loadtest/README.md): 5,000 phones + 500 tablets + 20 screens on one
## server process, the echo/Redis ceiling, the books; results/<time>/. More: BENCH_ARGS=...
bench: $(STAMP)
	$(BIN)/python -m loadtest --participants 5000 --tablets 500 --screens 20 --sustain 10 $(BENCH_ARGS)
