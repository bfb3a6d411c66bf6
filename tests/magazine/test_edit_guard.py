"""No silent overwrite on any model editors share in the admin: a save made from a copy older
than the saved one is refused, says what changed, and keeps what was typed (magazine.edit_guard).
Every refused form also lists its errors at the top, each linked to its field."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from library.models import Image
from people.models import Critic, Person
from reviews.models import Assignment, Availability, Film, Genre
from tests.factories import (
    AssignmentFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    LibraryImageFactory,
    PersonFactory,
    fixture_object,
    fixture_objects,
)

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """What the admin change form in `response` posts as it stands, inlines included."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
            elif isinstance(value, datetime.datetime):
                data[bound.html_name] = value.strftime("%Y-%m-%dT%H:%M")
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    data["_continue"] = "Save and continue editing"
    return data


def open_form(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, change_form_data(response)


@pytest.fixture
def two_editors(client, editor, superuser):
    from django.test import Client

    second = Client()
    client.force_login(editor)
    second.force_login(superuser)
    return client, second


def test_two_editors_on_one_film_the_second_save_is_refused_and_keeps_its_typing(two_editors):
    first, second = two_editors
    film = FilmFactory(title="Strangers", runtime_minutes=100, synopsis="Old synopsis.")
    url, first_data = open_form(first, film)
    _, second_data = open_form(second, film)

    first.post(url, {**first_data, "runtime_minutes": "105", "imdb_id": "tt21192142"})
    refused = second.post(url, {**second_data, "synopsis": "A screenwriter meets his parents."})

    assert refused.status_code == 200
    page = refused.text
    assert "Someone else saved this film after you opened it" in page
    assert "Changed Runtime minutes and IMDb ID" in page  # what the first editor changed
    differences = page.split('class="edit-guard-differences"')[1].split("</table>")[0]
    assert "Runtime minutes" in differences and "105" in differences and "100" in differences
    assert "IMDb ID" in differences and "tt21192142" in differences
    assert "A screenwriter meets his parents." in page  # kept in the form
    film.refresh_from_db()
    assert (film.runtime_minutes, film.imdb_id, film.synopsis) == (
        105,
        "tt21192142",
        "Old synopsis.",
    )

    # The form shown again carries the new version: saving it after reading is deliberate.
    again = change_form_data(refused)
    again.update(runtime_minutes="105", imdb_id="tt21192142")
    saved = second.post(url, again)
    assert saved.status_code == 302
    film.refresh_from_db()
    assert (film.runtime_minutes, film.imdb_id, film.synopsis) == (
        105,
        "tt21192142",
        "A screenwriter meets his parents.",
    )


@pytest.mark.parametrize(
    ("factory", "field", "first_value", "second_value"),
    [
        (PersonFactory, "name", "Andrew Haigh", "Andrew T. Haigh"),
        (CriticFactory, "byline", "Kimber Myers", "K. Myers"),
        (GenreFactory, "name", "Drama", "Dramas"),
        (LibraryImageFactory, "alt_text", "Two men on a bus", "Two men at night"),
        (AssignmentFactory, "note", "About 900 words.", "Due with a still."),
    ],
)
def test_people_critics_genres_images_and_assignments_refuse_a_stale_save(
    two_editors, factory, field, first_value, second_value
):
    first, second = two_editors
    obj = factory()
    url, first_data = open_form(first, obj)
    _, second_data = open_form(second, obj)

    assert first.post(url, {**first_data, field: first_value}).status_code == 302
    refused = second.post(url, {**second_data, field: second_value})

    assert refused.status_code == 200
    assert "after you opened it" in refused.text
    obj.refresh_from_db()
    assert getattr(obj, field) == first_value


def test_a_stale_save_writes_none_of_its_inline_rows(two_editors):
    first, second = two_editors
    film = FilmFactory()
    url, first_data = open_form(first, film)
    _, second_data = open_form(second, film)
    first.post(url, {**first_data, "synopsis": "Changed first."})

    second_data.update(
        {
            "availabilities-0-kind": "streaming",
            "availabilities-0-provider": "Hulu",
            "availabilities-0-region": "US",
            "availabilities-0-starts_on": "2024-03-01",
        }
    )
    refused = second.post(url, second_data)

    assert refused.status_code == 200
    assert not Availability.objects.exists()
    assert 'value="Hulu"' in refused.text  # the typed row is still in the form


def test_every_save_moves_the_version_on_whatever_the_path():
    for model, obj in [
        (Film, FilmFactory()),
        (Genre, GenreFactory()),
        (Person, PersonFactory()),
        (Critic, CriticFactory()),
        (Image, LibraryImageFactory()),
        (Assignment, AssignmentFactory()),
    ]:
        before = model.objects.get(pk=obj.pk).version
        obj.save()
        assert model.objects.get(pk=obj.pk).version == before + 1


def test_a_form_with_errors_lists_each_one_at_the_top_with_a_link(client, editor):
    film = FilmFactory(title="Strangers")
    client.force_login(editor)
    url, data = open_form(client, film)

    page = client.post(url, {**data, "runtime_minutes": "-1", "imdb_id": "nope"}).text

    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert "Not saved: 2 problems to fix" in summary
    assert '<a href="#id_runtime_minutes">Runtime minutes</a>' in summary
    assert '<a href="#id_imdb_id">IMDb ID</a>: An IMDb ID looks like tt21192142.' in summary


def test_an_import_moves_the_version_so_a_form_opened_before_it_is_refused(
    client, editor, tmp_path
):
    objects = fixture_objects()
    call_command("loaddata", write_fixture(tmp_path, objects, "first.json"), verbosity=0)
    film = Film.objects.get(slug="all-of-us-strangers")
    client.force_login(editor)
    url, opened = open_form(client, film)

    fixture_object(objects, "reviews.film", "all-of-us-strangers")["runtime_minutes"] = 106
    call_command("loaddata", write_fixture(tmp_path, objects, "second.json"), verbosity=0)
    refused = client.post(url, {**opened, "synopsis": "Typed before the import."})

    assert refused.status_code == 200 and "after you opened it" in refused.text
    assert Film.objects.get(pk=film.pk).runtime_minutes == 106


def write_fixture(tmp_path, objects, name) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(objects))
    return str(path)
