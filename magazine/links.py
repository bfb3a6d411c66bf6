"""Addresses of objects by slug, without running Django's `reverse()` for each one.

A list page links every card to its review, film, critic or person: 20-60 `reverse()` calls
a page at ~50 µs each, 7-12% of the CPU of the home, critic and search pages. Each of these
routes takes one argument, a slug, so the route is reversed once (per URL name, URLconf and
script prefix) with a marker in the slug's place, and each address is that text with the slug
put in: what `reverse()` returns. A slug the route would not accept (empty, or characters
outside the slug converter's) goes to `reverse()`, which fails as it always did.

Imports nothing of the apps: `people` and `reviews` call `slug_url()` from their models.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

MARKER = "slug-marker-0"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what Django's `slug` path converter accepts
YEAR_MARKER = 987654321  # for routes whose one argument is a year (`int` converter)


@functools.lru_cache(maxsize=128)
def _route(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, kwargs={"slug": MARKER}, urlconf=urlconf)


@functools.lru_cache(maxsize=32)
def _year_route(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, kwargs={"year": YEAR_MARKER}, urlconf=urlconf)


def year_url(name: str, year: int) -> str:
    """`reverse(name, kwargs={"year": year})` for a route whose only argument is a year (the
    film index links ~75 years: a `reverse()` each was a tenth of the page)."""
    if not isinstance(year, int) or year < 0:
        return reverse(name, kwargs={"year": year})
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _year_route(name, get_script_prefix(), urlconf).replace(str(YEAR_MARKER), str(year), 1)


def slug_url(name: str, slug: str) -> str:
    """`reverse(name, kwargs={"slug": slug})` for a route whose only argument is a slug."""
    if not SLUG.fullmatch(slug or ""):
        return reverse(name, kwargs={"slug": slug})
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _route(name, get_script_prefix(), urlconf).replace(MARKER, slug, 1)
