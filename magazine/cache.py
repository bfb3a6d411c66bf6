"""The two cache backends: Redis that never takes the site down, and files every worker of a
machine shares (the embedded default).

A Redis cache that never takes the site down: when Redis is unreachable it acts as a miss.

Reads return the default, writes are dropped, and the outage is logged once when it starts and
once when it ends. While Redis is down, calls skip it for `retry_after` seconds instead of
waiting on a connect timeout in every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("magazine.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Shared by the per-thread cache objects Django creates, keyed by server location.
_outages: dict[str, float] = {}
_lock = threading.Lock()


class TolerantRedisCache(RedisCache):
    retry_after = 5.0  # seconds to skip Redis after a failure
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", self.retry_after))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)

    def _call(self, method: Callable, fallback: Any, *args) -> Any:
        down_until = _outages.get(self._location)
        if down_until is not None and self.clock() < down_until:
            return fallback
        try:
            result = method(*args)
        except UNAVAILABLE as error:
            with _lock:
                if self._location not in _outages:
                    logger.warning(
                        "Cache unavailable (%s); serving uncached until it returns.", error
                    )
                _outages[self._location] = self.clock() + self.retry_after
            return fallback
        if down_until is not None:
            with _lock:
                if _outages.pop(self._location, None) is not None:
                    logger.warning("Cache available again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError in Django's contract; an outage looks the same.
        result = self._call(super().incr, None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)

    def is_available(self) -> bool:
        """Ping Redis now (for the health check), recording an outage like any other call."""
        return self._call(self._ping, False)

    def _ping(self) -> bool:
        return bool(self._cache.get_client(write=False).ping())


class SharedFileCache(FileBasedCache):
    """Django's file cache, culled every `cull_every` writes instead of on each one.

    Every worker of a machine reads and writes the same files, so a page rendered by one is a
    hit for all. The stock backend lists the whole folder on every write to decide whether to
    cull (tens of milliseconds at a catalogue's 100,000 pages); here a process lists it once
    per `cull_every` writes, and the folder may exceed MAX_ENTRIES by that much meanwhile.
    Eviction is random: it can only cost a miss, since freshness is checked against the tag
    versions in the database, never assumed from presence in the cache.
    """

    cull_every = 1000

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.cull_every == 0:
            super()._cull()
