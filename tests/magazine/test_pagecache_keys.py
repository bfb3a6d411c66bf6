"""Cache keys hold only the parameters a page reads: unknown query strings cannot flood the
cache (6,952 requests to /search/?q=night&cb=<uuid> made 6,952 copies before)."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from magazine.page_parameters import parameters_read_at
from magazine.pagecache import CACHE_HEADER
from tests.factories import ReviewFactory
from tests.magazine.test_hostile_parameters import READER_PAGES, catalogue, parameters_read  # noqa: F401


def cached_pages() -> int:
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        return sum(1 for key in cache._cache if ":page:" in key)
    client = cache._cache.get_client(write=False)
    return sum(1 for _ in client.scan_iter(match=f"{cache.key_prefix}*:page:*"))


@pytest.mark.django_db
def test_unknown_parameters_share_the_page_of_the_clean_address(client):
    ReviewFactory(published=True, headline="Night moves")

    first = client.get("/search/?q=night&cb=1")
    others = [client.get(f"/search/?q=night&cb={n}&utm_source=x") for n in range(2, 30)]
    clean = client.get("/search/?q=night")

    assert first[CACHE_HEADER] == "miss"
    assert {response[CACHE_HEADER] for response in [*others, clean]} == {"hit"}
    assert cached_pages() == 1


@pytest.mark.django_db
def test_parameters_a_page_reads_still_make_their_own_pages(client):
    ReviewFactory(published=True, film__title="Alpha", film__slug="alpha")
    ReviewFactory(published=True, film__title="Beta", film__slug="beta")

    a_films = client.get("/films/?letter=A")
    b_films = client.get("/films/?letter=B")
    page_two = client.get("/search/?q=night&page=2")

    assert b_films[CACHE_HEADER] == "miss"
    assert b"Alpha" in a_films.content and b"Alpha" not in b_films.content
    assert page_two.status_code == 404  # not the first page's copy


def test_every_reader_page_declares_every_parameter_it_reads(client, catalogue):  # noqa: F811
    undeclared = {}
    for name, url in READER_PAGES.items():
        path = url.format(**catalogue).partition("?")[0]
        with parameters_read() as seen:
            client.get(f"{path}?page=1&q=x&letter=A&p=1&unknown=1")
        if missing := seen - set(parameters_read_at(path)) - {"unknown"}:
            undeclared[name] = missing
    assert not undeclared
