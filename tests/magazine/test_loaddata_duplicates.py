"""A new review of a film by a critic who already has one of the same kind in the database is
a likely duplicate (the same piece under a new slug): loaddata refuses it, naming both, unless
told --allow-duplicates."""

import pytest

from reviews.models import Review
from tests.factories import fixture_object, fixture_objects
from tests.magazine.test_loaddata import load, load_fails, write

pytestmark = pytest.mark.django_db


def second_copy(slug: str = "strangers-km-2") -> dict:
    fields = dict(fixture_object(fixture_objects(), "reviews.review", "strangers-kimber-myers"))
    return {"model": "reviews.review", "fields": {**fields, "slug": slug}}


def test_a_review_matching_one_in_the_database_under_a_new_slug_is_refused(tmp_path):
    load(write(tmp_path, fixture_objects()))

    message = load_fails(write(tmp_path, [second_copy()], "batch.json"))

    assert message.startswith("Nothing was loaded: 1 new review(s) look like copies of reviews in")
    assert (
        'batch.json, object 1: reviews.review ["strangers-km-2"]: the same film, critic and '
        'kind as “A ghost story about learning to be loved” ["strangers-kimber-myers"] '
        "(in the database)"
    ) in message
    assert "--allow-duplicates" in message
    assert not Review.objects.filter(slug="strangers-km-2").exists()


def test_reviews_new_in_the_same_load_are_not_compared_with_each_other(tmp_path):
    """A restored backup (dumpdata, flush, loaddata) holds whatever editors made."""
    load(write(tmp_path, [*fixture_objects(), second_copy()]))
    assert Review.objects.filter(kind="review").count() == 2


def test_allow_duplicates_loads_them(tmp_path):
    load(write(tmp_path, fixture_objects()))
    load(write(tmp_path, [second_copy()], "batch.json"), allow_duplicates=True)
    assert Review.objects.filter(kind="review").count() == 2


def test_another_kind_of_piece_by_the_same_critic_is_not_a_duplicate(tmp_path):
    load(write(tmp_path, fixture_objects()))
    capsule = second_copy("strangers-capsule")
    capsule["fields"]["kind"] = "capsule"
    load(write(tmp_path, [capsule], "batch.json"))
    assert Review.objects.count() == 3
