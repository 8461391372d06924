# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1

.PHONY: run test lint format bench clean setup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Start the whole system on the embedded Valkey with the demo forum loaded.
run: $(STAMP)
	$(BIN)/prachakhom serve --demo $(ARGS)

## Install what the tests need, then run them all (lint included).
test: $(STAMP)
	$(BIN)/ruff check server tests loadtest
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check server tests loadtest
	$(BIN)/ruff format --check server tests loadtest

format: $(STAMP)
	$(BIN)/ruff format server tests loadtest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
