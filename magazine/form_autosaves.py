"""Autosaved typing of the admin's change forms: kept as editors type and when the tab is
hidden or closed, offered back when they open the form again, removed when they save it.

Reads and writes are always one person's own drafts; whether that person may change (or add)
the object is the admin's question (`EditGuardAdmin` asks it before calling these).
"""

from __future__ import annotations

import json
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import FormAutosave

# Bounds on what one autosave may hold: the longest text editors write (a review body is at
# most 100,000 characters) with room for the rest of a form, and far more fields than a film
# with a big cast has. Beyond them nothing is written and the form says so.
MAX_CHARS = 250_000
MAX_FIELDS = 3_000
# How many drafts a person keeps per kind of object: of new objects (one per open add form)
# and of saved objects (one per object). Older ones make way.
NEW_KEPT = 5
CHANGES_KEPT = 20


class AutosaveRefused(ValidationError):
    """Not kept as an autosave (too long, or not a form's fields); nothing was written."""


def as_key(value: str | uuid.UUID | None) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def parse(payload: str) -> tuple[list[list[str]], dict[str, dict[str, str]]]:
    """The form's [name, value] pairs and option labels from what the page sent (JSON)."""
    if len(payload) > MAX_CHARS:
        raise AutosaveRefused(
            f"Too long to autosave (over {MAX_CHARS:,} characters): save the form instead.",
            code="too_long",
        )
    try:
        data = json.loads(payload)
        fields, labels = data["fields"], data.get("labels") or {}
    except (ValueError, KeyError, TypeError):
        raise AutosaveRefused("Not a form's fields.", code="invalid") from None
    pairs_ok = isinstance(fields, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        for pair in fields
    )
    labels_ok = isinstance(labels, dict) and all(
        isinstance(options, dict) and all(isinstance(v, str) for v in options.values())
        for options in labels.values()
    )
    if not (pairs_ok and labels_ok):
        raise AutosaveRefused("Not a form's fields.", code="invalid")
    if len(fields) > MAX_FIELDS:
        raise AutosaveRefused(
            f"Too many fields to autosave (over {MAX_FIELDS:,}): save the form instead.",
            code="too_many",
        )
    return fields, labels


def _mine(user: AbstractBaseUser, model) -> object:
    return FormAutosave.objects.filter(
        author=user, content_type=ContentType.objects.get_for_model(model)
    )


@transaction.atomic
def form_autosave_keep(
    *,
    user: AbstractBaseUser,
    model,
    object_id: str | None,
    key: str | uuid.UUID | None,
    payload: str,
) -> FormAutosave | None:
    """Keep what is typed into the form of one object (`object_id`) or of a new one (`key`).

    Returns None (nothing written) when nothing changed since the last autosave of that form.
    Keeps only this person's newest few drafts of this kind of object.
    """
    fields, labels = parse(payload)
    mine = _mine(user, model)
    if object_id:
        lookup, kept = {"object_id": str(object_id), "key": None}, CHANGES_KEPT
        same_kind = mine.exclude(object_id="")
    else:
        form_key = as_key(key)
        if form_key is None:
            raise AutosaveRefused("This form has no valid autosave key; reload it.", code="key")
        lookup, kept = {"object_id": "", "key": form_key}, NEW_KEPT
        same_kind = mine.filter(object_id="")
    existing = mine.filter(**lookup).first()
    if existing is not None and existing.fields == fields and existing.labels == labels:
        return None
    autosave, _ = FormAutosave.objects.update_or_create(
        author=user,
        content_type=ContentType.objects.get_for_model(model),
        **lookup,
        defaults={"fields": fields, "labels": labels, "updated_at": timezone.now()},
    )
    stale = list(same_kind.values_list("pk", flat=True)[kept:])
    FormAutosave.objects.filter(pk__in=stale).delete()
    return autosave


def form_autosave_discard(
    *, user: AbstractBaseUser, model, object_id: str | None = None, key=None
) -> bool:
    """Forget this person's draft of one object's form (or of one new object's form)."""
    if not user.is_authenticated:
        return False
    mine = _mine(user, model)
    if object_id:
        deleted, _ = mine.filter(object_id=str(object_id)).delete()
    elif (form_key := as_key(key)) is not None:
        deleted, _ = mine.filter(object_id="", key=form_key).delete()
    else:
        return False
    return bool(deleted)


def form_autosaves_of(
    *, user: AbstractBaseUser, model, object_id: str | None = None
) -> list[FormAutosave]:
    """This person's drafts of one object's form, or of new objects' forms, newest first."""
    mine = _mine(user, model)
    return list(mine.filter(object_id=str(object_id)) if object_id else mine.filter(object_id=""))
