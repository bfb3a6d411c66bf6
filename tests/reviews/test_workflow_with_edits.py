"""A workflow button pressed on a form with unsaved edits saves them first, then moves the
review; if they cannot be saved, the review does not move and the form says why. Edits are
never dropped."""

import re

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.factories import ReviewFactory

from .test_admin_workflow import form_data

pytestmark = pytest.mark.django_db


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


def test_the_workflow_buttons_submit_the_review_form_when_it_can_be_edited(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW)
    client.force_login(editor)
    page = client.get(change_url(review)).text
    assert 'form="review_form" name="transition" value="approve"' in page
    assert re.search(r'<textarea name="comment"[^>]*form="review_form"', page)


def test_approve_with_unsaved_edits_saves_them_then_approves(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW, body="The writer's text.")
    client.force_login(editor)
    data = form_data(review, body="The editor's fixed text.", transition="approve")
    del data["_continue"]

    response = client.post(change_url(review), {**data, "comment": "Tightened the ending."})

    assert response.status_code == 302 and response.url == change_url(review)
    review.refresh_from_db()
    assert review.body == "The editor's fixed text."
    assert review.state == Review.State.APPROVED
    assert review.transitions.get().comment == "Tightened the ending."
    shown = client.get(response.url).text
    assert "Your edits were saved" in shown and "approve done" in shown


def test_a_move_with_edits_that_cannot_be_saved_is_not_made(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW, headline="Kept")
    client.force_login(editor)
    data = form_data(review, headline="", body="Typed and not lost.", transition="approve")
    del data["_continue"]

    response = client.post(change_url(review), data)

    assert response.status_code == 200
    assert "“Approve” was not done" in response.text
    assert "Typed and not lost." in response.text
    review.refresh_from_db()
    assert (review.state, review.headline) == (Review.State.IN_REVIEW, "Kept")


def test_a_move_from_a_stale_form_is_not_made(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW)
    client.force_login(editor)
    data = form_data(review, body="Mine.", transition="approve", version=review.version - 1)
    del data["_continue"]

    response = client.post(change_url(review), data)

    assert response.status_code == 200
    review.refresh_from_db()
    assert review.state == Review.State.IN_REVIEW


def test_a_refused_move_keeps_the_saved_edits_and_says_why(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW, body="Before.")
    client.force_login(editor)
    data = form_data(review, body="After.", transition="request_changes")  # needs a comment
    del data["_continue"]

    response = client.post(change_url(review), data, follow=True)

    review.refresh_from_db()
    assert review.body == "After." and review.state == Review.State.IN_REVIEW
    assert "Your edits were saved, but “Request changes” was not done" in response.text


def test_a_move_without_edits_records_no_new_revision(client, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW)
    client.force_login(editor)
    data = form_data(review, transition="approve")
    del data["_continue"]

    client.post(change_url(review), data)

    review.refresh_from_db()
    assert review.state == Review.State.APPROVED
    assert review.revisions.count() == 0
