# The two commands of the README: `make run` and `make test`. Everything else is for contributors.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2
# The port of `make run`.
PORT ?= 8000
# The compiled catalogues; each is rebuilt only when its .po changed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: run reset-demo screenshots test worker lint security format messages compile bench install install-dev clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Needs no secrets: the development defaults are enough to load the settings.
compile: $(CATALOGUES)
$(CATALOGUES): %.mo: %.po $(VENV)/.installed
	DEBUG=true $(PY) manage.py compile_translations

# Quickstart: SQLite under var/, tasks run eagerly, mails printed, no other service; demo data
# only into an empty database, so a second start keeps what was changed. With DEBUG on, whitenoise
# serves the static files from their sources: no collectstatic. http://127.0.0.1:$(PORT)
run: export DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed compile
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Starts the quickstart over: deletes its SQLite database and loads fresh demo data (then
# `make run`). Refuses any other database.
reset-demo: export DEBUG ?= true
reset-demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
reset-demo: $(VENV)/.installed compile
	@db=$$(DJANGO_SETTINGS_MODULE=mentoring.settings $(PY) -c "from django.conf import settings; db = settings.DATABASES['default']; print(db['NAME'] if db['ENGINE'].endswith('sqlite3') else '')"); \
	test -n "$$db" || { echo "make reset-demo starts over only the quickstart's SQLite database, not the one of DATABASE_URL."; exit 1; }; \
	rm -f "$$db" && echo "Deleted $$db."
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_demo
	@echo "make run serves it."

# The whole suite. With DATABASE_URL/REDIS_URL set it runs against PostgreSQL and Redis;
# REQUIRE_SERVICES=1 turns every skip for a missing service into a failure (CI sets it).
# FAKE_NOW=2027-03-28T02:30:00+01:00 runs it at that instant (tests/conftest.py); the 15 slowest
# tests are listed at the end.
FAKE_NOW ?=
test: $(VENV)/.installed-dev compile
	@test -x /usr/bin/chromium || echo "Note: /usr/bin/chromium is missing, browser tests will skip (apt-get install chromium)."
	FAKE_NOW="$(FAKE_NOW)" $(PY) -m pytest -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS)

# Celery worker with the beat scheduler embedded, against REDIS_URL.
worker: $(VENV)/.installed compile
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker" && exit 1)
	mkdir -p var
	$(PY) -m celery -A mentoring worker --beat --queues celery,mail --schedule var/celerybeat-schedule --loglevel INFO

# ruff, then import-linter: the layers and rules of docs/architecture.md (pyproject.toml).
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# bandit over the portal's code (settings in pyproject.toml): any medium or high finding fails,
# unless it was reviewed and annotated `# nosec BXXX: <reason>` on its line.
security: $(VENV)/.installed-dev
	$(VENV)/bin/bandit -r . -c pyproject.toml -ll -q

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The gallery of key screens at 1280 and 375 px, from a temporary demo database on a fixed clock,
# with Debian's Chromium (apt-get install chromium): writes docs/screens/ (README.md lists them).
screenshots: $(VENV)/.installed-dev compile
	$(PY) bin/screenshots.py

# Extract new strings into the German catalogue; translate them, then `make test`.
messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l de --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=var --ignore=node_modules --ignore=tests

# Each script in bench/ prints one line per figure (see bench/README.md). wrk, Chromium and npm
# (for bench/lighthouse.py's pinned lighthouse in var/bench-node/) come from Debian's packages;
# installing them needs root (as on the project machines and in CI).
bench: $(VENV)/.installed-dev compile
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium)
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm)
	@set -e; found=0; for script in bench/*.py; do \
		[ -e "$$script" ] || continue; found=1; $(PY) "$$script"; \
	done; [ $$found = 1 ] || echo "No benchmark scripts yet: see bench/README.md."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . -name '*.mo' -path './locale/*' -delete
