"""The sitemaps: published reviews, reviewed films, critics, tags and the index pages.

sitemap.xml is an index naming one sitemap per section (sitemap-reviews.xml, ...), each split
into pages of at most PAGE_SIZE addresses, so no request lists the whole catalogue: one flat
sitemap of 100,000 reviews was megabytes long and took seconds. Each section's newest lastmod
for the index comes from one aggregate query, not from walking every item.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import cached_property
from taggit.models import Tag

from people.models import Critic
from reviews.models import Film, Review
from reviews.selectors import tags_in_use

PAGE_SIZE = 2000


def _latest(*moments):
    found = [moment for moment in moments if moment is not None]
    return max(found) if found else None


class LargeSectionSitemap(Sitemap):
    """A section that may hold the whole catalogue: paged, and without a lastmod in the index.

    The index's lastmod is optional; for reviews, films and critics it would be the newest edit
    over every published review, a full scan (half a second at 100,000 reviews on SQLite).
    Every address inside the section keeps its own lastmod.
    """

    limit = PAGE_SIZE

    def get_latest_lastmod(self):
        return None


class ReviewSitemap(LargeSectionSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Review.objects.published().only("slug", "publish_at", "updated_at").latest_first()

    def lastmod(self, item: Review):
        return max(item.updated_at, item.publish_at)


class FilmSitemap(LargeSectionSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        # EXISTS and per-film subqueries on the (film, state, publish_at) index: a join and
        # GROUP BY over every review took a second at 100,000 reviews on SQLite.
        published = Review.objects.published().filter(film=OuterRef("pk")).order_by()
        newest = published.order_by("-publish_at").values("publish_at")[:1]
        edited = published.order_by("-updated_at").values("updated_at")[:1]
        return (
            Film.objects.with_published_reviews()
            .annotate(last_review=Subquery(newest), last_edit=Subquery(edited))
            .order_by("title", "pk")
        )

    def lastmod(self, item: Film):
        return max(item.updated_at, item.last_review, item.last_edit)


class CriticSitemap(LargeSectionSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        published = Review.objects.published().filter(critic=OuterRef("pk"))
        newest = published.order_by("-publish_at").values("publish_at")[:1]
        return (
            Critic.objects.filter(Exists(published))
            .annotate(last_review=Subquery(newest))
            .order_by("byline", "pk")
        )

    def lastmod(self, item: Critic):
        return max(item.updated_at, item.last_review)


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4
    limit = PAGE_SIZE

    def get_latest_lastmod(self):
        tagged = Review.objects.published().filter(tagged_items__isnull=False)
        return tagged.aggregate(published=Max("publish_at"))["published"]

    def items(self):
        return tags_in_use().annotate(last_review=Max("review__publish_at"))

    def location(self, item: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Tag):
        return item.last_review


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
