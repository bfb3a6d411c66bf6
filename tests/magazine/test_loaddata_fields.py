"""Field values loaddata refuses with a message that says what would be right."""

import datetime

import pytest

from reviews.models import Film, Review
from tests.factories import fixture_object, fixture_objects
from tests.magazine.test_loaddata import REVIEW, assert_nothing_loaded, load, load_fails, write

pytestmark = pytest.mark.django_db


def test_a_publish_time_without_a_zone_is_refused_showing_it_with_one(tmp_path, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["publish_at"] = (
        "2023-12-20T14:00:00"
    )
    message = load_fails(write(tmp_path, objects))
    assert (
        f'{REVIEW}, field "publish_at": "2023-12-20T14:00:00" has no time zone. Write it with '
        'one: "2023-12-20T14:00:00Z" for UTC, or "2023-12-20T14:00:00-08:00" for '
        "America/Los_Angeles (the desk's zone) on that date"
    ) in message
    assert_nothing_loaded()


def test_a_date_alone_for_a_moment_is_refused(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.film")["review_embargo_until"] = "2023-12-22"
    message = load_fails(write(tmp_path, objects))
    assert 'field "review_embargo_until": "2023-12-22" has no time zone' in message
    assert '"2023-12-22T00:00:00Z" for UTC' in message


def test_times_with_a_zone_load_as_that_moment(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["publish_at"] = (
        "2023-12-20T06:00:00-08:00"
    )
    fixture_object(objects, "reviews.film")["review_embargo_until"] = "2023-12-18T09:00:00Z"
    load(write(tmp_path, objects))
    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.publish_at == datetime.datetime(2023, 12, 20, 14, tzinfo=datetime.UTC)
    assert Film.objects.get().review_embargo_until.hour == 9


@pytest.mark.parametrize(
    ("model", "slug", "field", "value", "valid"),
    [
        (
            "reviews.review",
            "strangers-kimber-myers",
            "state",
            "live",
            '"draft", "in_review", "approved", "published", "unpublished"',
        ),
        (
            "reviews.review",
            "strangers-kimber-myers",
            "kind",
            "essay",
            '"review", "retrospective", "capsule"',
        ),
        (
            "reviews.availability",
            None,
            "kind",
            "rent",
            '"theatrical", "streaming", "rent_buy", "tv"',
        ),
        ("reviews.film", None, "source_kind", "book", '"novel", "short_story", "play"'),
    ],
)
def test_a_wrong_choice_lists_the_valid_values(tmp_path, model, slug, field, value, valid):
    objects = fixture_objects()
    fixture_object(objects, model, slug)[field] = value
    message = load_fails(write(tmp_path, objects))
    assert f"field \"{field}\": Value '{value}' is not a valid choice. Valid values: {valid}" in (
        message
    )
    assert_nothing_loaded()


DOCUMENTED_ELSEWHERE = {
    "created_at",  # the timestamps: one paragraph for every model that has them
    "updated_at",
    "body_html",  # derived: worked out by the loader
    "word_count",
    "search_vector",
}


def accepted_fields(model) -> set[str]:
    meta = model._meta
    return {
        f.name
        for f in [*meta.concrete_fields, *meta.many_to_many]
        if f.serialize and not f.primary_key
    } - DOCUMENTED_ELSEWHERE


@pytest.mark.parametrize(
    "label",
    [
        "library.image",
        "people.person",
        "people.critic",
        "reviews.genre",
        "reviews.film",
        "reviews.credit",
        "reviews.availability",
        "reviews.review",
        "taggit.tag",
        "reviews.taggedreview",
    ],
)
def test_every_field_the_loader_accepts_is_documented_with_type_rules_and_example(label):
    from pathlib import Path

    from django.apps import apps

    docs = (Path(__file__).resolve().parents[2] / "docs" / "fixtures.md").read_text()
    section = docs.split(f"#### `{label}`")[1].split("\n#### ")[0].split("\n### ")[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    for name in accepted_fields(apps.get_model(label)):
        row = next((r for r in rows if r.split("|")[1].strip() == f"`{name}`"), None)
        assert row is not None, f"{label}.{name} is not documented"
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert all(cells[1:4]), f"{label}.{name} needs a type, rules and an example: {row}"
