"""The benchmark: serve the site with gunicorn (2 sync workers, bench settings) and drive each
page with wrk on loopback, against two baselines measured in the same run.

    .venv/bin/python bench/run.py --reviews 1000 100000 [--duration 3] [--database sqlite]

For each catalogue size it fills a database (generate_catalogue; SQLite files are kept in
bench-results/ and reused), then runs every page twice: with the page cache off ("cold":
every request renders) and on ("warm"). It prints, per page, requests/s, p50/p99 latency,
queries per request, server CPU ms per request (the workers' CPU time before and after the
run, divided by the requests) and the ratio to the framework floor; with two sizes, the ratio
of each page's p50 at the largest size to its p50 at the smallest. Results go to
bench-results/bench-<time>.json and .png, and bench-results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FLOOR_PATH, STATIC_PATH  # noqa: E402

RESULTS = ROOT / "bench-results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url(kind: str, size: int, postgres_url: str) -> str:
    if kind == "postgres":
        return f"{postgres_url}_{size}"  # one database per size, kept between runs
    return f"sqlite:///{RESULTS / f'catalogue-{size}.sqlite3'}"


def django_env(url: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="magazine.settings.bench",
        DATABASE_URL=url,
        STATIC_ROOT=str(RESULTS / "static"),
        SHARED_CACHE_DIR=str(RESULTS / "shared-cache"),
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def review_count(env: dict[str, str]) -> int | None:
    code = "from reviews.models import Review; print(Review.objects.count())"
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()  # the shell may print a banner first
    return int(lines[-1]) if done.returncode == 0 and lines and lines[-1].isdigit() else None


def prepare_database(kind: str, size: int, url: str) -> None:
    env = django_env(url)
    if kind == "sqlite":
        kept = (RESULTS / f"catalogue-{size}.sqlite3").exists()
    else:
        kept = postgres_database_exists(url)
    if kept:
        manage(env, "migrate", "--noinput", "-v0")  # a kept catalogue gets new migrations
        if review_count(env) == size:
            log(f"  reusing the catalogue of {size:,} reviews")
            if kind == "postgres":
                vacuum_analyze(env)  # migrations and earlier runs leave dead rows behind
            return
    if kind == "sqlite":
        (RESULTS / f"catalogue-{size}.sqlite3").unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            psql(url, sql)
    manage(env, "migrate", "--noinput", "-v0")
    log("  " + manage(env, "generate_catalogue", "--reviews", str(size)).strip())
    if kind == "postgres":
        vacuum_analyze(env)


def vacuum_analyze(env: dict[str, str]) -> None:
    """Measure a PostgreSQL catalogue as production's autovacuum keeps it: without the dead
    rows of bulk updates (a bloated reviews table doubled search's database time)."""
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )


def psql(url: str, sql: str) -> str:
    """Run one statement in the server's `postgres` database (to create or drop another)."""
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    done = subprocess.run(["psql", admin_url, "-Atqc", sql], check=True, capture_output=True)
    return done.stdout.decode().strip()


def postgres_database_exists(url: str) -> bool:
    name = url.rsplit("/", 1)[1]
    return psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def probe(url: str) -> dict:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe.py")],
        cwd=ROOT,
        env=django_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench/probe.py failed:\n{done.stderr}")
    return json.loads(done.stdout)


