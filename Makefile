# The two commands of the README: `make run` and `make test`. Everything else is for contributors.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run test worker lint security format messages compile bench install install-dev clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Needs no secrets: the development defaults are enough to load the settings.
compile: export DEBUG ?= true
compile: $(VENV)/.installed
	$(PY) manage.py compile_translations

# Quickstart: SQLite under var/, tasks run eagerly, no other service. http://127.0.0.1:8000
run: export DEBUG ?= true
run: $(VENV)/.installed compile
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite. With DATABASE_URL/REDIS_URL set it runs against PostgreSQL and Redis;
# REQUIRE_SERVICES=1 turns every skip for a missing service into a failure (CI sets it).
test: $(VENV)/.installed-dev compile
	@test -x /usr/bin/chromium || echo "Note: /usr/bin/chromium is missing, browser tests will skip (apt-get install chromium)."
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Celery worker with the beat scheduler embedded, against REDIS_URL.
worker: $(VENV)/.installed compile
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker" && exit 1)
	mkdir -p var
	$(PY) -m celery -A mentoring worker --beat --queues celery,mail --schedule var/celerybeat-schedule --loglevel INFO

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# bandit over the portal's code (settings in pyproject.toml): any medium or high finding fails,
# unless it was reviewed and annotated `# nosec BXXX: <reason>` on its line.
security: $(VENV)/.installed-dev
	$(VENV)/bin/bandit -r . -c pyproject.toml -ll -q

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Extract new strings into the German catalogue; translate them, then `make test`.
messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l de --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=var --ignore=node_modules --ignore=tests

# Each script in bench/ prints one line per figure (see bench/README.md). wrk and Chromium come
# from Debian's packages; installing them needs root (as on the project machines and in CI).
bench: $(VENV)/.installed-dev compile
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium)
	@set -e; found=0; for script in bench/*.py; do \
		[ -e "$$script" ] || continue; found=1; $(PY) "$$script"; \
	done; [ $$found = 1 ] || echo "No benchmark scripts yet: see bench/README.md."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . -name '*.mo' -path './locale/*' -delete
