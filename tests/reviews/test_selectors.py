"""`published_in_order`: what the search and topic pages read once they have a page of ids."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reviews.models import Review
from reviews.page_queries import LISTED_REVIEWS_BY_ID
from reviews.selectors import published_in_order
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_reviews_come_in_the_order_of_the_ids_without_those_readers_may_not_see(
    django_assert_num_queries,
):
    older, newer = ReviewFactory(published=True), ReviewFactory(published=True)
    draft = ReviewFactory()
    scheduled = ReviewFactory(
        state=Review.State.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    missing = max(review.pk for review in (older, newer, draft, scheduled)) + 1

    with django_assert_num_queries(1):
        found = published_in_order(
            LISTED_REVIEWS_BY_ID, [newer.pk, draft.pk, missing, scheduled.pk, older.pk]
        )

    assert found == [newer, older]


def test_a_review_unpublished_after_its_id_was_read_is_left_out():
    review = ReviewFactory(published=True)
    ids = list(Review.objects.published().values_list("pk", flat=True))
    Review.objects.filter(pk=review.pk).update(state=Review.State.UNPUBLISHED)

    assert published_in_order(LISTED_REVIEWS_BY_ID, ids) == []
    assert published_in_order(LISTED_REVIEWS_BY_ID, []) == []
