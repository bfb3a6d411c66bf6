"""The framework floor for the benchmark: a view that returns fixed bytes and does nothing else.

Routed only by bench/urls.py, the benchmark settings' root URLconf; the site never has it. The
size is the review page's, set by bench/run.py through MAGAZINE_BENCH_FLOOR_BYTES, so the floor
and the page send the same bytes.
"""

import os

from django.http import HttpRequest, HttpResponse

FLOOR_BYTES = int(os.environ.get("MAGAZINE_BENCH_FLOOR_BYTES", "16384"))
FLOOR_BODY = (b"<!doctype html><title>floor</title>" + b"x" * FLOOR_BYTES)[:FLOOR_BYTES]


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR_BODY, content_type="text/html; charset=utf-8")
