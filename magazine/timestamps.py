"""An abstract model with created and updated times that survive raw saves (loaddata).

`auto_now_add` and `auto_now` are skipped by raw saves, which leaves NOT NULL columns empty;
defaults are applied when the object is built, so fixtures may omit both fields.
Imports nothing of the apps, so both `people` and `reviews` may use it.
"""

from django.db import models
from django.utils import timezone


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)
