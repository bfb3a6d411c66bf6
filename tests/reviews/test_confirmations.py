"""Publish now and Unpublish ask first, naming what will happen; nothing moves until the editor
says yes, and edits typed in the form are saved either way."""

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.factories import ReviewFactory

from .test_admin_workflow import form_data, transition_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "state", "says"),
    [
        ("publish", Review.State.APPROVED, "becomes public at once"),
        ("unpublish", Review.State.PUBLISHED, "is removed from the site at once"),
    ],
)
def test_the_move_waits_for_a_yes_that_names_what_happens(client, editor, name, state, says):
    review = ReviewFactory(state=state, published=state == Review.State.PUBLISHED)
    review.state = state
    review.save()
    client.force_login(editor)

    asked = client.post(transition_url(review), {"transition": name, "comment": "Legal ok."})

    assert asked.status_code == 200
    assert says in asked.text and "the feeds and the sitemap" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and 'value="Legal ok."' in asked.text
    review.refresh_from_db()
    assert review.state == state and not review.transitions.exists()

    done = client.post(
        transition_url(review), {"transition": name, "comment": "Legal ok.", "confirmed": "yes"}
    )

    assert done.status_code == 302
    review.refresh_from_db()
    assert review.transitions.get().comment == "Legal ok."


def test_publish_now_from_a_form_with_edits_saves_them_then_asks(client, editor):
    review = ReviewFactory(state=Review.State.APPROVED, body="Before.")
    client.force_login(editor)
    data = form_data(review, body="After.", transition="publish")
    del data["_continue"]

    asked = client.post(reverse("admin:reviews_review_change", args=[review.pk]), data)

    assert asked.status_code == 200 and "becomes public at once" in asked.text
    review.refresh_from_db()
    assert review.body == "After." and review.state == Review.State.APPROVED


def test_cancelling_a_schedule_says_it_will_not_go_out(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    review = ReviewFactory(
        state=Review.State.PUBLISHED, publish_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(editor)
    asked = client.post(transition_url(review), {"transition": "unpublish"})
    assert "is cancelled: it will not go out" in asked.text
