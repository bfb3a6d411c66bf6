"""Database outages answer 503 with a friendly page, never a traceback, and lose nobody's text."""

from __future__ import annotations

import errno
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("magazine.availability")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

# Form fields that are machinery, not anything an editor typed.
_MACHINERY_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def typed_text(request: HttpRequest) -> list[tuple[str, str]]:
    """The non-empty text fields of a POST, without tokens, passwords or formset counters."""
    if request.method != "POST":
        return []
    try:
        items = list(request.POST.lists())
    except Exception:  # an unreadable body has nothing to give back
        return []
    kept = []
    for name, values in items:
        if (
            name == "csrfmiddlewaretoken"
            or "password" in name.lower()
            or name.startswith("_")
            or name.endswith(_MACHINERY_SUFFIXES)
        ):
            continue
        kept += [(name, value) for value in values if value and value.strip()]
    return kept


DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def disk_full_response(request: HttpRequest) -> HttpResponse:
    """507: the server's disk is full; the editor's typed text comes back on the page."""
    html = render_to_string(
        "507.html",
        {"site_name": settings.MAGAZINE_NAME, "typed_text": typed_text(request)},
    )
    response = HttpResponse(html, status=507)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_response(request: HttpRequest | None) -> HttpResponse:
    """The 503 page; built without touching the database (no context processors, no user)."""
    html = render_to_string(
        "503.html",
        {
            "site_name": settings.MAGAZINE_NAME,
            "retry_after": settings.MAGAZINE_RETRY_AFTER,
            "typed_text": typed_text(request) if request is not None else [],
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.MAGAZINE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost or failing database connection during a view into a 503.

    Django closes the broken connection at the end of the request and the next request opens
    a fresh one (CONN_HEALTH_CHECKS), so the site recovers by itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OSError) and exception.errno in DISK_FULL:
            logger.critical("Disk full during %s %s: %s", request.method, request.path, exception)
            return disk_full_response(request)
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.error(
            "Database unavailable during %s %s: %s", request.method, request.path, exception
        )
        return database_unavailable_response(request)
