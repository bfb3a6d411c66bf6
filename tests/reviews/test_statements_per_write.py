"""What a write costs in SQL statements, and that it writes only what the change touches.

A write's own row, its cache-tag invalidation (one clock value per transaction, reused by the
later invalidations in it) and the derived data it changes (the search row when searched text
changed, the taggings' goes-live time when the review's visibility changed): nothing else.

Statements per write on SQLite, counted as below (the SAVEPOINT/RELEASE pairs of a test's
transaction included; the clock read first, as a reader page would, so no clock value is
reused from the setup):

| write                                         | issue 14 filed | before | then | now |
|-----------------------------------------------|----------------|--------|------|-----|
| ReviewFactory(published=True, two new tags)   | 48             | 81     | 38   | 18  |
| services.review_publish (an editor)           | 19             | 50     | 10   | 10  |

The factory tags a review as the services and the admin's bulk actions do (reviews/tagging.py):
its tags cost 5 statements (the names, the new tags, their ids, the taggings, their
invalidation) where taggit's `tags.add()` took 25. Of the 18, 3 are the factory's own
get_or_create of the critic's person (a SELECT and a savepoint around the INSERT).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from magazine import freshness
from reviews import services, tallies
from reviews.models import Film, Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

FACTORY_REVIEW_BUDGET = 18
PUBLISH_BUDGET = 10  # 8, and the editor's permissions, read once per request


def statements(write) -> list[str]:
    freshness.read_clock()  # a reader read the clock: the write needs a new clock value
    with CaptureQueriesContext(connection) as captured:
        write()
    return [query["sql"] for query in captured.captured_queries]


def touches_search(sql: str) -> bool:
    """SQLite's FTS5 table, or PostgreSQL's stored vector being written."""
    return "review_fulltext" in sql or '"search_vector" =' in sql


def searched(word: str) -> list[int]:
    return list(Review.objects.search(word).values_list("pk", flat=True))


def test_a_factory_review_with_two_tags_stays_within_its_budget():
    ReviewFactory(published=True, tags=["warm-up"])  # content types, the clock row

    sql = statements(lambda: ReviewFactory(published=True, tags=["grief", "london"]))

    assert len(sql) <= FACTORY_REVIEW_BUDGET, "\n".join(sql)
    clock_moves = [s for s in sql if "'#clock'" in s or '"#clock"' in s]
    assert len(clock_moves) <= 1, "one clock value per transaction"


def test_a_publish_stays_within_its_budget_and_leaves_search_alone(editor):
    review = ReviewFactory(state=Review.State.APPROVED, headline="Ghosts of Croydon", tags=["x"])

    sql = statements(lambda: services.review_publish(review=review, user=editor))

    assert len(sql) <= PUBLISH_BUDGET, "\n".join(sql)
    assert not [s for s in sql if touches_search(s)]
    review.refresh_from_db()
    assert review.is_published
    assert review.tagged_items.get().review_published_at == review.publish_at
    assert searched("croydon") == [review.pk]


def test_search_follows_the_text_and_the_film_title_and_nothing_else():
    review = ReviewFactory(published=True, headline="Ghosts of Croydon")
    assert searched("croydon") == [review.pk]

    review.rating = 4
    sql = statements(review.save)
    assert not [s for s in sql if touches_search(s)]

    review.headline = "Ghosts of Peckham"
    review.save()
    assert searched("croydon") == []
    assert searched("peckham") == [review.pk]

    film = Film.objects.get(pk=review.film_id)
    film.synopsis = "A new synopsis."
    sql = statements(film.save)
    assert not [s for s in sql if touches_search(s)]
    film.title = "Lewisham Nights"
    film.save()
    assert searched("lewisham") == [review.pk]

    review.delete()
    assert searched("peckham") == []


def test_a_draft_saved_invalidates_nothing():
    draft = ReviewFactory(headline="A draft")
    draft.body = "Rewritten."
    sql = statements(draft.save)
    assert not [s for s in sql if "magazine_cachetag" in s]


def test_the_counts_are_kept_through_a_text_edit_and_made_again_after_a_publish(editor):
    published = ReviewFactory(published=True)
    approved = ReviewFactory(state=Review.State.APPROVED, critic=published.critic)
    assert tallies.reviews_by_critic() == {published.critic_id: 1}
    freshness.read_clock()

    published.body = "An edit of the text readers see, not of which reviews they see."
    published.save()
    assert freshness.fetch(["counts:critics"]) == {"counts:critics": {published.critic_id: 1}}

    services.review_publish(review=approved, user=editor)
    assert freshness.fetch(["counts:critics"]) == {}
    assert tallies.reviews_by_critic() == {published.critic_id: 2}


def test_an_invalidation_rolled_back_to_a_savepoint_is_made_again():
    from django.db import transaction

    freshness.read_clock()
    with transaction.atomic():
        freshness.invalidate(["review:1"])
        before = freshness._versions(["review:1"])["review:1"]
        try:
            with transaction.atomic():
                freshness.invalidate(["review:2"])
                raise RuntimeError
        except RuntimeError:
            pass
        freshness.invalidate(["review:2"])  # the first write of it was undone
        versions = freshness._versions(["review:1", "review:2"])
    assert versions == {"review:1": before, "review:2": before}
