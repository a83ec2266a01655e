# SPDX-License-Identifier: AGPL-3.0-or-later
# `make demo` and `make test` are the two commands of the README; both start from nothing.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN     = $(VENV)/bin

.PHONY: demo test test-postgres test-browser bench lint messages clean

$(BIN)/xaso: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/xaso
	$(BIN)/xaso migrate --noinput
	$(BIN)/xaso demo
	$(BIN)/xaso runserver --noreload $(HOST):$(PORT)

lint: $(BIN)/xaso
	$(BIN)/ruff check src tests bench conftest.py

test: lint
	$(BIN)/pytest -q

# The same suite on PostgreSQL (DATABASE_URL defaults to this machine's server).
test-postgres: $(BIN)/xaso
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q

test-browser: $(BIN)/xaso
	$(BIN)/pytest -q -m browser

bench: $(BIN)/xaso
	$(BIN)/python -m bench

# Regenerate the translation catalogues after changing texts (needs gettext); the .mo files are committed.
messages: $(BIN)/xaso
	cd src/xaso && for app in core/*/; do [ -d $$app/locale ] && (cd $$app && ../../../../$(BIN)/xaso makemessages -l vi --no-obsolete && ../../../../$(BIN)/xaso compilemessages) ; done; true

clean:
	rm -rf $(VENV) var
