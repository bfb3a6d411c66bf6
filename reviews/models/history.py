"""What keeps work from being lost: revisions, autosaves, workflow moves and corrections."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from magazine.control_characters import no_control_characters, refuse_control_characters

from .catalogue import known_values
from .review import Review


class ReviewRevision(models.Model):
    """A snapshot of a review's editorial fields, kept on every save so nothing is lost.

    Revisions are append-only: restoring an old one writes the review and records a new one.
    """

    class Source(models.TextChoices):
        EDIT = "edit", "Edit"
        IMPORT = "import", "Import"
        RESTORE = "restore", "Restore"
        AUTOSAVE = "autosave", "Autosave"
        PENDING = "pending", "Changes not yet public"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_revisions",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.EDIT)
    data = models.JSONField(help_text="The editorial fields as they were after this save.")

    # Autosaves are typing in progress, not saves: only each writer's newest few are kept.
    AUTOSAVES_KEPT = 5

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            known_values(
                "reviews_reviewrevision",
                "source",
                ["edit", "import", "restore", "autosave", "pending"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} – {self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NewReviewAutosave(models.Model):
    """What someone is typing into the form of a review that has not been saved yet.

    A new review has no row to keep revisions on, so each open “add review” form (`key`)
    keeps its typing here until the review is saved (the row is then removed) or discarded.
    Values are kept as typed, unchecked: they only ever go back into a form.
    """

    FIELDS = (
        "film",
        "critic",
        "kind",
        "headline",
        "slug",
        "standfirst",
        "body",
        "rating",
        "tags",
    )
    # Worth keeping only when some of these hold typing (a film picked alone is not work).
    TYPED_FIELDS = ("headline", "standfirst", "body")
    # How many unsaved new reviews a person can have waiting; older ones make way.
    KEPT_PER_AUTHOR = 5

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="new_review_autosaves"
    )
    key = models.UUIDField(help_text="Names one open “add review” form.")
    data = models.JSONField(help_text="The form's fields as typed.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "key"], name="unique_new_review_autosave")
        ]

    def __str__(self) -> str:
        return self.data.get("headline") or "Untitled new review"


class ReviewTransition(models.Model):
    """One move of a review through the workflow: who, when, from where to where, and why.

    Statuses are as editors say them, so a scheduled review shows as “scheduled”.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30, help_text="The workflow move, e.g. “approve”.")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_transitions",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="For publish and schedule: when it goes out."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            known_values("reviews_reviewtransition", name, [*Review.State.values, "scheduled"])
            for name in ("from_status", "to_status")
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(models.Model):
    """A public note on a published review (“Updated 22 Dec: …”). Corrections are kept."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="corrections")
    published_on = models.DateField(
        default=timezone.localdate, help_text="The date readers see beside the note."
    )
    text = models.TextField(
        help_text="What was corrected, in a sentence or two, e.g. “An earlier version gave the "
        "wrong release year.”",
        validators=[refuse_control_characters],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["published_on", "pk"]
        constraints = no_control_characters("text")

    def __str__(self) -> str:
        return f"Correction to {self.review} ({self.published_on})"

    def save(self, *args, **kwargs) -> None:
        # Readers have seen it: a correction is kept as written, whichever way it is changed.
        if not self._state.adding:
            raise ValidationError("A correction is kept as written; add a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A correction is kept as written; add a new one instead.")

    def clean(self) -> None:
        if self.review_id is not None and self.review.first_published_at is None:
            raise ValidationError("Only a review that has been published can carry a correction.")
