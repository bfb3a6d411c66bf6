"""The sitemap index and its sections are valid against the sitemaps.org schemas, every address
they list answers 200, and every public page a reader can reach is listed."""

import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import xmlschema

from .tools import SCHEMAS

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"
# Not pages for search engines: the editors' side, previews, feeds, searches (noindex).
NOT_LISTED = ("/admin/", "/preview/", "/search/", "/static/", "/media/")


def listed(client) -> dict[str, str | None]:
    index_schema = xmlschema.XMLSchema(SCHEMAS / "siteindex.xsd")
    section_schema = xmlschema.XMLSchema(SCHEMAS / "sitemap.xsd")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index_schema.validate(response.content.decode())
    index = ET.fromstring(response.content)
    entries = {}
    for section in index.iter(f"{NS}sitemap"):
        assert section.findtext(f"{NS}lastmod"), section.findtext(f"{NS}loc")
        response = client.get(section.findtext(f"{NS}loc").removeprefix(BASE))
        assert response.status_code == 200
        section_schema.validate(response.content.decode())
        for url in ET.fromstring(response.content).iter(f"{NS}url"):
            entries[url.findtext(f"{NS}loc")] = url.findtext(f"{NS}lastmod")
    return entries


def reachable_pages(client) -> set[str]:
    """Every page a reader can reach by following links from the home page (no query strings:
    pages 2, 3... and the A–Z letters are views of listed pages)."""
    seen, queue = set(), ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        document = lxml.html.fromstring(response.content)
        for href in document.xpath("//a/@href"):
            parts = urlsplit(urljoin(BASE + path, href))
            if parts.netloc != "testserver" or parts.path.startswith(NOT_LISTED):
                continue
            if "/feed/" in parts.path:
                continue
            queue.append(parts.path)
    return {BASE + path for path in seen}


def test_sitemaps_are_valid_list_every_public_page_with_lastmod(client, catalogue):
    entries = listed(client)

    assert [url for url, lastmod in entries.items() if not lastmod] == []
    for url in entries:
        assert client.get(url.removeprefix(BASE)).status_code == 200, url
    assert sorted(reachable_pages(client) - set(entries)) == []
    assert BASE + catalogue.draft.get_absolute_url() not in entries
