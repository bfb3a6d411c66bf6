"""The reader's site beyond the review pages: feeds, sitemap, search, the tag, genre, film and
critic indexes and JSON-LD, with every stored field an attack (tests/magazine/conftest.py:
`poisoned`), and with unpublished reviews of every kind, which anonymous readers never find.

Feeds and the sitemap are parsed as XML and JSON-LD as JSON: a check on the raw text could
pass on markup a parser (a feed reader, a search engine) would still read as live.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.html import escape
from django.utils.text import slugify

from tests.factories import (
    HIDDEN_STATES,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    ReviewFactory,
)
from tests.markup import MarkupAudit, assert_no_live_markup, attack

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TAG_SLUG = slugify(attack("tag"))


@pytest.fixture
def poisoned_site(poisoned):
    """The poisoned review, its film in a genre whose name is an attack too."""
    genre = GenreFactory(name=attack("genre.name"), slug="poisoned-genre")
    poisoned.film.genres.add(genre)
    return poisoned


def feed_urls() -> list[str]:
    urls = []
    for base in ["/", "/critics/critic/", "/films/film/", f"/tags/{TAG_SLUG}/"]:
        urls += [f"{base}feed/", f"{base}feed/atom/"]
    return urls


def assert_inert_as_html(text: str, where: str) -> None:
    """Text a feed reader renders as HTML: no element, handler or unsafe link would come alive."""
    audit = MarkupAudit(text)
    assert "<" not in text, f"{where}: {text!r}"
    assert (audit.inline_scripts, audit.handlers, audit.unsafe_links) == ([], [], []), where


class TestFeeds:
    @pytest.mark.parametrize("url", feed_urls())
    def test_every_feed_is_well_formed_and_carries_attacks_only_as_text(
        self, client, poisoned_site, url
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)  # raises on anything that is not well-formed XML

        assert not [e.tag for e in root.iter() if e.tag.rsplit("}", 1)[-1].lower() == "script"]
        if root.tag == "rss":
            [item] = root.iter("item")
            # RSS readers render <description> as HTML: it arrives escaped. Titles are text
            # (RSS 2.0), escaped once by XML like Atom's: escaped again, readers showed
            # "&#x27;" for every apostrophe. No element can come out of the XML either way.
            assert_inert_as_html(item.findtext("description"), f"{url} description")
            assert item.findtext("title") == attack("review.headline")
            assert item.findtext("description") == escape(attack("review.standfirst"))
            assert item.findtext("link").startswith("http://testserver/reviews/poisoned/")
        else:
            [entry] = root.iter(f"{ATOM}entry")
            summary = entry.find(f"{ATOM}summary")
            assert summary.get("type") == "html"  # HTML: so it must arrive escaped
            assert_inert_as_html(summary.text, f"{url} summary")
            assert summary.text == escape(attack("review.standfirst"))
            title = entry.find(f"{ATOM}title")
            # Atom titles are plain text (no type="html"): readers must show them, not parse them.
            assert title.get("type") in {None, "text"}
            assert title.text == attack("review.headline")
            link = entry.find(f"{ATOM}link").get("href")
            assert link.startswith("http://testserver/reviews/poisoned/")


class TestSitemap:
    def test_sitemap_is_well_formed_and_every_address_is_ours(self, client, poisoned_site):
        index = ET.fromstring(client.get("/sitemap.xml").content)  # an index of sections
        sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        locations = []
        for section in sections:
            assert re.fullmatch(r"http://testserver/sitemap-[a-z]+\.xml", section), section
            root = ET.fromstring(client.get(section.removeprefix("http://testserver")).content)
            locations += [loc.text for loc in root.iter(f"{SITEMAP}loc")]

        assert "http://testserver/reviews/poisoned/" in locations
        assert f"http://testserver/tags/{TAG_SLUG}/" in locations
        for location in locations:
            assert re.fullmatch(r"http://testserver/[a-z0-9/_-]*", location), location


class TestSearch:
    def test_excerpts_mark_the_match_and_escape_everything_else(self, client, poisoned_site):
        html = client.get("/search/", {"q": "alert"}).content.decode()

        assert_no_live_markup(html)
        assert 'class="search-result"' in html
        excerpts = re.findall(r'<p class="search-result__excerpt">(.*?)</p>', html, re.S)
        assert excerpts and "<mark>alert</mark>" in excerpts[0]
        assert re.sub(r"</?mark>", "", excerpts[0]).count("<") == 0
        for field in ["review.headline", "film.title", "critic.byline"]:
            assert escape(attack(field)) in html, field

    @pytest.mark.parametrize(
        "query",
        [
            '"><script>alert(1)</script>',
            "</title><svg onload=alert(1)>",
            "alert</mark><script>alert(1)</script>",
            "javascript:alert(1)",
        ],
    )
    def test_the_query_itself_is_shown_escaped(self, client, poisoned_site, query):
        html = client.get("/search/", {"q": query}).content.decode()

        assert_no_live_markup(html)
        assert escape(query) in html


INDEX_PAGES = {
    "/tags/": ["tag"],
    f"/tags/{TAG_SLUG}/": ["tag", "review.headline", "review.standfirst", "film.title"],
    "/genres/poisoned-genre/": ["genre.name", "film.title"],
    "/films/": ["film.title", "genre.name"],
    "/films/year/2023/": ["film.title"],
    "/critics/": ["critic.byline"],
}


@pytest.mark.parametrize("url", INDEX_PAGES)
def test_index_pages_escape_stored_attacks(client, poisoned_site, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()

    assert_no_live_markup(html)
    for field in INDEX_PAGES[url]:
        assert escape(attack(field)) in html, f"{field} did not reach {url} escaped"


def strings_in(data):
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str):
        yield data


def json_ld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S | re.I)


@pytest.mark.parametrize("url", ["/reviews/poisoned/", "/films/film/"])
def test_json_ld_holds_attacks_as_data_and_cannot_be_broken_out_of(client, poisoned_site, url):
    html = client.get(url).content.decode()
    blocks = json_ld_blocks(html)

    assert len(blocks) == 1, url
    # The HTML parser ends the block at the first "</script" in any case: there must be none,
    # nor anything that opens a comment or CDATA the parser would treat specially.
    assert html.lower().count("</script") == html.lower().count("<script")
    for marker in ["</script", "<!--", "<script", "]]>"]:
        assert marker not in blocks[0].lower(), marker
    data = json.loads(blocks[0])
    # The attack is there, whole, as data once decoded: escaped for HTML, not mangled.
    assert attack("film.title") in set(strings_in(data))
    if url.startswith("/reviews/"):
        assert data["name"] == attack("review.headline")


# Visibility ------------------------------------------------------------------------------------


@pytest.fixture
def hidden_world(db, request):
    """A published review (the control) and, on a film, critic, tag and genre of its own, one
    review in the state under test, every name of it containing the word “Zephyrine”."""
    visible = ReviewFactory(
        headline="Visible review", slug="visible", published=True, tags=["visible-tag"]
    )
    visible.film.genres.add(GenreFactory(name="Visible genre", slug="visible-genre"))
    film = FilmFactory(title="Zephyrine film", slug="zephyrine-film", year=1999)
    film.genres.add(GenreFactory(name="Zephyrine genre", slug="zephyrine-genre"))
    hidden = ReviewFactory(
        film=film,
        critic=CriticFactory(byline="Zephyrine critic", slug="zephyrine-critic"),
        headline="Zephyrine hidden headline",
        slug="zephyrine-hidden",
        standfirst="Zephyrine hidden standfirst.",
        body="Zephyrine hidden body.",
        tags=["zephyrine-tag"],
        **HIDDEN_STATES[request.param],
    )
    # A second, hidden review of the visible film by the visible critic, with the visible tag.
    ReviewFactory(
        film=visible.film,
        critic=visible.critic,
        headline="Zephyrine second headline",
        slug="zephyrine-second",
        tags=["visible-tag"],
        **HIDDEN_STATES[request.param],
    )
    return visible, hidden


# What of the hidden reviews must never show. Their critic is a public name like any other
# (the critics index lists every active critic), so the byline itself is not a leak.
HIDDEN_MARKERS = [
    "zephyrine hidden",
    "zephyrine-hidden",
    "zephyrine second",
    "zephyrine-second",
    "zephyrine-tag",
    "zephyrine genre",
    "zephyrine-genre",
]

LISTINGS = [
    "/",
    "/feed/",
    "/feed/atom/",
    "/sitemap-reviews.xml",  # sitemap.xml is an index of these sections
    "/sitemap-films.xml",
    "/sitemap-critics.xml",
    "/sitemap-tags.xml",
    "/search/?q=zephyrine",
    "/search/?q=review",
    "/tags/",
    "/tags/visible-tag/",
    "/tags/visible-tag/feed/",
    "/genres/visible-genre/",
    "/films/",
    "/films/year/2023/",
    "/critics/",
]


@pytest.mark.parametrize("hidden_world", HIDDEN_STATES, indirect=True)
def test_anonymous_readers_find_no_unpublished_review_anywhere(client, hidden_world):
    visible, hidden = hidden_world
    urls = [
        *LISTINGS,
        visible.get_absolute_url(),
        visible.film.get_absolute_url(),
        f"{visible.film.get_absolute_url()}feed/",
        visible.critic.get_absolute_url(),
        f"{visible.critic.get_absolute_url()}feed/atom/",
    ]

    controls = [
        "visible review",
        "/reviews/visible/",
        visible.film.get_absolute_url(),
        visible.critic.get_absolute_url(),
        "/tags/visible-tag/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode().lower()
        leaks = [marker for marker in HIDDEN_MARKERS if marker in text]
        assert not leaks, (url, leaks)
        # The control: each listing shows the published review, its film, critic or tag.
        if url != "/search/?q=zephyrine":
            assert any(marker in text for marker in controls), url

    # Its own pages, tag, genre and year exist for readers only through published reviews.
    for url in [
        hidden.get_absolute_url(),
        "/tags/zephyrine-tag/",
        "/tags/zephyrine-tag/feed/",
        "/films/year/1999/",
    ]:
        assert client.get(url).status_code == 404, url
    # The film is in the public catalogue (its page, search), but not among reviewed films.
    for url in ["/films/", "/sitemap-films.xml", "/genres/zephyrine-genre/"]:
        assert "zephyrine-film" not in client.get(url).content.decode(), url