class Server:
    """gunicorn with 2 sync workers on loopback; stopped by `stop()` or on exit."""

    def __init__(
        self, url: str, port: int, page_cache_seconds: int, parts_seconds: int, floor_bytes: int
    ) -> None:
        env = django_env(
            url,
            PAGE_CACHE_SECONDS=str(page_cache_seconds),
            FRAGMENT_CACHE_SECONDS=str(parts_seconds),
            MAGAZINE_BENCH_FLOOR_BYTES=str(floor_bytes),
        )
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "--config",
                str(ROOT / "bench" / "gunicorn_bench.py"),
                "magazine.wsgi",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + FLOOR_PATH, timeout=20).read()
                if len(self.worker_pids()) == 2:
                    return
            except OSError:  # refused while starting, or slow on a busy machine
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / CLOCK_TICKS

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def parse_duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def check_status(server: Server, path: str, cookie: str | None) -> None:
    """The page must answer 200 itself: wrk counts a redirect as a success."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        server.stop()
        raise SystemExit(f"{path} answered {status} under gunicorn")


def run_wrk(server: Server, path: str, duration: int, cookie: str | None) -> dict:
    check_status(server, path, cookie)
    command = [WRK, "-t2", "-c4", f"-d{duration}s", "--latency", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    # Warm up: connections, template cache, page cache, the database's own caches.
    subprocess.run([*command[:3], "-d1s", *command[4:], server.base + path], capture_output=True)
    cpu_before = server.cpu_seconds()
    output = subprocess.run(
        [*command, server.base + path], capture_output=True, text=True, check=True
    ).stdout
    cpu = server.cpu_seconds() - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(latency) != 2 and requests:
        raise SystemExit(f"wrk printed no latency percentiles for {path}:\n{output}")
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": parse_duration_ms(latency["50"]) if requests else None,
        "p99_ms": parse_duration_ms(latency["99"]) if requests else None,
        "cpu_ms": 1000 * cpu / requests if requests else None,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def bench_size(args: argparse.Namespace, size: int) -> dict:
    log(f"== {size:,} reviews ({args.database})")
    url = database_url(args.database, size, args.postgres_url)
    prepare_database(args.database, size, url)
    info = probe(url)
    review = next(page for page in info["pages"] if page["name"] == "review")
    floor_bytes = review["bytes"]
    static_file = RESULTS / "static" / "bench" / "floor.html"
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(
        (b"<!doctype html><title>floor</title>" + b"x" * floor_bytes)[:floor_bytes]
    )

    result = {"reviews": info["reviews"], "samples": info["samples"], "phases": {}}
    # uncached: nothing cached (the first reader after a change), only for pages built from
    # cached parts (for the others it is the same as cold); cold: the page cache off, the
    # parts cache on; warm: the normal configuration.
    for phase, page_seconds, parts_seconds in (
        ("uncached", 0, 0),
        ("cold", 0, 3600),
        ("warm", 600, 3600),
    ):
        pages = [
            page
            for page in info["pages"]
            if (phase != "uncached" or page["parts"]) and (phase != "warm" or not page["staff"])
        ]
        server = Server(url, args.port, page_seconds, parts_seconds, floor_bytes)
        try:
            rows = {
                "floor": {
                    **run_wrk(server, FLOOR_PATH, args.duration, None),
                    "queries": 0,
                    "bytes": floor_bytes,
                    "path": FLOOR_PATH,
                },
                "static": {
                    **run_wrk(server, STATIC_PATH, args.duration, None),
                    "queries": 0,
                    "bytes": floor_bytes,
                    "path": STATIC_PATH,
                },
            }
            for page in pages:
                if page["status"] != 200:
                    raise SystemExit(f"{page['name']} {page['path']} answered {page['status']}")
                # staff never get cached pages (warm is the same as cold), so warm skips them
                cookie = info["session_cookie"] if page["staff"] else None
                measured = run_wrk(server, page["path"], args.duration, cookie)
                rows[page["name"]] = {
                    **measured,
                    "queries": page[f"queries_{phase}"],
                    "bytes": page["bytes"],
                    "path": page["path"],
                }
                if not measured["requests"]:
                    log(f"  {phase:8} {page['name']:17} no request finished in {args.duration} s")
                    rows[page["name"]] = {**measured, "queries": page[f"queries_{phase}"]}
                    continue
                log(
                    f"  {phase:8} {page['name']:17} {measured['rps']:8.0f} req/s  "
                    f"{measured['cpu_ms']:.2f} ms CPU  {measured['p50_ms']:.2f} ms p50"
                )
        finally:
            server.stop()
        floor = rows["floor"]
        for row in rows.values():
            row["ratio_to_floor"] = row["rps"] / floor["rps"] if row["requests"] else None
            row["cpu_ratio_to_floor"] = floor["cpu_ms"] / row["cpu_ms"] if row["cpu_ms"] else None
        result["phases"][phase] = rows
    return result


def print_table(results: dict) -> None:
    sizes = sorted(results["sizes"], key=int)
    smallest, largest = sizes[0], sizes[-1]
    for size in sizes:
        for phase, rows in results["sizes"][size]["phases"].items():
            print(f"\n{int(size):,} reviews, page cache {phase} ({results['database']})")
            print(
                f"{'page':18}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'queries':>8}"
                f"{'CPU ms':>8}{'x floor':>9}{'x floor CPU':>12}{'errors':>7}"
                + (f"{'p50 ' + largest + '/' + smallest:>16}" if len(sizes) > 1 else "")
            )
            for name, row in rows.items():
                if not row["requests"]:
                    print(f"{name:18}  no request finished within the run")
                    continue
                line = (
                    f"{name:18}{row['rps']:8.0f}{row['p50_ms']:9.2f}{row['p99_ms']:9.2f}"
                    f"{row['queries']:8}{row['cpu_ms']:8.2f}{row['ratio_to_floor']:9.2f}"
                    f"{row['cpu_ratio_to_floor']:12.2f}{row['errors']:7}"
                )
                if len(sizes) > 1 and size == largest:
                    base = results["sizes"][smallest]["phases"][phase].get(name)
                    if base and base["requests"]:
                        row["p50_ratio_to_smallest"] = row["p50_ms"] / base["p50_ms"]
                        line += f"{row['p50_ratio_to_smallest']:16.2f}"
                print(line)


def draw_chart(results: dict, path: Path) -> None:
    """A small bar chart of server CPU ms per request, per page, size and phase (Pillow)."""
    from PIL import Image, ImageDraw

    bars = []
    for size in sorted(results["sizes"], key=int):
        for phase, rows in results["sizes"][size]["phases"].items():
            for name, row in rows.items():
                if row["requests"]:
                    bars.append((f"{name} {phase} {int(size) // 1000}k", row["cpu_ms"]))
    width, row_height, label_width = 720, 16, 260
    image = Image.new("RGB", (width, 40 + row_height * len(bars)), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (10, 10),
        f"Server CPU ms per request ({results['database']}, {results['started']})",
        fill="black",
    )
    top = max(value for _, value in bars) or 1
    for i, (label, value) in enumerate(bars):
        y = 34 + i * row_height
        draw.text((10, y), label, fill="black")
        length = int((width - label_width - 60) * value / top)
        colour = "#c44" if "floor" in label or "static" in label else "#36c"
        draw.rectangle([label_width, y + 2, label_width + length, y + row_height - 3], fill=colour)
        draw.text((label_width + length + 4, y), f"{value:.2f}", fill="black")
    image.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--duration", type=int, default=3, help="Seconds per wrk run.")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/magazine_bench"
    )
    parser.add_argument("--port", type=int, default=8110)
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    env = django_env(database_url(args.database, args.reviews[0], args.postgres_url))
    manage(env, "collectstatic", "--noinput", "-v0")
    results = {
        "started": started,
        "database": args.database,
        "duration_s": args.duration,
        "workers": 2,
        "sizes": {},
    }
    for size in args.reviews:
        results["sizes"][str(size)] = bench_size(args, size)
    print_table(results)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2))
    draw_chart(results, RESULTS / f"bench-{stamp}.png")
    shutil.copy(RESULTS / f"bench-{stamp}.png", RESULTS / "latest.png")
    print(f"\nWrote bench-results/bench-{stamp}.json and .png (also latest.json, latest.png)")


if __name__ == "__main__":
    main()
