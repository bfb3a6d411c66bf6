"""loaddata refuses a review that would be public while its film's review embargo holds: it
names the file, the review and the embargo, and loads nothing (docs/fixtures.md, docs/workflow.md).
"""

import datetime

import pytest
import time_machine

from reviews.models import Review
from tests.factories import FilmFactory, fixture_object, fixture_objects

from .test_loaddata import assert_nothing_loaded, load, load_fails, write

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 17, 1, tzinfo=datetime.UTC)  # 09:01 in Los Angeles
# 1 Dec 2026, 09:00 in Los Angeles.
EMBARGO = datetime.datetime(2026, 12, 1, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def embargoed(objects, **review_fields):
    film = fixture_object(objects, "reviews.film", "all-of-us-strangers")
    film["review_embargo_until"] = EMBARGO.isoformat()
    film["review_embargo_timezone"] = "America/Los_Angeles"
    fixture_object(objects, "reviews.review", "strangers-kimber-myers").update(review_fields)
    return objects


def test_a_published_review_with_no_time_is_refused_when_the_embargo_is_in_the_same_fixture(
    tmp_path,
):
    path = write(tmp_path, embargoed(fixture_objects(), publish_at=None), name="press.json")

    message = load_fails(path)

    assert "press.json" in message
    assert 'reviews.review ["strangers-kimber-myers"]' in message
    assert "embargo" in message and "1 Dec 2026, 09:00 PST" in message
    assert_nothing_loaded()


def test_a_review_published_before_the_embargo_of_a_film_in_the_database_is_refused(tmp_path):
    FilmFactory(
        slug="all-of-us-strangers",
        title="All of Us Strangers",
        review_embargo_until=EMBARGO,
        review_embargo_timezone="America/Los_Angeles",
    )
    objects = [
        o
        for o in fixture_objects()
        if not (o["model"] == "reviews.film" or o["model"] == "reviews.credit")
        and o["model"] != "reviews.availability"
    ]
    # Scheduled for 30 Nov 09:00 Los Angeles, a day before the embargo lifts.
    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["publish_at"] = (
        "2026-11-30T17:00:00Z"
    )

    message = load_fails(write(tmp_path, objects))

    assert 'reviews.review ["strangers-kimber-myers"]' in message
    assert "embargo" in message
    assert not Review.objects.exists()


def test_a_review_scheduled_for_the_moment_the_embargo_lifts_loads(tmp_path):
    objects = embargoed(fixture_objects(), publish_at=EMBARGO.isoformat())

    load(write(tmp_path, objects))

    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.publish_at == EMBARGO
    assert not Review.objects.published().filter(pk=review.pk).exists()


def test_drafts_of_an_embargoed_film_load(tmp_path):
    objects = embargoed(fixture_objects(), state="draft", publish_at=None)

    load(write(tmp_path, objects))

    assert Review.objects.filter(state=Review.State.DRAFT).count() == 2
