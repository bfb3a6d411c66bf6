"""Whole-page caching of reader pages for anonymous readers, always fresh.

Rules (tests in tests/magazine/test_pagecache.py):
- Only GET requests to views marked `reader_page`, only without a session cookie: logged-in
  staff neither read nor write the cache, and their responses are marked `private` so a CDN
  does not keep them either.
- Pages are stored under the content generation (`magazine.freshness`), which every save of
  published content replaces, so a change is visible at once in every process.
- No page outlives the next scheduled publish time, nor local midnight (the where-to-watch
  note speaks of "today").
- Responses that set cookies, are not 200, or stream are never stored.
- Every cached page carries an ETag and a Last-Modified (`magazine.modified`), so both
  If-None-Match and If-Modified-Since get a 304, and a Cache-Control a CDN may use.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from reviews.selectors import next_publish_at_in

from .freshness import current_generation, next_local_midnight
from .modified import content_last_modified
from .page_parameters import parameters_read_at

CACHE_HEADER = "X-Page-Cache"


def page_timeout(generation: str, now: datetime.datetime | None = None) -> int:
    """Seconds a page rendered now may be kept: the configured time, capped by the next
    scheduled publish and by local midnight. 0 means do not keep it."""
    now = now or timezone.now()
    limit = now + datetime.timedelta(seconds=settings.MAGAZINE_PAGE_CACHE_SECONDS)
    next_publish = next_publish_at_in(generation, now)
    if next_publish is not None:
        limit = min(limit, next_publish)
    limit = min(limit, next_local_midnight(now))
    return max(0, int((limit - now).total_seconds()))


def _is_anonymous(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and (
        "HTTP_AUTHORIZATION" not in request.META
    )


def _page_key(generation: str, request: HttpRequest) -> str:
    # Only the parameters the page reads: `?cb=<uuid>` must not make a copy per request.
    read = [(name, request.GET.getlist(name)) for name in parameters_read_at(request.path_info)]
    url = f"{request.get_host()}{request.path}?{[item for item in read if item[1]]}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:page:{generation}:{digest}"


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
        if settings.MAGAZINE_PAGE_CACHE_SECONDS <= 0:
            response = self.get_response(request)
            if getattr(request, "_reader_page", False) and self._storable(response):
                self._finish(request, response, timeout=0)
                return _conditional(request, response)
            return response

        generation = current_generation()
        key = _page_key(generation, request)
        entry = caches["default"].get(key)
        # The entry carries its own expiry, checked against our clock: a scheduled review
        # appears on time even if the cache backend keeps the entry a little longer.
        if entry is not None and timezone.now() < entry[3]:
            status, content, headers, _ = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[CACHE_HEADER] = "hit"
            return _conditional(request, response)

        response = self.get_response(request)
        if not (getattr(request, "_reader_page", False) and self._storable(response)):
            return response
        now = timezone.now()
        timeout = page_timeout(generation, now)
        self._finish(request, response, timeout=timeout)
        if timeout > 0:
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            expires_at = now + datetime.timedelta(seconds=timeout)
            entry = (response.status_code, response.content, headers, expires_at)
            caches["default"].set(key, entry, timeout)
        response[CACHE_HEADER] = "miss"
        return _conditional(request, response)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs):
        if getattr(view_func, "reader_page", False):
            request._reader_page = True
        return None

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        )

    @staticmethod
    def _finish(request: HttpRequest, response: HttpResponse, *, timeout: int) -> None:
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
        # Replaces the feeds' and sitemaps' own (their newest item's date), which goes
        # back in time when that item is taken down: a 304 for a changed feed.
        modified = content_last_modified(request, digest, timezone.now())
        response["Last-Modified"] = http_date(modified.timestamp())
        _cache_control(response, timeout)
