"""The reader page cache: anonymous readers get cached pages, never stale ones."""

import datetime

import pytest
import time_machine

from magazine import freshness
from magazine.pagecache import CACHE_HEADER, page_timeout
from reviews.models import Credit, Review
from tests.factories import CreditFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 3, 5, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def review():
    review = ReviewFactory(published=True, headline="A quiet triumph")
    CreditFactory(film=review.film, role=Credit.Role.DIRECTOR, person__name="Andrew Haigh")
    return review


def test_second_anonymous_request_is_served_from_the_cache_with_one_query(
    client, review, django_assert_num_queries
):
    first = client.get(review.get_absolute_url())
    assert first[CACHE_HEADER] == "miss"
    with django_assert_num_queries(1):  # the versions of the page's tags
        second = client.get(review.get_absolute_url())
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_hit_is_one_cache_round_trip(client, review, monkeypatch):
    from django.core.cache import caches

    client.get(review.get_absolute_url())
    backend, calls, depth = caches["default"], [], [0]

    def counted(name, method):
        def call(*args, **kwargs):
            if not depth[0]:  # a backend's get_many may call its own get: one trip
                calls.append(name)
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "set", "set_many", "add", "delete", "has_key", "incr"):
        monkeypatch.setattr(backend, name, counted(name, getattr(backend, name)))
    assert client.get(review.get_absolute_url())[CACHE_HEADER] == "hit"
    assert calls == ["get_many"]


def test_logged_in_staff_neither_read_nor_fill_the_cache(client, admin_client, review):
    url = review.get_absolute_url()
    staff_first = admin_client.get(url)
    assert CACHE_HEADER not in staff_first
    assert "private" in staff_first["Cache-Control"]
    assert client.get(url)[CACHE_HEADER] == "miss"  # staff did not fill it
    assert client.get(url)[CACHE_HEADER] == "hit"
    assert CACHE_HEADER not in admin_client.get(url)  # nor read it


def test_publishing_a_review_shows_it_on_the_cached_home_page_at_once(client, review):
    assert b"A quiet triumph" in client.get("/").content
    ReviewFactory(published=True, headline="Fresh off the press")
    assert b"Fresh off the press" in client.get("/").content


def test_unpublishing_a_review_removes_its_cached_page_and_listing(client, review):
    assert client.get(review.get_absolute_url()).status_code == 200
    assert b"A quiet triumph" in client.get("/").content
    review.state = Review.State.UNPUBLISHED
    review.save()
    assert client.get(review.get_absolute_url()).status_code == 404
    assert b"A quiet triumph" not in client.get("/").content


def test_editing_a_published_review_is_visible_at_once(client, review):
    client.get(review.get_absolute_url())
    review.headline = "A quieter triumph"
    review.save()
    assert b"A quieter triumph" in client.get(review.get_absolute_url()).content


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: setattr(r.film, "title", "Renamed Film") or r.film.save(), b"Renamed Film"),
        (
            lambda r: setattr(r.critic, "byline", "New Byline") or r.critic.save(),
            b"New Byline",
        ),
        (
            lambda r: [
                setattr(c.person, "name", "Renamed Director") or c.person.save()
                for c in r.film.credits.all()
            ],
            b"Renamed Director",
        ),
    ],
    ids=["film", "critic", "person"],
)
def test_editing_the_film_critic_or_people_refreshes_the_review_page(
    client, review, change, expected
):
    assert expected not in client.get(review.get_absolute_url()).content
    change(review)
    assert expected in client.get(review.get_absolute_url()).content


def test_a_scheduled_review_appears_at_its_publish_time(client, review):
    with time_machine.travel(NOON, tick=False):
        scheduled = ReviewFactory(
            state=Review.State.PUBLISHED,
            publish_at=NOON + datetime.timedelta(minutes=5),  # sooner than the cache time
            headline="Coming at five past",
        )
        assert b"Coming at five past" not in client.get("/").content
        assert client.get("/")[CACHE_HEADER] == "hit"
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(seconds=1), tick=False):
        assert b"Coming at five past" in client.get("/").content


def test_page_timeout_is_capped_by_the_next_scheduled_publish_and_by_midnight(settings):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 600
    with time_machine.travel(NOON, tick=False):
        assert page_timeout() == 600
        ReviewFactory(state=Review.State.PUBLISHED, publish_at=NOON + datetime.timedelta(90))
        ReviewFactory(
            state=Review.State.PUBLISHED, publish_at=NOON + datetime.timedelta(seconds=90)
        )
        assert page_timeout() == 90
    before_midnight = datetime.datetime(2024, 3, 5, 23, 59, 30, tzinfo=datetime.UTC)
    with time_machine.travel(before_midnight, tick=False):
        assert page_timeout() == 30


