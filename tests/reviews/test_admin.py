"""The newsroom's review list and form: bounded queries, and no full count under filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_review_changelist_query_budget(admin_client, django_assert_max_num_queries):
    ReviewFactory.create_batch(30, published=True)
    # session, user, critic filter, count, page of reviews, publish_at filter needs none
    with django_assert_max_num_queries(6):
        response = admin_client.get("/admin/reviews/review/")
    assert response.status_code == 200


def test_filtered_review_changelist_counts_once(admin_client):
    ReviewFactory.create_batch(3, published=True)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get("/admin/reviews/review/?state__exact=published")
    counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1


def test_review_change_page_query_budget(admin_client, django_assert_max_num_queries):
    review = ReviewFactory(published=True, tags=["drama"])
    # workflow box, history, revisions, changes not yet public: fixed, not per row
    with django_assert_max_num_queries(14):
        response = admin_client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert response.status_code == 200
