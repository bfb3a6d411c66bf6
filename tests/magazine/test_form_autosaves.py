"""Autosave for the admin's change forms (films, people, critics, genres): one mechanism,
`magazine.form_autosaves` with `FormAutosave` rows keyed by kind of object and object (or by
the open form of a new object), per person; bounded in size and number; offered back to its
own author only, for objects they may change or add; removed by the save it was typed for."""

import json
import uuid

import pytest
from django.urls import reverse

from magazine import form_autosaves
from magazine.models import FormAutosave
from people.models import Person
from reviews.models import Film
from tests.factories import CriticFactory, FilmFactory, GenreFactory, PersonFactory

from .test_edit_guard import open_form

pytestmark = pytest.mark.django_db


def typed(**fields) -> str:
    return json.dumps({"fields": [[k, v] for k, v in fields.items()], "labels": {}})


def autosave_url(obj) -> str:
    return reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_form_autosave", args=[obj.pk]
    )


NEW_FILM_URL = "/admin/reviews/film/add/form-autosave/"


def test_typing_in_a_film_change_form_is_kept_and_offered_back_to_its_author(client, editor):
    film = FilmFactory(synopsis="The saved synopsis.")
    client.force_login(editor)

    response = client.post(autosave_url(film), {"data": typed(synopsis="Typed, not saved.")})

    assert response.status_code == 200 and response.json()["saved"] is True
    film.refresh_from_db()
    assert film.synopsis == "The saved synopsis."  # an autosave never touches the film
    draft = FormAutosave.objects.get()
    assert (draft.author, draft.object_id, draft.content_type.model) == (
        editor,
        str(film.pk),
        "film",
    )
    assert draft.fields == [["synopsis", "Typed, not saved."]]
    # Again with the same typing: nothing new; with more typing: the same row, updated.
    assert client.post(
        autosave_url(film), {"data": typed(synopsis="Typed, not saved.")}
    ).json() == {
        "saved": False,
        "message": "No changes since the last autosave.",
    }
    client.post(autosave_url(film), {"data": typed(synopsis="Typed some more.")})
    assert FormAutosave.objects.get().fields == [["synopsis", "Typed some more."]]

    form = client.get(reverse("admin:reviews_film_change", args=[film.pk]))
    offered = json.loads(
        form.text.split('id="form-autosave-data" type="application/json">')[1].split("</script>")[0]
    )
    assert [d["fields"] for d in offered] == [[["synopsis", "Typed some more."]]]
    # Offered, not applied: the form itself still holds the saved synopsis.
    assert form.context["adminform"].form["synopsis"].value() == "The saved synopsis."


def test_saving_the_form_removes_the_draft(client, editor):
    film = FilmFactory()
    client.force_login(editor)
    url, data = open_form(client, film)
    client.post(autosave_url(film), {"data": typed(synopsis="Typed first.")})

    response = client.post(url, {**data, "synopsis": "Saved now."})

    assert response.status_code == 302
    assert not FormAutosave.objects.exists()


