"""The film's review embargo is part of the one visibility rule (`Review.objects.published()`).

A review scheduled for 30 Nov 09:00 whose film's embargo is then set to 1 Dec 09:00
America/Los_Angeles is held: not public at 09:01 on 30 Nov on any page, feed, sitemap, search
or count, public from the embargo's lift with no write, and cached pages expire at the lift.
The same holds when the embargo is moved by a bulk `QuerySet.update()`, and at 08:59:59 /
09:00:00 local time on the days the clocks change.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.cache import caches

from magazine.pagecache import CACHE_HEADER
from magazine.zones import moment_from_clock
from reviews import services
from reviews.models import Film, Review
from tests.factories import CriticFactory, FilmFactory, GenreFactory, ReviewFactory
from tests.magazine.test_reader_security import HIDDEN_MARKERS, LISTINGS
from tests.reviews.test_tallies import counted_the_slow_way, readers_see

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
SCHEDULED_ON = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=LA)
PUBLISH_AT = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=LA)
EMBARGO = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LA)
AFTER_PUBLISH_TIME = datetime.datetime(2026, 11, 30, 9, 1, tzinfo=LA)
JUST_BEFORE_LIFT = EMBARGO - datetime.timedelta(seconds=1)


def _world(editor) -> tuple[Review, Review]:
    """A published review (the control) and a review of another film, by another critic,
    scheduled for 30 Nov 09:00 LA, carrying the control's tag and one of its own; then its
    film's embargo is set to 1 Dec 09:00 LA."""
    visible = ReviewFactory(
        headline="Visible review", slug="visible", published=True, tags=["visible-tag"]
    )
    visible.film.genres.add(GenreFactory(name="Visible genre", slug="visible-genre"))
    film = FilmFactory(title="Zephyrine film", slug="zephyrine-film", year=1999)
    film.genres.add(GenreFactory(name="Zephyrine genre", slug="zephyrine-genre"))
    held = ReviewFactory(
        film=film,
        critic=CriticFactory(byline="Zephyrine critic", slug="zephyrine-critic"),
        headline="Zephyrine hidden headline",
        slug="zephyrine-hidden",
        standfirst="Zephyrine hidden standfirst.",
        body="Zephyrine hidden body.",
        tags=["zephyrine-tag", "visible-tag"],
        state=Review.State.APPROVED,
    )
    services.review_schedule(review=held, user=editor, publish_at=PUBLISH_AT)
    film.review_embargo_until = EMBARGO
    film.review_embargo_timezone = "America/Los_Angeles"
    film.save()
    return visible, held


@pytest.fixture
def world(editor):
    with time_machine.travel(SCHEDULED_ON, tick=False):
        return _world(editor)


def test_the_rule_holds_the_review_until_the_embargo_lifts(world):
    _, held = world
    with time_machine.travel(AFTER_PUBLISH_TIME, tick=False):
        held.refresh_from_db()
        assert not Review.objects.published().filter(pk=held.pk).exists()
        assert not held.is_published
        assert Review.objects.scheduled().filter(pk=held.pk).exists()
        assert held.is_scheduled and held.status_label == "Scheduled"
        assert held.goes_live_at == EMBARGO
        # The next moment a cached page must expire is the lift, not the past publish time.
        assert Review.objects.next_publish_at() == EMBARGO
    with time_machine.travel(JUST_BEFORE_LIFT, tick=False):
        assert not Review.objects.published().filter(pk=held.pk).exists()
    with time_machine.travel(EMBARGO, tick=False):
        held.refresh_from_db()
        assert Review.objects.published().filter(pk=held.pk).exists()
        assert held.is_published and not held.is_scheduled
        assert not Review.objects.scheduled().filter(pk=held.pk).exists()


