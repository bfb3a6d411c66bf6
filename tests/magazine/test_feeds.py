import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from reviews.models import Review, TaggedReview
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(response) -> list[str]:
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    return [item.findtext("title") for item in root.iter("item")]


def atom_titles(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def reviews():
    published = ReviewFactory(published=True, headline="Out now", tags=["grief"])
    older = ReviewFactory(
        published=True,
        headline="Older",
        publish_at=timezone.now() - datetime.timedelta(days=5),
        film=published.film,
    )
    ReviewFactory(headline="A draft", film=published.film, critic=published.critic)
    ReviewFactory(
        headline="Tomorrow",
        state=Review.State.PUBLISHED,
        publish_at=timezone.now() + datetime.timedelta(days=1),
        critic=published.critic,
        tags=["grief"],
    )
    return published, older


def test_main_rss_feed_lists_published_reviews_newest_first(client, reviews):
    response = client.get("/feed/")

    assert rss_titles(response) == ["Out now", "Older"]
    root = ET.fromstring(response.content)
    item = next(root.iter("item"))
    assert item.findtext("link").endswith(reviews[0].get_absolute_url())
    assert item.findtext("category") == "grief"
    assert item.findtext("pubDate")


def test_main_atom_feed(client, reviews):
    response = client.get("/feed/atom/")

    assert atom_titles(response) == ["Out now", "Older"]
    entry = next(ET.fromstring(response.content).iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}author/{ATOM}name").text == reviews[0].critic.byline
    assert entry.findtext(f"{ATOM}updated")


def test_critic_film_and_tag_feeds(client, reviews):
    published, older = reviews

    assert rss_titles(client.get(f"/critics/{published.critic.slug}/feed/")) == ["Out now"]
    assert atom_titles(client.get(f"/critics/{older.critic.slug}/feed/atom/")) == ["Older"]
    assert rss_titles(client.get(f"/films/{published.film.slug}/feed/")) == ["Out now", "Older"]
    assert atom_titles(client.get(f"/films/{published.film.slug}/feed/atom/")) == [
        "Out now",
        "Older",
    ]
    assert rss_titles(client.get("/tags/grief/feed/")) == ["Out now"]
    assert atom_titles(client.get("/tags/grief/feed/atom/")) == ["Out now"]


def test_unknown_feed_object_is_a_404(client):
    assert client.get("/critics/nobody/feed/").status_code == 404
    assert client.get("/tags/nothing/feed/atom/").status_code == 404


def test_feed_query_budget_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(25):
        ReviewFactory(published=True, tags=["grief", "memory"])
    with django_assert_max_num_queries(4):  # + the invalidation clock
        client.get("/feed/")
    # The tag, its kept count, the schedule, the page's ids from the (tag, time)
    # index, those reviews, their tags, the invalidation clock.
    with django_assert_max_num_queries(6):
        client.get("/tags/grief/feed/atom/")


@pytest.mark.parametrize("path", ["/feed/", "/tags/grief/feed/atom/"])
def test_items_carry_their_tags_without_a_tag_query_built_per_item(client, monkeypatch, path):
    # django-taggit's manager builds a tag query per review to hold prefetched tags (unused,
    # 3.7 ms of a 20-item feed): the feeds read the prefetched `tag_list` instead.
    for _ in range(3):
        ReviewFactory(published=True, tags=["grief", "memory", "absence"])
    built = []
    real = TaggedReview.tags_for.__func__

    def counting(cls, *args, **kwargs):
        built.append(args)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(TaggedReview, "tags_for", classmethod(counting))

    root = ET.fromstring(client.get(path).content)

    items = list(root.iter("item")) or list(root.iter(f"{ATOM}entry"))
    # In whatever order the database returns them (taggit orders a prefetch by nothing).
    categories = [
        sorted(c.text or c.get("term") for c in item if c.tag in ("category", f"{ATOM}category"))
        for item in items
    ]
    assert categories == [["absence", "grief", "memory"]] * 3
    assert len(built) == 1  # the prefetch itself; none per item
