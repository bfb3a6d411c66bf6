"""The newsroom's writer for bench/newsroom.py, run inside Django (bench settings) beside the
server: saves a draft every `--every` seconds (`--mode draft`), or edits a published review and
publishes the edit (`--mode edit`), through the same service functions the admin calls, until
it is stopped (SIGTERM). Prints `ready` after its first write, then at the end how many
writes it made and their mean wall time.

    .venv/bin/python bench/newsroom_writer.py --mode edit --every 10 --slugs a,b,c
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings.bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from reviews.models import Review  # noqa: E402
from reviews.services import review_publish_changes, review_save  # noqa: E402

stopping = False


def stop(signum, frame) -> None:
    global stopping
    stopping = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["draft", "edit"], required=True)
    parser.add_argument("--every", type=float, required=True, help="Seconds between writes.")
    parser.add_argument("--slugs", default="", help="Published reviews to edit, in turn.")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)

    editor, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    if args.mode == "draft":
        pks = list(
            Review.objects.filter(state=Review.State.DRAFT).values_list("pk", flat=True)[:20]
        )
    else:
        slugs = [slug for slug in args.slugs.split(",") if slug]
        pks = list(Review.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    if not pks:
        raise SystemExit(f"no review to {args.mode}")

    writes, spent, turn = 0, 0.0, 0
    next_at = time.monotonic()
    while not stopping:
        started = time.monotonic()
        review = Review.objects.get(pk=pks[turn % len(pks)])
        review.standfirst = f"{review.standfirst.split(' [edit')[0]} [edit {turn}]"[:300]
        review_save(review=review, user=editor)
        if args.mode == "edit":
            review_publish_changes(review=review, user=editor)
        spent += time.monotonic() - started
        writes += 1
        turn += 1
        if writes == 1:
            print("ready", flush=True)  # bench/newsroom.py starts the readers now
        next_at += args.every
        while not stopping and time.monotonic() < next_at:
            time.sleep(0.05)
    print(f"{writes} {spent / max(writes, 1) * 1000:.1f}")


if __name__ == "__main__":
    main()