def test_a_new_film_is_autosaved_per_open_form_and_its_save_removes_it(client, editor):
    client.force_login(editor)
    form = client.get("/admin/reviews/film/add/")
    key = form.context["form_autosave"]["key"]
    assert f'name="form_autosave_key" value="{key}"' in form.text

    client.post(NEW_FILM_URL, {"data": typed(title="Strangers"), "form_autosave_key": key})
    other = str(uuid.uuid4())
    client.post(NEW_FILM_URL, {"data": typed(title="Another tab"), "form_autosave_key": other})

    assert set(FormAutosave.objects.values_list("key", flat=True)) == {
        uuid.UUID(key),
        uuid.UUID(other),
    }
    offered = client.get("/admin/reviews/film/add/").context["form_autosave"]["drafts"]
    assert [d["fields"][0][1] for d in offered] == ["Another tab", "Strangers"]

    data = {
        "title": "Strangers",
        "slug": "strangers-2023",
        "year": "2023",
        "review_embargo_timezone": "UTC",
        "source_kind": "",
        "form_autosave_key": key,
        **{
            f"{p}-{n}": v
            for p in ("credits", "availabilities")
            for n, v in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    response = client.post("/admin/reviews/film/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Film.objects.filter(slug="strangers-2023").exists()
    assert list(FormAutosave.objects.values_list("key", flat=True)) == [uuid.UUID(other)]


def test_a_new_object_without_a_valid_key_is_refused(client, editor):
    client.force_login(editor)
    response = client.post(NEW_FILM_URL, {"data": typed(title="x"), "form_autosave_key": "nope"})
    assert response.status_code == 400 and "reload it" in response.json()["message"]
    assert not FormAutosave.objects.exists()


@pytest.mark.parametrize(
    "payload",
    ["not json", json.dumps({"fields": "x"}), json.dumps({"fields": [["a", 1]]}), json.dumps([1])],
)
def test_what_is_not_a_forms_fields_is_refused(client, editor, payload):
    client.force_login(editor)
    response = client.post(autosave_url(FilmFactory()), {"data": payload})
    assert response.status_code == 400 and response.json()["message"] == "Not a form's fields."
    assert not FormAutosave.objects.exists()


def test_size_limits(client, editor):
    client.force_login(editor)
    film = FilmFactory()
    too_long = typed(synopsis="x" * form_autosaves.MAX_CHARS)
    response = client.post(autosave_url(film), {"data": too_long})
    assert response.status_code == 400 and "Too long to autosave" in response.json()["message"]
    too_many = json.dumps({"fields": [["f", "v"]] * (form_autosaves.MAX_FIELDS + 1)})
    response = client.post(autosave_url(film), {"data": too_many})
    assert response.status_code == 400 and "Too many fields" in response.json()["message"]
    assert not FormAutosave.objects.exists()


def test_only_the_newest_drafts_are_kept(editor):
    for number in range(form_autosaves.NEW_KEPT + 2):
        form_autosaves.form_autosave_keep(
            user=editor,
            model=Film,
            object_id=None,
            key=uuid.uuid4(),
            payload=typed(title=f"{number}"),
        )
    films = FilmFactory.create_batch(form_autosaves.CHANGES_KEPT + 1)
    for film in films:
        form_autosaves.form_autosave_keep(
            user=editor, model=Film, object_id=film.pk, key=None, payload=typed(title="t")
        )
    # Another kind of object has its own allowance.
    person = PersonFactory()
    form_autosaves.form_autosave_keep(
        user=editor, model=Person, object_id=person.pk, key=None, payload=typed(name="n")
    )

    new = FormAutosave.objects.filter(object_id="")
    assert sorted(d.fields[0][1] for d in new) == ["2", "3", "4", "5", "6"]
    kept = FormAutosave.objects.filter(content_type__model="film").exclude(object_id="")
    assert kept.count() == form_autosaves.CHANGES_KEPT
    assert not kept.filter(object_id=str(films[0].pk)).exists()
    assert FormAutosave.objects.filter(content_type__model="person").count() == 1


def test_a_user_who_may_not_change_the_object_can_neither_store_nor_read(client, writer, editor):
    """A writer may add a film but not change one: no autosave of a film's change form."""
    film = FilmFactory()
    form_autosaves.form_autosave_keep(
        user=editor, model=Film, object_id=film.pk, key=None, payload=typed(synopsis="Editor's.")
    )
    client.force_login(writer)

    response = client.post(autosave_url(film), {"data": typed(synopsis="Writer's.")})

    assert response.status_code == 403
    assert FormAutosave.objects.filter(author=writer).count() == 0
    page = client.get(reverse("admin:reviews_film_change", args=[film.pk]))
    assert page.context["form_autosave"] is None and "Editor's." not in page.text
    discard = client.post(autosave_url(film) + "discard/")
    assert discard.status_code == 403 and FormAutosave.objects.count() == 1
    # Adding is allowed, and they see only their own drafts, never the editor's.
    key = str(uuid.uuid4())
    form_autosaves.form_autosave_keep(
        user=editor,
        model=Film,
        object_id=None,
        key=uuid.uuid4(),
        payload=typed(title="Editor's new"),
    )
    assert (
        client.post(
            NEW_FILM_URL, {"data": typed(title="Mine"), "form_autosave_key": key}
        ).status_code
        == 200
    )
    offered = client.get("/admin/reviews/film/add/").context["form_autosave"]["drafts"]
    assert [d["fields"] for d in offered] == [[["title", "Mine"]]]


def test_anonymous_posts_go_to_the_login(client):
    response = client.post(autosave_url(FilmFactory()), {"data": typed(synopsis="x")})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not FormAutosave.objects.exists()


def test_a_draft_can_be_discarded(client, editor):
    film = FilmFactory()
    client.force_login(editor)
    client.post(autosave_url(film), {"data": typed(synopsis="Never mind.")})

    response = client.post(autosave_url(film) + "discard/")

    assert response.json() == {"discarded": True}
    assert not FormAutosave.objects.exists()


@pytest.mark.parametrize(
    ("factory", "admin_name"),
    [
        (PersonFactory, "people_person"),
        (CriticFactory, "people_critic"),
        (GenreFactory, "reviews_genre"),
    ],
)
def test_people_critics_and_genres_are_autosaved_too(
    client, editor, superuser, factory, admin_name
):
    obj = factory()
    client.force_login(superuser)
    url = reverse(f"admin:{admin_name}_form_autosave", args=[obj.pk])
    assert client.post(url, {"data": typed(name="Typed")}).json()["saved"] is True
    form = client.get(reverse(f"admin:{admin_name}_change", args=[obj.pk]))
    assert "edit_guard/form_autosave.js" in form.text
    assert [d["fields"] for d in form.context["form_autosave"]["drafts"]] == [[["name", "Typed"]]]


def test_the_review_form_keeps_its_own_autosave(client, editor):
    client.force_login(editor)
    form = client.get("/admin/reviews/review/add/")
    assert form.context["form_autosave"] is None
    assert "edit_guard/form_autosave.js" not in form.text
