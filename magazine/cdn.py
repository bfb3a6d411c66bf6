"""Telling a CDN or a caching proxy in front of the site which tags changed.

Reader pages carry their cache tags in a header (`MAGAZINE_CDN_TAG_HEADER`: `xkey` for
Varnish's xkey module, `Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare) and
`magazine.freshness.invalidate` sends the tags it invalidates here once the write commits.
`MAGAZINE_CDN_PURGE_URL` says where and `MAGAZINE_CDN_PURGE_STYLE` how: `xkey`, a `PURGE`
request with an `xkey-purge` header that Varnish's VCL turns into `xkey.purge()`; `fastly`,
Fastly's batch purge API (keys in a `Surrogate-Key` header, 256 a call); `cloudflare`,
Cloudflare's `purge_cache` API (`{"tags": [...]}`, 100 a call). Empty URL: no CDN.

A purge that fails is logged and never fails the write: the page's `s-maxage` (capped by
`MAGAZINE_CDN_MAX_AGE` and the page's own expiry) bounds how long the CDN can lag.
"""

from __future__ import annotations

import json
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


# The most tags one API call may carry (Fastly's batch purge; Cloudflare's purge_cache).
BATCH = {"fastly": 256, "cloudflare": 100}


def requests_for(tags: Iterable[str]) -> list[urllib.request.Request]:
    """The requests that tell the configured CDN these tags changed."""
    url, style = settings.MAGAZINE_CDN_PURGE_URL, settings.MAGAZINE_CDN_PURGE_STYLE
    keys = header_value(tags).split()
    if style == "xkey":
        return [urllib.request.Request(url, method="PURGE", headers={"xkey-purge": " ".join(keys)})]
    token = settings.MAGAZINE_CDN_PURGE_TOKEN
    batches = [keys[start : start + BATCH[style]] for start in range(0, len(keys), BATCH[style])]
    if style == "fastly":
        headers = {"Fastly-Key": token, "Accept": "application/json"}
        return [
            urllib.request.Request(
                url, method="POST", headers={**headers, "Surrogate-Key": " ".join(batch)}
            )
            for batch in batches
        ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [
        urllib.request.Request(
            url, method="POST", headers=headers, data=json.dumps({"tags": batch}).encode()
        )
        for batch in batches
    ]


def purge(tags: Iterable[str]) -> None:
    if not settings.MAGAZINE_CDN_PURGE_URL:
        return
    for request in requests_for(tags):
        try:
            with urllib.request.urlopen(request, timeout=settings.MAGAZINE_CDN_PURGE_TIMEOUT):
                pass
        except OSError as error:  # HTTPError (a refused token, a 5xx) included
            logger.warning("CDN purge of %s failed: %s", request.full_url, error)
