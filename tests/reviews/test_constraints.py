"""The database itself refuses states, kinds, roles and ratings the code does not know, on
every path (an ORM .update(), raw SQL, a restore); a row broken anyway (written before the
constraints, or with them off) shows in the admin as broken instead of failing the page."""

import contextlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reviews.models import (
    Availability,
    Credit,
    Film,
    Review,
    ReviewRevision,
    ReviewTransition,
)
from tests.factories import AvailabilityFactory, CreditFactory, ReviewFactory, UserFactory


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        {"state": "bogus"},
        {"kind": "bogus"},
        {"rating": Decimal("0")},
        {"rating": Decimal("5.5")},
        {"rating": Decimal("3.3")},
        {"rating": Decimal("-1")},
    ],
)
def test_a_review_update_outside_the_rules_is_refused_by_the_database(db, values):
    review = ReviewFactory()

    assert refused(Review.objects.filter(pk=review.pk), **values)


@pytest.mark.parametrize("rating", [None, Decimal("0.5"), Decimal("3.5"), Decimal("5")])
def test_ratings_in_half_stars_are_accepted(db, rating):
    review = ReviewFactory()

    assert not refused(Review.objects.filter(pk=review.pk), rating=rating)


def test_raw_sql_cannot_set_an_unknown_state(db):
    review = ReviewFactory()

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Review._meta.db_table} SET state = 'bogus' WHERE id = %s", [review.pk]
        )


def test_every_other_choice_field_is_checked(db):
    credit = CreditFactory()
    availability = AvailabilityFactory()
    review = ReviewFactory()
    revision = ReviewRevision.objects.create(review=review, data={})

    assert refused(Credit.objects.filter(pk=credit.pk), role="bogus")
    assert refused(Availability.objects.filter(pk=availability.pk), kind="bogus")
    assert refused(Film.objects.filter(pk=credit.film_id), source_kind="bogus")
    assert not refused(Film.objects.filter(pk=credit.film_id), source_kind="")
    assert refused(ReviewRevision.objects.filter(pk=revision.pk), source="bogus")
    assert {f.name for f in ReviewTransition._meta.fields if f.choices} == {
        "from_status",
        "to_status",
    }


def test_every_choice_field_has_a_check_constraint_allowing_exactly_its_choices():
    mismatched = []
    for model in apps.get_models():
        if model._meta.app_label not in {"reviews", "people"}:
            continue
        constraints = {c.name: c for c in model._meta.constraints}
        for field in model._meta.fields:
            if not field.choices:
                continue
            constraint = constraints.get(f"{model._meta.db_table}_{field.name}_known")
            choices = {value for value, _ in field.choices} | ({""} if field.blank else set())
            allowed = (
                set(dict(constraint.condition.children)[f"{field.name}__in"])
                if constraint
                else None
            )
            if allowed != choices:
                mismatched.append((f"{model.__name__}.{field.name}", allowed, choices))
    assert not mismatched


@contextlib.contextmanager
def checks_off():
    """Write a row the constraints would refuse, as a database restored from before them."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        name = f"{Review._meta.db_table}_state_known"
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks, so ALTER may run
            cursor.execute(f"ALTER TABLE {Review._meta.db_table} DROP CONSTRAINT {name}")
        yield  # the test's transaction is rolled back, constraint and all


def test_the_admin_shows_a_review_with_a_broken_state_instead_of_failing(client, db):
    review = ReviewFactory(headline="Broken row")
    with checks_off():
        Review.objects.filter(pk=review.pk).update(state="bogus")
    client.force_login(UserFactory(superuser=True))

    changelist = client.get(reverse("admin:reviews_review_changelist"))
    change = client.get(reverse("admin:reviews_review_change", args=[review.pk]))

    assert changelist.status_code == 200
    assert "Broken row" in changelist.text
    assert change.status_code == 200
    assert "bogus" in change.text
