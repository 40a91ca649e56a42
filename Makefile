# Malpro: `make run` starts the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app malpro
HOST ?= 127.0.0.1
PORT ?= 5000
# The PostgreSQL server the suite's second run uses (a throwaway database is created in it).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# Interface translations (Flask-Babel): Bahasa Indonesia in the source, other languages in
# malpro/translations/<lang>/LC_MESSAGES/messages.po, compiled to .mo by `make install`.
TRANSLATIONS := malpro/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

.PHONY: install run test test-sqlite test-browser test-postgres test-postgres-if-available clean

# Compiling the English catalogue is part of installing: the .mo files are not in git.
install: $(VENV)/.installed $(MO_FILES)

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

## The whole suite on SQLite (everything but the browser tests in parallel, then those), then
## again on PostgreSQL when a server answers at TEST_POSTGRES_URL
test: install
	$(BIN)/python -m pytest -n 2 -m "not browser"
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-postgres-if-available

## The browser tests alone (tests/browser: Chromium, apt-get install chromium): one server
## and one browser for the whole run, so not spread over xdist workers
test-browser: install
	$(BIN)/python -m pytest -p no:xdist -m browser tests/browser

## The whole suite on PostgreSQL (needs a server at TEST_POSTGRES_URL)
test-postgres: install
	MALPRO_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -n 2 -m "not browser"

# Without a PostgreSQL server `make test` says so and stops after SQLite; REQUIRE_POSTGRES=1
# (set by .ci/run) makes a missing server an error instead.
test-postgres-if-available: install
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=3).close()" \
			"$(TEST_POSTGRES_URL)" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$(REQUIRE_POSTGRES)" ]; then \
		echo "No PostgreSQL server answers at $(TEST_POSTGRES_URL), and REQUIRE_POSTGRES is set."; exit 1; \
	else \
		echo "No PostgreSQL server answers at $(TEST_POSTGRES_URL): the PostgreSQL run is skipped (see README)."; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache

## Catalogue benchmark (docs/performance.md): 50,000 products in a temporary SQLite database,
## gunicorn with 2 workers, loaded with Debian's wrk (apt-get install -y wrk)
.PHONY: bench-catalog
bench-catalog: install
	$(BIN)/python -m bench.catalog

## Checkout throughput (docs/performance.md): 16 buyers placing COD orders through the API
## against gunicorn (2 sync workers) for 30 s; checks the stock ledger afterwards
.PHONY: bench-checkout
bench-checkout: install
	$(BIN)/python -m bench.checkout

## Admin dashboard benchmark (docs/performance.md): 50,000 products and 200,000 orders in a
## temporary SQLite database; times GET /admin/ through the test client
.PHONY: bench-dashboard
bench-dashboard: install
	$(BIN)/python -m bench.dashboard

## Image uploads (docs/performance.md): time and peak memory of one worst-case upload through
## the image pipeline (decompression bomb, the largest PNG/WebP/JPEG accepted), each in a fresh process
.PHONY: bench-upload
bench-upload: install
	$(BIN)/python -m bench.upload_images

## Mixed load (docs/performance.md): 50 buyers for 60 s against gunicorn with
## deploy/gunicorn.conf.py on 127.0.0.1, demo data in a temporary SQLite database
.PHONY: bench-load
bench-load: install
	$(BIN)/python -m bench.load

## Crash safety (docs/reliability.md): checkouts under way while the server is killed with
## SIGKILL and restarted; checks integrity, confirmed orders and stock
.PHONY: bench-crash
bench-crash: install
	$(BIN)/python -m bench.crash

## Translations: extract the marked strings into messages.pot, merge them into each language's
## messages.po (then translate the new and fuzzy entries), compile the .po files to .mo
.PHONY: translations-extract translations-update translations-compile
translations-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.* ._ .venv tests bench' \
		--project=Malpro --copyright-holder='Pemerintah Kota Malang' --no-wrap --add-location=file \
		-o $(TRANSLATIONS)/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --ignore-obsolete

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

## Lighthouse (mobile) on home, category, product, cart, sign-in and transparency, served by
## gunicorn alone and through the shipped nginx site when nginx is installed; reports in
## bench/results/lighthouse/ (npm installs lighthouse into node_modules/ on first use)
.PHONY: lighthouse
lighthouse: install
	$(BIN)/python -m bench.lighthouse
