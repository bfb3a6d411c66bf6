"""Writes that touch several rows. The admin, views and commands all call these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Review, ReviewRevision


@transaction.atomic
def revision_create(
    *,
    review: Review,
    user: AbstractBaseUser | None = None,
    source: str = ReviewRevision.Source.EDIT,
) -> ReviewRevision:
    """Record the review's current editorial fields as a new revision."""
    return ReviewRevision.objects.create(
        review=review,
        author=user if user is not None and user.is_authenticated else None,
        source=source,
        data=review.editorial_snapshot(),
    )
