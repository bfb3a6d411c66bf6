"""The writing view's live preview: the review as typed, never saved, rendered by the public
templates and the same Markdown sanitiser readers get (`Review.refresh_derived_fields`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from library.models import Image
from people.models import Critic

from . import workflow
from .models import REVIEW_BODY_MAX_CHARS, Film, Review
from .views import render_review_preview

# An id no row has: related lists of an unsaved preview (tags, corrections) are then empty
# instead of refusing to run. The preview is never saved.
UNSAVED = 0


def _rating(value: str) -> Decimal | None:
    try:
        rating = Decimal(value)
    except (InvalidOperation, TypeError):
        return None
    return rating if Decimal("0.5") <= rating <= 5 else None


def draft_preview(request: HttpRequest, review: Review | None) -> HttpResponse:
    """The public page of `review` (or of a new review) with the posted text in it.

    Fields that do not parse keep their saved value (or none): a preview never refuses to
    show what is being typed because a side field is not valid yet.
    """
    data = request.POST
    if review is None:
        review = Review(pk=UNSAVED, state=Review.State.DRAFT)
        film = (
            Film.objects.filter(pk=data.get("film") or None).first()
            if data.get("film", "").isdigit()
            else None
        )
        if film is None:
            return HttpResponseBadRequest(
                "Choose the film first: the preview shows the review on its film's page."
            )
        review.film = film
        critic = None
        if workflow.may_handle_any_review(request.user) and data.get("critic", "").isdigit():
            critic = Critic.objects.filter(pk=data["critic"]).first()
        critic = critic or getattr(request.user, "critic", None)
        if critic is None:
            return HttpResponseBadRequest("Choose the critic first.")
        review.critic = critic
    elif not workflow.can_view(request.user, review):
        raise PermissionDenied("You may not see this review.")
    for name in ("headline", "standfirst", "kind"):
        if name in data:
            setattr(review, name, data[name][:300])
    if "body" in data:
        review.body = data["body"][:REVIEW_BODY_MAX_CHARS]
    if "rating" in data:
        review.rating = _rating(data["rating"])
    if "lead_image" in data:
        chosen = data["lead_image"]
        review.lead_image = Image.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    review.slug = review.slug or "preview"
    review.refresh_derived_fields()
    if review.state == Review.State.DRAFT:
        review.publish_at = None
    return render_review_preview(request, review, shared=False)
