"""The load scenario through the documented production setup: Debian's nginx with the site
`manage.py nginx_conf` prints (TLS, a self-signed certificate) in front of gunicorn with
gunicorn.conf.py (gthread workers), on loopback.

    .venv/bin/python bench/load_nginx.py [--reviews 5000] [--connections 64] [--duration 60]
        [--database sqlite|postgres] [--postgres-url URL] [--redis-url URL]

64 readers for 60 s rotate over the mix the issue measured (home, reviews, films, search,
the feed), after the framework floor (`/_bench/floor/`, through the same nginx, same
connections) in the same run. Prints p50/p95/p99, requests/s and errors (socket errors and
non-2xx/3xx answers) for both, and the mix's ratio to the floor; writes
bench-results/load-nginx-latest.json. Exits non-zero on any error in the mix.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nginx_stack import free_ports, missing_tools, nginx_in_front  # noqa: E402
from bench.pages import FLOOR_PATH  # noqa: E402
from bench.run import (  # noqa: E402
    PYTHON,
    RESULTS,
    WRK,
    database_url,
    django_env,
    log,
    manage,
    prepare_database,
)

PORTS = range(8160, 8170)  # this spare ports; others are taken when busy
MIX_CODE = """
import json
from reviews.models import Review, Film
published = list(Review.objects.published().select_related("film").order_by("-publish_at")[:40])
word = (published[len(published) // 2].film.title.split() or ["night"])[0] if published else "night"
paths = ["/", "/feed/", f"/search/?q={word}"]
paths += [review.get_absolute_url() for review in published[:20]]
paths += sorted({review.film.get_absolute_url() for review in published})[:20]
print(json.dumps(paths))
"""


def wrk(url: str, *, paths: list[str], connections: int, duration: int) -> dict:
    env = {**os.environ, "BENCH_PATHS": ",".join(paths)}
    output = subprocess.run(
        [
            WRK, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
            "-s", str(ROOT / "bench" / "paths.lua"), url,
        ],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def result(name: str) -> float:
        return float(re.search(rf"RESULT.* {name}=([\d.]+)", output).group(1))

    sockets = sum(result(kind) for kind in ("connect", "read", "write", "timeout"))
    return {
        "requests": int(result("requests")),
        "rps": result("rps"),
        "p50_ms": result("p50"),
        "p95_ms": result("p95"),
        "p99_ms": result("p99"),
        "errors": int(sockets + result("status_4xx") + result("status_5xx")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60, help="Seconds of the mix.")
    parser.add_argument("--floor-duration", type=int, default=15)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--redis-url", default="", help="The page cache in Redis, as deployed.")
    args = parser.parse_args()
    if missing_tools() or not Path(WRK).exists():
        raise SystemExit("needs nginx, wrk and openssl: apt-get install -y nginx wrk openssl")

    RESULTS.mkdir(exist_ok=True)
    url = database_url(args.database, args.reviews, args.postgres_url)
    log(f"Load through nginx: {args.reviews:,} reviews on {args.database}")
    prepare_database(args.database, args.reviews, url)
    gunicorn_port, https_port, http_port = free_ports(3, PORTS)
    extra = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
    }
    if args.redis_url:
        extra["REDIS_URL"] = args.redis_url
    env = django_env(url, **extra)
    manage(env, "collectstatic", "--noinput", "-v0")
    paths = json.loads(manage(env, "shell", "-c", MIX_CODE).strip().splitlines()[-1])

    with (
        tempfile.TemporaryDirectory(prefix="bench-nginx-") as folder_name,
        nginx_in_front(
            folder=Path(folder_name),
            env=env,
            python=PYTHON,
            http_port=http_port,
            https_port=https_port,
            workers="auto",
            worker_connections=1024,
        ),
    ):
        base = f"https://127.0.0.1:{https_port}"
        # Warm up: connections, templates, the page cache.
        wrk(base, paths=paths, connections=8, duration=3)
        floor = wrk(
            base,
            paths=[FLOOR_PATH],
            connections=args.connections,
            duration=args.floor_duration,
        )
        mix = wrk(base, paths=paths, connections=args.connections, duration=args.duration)

    result = {
        "reviews": args.reviews,
        "database": args.database,
        "redis": bool(args.redis_url),
        "connections": args.connections,
        "duration_s": args.duration,
        "paths": len(paths),
        "floor": floor,
        "mix": mix,
        "p95_ratio_to_floor": round(mix["p95_ms"] / floor["p95_ms"], 2)
        if floor["p95_ms"]
        else None,
    }
    (RESULTS / "load-nginx-latest.json").write_text(json.dumps(result, indent=2))
    print(
        f"\nLoad through nginx (https) -> gunicorn: {args.connections} connections, "
        f"{args.reviews:,} reviews on {args.database}{' + Redis' if args.redis_url else ''}"
    )
    print(f"{'':8}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in (("floor", floor), ("mix", mix)):
        print(
            f"{name:8}{row['requests']:>10}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['errors']:>8}"
        )
    print(f"mix p95 / floor p95: {result['p95_ratio_to_floor']}")
    if mix["errors"]:
        raise SystemExit(f"{mix['errors']} errors in the mix")


if __name__ == "__main__":
    main()
