"""An export keeps full precision and every list a total order: dumpdata then loaddata into an
empty database gives the same timestamps to the microsecond and the same pages, ties and all."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from reviews.models import Film, Review
from tests.factories import FilmFactory, ReviewFactory

NOW = datetime.datetime(2024, 7, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC)
CONTENT_APPS = ["auth.user", "people", "reviews", "taggit"]


def round_trip(tmp_path) -> None:
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata", *CONTENT_APPS, natural_foreign=True, natural_primary=True,
        output=str(dump), verbosity=0,
    )  # fmt: skip
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(dump), verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_timestamps_keep_their_microseconds(tmp_path):
    with time_machine.travel(NOW, tick=False):
        ReviewFactory(slug="precise", published=True, publish_at=NOW)
    before = Review.objects.values_list("publish_at", "created_at", "updated_at").get()

    round_trip(tmp_path)

    after = Review.objects.values_list("publish_at", "created_at", "updated_at").get()
    assert after == before
    assert after[0].microsecond == 123456


@pytest.mark.django_db(transaction=True)
def test_films_and_tags_that_tie_keep_their_order(client, tmp_path):
    # Same title and year, created in the opposite order of their slugs; tags added out of order.
    for slug in ["strangers-c", "strangers-a", "strangers-b"]:
        film = FilmFactory(title="Strangers", year=2023, slug=slug)
        ReviewFactory(film=film, published=True, tags=["zeal", "Apple", "mid"])
    pages = [
        "/films/",
        "/films/year/2023/",
        "/tags/",
        *[f"/reviews/{r.slug}/" for r in Review.objects.all()],
    ]
    before = {url: client.get(url).content for url in pages}

    round_trip(tmp_path)

    assert list(Film.objects.values_list("slug", flat=True)) == [
        "strangers-a",
        "strangers-b",
        "strangers-c",
    ]
    for url in pages:
        assert client.get(url).content == before[url], url
