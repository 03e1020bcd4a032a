# aidcoord: two commands. `make run` serves the demo; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres install install-dev browser db seed bench translations clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

## Debian's chromium for the browser tests (Playwright drives it; nothing downloads a browser).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; fi; }

db: install
	AIDCOORD_ENV=$${AIDCOORD_ENV:-development} $(BIN)/flask db upgrade

seed: db
	AIDCOORD_ENV=$${AIDCOORD_ENV:-development} $(BIN)/flask seed-demo

## The run command: install, migrate, load demo data, serve on http://127.0.0.1:5000
run: seed
	@echo "aidcoord on http://127.0.0.1:5000 -- log in as coordinator@demo.aidcoord.example / demo-password-2023"
	AIDCOORD_ENV=$${AIDCOORD_ENV:-development} $(BIN)/flask run --host 127.0.0.1 --port 5000

## The test command: SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
test: install-dev browser
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; $(BIN)/python -m pytest; \
	else echo "(TEST_DATABASE_URL not set: PostgreSQL run skipped)"; fi

bench: install-dev
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o aidcoord/translations/messages.pot .

clean:
	rm -rf $(VENV) instance .pytest_cache
