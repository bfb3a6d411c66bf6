import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_sitemap_lists_published_pages_with_lastmod(client):
    review = ReviewFactory(
        published=True,
        tags=["grief"],
        publish_at=timezone.now() - datetime.timedelta(days=3),
    )
    draft = ReviewFactory(headline="Draft")
    scheduled = ReviewFactory(
        state=Review.State.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(days=1)
    )

    entries = sitemap_entries(client)

    base = "http://testserver"
    assert entries[base + review.get_absolute_url()] == "2025-03-10"
    assert entries[base + review.film.get_absolute_url()] == "2025-03-10"
    assert entries[base + review.critic.get_absolute_url()]
    assert entries[base + "/tags/grief/"] == "2025-03-07"
    assert base + "/" in entries and base + "/films/" in entries
    assert base + draft.get_absolute_url() not in entries
    assert base + scheduled.get_absolute_url() not in entries
    assert base + draft.film.get_absolute_url() not in entries


def test_sitemap_query_budget_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(30):
        ReviewFactory(published=True, tags=["grief"])
    with django_assert_max_num_queries(11):
        client.get("/sitemap.xml")


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
