"""The search page alone, under the benchmark's load: gunicorn 2 sync workers (bench settings,
page cache off) and wrk on loopback, for a few queries, at 1 and 4 connections.

    .venv/bin/python bench/search_bench.py --database-url sqlite:///bench-results/catalogue-100000.sqlite3
    .venv/bin/python bench/search_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/magazine_search_bench

The catalogue must exist already (bench/run.py or `manage.py generate_catalogue`). Prints, per
query and connection count: requests/s, p50/p99 ms, the workers' CPU ms per request and, on
PostgreSQL, the CPU ms per request of the database server processes serving the workers
(read from /proc, so run it on the database's machine). The default queries are the one
bench/run.py uses (a word of the sample film's title) and three fixed ones.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    CLOCK_TICKS,
    PYTHON,
    RESULTS,
    WRK,
    Server,
    check_status,
    django_env,
    log,
    manage,
    parse_duration_ms,
)

FIXED_QUERIES = ["stranger", "quiet river", "ghost"]


def sample_query(env: dict[str, str]) -> str:
    code = "from bench.probe import samples; print(samples()['query'])"
    done = subprocess.run(
        [PYTHON, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def postgres_backends(url: str) -> list[int]:
    """The PostgreSQL server processes connected to this database (the workers' connections)."""
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    done = subprocess.run(
        ["psql", admin_url, "-Atc", sql], capture_output=True, text=True, check=True
    )
    return [int(line) for line in done.stdout.split()]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def measure(server: Server, url: str, path: str, connections: int, duration: int) -> dict:
    check_status(server, path, None)
    base = [WRK, "-t2" if connections > 1 else "-t1", f"-c{connections}", "--latency"]
    subprocess.run([*base, "-d1s", server.base + path], capture_output=True)  # warm up
    database = postgres_backends(url) if url.startswith("postgres") else []
    workers_before, database_before = server.cpu_seconds(), cpu_seconds(database)
    output = subprocess.run(
        [*base, f"-d{duration}s", "--timeout", "30s", server.base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    workers = server.cpu_seconds() - workers_before
    database_cpu = cpu_seconds(database) - database_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "path": path,
        "connections": connections,
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": parse_duration_ms(latency["50"]) if requests else None,
        "p99_ms": parse_duration_ms(latency["99"]) if requests else None,
        "worker_cpu_ms": 1000 * workers / requests if requests else None,
        "database_cpu_ms": 1000 * database_cpu / requests if requests and database else None,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--query", action="append", help="Repeatable; default: see above.")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--json", help="Also write the results to this file.")
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    env = django_env(args.database_url)
    manage(env, "collectstatic", "--noinput", "-v0")
    queries = args.query or [sample_query(env), *FIXED_QUERIES]
    server = Server(args.database_url, args.port, 0, 3600, 25000, size=0)
    rows = []
    try:
        for query in queries:
            path = "/search/?q=" + query.replace(" ", "+")
            for connections in args.connections:
                row = measure(server, args.database_url, path, connections, args.duration)
                row["query"] = query
                rows.append(row)
                database = (
                    f"  db {row['database_cpu_ms']:.2f} ms CPU" if row["database_cpu_ms"] else ""
                )
                log(
                    f"{query!r:16} c={connections}  {row['rps']:7.1f} req/s  "
                    f"p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms  "
                    f"workers {row['worker_cpu_ms']:.2f} ms CPU{database}  errors {row['errors']}"
                )
    finally:
        server.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
