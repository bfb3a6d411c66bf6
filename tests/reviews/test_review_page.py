"""The review page's cached parts (reviews/review_page.py): as fresh as the page cache.

The page cache is off in these tests, so every request renders the page and only the parts
cache can serve anything stale.
"""

import datetime

import pytest
from django.test import Client
from taggit.models import Tag

from reviews.models import Availability, Credit, Review
from reviews.previews import preview_url
from tests.factories import (
    NOON,
    AvailabilityFactory,
    CorrectionFactory,
    CreditFactory,
    ReviewFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache_only")]


@pytest.fixture
def review(clock):
    review = ReviewFactory(
        published=True, headline="A quiet triumph", body="First draft of the body.", tags=["grief"]
    )
    CreditFactory(film=review.film, role=Credit.Role.DIRECTOR, person__name="Andrew Haigh")
    return review


def rename_tag(old: str, new: str) -> None:
    tag = Tag.objects.get(name=old)
    tag.name = new
    tag.save()


def page(client: Client, review: Review) -> str:
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_render_runs_one_query_and_shows_the_same_page(
    client, review, django_assert_num_queries
):
    first = page(client, review)
    with django_assert_num_queries(1):  # the versions of the parts' tags, for all three
        second = page(client, review)
    assert second == first
    assert "A quiet triumph" in second and "Andrew Haigh" in second


def test_the_parts_cache_can_be_turned_off(client, review, settings, django_assert_max_num_queries):
    settings.MAGAZINE_FRAGMENT_CACHE_SECONDS = 0
    page(client, review)
    with django_assert_max_num_queries(8):
        assert "A quiet triumph" in page(client, review)


def test_unpublishing_makes_the_page_a_404_at_once(client, review):
    page(client, review)
    review.state = Review.State.UNPUBLISHED
    review.save()
    assert client.get(review.get_absolute_url()).status_code == 404


def test_editing_the_review_shows_at_once(client, review):
    page(client, review)
    review.body = "Second thoughts on the body."
    review.headline = "A quieter triumph"
    review.save()
    html = page(client, review)
    assert "Second thoughts on the body." in html and "First draft" not in html
    assert "<title>A quieter triumph" in html


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: setattr(r.film, "title", "Renamed Film") or r.film.save(), "Renamed Film"),
        (lambda r: setattr(r.critic, "bio", "Writes on grief.") or r.critic.save(), "on grief"),
        (
            lambda r: [
                setattr(c.person, "name", "Renamed Director") or c.person.save()
                for c in r.film.credits.all()
            ],
            "Renamed Director",
        ),
        (
            lambda r: CreditFactory(film=r.film, person__name="Paul Mescal", billing_order=1),
            "Paul Mescal",
        ),
        (lambda r: CorrectionFactory(review=r, text="The year was wrong."), "The year was wrong."),
        (lambda r: rename_tag("grief", "mourning"), "mourning"),
    ],
    ids=["film", "critic", "person", "new credit", "correction", "tag renamed"],
)
def test_editing_what_the_page_shows_refreshes_it_at_once(client, review, change, expected):
    assert expected not in page(client, review)
    change(review)
    assert expected in page(client, review)


def test_another_critics_review_of_the_film_appears_once_published(client, review):
    page(client, review)
    other = ReviewFactory(film=review.film, headline="A second opinion")
    assert "A second opinion" not in page(client, review)
    other.state = Review.State.PUBLISHED
    other.publish_at = NOON - datetime.timedelta(minutes=1)
    other.save()
    assert "A second opinion" in page(client, review)


def test_a_scheduled_review_of_the_film_appears_at_its_time_with_no_write(client, review, clock):
    scheduled = ReviewFactory(
        film=review.film,
        state=Review.State.PUBLISHED,
        publish_at=NOON + datetime.timedelta(minutes=5),
        headline="Coming at five past",
    )
    assert "Coming at five past" not in page(client, review)
    assert "Coming at five past" not in page(client, review)  # served from the parts
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    clock.move_to(scheduled.publish_at + datetime.timedelta(seconds=1))
    assert "Coming at five past" in page(client, review)
    assert "A quiet triumph" in page(client, scheduled)


def test_where_to_watch_moves_on_at_midnight_with_no_write(client, review, clock):
    AvailabilityFactory(
        film=review.film,
        kind=Availability.Kind.THEATRICAL,
        provider="",
        starts_on=datetime.date(2024, 3, 6),
    )
    assert "In theaters tomorrow." in page(client, review)
    clock.move_to(datetime.datetime(2024, 3, 5, 23, 59, tzinfo=datetime.UTC))
    assert "In theaters tomorrow." in page(client, review)
    clock.move_to(datetime.datetime(2024, 3, 6, 0, 0, 1, tzinfo=datetime.UTC))
    html = page(client, review)
    assert "In theaters now." in html and "tomorrow" not in html


def test_a_preview_neither_reads_nor_fills_the_readers_parts(client, review):
    page(client, review)
    draft = ReviewFactory(film=review.film, headline="Not out yet")
    preview = client.get(preview_url(review=draft))
    assert preview.status_code == 200 and b"Not out yet" in preview.content
    assert "Not out yet" not in page(client, review)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_review_not_yet_visible_is_never_cached_as_visible(client, clock):
    scheduled = ReviewFactory(
        state=Review.State.PUBLISHED,
        publish_at=NOON + datetime.timedelta(minutes=5),
        headline="Five past",
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    clock.move_to(scheduled.publish_at)
    assert "Five past" in page(client, scheduled)
