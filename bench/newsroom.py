"""The newsroom benchmark: reader traffic with the page cache on, while the newsroom writes.

    .venv/bin/python bench/newsroom.py [--reviews 10000] [--urls 4000] [--duration 30]
        [--caches redis embedded] [--redis-url redis://127.0.0.1:6379/11] [--port 8145]

Serves the site as bench/run.py does (gunicorn, 2 sync workers, bench settings, page cache on)
with each cache in turn: Redis (`--redis-url`, under a key prefix of its own) and the
embedded default (the files every worker shares, in a fresh folder). For each:

1. every one of `--urls` published review pages is requested once (the cache is full);
2. reader traffic over those pages, skewed to a hot head (Zipf, s=1: the top 1% of pages get
   about half the requests), drawn once and replayed by wrk (bench/newsroom.lua), in three
   phases of `--duration` seconds: **readers only**; with a writer saving a **draft** every
   2 s; with an editor editing a **published** review of the hot head every 10 s (a pending
   edit, then published), both through the admin's service functions in a process of their
   own (bench/newsroom_writer.py);
3. the floor (bench/run.py's) before each phase, on the same server.

Reports the workers' CPU per request in each phase, its ratio to the floor (floor CPU / page
CPU, as bench/run.py), each editing phase against readers only (targets: within 1.3x, and
readers only at least 0.5x the floor), and the page cache's hits and misses. Results go to
bench-results/newsroom-<time>.json and newsroom-latest.json.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FLOOR_PATH  # noqa: E402
from bench.run import (  # noqa: E402
    PYTHON,
    RESULTS,
    WRK,
    Server,
    database_url,
    django_env,
    log,
    manage,
    prepare_size,
    run_wrk,
)

PHASES = (
    ("readers only", None, 0),
    ("draft every 2 s", "draft", 2),
    ("edit every 10 s", "edit", 10),
)
HOT_EDITED = 10
# Pages and parts kept an hour: filling thousands of pages takes minutes on a shared machine,
# and the default 600 s would expire the first ones before the readers come (misses that no
# write caused). Freshness never depends on it: writes invalidate by tag.
PAGE_SECONDS = 3600  # the editor works through the ten hottest reviews


def published_paths(env: dict[str, str], count: int) -> list[str]:
    code = (
        "import json; from reviews.models import Review; "
        "print(json.dumps([r.get_absolute_url() for r in "
        f"Review.objects.published().only('slug').order_by('?')[:{count}]]))"
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def skewed(paths: list[str], requests: int, seed: int = 14) -> list[str]:
    """`requests` draws from `paths` with Zipf weights (s=1): paths[0] is the hottest."""
    weights = [1 / rank for rank in range(1, len(paths) + 1)]
    return random.Random(seed).choices(paths, weights=weights, k=requests)


def fill(server: Server, paths: list[str]) -> None:
    """Every page served once, by four clients (each its own keep-alive connection)."""

    def serve(chunk: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        for path in chunk:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
        connection.close()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(serve, [paths[i::4] for i in range(4)]))


def readers(server: Server, paths_file: Path, duration: int) -> dict:
    command = [WRK, "-t2", "-c4", f"-d{duration}s", "--timeout", "30s"]
    command += ["-s", str(ROOT / "bench" / "newsroom.lua"), server.base]
    cpu_before = server.cpu_seconds()
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        env={"BENCH_PATHS_FILE": str(paths_file)},
    ).stdout
    cpu = server.cpu_seconds() - cpu_before
    result = {
        name: float(value)
        for name, value in re.findall(r"(\w+)=([\d.]+)", output.split("RESULT")[1])
    }
    result["cpu_ms"] = 1000 * cpu / result["requests"]
    result["rps"] = result["requests"] / duration
    return result


def writer(url: str, cache_env: dict[str, str], mode: str, every: float, hot: list[str]):
    slugs = ",".join(path.strip("/").rsplit("/", 1)[1] for path in hot)
    return subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "newsroom_writer.py"), "--mode", mode, "--every", str(every)]
        + ["--slugs", slugs],
        cwd=ROOT,
        env=django_env(url, **cache_env),
        stdout=subprocess.PIPE,
        text=True,
    )


def run_cache(args, prepared: dict, cache: str, paths: list[str], paths_file: Path) -> dict:
    if cache == "redis":
        # A key prefix of its own: nothing cached before, nothing else's keys touched.
        prefix = f"newsroom-{time.time_ns()}"
        cache_env = {"REDIS_URL": args.redis_url, "CACHE_KEY_PREFIX": prefix}
    else:
        folder = RESULTS / "shared-cache-newsroom"
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        cache_env = {"SHARED_CACHE_DIR": str(folder)}
    server = Server(
        prepared["url"],
        args.port,
        PAGE_SECONDS,
        PAGE_SECONDS,
        prepared["floor_bytes"],
        size=args.reviews,
        extra_env=cache_env,
    )
    rows: dict[str, dict] = {}
    try:
        started = time.monotonic()
        fill(server, paths)
        log(f"  {cache}: {len(paths):,} pages served once in {time.monotonic() - started:.0f} s")
        for name, mode, every in PHASES:
            floors = [run_wrk(server, FLOOR_PATH, 2, None, warm_up=False) for _ in range(2)]
            process = None
            if mode:
                process = writer(prepared["url"], cache_env, mode, every, paths[:HOT_EDITED])
                if process.stdout.readline().strip() != "ready":  # Django started, one write
                    raise SystemExit(f"the {mode} writer did not start")
            try:
                row = readers(server, paths_file, args.duration)
            finally:
                if process:
                    process.terminate()
                    writes, write_ms = process.communicate(timeout=30)[0].split()
            floor_cpu = statistics.mean(run["cpu_ms"] for run in floors)
            row.update(floor_cpu_ms=floor_cpu, x_floor_cpu=floor_cpu / row["cpu_ms"])
            if mode:
                row.update(writes=int(writes), write_ms=float(write_ms))
            rows[name] = row
            log(
                f"  {cache:8} {name:16} {row['cpu_ms']:.2f} ms CPU/request "
                f"({row['x_floor_cpu']:.2f}x the floor's {floor_cpu:.2f} ms), "
                f"{row['rps']:.0f} req/s, "
                f"{int(row['misses'])} misses of {int(row['requests'])}"
                + (f", {row['writes']} writes" if mode else "")
            )
    finally:
        server.stop()
    base = rows["readers only"]["cpu_ms"]
    for row in rows.values():
        row["x_readers_only_cpu"] = row["cpu_ms"] / base
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10000)
    parser.add_argument("--urls", type=int, default=4000, help="Review pages readers read.")
    parser.add_argument("--duration", type=int, default=30, help="Seconds per phase.")
    parser.add_argument(
        "--caches", nargs="+", choices=["redis", "embedded"], default=["redis", "embedded"]
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/magazine_bench"
    )
    parser.add_argument("--port", type=int, default=8145)
    args = parser.parse_args()
    args.rounds = 1

    RESULTS.mkdir(exist_ok=True)
    manage(
        django_env(database_url(args.database, args.reviews, args.postgres_url)),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    prepared = prepare_size(args, args.reviews)
    paths = published_paths(django_env(prepared["url"]), args.urls)
    paths_file = RESULTS / "newsroom-paths.txt"
    paths_file.write_text("\n".join(skewed(paths, 100_000)) + "\n")
    results = {
        "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "reviews": args.reviews,
        "urls": len(paths),
        "duration_s": args.duration,
        "database": args.database,
        "caches": {},
    }
    for cache in args.caches:
        results["caches"][cache] = run_cache(args, prepared, cache, paths, paths_file)

    print(f"\nNewsroom, {args.reviews:,} reviews, {len(paths):,} review pages ({args.database})")
    print(
        f"{'cache':10}{'phase':18}{'CPU ms':>8}{'x floor CPU':>12}{'x readers':>10}"
        f"{'misses':>8}{'req':>8}"
    )
    for cache, rows in results["caches"].items():
        for name, row in rows.items():
            print(
                f"{cache:10}{name:18}{row['cpu_ms']:8.2f}{row['x_floor_cpu']:12.2f}"
                f"{row['x_readers_only_cpu']:10.2f}{int(row['misses']):8}{int(row['requests']):8}"
            )
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"newsroom-{stamp}.json", "newsroom-latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2))
    print(f"\nWrote bench-results/newsroom-{stamp}.json (also newsroom-latest.json)")


if __name__ == "__main__":
    main()
