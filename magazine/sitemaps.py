"""The sitemaps: published reviews, reviewed films, critics, tags and the index pages.

sitemap.xml is an index naming one sitemap per section (sitemap-reviews.xml, ...), each split
into pages of at most PAGE_SIZE addresses, so no request lists the whole catalogue: one flat
sitemap of 100,000 reviews was megabytes long and took seconds. Each section's newest lastmod
for the index comes from one aggregate query, not from walking every item.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import cached_property
from taggit.models import Tag

from people.models import Critic
from reviews.models import Film, Review
from reviews.selectors import critics_with_review_counts, tags_in_use
from reviews.tallies import visible_critic_total, visible_film_total, visible_review_total

PAGE_SIZE = 2000


def _latest(*moments):
    found = [moment for moment in moments if moment is not None]
    return max(found) if found else None


class LargeSectionSitemap(Sitemap):
    """A section that may hold the whole catalogue: paged, counted from stored tallies, and
    without a lastmod in the index.

    The index lists each section's pages, so it needs each section's size: Django counts the
    items (a `count(*)` over every published review or reviewed film, 0.3 s at 100,000
    reviews on SQLite); `item_count()` reads it from `reviews.tallies` instead, exactly. The
    index's lastmod is optional; for these sections it would be the newest edit over every
    published review, a full scan. Every address inside the section keeps its own lastmod.
    """

    limit = PAGE_SIZE

    def item_count(self) -> int:
        raise NotImplementedError

    @property
    def paginator(self) -> Paginator:
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self.item_count()  # instead of counting the items
        return paginator

    def get_latest_lastmod(self):
        return None


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
        # The film's stored tally, and per-film subqueries on the (film, state, publish_at)
        # index: a join and GROUP BY over every review took a second at 100,000 reviews.
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
        return (
            critics_with_review_counts(active_only=False)
            .filter(review_count__gt=0)
            .annotate(last_review=Subquery(newest))
            .order_by("byline", "pk")
        )

    def lastmod(self, item: Critic):
        return max(item.updated_at, item.last_review)


class TagSitemap(LargeSectionSitemap):
    """Topic pages. No lastmod: a tag's newest review is a scan of all the tag's reviews, for
    every tag (lastmod is optional; the review addresses carry theirs)."""

    changefreq = "weekly"
    priority = 0.4

    def item_count(self) -> int:
        return tags_in_use().count()  # one row per tag, from the stored tallies

    def items(self):
        return tags_in_use()

    def location(self, item: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": item.slug})


class IndexPageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self) -> list[str]:
        return ["home", "film_index", "critic_index", "tag_index"]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def latest_publication(self):
        latest = Review.objects.published().latest_first().only("publish_at").first()
        return latest.publish_at if latest else None

    def lastmod(self, item: str):
        return self.latest_publication

    def get_latest_lastmod(self):
        return self.latest_publication


SITEMAPS = {
    "pages": IndexPageSitemap,
    "reviews": ReviewSitemap,
    "films": FilmSitemap,
    "critics": CriticSitemap,
    "tags": TagSitemap,
}
