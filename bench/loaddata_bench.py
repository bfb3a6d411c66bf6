"""Time the magazine's loaddata against Django's stock loaddata on the same generated fixture.

    .venv/bin/python bench/loaddata_bench.py [--reviews 10000]   (or: make bench-import)

Generates a fixture in the documented format (natural keys throughout): films with genres, people,
critics, credits, reviews with Markdown bodies, and their tags. Both commands load it into the
same empty throwaway database (created like a test database from DATABASE_URL, SQLite by
default), one after the other, with a flush in between. Each load runs in a fresh Python process,
so its peak memory (the process's maximum resident set) is its own. Prints ms per object,
queries per object, peak memory and the ratios, and writes them to bench-results/.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.commands.loaddata import Command as StockLoaddata  # noqa: E402
from django.db import connection  # noqa: E402

PARAGRAPH = (
    "The film follows {title} through a long night in the city, and the *camera* stays close "
    "enough to catch every hesitation. Its director lets scenes run past the point where most "
    "films would cut, and the performances are strong enough to hold them. There are a few "
    "**wrong turns** in the second act, a subplot that never earns its time, but the final "
    "twenty minutes gather everything up with real grace. See [the trailer](https://example.com)."
)


def credit_key(key: str) -> dict:
    """Credits carry their key, as dumpdata writes them: stock loaddata cannot work it out."""
    from reviews.models import Credit

    return {"key": key} if any(f.name == "key" for f in Credit._meta.fields) else {}


def generate(reviews: int) -> list[dict]:
    """A fixture with `reviews` reviews: one film per four reviews, four credits per film."""
    films = max(1, reviews // 4)
    people = max(10, reviews // 10)
    critics = 50
    objects: list[dict] = []
    genres = [f"genre-{n}" for n in range(10)]
    objects += [
        {"model": "reviews.genre", "fields": {"name": f"Genre {n}", "slug": slug}}
        for n, slug in enumerate(genres)
    ]
    objects += [
        {
            "model": "people.person",
            "fields": {"name": f"Person {n}", "slug": f"person-{n}", "bio": "Works in film."},
        }
        for n in range(people + critics)
    ]
    objects += [
        {
            "model": "people.critic",
            "fields": {
                "person": [f"person-{people + n}"],
                "byline": f"Critic {n}",
                "slug": f"critic-{n}",
                "bio": "Writes about film.",
            },
        }
        for n in range(critics)
    ]
    for n in range(films):
        film = [f"film-{n}"]
        objects.append(
            {
                "model": "reviews.film",
                "fields": {
                    "title": f"Film {n}",
                    "slug": film[0],
                    "year": 1950 + n % 75,
                    "release_date": f"{1950 + n % 75}-0{1 + n % 9}-1{n % 10}",
                    "runtime_minutes": 80 + n % 70,
                    "synopsis": "A story about people in a place.",
                    "genres": [[genres[n % 10]], [genres[(n + 3) % 10]]],
                },
            }
        )
        director = f"person-{n % people}"
        objects.append(
            {
                "model": "reviews.credit",
                "fields": {"film": film, "person": [director], "role": "director"}
                | credit_key(f"{director}-director"),
            }
        )
        for billing in range(1, 4):
            objects.append(
                {
                    "model": "reviews.credit",
                    "fields": {
                        "film": film,
                        "person": [f"person-{(n * 3 + billing) % people}"],
                        "role": "cast",
                        "character": f"Character {billing}",
                        "billing_order": billing,
                    }
                    | credit_key(f"person-{(n * 3 + billing) % people}-cast"),
                }
            )
    tags = [f"tag {n}" for n in range(20)]
    objects += [
        {"model": "taggit.tag", "fields": {"name": name, "slug": name.replace(" ", "-")}}
        for name in tags
    ]
    for n in range(reviews):
        title = f"Film {n % films}"
        objects.append(
            {
                "model": "reviews.review",
                "fields": {
                    "film": [f"film-{n % films}"],
                    # Each of a film's four reviews by a different critic: a critic's second
                    # review of one film is refused as a likely duplicate.
                    "critic": [f"critic-{(n + n // films) % critics}"],
                    "headline": f"{title}, reviewed: a night in the city ({n})",
                    "slug": f"review-{n}",
                    "standfirst": "A tender, uneven and finally moving film.",
                    "body": "\n\n".join([PARAGRAPH.format(title=title)] * 3),
                    "kind": "review",
                    "rating": str(1 + (n % 9) / 2),
                    "state": "published" if n % 5 else "draft",
                    "publish_at": "2024-01-01T09:00:00Z" if n % 5 else None,
                },
            }
        )
        objects.append(
            {
                "model": "reviews.taggedreview",
                "fields": {"content_object": [f"review-{n}"], "tag": [tags[n % 20]]},
            }
        )
    return objects


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_load(command, path: str) -> tuple[float, int]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        call_command(command, path, verbosity=0)
        elapsed = time.perf_counter() - started
    return elapsed, counter.count


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: Linux carries
    ru_maxrss over fork and exec, so a child would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_load(which: str, database_name: str, path: str) -> None:
    """Run in a fresh process: one load into the benchmark's database; print what it cost."""
    connection.settings_dict["NAME"] = database_name
    command = StockLoaddata() if which == "stock" else "loaddata"
    baseline = peak_rss_mb()
    seconds, queries = timed_load(command, path)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "queries": queries,
                "peak_mb": peak_rss_mb(),
                "baseline_mb": baseline,
            }
        )
    )


