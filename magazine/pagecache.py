"""Whole-page caching of reader pages for anonymous readers, always fresh.

Rules (tests in tests/magazine/test_pagecache.py):
- Only GET requests to views marked `reader_page`, only without a session cookie: logged-in
  staff neither read nor write the cache, and their responses are marked `private` so a CDN
  does not keep them either.
- A page is an entry of `magazine.freshness`: it records the tags of what it shows and is
  stale as soon as a write invalidates one of them, in every process (one cache round trip
  and one query per hit).
- No page outlives the next moment a review goes live (a scheduled time or an embargo
  lifting), nor local midnight (the where-to-watch note speaks of "today").
- Responses that set cookies, are not 200, or stream are never stored.
- Every reader page carries an ETag and a Last-Modified (`magazine.modified`), so both
  If-None-Match and If-Modified-Since get a 304, its tags in the CDN header
  (`MAGAZINE_CDN_TAG_HEADER`, magazine/cdn.py) and a Cache-Control a CDN may use.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from reviews.selectors import next_goes_live_at

from . import cdn, freshness
from .modified import content_last_modified
from .page_parameters import parameters_read_at

CACHE_HEADER = "X-Page-Cache"


def page_until(now: datetime.datetime | None = None) -> datetime.datetime:
    """When a page rendered now stops being true with no write: the configured time, capped
    by the next moment a review goes live and by local midnight."""
    now = now or timezone.now()
    limit = now + datetime.timedelta(seconds=settings.MAGAZINE_PAGE_CACHE_SECONDS)
    next_live = next_goes_live_at(now)
    if next_live is not None:
        limit = min(limit, next_live)
    return min(limit, freshness.next_local_midnight(now))


def page_timeout(now: datetime.datetime | None = None) -> int:
    """Seconds a page rendered now may be kept (0: do not keep it)."""
    now = now or timezone.now()
    return max(0, int((page_until(now) - now).total_seconds()))


def _is_anonymous(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and (
        "HTTP_AUTHORIZATION" not in request.META
    )


def _page_key(request: HttpRequest) -> str:
    # Only the parameters the page reads: `?cb=<uuid>` must not make a copy per request.
    read = [(name, request.GET.getlist(name)) for name in parameters_read_at(request.path_info)]
    url = f"{request.get_host()}{request.path}?{[item for item in read if item[1]]}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"page:{digest}"


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 304 when the reader's copy, named by ETag or by date, is this page."""
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]),
        response=response,
    )


def _cache_control(response: HttpResponse, timeout: int) -> None:
    cdn_seconds = min(settings.MAGAZINE_CDN_MAX_AGE, timeout)
    if cdn_seconds > 0:
        # Browsers revalidate every time (cheap: a 304); a CDN may serve it for a while.
        patch_cache_control(response, public=True, max_age=0, s_maxage=cdn_seconds)
    else:
        patch_cache_control(response, public=True, no_cache=True)


class ReaderPageCacheMiddleware:
    """Serves anonymous readers cached pages; sits just after WhiteNoise so a hit skips the
    session, CSRF and auth middleware entirely."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            return self.get_response(request)
        if not _is_anonymous(request):
            response = self.get_response(request)
            if getattr(request, "_reader_page", False):
                patch_cache_control(response, private=True)
            return response

        keep = settings.MAGAZINE_PAGE_CACHE_SECONDS > 0
        key = _page_key(request)
        now = timezone.now()
        if keep:
            found = freshness.fetch([key], now).get(key)
            if found is not None:
                status, content, headers, until = found
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                # The CDN may keep it for what is left of its time, not its whole time.
                _cache_control(response, max(0, int((until - now).total_seconds())))
                response[CACHE_HEADER] = "hit"
                return _conditional(request, response)

        # The clock is read before the view reads anything (process_view), and only for a
        # reader page that may be kept.
        with freshness.as_of_now(read=False):
            with freshness.collecting() as tags:
                response = self.get_response(request)
            if not (getattr(request, "_reader_page", False) and self._storable(response)):
                return response
            as_of = freshness.current_as_of()
            now = timezone.now()
            until = page_until(now) if keep and as_of is not None else now
        timeout = max(0, int((until - now).total_seconds()))
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
        # Replaces the feeds' and sitemaps' own (their newest item's date), which goes
        # back in time when that item is taken down: a 304 for a changed feed.
        modified = content_last_modified(request, digest, timezone.now())
        response["Last-Modified"] = http_date(modified.timestamp())
        if settings.MAGAZINE_CDN_TAG_HEADER:
            response[settings.MAGAZINE_CDN_TAG_HEADER] = cdn.header_value(
                {*tags, freshness.EVERYTHING}
            )
        if timeout > 0:
            headers = [(name, value) for name, value in response.items()]
            freshness.store(
                key,
                (response.status_code, response.content, headers, until),
                tags=tags,
                as_of=as_of,
                until=until,
                seconds=timeout,
                now=now,
            )
            response[CACHE_HEADER] = "miss"
        _cache_control(response, timeout)
        return _conditional(request, response)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs):
        if getattr(view_func, "reader_page", False):
            request._reader_page = True
            freshness.add_tags(*view_func.reader_page_tags)
            if settings.MAGAZINE_PAGE_CACHE_SECONDS > 0 and _is_anonymous(request):
                freshness.start_clock()
        return None

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        )
