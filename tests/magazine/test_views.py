"""The home page: a query budget that does not grow with the catalogue, and no count(*)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from magazine.pagination import UncountedPaginator
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_home_page_query_budget_with_a_cold_cache(client, django_assert_max_num_queries):
    ReviewFactory.create_batch(15, published=True)
    # 1 list query, 1 next-scheduled-publish lookup for the page cache
    with django_assert_max_num_queries(3):  # + the invalidation clock
        response = client.get("/")
    assert response.status_code == 200


def test_home_page_never_counts_the_reviews(client):
    ReviewFactory.create_batch(3, published=True)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_home_page_links_to_older_reviews_only_when_there_are_some(client):
    ReviewFactory.create_batch(14, published=True)  # a lead story and 12 more per page
    first = client.get("/")
    assert first.context["page_obj"].has_next()
    second = client.get("/?page=2")
    assert len(second.context["reviews"]) == 1
    assert not second.context["page_obj"].has_next()
    assert client.get("/?page=3").status_code == 404


@pytest.mark.parametrize("page", ["0", "abc", str(UncountedPaginator.max_pages + 1)])
def test_out_of_range_pages_are_404s_not_errors(client, page):
    ReviewFactory(published=True)
    assert client.get(f"/?page={page}").status_code == 404
