# SPDX-License-Identifier: AGPL-3.0-or-later
# `make demo` and `make test` are the two commands of the README; both start from a fresh clone with
# nothing but python3 (>= 3.11): they create .venv, install xaso into it and go on.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN     = $(VENV)/bin
# Written after a successful install; pyproject.toml changing makes the next command reinstall.
INSTALLED = $(VENV)/.installed
PG_URL  = postgres://postgres@127.0.0.1:5432/test

.PHONY: demo serve test lint test-postgres test-browser test-pkcs11 test-fuzz bench messages clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "xaso needs Python 3.11 or newer; set PYTHON=python3.x" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The demo province on SQLite (./var), its accounts printed and written to var/demo-accounts.json.
demo: $(INSTALLED)
	$(BIN)/xaso migrate --noinput
	$(BIN)/xaso demo
	$(MAKE) --no-print-directory serve

# The fake OpenID Connect provider's addresses are built from XASO_PUBLIC_URL: keep it on HOST:PORT.
serve: $(INSTALLED)
	XASO_PUBLIC_URL=$${XASO_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/xaso runserver --noreload $(HOST):$(PORT)

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench conftest.py

# The whole suite (browser and fuzz tests have their own targets), on SQLite unless DATABASE_URL says otherwise.
test: lint
	$(BIN)/pytest -q

# The same suite on PostgreSQL (DATABASE_URL defaults to this machine's server).
test-postgres: $(INSTALLED)
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest -q

# Playwright driving the system Chromium (Debian's chromium package; .ci/run installs it).
test-browser: $(INSTALLED)
	$(BIN)/pytest -q -m browser

# Signing with keys on a SoftHSM2 token through PKCS#11 (Debian's softhsm2; .ci/run installs it).
test-pkcs11: $(INSTALLED)
	$(BIN)/pytest -q -m pkcs11

# schemathesis over /api/schema/ against a live server: no operation may answer with a server error.
test-fuzz: $(INSTALLED)
	$(BIN)/pytest -q -m fuzz

bench: $(INSTALLED)
	$(BIN)/python -m bench

# Regenerate the translation catalogues after changing texts (needs gettext); the .mo files are committed.
messages: $(INSTALLED)
	cd src/xaso && for app in core/*/ modules/*/; do [ -d $$app/locale ] && (cd $$app && ../../../../$(BIN)/xaso makemessages -l vi --no-obsolete && ../../../../$(BIN)/xaso compilemessages) ; done; true
	# The shared mechanisms that are not apps (core/workflow.py, core/outbox.py, …) keep core/locale.
	cd src/xaso/core && ../../../$(BIN)/xaso makemessages -l vi --no-obsolete $$(for d in */; do printf -- '-i %s ' "$${d%/}"; done) \
		&& ../../../$(BIN)/xaso compilemessages

clean:
	rm -rf $(VENV) var
