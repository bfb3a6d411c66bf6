"""Survive: the database down, Redis down, and an editor's save during a database hiccup."""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.test import RequestFactory

from magazine import cache as tolerant_cache
from magazine.cache import TolerantRedisCache
from magazine.views import server_error
from reviews.models import Credit, Film
from tests.factories import PersonFactory, ReviewFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "127.0.0.1:1"  # nothing listens on port 1: connections are refused at once


class Outage:
    """Makes every new query fail the way psycopg fails when PostgreSQL has gone away."""

    def __init__(self):
        self.patch = pytest.MonkeyPatch()

    def start(self) -> None:
        def refuse(*args, **kwargs):
            raise OperationalError(
                'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
            )

        self.patch.setattr(connections["default"], "cursor", refuse)

    def end(self) -> None:
        self.patch.undo()


@pytest.fixture
def outage(db):
    outage = Outage()
    yield outage
    outage.end()  # before the test database is torn down


@pytest.fixture
def database_down(outage):
    outage.start()
    return outage


@pytest.mark.parametrize("url", ["/", "/reviews/a-review/", "/films/a-film/", "/health/"])
def test_database_down_gives_a_friendly_503_with_retry_after(client, database_down, url, caplog):
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    if url != "/health/":
        html = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert "will be back shortly" in html
        assert "Traceback" not in html and "OperationalError" not in html
    assert "database unavailable" in caplog.text.lower()


def test_an_editor_in_the_admin_gets_the_503_page_too(client, outage):
    client.force_login(UserFactory(username="editor", superuser=True))
    outage.start()

    response = client.get("/admin/reviews/review/")

    assert response.status_code == 503
    assert "will be back shortly" in response.content.decode()


def test_health_check_says_the_database_is_down(client, database_down):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_site_recovers_by_itself_when_the_database_returns(client, outage):
    ReviewFactory(headline="Still here", published=True)
    outage.start()
    assert client.get("/").status_code == 503
    assert client.get("/health/").status_code == 503

    outage.end()

    assert client.get("/health/").status_code == 200
    response = client.get("/")
    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_database_errors_outside_views_still_get_the_503_page(db):
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_other_errors_stay_500(db):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500


