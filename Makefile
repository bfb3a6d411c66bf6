# The two commands a newcomer needs: `make run` and `make test`. Both start with `make install`.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
UV := .tools/bin/uv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint format check-migrations clean bench-import

install: $(VENV)/.installed

# uv itself lives in its own small virtualenv so `uv sync` never removes it.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-syncs only when the lock file or the project declaration changed.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata demo
	$(PY) manage.py demo_login --url http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# Our loaddata against Django's stock loaddata on a generated fixture of 10,000 reviews with their
# films, people and credits, in one run (DATABASE_URL picks the database; SQLite by default).
bench-import: install
	$(PY) bench/loaddata_bench.py $(BENCH_IMPORT_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
