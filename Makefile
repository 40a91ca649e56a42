# Malpro: `make run` starts the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app malpro
HOST ?= 127.0.0.1
PORT ?= 5000
# The PostgreSQL server the suite's second run uses (a throwaway database is created in it).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: install run test test-sqlite test-browser test-postgres clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## Install, migrate, seed the demo data (idempotent) and serve http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

## The whole suite, on SQLite: everything but the browser tests in parallel, then those
test: install
	$(BIN)/python -m pytest -n 2 -m "not browser"
	$(MAKE) --no-print-directory test-browser

## The browser tests alone (tests/browser: Chromium, apt-get install chromium): one server
## and one browser for the whole run, so not spread over xdist workers
test-browser: install
	$(BIN)/python -m pytest -p no:xdist -m browser tests/browser

## The whole suite on PostgreSQL (needs a server at TEST_POSTGRES_URL)
test-postgres: install
	MALPRO_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -n 2 -m "not browser"

clean:
	rm -rf $(VENV) .pytest_cache

## Catalogue benchmark (docs/performance.md): 50,000 products in a temporary SQLite database,
## gunicorn with 2 workers, loaded with Debian's wrk (apt-get install -y wrk)
.PHONY: bench-catalog
bench-catalog: install
	$(BIN)/python -m bench.catalog
