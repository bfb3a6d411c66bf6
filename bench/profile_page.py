"""Profile one page in-process, the way gunicorn calls it (the WSGI application, bench settings).

    DATABASE_URL=sqlite:///bench-results/catalogue-1000.sqlite3 \
        .venv/bin/python bench/profile_page.py review [--requests 300] [--rounds 5] \
        [--profile] [--cache]

The page is a name from bench/pages.py (its sample objects picked as bench/probe.py does) or a
path. Prints CPU ms per request for the page and for the framework floor, and their ratio;
with --profile, the functions that took the most time (cProfile, cumulative). The page cache is
off unless --cache is given (then it measures warm hits). With --rounds N the floor and the
page take turns N times and the medians are printed (a busy machine moves both alike).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings.bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cache", action="store_true", help="Measure with the page cache on.")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ["PAGE_CACHE_SECONDS"] = "600" if args.cache else "0"

    import django

    from bench.pages import FLOOR_PATH, PAGES
    from bench.probe import samples, staff_client

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    path = args.page
    staff = path.startswith("/admin/")
    if not path.startswith("/"):
        page = next(page for page in PAGES if page.name == args.page)
        path = page.path.format(**samples())
        staff = page.staff
    # Admin pages are measured with a superuser's session, as bench/run.py does.
    cookie = f"sessionid={staff_client().cookies['sessionid'].value}" if staff else ""

    def request(target: str) -> bytes:
        route, _, query = target.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8120",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            **({"HTTP_COOKIE": cookie} if cookie and target != FLOOR_PATH else {}),
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = b"".join(application(environ, lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{target} answered {status[0]}")
        return body

    def cpu_ms(target: str) -> float:
        for _ in range(20):  # warm up: templates, connections, caches
            request(target)
        started = time.process_time()
        for _ in range(args.requests):
            request(target)
        return 1000 * (time.process_time() - started) / args.requests

    size = len(request(path))
    floors, pages = [], []
    for _ in range(args.rounds):
        floors.append(cpu_ms(FLOOR_PATH))
        pages.append(cpu_ms(path))
    floor, page = statistics.median(floors), statistics.median(pages)
    print(
        f"{path}: {size:,} bytes, {page:.2f} ms CPU; floor {floor:.3f} ms; "
        f"x floor {floor / page:.4f}"
        + (f" (medians of {args.rounds} rounds)" if args.rounds > 1 else "")
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request(path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
