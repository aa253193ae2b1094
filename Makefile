# Two commands for a newcomer: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
BROWSER_DEPS := chromium:chromium
SYSTEM_DEPS := bubblewrap:bwrap e2fsprogs:mkfs.ext4

.PHONY: install run serve test lint format system-deps browser-deps migrate sync clean

install: system-deps $(STAMP)
	@$(PY) manage.py runtimes build

# bubblewrap contains learners' Lambda code (courseware/sandbox); e2fsprogs formats each
# environment's /tmp (ephemeral storage on disk, not in memory).
system-deps:
	@scripts/system-deps.sh $(SYSTEM_DEPS)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

browser-deps:
	@scripts/system-deps.sh $(BROWSER_DEPS)

migrate: install
	$(PY) manage.py migrate --no-input

sync: migrate
	$(PY) manage.py content sync

# The development site on http://127.0.0.1:$(PORT): content synced and re-synced on change.
run: migrate
	$(PY) manage.py dev --port $(PORT)

# The scale-out mode on one machine (docs/deploy.md): the Procfile's release step, then gunicorn,
# TASK_WORKERS task workers and the lab backend; DEBUG off, hashed static files, JSON logs.
# Point DATABASE_URL at PostgreSQL and REDIS_URL at Redis for the real thing.
serve: install
	DJANGO_DEBUG=0 LOG_FORMAT=json REQUEST_LOG=1 PORT=$(PORT) $(PY) manage.py serve

test: install browser-deps
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var test-artifacts
