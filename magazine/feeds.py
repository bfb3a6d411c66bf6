"""RSS and Atom feeds of published reviews: all of them, and per critic, film and tag."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from taggit.models import Tag

from people.models import Critic
from reviews.models import Film, Review
from reviews.selectors import TaggedReviewsNewestFirst, tag_with_reviews

FEED_LENGTH = 20


class LatestReviewsFeed(Feed):
    """The newest published reviews, RSS 2.0.

    Feed readers render RSS titles and descriptions as HTML, so both go out escaped (as
    Django's own default item title does); Atom marks titles as text, which stay as typed, and
    summaries as HTML, which are escaped. Either way a headline is never live markup.
    """

    description_template = None

    def text(self, value: str) -> str:
        """A title or description as this feed type needs it: escaped where it is HTML."""
        return value if self.feed_type is Atom1Feed else escape(value)

    def title(self, obj=None) -> str:
        return f"{settings.MAGAZINE_NAME}: latest reviews"

    def link(self, obj=None) -> str:
        return reverse("home")

    def description(self, obj=None) -> str:
        return f"The newest film reviews from {settings.MAGAZINE_NAME}."

    def reviews(self, obj=None):
        return Review.objects.published().for_listing().prefetch_related("tags").latest_first()

    def items(self, obj=None):
        return self.reviews(obj)[:FEED_LENGTH]

    def item_title(self, item: Review) -> str:
        return self.text(item.headline)

    def item_description(self, item: Review) -> str:
        return escape(item.standfirst or item.film.title)  # HTML in RSS and in Atom's summary

    def item_link(self, item: Review) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Review) -> str:
        return f"review:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Review):
        return item.publish_at

    def item_updateddate(self, item: Review):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: Review) -> str:
        return item.critic.byline

    def item_author_link(self, item: Review) -> str:
        return item.critic.get_absolute_url()

    def item_categories(self, item: Review) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class LatestReviewsAtomFeed(LatestReviewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewsFeed.description


class CriticFeed(LatestReviewsFeed):
    def get_object(self, request, slug: str) -> Critic:
        return get_object_or_404(Critic, slug=slug)

    def title(self, obj: Critic) -> str:
        return self.text(f"{settings.MAGAZINE_NAME}: reviews by {obj.byline}")

    def link(self, obj: Critic) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Critic) -> str:
        return self.text(f"Film reviews by {obj.byline} for {settings.MAGAZINE_NAME}.")

    def reviews(self, obj: Critic):
        return super().reviews().filter(critic=obj)


class CriticAtomFeed(CriticFeed):
    feed_type = Atom1Feed
    subtitle = CriticFeed.description


class FilmFeed(LatestReviewsFeed):
    def get_object(self, request, slug: str) -> Film:
        return get_object_or_404(Film, slug=slug)

    def title(self, obj: Film) -> str:
        return self.text(f"{settings.MAGAZINE_NAME}: reviews of {obj.title} ({obj.year})")

    def link(self, obj: Film) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Film) -> str:
        return self.text(f"Reviews of {obj.title} ({obj.year}) from {settings.MAGAZINE_NAME}.")

    def reviews(self, obj: Film):
        return super().reviews().filter(film=obj)


class FilmAtomFeed(FilmFeed):
    feed_type = Atom1Feed
    subtitle = FilmFeed.description


class TagFeed(LatestReviewsFeed):
    def get_object(self, request, slug: str) -> Tag:
        """Like the tag page: a tag on no published review is a 404, its name unrevealed."""
        tag = tag_with_reviews(slug)
        if tag is None:
            raise Http404("No published reviews carry this tag.")
        return tag

    def title(self, obj: Tag) -> str:
        return self.text(f"{settings.MAGAZINE_NAME}: reviews tagged “{obj.name}”")

    def link(self, obj: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": obj.slug})

    def description(self, obj: Tag) -> str:
        return self.text(f"Reviews tagged “{obj.name}” from {settings.MAGAZINE_NAME}.")

    def items(self, obj: Tag):
        # Newest first from the (tag, publish time) index, as the tag page reads them.
        reviews = TaggedReviewsNewestFirst(obj)[:FEED_LENGTH]
        prefetch_related_objects(reviews, "tags")
        return reviews


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
