"""Every feed kind parses cleanly in feedparser and holds what feed readers rely on."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from reviews.models import Review

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_feed_parses_with_titles_as_typed_absolute_links_and_tag_ids(client, catalogue):
    headlines = set(Review.objects.published().values_list("headline", flat=True))
    problems = []
    for kind, url in catalogue.feeds.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        feed = feedparser.parse(response.content)
        if feed.bozo:
            problems.append(f"{kind}: not well formed: {feed.bozo_exception}")
        if not feed.feed.get("link", "").startswith("http://testserver/"):
            problems.append(f"{kind}: feed link {feed.feed.get('link')!r} is not absolute")
        assert feed.entries, kind
        for entry in feed.entries:
            if entry.title not in headlines:
                problems.append(f"{kind}: title {entry.title!r} is not a headline as typed")
            if not entry.link.startswith("http://testserver/reviews/"):
                problems.append(f"{kind}: entry link {entry.link!r} is not absolute")
            if not entry.id.startswith("tag:"):
                problems.append(f"{kind}: entry id {entry.id!r} is not a tag: URI")
            author = entry.get("author_detail", {})
            if "atom" in kind and not author.get("href", "").startswith("http://testserver/"):
                problems.append(f"{kind}: author URI {author.get('href')!r} is not absolute")
    assert problems == [], "\n".join(problems)


def test_rss_escapes_titles_and_categories_once(client, catalogue):
    raw = client.get(catalogue.feeds["rss"]).content.decode()
    # Titles are text, escaped once by XML (descriptions are HTML, escaped once more).
    raw_titles = re.findall(r"<title>(.*?)</title>", raw)
    assert any("&amp; &lt;ghosts&gt;" in title for title in raw_titles), raw_titles
    assert not [title for title in raw_titles if re.search(r"&amp;(#x27|amp|lt|quot);", title)]
    root = ET.fromstring(raw)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert catalogue.rated.headline in titles
    categories = {category.text for category in root.iter("category")}
    assert set(catalogue.rated.tags.values_list("name", flat=True)) <= categories


def test_entry_ids_survive_a_slug_change(client, catalogue):
    before = {entry.id for entry in feedparser.parse(client.get("/feed/atom/").content).entries}
    review = catalogue.rated
    review.slug = "a-new-address"
    review.save()
    after = feedparser.parse(client.get("/feed/atom/").content).entries
    assert {entry.id for entry in after} == before
    rss = feedparser.parse(client.get("/feed/").content).entries
    assert {entry.id for entry in rss} == before  # RSS guids are the same tag: URIs


def test_atom_entries_have_what_the_spec_requires(client, catalogue):
    for kind, url in catalogue.feeds.items():
        if "atom" not in kind:
            continue
        root = ET.fromstring(client.get(url).content)
        for name in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{name}") is not None, (kind, name)
        assert root.find(f"{ATOM}link[@rel='self']") is not None, kind
        for entry in root.iter(f"{ATOM}entry"):
            for name in ("id", "title", "updated", "author/" + ATOM + "name", "summary"):
                assert entry.find(f"{ATOM}{name}") is not None, (kind, name)


@pytest.mark.parametrize(
    "page, rss, atom",
    [
        ("critic", "critic rss", "critic atom"),
        ("tag", "tag rss", "tag atom"),
        ("film", "film rss", "film atom"),
        ("review (rated, with image)", "critic rss", "critic atom"),
    ],
)
def test_pages_advertise_both_their_feeds(client, catalogue, page, rss, atom):
    import lxml.html

    document = lxml.html.fromstring(client.get(catalogue.pages[page]).content)
    advertised = {
        (link.get("type"), link.get("href")) for link in document.xpath("//link[@rel='alternate']")
    }
    assert ("application/rss+xml", catalogue.feeds[rss]) in advertised
    assert ("application/atom+xml", catalogue.feeds[atom]) in advertised
