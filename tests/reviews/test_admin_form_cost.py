"""The review change form's cheaper parts: form classes built once per kind of user, the film
and critic boxes filled from the review instead of read again, the corrections' empty row
built once. Each must behave exactly as the stock admin does."""

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from magazine.autocomplete import KnownChoiceAutocompleteSelect
from reviews.models import Review
from tests.factories import CriticFactory, ReviewFactory
from tests.reviews.test_admin_workflow import form_data

pytestmark = pytest.mark.django_db


def change_url(review) -> str:
    return reverse("admin:reviews_review_change", args=[review.pk])


def form_class_of(response):
    return type(response.context["adminform"].form)


def test_the_form_class_is_built_once_per_kind_of_user(client, editor, writer):
    mine = ReviewFactory(critic=writer.critic, state=Review.State.DRAFT)
    other = ReviewFactory(critic=writer.critic, state=Review.State.DRAFT)
    client.force_login(editor)
    editors = form_class_of(client.get(change_url(mine)))
    assert form_class_of(client.get(change_url(other))) is editors
    client.force_login(writer)
    writers = form_class_of(client.get(change_url(mine)))
    assert writers is not editors
    assert form_class_of(client.get(change_url(other))) is writers
    # A writer's byline is theirs: the critic is shown, never a field of their form.
    assert "critic" in editors.base_fields
    assert "critic" not in writers.base_fields


def test_a_writer_cannot_change_the_critic_after_an_editor_opened_the_form(client, editor, writer):
    review = ReviewFactory(critic=writer.critic, state=Review.State.DRAFT)
    client.force_login(editor)
    assert client.get(change_url(review)).status_code == 200  # the editor's class is cached
    client.force_login(writer)
    someone_else = CriticFactory()
    response = client.post(
        change_url(review), form_data(review, critic=someone_else.pk, headline="Mine still")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.headline == "Mine still"
    assert review.critic == writer.critic


def test_the_related_links_follow_the_users_permissions(client, editor, superuser):
    review = ReviewFactory(state=Review.State.DRAFT)
    client.force_login(superuser)
    chief = client.get(change_url(review)).text
    client.force_login(editor)
    page = client.get(change_url(review)).text
    for html, user in ((chief, superuser), (page, editor)):
        assert ('id="add_id_film"' in html) == user.has_perm("reviews.add_film")
        assert ('id="change_id_critic"' in html) == user.has_perm("people.change_critic")


def test_the_film_and_critic_boxes_show_the_review_without_reading_them_again(admin_client):
    review = ReviewFactory(published=True)
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get(change_url(review)).text
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if s.startswith('SELECT "reviews_film"')]
    assert not [s for s in sql if s.startswith('SELECT "people_critic"')]
    assert f'<option value="{review.film.pk}" selected>{review.film}</option>' in html
    assert f'<option value="{review.critic.pk}" selected>{review.critic}</option>' in html


@pytest.mark.parametrize("required", [True, False], ids=["required", "optional"])
@pytest.mark.parametrize("shown", ["known", "other", "none"])
def test_a_known_choice_box_writes_what_the_stock_box_writes(required, shown):
    chosen, other = ReviewFactory().film, ReviewFactory().film
    field = Review._meta.get_field("film")
    site = admin.site

    def rendered(widget_class, known=None) -> str:
        form_field = field.formfield(widget=widget_class(field, site), required=required)
        widget = form_field.widget
        widget.choices = form_field.choices
        widget.known = known
        value = {"known": chosen.pk, "other": other.pk, "none": None}[shown]
        return widget.render("film", value, attrs={"id": "id_film"})

    stock = rendered(AutocompleteSelect)
    with CaptureQueriesContext(connection) as queries:
        known = rendered(KnownChoiceAutocompleteSelect, known=chosen)
    assert known == stock
    assert len(queries) == (1 if shown == "other" else 0)


def test_the_corrections_empty_row_is_built_once(admin_client, monkeypatch):
    from django.forms import formsets

    review = ReviewFactory(published=True)
    built = []
    original = formsets.BaseFormSet.empty_form.fget
    monkeypatch.setattr(
        formsets.BaseFormSet,
        "empty_form",
        property(lambda formset: built.append(1) or original(formset)),
    )
    response = admin_client.get(change_url(review))
    assert 'id="corrections-empty"' in response.text
    assert len(built) == 1


def test_the_corrections_formset_class_is_built_once_per_kind_of_user(client, writer, superuser):
    first = ReviewFactory(published=True, critic=writer.critic)
    second = ReviewFactory(published=True, critic=writer.critic)

    def formset_class(user, review):
        client.force_login(user)
        response = client.get(change_url(review))
        (inline,) = response.context["inline_admin_formsets"]
        return type(inline.formset), inline.has_add_permission

    chief, chief_adds = formset_class(superuser, first)
    assert chief_adds
    assert formset_class(superuser, second) == (chief, True)
    writers, writer_adds = formset_class(writer, first)
    assert not writer_adds  # writers see corrections; editors add them
    assert formset_class(writer, second) == (writers, False)
    assert writers is not chief


def test_the_change_page_reads_revisions_once_when_nothing_is_pending(admin_client):
    review = ReviewFactory(published=True)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(change_url(review))
    reads = [q["sql"] for q in queries.captured_queries if '"reviews_reviewrevision"' in q["sql"]]
    assert len(reads) == 1
    assert "Revisions (0)" in response.text


def test_the_revision_tally_counts_each_kind(writer, editor):
    from reviews.models import ReviewRevision
    from reviews.selectors import revision_tally

    review = ReviewFactory(published=True)
    Source = ReviewRevision.Source
    for source, author in [
        (Source.EDIT, editor),
        (Source.PENDING, editor),
        (Source.AUTOSAVE, writer),
        (Source.AUTOSAVE, writer),
        (Source.AUTOSAVE, editor),
    ]:
        ReviewRevision.objects.create(review=review, source=source, author=author, data={})
    ReviewRevision.objects.create(
        review=ReviewFactory(), source=Source.AUTOSAVE, author=writer, data={}
    )
    tally = revision_tally(review=review, user=writer)
    assert (tally.total, tally.pending, tally.own_autosaves) == (5, 1, 2)
    assert revision_tally(review=review, user=editor).own_autosaves == 1
