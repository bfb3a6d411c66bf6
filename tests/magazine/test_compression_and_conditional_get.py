"""Reader pages, feeds and sitemaps go out compressed, and answer If-Modified-Since as well as
If-None-Match: with a Last-Modified that moves exactly when the page's content does."""

import gzip

import pytest
from django.utils.http import parse_http_date

from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def review():
    # Enough entries that every response is worth compressing (Django leaves out a response
    # that gzip would not make smaller).
    ReviewFactory.create_batch(5, published=True)
    return ReviewFactory(published=True, tags=["grief"], body="A long paragraph. " * 80)


def urls(review) -> list[str]:
    return [
        "/",
        review.get_absolute_url(),
        review.film.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/sitemap-reviews.xml",
    ]


@pytest.mark.parametrize("cache_seconds", [600, 0], ids=["page cache on", "page cache off"])
def test_html_feeds_and_sitemaps_are_gzipped_for_clients_that_ask(
    client, review, settings, cache_seconds
):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = cache_seconds
    for url in urls(review):
        plain = client.get(url)
        for _ in range(2):  # a miss, then (with the page cache on) a hit
            packed = client.get(url, headers=GZIP)
            assert packed.get("Content-Encoding") == "gzip", (url, len(plain.content))
            assert "Accept-Encoding" in packed["Vary"], url
            assert gzip.decompress(packed.content) == plain.content, url
        assert not plain.has_header("Content-Encoding"), url


@pytest.mark.parametrize("cache_seconds", [600, 0], ids=["page cache on", "page cache off"])
def test_if_modified_since_alone_gets_a_304_until_the_page_changes(
    client, review, settings, cache_seconds
):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = cache_seconds
    since = {}
    for url in urls(review):
        first = client.get(url)
        assert first.status_code == 200
        since[url] = first["Last-Modified"]
        assert parse_http_date(since[url])

        again = client.get(url, headers={"if-modified-since": since[url]})
        assert again.status_code == 304, url

    review.headline = "A new headline"
    review.save()
    # The reviews' sitemap lists addresses and days, which a new headline leaves as they were.
    for url in urls(review):
        changed = client.get(url, headers={"if-modified-since": since[url]})
        if url == "/sitemap-reviews.xml":
            assert changed.status_code == 304
            continue
        assert changed.status_code == 200, url
        assert parse_http_date(changed["Last-Modified"]) > parse_http_date(since[url]), url


def test_an_unchanged_page_keeps_its_last_modified_after_the_cache_forgets_it(
    client, review, settings
):
    from django.core.cache import caches

    url = review.get_absolute_url()
    first = client.get(url)["Last-Modified"]
    caches["default"].clear()  # the page cache expired (or another worker answers)
    assert client.get(url)["Last-Modified"] == first
    assert client.get(url, headers={"if-modified-since": first}).status_code == 304


def test_a_change_within_the_same_second_still_moves_last_modified(client, clock):
    review = ReviewFactory(published=True)
    url = review.get_absolute_url()
    first = client.get(url)["Last-Modified"]
    review.headline = "Changed a moment later"
    review.save()  # the clock is stopped: the same second
    response = client.get(url, headers={"if-modified-since": first})
    assert response.status_code == 200
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(first)


def test_static_files_are_precompressed_with_brotli_as_well_as_gzip(tmp_path):
    """What collectstatic does to each file (CompressedManifestStaticFilesStorage): with the
    `brotli` package installed, WhiteNoise writes a .br beside the .gz and serves it."""
    import shutil

    import brotli
    from django.conf import settings
    from whitenoise.compress import Compressor

    css = tmp_path / "site.css"
    shutil.copy(settings.BASE_DIR / "static" / "css" / "site.css", css)

    written = set(Compressor(quiet=True).compress(str(css)))

    assert written == {f"{css}.gz", f"{css}.br"}
    assert brotli.decompress((tmp_path / "site.css.br").read_bytes()) == css.read_bytes()


def test_static_addresses_are_looked_up_once_and_stay_the_same(tmp_path, settings):
    """The hashed address of a static file is the manifest's, whether asked once or often."""
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from magazine.static_storage import StaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(
        '{"version": "1.1", "paths": {"a.css": "a.123abc.css"}, "hash": "x"}'
    )
    ours = StaticFilesStorage(location=tmp_path, base_url="/static/")
    stock = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert ours.url("a.css") == ours.url("a.css") == stock.url("a.css") == "/static/a.123abc.css"
    assert ours._urls == {"a.css": "/static/a.123abc.css"}
    with pytest.raises(ValueError):  # a file missing from the manifest is still refused
        ours.url("missing.css")
