"""Site-wide pages."""

import logging
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from reviews.models import Review

from .middleware import DATABASE_UNAVAILABLE, database_unavailable_response

logger = logging.getLogger("magazine.availability")


class HomeView(ListView):
    """The front page: the latest published reviews."""

    template_name = "magazine/home.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self) -> QuerySet[Review]:
        return Review.objects.published().for_listing().latest_first()


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 (with Retry-After) when it does not.

    The cache is reported but never fails the check: the site serves uncached without it.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DATABASE_UNAVAILABLE as error:
        logger.error("Health check: database unavailable: %s", error)
        database = "unavailable"
    default_cache = caches["default"]
    is_available = getattr(default_cache, "is_available", None)
    cache_state = "ok" if is_available is None or is_available() else "unavailable"
    status = 200 if database == "ok" else 503
    response = JsonResponse({"database": database, "cache": cache_state}, status=status)
    if status == 503:
        response["Retry-After"] = str(settings.MAGAZINE_RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database outage anywhere in the request still gets the 503 page."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return defaults.server_error(request)
