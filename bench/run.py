"""The benchmark: serve the site with gunicorn (2 sync workers, bench settings) and drive each
page with wrk on loopback, against two baselines measured in the same run.

    .venv/bin/python bench/run.py --reviews 1000 100000 [--duration 3] [--database sqlite]

For each catalogue size it fills a database (generate_catalogue; SQLite files are kept in
bench-results/ and reused), then runs every page twice: with the page cache off ("cold":
every request renders) and on ("warm"), each page at every size back to back (one gunicorn
per size), so a drift in the machine's speed does not show as a difference between sizes.
It prints, per page, requests/s, p50/p99 latency, queries per request, server CPU ms per
request (the workers' CPU time before and after the run, divided by the requests) and the
ratio to the framework floor; with two sizes, the ratio of each page's p50 at the largest
size to its p50 at the smallest. Results go to bench-results/bench-<time>.json and .png, and
bench-results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FLOOR_PATH, PAGES, STATIC_PATH  # noqa: E402

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


# One key for the whole run: the probe logs the superuser in, and gunicorn must be able to read
# that session (the bench settings would otherwise give every process a key of its own).
RUN_SECRET_KEY = secrets.token_urlsafe(50)


def django_env(url: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env.setdefault("SECRET_KEY", RUN_SECRET_KEY)
    env.update(
        DJANGO_SETTINGS_MODULE="magazine.settings.bench",
        DATABASE_URL=url,
        STATIC_ROOT=str(RESULTS / "static"),
        SHARED_CACHE_DIR=str(RESULTS / "shared-cache"),
    )
    env.update(extra)
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
        self,
        url: str,
        port: int,
        page_cache_seconds: int,
        parts_seconds: int,
        floor_bytes: int,
        *,
        size: int,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        env = django_env(
            url,
            **{
                "SHARED_CACHE_DIR": str(RESULTS / f"shared-cache-{size}"),
                "PAGE_CACHE_SECONDS": str(page_cache_seconds),
                "FRAGMENT_CACHE_SECONDS": str(parts_seconds),
                "MAGAZINE_BENCH_FLOOR_BYTES": str(floor_bytes),
                **(extra_env or {}),
            },
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


def run_wrk(
    server: Server, path: str, duration: int, cookie: str | None, *, warm_up: bool = True
) -> dict:
    check_status(server, path, cookie)
    command = [WRK, "-t2", "-c4", f"-d{duration}s", "--latency", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if warm_up:  # connections, template cache, page cache, the database's own caches
        subprocess.run(
            [*command[:3], "-d1s", *command[4:], server.base + path], capture_output=True
        )
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


def prepare_size(args: argparse.Namespace, size: int) -> dict:
    """Fill (or reuse) the catalogue of this size and probe it: its pages and sample objects."""
    log(f"== {size:,} reviews ({args.database})")
    url = database_url(args.database, size, args.postgres_url)
    prepare_database(args.database, size, url)
    info = probe(url)
    review = next(page for page in info["pages"] if page["name"] == "review")
    floor_bytes = review["bytes"]
    static_file = RESULTS / "static" / STATIC_PATH.format(size=size).removeprefix("/static/")
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(
        (b"<!doctype html><title>floor</title>" + b"x" * floor_bytes)[:floor_bytes]
    )
    return {"url": url, "info": info, "floor_bytes": floor_bytes}


def combine(runs: list[dict]) -> dict:
    """Several wrk runs of one page as one: the median of their p50s and p99s, requests/s and
    CPU per request over all of them, every error."""
    served = [run for run in runs if run["requests"]]
    requests = sum(run["requests"] for run in served)
    if not requests:
        return {**runs[0], "errors": sum(run["errors"] for run in runs)}
    return {
        "requests": requests,
        "rps": statistics.mean(run["rps"] for run in served),
        "p50_ms": statistics.median(run["p50_ms"] for run in served),
        "p99_ms": statistics.median(run["p99_ms"] for run in served),
        "cpu_ms": sum(run["cpu_ms"] * run["requests"] for run in served) / requests,
        "errors": sum(run["errors"] for run in runs),
        "rounds": len(runs),
    }


def bench_sizes(args: argparse.Namespace, prepared: dict[int, dict]) -> dict[str, dict]:
    """Every page at every size, the sizes measured back to back for each page.

    One gunicorn per size runs through each phase (an idle one costs no CPU). Measuring a
    page at 1,000 and then at once at 100,000 reviews keeps the ratio of the two p50s clear
    of the machine's own drift: on a shared machine the same page's CPU moved by up to 40%
    between two phases run minutes apart.
    """
    results = {
        str(size): {"reviews": p["info"]["reviews"], "samples": p["info"]["samples"], "phases": {}}
        for size, p in prepared.items()
    }
    # uncached: nothing cached (the first reader after a change), only for pages built from
    # cached parts (for the others it is the same as cold); cold: the page cache off, the
    # parts cache on; warm: the normal configuration.
    for phase, page_seconds, parts_seconds in (
        ("uncached", 0, 0),
        ("cold", 0, 3600),
        ("warm", 600, 3600),
    ):
        servers: dict[int, Server] = {}
        try:
            for offset, (size, p) in enumerate(prepared.items()):
                servers[size] = Server(
                    p["url"],
                    args.port + offset,
                    page_seconds,
                    parts_seconds,
                    p["floor_bytes"],
                    size=size,
                )
            rows: dict[int, dict] = {size: {} for size in prepared}
            for size, p in prepared.items():
                rows[size]["floor"] = {
                    **run_wrk(servers[size], FLOOR_PATH, args.duration, None),
                    "queries": 0,
                    "bytes": p["floor_bytes"],
                    "path": FLOOR_PATH,
                }
            for size, p in prepared.items():
                static_path = STATIC_PATH.format(size=size)
                rows[size]["static"] = {
                    **run_wrk(servers[size], static_path, args.duration, None),
                    "queries": 0,
                    "bytes": p["floor_bytes"],
                    "path": static_path,
                }
            names = [
                page["name"]
                for page in next(iter(prepared.values()))["info"]["pages"]
                if (phase != "uncached" or page["parts"])
                and (phase != "warm" or not page["staff"])
                and (not args.pages or page["name"] in args.pages)
            ]
            for name in names:
                page_at = {
                    size: next(page for page in p["info"]["pages"] if page["name"] == name)
                    for size, p in prepared.items()
                }
                for page in page_at.values():
                    if page["status"] != 200:
                        raise SystemExit(f"{name} {page['path']} answered {page['status']}")
                runs: dict[int, list[dict]] = {size: [] for size in prepared}
                floors: dict[int, list[dict]] = {size: [] for size in prepared}
                for round_number in range(args.rounds):
                    for size, page in page_at.items():
                        # staff never get cached pages (warm = cold): warm skips them
                        info = prepared[size]["info"]
                        cookie = info["session_cookie"] if page["staff"] else None
                        # The floor again, just before the page: its ratio to the floor
                        # compares two runs a second apart, not minutes.
                        floors[size].append(
                            run_wrk(servers[size], FLOOR_PATH, 1, None, warm_up=False)
                        )
                        runs[size].append(
                            run_wrk(
                                servers[size],
                                page["path"],
                                args.duration,
                                cookie,
                                warm_up=round_number == 0,
                            )
                        )
                for size, page in page_at.items():
                    measured, near = combine(runs[size]), combine(floors[size])
                    rows[size][name] = {
                        **measured,
                        "queries": page[f"queries_{phase}"],
                        "bytes": page["bytes"],
                        "path": page["path"],
                        "floor_rps": near["rps"],
                        "floor_cpu_ms": near["cpu_ms"],
                    }
                    if not measured["requests"]:
                        log(f"  {size:>7,} {phase:8} {name:17} no request finished")
                        continue
                    log(
                        f"  {size:>7,} {phase:8} {name:17} {measured['rps']:8.0f} req/s  "
                        f"{measured['cpu_ms']:.2f} ms CPU  {measured['p50_ms']:.2f} ms p50"
                    )
        finally:
            for server in servers.values():
                server.stop()
        for size in prepared:
            floor = rows[size]["floor"]
            for row in rows[size].values():
                floor_rps = row.get("floor_rps", floor["rps"])
                floor_cpu_ms = row.get("floor_cpu_ms", floor["cpu_ms"])
                row["ratio_to_floor"] = row["rps"] / floor_rps if row["requests"] else None
                row["cpu_ratio_to_floor"] = floor_cpu_ms / row["cpu_ms"] if row["cpu_ms"] else None
            results[str(size)]["phases"][phase] = rows[size]
    return results


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
    parser.add_argument("--duration", type=int, default=2, help="Seconds per wrk run.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Runs of each page at each size, the sizes taking turns; the p50 is their median.",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/magazine_bench"
    )
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="NAME",
        help="Only these pages of bench/pages.py (e.g. 'admin change'); all by default.",
    )
    args = parser.parse_args()
    unknown = set(args.pages or ()) - {page.name for page in PAGES}
    if unknown:
        parser.error(f"no such page in bench/pages.py: {', '.join(sorted(unknown))}")

    RESULTS.mkdir(exist_ok=True)
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    env = django_env(database_url(args.database, args.reviews[0], args.postgres_url))
    manage(env, "collectstatic", "--noinput", "-v0")
    results = {
        "started": started,
        "database": args.database,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "workers": 2,
        "sizes": {},
    }
    prepared = {size: prepare_size(args, size) for size in args.reviews}
    results["sizes"] = bench_sizes(args, prepared)
    print_table(results)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2))
    draw_chart(results, RESULTS / f"bench-{stamp}.png")
    shutil.copy(RESULTS / f"bench-{stamp}.png", RESULTS / "latest.png")
    print(f"\nWrote bench-results/bench-{stamp}.json and .png (also latest.json, latest.png)")


if __name__ == "__main__":
    main()
