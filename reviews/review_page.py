"""The review page, built from parts; for readers the parts are cached and always fresh.

Most of a review page changes only when content does: the article (headline, body, tags), the
film facts box, the corrections, the critic card and the page's head. Those parts are cached
under the content generation (`magazine.freshness`), which every save of anything readers see
replaces, so they are exactly as fresh as the page cache. A review visible under a generation
stays visible until a write replaces the generation (publish times only move forward), so a
cached part also answers “may a reader see this review?” without a query.

Two parts depend on time as well, and are cached apart:
- the where-to-watch note speaks of today (“In theaters Friday”): keyed by the local date and
  kept no later than local midnight;
- “Other critics on this film” changes when a scheduled review of the film goes live: kept no
  later than the next scheduled publish.

Previews (unpublished reviews) are rendered from the same templates and never cached.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from magazine.freshness import current_generation, next_local_midnight

from .models import Availability, Review
from .selectors import next_publish_at_in
from .structured_data import review_data
from .where_to_watch import where_to_watch

PARTS = "reviews/review_parts"


def _render(name: str, context: dict, request: HttpRequest) -> SafeString:
    return render_to_string(f"{PARTS}/{name}.html", context, request)


def article_parts(review: Review, request: HttpRequest) -> dict:
    """The parts that change only with content: the head, the article and the critic card."""
    # A preview's head names the review's public address, as the published page's does.
    context = {"review": review, "canonical_path": review.get_absolute_url()}
    data = {"structured_data": review_data(review, request.build_absolute_uri)}
    return {
        "pk": review.pk,
        "film_id": review.film_id,
        "film_title": review.film.title,
        "title": review.headline,
        "meta": _render("meta", context, request),
        "feeds": _render("feeds", context, request),
        "structured_data": _render("structured_data", data, request),
        "article_start": _render("article_start", context, request),
        "article_end": _render("article_end", context, request),
    }


def where_to_watch_part(windows, request: HttpRequest, today=None) -> SafeString:
    today = today or timezone.localdate()
    note = where_to_watch(windows, today=today, region=settings.MAGAZINE_REGION)
    return render_to_string("includes/where_to_watch.html", {"where_to_watch": note}, request)


def other_reviews_part(
    *, film_id: int, film_title: str, review_pk: int, request: HttpRequest
) -> SafeString:
    others = (
        Review.objects.published()
        .for_listing()
        .filter(film_id=film_id)
        .exclude(pk=review_pk)
        .latest_first()
    )
    return _render("other_reviews", {"other_reviews": others, "film_title": film_title}, request)


def preview_parts(review: Review, request: HttpRequest) -> dict:
    """Every part of the page for a review readers cannot see yet; nothing is cached."""
    return {
        **article_parts(review, request),
        "where_to_watch": where_to_watch_part(review.film.availabilities.all(), request),
        "other_reviews": other_reviews_part(
            film_id=review.film_id,
            film_title=review.film.title,
            review_pk=review.pk,
            request=request,
        ),
    }


def _key(generation: str, name: str, *parts: object) -> str:
    digest = hashlib.md5("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()
    return f"review-page:{generation}:{name}:{digest}"


def published_review_parts(request: HttpRequest, slug: str) -> dict:
    """Every part of a published review's page, from the cache when it is fresh.

    Raises Http404 when readers may not see a review with this slug.
    """
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        review = get_object_or_404(Review.objects.published().for_page(), slug=slug)
        return preview_parts(review, request)

    cache = caches["default"]
    generation = current_generation()
    now = timezone.now()
    # The head holds absolute and canonical addresses: one entry per host and address.
    article_key = _key(generation, "article", request.get_host(), request.get_full_path())
    found = cache.get(article_key)
    review = None
    if found is None:
        review = Review.objects.published().for_page().filter(slug=slug).first()
        if review is None:
            raise Http404("No published review has this address.")
        found = article_parts(review, request)
        cache.set(article_key, found, seconds)
    parts = dict(found)

    today = timezone.localdate(now)
    watch_key = _key(generation, "watch", parts["film_id"], today, request.get_host())
    parts["where_to_watch"] = cache.get(watch_key)
    if parts["where_to_watch"] is None:
        windows = (
            review.film.availabilities.all()
            if review is not None
            else Availability.objects.filter(film_id=parts["film_id"])
        )
        parts["where_to_watch"] = where_to_watch_part(windows, request, today)
        until_midnight = int((next_local_midnight(now) - now).total_seconds())
        if until_midnight > 0:
            cache.set(watch_key, parts["where_to_watch"], min(seconds, until_midnight))

    others_key = _key(generation, "others", parts["pk"], request.get_host())
    # Kept with its own expiry, checked against our clock: a review scheduled for 09:00
    # joins the list at 09:00 even if the cache backend keeps the entry a little longer.
    found_others = cache.get(others_key)
    if found_others is not None and now < found_others[1]:
        parts["other_reviews"] = found_others[0]
    else:
        parts["other_reviews"] = other_reviews_part(
            film_id=parts["film_id"],
            film_title=parts["film_title"],
            review_pk=parts["pk"],
            request=request,
        )
        timeout = seconds
        next_publish = next_publish_at_in(generation, now)
        if next_publish is not None:
            timeout = min(timeout, int((next_publish - now).total_seconds()))
        if timeout > 0:
            expires_at = now + datetime.timedelta(seconds=timeout)
            cache.set(others_key, (parts["other_reviews"], expires_at), timeout)
    return parts
