"""The review list's filters, in the desk's words, and only those a user has use for."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import QuerySet
from django.utils import timezone

from . import workflow
from .models import GOES_LIVE_AT, Review


def held_by_embargo(
    reviews: QuerySet[Review], now: datetime.datetime | None = None
) -> QuerySet[Review]:
    """Published or scheduled reviews whose publish time is before their film's embargo lifts,
    while it has not lifted yet (afterwards they are simply published)."""
    return reviews.held_by_embargo(now)


class ReviewStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("in_review", "In review"),
            ("approved", "Approved"),
            ("scheduled", "Scheduled"),
            ("next_7_days", "Going out in the next 7 days"),
            ("held", "Held by embargo"),
            ("published", "Published (readers see it)"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        if value in {"draft", "in_review", "approved", "unpublished"}:
            return queryset.filter(state=value)
        if value == "scheduled":
            return queryset.scheduled(now)
        if value == "next_7_days":
            # By when readers will see them: the later of publish time and embargo.
            return (
                queryset.scheduled(now)
                .annotate(reaches_readers_at=GOES_LIVE_AT)
                .filter(reaches_readers_at__lte=now + datetime.timedelta(days=7))
            )
        if value == "held":
            return held_by_embargo(queryset, now)
        if value == "published":
            return queryset.published(now)
        return queryset


def critic_filter_for(user, list_filter):
    """A writer sees only their own reviews: a filter by critic would offer nothing of use."""
    if workflow.may_handle_any_review(user):
        return list_filter
    return [f for f in list_filter if (f[0] if isinstance(f, tuple) else f) != "critic"]
