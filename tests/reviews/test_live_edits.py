"""Editing a live review does not change the public page on Save: the edits wait as changes
not yet public, with a preview, until "Publish changes" (optionally with a correction)."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Review, ReviewRevision
from tests.factories import ReviewFactory

from .test_admin_workflow import form_data

pytestmark = pytest.mark.django_db


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


@pytest.fixture
def live(client, editor):
    client.force_login(editor)
    return ReviewFactory(
        published=True, headline="A ghost story", body="The film runs two and a half hours."
    )


def test_saving_a_live_review_keeps_the_edits_pending_and_the_page_unchanged(client, live):
    response = client.post(
        change_url(live),
        form_data(live, body="The film runs an hour and three quarters."),
        follow=True,
    )

    assert "your edits are kept as changes not yet public" in response.text
    live.refresh_from_db()
    assert live.body == "The film runs two and a half hours." and live.is_published
    public = client.get(live.get_absolute_url()).text
    assert "two and a half hours" in public and "an hour and three quarters" not in public

    form = client.get(change_url(live)).text
    assert "Changes not yet public" in form
    assert (
        "The film runs an hour and three quarters." in form
    )  # the form goes on from the pending text
    preview = client.get(
        reverse("admin:reviews_review_preview", args=[live.pk]) + "?changes=pending"
    ).text
    assert "an hour and three quarters" in preview and "two and a half hours" not in preview


def test_publish_changes_with_a_correction(client, live, editor):
    client.post(change_url(live), form_data(live, body="The film runs an hour and three quarters."))
    live.refresh_from_db()

    response = client.post(
        reverse("admin:reviews_review_publish_changes", args=[live.pk]),
        {"correction": "An earlier version gave the wrong running time."},
        follow=True,
    )

    assert "the changes are public now" in response.text
    live.refresh_from_db()
    assert live.body == "The film runs an hour and three quarters."
    assert live.corrections.get().text == "An earlier version gave the wrong running time."
    assert live.transitions.get().name == "publish_changes"
    public = client.get(live.get_absolute_url()).text
    assert (
        "an hour and three quarters" in public
        and "An earlier version gave the wrong running time." in public
    )
    assert services.review_pending_changes(review=live) is None


def test_discarding_the_changes_keeps_the_public_text_and_the_discarded_revision(client, live):
    client.post(change_url(live), form_data(live, body="A rewrite nobody wanted."))
    live.refresh_from_db()

    client.post(reverse("admin:reviews_review_discard_changes", args=[live.pk]))

    form = client.get(change_url(live)).text
    assert "Changes not yet public" not in form
    assert "A rewrite nobody wanted." not in form
    assert live.revisions.filter(source=ReviewRevision.Source.PENDING).exists()


def test_a_stale_form_cannot_overwrite_pending_changes(client, live):
    opened = form_data(live, body="First editor's change.")
    client.post(change_url(live), opened)
    response = client.post(change_url(live), form_data(live, body="Second, from a stale copy."))
    assert response.status_code == 200 and "someone else saved this review first" in response.text
    assert services.review_pending_changes(review=live).data["body"] == "First editor's change."


def test_a_draft_is_saved_directly(client, editor):
    client.force_login(editor)
    draft = ReviewFactory(state=Review.State.DRAFT)
    client.post(change_url(draft), form_data(draft, body="Straight in."))
    draft.refresh_from_db()
    assert draft.body == "Straight in."


def test_restoring_an_old_revision_of_a_live_review_waits_as_changes_not_yet_public(editor):
    live = ReviewFactory(published=True, body="First text.")
    old = services.revision_create(review=live, user=editor)
    live.body = "Second text."
    live.save()

    services.review_restore_revision(review=live, revision=old, user=editor)

    live.refresh_from_db()
    assert live.body == "Second text."
    assert services.review_pending_changes(review=live).data["body"] == "First text."
