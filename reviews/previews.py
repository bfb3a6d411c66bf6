"""Shareable preview links: signed, expiring, read-only, for one review.

The token carries the review's id and when the link was made; django.core.signing makes it
tamper-proof and dates it, so nothing is stored and a link dies by itself after
`REVIEW_PREVIEW_LINK_MAX_AGE`. A link also dies for good once its review has been on the public
site: taking the review down again does not revive it; only a newly issued link works.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Review, ReviewTransition

SALT = "reviews.preview-link"


class PreviewLinkInvalid(Exception):
    """The link was altered or never made by us."""


class PreviewLinkExpired(Exception):
    """The link was genuine but is older than the allowed age."""


@dataclass(frozen=True)
class PreviewLink:
    review_id: int
    # None for links made before links were dated: they count as made before any publication.
    issued_at: datetime.datetime | None


def preview_link_max_age() -> datetime.timedelta:
    return settings.REVIEW_PREVIEW_LINK_MAX_AGE


def preview_token_create(*, review: Review) -> str:
    return signing.dumps({"review": review.pk, "issued": timezone.now().isoformat()}, salt=SALT)


def preview_url(*, review: Review) -> str:
    return reverse("reviews:review_preview", kwargs={"token": preview_token_create(review=review)})


def preview_link_read(token: str) -> PreviewLink:
    """What a token opens; raises PreviewLinkExpired or PreviewLinkInvalid."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=preview_link_max_age())
    except signing.SignatureExpired as error:
        raise PreviewLinkExpired(str(error)) from error
    except signing.BadSignature as error:
        raise PreviewLinkInvalid(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("review"), int):
        raise PreviewLinkInvalid("The link does not name a review.")
    issued_at = None
    if "issued" in payload:
        try:
            issued_at = datetime.datetime.fromisoformat(payload["issued"])
        except (TypeError, ValueError) as error:
            raise PreviewLinkInvalid("The link's date is not readable.") from error
    return PreviewLink(review_id=payload["review"], issued_at=issued_at)


def preview_link_outlived(*, link: PreviewLink, review: Review) -> bool:
    """True when the review has been taken off the public site since the link was made.

    It was then public in between, which ends the link for good (the public address took
    over); a review unpublished again needs a newly issued link. A scheduled review whose
    schedule was cancelled before its time never went out, so its link keeps working.
    """
    went_down = review.transitions.filter(from_status=ReviewTransition.Status.PUBLISHED)
    if link.issued_at is not None:
        went_down = went_down.filter(created_at__gte=link.issued_at)
    return went_down.exists()
