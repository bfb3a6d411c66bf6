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

.PHONY: install run serve test lint format check-migrations clean bench bench-quick bench-import bench-load bench-newsroom

install: $(VENV)/.installed

# uv itself lives in its own small virtualenv so `uv sync` never removes it.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-syncs only when the lock file or the project declaration changed.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

# The tests' tools from npm, pinned by package-lock.json: axe-core (injected into pages by the
# browser tests), the Nu HTML Checker (vnu-jar, run with Java) and Lighthouse 12.2.3 (drives
# Chromium). Only the tests need them: `make run` works with Python alone.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The browser tests and validators need npm (apt-get install npm), Chromium (apt-get install chromium) and Java (apt-get install default-jre-headless); .ci/run installs them."; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata demo
	$(PY) manage.py demo_login --url http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

# Runs the site the way production does: DEBUG off, gunicorn, whitenoise serving hashed and
# compressed static files; only HTTPS is off, since it is plain http on this machine.
# Uses DATABASE_URL and REDIS_URL when set (docs/deploy.md), else SQLite and local memory.
# A fresh random key each time: a key written here would let anyone sign preview links.
serve: export SECRET_KEY ?= $(shell $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))")
serve: export HTTPS ?= 0
serve: export ALLOWED_HOSTS ?= $(HOST),localhost
serve: export GUNICORN_BIND ?= $(HOST):$(PORT)
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py check
	$(VENV)/bin/gunicorn magazine.wsgi

# manage.py defaults to production settings, which need SECRET_KEY; checks use the test ones.
test: export DJANGO_SETTINGS_MODULE := magazine.settings.test
test: install node_modules/.installed
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

# Speed at scale (docs/performance.md): gunicorn + wrk over every reader and admin page at
# 1,000 and 100,000 reviews, against a framework floor, then the import benchmark on the same
# database kind. BENCH_ARGS="--database postgres --postgres-url postgres://..." picks PostgreSQL
# (BENCH_IMPORT_ARGS and DATABASE_URL go to the import benchmark).
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py --reviews 1000 100000 $(BENCH_ARGS)
	$(PY) bench/loaddata_bench.py $(BENCH_IMPORT_ARGS)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "bench needs nginx: apt-get install -y nginx"; exit 1; }
	$(PY) bench/load_nginx.py $(BENCH_LOAD_ARGS)
	$(PY) bench/newsroom.py $(BENCH_NEWSROOM_ARGS)

# Readers over thousands of review pages while the newsroom saves drafts and edits published
# reviews, with Redis and with the embedded cache (bench/newsroom.py; needs redis-server).
# BENCH_NEWSROOM_ARGS="--urls 4000 --redis-url redis://127.0.0.1:6379/N" picks a Redis database.
BENCH_NEWSROOM_ARGS ?=
bench-newsroom: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/newsroom.py $(BENCH_NEWSROOM_ARGS)

# 64 readers through nginx (TLS) and gunicorn, as deployed, beside the floor (docs/deploy.md).
# BENCH_LOAD_ARGS="--database postgres --redis-url redis://127.0.0.1:6379/1" as in production.
BENCH_LOAD_ARGS ?=
bench-load: install
	$(PY) bench/load_nginx.py $(BENCH_LOAD_ARGS)

bench-quick: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py --reviews 200 2000 --duration 1 --rounds 1 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache node_modules test-artifacts
