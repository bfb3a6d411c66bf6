"""The sitemaps: published reviews, reviewed films, critics, tags, the people credited on
reviewed films, genres and years in use, and the index pages: every page a reader can reach
that search engines should index (tests/validators/test_sitemaps.py crawls the site to check).

sitemap.xml is an index naming one sitemap per section (sitemap-reviews.xml, ...), each split
into pages of at most PAGE_SIZE addresses, so no request lists the whole catalogue: one flat
sitemap of 100,000 reviews was megabytes long and took seconds. Each section's newest lastmod
for the index comes from one aggregate query, not from walking every item.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from people.models import Critic, Person
from reviews import tallies
from reviews.cache_tags import COUNTS, FILMS, PEOPLE
from reviews.models import Film, Genre, Review
from reviews.selectors import (
    credited_people,
    film_years,
    genres_in_use,
    next_goes_live_at,
    tags_in_use,
)
from reviews.tallies import visible_critic_total, visible_film_total, visible_review_total

from . import freshness

PAGE_SIZE = 2000


def _latest(*moments):
    found = [moment for moment in moments if moment is not None]
    return max(found) if found else None


def latest_review_change():
    """When a published review last appeared or changed: what every section's pages show.

    One aggregate over the published reviews, kept (`magazine.freshness`, tagged
    `reviews:list`) until the next review goes live, so the index's sections share it."""
    now = timezone.now()

    def compute():
        # goes_live_at: a review held by its film's embargo appears at the lift, not before.
        found = (
            Review.objects.published(now)
            .with_goes_live_at()
            .aggregate(published=Max("goes_live_at"), edited=Max("updated_at"))
        )
        return _latest(found["published"], found["edited"]), next_goes_live_at(now)

    return freshness.cached(
        "sitemap:latest-review-change", compute, tags=("reviews:list",), now=now
    )


class Section(Sitemap):
    """A sitemap section whose paginator (and so its count) is worked out once per request:
    the index asks whether it is empty and how many pages it has."""

    @cached_property
    def paginator(self) -> Paginator:
        return Paginator(self._items(), self.limit)


def index(request, sitemaps: dict, **kwargs):
    """Django's sitemap index without the empty sections: a urlset with no url is invalid."""
    sections = {}
    for name, section in sitemaps.items():
        site = section() if callable(section) else section
        if site.paginator.count:
            sections[name] = site
    return sitemap_views.index(request, sections, **kwargs)


class _ItemsWhenSliced:
    def __init__(self, section: Sitemap):
        self.section = section

    def __getitem__(self, window: slice):
        return self.section._items()[window]


class LargeSectionSitemap(Section):
    """A section that may hold the whole catalogue, paged.

    The index lists each section's pages, so it needs each section's size: `item_count()`
    counts it with `reviews.tallies` (an indexed count, cheaper than counting the section's
    annotated items). The index's lastmod is the newest change of a published review, plus
    the section's own rows'.
    """

    limit = PAGE_SIZE

    def item_count(self) -> int:
        raise NotImplementedError

    @cached_property
    def paginator(self) -> Paginator:
        # The items' queryset is built only when a page of them is served: the index needs
        # the count alone, and building the six sections' querysets was a third of its time.
        paginator = Paginator(_ItemsWhenSliced(self), self.limit)
        paginator.count = self.item_count()  # instead of counting the items
        return paginator

    def get_latest_lastmod(self):
        return latest_review_change()


class ReviewSitemap(LargeSectionSitemap):
    changefreq = "monthly"
    priority = 0.8

    def item_count(self) -> int:
        return visible_review_total()

    def items(self):
        return Review.objects.published().only("slug", "publish_at", "updated_at").latest_first()

    def lastmod(self, item: Review):
        return max(item.updated_at, item.publish_at)


class FilmSitemap(LargeSectionSitemap):
    changefreq = "weekly"
    priority = 0.6

    def item_count(self) -> int:
        return visible_film_total()

    def items(self):
        # Per-film subqueries on the (film, state, publish_at) index: a join and GROUP BY
        # over every review took a second at 100,000 reviews.
        published = Review.objects.published().filter(film=OuterRef("pk")).order_by()
        newest = published.order_by("-publish_at").values("publish_at")[:1]
        edited = published.order_by("-updated_at").values("updated_at")[:1]
        return (
            Film.objects.with_published_reviews()
            .annotate(last_review=Subquery(newest), last_edit=Subquery(edited))
            .order_by("title", "year", "pk")
        )

    def lastmod(self, item: Film):
        return max(item.updated_at, item.last_review, item.last_edit)


