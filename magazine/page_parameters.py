"""The query parameters a reader page reads: the only ones its cache key may contain.

A list view reads its page number (when it paginates) plus what its class declares in
`query_parameters`; a function view what it declares the same way. Any other parameter (a
cache-buster `?cb=<uuid>`, a tracking tag) changes nothing on the page, so it must not make
another cached copy. tests/magazine/test_pagecache_keys.py checks every reader page against
what it really reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.contrib.sitemaps import views as sitemap_views
from django.urls import Resolver404, resolve

# Django's own views that read a parameter: the sitemap section's page number.
_DJANGO_VIEWS = {sitemap_views.sitemap: ("p",)}


def parameters_read_by(view: Callable) -> tuple[str, ...]:
    if view in _DJANGO_VIEWS:
        return _DJANGO_VIEWS[view]
    view_class = getattr(view, "view_class", view)
    names = list(getattr(view_class, "query_parameters", ()))
    if getattr(view_class, "paginate_by", None):
        names.append(getattr(view_class, "page_kwarg", "page"))
    return tuple(sorted(set(names)))


@lru_cache(maxsize=4096)
def parameters_read_at(path: str) -> tuple[str, ...]:
    try:
        return parameters_read_by(resolve(path).func)
    except Resolver404:
        return ()
