"""The content generation: one token, in a cache every process shares, that names the current
state of everything readers can see. Reader pages are cached under it, so changing it makes
every cached page stale at once, in every worker and on every app server.

Imports nothing of the apps, so `people` and `reviews` call `content_changed()` from their
saves and services, and the site shell (`magazine.pagecache`) reads `current_generation()`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import models, transaction
from django.utils import timezone

GENERATION_KEY = "magazine:content-generation"


def shared_cache() -> BaseCache:
    """The cache all processes share: the `shared` alias when configured, else `default`.

    With Redis (`REDIS_URL`) the default cache is already shared; the embedded setup keeps
    pages in a per-process memory cache and the generation in a file cache (see settings).
    """
    return caches["shared" if "shared" in settings.CACHES else "default"]


def _new_token() -> str:
    # Random, never a counter: a token lost with the cache (restart, eviction) is never
    # reissued, so a page stored under an old token can never be served again.
    return uuid.uuid4().hex


def current_generation() -> str:
    store = shared_cache()
    token = store.get(GENERATION_KEY)
    if token is None:
        token = _new_token()
        if not store.add(GENERATION_KEY, token, timeout=None):
            token = store.get(GENERATION_KEY) or token
    return token


def _bump() -> None:
    shared_cache().set(GENERATION_KEY, _new_token(), timeout=None)


def content_changed() -> None:
    """Make every cached reader page stale now, and again once the current transaction commits.

    The bump after commit is the one that matters: a page rendered from the old rows while the
    transaction was open cannot be stored under the generation readers use from then on.
    The immediate bump makes the change visible at once when there is no transaction.
    """
    _bump()
    transaction.on_commit(_bump)


class ChangesReaderPages(models.Model):
    """A model whose rows readers see: saving or deleting one makes cached pages stale.

    Covers the admin (save_model, inlines, delete), services, shell and commands alike.
    Bulk writes (`QuerySet.update`, `bulk_create`) bypass this and call `content_changed()`.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


def kept_until(
    name: str,
    generation: str,
    now: datetime.datetime,
    compute: Callable[[], tuple[Any, datetime.datetime | None]],
) -> Any:
    """A value derived from the content and the clock (e.g. the schedule), worked out once per
    content generation and again once `now` reaches the moment it stops being true.

    `compute()` returns (value, until): until is when the value stops holding (None: while
    the content does not change). Kept in each process's default cache; the generation in the
    key makes any content change a miss. Redis expires by its own clock, so the entry carries
    its own moments and is checked against the application's clock (tests travel in time).
    """
    cache = caches["default"]
    key = f"{name}:{generation}"
    found = cache.get(key)
    if found is not None:
        value, as_of, until = found
        if as_of <= now and (until is None or until > now):
            return value
    value, until = compute()
    timeout = max(settings.MAGAZINE_PAGE_CACHE_SECONDS, settings.MAGAZINE_FRAGMENT_CACHE_SECONDS)
    if until is not None:
        timeout = min(timeout, int((until - now).total_seconds()) + 1)
    cache.set(key, (value, now, until), max(1, timeout))
    return value


def next_local_midnight(now: datetime.datetime) -> datetime.datetime:
    """The start of tomorrow in the site's time zone: when “today” on a page stops being true."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


def reader_page(view: Callable) -> Callable:
    """Mark a view as a public reader page that `magazine.pagecache` may cache for anonymous
    readers. Only pages whose content depends on nothing but the URL and published content."""
    view.reader_page = True
    return view
