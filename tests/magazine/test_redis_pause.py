"""An unpublish during a Redis pause is never undone (issue 16, item 1).

With the page cache in a real Redis: pages are cached, Redis is paused (`CLIENT PAUSE ...
ALL`), and during the pause a reader's page is rendered (its write to Redis waits in Redis's
queue and lands after the pause) and an editor unpublishes the review. Once Redis answers
again, neither the review's page, nor the home page, its film page or the feed may show it:
the invalidation is written in the database with the unpublish, so what Redis holds (or
receives late) is checked against it.

The test starts its own redis-server on a free port (CLIENT PAUSE stops a whole server: a
shared one would stall everyone else's tests).
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from bench.nginx_stack import free_ports
from magazine import cache as tolerant_cache
from magazine.pagecache import CACHE_HEADER
from reviews import services
from tests.factories import ReviewFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

PAUSE_SECONDS = 3


@pytest.fixture
def redis_url(tmp_path):
    port = free_ports(1)[0]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["production options", "every call tried"])
def redis_pages(request, settings, redis_url):
    """The page cache and parts in that Redis, as production has them with REDIS_URL (the
    first failure makes the backend skip Redis for 5 s, so writes in that time are dropped),
    and with every call tried (writes made during the pause are sent, queued by Redis and
    carried out after it, late)."""
    tolerant_cache._outages.clear()
    options = {**settings.PRODUCTION_REDIS_OPTIONS}
    if request.param == "every call tried":
        options["retry_after"] = 0
    settings.CACHES = {
        "default": {
            "BACKEND": "magazine.cache.TolerantRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "pause-test",
            "OPTIONS": options,
        }
    }
    caches["default"].clear()
    yield redis.Redis.from_url(redis_url)
    tolerant_cache._outages.clear()


def test_an_unpublish_during_a_redis_pause_is_never_undone(client, editor, redis_pages):
    review = ReviewFactory(published=True, headline="Pulled for legal reasons")
    other = ReviewFactory(published=True, headline="Still standing")
    pages = ["/", review.get_absolute_url(), review.film.get_absolute_url(), "/feed/"]
    for url in pages:
        assert "Pulled for legal reasons" in client.get(url).text, url
        assert client.get(url)[CACHE_HEADER] == "hit", url
    cached_keys = redis_pages.dbsize()

    redis_pages.execute_command("CLIENT", "PAUSE", PAUSE_SECONDS * 1000, "ALL")
    paused_at = time.monotonic()
    # A reader renders a page during the pause; its write waits in Redis and lands later.
    assert "Pulled for legal reasons" in client.get("/").text
    services.review_unpublish(review=review, user=editor)  # 302 in the admin: the same call
    # While Redis cannot answer, nothing cached is served and the database decides.
    assert client.get(review.get_absolute_url()).status_code == 404
    # Redis answers again after the pause; the backend tries it again after its retry_after.
    retry_after = caches["default"].retry_after
    time.sleep(max(0, PAUSE_SECONDS + retry_after + 0.5 - (time.monotonic() - paused_at)))

    assert redis_pages.ping()
    assert redis_pages.dbsize() >= cached_keys  # the stale pages are still in Redis...
    for _ in range(2):  # ...and never served, however often asked
        assert client.get(review.get_absolute_url()).status_code == 404
        for url in ["/", review.film.get_absolute_url(), "/feed/"]:
            assert "Pulled for legal reasons" not in client.get(url).text, url
    assert "Still standing" in client.get(other.get_absolute_url()).text
    # Readers are served from Redis again: the cache works as before.
    client.get("/")
    assert client.get("/")[CACHE_HEADER] == "hit"
