# aidcoord: two commands. `make run` serves the demo; `make test` runs the tests. `make help` lists the rest.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
DEV_ENV := AIDCOORD_ENV=$${AIDCOORD_ENV:-development}

# Stamps inside the virtualenv: an install re-runs when its lock file changes, and goes with the virtualenv.
RUNTIME_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

# Catalogs for config.LANGUAGES except the language the strings are written in (BABEL_DEFAULT_LOCALE).
TRANSLATIONS := aidcoord/translations
POT := $(TRANSLATIONS)/messages.pot
CATALOG_LANGUAGES := $(shell $(PYTHON) -c 'from config import Config as C; print(*(l for l in C.LANGUAGES if l != C.BABEL_DEFAULT_LOCALE))' 2>/dev/null)
CATALOGS := $(foreach lang,$(CATALOG_LANGUAGES),$(TRANSLATIONS)/$(lang)/LC_MESSAGES/messages.po)
COMPILED_CATALOGS := $(CATALOGS:.po=.mo)
# The marking functions beside Babel's defaults (_, gettext, ngettext...); tests/test_catalogs.py extracts with the same.
EXTRACT_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2

# The locks hold PyPI's hashes whatever extra indexes or wheel folders the machine's pip configuration adds.
LOCK_ARGS ?=
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	CUSTOM_COMPILE_COMMAND="make lock  (pip-compile --generate-hashes --allow-unsafe --strip-extras, from https://pypi.org/simple)" \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--index-url https://pypi.org/simple --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.DEFAULT_GOAL := help
.PHONY: help run test lint install install-dev browser db seed bench fuzz translations catalogs lock clean docker-smoke

help: ## list the targets
	@echo "make TARGET, where TARGET is one of:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: seed catalogs ## install, migrate, load the demo data, compile the translations, serve on http://127.0.0.1:5000
	@echo "aidcoord on http://127.0.0.1:5000 -- log in as coordinator@demo.aidcoord.example / demo-password-2023"
	@# A background worker runs beside the server (batch proposals, notifications); it stops with it.
	$(DEV_ENV) $(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

# With TEST_DATABASE_URL set, the SQLite run and the PostgreSQL run go at the same time, one per core: each into its
# own log, both logs printed when both are done, and either failing fails the target. About 15 minutes on 2 cores
# (one after the other they took 36). PYTEST_ARGS go to both runs (e.g. PYTEST_ARGS=--durations=40).
PYTEST_ARGS ?=
test: lint browser catalogs ## lint, then the tests on SQLite, and at once on PostgreSQL when TEST_DATABASE_URL is set
	$(BIN)/python tests/run_on_both_databases.py $(PYTEST_ARGS)

# All three run even when one fails, so that one pass shows every finding.
lint: $(DEV_STAMP) ## ruff, mypy (configured in pyproject.toml) and the import contracts (lint-imports)
	@status=0; \
	echo "== ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "== mypy"; $(BIN)/mypy || status=1; \
	echo "== lint-imports"; $(BIN)/lint-imports || status=1; \
	exit $$status

install: $(RUNTIME_STAMP) ## the virtualenv with the runtime requirements (requirements.txt, hashes checked)

install-dev: $(DEV_STAMP) ## the virtualenv with the runtime, test and development requirements

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# pip itself is pinned in requirements.txt, so the first install also brings the virtualenv's pip to that version.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

lock: $(DEV_STAMP) ## re-lock requirements*.txt after editing requirements*.in (LOCK_ARGS=--upgrade: newest versions)
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# Phony: it checks the machine, not a file of ours.
browser: ## Debian's chromium for the browser tests (Playwright drives it; nothing downloads a browser)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; fi; }

# Phony: they act on the database DATABASE_URL names (instance/aidcoord.sqlite when unset), and do nothing twice.
db: install ## apply the migrations (development database unless AIDCOORD_ENV and DATABASE_URL say otherwise)
	$(DEV_ENV) $(BIN)/flask db upgrade

seed: db ## load the demo organizations and accounts (a second run adds nothing)
	$(DEV_ENV) $(BIN)/flask seed-demo

# The fuzz test also runs in `make test` (50 examples per operation on SQLite, 8 on PostgreSQL); here 500.
FUZZ_EXAMPLES ?= 500
fuzz: $(DEV_STAMP) ## fuzz the API from its OpenAPI document (schemathesis, every check; FUZZ_EXAMPLES=500 per operation)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider tests/test_fuzz_api.py

bench: install ## run every benchmark in bench/ and print its figures (bench/api.py needs Debian's wrk: installed here)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; fi; }
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Builds the image, starts app + worker + PostgreSQL + Redis (compose.yaml) and waits for /readyz; skipped with a
# message on a machine without a Docker daemon.
docker-smoke: ## build the Docker image, start compose.yaml and check /readyz (skipped without Docker)
	@docker info >/dev/null 2>&1 || { echo "docker-smoke skipped: no Docker daemon on this machine (docker info failed)"; exit 0; }; \
	set -e; export SECRET_KEY=docker-smoke-$$$$ COMPOSE_PROJECT_NAME=aidcoord-smoke; \
	trap 'docker compose down -v >/dev/null 2>&1' EXIT; \
	docker compose up -d --build; \
	for i in $$(seq 60); do \
	  if curl -fsS http://127.0.0.1:8000/readyz; then echo; echo "docker-smoke: ready"; exit 0; fi; sleep 2; \
	done; docker compose logs --tail 50; echo "docker-smoke: /readyz never answered 200"; exit 1

# The .po catalogs are committed; translators edit them. This adds the strings marked since (never a fuzzy guess:
# a changed string comes back untranslated, which tests/test_catalogs.py reports), then compiles.
translations: | $(RUNTIME_STAMP) ## extract the marked strings, add them to each language's catalog, compile the catalogs
	@test -n "$(CATALOG_LANGUAGES)" || { echo "no languages found in config.LANGUAGES (is $(PYTHON) there?)"; exit 1; }
	$(BIN)/pybabel --quiet extract -F babel.cfg $(EXTRACT_KEYWORDS) --project aidcoord -o $(POT) .
	@for lang in $(CATALOG_LANGUAGES); do \
	  po=$(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po; \
	  if [ -f "$$po" ]; then $(BIN)/pybabel --quiet update --no-fuzzy-matching -i $(POT) -o "$$po" -l $$lang || exit 1; \
	  else $(BIN)/pybabel --quiet init -i $(POT) -o "$$po" -l $$lang || exit 1; fi; \
	done
	@$(MAKE) --no-print-directory catalogs

catalogs: $(COMPILED_CATALOGS) ## compile the committed catalogs into the .mo files the app reads (make run and make test do)

# A warning fails the build as an error does: a catalog marked fuzzy is skipped by pybabel with only a notice.
%.mo: %.po | $(RUNTIME_STAMP)
	@out="$$($(BIN)/pybabel compile --statistics -i $< -o $@ 2>&1)"; status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ] || printf '%s\n' "$$out" | grep -qiE 'error|warning|skipping'; then rm -f $@; exit 1; fi

clean: ## remove the virtualenv, the development database and generated files (not the translations)
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache $(POT) $(TRANSLATIONS)/*/LC_MESSAGES/messages.mo
