"""Last-Modified for reader pages: when this address's content last changed, as this site saw it.

A page is built from many rows and from the clock (a scheduled review going live, "today" in
the where-to-watch note), so no single column says when it changed. Its bytes do: the default
cache (which every worker shares) keeps, per address, the digest of the content last served
and the moment it was first served. The same digest keeps its moment, so If-Modified-Since
gets a 304 even after the page cache let the page go; a new digest gets a new moment,
strictly later than the old one (two changes within a second must not share a
Last-Modified: HTTP dates have whole seconds).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

# Long enough to outlive any cached copy a client or a CDN revalidates; a forgotten address
# starts again from "now", which only ever makes clients download the page once more.
REMEMBERED_SECONDS = 30 * 24 * 60 * 60


def _key(request: HttpRequest) -> str:
    address = f"{request.get_host()}{request.get_full_path()}"
    return "modified:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def content_last_modified(
    request: HttpRequest, digest: str, now: datetime.datetime
) -> datetime.datetime:
    """The moment the content with this digest was first served at this address (whole seconds)."""
    # Shared by every worker: the default cache (Redis, or the machine's files), or a cache
    # of its own when one is configured as "shared" (tests, to clear pages alone).
    store = caches["shared" if "shared" in settings.CACHES else "default"]
    key = _key(request)
    found = store.get(key)
    if found is not None and found[0] == digest:
        return found[1]
    moment = now.replace(microsecond=0)
    if found is not None and moment <= found[1]:
        moment = found[1] + datetime.timedelta(seconds=1)
    store.set(key, (digest, moment), REMEMBERED_SECONDS)
    return moment
