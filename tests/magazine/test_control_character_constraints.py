"""The database refuses control characters in text readers see, on the paths that skip model
validation: a queryset update(), raw SQL, taggit's tags.add().

The validator names the field for people (tests/magazine/test_control_characters.py); these
tests show that the CHECK constraints made from the same ranges hold where no validator runs,
on SQLite and PostgreSQL alike, and that every allowed odd character is still stored.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import DataError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from library.models import Image
from magazine.control_characters import (
    REFUSED,
    TAG_CONSTRAINT,
    ContainsControlCharacter,
    ControlCharacterConstraint,
    refuse_control_characters,
    refuse_rows_with_control_characters,
)
from people.models import Critic, Person
from reviews.models import Availability, Correction, Credit, Film, Genre, Review
from tests.factories import (
    AvailabilityFactory,
    CorrectionFactory,
    CreditFactory,
    GenreFactory,
    LibraryImageFactory,
    ReviewFactory,
)
from tests.magazine.test_control_characters import ALLOWED_ODD
from tests.magazine.test_control_characters import REFUSED as REFUSED_CHARACTERS

pytestmark = pytest.mark.django_db

MODELS = [Image, Person, Critic, Genre, Film, Credit, Availability, Review, Correction]
POSTGRESQL = connection.vendor == "postgresql"


def ruled_columns() -> list:
    return [
        pytest.param(model, f, id=f"{model._meta.label_lower}.{f.name}")
        for model in MODELS
        for f in model._meta.concrete_fields
        if refuse_control_characters in f.validators
    ]


def one_of(model):
    """A saved row of `model`, made by its factory."""
    review = ReviewFactory()
    return {
        Image: lambda: LibraryImageFactory(),
        Person: lambda: review.critic.person,
        Critic: lambda: review.critic,
        Genre: lambda: GenreFactory(),
        Film: lambda: review.film,
        Credit: lambda: CreditFactory(film=review.film),
        Availability: lambda: AvailabilityFactory(film=review.film),
        Review: lambda: review,
        Correction: lambda: CorrectionFactory(review=review),
    }[model]()


def refused(write) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_every_ruled_column_has_its_constraint_and_no_other():
    for model in MODELS:
        ruled = {f.name for f in model._meta.fields if refuse_control_characters in f.validators}
        constrained = {
            c.field for c in model._meta.constraints if isinstance(c, ControlCharacterConstraint)
        }
        assert ruled == constrained, model


@pytest.mark.parametrize(("model", "field"), ruled_columns())
def test_a_bulk_update_and_raw_sql_are_refused_and_odd_text_is_stored(model, field):
    row = one_of(model)
    rows = model.objects.filter(pk=row.pk)
    width = field.max_length or 100
    message = refused(lambda: rows.update(**{field.attname: "Strangers\x0b"[-width:]}))
    assert f"{field.name}_no_control_chars" in message
    table, column = model._meta.db_table, connection.ops.quote_name(field.column)
    with connection.cursor() as cursor:
        message = refused(
            lambda: cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE id = %s",
                ["Strangers\x85"[-width:], row.pk],
            )
        )
    assert f"{field.name}_no_control_chars" in message
    # Everything odd but harmless still goes in, as far as the column is wide.
    odd = ALLOWED_ODD[-width:] if width < 10 else ALLOWED_ODD[:width]
    rows.update(**{field.attname: odd})
    assert rows.values_list(field.attname, flat=True).get() == odd


def test_each_refused_character_is_refused_by_the_database():
    review = ReviewFactory()
    rows = Review.objects.filter(pk=review.pk)
    checked = 0
    for character in REFUSED_CHARACTERS:
        if 0xD800 <= ord(character) <= 0xDFFF:
            continue  # the database drivers cannot even encode a lone surrogate: see below
        if character == "\x00" and POSTGRESQL:
            continue  # PostgreSQL text cannot hold NUL at all: see below
        refused(lambda c=character: rows.update(headline=f"A ghost{c}story"))
        checked += 1
    assert checked >= 60
    assert rows.get().headline == review.headline


def test_nul_and_lone_surrogates_never_reach_the_database():
    review = ReviewFactory()
    rows = Review.objects.filter(pk=review.pk)
    if POSTGRESQL:
        with pytest.raises(DataError, match="NUL"), transaction.atomic():
            rows.update(headline="A\x00B")
    else:
        # SQL can make characters no driver sends: the CHECK sees NUL among them.
        with connection.cursor() as cursor:
            for made in ["char(0)", "char(11)", "char(159)", "char(65535)"]:
                refused(
                    lambda m=made: cursor.execute(
                        f"UPDATE reviews_review SET headline = 'A' || {m} || 'B' WHERE id = %s",
                        [review.pk],
                    )
                )
    with pytest.raises(UnicodeEncodeError), transaction.atomic():
        rows.update(headline="A\ud800B")
    assert rows.get().headline == review.headline


def test_tag_names_are_refused_by_the_database_on_every_path():
    review = ReviewFactory()
    # taggit makes a missing tag with a plain create(): no validation runs.
    message = refused(lambda: review.tags.add("gri\x0bef"))
    assert TAG_CONSTRAINT in message
    review.tags.add("grief")
    tag = Tag.objects.get(name="grief")
    assert TAG_CONSTRAINT in refused(lambda: Tag.objects.filter(pk=tag.pk).update(name="g\x9f"))
    with connection.cursor() as cursor:
        message = refused(
            lambda: cursor.execute(
                "INSERT INTO taggit_tag (name, slug) VALUES (%s, %s)", ["b\x01", "b"]
            )
        )
    assert TAG_CONSTRAINT in message
    Tag.objects.filter(pk=tag.pk).update(name=ALLOWED_ODD)
    assert Tag.objects.get(pk=tag.pk).name == ALLOWED_ODD


def test_full_clean_names_the_field_once_and_leaves_the_database_out_of_it():
    review = ReviewFactory()
    review.full_clean()
    review.headline = "A\x0bB"
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        review.full_clean()
    checks = [q["sql"] for q in queries if "GLOB" in q["sql"] or "::text ~" in q["sql"]]
    assert not checks
    assert error.value.message_dict == {"headline": [error.value.message_dict["headline"][0]]}
    assert "U+000B at position 2" in error.value.message_dict["headline"][0]


def test_the_query_expression_finds_what_the_validator_refuses():
    odd = ReviewFactory(headline=f"Fine {ALLOWED_ODD}"[:200])
    assert not Review.objects.filter(ContainsControlCharacter("headline")).exists()
    assert Review.objects.exclude(ContainsControlCharacter("headline")).get() == odd
    assert not REFUSED.search(odd.headline)


def with_rows_breaking_the_rule(review):
    """Put a control character into a headline as an older database could hold one."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks to block ALTER
            cursor.execute(
                "ALTER TABLE reviews_review "
                "DROP CONSTRAINT reviews_review_headline_no_control_chars"
            )
            cursor.execute("UPDATE reviews_review SET headline = %s", ["Old\x0bnews"])
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                cursor.execute("UPDATE reviews_review SET headline = %s", ["Old\x0bnews"])
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_the_migration_stops_naming_each_row_that_breaks_the_rule():
    from django.apps import apps

    check = refuse_rows_with_control_characters(
        {"reviews.Review": ("headline", "body"), "taggit.Tag": ("name",)}
    )
    review = ReviewFactory()
    check(apps, connection.schema_editor())  # nothing to report: nothing happens
    with_rows_breaking_the_rule(review)
    with pytest.raises(CommandError) as error:
        check(apps, connection.schema_editor())
    assert f"reviews.review pk {review.pk}, field 'headline': U+000B at position 4" in str(
        error.value
    )
    assert "body" not in str(error.value)
