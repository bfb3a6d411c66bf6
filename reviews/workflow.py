"""The editorial workflow in one place: which moves exist, from where, and who may make them.

Services (`reviews.services`) execute moves; the admin asks this module which buttons to show.
Stored states are those of `Review.State`; a published review whose time is still ahead is
“scheduled” here, so a schedule can be changed, brought forward or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import Review, ReviewTransition

Status = ReviewTransition.Status
State = Review.State


class TransitionNotAllowed(PermissionDenied):
    """A forbidden move: wrong state for it, or this user may not make it.

    A PermissionDenied, so a view that lets it through answers 403 and changes nothing.
    """


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    needs_comment: bool = False
    needs_time: bool = False
    help: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit for review",
            frozenset({Status.DRAFT}),
            State.IN_REVIEW,
            "reviews.submit_review",
            help="Hand the draft to the editors. You cannot edit it while it is in review.",
        ),
        Transition(
            "request_changes",
            "Request changes",
            frozenset({Status.IN_REVIEW, Status.APPROVED}),
            State.DRAFT,
            "reviews.approve_review",
            needs_comment=True,
            help="Send it back to the writer as a draft. Say what to change in the comment.",
        ),
        Transition(
            "approve",
            "Approve",
            frozenset({Status.IN_REVIEW}),
            State.APPROVED,
            "reviews.approve_review",
            help="Ready to go out; an editor then publishes or schedules it.",
        ),
        Transition(
            "publish",
            "Publish now",
            frozenset({Status.APPROVED, Status.SCHEDULED}),
            State.PUBLISHED,
            "reviews.publish_review",
            help="Readers see it at once.",
        ),
        Transition(
            "schedule",
            "Schedule",
            frozenset({Status.APPROVED, Status.SCHEDULED}),
            State.PUBLISHED,
            "reviews.publish_review",
            needs_time=True,
            help="Readers see it from the time you give, with no further step.",
        ),
        Transition(
            "unpublish",
            "Unpublish",
            frozenset({Status.PUBLISHED, Status.SCHEDULED}),
            State.UNPUBLISHED,
            "reviews.publish_review",
            help="Take it off the site (or cancel its schedule).",
        ),
        Transition(
            "return_to_draft",
            "Return to draft",
            frozenset({Status.UNPUBLISHED}),
            State.DRAFT,
            "reviews.publish_review",
            help="Make an unpublished review a draft again, so it can be reworked.",
        ),
    ]
}


def what_it_does(review: Review, name: str) -> str:
    """What a move that needs confirming does to readers, said before it is made; '' for the
    moves that need no confirmation."""
    if name == "publish":
        return (
            f"“{review}” becomes public at once: on its own page, the home page, the film's "
            "and the critic's pages, in search, the feeds and the sitemap."
        )
    if name == "unpublish" and status_of(review) == Status.SCHEDULED:
        return (
            f"The schedule of “{review}” is cancelled: it will not go out. It becomes "
            "unpublished; return it to draft to rework it."
        )
    if name == "unpublish":
        return (
            f"“{review}” is removed from the site at once: its page, the home page, the film's "
            "and the critic's pages, search, the feeds and the sitemap. Its address answers "
            "“not found” until it is published again."
        )
    return ""


def status_of(review: Review) -> str:
    """The review's status as editors say it (a future publish time is “scheduled”)."""
    return Status.SCHEDULED if review.is_scheduled else review.state


def status_label(status: str) -> str:
    """“in review”; a stored value the code does not know (a broken row) is named as it is."""
    if status in Status.values:
        return Status(status).label.lower()
    return f"in an unknown state (“{status}”)"


def is_own(user: AbstractBaseUser | AnonymousUser, review: Review) -> bool:
    return (
        user.is_authenticated
        and review.critic_id is not None
        and review.critic.user_id is not None
        and review.critic.user_id == user.pk
    )


def may_handle_any_review(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_active and user.has_perm("reviews.edit_any_review")


def check(user: AbstractBaseUser | AnonymousUser, review: Review, name: str) -> Transition:
    """Return the transition if this user may make it on this review now, else raise."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(f"There is no workflow step called “{name}”.")
    status = status_of(review)
    if status not in transition.sources:
        allowed_from = " or ".join(s.label.lower() for s in Status if s in transition.sources)
        raise TransitionNotAllowed(
            f"“{transition.label}” is not possible: the review is "
            f"{status_label(status)}, and this step only applies to a review that is "
            f"{allowed_from}."
        )
    if not (user.is_active and user.has_perm(transition.permission)):
        raise TransitionNotAllowed(f"Your role does not allow “{transition.label}”.")
    if not (may_handle_any_review(user) or is_own(user, review)):
        raise TransitionNotAllowed(
            f"You can only “{transition.label.lower()}” reviews under your own byline."
        )
    if transition.name == "approve" and settings.REVIEW_FOUR_EYES and is_own(user, review):
        raise TransitionNotAllowed(
            "You wrote this review, so another editor must approve it (the four-eyes rule). "
            "Ask a colleague to read it; a one-person magazine can turn the rule off with the "
            "REVIEW_FOUR_EYES setting."
        )
    return transition


def allowed_transitions(user: AbstractBaseUser | AnonymousUser, review: Review) -> list[Transition]:
    """The moves this user may make on this review now, in workflow order."""
    allowed = []
    for name in TRANSITIONS:
        try:
            allowed.append(check(user, review, name))
        except TransitionNotAllowed:
            continue
    return allowed


def can_edit(user: AbstractBaseUser | AnonymousUser, review: Review | None) -> bool:
    """Editors edit any review; a writer edits their own, and only while it is a draft."""
    if not (user.is_active and user.has_perm("reviews.change_review")):
        return False
    if review is None or may_handle_any_review(user):
        return True
    return is_own(user, review) and review.state == State.DRAFT


def can_view(user: AbstractBaseUser | AnonymousUser, review: Review) -> bool:
    """Who may see a review in the admin: editors any, a writer their own (with comments)."""
    if not (
        user.is_active
        and (user.has_perm("reviews.view_review") or user.has_perm("reviews.change_review"))
    ):
        return False
    return may_handle_any_review(user) or is_own(user, review)


def can_add(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Editors add reviews for any critic; a writer needs a critic linked to their login."""
    if not (user.is_active and user.has_perm("reviews.add_review")):
        return False
    return may_handle_any_review(user) or hasattr(user, "critic")
