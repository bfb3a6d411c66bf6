import datetime
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from magazine import freshness
from magazine.sitemaps import PersonSitemap
from reviews import tallies
from reviews.models import Credit, Review
from tests.factories import CreditFactory, PersonFactory, ReviewFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_index(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        item.findtext(f"{NS}loc"): item.findtext(f"{NS}lastmod")
        for item in root.iter(f"{NS}sitemap")
    }


def sitemap_entries(client) -> dict[str, str | None]:
    """Every address the sitemap index leads to, with its lastmod."""
    entries = {}
    for section in sitemap_index(client):
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        entries |= {
            url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")
        }
    return entries


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_sitemap_lists_published_pages_with_lastmod(client):
    review = ReviewFactory(
        published=True,
        tags=["grief"],
        publish_at=timezone.now() - datetime.timedelta(days=3),
    )
    draft = ReviewFactory(headline="Draft")
    scheduled = ReviewFactory(
        state=Review.State.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(days=1)
    )

    entries = sitemap_entries(client)

    base = "http://testserver"
    assert entries[base + review.get_absolute_url()] == "2025-03-10"
    assert entries[base + review.film.get_absolute_url()] == "2025-03-10"
    assert entries[base + review.critic.get_absolute_url()]
    # A topic's lastmod is its newest review's publish time (from the taggings' index).
    assert entries[base + "/tags/grief/"] == "2025-03-07"
    assert base + "/" in entries and base + "/films/" in entries
    assert base + draft.get_absolute_url() not in entries
    assert base + scheduled.get_absolute_url() not in entries
    assert base + draft.film.get_absolute_url() not in entries


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_the_index_names_each_section(client):
    ReviewFactory(published=True, tags=["grief"], publish_at=timezone.now() - timedelta(days=3))
    base = "http://testserver/sitemap-"
    # Each section's lastmod: the newest change of a published review (made "now" by the
    # factory, three days after its publish time), or of the section's own rows. No one is
    # credited and no film has a genre: those sections are left out (an empty one is invalid).
    now = "2025-03-10T12:00:00+00:00"
    assert sitemap_index(client) == {
        f"{base}{section}.xml": now
        for section in ("pages", "reviews", "films", "critics", "tags", "years")
    }


def test_a_section_is_split_into_pages(client, settings):
    from magazine.sitemaps import ReviewSitemap

    ReviewFactory.create_batch(3, published=True)
    ReviewSitemap.limit = 2
    try:
        index = sitemap_index(client)
        assert "http://testserver/sitemap-reviews.xml?p=2" in index
        assert client.get("/sitemap-reviews.xml?p=2").content.count(b"<url>") == 1
    finally:
        ReviewSitemap.limit = 2000


def test_sitemap_query_budget_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(30):
        ReviewFactory(published=True, tags=["grief"])
    # a count per section, the newest change of a published review (kept per generation),
    # the newest edit of critics, people and films, the next publish
    with django_assert_max_num_queries(13):
        client.get("/sitemap.xml")
    for section in ("pages", "reviews", "films", "critics", "tags", "people", "genres", "years"):
        with django_assert_max_num_queries(3):  # a count, a page of items, the next publish
            client.get(f"/sitemap-{section}.xml")


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_the_people_section_lists_exactly_the_people_on_films_readers_see_reviewed(client):
    reviewed = ReviewFactory(published=True).film
    drafted = ReviewFactory().film
    scheduled = ReviewFactory(
        state=Review.State.PUBLISHED, publish_at=timezone.now() + timedelta(days=1)
    ).film
    held = ReviewFactory(published=True).film
    held.review_embargo_until = timezone.now() + timedelta(days=2)
    held.save()
    on_reviewed = CreditFactory(film=reviewed).person
    CreditFactory(film=drafted, person=on_reviewed)  # listed once, by its reviewed film
    hidden = [CreditFactory(film=film).person for film in (drafted, scheduled, held)]

    response = client.get("/sitemap-people.xml")

    urls = [url.findtext(f"{NS}loc") for url in ET.fromstring(response.content).iter(f"{NS}url")]
    assert urls == ["http://testserver" + on_reviewed.get_absolute_url()]
    assert all(person.get_absolute_url() not in response.content.decode() for person in hidden)
    assert PersonSitemap().item_count() == 1


@pytest.mark.usefixtures("fragment_cache_only")
def test_the_kept_count_of_credited_people_follows_each_change_that_moves_one(
    django_assert_num_queries,
):
    count = tallies.credited_people_total
    reviewed = ReviewFactory(published=True)
    draft = ReviewFactory()
    first, second, third = PersonFactory.create_batch(3)  # people are saved before credits
    assert count() == 0

    credit = CreditFactory(film=reviewed.film, person=first)  # the film form's inline
    assert count() == 1
    with django_assert_num_queries(1):  # kept: the versions of its tags, no counting
        assert count() == 1
    CreditFactory(film=draft.film, person=second)  # on a film readers see no review of
    assert count() == 1

    draft.state, draft.publish_at = Review.State.PUBLISHED, timezone.now()
    draft.save()  # published: its film's people join
    assert count() == 2
    held = draft.film
    held.review_embargo_until = timezone.now() + timedelta(days=1)
    held.save()  # an embargo moved later: they leave until it lifts
    assert count() == 1

    CreditFactory(film=ReviewFactory(published=True).film, person=third)
    assert count() == 2
    credit.person = third
    credit.save()  # the first person's only credit moved to someone already counted
    assert count() == 1
    credit.delete()
    assert count() == 1
    Credit.objects.filter(person=third).delete()  # a bulk delete (each row's signal runs)
    assert count() == 0

    CreditFactory(film=reviewed.film, person=first)
    assert count() == 1
    Review.objects.filter(film=reviewed.film).update(state=Review.State.UNPUBLISHED)
    freshness.invalidate_everything()  # a bulk write's one call
    assert count() == 0
