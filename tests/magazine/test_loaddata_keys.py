"""Credits and availability windows keep their identity when their facts are corrected.

Their natural key is the film and a `key` made from what does not change (the person and role;
the kind, provider and region), so fixing a character's name or a window's dates by fixture
updates the row instead of adding a second one.
"""

import io
import json

import pytest
from django.core.management import call_command

from reviews.models import Availability, Credit
from tests.factories import AvailabilityFactory, CreditFactory, FilmFactory, PersonFactory
from tests.factories import fixture_objects as base_fixture
from tests.magazine.test_loaddata import load, load_fails, write

pytestmark = pytest.mark.django_db
FILM = ["all-of-us-strangers"]


def fixture_objects() -> list[dict]:
    objects = base_fixture()
    objects.insert(
        3, {"model": "people.person", "fields": {"name": "Jamie Bell", "slug": "jamie-bell"}}
    )
    objects.append(
        {
            "model": "reviews.credit",
            "fields": {
                "film": FILM,
                "person": ["jamie-bell"],
                "role": "cast",
                "character": "Adam's dad",
                "billing_order": 3,
            },
        }
    )
    return objects


def credit_of(objects, slug):
    return next(o["fields"] for o in objects if o["fields"].get("person") == [slug])


def window_of(objects):
    return next(o["fields"] for o in objects if o["model"] == "reviews.availability")


def test_correcting_a_character_updates_the_credit(tmp_path):
    objects = fixture_objects()
    load(write(tmp_path, objects))
    credit_of(objects, "jamie-bell")["character"] = "Adam's Dad"

    output = load(write(tmp_path, objects, "correction.json"))

    assert "1 updated" in output
    credits = Credit.objects.filter(person__slug="jamie-bell")
    assert [(c.character, c.key) for c in credits] == [("Adam's Dad", "jamie-bell-cast")]


def test_correcting_a_window_s_start_date_updates_the_window(tmp_path):
    objects = fixture_objects()
    load(write(tmp_path, objects))
    window_of(objects).update(starts_on="2024-03-08", ends_on="2025-01-31")

    load(write(tmp_path, objects, "correction.json"))

    window = Availability.objects.get()
    assert (str(window.starts_on), str(window.ends_on)) == ("2024-03-08", "2025-01-31")
    assert window.key == "streaming-hulu-us"


def test_a_correction_names_a_credit_by_film_and_key(tmp_path):
    load(write(tmp_path, fixture_objects()))
    correction = [
        {
            "model": "reviews.credit",
            "fields": {"film": FILM, "key": "jamie-bell-cast", "character": "Dad"},
        }
    ]
    load(write(tmp_path, correction, "correction.json"))
    assert Credit.objects.get(key="jamie-bell-cast").character == "Dad"
    assert Credit.objects.count() == 3


def test_two_roles_of_one_person_need_keys_of_their_own(tmp_path):
    objects = fixture_objects()
    twin = {
        "model": "reviews.credit",
        "fields": {**credit_of(objects, "jamie-bell"), "character": "Young Adam"},
    }
    message = load_fails(write(tmp_path, [*objects, twin]))
    assert 'reviews.credit ["all-of-us-strangers", "jamie-bell-cast"]: appears twice' in message
    assert 'give each a "key" of its own' in message

    twin["fields"]["key"] = "jamie-bell-cast-young-adam"
    load(write(tmp_path, [*objects, twin], "fixed.json"))
    assert Credit.objects.filter(person__slug="jamie-bell").count() == 2


def test_credits_and_windows_made_in_the_admin_get_keys_that_never_clash():
    film = FilmFactory()
    person = PersonFactory(slug="jamie-bell")
    first = CreditFactory(film=film, person=person, character="Dad")
    second = CreditFactory(film=film, person=person, character="Young Adam")
    assert (first.key, second.key) == ("jamie-bell-cast", "jamie-bell-cast-2")
    window = AvailabilityFactory(film=film, kind="theatrical", provider="", region="GB")
    assert window.key == "theatrical-gb"
    first.character = "Adam's Dad"
    first.save()
    first.refresh_from_db()
    assert first.key == "jamie-bell-cast"


def test_dumpdata_and_loaddata_round_trip_credits_and_windows(tmp_path):
    load(write(tmp_path, fixture_objects()))
    out = io.StringIO()
    call_command(
        "dumpdata",
        "reviews.credit",
        "reviews.availability",
        "--natural-foreign",
        "--natural-primary",
        stdout=out,
    )
    dumped = json.loads(out.getvalue())
    assert {o["fields"]["key"] for o in dumped} == {
        "andrew-haigh-director",
        "andrew-scott-cast",
        "jamie-bell-cast",
        "streaming-hulu-us",
    }
    output = load(write(tmp_path, dumped, "dump.json"))
    assert "0 created, 0 updated, 4 unchanged" in output
