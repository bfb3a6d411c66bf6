"""The counts behind the film, critic and topic indexes and the sitemap index, and the one
stored copy they read (the taggings' goes-live times).

The counts are queries over `Review.objects.published()`: each test compares what the index
pages' selectors show with a count straight from `published()` at that moment, scheduled and
embargoed reviews included, and the taggings' stored times with a recount after real writes
(admin-style saves, services, tag changes, deletes, bulk loads).
"""

from __future__ import annotations

import datetime
import json
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from taggit.models import Tag

from magazine.sitemaps import CriticSitemap, FilmSitemap, ReviewSitemap, TagSitemap
from reviews import selectors, services, tallies
from reviews.models import Film, Review, TaggedReview
from tests.factories import CriticFactory, FilmFactory, GenreFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)
PUBLISH_AT = datetime.datetime(2023, 12, 20, 9, 0, tzinfo=datetime.UTC)
JUST_BEFORE = PUBLISH_AT - datetime.timedelta(seconds=1)


def tag_times() -> dict:
    """The taggings' stored goes-live times."""
    return dict(TaggedReview.objects.values_list("pk", "review_published_at"))


def tag_times_recounted() -> dict:
    """The same worked out from each tagging's review: its goes-live time while published."""
    return {
        tagging.pk: tagging.content_object.goes_live_at
        for tagging in TaggedReview.objects.select_related("content_object__film")
    }


def test_every_kind_of_write_keeps_the_tag_times_and_the_counts_right(editor):
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    film, other_film = FilmFactory(title="All of Us Strangers"), FilmFactory(title="45 Years")
    film.genres.add(drama)
    critic, other_critic = CriticFactory(), CriticFactory()
    checks = []

    def check(step: str) -> None:
        checks.append(step)
        assert tag_times() == tag_times_recounted(), step
        assert readers_see() == counted_the_slow_way(), step

    review = ReviewFactory(film=film, critic=critic, published=True, tags=["grief", "ghosts"])
    check("published on creation, tags added after")
    draft = ReviewFactory(film=film, critic=other_critic, tags=["grief"])
    check("a draft counts nowhere")
    services.review_submit(review=draft, user=editor)
    services.review_approve(review=draft, user=editor)
    services.review_publish(review=draft, user=editor)
    check("published through the workflow")
    services.review_unpublish(review=draft, user=editor)
    check("unpublished")
    review.film = other_film
    review.save()
    check("moved to another film: the first film keeps none, the second is reviewed")
    review.critic = other_critic
    review.save()
    check("moved to another critic")
    review.tags.remove("ghosts")
    review.tags.add("loneliness")
    check("tags removed and added")
    Tag.objects.get(name="loneliness").delete()
    check("a tag deleted")
    review.publish_at = review.publish_at - datetime.timedelta(days=2)
    review.save()
    check("its publish time moved")
    other_film.genres.add(comedy)
    drama.films.add(other_film)
    check("genres added from either side")
    other_film.title = "Weekend"
    other_film.year = 2011
    other_film.save()
    check("a reviewed film renamed and re-dated")
    other_film.review_embargo_until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(1)
    other_film.save()
    check("an embargo holds the film's reviews back")
    Film.objects.filter(pk=other_film.pk).update(review_embargo_until=None)
    check("the embargo lifted in bulk")
    other_film.genres.clear()
    check("genres cleared")
    Review.objects.filter(pk=review.pk).delete()
    check("deleted with a queryset delete")
    seen = readers_see()
    assert seen["tags"] == {} and seen["films"] == {} and seen["sitemap"]["reviews"] == 0
    assert set(tag_times().values()) == {None}  # only the draft's tagging is left
    assert len(checks) == 15


@pytest.fixture
def catalogue(editor):
    """Two critics, two films, two tags, and one review scheduled for 09:00 tomorrow of a
    film nobody has reviewed yet, by a critic with no published review, with a new tag."""
    with time_machine.travel(NOW, tick=False):
        horror, drama = GenreFactory(name="Horror"), GenreFactory(name="Drama")
        known = FilmFactory(title="Strangers", year=2023)
        known.genres.add(drama)
        new = FilmFactory(title="Zombies", year=1999)
        new.genres.add(horror)
        veteran, newcomer = CriticFactory(byline="Veteran"), CriticFactory(byline="Newcomer")
        ReviewFactory(film=known, critic=veteran, published=True, tags=["grief"])
        ReviewFactory(film=known, critic=veteran, published=True, tags=["grief", "ghosts"])
        scheduled = ReviewFactory(
            film=new, critic=newcomer, state=Review.State.APPROVED, tags=["undead", "grief"]
        )
        services.review_schedule(review=scheduled, user=editor, publish_at=PUBLISH_AT)
    return scheduled


def readers_see() -> dict:
    """What the index pages' selectors and the sitemap index show, at the current moment."""
    return {
        "critics": {c.byline: c.review_count for c in selectors.critics_with_review_counts()},
        "tags": {
            t.name: t.review_count for t in selectors.with_review_counts(selectors.tags_in_use())
        },
        "grief page": getattr(selectors.tag_with_reviews("grief"), "review_count", None),
        "undead page": getattr(selectors.tag_with_reviews("undead"), "review_count", None),
        "initials": selectors.film_initials(),
        "years": {row["year"]: row["film_count"] for row in selectors.film_years()},
        "genres": {g.name: g.film_count for g in selectors.genres_in_use()},
        "films": {f.title: f.review_count for f in Film.objects.reviewed()},
        "sitemap": {
            name: sitemap().paginator.count
            for name, sitemap in [
                ("reviews", ReviewSitemap),
                ("films", FilmSitemap),
                ("critics", CriticSitemap),
                ("tags", TagSitemap),
            ]
        },
    }


