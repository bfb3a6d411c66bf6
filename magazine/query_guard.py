"""Hostile query strings get a 400 or the page without them, never a 500.

- A query string carrying control characters (NUL above all: PostgreSQL refuses it in any text
  value) is refused with 400 before any view or cache sees it.
- An admin list or form given a value it cannot use (a filter on an id out of the database's
  range, an initial value that names no row) behaves as Django's admin already does for a
  filter it does not know: the list reloads with `?e=1` ("invalid filter"), the form reloads
  blank with a message. Only GET requests that carry a query string are redirected, so a real
  fault elsewhere still surfaces as an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect

logger = logging.getLogger("magazine.requests")

_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a lookup value the database cannot take raises, on SQLite or PostgreSQL.
UNUSABLE_VALUE = (ValueError, TypeError, OverflowError, DataError, ValidationError)


def has_control_characters(query_string: str) -> bool:
    return bool(_CONTROL_BYTES.search(unquote_to_bytes(query_string.replace("+", " "))))


class QueryStringGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                "This address contains control characters, which no page of this site reads.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if (
            request.method != "GET"
            or not request.META.get("QUERY_STRING")
            or match is None
            or match.app_name != "admin"
            or not isinstance(exception, UNUSABLE_VALUE)
        ):
            return None
        logger.warning("Unusable query in %s: %r", request.get_full_path()[:300], exception)
        if match.url_name.endswith("_changelist"):
            return HttpResponseRedirect(f"{request.path}?e=1")
        if match.url_name.endswith(("_add", "_change")):
            messages.warning(
                request, "Some values in the address could not be used, so they were left out."
            )
            return HttpResponseRedirect(request.path)
        return None
