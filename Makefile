# Loket: the two commands a newcomer needs are `make demo` and `make test`.
#
# Every target installs what it needs into .venv first (pip, from pyproject.toml); the
# install is skipped while .venv/.installed is newer than pyproject.toml.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="tests/browser -x"`.
PYTEST_ARGS ?=
# Parallel pytest-xdist workers; 0 = one process. On the 2-core machines two workers were
# slower than one (each worker migrates its own test database), so the default is 0.
XDIST ?= 0

.PHONY: help install demo test lint types bench messages vendor chromium

help:
	@echo "make demo      install, load the demo region and serve it on http://127.0.0.1:$(PORT)/"
	@echo "make test      the whole test suite (unit + browser); DATABASE_URL=postgres://... for PostgreSQL"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make types     mypy loket"
	@echo "make bench     the performance harness (bench/run.py)"
	@echo "make messages  update and compile the English translation"
	@echo "make vendor    refresh the vendored front-end files in static/vendor/"

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  command -v $(PYTHON) >/dev/null || { echo "Loket needs $(PYTHON) (set PYTHON=... to use another)"; exit 1; }; \
	  echo "Creating $(VENV) with $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@echo "Installing Loket and its dependencies into $(VENV) (about 30 s the first time)"
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The demo runs the production stack (gunicorn + whitenoise, DEBUG off) on SQLite, with
# the task worker beside it so that e-mails are "sent" (printed on the console), and a loop
# that enqueues the periodic tasks (deadline notices, the weekly stale reminder) at start
# and every SCHEDULE_SECONDS, as cron does in production.
SCHEDULE_SECONDS ?= 300
DEMO_ENV := LOKET_DEMO_ALLOWED=1 SITE_URL=http://127.0.0.1:$(PORT)

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo --if-empty
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Loket serves on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@export $(DEMO_ENV); \
	$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	( while true; do $(BIN)/python manage.py run_scheduled >/dev/null || true; sleep $(SCHEDULE_SECONDS); done ) & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null || true' EXIT INT TERM; \
	$(BIN)/gunicorn loket.wsgi -b 127.0.0.1:$(PORT) -w 2 --access-logfile - --graceful-timeout 5

# Browser tests drive Debian's Chromium; never `playwright install` (it downloads a browser).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need $(CHROMIUM): run 'sudo apt-get install -y chromium' first."; \
	    exit 1; \
	  fi; \
	fi

test: install chromium
	$(BIN)/pytest $(if $(filter-out 0,$(XDIST)),-n $(XDIST)) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy loket

bench: install
	$(BIN)/python bench/run.py

MSG_IGNORE := --ignore=.venv --ignore=node_modules --ignore=static --ignore=var --ignore=tests --ignore=bench

messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete --add-location file $(MSG_IGNORE)
	$(BIN)/python manage.py compilemessages -l en $(MSG_IGNORE)

vendor:
	bash scripts/vendor.sh