def load_in_child(which: str, path: str) -> dict:
    connection.close()
    output = subprocess.run(
        [sys.executable, __file__, "--child", which, connection.settings_dict["NAME"], path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument(
        "--child", nargs=3, metavar=("WHICH", "DATABASE", "FIXTURE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child_load(*args.child)
        return

    workdir = Path(tempfile.mkdtemp(prefix="loaddata-bench-"))
    original_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # a real file, as in production, not an in-memory database
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        objects = generate(args.reviews)
        fixture = workdir / "bench.json"
        fixture.write_text(json.dumps(objects))
        fixture_mb = fixture.stat().st_size / 1024 / 1024
        warm_up = workdir / "warm-up.json"
        warm_up.write_text(json.dumps(generate(40)))
        for command in (StockLoaddata(), "loaddata"):  # imports and caches, not timed
            call_command(command, str(warm_up), verbosity=0)
            flush()

        stock = load_in_child("stock", str(fixture))
        flush()
        ours = load_in_child("ours", str(fixture))
        again = load_in_child("ours", str(fixture))
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0, keepdb=False)

    total = len(objects)
    results = {
        "database": connection.vendor,
        "objects": total,
        "reviews": args.reviews,
        "fixture_mb": round(fixture_mb, 1),
        "stock_ms_per_object": round(stock["seconds"] * 1000 / total, 3),
        "stock_queries_per_object": round(stock["queries"] / total, 2),
        "stock_peak_mb": round(stock["peak_mb"], 1),
        "ours_ms_per_object": round(ours["seconds"] * 1000 / total, 3),
        "ours_queries_per_object": round(ours["queries"] / total, 3),
        "ours_peak_mb": round(ours["peak_mb"], 1),
        "ours_reload_ms_per_object": round(again["seconds"] * 1000 / total, 3),
        "ours_reload_queries": again["queries"],
        "ours_reload_peak_mb": round(again["peak_mb"], 1),
        "process_baseline_mb": round(ours["baseline_mb"], 1),
        "ratio_ours_to_stock": round(ours["seconds"] / stock["seconds"], 3),
        "memory_ratio_ours_to_stock": round(ours["peak_mb"] / stock["peak_mb"], 3),
    }
    print(
        f"loaddata benchmark on {connection.vendor}: {total} objects ({args.reviews} reviews, "
        f"{fixture_mb:.1f} MB); peak memory is the whole process's (Django alone: "
        f"{ours['baseline_mb']:.0f} MB)"
    )
    rows = [
        ("stock Django loaddata", stock, "queries/object", stock["queries"] / total),
        (
            "magazine loaddata",
            ours,
            "queries/object (validating everything)",
            ours["queries"] / total,
        ),
        ("same fixture again", again, "queries in all, nothing written", again["queries"]),
    ]
    for label, run, unit, queries in rows:
        print(
            f"  {label:<22}: {run['seconds']:7.2f} s  "
            f"{run['seconds'] * 1000 / total:.3f} ms/object  peak {run['peak_mb']:6.0f} MB  "
            f"{queries:.3g} {unit}"
        )
    print(
        f"  ratio ours/stock      : {results['ratio_ours_to_stock']:.2f}x time, "
        f"{results['memory_ratio_ours_to_stock']:.2f}x peak memory"
    )
    out = ROOT / "bench-results" / f"loaddata-{connection.vendor}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
