"""No text readers or feeds see can hold a control character, whichever way it is stored.

C0 and C1 control characters (other than tab, line feed and carriage return), DEL, lone
surrogates and U+FFFE/U+FFFF cannot be shown on a page or written into XML: one stored in a
headline made every feed answer 500. One model-level rule refuses them on every path (the
admin, full_clean, loaddata); every other character, however odd, reaches the feeds intact.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from taggit.models import Tag

from library.models import Image
from magazine.control_characters import refuse_control_characters
from people.models import Critic, Person
from reviews.models import Availability, Correction, Credit, Film, Genre, Review
from tests.factories import (
    AvailabilityFactory,
    CorrectionFactory,
    CreditFactory,
    ReviewFactory,
    fixture_object,
    fixture_objects,
)
from tests.magazine.test_loaddata import load_fails, write

pytestmark = pytest.mark.django_db

REFUSED = [
    *(chr(code) for code in range(0x00, 0x20) if chr(code) not in "\t\n\r"),
    *(chr(code) for code in range(0x7F, 0xA0)),
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
]
# Odd but harmless: whitespace of every kind, invisible joiners and marks, bidi overrides,
# private use, astral characters, and what XML escapes.
ALLOWED_ODD = (
    "\tCR\r\nLF\n\u00a0\u00ad\u200b\u200d\u200e\u202e\u202c\u2028\u2029\ufeff\ufffd\ue000"
    "e\u0301 <b>&amp; ]]> \"'\U0001f3ac clapper\U0001f3ac"
)
READER_MODELS = [Image, Person, Critic, Genre, Film, Credit, Availability, Review, Correction, Tag]
# Text that is not free text: checked by its own rules (slugs, choices, a zone name, an ID
# pattern) or never written by people.
NOT_FREE_TEXT = {"imdb_id", "review_embargo_timezone", "import_fingerprint"}


def free_text_fields(model):
    for f in model._meta.concrete_fields:
        if (
            isinstance(f, models.CharField | models.TextField)
            and not isinstance(f, models.SlugField)
            and not f.choices
            and f.editable
            and f.name not in NOT_FREE_TEXT
        ):
            yield f


def shown(character: str) -> str:
    return f"U+{ord(character):04X}"


@pytest.mark.parametrize("model", READER_MODELS, ids=lambda m: m._meta.label_lower)
def test_every_free_text_field_readers_see_has_the_rule(model):
    fields = list(free_text_fields(model))
    assert fields
    for f in fields:
        assert refuse_control_characters in f.validators, f"{model.__name__}.{f.name}"


def test_the_validator_refuses_each_character_and_names_it():
    for character in REFUSED:
        with pytest.raises(ValidationError) as error:
            refuse_control_characters(f"Strangers{character}")
        assert shown(character) in error.value.messages[0]
        assert "position 10" in error.value.messages[0]
    refuse_control_characters(ALLOWED_ODD)


def test_full_clean_refuses_each_character_naming_the_field():
    review = ReviewFactory()
    for character in REFUSED:
        review.headline = f"A ghost story{character}"
        with pytest.raises(ValidationError) as error:
            review.full_clean()
        assert list(error.value.message_dict) == ["headline"], shown(character)


def test_loaddata_refuses_each_character_naming_the_file_object_and_field(tmp_path):
    for character in REFUSED:
        objects = fixture_objects()
        fixture_object(objects, "reviews.review", "strangers-kimber-myers")["headline"] = (
            f"A ghost{character}story"
        )
        message = load_fails(write(tmp_path, objects))
        assert (
            'import.json, object 10: reviews.review ["strangers-kimber-myers"], field '
            f'"headline": Contains the control character {shown(character)}'
        ) in message, shown(character)
    assert not Review.objects.exists()


def test_loaddata_refuses_control_characters_in_tags_and_credits(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "taggit.tag")["name"] = "gri\x0bef"
    credit = next(o for o in objects if o["fields"].get("character"))
    credit["fields"]["character"] = "Adam\x00"
    message = load_fails(write(tmp_path, objects))
    assert 'field "name": Contains the control character U+000B' in message
    assert 'field "character": Contains the control character U+0000' in message


def test_the_admin_form_refuses_each_character_naming_the_field(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    review = ReviewFactory()
    form_class = admin.site._registry[Review].get_form(request, review)
    for character in REFUSED:
        data = {
            "film": review.film_id,
            "critic": review.critic_id,
            "kind": review.kind,
            "headline": "A ghost story",
            "slug": review.slug,
            "standfirst": f"Ten{character}der",
            "body": "Words.",
            "rating": "",
            "tags": f"gri{character}ef",
            "version": review.version,
        }
        form = form_class(data, instance=review)
        assert not form.is_valid()
        assert {"standfirst", "tags"} <= set(form.errors), shown(character)


def test_the_admin_page_shows_the_message_at_the_field(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/people/person/add/", {"name": "Jamie\x0bBell", "slug": "jamie-bell", "bio": ""}
    )
    assert response.status_code == 200
    assert "Contains the control character U+000B at position 6" in response.content.decode()
    assert not Person.objects.filter(slug="jamie-bell").exists()


def test_every_allowed_odd_character_survives_every_feed(client):
    review = ReviewFactory(
        published=True,
        headline=f"Headline {ALLOWED_ODD}",
        standfirst=f"Standfirst {ALLOWED_ODD}",
        body=f"Body {ALLOWED_ODD}",
        tags=["odd\u200bsigns"],
    )
    for model, text in [(review.film, "title"), (review.critic, "byline"), (review.critic, "bio")]:
        setattr(model, text, f"{getattr(model, text)} {ALLOWED_ODD}")
        model.full_clean()
        model.save()
    review.critic.person.name = f"Name {ALLOWED_ODD}"
    review.critic.person.full_clean()
    review.critic.person.save()
    CreditFactory(film=review.film, character=f"Adam {ALLOWED_ODD}")
    AvailabilityFactory(film=review.film, provider=f"Hulu {ALLOWED_ODD}")
    CorrectionFactory(review=review, text=f"Corrected {ALLOWED_ODD}")
    review.full_clean()

    urls = [
        "/feed/",
        "/feed/atom/",
        f"/critics/{review.critic.slug}/feed/",
        f"/critics/{review.critic.slug}/feed/atom/",
        f"/films/{review.film.slug}/feed/",
        f"/films/{review.film.slug}/feed/atom/",
        f"/tags/{review.tags.get().slug}/feed/",
        f"/tags/{review.tags.get().slug}/feed/atom/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = ET.tostring(ET.fromstring(response.content), encoding="unicode")
        assert "clapper\U0001f3ac" in text, url
    for url in [review.get_absolute_url(), review.film.get_absolute_url(), "/"]:
        assert client.get(url).status_code == 200, url
    assert json.loads(json.dumps(ALLOWED_ODD)) == ALLOWED_ODD