def test_conditional_request_with_the_etag_gets_a_304(client, review):
    first = client.get(review.get_absolute_url())
    assert first["ETag"]
    assert "public" in first["Cache-Control"]
    again = client.get(review.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_page_no_longer_matches_the_old_etag(client, review):
    etag = client.get(review.get_absolute_url())["ETag"]
    review.headline = "Changed"
    review.save()
    again = client.get(review.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 200


def test_pages_that_are_not_found_are_never_cached(client):
    assert CACHE_HEADER not in client.get("/reviews/nothing-here/")


def test_an_invalidation_commits_with_the_write_or_not_at_all(client, review):
    from django.db import transaction

    url = review.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE_HEADER] == "hit"
    with pytest.raises(RuntimeError), transaction.atomic():
        review.headline = "Rolled back"
        review.save()
        raise RuntimeError
    assert client.get(url)[CACHE_HEADER] == "hit"  # nothing changed, nothing invalidated
    review.refresh_from_db()
    review.headline = "Committed"
    review.save()
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss" and b"Committed" in response.content


def test_a_draft_saved_invalidates_nothing_public(client, review):
    draft = ReviewFactory(film=review.film, critic=review.critic, headline="Draft")
    pages = ["/", review.get_absolute_url(), review.film.get_absolute_url(), "/tags/"]
    for url in pages:
        client.get(url)
    clock = freshness.read_clock()
    draft.body = "More words."
    draft.save()
    draft.tags.add("grief")
    assert freshness.read_clock() == clock
    for url in pages:
        assert client.get(url)[CACHE_HEADER] == "hit", url


def test_a_published_edit_leaves_other_review_and_film_pages_cached(client, review):
    other = ReviewFactory(published=True, headline="Another film's review")
    for url in ["/", other.get_absolute_url(), other.film.get_absolute_url()]:
        client.get(url)
    review.headline = "Edited"
    review.save()
    assert client.get(other.get_absolute_url())[CACHE_HEADER] == "hit"
    assert client.get(other.film.get_absolute_url())[CACHE_HEADER] == "hit"
    assert b"Edited" in client.get("/").content  # the home page lists it: stale at once


def test_a_published_edit_leaves_the_critics_other_review_pages_cached(client, review):
    # Their critic card shows the critic, not the critic's reviews: a critic's hundreds of
    # review pages must not go cold each time one of their reviews is edited.
    sibling = ReviewFactory(published=True, critic=review.critic, headline="Same critic")
    client.get(sibling.get_absolute_url())
    client.get(review.critic.get_absolute_url())
    review.headline = "Edited headline"
    review.save()
    assert client.get(sibling.get_absolute_url())[CACHE_HEADER] == "hit"
    critic_page = client.get(review.critic.get_absolute_url())  # lists the review: stale at once
    assert critic_page[CACHE_HEADER] == "miss" and b"Edited headline" in critic_page.content
    review.critic.bio = "Writes about endings."
    review.critic.save()
    sibling_page = client.get(sibling.get_absolute_url())  # the critic card changed
    assert sibling_page[CACHE_HEADER] == "miss" and b"Writes about endings." in sibling_page.content


def test_a_tag_removed_or_a_genre_added_outside_a_transaction_shows_at_once(client, review):
    from tests.factories import GenreFactory

    review.tags.add("grief")
    review.film.genres.add(GenreFactory(name="Drama", slug="drama"))
    assert b"A quiet triumph" in client.get("/tags/grief/").content
    assert client.get("/tags/grief/")[CACHE_HEADER] == "hit"
    review.tags.remove("grief")
    assert client.get("/tags/grief/").status_code == 404
    comedy = GenreFactory(name="Comedy", slug="comedy")
    client.get(review.film.get_absolute_url())
    review.film.genres.add(comedy)
    assert b"Comedy" in client.get(review.film.get_absolute_url()).content


def test_a_cached_page_is_not_served_for_another_query_string(client, review):
    client.get("/")
    assert client.get("/?page=1")[CACHE_HEADER] == "miss"


def test_page_cache_can_be_turned_off(client, review, settings):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    client.get("/")
    response = client.get("/")
    assert CACHE_HEADER not in response
    assert response["ETag"]


def test_editing_a_library_image_refreshes_the_pages_that_show_it(client, review):
    from tests.factories import LibraryImageFactory

    review.lead_image = LibraryImageFactory(alt_text="Two men on a night bus")
    review.save()
    assert b"Two men on a night bus" in client.get(review.get_absolute_url()).content

    image = review.lead_image
    image.alt_text = "Adam and Harry on the last bus home"
    image.save()
    assert b"Adam and Harry on the last bus home" in client.get(review.get_absolute_url()).content
