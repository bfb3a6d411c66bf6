"""Run inside Django (bench settings) by bench/run.py: pick sample objects, log a staff user in,
and request each page once through the test client to learn its status, size and queries.

Prints one JSON object on stdout.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings.bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from bench.pages import PAGES  # noqa: E402
from reviews import tallies  # noqa: E402
from reviews.models import Credit, Genre, Review  # noqa: E402


def samples() -> dict[str, str]:
    """A typical published review (the middle one by date) and its film, critic, director."""
    published = Review.objects.published().order_by("publish_at", "pk")
    count = published.count()
    review = published.select_related("film", "critic")[count // 2]
    director = (
        Credit.objects.filter(film=review.film, role=Credit.Role.DIRECTOR)
        .select_related("person")
        .first()
    )
    # The topic and genre with the most published reviews / reviewed films: at 1,000 reviews
    # a typical topic has ~10 reviews (half a page) while every one at 100,000 fills its page,
    # and the 100,000/1,000 ratio should compare the same work, not a half and a full page.
    by_tag = tallies.reviews_by_tag()
    fullest_tag = min(by_tag, key=lambda pk: (-by_tag[pk], pk), default=None)
    tag = Tag.objects.filter(pk=fullest_tag).first()
    genres = tallies.film_facets()[tallies.GENRE]
    fullest = sorted(genres, key=lambda pk: (-genres[pk], pk))
    genre = Genre.objects.filter(pk=int(fullest[0])).first() if fullest else None
    return {
        "review": review.slug,
        "review_pk": str(review.pk),
        "film": review.film.slug,
        "critic": review.critic.slug,
        "person": director.person.slug if director else "",
        "tag": tag.slug if tag else "",
        "genre": genre.slug if genre else review.film.genres.first().slug,
        "query": review.film.title.split()[0].lower(),
    }


def staff_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def measure(client: Client, path: str) -> dict:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    body = b"".join(response) if response.streaming else response.content
    return {"status": response.status_code, "bytes": len(body), "queries": len(queries)}


def main() -> None:
    names = samples()
    anonymous, staff = Client(), staff_client()
    pages = []
    for page in PAGES:
        path = page.path.format(**names)
        client = staff if page.staff else anonymous
        caches["default"].clear()
        with override_settings(MAGAZINE_PAGE_CACHE_SECONDS=0, MAGAZINE_FRAGMENT_CACHE_SECONDS=0):
            uncached = measure(client, path)  # nothing cached at all
        with override_settings(MAGAZINE_PAGE_CACHE_SECONDS=0):
            measure(client, path)  # fills the parts cache, if the page has one
            cold = measure(client, path)  # page cache cold, parts cached
        caches["default"].clear()
        measure(client, path)  # fills the page cache
        warm = measure(client, path)
        pages.append(
            {
                "name": page.name,
                "path": path,
                "staff": page.staff,
                "parts": page.parts,
                "status": cold["status"],
                "bytes": cold["bytes"],
                "queries_uncached": uncached["queries"],
                "queries_cold": cold["queries"],
                "queries_warm": warm["queries"],
            }
        )
    print(
        json.dumps(
            {
                "samples": names,
                "reviews": Review.objects.count(),
                "session_cookie": f"sessionid={staff.cookies['sessionid'].value}",
                "pages": pages,
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
