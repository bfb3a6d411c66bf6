"""The review page, built from two parts; for readers the parts are cached and always fresh.

Most of a review page changes only when content does. Each part is an entry of
`magazine.freshness`, carrying the tags of what it shows (the review, its film, critic, people
and tags), so a write that changes any of them makes it stale at once, in every process; a
publish elsewhere leaves it alone. A fresh article part therefore also answers "may a reader
see this review?": hiding a review always invalidates a tag its article part carries.

- the article (with the page's head, the film facts, the where-to-watch note, corrections and
  the critic card): the note speaks of today ("In theaters Friday"), so the part is keyed by
  the local date and kept no later than local midnight;
- "Other critics on this film": changes when a scheduled review goes live, so it is kept no
  later than the next moment a review goes live.

Previews (unpublished reviews) are rendered from the same templates and never cached.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from magazine import freshness
from magazine.freshness import next_local_midnight

from .models import Review
from .page_queries import OTHER_REVIEWS, PUBLISHED_REVIEW, load_review_lists
from .selectors import next_goes_live_at
from .structured_data import review_data
from .where_to_watch import where_to_watch

PARTS = "reviews/review_parts"


def _render(name: str, context: dict, request: HttpRequest) -> SafeString:
    # A Jinja2 template renders to plain text: marked safe, it is not escaped again.
    return SafeString(render_to_string(f"{PARTS}/{name}.html", context, request))


def article_parts(review: Review, request: HttpRequest, today: datetime.date | None = None) -> dict:
    """The parts that change only with content, and the date: the head, the article (with
    its where-to-watch note as of `today`) and the critic card."""
    today = today or timezone.localdate()
    load_review_lists(review)
    # A preview's head names the review's public address, as the published page's does.
    context = {
        "review": review,
        "canonical_path": review.get_absolute_url(),
        "where_to_watch": where_to_watch(
            review.film.availabilities.all(), today=today, region=settings.MAGAZINE_REGION
        ),
    }
    data = {"structured_data": review_data(review, request.build_absolute_uri)}
    return {
        "pk": review.pk,
        "film_id": review.film_id,
        "film_title": review.film.title,
        "title": review.headline,
        "meta": _render("meta", context, request),
        "feeds": _render("feeds", context, request),
        "structured_data": _render("structured_data", data, request),
        "article": _render("article", context, request),
    }


def other_reviews_part(
    *, film_id: int, film_title: str, review_pk: int, request: HttpRequest
) -> SafeString:
    others = OTHER_REVIEWS.run(film=film_id, review=review_pk, now=timezone.now())
    return _render("other_reviews", {"other_reviews": others, "film_title": film_title}, request)


def preview_parts(review: Review, request: HttpRequest) -> dict:
    """Every part of the page for a review readers cannot see yet; nothing is cached."""
    return {
        **article_parts(review, request),
        "other_reviews": other_reviews_part(
            film_id=review.film_id,
            film_title=review.film.title,
            review_pk=review.pk,
            request=request,
        ),
    }


def _key(name: str, *parts: object) -> str:
    digest = hashlib.md5("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()
    return f"review-page:{name}:{digest}"


def _published_review(slug: str, now: datetime.datetime) -> Review:
    # Not ordered: a slug is unique, and ordering one row cost a third of this query's time
    # (0.6 of 2.2 ms at 100,000 reviews).
    found = PUBLISHED_REVIEW.run(slug=slug, now=now)
    if not found:
        raise Http404("No published review has this address.")
    return found[0]


def published_review_parts(request: HttpRequest, slug: str) -> dict:
    """Every part of a published review's page, from the cache when it is fresh: one cache
    round trip and one query for both parts.

    Raises Http404 when readers may not see a review with this slug.
    """
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        return preview_parts(_published_review(slug, timezone.now()), request)

    now = timezone.now()
    today = timezone.localdate(now)
    # The head holds absolute and canonical addresses: one entry per host and address.
    address = (request.get_host(), request.get_full_path())
    keys = {"article": _key("article", *address, today), "others": _key("others", *address)}
    found = freshness.fetch(keys.values(), now)
    parts: dict = {}
    # The clock is read (before anything else) only when a part has to be rendered.
    with freshness.as_of_now(read=len(found) < len(keys)) as as_of:
        article = found.get(keys["article"])
        if article is None:
            # A fresh article part proves the review is public: hiding it (unpublishing, an
            # embargo moved later) invalidates its review:<pk> or film:<pk> tag.
            with freshness.collecting() as tags:
                article = article_parts(_published_review(slug, now), request, today)
            until = next_local_midnight(now)
            freshness.store(keys["article"], article, tags=tags, as_of=as_of, until=until, now=now)
        parts.update(article)

        parts["other_reviews"] = found.get(keys["others"])
        if parts["other_reviews"] is None:
            with freshness.collecting(f"film:{parts['film_id']}") as tags:
                parts["other_reviews"] = other_reviews_part(
                    film_id=parts["film_id"],
                    film_title=parts["film_title"],
                    review_pk=parts["pk"],
                    request=request,
                )
            # A review of this film scheduled or held joins the list at its moment.
            until = next_goes_live_at(now)
            freshness.store(
                keys["others"], parts["other_reviews"], tags=tags, as_of=as_of, until=until, now=now
            )
    return parts