def test_a_refused_postgresql_connection_in_a_fresh_process_gives_503():
    """No patching: the real driver against a port where nothing listens."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "for url in ['/', '/reviews/x/', '/health/']:\n"
        "    r = c.get(url)\n"
        "    print(url, r.status_code, r.get('Retry-After'))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "magazine.settings.test",
        "DATABASE_URL": f"postgres://postgres@{CLOSED_PORT}/magazine_down",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["/ 503 30", "/reviews/x/ 503 30", "/health/ 503 30"]
    assert "Traceback" not in result.stderr


# An editor's save during a hiccup ---------------------------------------------------------


def film_form(person_pks: list[int], **fields) -> dict:
    data = {
        "title": "Strangers in the Night",
        "slug": "strangers-in-the-night",
        "year": "2023",
        "synopsis": "A screenwriter & a neighbour <meet> in a tower block; nothing is lost.",
        "credits-TOTAL_FORMS": str(len(person_pks)),
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "availabilities-TOTAL_FORMS": "0",
        "availabilities-INITIAL_FORMS": "0",
        "genre_links-TOTAL_FORMS": "0",
        "genre_links-INITIAL_FORMS": "0",
        "availabilities-MIN_NUM_FORMS": "0",
        "availabilities-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, pk in enumerate(person_pks):
        data |= {
            f"credits-{index}-person": str(pk),
            f"credits-{index}-role": "cast",
            f"credits-{index}-character": f"Character typed {index}",
            f"credits-{index}-billing_order": str(index + 1),
        }
    return data


def test_a_save_that_fails_half_way_keeps_nothing_and_gives_the_text_back(client, db, monkeypatch):
    client.force_login(UserFactory(username="editor", superuser=True))
    people = [PersonFactory().pk for _ in range(3)]
    original_save = Credit.save
    saved = []

    def flaky_save(self, *args, **kwargs):
        if len(saved) == 1:  # the film and one credit are written, then the database goes
            raise OperationalError("server closed the connection unexpectedly")
        original_save(self, *args, **kwargs)
        saved.append(self)

    monkeypatch.setattr(Credit, "save", flaky_save)
    response = client.post("/admin/reviews/film/add/", film_form(people))

    html = response.content.decode()
    assert response.status_code == 503
    assert saved and not Film.objects.exists() and not Credit.objects.exists()
    assert "Your changes were not saved" in html
    assert "A screenwriter &amp; a neighbour &lt;meet&gt; in a tower block" in html
    assert "Character typed 2" in html
    assert "csrfmiddlewaretoken" not in html and "TOTAL_FORMS" not in html


def test_the_same_save_with_the_database_up_commits_film_and_all_credits(client, db):
    client.force_login(UserFactory(username="editor", superuser=True))
    people = [PersonFactory().pk for _ in range(3)]

    response = client.post("/admin/reviews/film/add/", film_form(people))

    assert response.status_code == 302
    assert Film.objects.get().credits.count() == 3


def test_a_failed_login_post_never_echoes_the_password(client, database_down):
    response = client.post("/admin/login/", {"username": "editor", "password": "s3cret-pass"})

    assert response.status_code == 503
    assert "s3cret-pass" not in response.content.decode()


# Redis down -------------------------------------------------------------------------------


@pytest.fixture
def closed_redis():
    tolerant_cache._outages.clear()
    backend = TolerantRedisCache(
        f"redis://{CLOSED_PORT}/7", {"OPTIONS": {"socket_connect_timeout": 0.25}}
    )
    yield backend
    tolerant_cache._outages.clear()


def test_redis_down_reads_miss_and_writes_are_dropped(closed_redis, caplog):
    caplog.set_level(logging.WARNING, logger="magazine.cache")

    assert closed_redis.get("key", "default") == "default"
    closed_redis.set("key", "value")
    assert closed_redis.get_or_set("computed", lambda: 42) == 42
    assert closed_redis.get_many(["a", "b"]) == {}
    assert closed_redis.add("key", "value") is False
    closed_redis.delete("key")
    with pytest.raises(ValueError):
        closed_redis.incr("counter")
    assert closed_redis.is_available() is False
    warnings = [r for r in caplog.records if r.name == "magazine.cache"]
    assert len(warnings) == 1 and "serving uncached" in warnings[0].getMessage()


def test_redis_is_retried_after_the_pause(closed_redis, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(TolerantRedisCache, "clock", staticmethod(lambda: now[0]))
    calls = []
    monkeypatch.setattr(closed_redis, "_ping", lambda: calls.append(1) or True)

    closed_redis.get("key")  # fails for real and starts the pause
    assert closed_redis.is_available() is False and calls == []  # skipped during the pause
    now[0] += closed_redis.retry_after + 1
    assert closed_redis.is_available() is True and calls == [1]
    assert tolerant_cache._outages == {}


def test_pages_are_served_uncached_while_redis_is_down(client, db, settings, caplog):
    tolerant_cache._outages.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "magazine.cache.TolerantRedisCache",
            "LOCATION": f"redis://{CLOSED_PORT}/7",
            "OPTIONS": {"socket_connect_timeout": 0.25},
        }
    }
    ReviewFactory(headline="Served anyway", published=True)

    responses = [client.get("/") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "Served anyway" in responses[-1].content.decode()
    assert "Cache unavailable" in caplog.text
    health = client.get("/health/")
    assert health.status_code == 200 and health.json() == {"database": "ok", "cache": "unavailable"}
    tolerant_cache._outages.clear()


def test_pages_are_cached_when_the_cache_works(client, db, settings, django_assert_num_queries):
    cache.clear()
    ReviewFactory(headline="Cached page", published=True)
    client.get("/")

    with django_assert_num_queries(1):  # the versions of the page's tags
        response = client.get("/")

    assert "Cached page" in response.content.decode()
    cache.clear()


def test_the_configured_cache_round_trips(db):
    """Runs against Redis when REDIS_URL is set (the Redis pass of .ci/run), else memory."""
    cache.set("magazine-round-trip", {"ok": True}, 10)

    assert cache.get("magazine-round-trip") == {"ok": True}
    cache.delete("magazine-round-trip")
