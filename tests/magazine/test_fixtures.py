"""The demo fixture: natural keys, loads twice without duplicates, renders the site."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from people.models import Critic, Person
from reviews.models import Availability, Credit, Film, Review, TaggedReview

pytestmark = pytest.mark.django_db

MODELS = [Person, Critic, Film, Credit, Availability, Review, TaggedReview]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_fixture_loads_twice_without_duplicates():
    call_command("loaddata", "demo", verbosity=0)
    first = counts()
    call_command("loaddata", "demo", verbosity=0)
    assert counts() == first
    assert first["Review"] == 2 and first["Critic"] == 2 and first["Film"] == 1


def test_demo_fixture_holds_the_seed_film(client: Client):
    call_command("loaddata", "demo", verbosity=0)
    film = Film.objects.get(slug="all-of-us-strangers")
    assert film.year == 2023
    assert [p.name for p in film.directors] == ["Andrew Haigh"]
    assert {(c.person.name, c.character) for c in film.cast} >= {
        ("Andrew Scott", "Adam"),
        ("Paul Mescal", "Harry"),
        ("Jamie Bell", "Dad"),
        ("Claire Foy", "Mum"),
    }
    assert film.source_material == "Strangers, the novel by Taichi Yamada"
    kinds = set(Review.objects.published().values_list("kind", flat=True))
    assert kinds == {"review", "retrospective"}

    for review in Review.objects.published():
        assert review.body_html.startswith("<p>")
        response = client.get(review.get_absolute_url())
        assert response.status_code == 200
        assert review.critic.bio in response.content.decode().replace("&#x27;", "'")


def test_a_second_load_of_the_demo_changes_nothing():
    call_command("loaddata", "demo", verbosity=0)
    film = Film.objects.get(slug="all-of-us-strangers")
    out = io.StringIO()
    call_command("loaddata", "demo", stdout=out)
    assert "0 created, 0 updated, 33 unchanged, 0 review revision(s) recorded" in out.getvalue()
    assert Film.objects.get(slug="all-of-us-strangers").updated_at == film.updated_at


def test_demo_review_pages_name_the_film_on_imdb_in_json_ld(client: Client):
    call_command("loaddata", "demo", verbosity=0)
    assert Film.objects.get(slug="all-of-us-strangers").imdb_id == "tt21192142"
    for review in Review.objects.published():
        html = client.get(review.get_absolute_url()).content.decode()
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        movie = json.loads(block)["itemReviewed"]
        assert movie["name"] == "All of Us Strangers"
        assert movie["sameAs"] == ["https://www.imdb.com/title/tt21192142/"]


def test_fixture_refers_by_slug_not_id():
    from pathlib import Path

    from django.conf import settings

    references = {"person", "critic", "film", "content_object", "tag"}
    for entry in json.loads(Path(settings.BASE_DIR, "fixtures", "demo.json").read_text()):
        assert "pk" not in entry, entry
        for name, value in entry["fields"].items():
            if name in references:
                assert isinstance(value, list) and all(isinstance(v, str) for v in value), entry
