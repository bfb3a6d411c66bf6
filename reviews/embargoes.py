"""What a film's review embargo does to the reviews already on their way, told for editors.

A review is held when it is published or scheduled for a moment before the embargo lifts
(`Review.held_by_embargo`); the visibility rule keeps it from readers until the embargo lifts.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from magazine.zones import describe_moment

from .models import Film, Review


def reviews_held_by_embargo(film: Film, now: datetime.datetime | None = None) -> QuerySet[Review]:
    """The film's published or scheduled reviews the embargo now holds back, earliest first."""
    if not film.pk or not film.embargo_in_force(now):
        return Review.objects.none()
    return (
        film.reviews.filter(state=Review.State.PUBLISHED, publish_at__lt=film.review_embargo_until)
        .select_related("film")
        .order_by("publish_at", "pk")
    )


def what_the_embargo_does(review: Review, now: datetime.datetime | None = None) -> str:
    """““A ghost story”, scheduled for …: goes out when the embargo lifts, at …”."""
    now = now or timezone.now()
    lifts = review.film.review_embargo_description
    when = describe_moment(review.publish_at)
    if review.publish_at > now:
        return f"“{review}”, scheduled for {when}: goes out when the embargo lifts, at {lifts}."
    return (
        f"“{review}”, published {when}: comes off the site until the embargo lifts, at "
        f"{lifts}, and is back then."
    )


def held_reviews_html(film: Film, now: datetime.datetime | None = None) -> str:
    """A list of the reviews the embargo holds and what happens to each; '' when none."""
    held = list(reviews_held_by_embargo(film, now))
    if not held:
        return ""
    for review in held:
        review.film = film  # as given: it may carry an embargo not saved yet (a preview)
    return format_html(
        "The review embargo now holds {} review{}:<ul>{}</ul>",
        len(held),
        "" if len(held) == 1 else "s",
        format_html_join("", "<li>{}</li>", ((what_the_embargo_does(r, now),) for r in held)),
    )
