"""The release calendar: what a film desk must know day by day, read in a few queries.

Theatrical openings and streaming starts come from the availability windows, embargo lifts
from the films, go-out times from scheduled reviews, due dates from assignments. Films that
open soon with nobody on them are flagged.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import GOES_LIVE_AT, Assignment, Availability, Film, Review

# How far ahead a film opening with no review assigned, scheduled or published is flagged.
UNCOVERED_DAYS = 14


@dataclass(frozen=True)
class CalendarItem:
    kind: str  # "theatrical", "streaming", "embargo", "review", "assignment"
    label: str
    detail: str
    url: str
    sort_key: str = ""
    flagged: bool = False


@dataclass
class CalendarDay:
    date: datetime.date
    items: list[CalendarItem] = field(default_factory=list)
    in_range: bool = True
    is_today: bool = False


def _film_url(film_id: int) -> str:
    return reverse("admin:reviews_film_change", args=[film_id])


def uncovered_films(today: datetime.date | None = None) -> QuerySet[Film]:
    """Films opening in theaters in the next UNCOVERED_DAYS days that no critic has been
    assigned and no review (short of an unpublished one) is being written, scheduled or
    published for."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=UNCOVERED_DAYS)
    opening = Availability.objects.filter(
        film=OuterRef("pk"),
        kind=Availability.Kind.THEATRICAL,
        starts_on__gte=today,
        starts_on__lte=horizon,
    )
    assigned = Assignment.objects.filter(film=OuterRef("pk"))
    reviewed = Review.objects.filter(film=OuterRef("pk")).exclude(state=Review.State.UNPUBLISHED)
    return Film.objects.filter(Exists(opening)).exclude(Exists(assigned) | Exists(reviewed))


def calendar_days(
    first: datetime.date, last: datetime.date, *, shown_from=None, shown_to=None, today=None
) -> list[CalendarDay]:
    """Every day from `first` to `last` with what happens on it, in the desk's time zone.

    Days outside [shown_from, shown_to] (the month's edges in a month grid) are marked so."""
    today = today or timezone.localdate()
    shown_from, shown_to = shown_from or first, shown_to or last
    local = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=local)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, local)
    by_day: dict[datetime.date, list[CalendarItem]] = defaultdict(list)
    uncovered = set(uncovered_films(today).values_list("pk", flat=True))

    windows = (
        Availability.objects.filter(
            starts_on__gte=first,
            starts_on__lte=last,
            kind__in=[Availability.Kind.THEATRICAL, Availability.Kind.STREAMING],
        )
        .select_related("film")
        .order_by("starts_on", "film__title")
    )
    for window in windows:
        film = window.film
        theatrical = window.kind == Availability.Kind.THEATRICAL
        flagged = theatrical and film.pk in uncovered
        where = window.provider or ("in theaters" if theatrical else "")
        by_day[window.starts_on].append(
            CalendarItem(
                kind=window.kind,
                label=f"{film.title} ({film.year})",
                detail=(
                    f"Opens {where} ({window.region})"
                    if theatrical
                    else f"Starts streaming on {where} ({window.region})"
                )
                + (": no review assigned, scheduled or published" if flagged else ""),
                url=_film_url(film.pk),
                sort_key=f"1{film.title}",
                flagged=flagged,
            )
        )

    for film in Film.objects.filter(review_embargo_until__gte=start, review_embargo_until__lt=end):
        lifts = film.review_embargo_until
        by_day[timezone.localtime(lifts).date()].append(
            CalendarItem(
                kind="embargo",
                label=f"{film.title} ({film.year})",
                detail=f"Review embargo lifts {film.review_embargo_description}",
                url=_film_url(film.pk),
                sort_key=f"0{timezone.localtime(lifts):%H%M}",
            )
        )

    # Shown when readers will see them: the later of the publish time and the film's embargo.
    scheduled = (
        Review.objects.scheduled()
        .annotate(reaches_readers_at=GOES_LIVE_AT)
        .filter(reaches_readers_at__gte=start, reaches_readers_at__lt=end)
        .select_related("film", "critic")
        .only(
            *("headline", "publish_at", "state", "film__title", "film__review_embargo_until"),
            "critic__byline",
        )
    )
    for review in scheduled:
        at = timezone.localtime(review.reaches_readers_at)
        held = review.reaches_readers_at != review.publish_at
        by_day[at.date()].append(
            CalendarItem(
                kind="review",
                label=review.headline,
                detail=f"Goes out {at:%H:%M}"
                + (" (held by the embargo until then)" if held else "")
                + f": {review.critic.byline} on {review.film.title}",
                url=reverse("admin:reviews_review_change", args=[review.pk]),
                sort_key=f"0{at:%H%M}",
            )
        )

    assignments = Assignment.objects.filter(due_on__gte=first, due_on__lte=last).select_related(
        "film", "critic", "review"
    )
    for assignment in assignments:
        overdue = assignment.is_overdue(today)
        by_day[assignment.due_on].append(
            CalendarItem(
                kind="assignment",
                label=f"{assignment.film.title} ({assignment.film.year})",
                detail=f"Review due from {assignment.critic.byline}"
                + (": overdue" if overdue else "")
                + ("" if assignment.review_id else ", not started"),
                url=reverse("admin:reviews_assignment_change", args=[assignment.pk]),
                sort_key=f"2{assignment.film.title}",
                flagged=overdue,
            )
        )

    days = []
    day = first
    while day <= last:
        days.append(
            CalendarDay(
                date=day,
                items=sorted(by_day[day], key=lambda item: item.sort_key),
                in_range=shown_from <= day <= shown_to,
                is_today=day == today,
            )
        )
        day += datetime.timedelta(days=1)
    return days


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def month_grid(
    day: datetime.date,
) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """(first shown, last shown, first of month, last of month): whole weeks around the month."""
    first_of_month = day.replace(day=1)
    next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
    last_of_month = next_month - datetime.timedelta(days=1)
    return week_of(first_of_month)[0], week_of(last_of_month)[1], first_of_month, last_of_month