def counted_the_slow_way() -> dict:
    """The same, from `Review.objects.published()` alone."""
    published = Review.objects.published()
    films = Film.objects.filter(reviews__in=published).distinct()
    tags = Counter(
        TaggedReview.objects.filter(content_object__in=published).values_list(
            "tag__name", flat=True
        )
    )
    critics = Counter(published.values_list("critic__byline", flat=True))
    genres = Counter(name for name in films.values_list("genres__name", flat=True) if name)
    return {
        "critics": {c.byline: critics[c.byline] for c in selectors.critics_with_review_counts()},
        "tags": dict(sorted(tags.items())),
        "grief page": tags.get("grief"),
        "undead page": tags.get("undead"),
        "initials": sorted({tallies.initial_of(f.title) for f in films}),
        "years": dict(Counter(films.values_list("year", flat=True))),
        "genres": dict(sorted(genres.items())),
        "films": {f.title: published.filter(film=f).count() for f in films.order_by("title")},
        "sitemap": {
            "reviews": published.count(),
            "films": films.count(),
            "critics": len(critics),
            "tags": len(tags),
        },
    }


@pytest.mark.parametrize("moment", [NOW, JUST_BEFORE, PUBLISH_AT])
def test_readers_counts_follow_the_schedule_with_no_write(catalogue, moment):
    with time_machine.travel(moment, tick=False):
        seen = readers_see()
        assert seen == counted_the_slow_way()
    live = moment >= PUBLISH_AT
    mine = {name: n for name, n in seen["critics"].items() if name in {"Newcomer", "Veteran"}}
    assert mine == {"Newcomer": 1 if live else 0, "Veteran": 2}
    assert seen["tags"] == (
        {"ghosts": 1, "grief": 3, "undead": 1} if live else {"ghosts": 1, "grief": 2}
    )
    assert seen["undead page"] == (1 if live else None)
    assert seen["initials"] == (["S", "Z"] if live else ["S"])
    assert seen["genres"] == ({"Drama": 1, "Horror": 1} if live else {"Drama": 1})
    assert seen["sitemap"]["reviews"] == (3 if live else 2)


def test_the_cached_schedule_is_not_used_past_the_next_publish(catalogue):
    with time_machine.travel(JUST_BEFORE, tick=False):
        assert "undead" not in readers_see()["tags"]  # fills the cache under this generation
    with time_machine.travel(PUBLISH_AT, tick=False):
        assert readers_see()["tags"]["undead"] == 1


def test_the_index_pages_show_the_counts(client, catalogue):
    with time_machine.travel(JUST_BEFORE, tick=False):
        assert "2 reviews" in client.get("/tags/grief/").text
        assert client.get("/tags/undead/").status_code == 404
        films = client.get("/films/").text
        assert "Zombies" not in films and "Horror" not in films and "1999" not in films
    with time_machine.travel(PUBLISH_AT, tick=False):
        assert "3 reviews" in client.get("/tags/grief/").text
        assert client.get("/tags/undead/").status_code == 200
        films = client.get("/films/").text
        assert "Zombies" in films and "Horror" in films and "1999" in films


def test_a_load_keeps_the_tag_times_and_an_export_leaves_them_out(tmp_path):
    call_command("loaddata", "demo", verbosity=0)
    assert tag_times() == tag_times_recounted()
    assert readers_see() == counted_the_slow_way()
    assert readers_see()["critics"]
    # A fixture that gives a stored time anyway cannot set it: loads rebuild it.
    tagging = TaggedReview.objects.filter(review_published_at__isnull=False).first()
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps(
            [
                {
                    "model": "reviews.taggedreview",
                    "fields": {
                        "content_object": [tagging.content_object.slug],
                        "tag": [tagging.tag.name],
                        "review_published_at": "2001-01-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(wrong), verbosity=0)
    assert tag_times() == tag_times_recounted()

    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "reviews.taggedreview",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    rows = json.loads(dump.read_text())
    assert rows and not any("review_published_at" in row["fields"] for row in rows)


def test_the_command_rebuilds_the_tag_times():
    ReviewFactory.create_batch(3, published=True, tags=["grief"])
    ReviewFactory(tags=["draft-only"])
    expected = tag_times_recounted()
    TaggedReview.objects.update(review_published_at=None)

    call_command("refresh_tallies", verbosity=0)

    assert tag_times() == expected


def test_a_topic_page_lists_its_visible_reviews_newest_first_across_pages(client, settings):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        days = [ReviewFactory(published=True, tags=["grief"]) for _ in range(23)]
        for age, review in enumerate(days):
            review.publish_at = NOW - datetime.timedelta(days=age + 1)
            review.save()
        ReviewFactory(tags=["grief"], headline="A draft about grief")
        later = ReviewFactory(
            state=Review.State.PUBLISHED, publish_at=PUBLISH_AT, tags=["grief"], headline="Later"
        )
        first = client.get("/tags/grief/")
        second = client.get("/tags/grief/?page=2")
    assert [r.pk for r in first.context["reviews"]] == [r.pk for r in days[:20]]
    assert [r.pk for r in second.context["reviews"]] == [r.pk for r in days[20:]]
    assert "23 reviews" in first.text
    assert "A draft about grief" not in first.text + second.text
    with time_machine.travel(PUBLISH_AT, tick=False):
        newest = client.get("/tags/grief/").context["reviews"][0]
    assert newest.pk == later.pk
