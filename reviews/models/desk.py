"""The film desk's assignments of films to critics."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from magazine.edit_guard import EditVersioned, VersionedQuerySet
from people.models import Critic

from .catalogue import Film
from .review import Review


class AssignmentQuerySet(VersionedQuerySet):
    def open(self) -> AssignmentQuerySet:
        """Assignments whose review is not yet handed in: none started, or still a draft."""
        return self.filter(Q(review__isnull=True) | Q(review__state=Review.State.DRAFT))

    def overdue(self, today: datetime.date | None = None) -> AssignmentQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_critic_user(self, user) -> AssignmentQuerySet:
        return self.filter(critic__user=user)


class Assignment(EditVersioned):
    """An editor's request that a critic review a film by a date."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="assignments")
    critic = models.ForeignKey(Critic, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField("due", help_text="The day the editors expect the review submitted.")
    note = models.TextField(
        blank=True, help_text="What the editor wants: length, angle, screening details."
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review = models.OneToOneField(
        Review,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
        help_text="The review written for it; linked when the critic starts it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="assignment_due")]

    def __str__(self) -> str:
        return f"{self.film} for {self.critic} by {self.due_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.review_id is None or self.review.state == Review.State.DRAFT

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())
