#!/usr/bin/env bash
# Fault drill: stop PostgreSQL under a running gunicorn, check that readers get the friendly 503
# with Retry-After and that /health/ says 503, start PostgreSQL again, and check that the same
# gunicorn processes (no restart) serve 200 again by themselves.
#
# Uses a throwaway PostgreSQL cluster of its own (initdb in a temporary folder, its own port),
# never a shared server, and loopback only. Bounded: every wait has a limit, and the cluster,
# gunicorn and the folder are removed on exit, pass or fail. Exit 0 only if every check passed.
#
#   bench/faultdrill.sh
#   DRILL_PG_PORT=8135 DRILL_PORT=8134 bench/faultdrill.sh
#
# The page cache is off (PAGE_CACHE_SECONDS=0) and there is no Redis, so every request needs
# the database; with the cache on, readers would meanwhile get cached pages, which is better
# for them but proves less. Set REDIS_URL / PAGE_CACHE_SECONDS to drill that setup instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${DRILL_PG_PORT:-8135}"
PORT="${DRILL_PORT:-8134}"
BASE="http://127.0.0.1:${PORT}"
WORK="$(mktemp -d /tmp/faultdrill.XXXXXX)"
PY=.venv/bin/python
failures=0

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() { as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 30 start >/dev/null; }
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w -t 30 stop >/dev/null; }

cleanup() {
  [ -n "${gunicorn_pid:-}" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  if [ -f "$WORK/data/postmaster.pid" ]; then pg_stop || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

check() {  # check "what" command...: prints PASS/FAIL, counts failures, never stops the drill
  local what="$1"
  shift
  if "$@"; then echo "PASS  $what"; else echo "FAIL  $what"; failures=$((failures + 1)); fi
}

# status URL: the HTTP status code, or 000 if nothing answered.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE$1" || true; }
# header URL NAME: that response header's value (empty if absent).
header() {
  curl -s -D - -o /dev/null --max-time 10 "$BASE$1" | tr -d '\r' \
    | sed -n "s/^$2: //Ip" | head -n1 || true
}
body() { curl -s --max-time 10 "$BASE$1" || true; }
workers() { ps -o pid= --ppid "$gunicorn_pid" | tr -d ' ' | sort | tr '\n' ' '; }
wait_for_status() {  # wait_for_status URL CODE SECONDS
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(status "$1")" = "$2" ] && return 0
    sleep 0.5
  done
  return 1
}

command -v curl >/dev/null || { echo "faultdrill needs curl" >&2; exit 2; }
[ -x "$PG_BIN/initdb" ] || { echo "No PostgreSQL binaries in $PG_BIN (set PG_BIN)." >&2; exit 2; }
make --no-print-directory install >/dev/null

echo "== A throwaway PostgreSQL cluster on 127.0.0.1:${PG_PORT} in ${WORK}"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/data" -A trust -U postgres >/dev/null
cat >>"$WORK/data/postgresql.conf" <<CONF
port = ${PG_PORT}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${WORK}'
fsync = off
CONF
pg_start
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres magazine

export DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT}/magazine"
export REDIS_URL="${REDIS_URL:-}" PAGE_CACHE_SECONDS="${PAGE_CACHE_SECONDS:-0}"
export DJANGO_SETTINGS_MODULE=magazine.settings.base
export DEBUG=0 HTTPS=0 SECRET_KEY="drill-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export ALLOWED_HOSTS=127.0.0.1 GUNICORN_BIND="127.0.0.1:${PORT}" WEB_CONCURRENCY=2
export STATIC_ROOT="$WORK/static" LOG_LEVEL=WARNING
$PY manage.py migrate --noinput -v 0
$PY manage.py loaddata demo -v 0
$PY manage.py collectstatic --noinput -v 0
review=$($PY -c "import django; django.setup(); from reviews.models import Review; \
print(Review.objects.published().first().get_absolute_url())")

echo "== gunicorn on ${BASE}"
.venv/bin/gunicorn magazine.wsgi --access-logfile /dev/null >"$WORK/gunicorn.log" 2>&1 &
gunicorn_pid=$!
wait_for_status /health/ 200 30 || { echo "gunicorn did not come up"; cat "$WORK/gunicorn.log"; exit 1; }
before="$(workers)"
echo "gunicorn master ${gunicorn_pid}, workers ${before}"

echo "== 1. Database up"
check "home page 200" test "$(status /)" = 200
check "review page 200" test "$(status "$review")" = 200
check "health 200" test "$(status /health/)" = 200

echo "== 2. PostgreSQL stopped under the running site"
pg_stop
stopped_at=$SECONDS
check "home page 503" test "$(status /)" = 503
check "review page 503" test "$(status "$review")" = 503
check "home page has Retry-After" test -n "$(header / Retry-After)"
check "503 page is the friendly one" grep -q "will be back shortly" <<<"$(body /)"
check "503 page shows no traceback" bash -c '! grep -qi "traceback\|OperationalError" <<<"$1"' \
  _ "$(body /)"
check "health 503" test "$(status /health/)" = 503
check "health has Retry-After" test -n "$(header /health/ Retry-After)"
check "health names the database" grep -q '"database": "unavailable"' <<<"$(body /health/)"
# A sign-in needs the database: it must get the 503 page too, without echoing the password.
jar="$WORK/cookies"
token=$(curl -s -c "$jar" --max-time 10 "$BASE/admin/login/" \
  | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
sign_in=$(curl -s -b "$jar" -o "$WORK/sign-in.html" -w '%{http_code}' --max-time 10 \
  --data-urlencode "csrfmiddlewaretoken=${token}" --data-urlencode "username=editor" \
  --data-urlencode "password=drill-secret-passphrase" "$BASE/admin/login/" || true)
check "sign-in during the outage: 503, not 500" test "$sign_in" = 503
check "the 503 page does not echo the password" \
  bash -c '! grep -q "drill-secret-passphrase" "$1"' _ "$WORK/sign-in.html"
check "static files still served" test "$(status /static/css/site.css)" = 200

echo "== 3. PostgreSQL started again; no restart of gunicorn"
pg_start
started_at=$(date +%s.%N)
if wait_for_status / 200 30; then
  echo "home page 200 again $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started_at }") s after" \
    "PostgreSQL accepted connections (down for $((SECONDS - stopped_at)) s in all)"
fi
check "home page 200 again" test "$(status /)" = 200
check "review page 200 again" test "$(status "$review")" = 200
check "health 200 again" test "$(status /health/)" = 200
check "same gunicorn master" kill -0 "$gunicorn_pid"
check "same gunicorn workers (${before})" test "$(workers)" = "$before"
errors=$(grep -c -E "Traceback|WORKER TIMEOUT|CRITICAL" "$WORK/gunicorn.log" || true)
check "no traceback or worker timeout in gunicorn's log" test "$errors" -eq 0

if [ "$failures" -gt 0 ]; then
  echo "FAIL: $failures check(s) failed; gunicorn log:"
  tail -n 40 "$WORK/gunicorn.log"
  exit 1
fi
echo "PASS: every check of the fault drill passed"
