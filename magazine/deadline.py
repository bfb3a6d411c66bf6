"""No request holds a gunicorn worker thread beyond a set time.

gunicorn's own `timeout` never fires for gthread workers while one thread is busy (the main
thread keeps the heartbeat), so each worker runs a watchdog (started from gunicorn.conf.py):
- after `limit` seconds a request's thread gets a RequestTimeout raised inside it, which the
  middleware below turns into a 503 "took too long" page, and the worker lives on;
- if the thread is stuck in C code and has not given up `grace` seconds later, the worker
  exits and gunicorn starts a fresh one (what a sync worker's timeout does).
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("magazine.deadline")


class RequestTimeout(Exception):
    """Raised inside a request that ran past the time limit."""


class Watchdog:
    def __init__(
        self, *, limit: float, grace: float, on_stuck: Callable[[], None] | None = None
    ) -> None:
        self.limit = limit
        self.grace = grace
        self.on_stuck = on_stuck or self._exit_worker
        self._started: dict[int, float] = {}
        self._interrupted: dict[int, float] = {}
        self._lock = threading.Lock()

    def begin(self) -> None:
        with self._lock:
            self._started[threading.get_ident()] = time.monotonic()

    def end(self) -> None:
        ident = threading.get_ident()
        with self._lock:
            self._started.pop(ident, None)
            self._interrupted.pop(ident, None)

    def check(self) -> None:
        now = time.monotonic()
        with self._lock:
            for ident, started in list(self._started.items()):
                interrupted = self._interrupted.get(ident)
                if interrupted is None and now - started > self.limit:
                    self._interrupted[ident] = now
                    logger.error("Request ran past %s s: interrupting it.", self.limit)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(ident), ctypes.py_object(RequestTimeout)
                    )
                elif interrupted is not None and now - interrupted > self.grace:
                    logger.critical("Request still running %s s after its limit.", self.grace)
                    self.on_stuck()
                    return

    def start(self) -> threading.Thread:
        def loop() -> None:
            while True:
                time.sleep(min(0.25, self.limit / 4))
                self.check()

        thread = threading.Thread(target=loop, name="request-watchdog", daemon=True)
        thread.start()
        return thread

    @staticmethod
    def _exit_worker() -> None:
        logging.shutdown()
        os._exit(1)  # gunicorn's arbiter starts a new worker in its place


class RequestTimeoutMiddleware:
    """A request interrupted by the watchdog answers 503 with a plain message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RequestTimeout):
            return None
        response = HttpResponse(
            "This took too long and was stopped. Nothing was half-saved: try again, and if a "
            "very long text is involved, shorten it.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
