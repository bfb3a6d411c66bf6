"""Pages that list a critic's reviews read them from an index already in their order.

SQLite (the embedded default) plans without statistics unless someone runs ANALYZE: there the
critic page read every critic's published reviews newest first and kept one critic's (7.2 ms
of SQL at 100,000 reviews, 0.24 ms from the right index). The index's columns give the page's
order (publish time, then id), so the planner takes it with or without statistics.
"""

from __future__ import annotations

import pytest
from django.db import connection

from magazine.sitemaps import PersonSitemap
from reviews.models import Review
from tests.factories import CriticFactory, ReviewFactory

pytestmark = pytest.mark.django_db

INDEX = "review_critic_listing"


def test_the_critic_index_holds_the_critic_pages_order():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Review._meta.db_table)
    assert constraints[INDEX]["columns"] == ["critic_id", "state", "publish_at", "id", "film_id"]


def test_a_critics_page_of_reviews_is_read_from_the_critic_index_without_sorting():
    critic = CriticFactory()
    ReviewFactory(published=True, critic=critic)
    page = Review.objects.published().filter(critic=critic).for_listing().latest_first()[:21]
    sql, params = page.query.get_compiler(using="default").as_sql()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL plans with statistics; a handful of test rows would be read whole.
            # Without scans and sorts to choose, the only plan left is the index in order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(
            f"EXPLAIN {sql}" if connection.vendor == "postgresql" else f"EXPLAIN QUERY PLAN {sql}",
            params,
        )
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())

    assert INDEX in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_people_sitemap_reads_each_persons_credits_by_person_and_never_sorts():
    # As `film__in=<films with published reviews>`, SQLite probed every such film for every
    # person (65 s at 100,000 reviews); sorted by name, a page checked and sorted everyone.
    ReviewFactory(published=True)
    page = PersonSitemap().items()[:2000]
    sql, params = page.query.get_compiler(using="default").as_sql()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            # The page itself (its limit and what feeds it) is read in order, not sorted.
            assert not any("Sort" in line for line in lines[:2]), lines
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            rows = cursor.fetchall()
            top = [detail for _, parent, _, detail in rows if parent == 0]
            credits = [detail for *_, detail in rows if "reviews_credit" in detail]
            assert not any("TEMP B-TREE" in detail for detail in top), rows
            assert credits and all("person_id" in detail for detail in credits), rows