class CriticSitemap(LargeSectionSitemap):
    changefreq = "weekly"
    priority = 0.5

    def item_count(self) -> int:
        return visible_critic_total()

    def items(self):
        published = Review.objects.published().filter(critic=OuterRef("pk"))
        newest = published.order_by("-publish_at").values("publish_at")[:1]
        # Critics with a published review, active or not (their pages stay up).
        with_reviews = sorted(tallies.reviews_by_critic())
        return (
            Critic.objects.filter(pk__in=with_reviews)
            .annotate(last_review=Subquery(newest))
            .order_by("byline", "pk")
        )

    def lastmod(self, item: Critic):
        return max(item.updated_at, item.last_review)

    def get_latest_lastmod(self):
        edited = Critic.objects.aggregate(edited=Max("updated_at"))["edited"]
        return _latest(latest_review_change(), edited)


class TagSitemap(LargeSectionSitemap):
    """Topic pages; each one's lastmod is its newest review's publish time, read from the
    (tag, publish time) index of the taggings, as the topic page reads its reviews."""

    changefreq = "weekly"
    priority = 0.4

    def item_count(self) -> int:
        return tags_in_use().count()

    def items(self):
        return tags_in_use().annotate(last_review=tallies.newest_review_time())

    def location(self, item: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Tag):
        return item.last_review


class PersonSitemap(LargeSectionSitemap):
    """People credited on a reviewed film: the film pages link to them."""

    changefreq = "monthly"
    priority = 0.3

    def item_count(self) -> int:
        return tallies.credited_people_total()

    def items(self):
        newest_film = (
            Film.objects.filter(credits__person=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            credited_people()
            .only("slug", "updated_at")
            .annotate(film_edited=Subquery(newest_film))
            # By id, the table's own order: a page stops after its 2,000 people instead of
            # checking and sorting all of them by name (1.9-7.7 s a page at 100,000 reviews).
            .order_by("pk")
        )

    def lastmod(self, item: Person):
        return _latest(item.updated_at, item.film_edited)

    def get_latest_lastmod(self):
        """The newest edit of a person or of a film readers see reviewed: two aggregates over
        every person and film (25 ms at 100,000 reviews), kept until a person, a credit, a
        film or what readers see changes, or the next review goes live."""
        now = timezone.now()

        def compute():
            return _latest(
                Person.objects.aggregate(edited=Max("updated_at"))["edited"],
                Film.objects.with_published_reviews(now).aggregate(edited=Max("updated_at"))[
                    "edited"
                ],
            ), next_goes_live_at(now)

        return freshness.cached(
            "sitemap:people-lastmod", compute, tags=(PEOPLE, FILMS, COUNTS), now=now
        )


class GenreSitemap(Section):
    """Genres with a reviewed film; lastmod: the newest published review in the genre."""

    changefreq = "weekly"
    priority = 0.4

    def items(self) -> list[Genre]:
        return genres_in_use()

    @cached_property
    def latest(self) -> dict[int, object]:
        """Read for the section's own page only, not for the index."""
        return dict(
            Review.objects.published()
            .with_goes_live_at()
            .values_list("film__genres")
            .annotate(latest=Max("goes_live_at"))
            .order_by()
        )

    def location(self, item: Genre) -> str:
        return reverse("genre_detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Genre):
        return self.latest.get(item.pk)

    def get_latest_lastmod(self):
        return latest_review_change()


class YearSitemap(Section):
    """Years with a reviewed film; lastmod: the newest published review of a film of the year."""

    changefreq = "weekly"
    priority = 0.3

    def items(self) -> list[int]:
        return [row["year"] for row in film_years()]

    @cached_property
    def latest(self) -> dict[int, object]:
        return dict(
            Review.objects.published()
            .with_goes_live_at()
            .values_list("film__year")
            .annotate(latest=Max("goes_live_at"))
            .order_by()
        )

    def location(self, item: int) -> str:
        return reverse("film_year", kwargs={"year": item})

    def lastmod(self, item: int):
        return self.latest.get(item)

    def get_latest_lastmod(self):
        return latest_review_change()


class IndexPageSitemap(Section):
    changefreq = "daily"
    priority = 0.7

    def items(self) -> list[str]:
        return ["home", "film_index", "critic_index", "tag_index"]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def latest_change(self):
        return latest_review_change()

    def lastmod(self, item: str):
        return self.latest_change

    def get_latest_lastmod(self):
        return self.latest_change


SITEMAPS = {
    "pages": IndexPageSitemap,
    "reviews": ReviewSitemap,
    "films": FilmSitemap,
    "critics": CriticSitemap,
    "tags": TagSitemap,
    "people": PersonSitemap,
    "genres": GenreSitemap,
    "years": YearSitemap,
}
