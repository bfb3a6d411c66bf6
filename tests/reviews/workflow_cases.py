"""The permission matrix shared by the model-API and admin-HTTP tests: every role x every
transition x own/other's review, each with the outcome the issue asks for."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reviews.models import Review
from reviews.workflow import TRANSITIONS
from tests.factories import CriticFactory, ReviewFactory, UserFactory

ROLES = ["anonymous", "staff without a role", "writer", "editor", "superuser"]

# The state a review must be in for each move to be possible at all.
STARTING_STATE = {
    "submit": Review.State.DRAFT,
    "request_changes": Review.State.IN_REVIEW,
    "approve": Review.State.IN_REVIEW,
    "publish": Review.State.APPROVED,
    "schedule": Review.State.APPROVED,
    "unpublish": Review.State.PUBLISHED,
    "return_to_draft": Review.State.UNPUBLISHED,
}

CASES = [
    (role, name, own)
    for role in ROLES
    for name in TRANSITIONS
    for own in (True, False)
    if not (role == "anonymous" and own)  # an anonymous visitor has no byline
]


def case_id(case) -> str:
    role, name, own = case
    return f"{role}-{name}-{'own' if own else 'other'}"


def expected_allowed(role: str, name: str, own: bool) -> bool:
    if role in {"editor", "superuser"}:
        return not (name == "approve" and own)  # four-eyes: never your own review
    return role == "writer" and name == "submit" and own


def make_user(role: str):
    if role == "anonymous":
        return AnonymousUser()
    options = {
        "staff without a role": {},
        "writer": {"role": "Writer"},
        "editor": {"role": "Editor"},
        "superuser": {"is_superuser": True},
    }[role]
    user = UserFactory(**options)
    CriticFactory(user=user)
    return user


def review_for(user, name: str, own: bool) -> Review:
    state = STARTING_STATE[name]
    publish_at = None
    if state in {Review.State.PUBLISHED, Review.State.UNPUBLISHED}:
        publish_at = timezone.now() - datetime.timedelta(days=1)
    critic = user.critic if own else CriticFactory()
    return ReviewFactory(critic=critic, state=state, publish_at=publish_at)


def transition_arguments(name: str) -> dict:
    return {
        "comment": "The ending needs a sharper last paragraph.",
        "publish_at": timezone.now() + datetime.timedelta(days=1) if name == "schedule" else None,
    }
