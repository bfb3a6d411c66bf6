"""A bulk write moves the edit version as a save does (magazine.edit_guard.VersionedQuerySet),
so a form opened before it is refused instead of saving its old values over the change: a
queryset `update()` in the shell or a command, and the review list's bulk tag actions."""

import datetime

import pytest
from django.urls import reverse

from library.models import Image
from people.models import Critic, Person
from reviews.models import Assignment, Film, Genre, Review
from tests.factories import (
    AssignmentFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    LibraryImageFactory,
    PersonFactory,
    ReviewFactory,
)

from ..reviews.test_admin_workflow import form_data
from .test_edit_guard import open_form

pytestmark = pytest.mark.django_db

# Every model a stale form save is refused against, and a field its form writes.
VERSIONED = [
    (Film, FilmFactory, "synopsis"),
    (Genre, GenreFactory, "name"),
    (Person, PersonFactory, "bio"),
    (Critic, CriticFactory, "bio"),
    (Image, LibraryImageFactory, "alt_text"),
    (Assignment, AssignmentFactory, "note"),
    (Review, ReviewFactory, "standfirst"),
]


def version(model, pk) -> int:
    return model.objects.values_list("version", flat=True).get(pk=pk)


@pytest.mark.parametrize(
    ("model", "factory", "field"), VERSIONED, ids=[model.__name__ for model, _, _ in VERSIONED]
)
def test_a_bulk_update_moves_the_version_unless_it_sets_it(model, factory, field):
    obj, other = factory(), factory()
    before = version(model, obj.pk)

    assert model.objects.filter(pk=obj.pk).update(**{field: "Changed in bulk"}) == 1
    assert version(model, obj.pk) == before + 1
    assert version(model, other.pk) == before  # only the rows updated

    model.objects.filter(pk=obj.pk).update(**{field: "Set with it", "version": 40})
    assert version(model, obj.pk) == 40


def test_every_model_with_a_version_moves_it_on_a_bulk_update():
    from django.apps import apps

    from magazine.edit_guard import VersionedQuerySet

    versioned = {
        model
        for model in apps.get_models()
        if any(field.name == "version" for field in model._meta.concrete_fields)
        and model._meta.label != "magazine.CacheTag"  # its version is the freshness clock's
    }
    assert versioned == {model for model, _, _ in VERSIONED}
    for model in versioned:
        assert isinstance(model._default_manager.all(), VersionedQuerySet), model


def test_derived_fields_written_in_bulk_leave_the_version():
    # Rendered HTML, search rows, import bookkeeping: no form holds them to write them back.
    review = ReviewFactory()
    before = version(Review, review.pk)
    Review.objects.filter(pk=review.pk).update(body_html="<p>Again.</p>", word_count=1)
    Review.objects.bulk_update([review], ["body_html", "word_count"])
    assert version(Review, review.pk) == before


def test_related_managers_move_it_too():
    assignment = AssignmentFactory()
    before = version(Assignment, assignment.pk)
    assignment.critic.assignments.update(note="Five hundred words.")
    assert version(Assignment, assignment.pk) == before + 1


def test_a_form_opened_before_a_shell_update_is_refused(client, editor):
    person = PersonFactory(bio="Old bio.")
    film = FilmFactory()
    client.force_login(editor)
    person_url, person_form = open_form(client, person)
    film_url, film_form = open_form(client, film)

    Person.objects.filter(pk=person.pk).update(bio="Corrected in the shell.")
    embargo = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    Film.objects.filter(pk=film.pk).update(review_embargo_until=embargo)  # FilmQuerySet's own

    refused = client.post(person_url, {**person_form, "name": "Typed before"})
    assert refused.status_code == 200 and "after you opened it" in refused.text
    assert Person.objects.get(pk=person.pk).bio == "Corrected in the shell."
    refused = client.post(film_url, {**film_form, "synopsis": "Typed before"})
    assert refused.status_code == 200 and "after you opened it" in refused.text
    assert Film.objects.get(pk=film.pk).review_embargo_until == embargo


@pytest.mark.parametrize("action", ["add_tag", "remove_tag"])
def test_a_review_form_opened_before_a_bulk_tag_action_is_refused(client, editor, action):
    review = ReviewFactory(tags=["grief"])
    untouched = ReviewFactory(tags=[])
    client.force_login(editor)
    opened = form_data(review, tags="grief", standfirst="Typed before the bulk action.")
    versions = {r.pk: version(Review, r.pk) for r in (review, untouched)}

    changelist = reverse("admin:reviews_review_changelist")
    selected = {"_selected_action": [review.pk, untouched.pk], "action": action}
    client.post(
        changelist, selected | {"apply": "1", "tag": "london" if action == "add_tag" else "grief"}
    )
    expected = ["grief", "london"] if action == "add_tag" else []
    assert sorted(review.tags.names()) == expected
    assert version(Review, review.pk) == versions[review.pk] + 1
    if action == "remove_tag":  # it had no tag to lose: unchanged, its forms still save
        assert version(Review, untouched.pk) == versions[untouched.pk]

    change = reverse("admin:reviews_review_change", args=[review.pk])
    refused = client.post(change, opened)

    assert refused.status_code == 200 and "after you opened it" in refused.text
    assert sorted(review.tags.names()) == expected
