"""Telling a CDN or a caching proxy in front of the site which tags changed.

Reader pages carry their cache tags in a header (`MAGAZINE_CDN_TAG_HEADER`: `xkey` for
Varnish's xkey module, `Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare) and
`magazine.freshness.invalidate` sends the tags it invalidates here once the write commits.
`MAGAZINE_CDN_PURGE_URL` says where: for Varnish an address whose VCL turns a `PURGE`
request with an `xkey-purge` header into `xkey.purge()` (docs/deploy.md). Empty: no CDN.

A purge that fails is logged and never fails the write: the page's `s-maxage` (capped by
`MAGAZINE_CDN_MAX_AGE` and the page's own expiry) bounds how long the CDN can lag.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterable

from django.conf import settings

logger = logging.getLogger("magazine.cdn")

# Tags a header can carry: the page's entity and list tags, never the catch-all.
EVERYTHING = "*"
# What Varnish is asked to purge for "everything": every reader page carries this key.
ALL_PAGES = "pages"


def header_value(tags: Iterable[str]) -> str:
    """The tags as a CDN header value: space-separated, the catch-all as `pages`."""
    return " ".join(sorted({ALL_PAGES if tag == EVERYTHING else tag for tag in tags}))


def purge(tags: Iterable[str]) -> None:
    url = settings.MAGAZINE_CDN_PURGE_URL
    if not url:
        return
    value = header_value(tags)
    request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": value})
    try:
        with urllib.request.urlopen(request, timeout=settings.MAGAZINE_CDN_PURGE_TIMEOUT):
            pass
    except OSError as error:
        logger.warning("CDN purge of %s failed: %s", value, error)
