"""RSS and Atom feeds of published reviews: all of them, and per critic, film and tag."""

from __future__ import annotations

import copy
import datetime
import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag

from people.models import Critic
from reviews.models import Film, Review, tag_lists
from reviews.page_queries import CRITICS_REVIEWS, LATEST_REVIEWS
from reviews.selectors import TaggedReviewsNewestFirst, tag_with_reviews

FEED_LENGTH = 20


def entry_id(review: Review) -> str:
    """The review's id in every feed (Atom id, RSS guid): a `tag:` URI (RFC 4151) made of what
    never changes, the review's number and the day it was created, so a new slug, host or
    feed never makes it a new entry for feed readers."""
    created = review.created_at.astimezone(datetime.UTC).date().isoformat()
    return f"tag:{settings.MAGAZINE_FEED_ID_DOMAIN},{created}:review/{review.pk}"


class LatestReviewsFeed(Feed):
    """The newest published reviews, RSS 2.0.

    Titles are plain text in both formats, escaped once by the feed generator's XML writer, so
    readers show a headline exactly as typed. Descriptions (RSS) and summaries (Atom) are HTML,
    so the standfirst is HTML-escaped first: a headline or standfirst is never live markup.
    """

    description_template = None

    def __call__(self, request, *args, **kwargs):
        # The instance is shared by every request (urls.py): give each its own copy, which
        # knows the request, for the absolute addresses Django's Feed does not make itself.
        feed = copy.copy(self)
        feed.request = request
        # Django's Feed.__call__, but the XML is written into one string and handed to the
        # response once: written to the response, each of a feed's ~900 pieces was encoded
        # and stored on its own (a tenth of the feed's time).
        try:
            obj = feed.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("Feed object does not exist.") from None
        feedgen = feed.get_feed(obj, request)
        text = io.StringIO()
        feedgen.write(text, "utf-8")
        response = HttpResponse(text.getvalue(), content_type=feedgen.content_type)
        # For ConditionalGetMiddleware's 304 Not Modified, as Django's Feed sets it.
        response.headers["Last-Modified"] = http_date(feedgen.latest_post_date().timestamp())
        return response

    def title(self, obj=None) -> str:
        return f"{settings.MAGAZINE_NAME}: latest reviews"

    def link(self, obj=None) -> str:
        return reverse("home")

    def description(self, obj=None) -> str:
        return f"The newest film reviews from {settings.MAGAZINE_NAME}."

    def reviews(self, obj=None) -> list[Review]:
        """The newest FEED_LENGTH reviews of the feed (compiled once: reviews.page_queries)."""
        return LATEST_REVIEWS.run(rows=slice(0, FEED_LENGTH), now=timezone.now())

    def items(self, obj=None) -> list[Review]:
        reviews = self.reviews(obj)
        prefetch_related_objects(reviews, tag_lists())
        return reviews

    def item_title(self, item: Review) -> str:
        return item.headline

    def item_description(self, item: Review) -> str:
        return escape(item.standfirst or item.film.title)  # HTML in RSS and in Atom's summary

    def item_link(self, item: Review) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Review) -> str:
        return entry_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Review):
        return item.publish_at

    def item_updateddate(self, item: Review):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: Review) -> str:
        return item.critic.byline

    def item_author_link(self, item: Review) -> str:
        return self.request.build_absolute_uri(item.critic.get_absolute_url())

    def item_categories(self, item: Review) -> list[str]:
        return [tag.name for tag in item.tag_list]


class LatestReviewsAtomFeed(LatestReviewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewsFeed.description


class CriticFeed(LatestReviewsFeed):
    def get_object(self, request, slug: str) -> Critic:
        return get_object_or_404(Critic, slug=slug)

    def title(self, obj: Critic) -> str:
        return f"{settings.MAGAZINE_NAME}: reviews by {obj.byline}"

    def link(self, obj: Critic) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Critic) -> str:
        return f"Film reviews by {obj.byline} for {settings.MAGAZINE_NAME}."

    def reviews(self, obj: Critic) -> list[Review]:
        window = slice(0, FEED_LENGTH)
        return CRITICS_REVIEWS.run(rows=window, critic=obj.pk, now=timezone.now())


class CriticAtomFeed(CriticFeed):
    feed_type = Atom1Feed
    subtitle = CriticFeed.description


class FilmFeed(LatestReviewsFeed):
    def get_object(self, request, slug: str) -> Film:
        return get_object_or_404(Film, slug=slug)

    def title(self, obj: Film) -> str:
        return f"{settings.MAGAZINE_NAME}: reviews of {obj.title} ({obj.year})"

    def link(self, obj: Film) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Film) -> str:
        return f"Reviews of {obj.title} ({obj.year}) from {settings.MAGAZINE_NAME}."

    def reviews(self, obj: Film) -> list[Review]:
        reviews = Review.objects.published().for_listing().filter(film=obj).latest_first()
        return list(reviews[:FEED_LENGTH])


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
        return f"{settings.MAGAZINE_NAME}: reviews tagged “{obj.name}”"

    def link(self, obj: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": obj.slug})

    def description(self, obj: Tag) -> str:
        return f"Reviews tagged “{obj.name}” from {settings.MAGAZINE_NAME}."

    def reviews(self, obj: Tag) -> list[Review]:
        # Newest first from the (tag, publish time) index, as the tag page reads them.
        return TaggedReviewsNewestFirst(obj)[:FEED_LENGTH]


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
