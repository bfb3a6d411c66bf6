#!/usr/bin/env bash
# Load test: 64 concurrent clients for 60 s against gunicorn with PostgreSQL (and Redis), on
# loopback only. Bounded: wrk stops after DURATION and the script stops gunicorn on exit.
# Fails (exit 1) on any 5xx, any 4xx (every path in the rotation exists), any socket error
# (refused, reset or timed-out connections), an error in gunicorn's log, or no requests at all.
#
#   bench/loadtest.sh                         # the production setup: Redis page cache on
#   PAGE_CACHE_SECONDS=0 bench/loadtest.sh    # page cache off: every page renders from PostgreSQL
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/magazine_bench),
# REDIS_URL (default redis://127.0.0.1:6379/7), PORT (8107), CONNECTIONS (64), DURATION (60s).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8107}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-60s}"
THREADS="${THREADS:-4}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/magazine_bench}"
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/7}"
export CACHE_KEY_PREFIX="${CACHE_KEY_PREFIX:-magazine-bench}"
export DJANGO_SETTINGS_MODULE=magazine.settings.base
export DEBUG=0 HTTPS=0 SECRET_KEY="bench-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export ALLOWED_HOSTS=127.0.0.1 GUNICORN_BIND="127.0.0.1:${PORT}" LOG_LEVEL=WARNING
export STATIC_ROOT="${STATIC_ROOT:-$PWD/bench-results/static}"
RESULTS=bench-results
mkdir -p "$RESULTS"
PY=.venv/bin/python

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)." >&2; exit 2; }
make --no-print-directory install >/dev/null

db_name="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname='${db_name}'" \
  | grep -q 1 || psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"${db_name}\""
$PY manage.py migrate --noinput -v 0
$PY manage.py loaddata demo -v 0
$PY manage.py collectstatic --noinput -v 0
[ -n "$REDIS_URL" ] && $PY -c "import django; django.setup(); from django.core.cache import cache; cache.clear()"

paths=$($PY - <<'PY'
import django
django.setup()
from reviews.models import Film, Review
from people.models import Critic, Person
urls = ["/"]
urls += [r.get_absolute_url() for r in Review.objects.published()]
urls += [f.get_absolute_url() for f in Film.objects.all()]
urls += [c.get_absolute_url() for c in Critic.objects.all()]
urls += [p.get_absolute_url() for p in Person.objects.all()[:5]]
urls += ["/health/", "/static/css/site.css"]
print(",".join(urls))
PY
)
export BENCH_PATHS="$paths"

.venv/bin/gunicorn magazine.wsgi --access-logfile /dev/null >"$RESULTS/gunicorn.log" 2>&1 &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:${PORT}/health/" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:${PORT}/health/" >/dev/null

echo "Paths: $BENCH_PATHS"
# Say whether the page cache is really on: the second anonymous request of a page is a hit.
curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/"
cache_state=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:${PORT}/" \
  | tr -d '\r' | sed -n 's/^[Xx]-[Pp]age-[Cc]ache: //p')
echo "wrk: ${CONNECTIONS} connections, ${THREADS} threads, ${DURATION};" \
  "PAGE_CACHE_SECONDS=${PAGE_CACHE_SECONDS:-600 (default)}; second request of /: X-Page-Cache ${cache_state:-absent}"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s --latency \
  -s bench/paths.lua "http://127.0.0.1:${PORT}" | tee "$RESULTS/wrk.txt"

errors=$(grep -c -E "Traceback|Exception|CRITICAL|WORKER TIMEOUT" "$RESULTS/gunicorn.log" || true)
echo "gunicorn log: $errors error lines ($RESULTS/gunicorn.log)"

result() { sed -n "s/.*RESULT.* $1=\([0-9]*\).*/\1/p" "$RESULTS/wrk.txt" | head -n1; }
failures=()
requests=$(result requests)
[ "${requests:-0}" -gt 0 ] || failures+=("no requests completed")
for field in status_5xx status_4xx connect read write timeout; do
  value=$(result "$field")
  [ "${value:-missing}" = 0 ] || failures+=("$field=${value:-missing}")
done
[ "$errors" -eq 0 ] || failures+=("$errors error lines in gunicorn.log")
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAIL: ${failures[*]}"
  exit 1
fi
echo "PASS: ${requests} requests, no 4xx or 5xx, no socket errors, no errors logged"
