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

.PHONY: install run test lint format check-migrations clean bench bench-quick

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

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Speed at scale (docs/performance.md): gunicorn + wrk over every reader and admin page at
# 1,000 and 100,000 reviews, against a framework floor. BENCH_ARGS="--database postgres" etc.
# When the import benchmark (bench-import) is merged, add it to the line below the bench target.
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py --reviews 1000 100000 $(BENCH_ARGS)

bench-quick: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py --reviews 200 2000 --duration 1 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
