# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two stand on.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format bench setup browser

# The environment: a virtualenv made by the machine's python3, uv pinned inside it,
# then exactly the locked packages.
$(UV):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode compiled at install, as pip does by default (uv does not): a new process then
# reads its modules rather than compiling them, on machines that never write bytecode.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PY) --quiet --compile-bytecode
	touch $@

setup: $(VENV)/.synced

run: export DJANGO_DEBUG ?= 1
run: setup
	$(PY) manage.py migrate --no-input
	@# Plans whose figures wait to be worked out (as after an upgrade) are costed now.
	$(PY) manage.py recost --waiting
	$(PY) manage.py load_demo
	@echo ""
	@echo "InvestPlan is running at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password investplan-demo): viewer, head, finance, admin"
	@echo "(long PDFs are laid out by a background worker, started alongside)"
	@echo ""
	@# The worker makes long PDFs; it stops when the server stops.
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# As production runs it (README, "Hosting"): DEBUG off, PostgreSQL from DATABASE_URL,
# gunicorn (WEB_CONCURRENCY processes) and the task worker, stopped together.
serve: setup
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) deploy/serve.sh

# The browser the end-to-end tests drive: Debian's Chromium (never a downloaded one),
# poppler's pdftotext, which reads the golden tests' PDFs back as text, and LibreOffice,
# which opens the Word files as Word's users' other program would.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftotext >/dev/null || { \
		echo "Installing Debian's poppler-utils (pdftotext) for the golden tests"; \
		apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
	@command -v soffice >/dev/null || { \
		echo "Installing Debian's LibreOffice Writer, which opens the Word files in the tests"; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui >/dev/null; }

# The whole suite. DATABASE_URL, when set, points it at PostgreSQL instead of SQLite.
# One test process per core (pytest-xdist), a test handed to whichever is free, so the two
# databases' runs fit CI's twenty minutes; each process has its own test database.
TEST_PROCESSES ?= auto
test: setup browser
	$(PY) -m pytest --numprocesses $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/cost_engine.py
	$(PY) bench/reports.py
	$(PY) bench/import_appendix.py
	$(PY) bench/bulk_insert.py
	$(PY) bench/workspace.py
	$(PY) bench/scenarios.py
