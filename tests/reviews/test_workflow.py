"""The workflow rules through the model API: the permission matrix and the transition table."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reviews import services, workflow
from reviews.models import Review, ReviewTransition
from reviews.workflow import TRANSITIONS, TransitionNotAllowed, allowed_transitions
from tests.factories import CriticFactory, ReviewFactory

from .workflow_cases import (
    CASES,
    case_id,
    expected_allowed,
    make_user,
    review_for,
    transition_arguments,
)

pytestmark = pytest.mark.django_db

Status = ReviewTransition.Status


@pytest.mark.parametrize(("role", "name", "own"), CASES, ids=[case_id(c) for c in CASES])
def test_permission_matrix_through_the_services(roles, role, name, own):
    user = make_user(role)
    review = review_for(user, name, own)
    before = (review.state, review.publish_at)
    allowed = expected_allowed(role, name, own)

    offered = {t.name for t in workflow.allowed_transitions(user, review)}
    assert (name in offered) is allowed

    if allowed:
        entry = services.review_transition(
            review=review, user=user, name=name, **transition_arguments(name)
        )
        review.refresh_from_db()
        assert review.state == TRANSITIONS[name].target
        assert (entry.user, entry.name) == (user, name)
        assert list(review.transitions.all()) == [entry]
    else:
        with pytest.raises(TransitionNotAllowed):
            services.review_transition(
                review=review, user=user, name=name, **transition_arguments(name)
            )
        review.refresh_from_db()
        assert (review.state, review.publish_at) == before
        assert not review.transitions.exists()


def _review_with_status(status: str) -> Review:
    now = timezone.now()
    state, publish_at = {
        Status.DRAFT: (Review.State.DRAFT, None),
        Status.IN_REVIEW: (Review.State.IN_REVIEW, None),
        Status.APPROVED: (Review.State.APPROVED, None),
        Status.SCHEDULED: (Review.State.PUBLISHED, now + datetime.timedelta(days=1)),
        Status.PUBLISHED: (Review.State.PUBLISHED, now - datetime.timedelta(days=1)),
        Status.UNPUBLISHED: (Review.State.UNPUBLISHED, now - datetime.timedelta(days=1)),
    }[status]
    return ReviewFactory(state=state, publish_at=publish_at)


TABLE = [(status, name) for status in Status.values for name in TRANSITIONS]


@pytest.mark.parametrize(("status", "name"), TABLE, ids=[f"{s}-{n}" for s, n in TABLE])
def test_every_move_from_every_status_follows_the_table_even_for_a_superuser(
    superuser, status, name
):
    review = _review_with_status(status)
    assert workflow.status_of(review) == status
    if status in TRANSITIONS[name].sources:
        services.review_transition(
            review=review, user=superuser, name=name, **transition_arguments(name)
        )
        review.refresh_from_db()
        assert review.state == TRANSITIONS[name].target
    else:
        with pytest.raises(TransitionNotAllowed, match="not possible"):
            services.review_transition(
                review=review, user=superuser, name=name, **transition_arguments(name)
            )
        review.refresh_from_db()
        assert workflow.status_of(review) == status


def test_an_unknown_move_is_refused_clearly(superuser):
    review = ReviewFactory()
    with pytest.raises(TransitionNotAllowed, match="no workflow step called “delete”"):
        services.review_transition(review=review, user=superuser, name="delete")


EDIT_CASES = [
    ("writer", True, Review.State.DRAFT, True),
    ("writer", True, Review.State.IN_REVIEW, False),
    ("writer", True, Review.State.APPROVED, False),
    ("writer", True, Review.State.PUBLISHED, False),
    ("writer", False, Review.State.DRAFT, False),
    ("editor", False, Review.State.DRAFT, True),
    ("editor", False, Review.State.IN_REVIEW, True),
    ("editor", False, Review.State.PUBLISHED, True),
    ("superuser", False, Review.State.APPROVED, True),
    ("staff without a role", True, Review.State.DRAFT, False),
    ("anonymous", False, Review.State.DRAFT, False),
]


@pytest.mark.parametrize(("role", "own", "state", "allowed"), EDIT_CASES)
def test_who_may_edit_the_text(roles, role, own, state, allowed):
    user = make_user(role)
    critic = user.critic if own else CriticFactory()
    review = ReviewFactory(critic=critic, state=state)
    assert workflow.can_edit(user, review) is allowed
    review.body = "A rewritten body."
    if allowed:
        services.review_save(review=review, user=user, expected_version=review.version)
        review.refresh_from_db()
        if review.is_published:  # a live review's edits wait as pending changes
            assert review.body != "A rewritten body."
            assert services.review_pending_changes(review=review).data["body"] == (
                "A rewritten body."
            )
        else:
            assert review.body == "A rewritten body."
    else:
        with pytest.raises(PermissionDenied) as refusal:
            services.review_save(review=review, user=user, expected_version=review.version)
        assert "may not edit" in str(refusal.value)
        review.refresh_from_db()
        assert review.body != "A rewritten body."


class TestFourEyes:
    """Nobody approves a review under their own byline, unless the magazine turns it off."""

    def test_an_editor_cannot_approve_their_own_review(self, editor):
        review = ReviewFactory(critic=editor.critic, state=Review.State.IN_REVIEW)
        with pytest.raises(TransitionNotAllowed, match="another editor must approve it"):
            services.review_approve(review=review, user=editor)
        review.refresh_from_db()
        assert review.state == Review.State.IN_REVIEW
        assert "approve" not in {t.name for t in allowed_transitions(editor, review)}

    def test_another_editor_can(self, editor, superuser):
        review = ReviewFactory(critic=editor.critic, state=Review.State.IN_REVIEW)
        services.review_approve(review=review, user=superuser)
        review.refresh_from_db()
        assert review.state == Review.State.APPROVED

    def test_a_one_person_magazine_turns_it_off(self, editor, settings):
        settings.REVIEW_FOUR_EYES = False
        review = ReviewFactory(critic=editor.critic, state=Review.State.IN_REVIEW)
        services.review_approve(review=review, user=editor)
        review.refresh_from_db()
        assert review.state == Review.State.APPROVED
