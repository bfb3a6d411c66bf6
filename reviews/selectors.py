"""Reads for the editorial desk that span several querysets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from . import workflow
from .models import Review, ReviewRevision


def reviews_visible_to(user: AbstractBaseUser) -> QuerySet[Review]:
    """Reviews this user may see in the admin: all for editors, a writer's own otherwise."""
    reviews = Review.objects.all()
    return reviews if workflow.may_handle_any_review(user) else reviews.owned_by(user)


@dataclass
class Desk:
    waiting_for_review: QuerySet[Review]
    approved: QuerySet[Review]
    scheduled: QuerySet[Review]
    my_drafts: QuerySet[Review]
    recently_published: QuerySet[Review]


def desk_for(user: AbstractBaseUser, now: datetime.datetime | None = None) -> Desk:
    """The editors' overview, limited to what this user may see."""
    now = now or timezone.now()
    reviews = reviews_visible_to(user).for_listing()
    return Desk(
        waiting_for_review=reviews.in_review().order_by("updated_at"),
        approved=reviews.approved().order_by("updated_at"),
        scheduled=reviews.scheduled(now).order_by("publish_at"),
        my_drafts=reviews.drafts_of(user).order_by("-updated_at"),
        recently_published=reviews.published(now).latest_first()[:10],
    )


def autosave_newer_than_saved(*, review: Review, user: AbstractBaseUser) -> ReviewRevision | None:
    """This user's latest autosave, when it is newer than the last real save and differs."""
    autosave = review.revisions.filter(author=user, source=ReviewRevision.Source.AUTOSAVE).first()
    if autosave is None:
        return None
    saved = review.revisions.exclude(source=ReviewRevision.Source.AUTOSAVE).first()
    if saved is not None and saved.created_at >= autosave.created_at:
        return None
    if autosave.data == review.editorial_snapshot():
        return None
    return autosave
