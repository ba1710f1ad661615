# faredesk — the two commands: `make run` and `make test`. Both bootstrap themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= $(or $(FAREDESK_PORT),8000)
export PICCOLO_CONF := app.piccolo_conf

.PHONY: run test test-sqlite test-postgres test-e2e bench lint typecheck install migrate seed clean sims i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency pins change.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/faredesk migrate

seed: migrate
	$(BIN)/faredesk seed-demo

run: seed
	@echo
	@echo "  faredesk: http://127.0.0.1:$(PORT)   (SQLite under var/, simulated hardware)"
	@echo
	FAREDESK_PORT=$(PORT) $(BIN)/faredesk dev   # web server + worker + SMTP on 127.0.0.1:8025 (/dev/mail)

test: install
	@bash tests/run_all.sh

test-sqlite: install
	env -u FAREDESK_TEST_DATABASE_URL $(BIN)/pytest -q -m "not e2e" --ignore=tests/e2e

test-postgres: install
	FAREDESK_TEST_DATABASE_URL=$${FAREDESK_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/faredesk_test} \
	  $(BIN)/pytest -q -m "not e2e" --ignore=tests/e2e

test-e2e: install
	$(BIN)/pytest -q tests/e2e

lint: install
	$(BIN)/ruff check app hardware tests benchmarks
	$(BIN)/mypy app hardware

# Catalogs: extract messages, update each language's .po, compile the .mo (committed).
i18n: install
	$(BIN)/faredesk i18n all

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