def _assert_nowhere(client, visible: Review, held: Review) -> None:
    urls = [
        *LISTINGS,
        visible.get_absolute_url(),
        visible.film.get_absolute_url(),
        f"{visible.film.get_absolute_url()}feed/",
        visible.critic.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode().lower()
        leaks = [marker for marker in HIDDEN_MARKERS if marker in text]
        assert not leaks, (url, leaks)
    for url in [
        held.get_absolute_url(),
        "/tags/zephyrine-tag/",
        "/tags/zephyrine-tag/feed/",
        "/films/year/1999/",
        f"{held.critic.get_absolute_url()}feed/",
    ]:
        assert client.get(url).status_code in (404, 200), url
        assert "zephyrine hidden" not in client.get(url).content.decode().lower(), url
    assert client.get(held.get_absolute_url()).status_code == 404
    assert client.get("/tags/zephyrine-tag/").status_code == 404
    for url in ["/films/", "/sitemap-films.xml", "/genres/zephyrine-genre/"]:
        assert "zephyrine-film" not in client.get(url).content.decode(), url


def test_a_held_review_is_on_no_public_page_feed_or_count(client, world):
    visible, held = world
    with time_machine.travel(AFTER_PUBLISH_TIME, tick=False):
        _assert_nowhere(client, visible, held)
        seen = readers_see()
        assert seen == counted_the_slow_way()
        assert seen["tags"] == {"visible-tag": 1}
        assert seen["sitemap"]["reviews"] == 1
        assert "Zephyrine critic" not in {name for name, n in seen["critics"].items() if n > 0}
        assert "Zephyrine film" not in seen["films"]


def test_at_the_lift_it_shows_everywhere_with_no_write(client, world):
    visible, held = world
    with time_machine.travel(JUST_BEFORE_LIFT, tick=False):
        _assert_nowhere(client, visible, held)  # fills the page cache
    with time_machine.travel(EMBARGO, tick=False):
        seen = readers_see()
        assert seen == counted_the_slow_way()
        assert seen["tags"] == {"visible-tag": 2, "zephyrine-tag": 1}
        assert client.get(held.get_absolute_url()).status_code == 200
        for url in ["/", "/feed/", "/tags/visible-tag/", "/sitemap-reviews.xml", "/films/"]:
            text = client.get(url).content.decode().lower()
            assert "zephyrine" in text, url
        assert client.get("/tags/zephyrine-tag/").status_code == 200


def test_a_cached_page_expires_at_the_lift(client, world):
    with time_machine.travel(JUST_BEFORE_LIFT, tick=False):
        assert client.get("/")[CACHE_HEADER] == "miss"
        cached = client.get("/")
        assert cached[CACHE_HEADER] == "hit"
        assert "Zephyrine hidden" not in cached.text
    with time_machine.travel(EMBARGO, tick=False):
        assert "Zephyrine hidden" in client.get("/").text


def test_the_review_page_parts_never_outlive_an_embargo_moved_later(
    client, editor, fragment_cache_only
):
    review = ReviewFactory(headline="Public until the embargo", published=True)
    assert client.get(review.get_absolute_url()).status_code == 200  # parts cached
    film = review.film
    film.review_embargo_until = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    film.save()
    assert client.get(review.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("cached", ["page cache", "parts cache"])
def test_an_embargo_moved_by_a_bulk_update_also_holds(client, settings, cached):
    if cached == "parts cache":
        settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    review = ReviewFactory(
        headline="Zephyrine hidden headline", published=True, tags=["visible-tag"]
    )
    visible = ReviewFactory(headline="Visible review", published=True, tags=["visible-tag"])
    drama = GenreFactory(name="Drama")
    for film in (review.film, visible.film):  # the slow count expects a genre per film
        film.genres.add(drama)
    urls = ["/", review.get_absolute_url(), review.film.get_absolute_url(), "/tags/visible-tag/"]
    for url in urls:
        assert "Zephyrine hidden" in client.get(url).text, url
    lift = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)

    Film.objects.filter(pk=review.film_id).update(review_embargo_until=lift)

    assert not Review.objects.published().filter(pk=review.pk).exists()
    assert client.get(review.get_absolute_url()).status_code == 404
    for url in ["/", review.film.get_absolute_url(), "/tags/visible-tag/", "/feed/"]:
        assert "Zephyrine hidden" not in client.get(url).text, url
    assert readers_see() == counted_the_slow_way()
    assert readers_see()["tags"] == {"visible-tag": 1}
    with time_machine.travel(lift, tick=False):
        assert "Zephyrine hidden" in client.get("/tags/visible-tag/").text
        assert readers_see() == counted_the_slow_way()


# The clocks change: 8 Mar 2026 (forward, PST -> PDT) and 1 Nov 2026 (back, PDT -> PST).
# Each embargo lifts at 09:00 local time on that day; the review was scheduled a week before,
# on the other side of the change, for a time before the lift.
DST_DAYS = {
    "spring forward": datetime.datetime(2026, 3, 8, 9, 0),
    "fall back": datetime.datetime(2026, 11, 1, 9, 0),
}


@pytest.mark.parametrize("day", DST_DAYS)
def test_the_lift_at_local_nine_across_a_clock_change(client, editor, day):
    clock = DST_DAYS[day]
    lift = moment_from_clock(clock, "America/Los_Angeles")
    week_before = clock.replace(tzinfo=LA) - datetime.timedelta(days=7)
    with time_machine.travel(week_before, tick=False):
        review = ReviewFactory(headline="Held across the change", state=Review.State.APPROVED)
        services.review_schedule(
            review=review, user=editor, publish_at=week_before + datetime.timedelta(days=6)
        )
        film = review.film
        film.review_embargo_until = lift
        film.review_embargo_timezone = "America/Los_Angeles"
        film.save()
    local_nine = clock.replace(tzinfo=LA)
    assert lift == local_nine  # 09:00 on the wall clock of that day, whatever its offset
    # An hour's mistake either way (the offset of the week before) would show here.
    wrong_offset = week_before.utcoffset() - local_nine.utcoffset()
    assert wrong_offset != datetime.timedelta(0)
    for moment, visible in [
        (local_nine - datetime.timedelta(seconds=1), False),
        (local_nine, True),
        (local_nine - abs(wrong_offset), False),
    ]:
        with time_machine.travel(moment, tick=False):
            caches["default"].clear()
            assert Review.objects.published().filter(pk=review.pk).exists() is visible, moment
            review.refresh_from_db()
            assert review.is_published is visible, moment
            assert ("Held across the change" in client.get("/").text) is visible, moment
    with time_machine.travel(local_nine - datetime.timedelta(seconds=1), tick=False):
        assert Review.objects.next_publish_at() == lift
