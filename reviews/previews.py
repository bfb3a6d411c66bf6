"""Shareable preview links: signed, expiring, read-only, for one review.

The token carries only the review's id; django.core.signing makes it tamper-proof and dates it,
so nothing is stored and a link dies by itself after `REVIEW_PREVIEW_LINK_MAX_AGE`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Review

SALT = "reviews.preview-link"


class PreviewLinkInvalid(Exception):
    """The link was altered or never made by us."""


class PreviewLinkExpired(Exception):
    """The link was genuine but is older than the allowed age."""


def preview_link_max_age() -> datetime.timedelta:
    return settings.REVIEW_PREVIEW_LINK_MAX_AGE


def preview_token_create(*, review: Review) -> str:
    return signing.dumps({"review": review.pk}, salt=SALT)


def preview_url(*, review: Review) -> str:
    return reverse("reviews:review_preview", kwargs={"token": preview_token_create(review=review)})


def preview_review_id(token: str) -> int:
    """The review id a token opens; raises PreviewLinkExpired or PreviewLinkInvalid."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=preview_link_max_age())
    except signing.SignatureExpired as error:
        raise PreviewLinkExpired(str(error)) from error
    except signing.BadSignature as error:
        raise PreviewLinkInvalid(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("review"), int):
        raise PreviewLinkInvalid("The link does not name a review.")
    return payload["review"]
