"""What the site shell stores itself: the versions of the cache tags (magazine/freshness.py)
and the autosaved typing of admin forms (magazine/form_autosaves.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class CacheTag(models.Model):
    """The version of one cache tag (`review:42`, `reviews:list`, ...): the value of the
    invalidation clock when something readers see under that tag last changed.

    Kept in the database, in the writer's own transaction, so an invalidation can never be
    lost to a cache outage; the row named CLOCK is the clock itself. Derived: never exported.
    """

    CLOCK = "#clock"

    name = models.CharField(max_length=200, primary_key=True)
    version = models.BigIntegerField(default=0)

    derived_data = True

    def __str__(self) -> str:
        return f"{self.name} @ {self.version}"


class FormAutosave(models.Model):
    """What someone is typing into an admin form, kept as they type and when the tab is hidden
    or closed, until they save the form or discard the draft (magazine/form_autosaves.py).

    One row per person and object (`object_id`), or per open form of an object not saved yet
    (`object_id` empty, `key` names the form). `fields` are the form's [name, value] pairs as
    typed, unchecked: they only ever go back into a form, when that person asks for them.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_autosaves"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64, blank=True, help_text="Empty for a new object.")
    key = models.UUIDField(null=True, blank=True, help_text="Names one open form of a new object.")
    fields = models.JSONField(help_text="The form's [name, value] pairs, as typed.")
    labels = models.JSONField(
        default=dict, blank=True, help_text="What the chosen options read, by field and value."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    derived_data = True  # typing in progress: never exported

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "content_type", "object_id"],
                condition=~models.Q(object_id=""),
                name="one_form_autosave_per_object",
            ),
            models.UniqueConstraint(fields=["author", "key"], name="unique_form_autosave_key"),
            models.CheckConstraint(
                condition=models.Q(object_id="", key__isnull=False)
                | (~models.Q(object_id="") & models.Q(key__isnull=True)),
                name="form_autosave_of_an_object_or_a_new_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type} {self.object_id or 'new'} by {self.author_id}"
