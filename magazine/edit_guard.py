"""No silent overwrite and no lost typing in the admin's change forms, for every model editors
change there. Imports nothing of the apps, so `people` and `reviews` both use it.

- `EditVersioned` gives a model a `version` that goes up by one on every save, and
  `VersionedQuerySet` moves it on a queryset `update()` (a bulk action, the shell) too.
- `EditGuardAdmin` (a ModelAdmin mixin) carries that version in the change form and refuses a
  save made from an older copy: the refused form keeps what this person typed, says who changed
  the object since and how the saved values differ from the typed ones, and carries the new
  version so a second, informed save goes through. Inline rows (credits, availability) are
  saved with their parent, so the parent's version covers them.
- It also lists every error of a refused form at the top, each linked to its field, and loads
  the script that warns before leaving a form with unsaved changes.
- And it autosaves what is typed (magazine/form_autosaves.py): as the editor types and when the
  tab is hidden or closed, offered back (never applied unasked) when they open the form again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from magazine import form_autosaves
from magazine.pending_uploads import PendingUploadWidget, keep_valid_uploads

VERSION_FIELD = "edit_version"


class EditVersioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        serialize=False,
        help_text="Goes up by one on every save, so a save made from a stale copy is refused "
        "instead of overwriting someone else's work.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or "version" in update_fields):
            self.version += 1
        super().save(*args, **kwargs)


class VersionedQuerySet(models.QuerySet):
    """The queryset of every model with a `version` a stale form save is refused against
    (EditVersioned's, and the review's): a bulk `update()` moves it as a save does."""

    def update(self, **kwargs) -> int:
        """Moves each row's version by one when a field a form could write back changes,
        unless the caller sets the version itself (the fixture loader's bulk_update does).
        Derived and bookkeeping fields (not editable: rendered HTML, search rows, times)
        leave it: no form holds them, so no form can overwrite them."""
        meta = self.model._meta
        if "version" not in kwargs and any(meta.get_field(name).editable for name in kwargs):
            kwargs["version"] = F("version") + 1
        return super().update(**kwargs)

    def move_versions(self) -> int:
        """Mark these rows changed for any form open on them (a change outside their row,
        e.g. a review's tags): a save from such a form is refused."""
        return super().update(version=F("version") + 1)


class StaleEdit(ValidationError):
    """The form was opened on an older version than the one saved now; nothing was written."""


class VersionCheckedForm(forms.ModelForm):
    """Refuses a save made from a copy older than the stored row (which it locks until the
    request's transaction ends, so two saves cannot race)."""

    stale_current: models.Model | None = None

    def clean(self):
        cleaned_data = super().clean()
        opened_at = cleaned_data.get(VERSION_FIELD)
        if self.instance.pk is None or opened_at is None:
            return cleaned_data  # a new object, or a post that carries no version: not checked
        manager = type(self.instance)._default_manager
        current = manager.select_for_update().get(pk=self.instance.pk)
        if current.version != opened_at:
            self.stale_current = current
            # The form shown again carries the saved version: saving it again, after reading
            # what changed, is a deliberate choice, not a silent overwrite.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = current.version
            raise StaleEdit(
                f"Not saved: someone else saved this {current._meta.verbose_name} after you "
                "opened it (see above). What you typed is still in the form.",
                code="stale",
            )
        return cleaned_data


def version_checked(form_class: type[forms.ModelForm], version: int | None):
    """The admin's form class with a hidden field holding the version it was opened at."""
    attrs = {
        VERSION_FIELD: forms.IntegerField(
            required=False, widget=forms.HiddenInput, initial=version, label="Version"
        )
    }
    return type(f"VersionChecked{form_class.__name__}", (VersionCheckedForm, form_class), attrs)


@dataclass(frozen=True)
class Difference:
    label: str
    saved: str
    typed: str


@dataclass(frozen=True)
class ErrorLink:
    href: str
    label: str
    message: str


def _shown(value) -> str:
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


def differences(form: forms.ModelForm) -> list[Difference]:
    """The fields whose saved value differs from what this person typed.

    The form's initial values were read from the row when this request began, so they are
    what is saved now (someone else's changes included).
    """
    found = []
    for name in form.changed_data:
        field = form.fields[name]
        if name == VERSION_FIELD or field.widget.is_hidden:
            continue
        saved, typed = form[name].initial, form[name].data
        if isinstance(field, forms.ModelMultipleChoiceField):
            saved = field.queryset.filter(pk__in=[getattr(v, "pk", v) for v in saved or []])
            typed = field.queryset.filter(pk__in=[v for v in typed or [] if str(v).isdigit()])
        elif isinstance(field, forms.ModelChoiceField):
            saved = field.queryset.filter(pk=getattr(saved, "pk", saved)).first() if saved else None
            typed = field.queryset.filter(pk=typed).first() if str(typed).isdigit() else None
        elif isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
            choices = {str(k): v for k, v in field.choices}
            saved, typed = choices.get(str(saved), saved), choices.get(str(typed), typed)
        found.append(Difference(str(field.label), _shown(saved), _shown(typed)))
    return found


def changes_since(current: models.Model, opened_at: int | None, limit: int = 5) -> list:
    """The admin's record of the saves made since the form was opened (one per version)."""
    # Imported here: the models using EditVersioned load before the admin's models do.
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    count = min(max(current.version - (opened_at or 0), 1), limit)
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(current),
            object_id=str(current.pk),
            action_flag=CHANGE,
        )
        .select_related("user")
        .order_by("-action_time")[:count]
    )


def error_links(form: forms.BaseForm, formsets=()) -> list[ErrorLink]:
    """Every error of the form and its inline formsets, each with a link to its field."""
    links = []

    def add(a_form: forms.BaseForm, where: str = "") -> None:
        for name, errors in a_form.errors.as_data().items():
            errors = [m for e in errors if e.code != "stale" for m in e.messages]  # own box
            if name == forms.forms.NON_FIELD_ERRORS:
                href, label = f"#{a_form.prefix or 'content-main'}", where or "The form"
            elif name in a_form.fields:
                field = a_form[name]
                href = f"#{field.auto_id}" if not a_form.fields[name].widget.is_hidden else ""
                label = f"{where}{field.label}"
            else:
                continue
            for message in errors:
                links.append(ErrorLink(href, label, message))

    add(form)
    for formset in formsets:
        name = str(formset.model._meta.verbose_name_plural).capitalize()
        for message in formset.non_form_errors():
            links.append(ErrorLink(f"#{formset.prefix}-group", name, message))
        for number, inline_form in enumerate(formset.forms, start=1):
            if inline_form.errors:
                add(inline_form, f"{name}, row {number}: ")
    return links


AUTOSAVE_KEY = "form_autosave_key"


class EditGuardAdmin:
    """ModelAdmin mixin: the stale-save check, the error summary, the unsaved-changes warning
    and the autosave, the same for every admin that edits a model editors share."""

    change_form_template = "admin/edit_guard/change_form.html"
    # The review form keeps its own autosave, as revisions (reviews/admin.py).
    form_autosave = True

    @property
    def media(self):
        scripts = ["edit_guard/unsaved_changes.js"]
        if self.form_autosave:
            scripts.append("edit_guard/form_autosave.js")
        return super().media + forms.Media(js=scripts)

    def get_urls(self):
        if not self.form_autosave:
            return super().get_urls()
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("add/form-autosave/", wrap(self.form_autosave_view), name=f"{info}_new_autosave"),
            path(
                "add/form-autosave/discard/",
                wrap(self.form_autosave_discard_view),
                name=f"{info}_new_autosave_discard",
            ),
            path(
                "<path:object_id>/form-autosave/",
                wrap(self.form_autosave_view),
                name=f"{info}_form_autosave",
            ),
            path(
                "<path:object_id>/form-autosave/discard/",
                wrap(self.form_autosave_discard_view),
                name=f"{info}_form_autosave_discard",
            ),
            *super().get_urls(),
        ]

    def _autosave_allowed(self, request: HttpRequest, object_id: str | None) -> str | None:
        """The object's primary key (None for a new object) when this person may change it
        (or add one); PermissionDenied otherwise, the same for a missing object."""
        if object_id is None:
            if self.has_add_permission(request):
                return None
            raise PermissionDenied(f"You may not add {self.opts.verbose_name_plural}.")
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied(f"You may not change this {self.opts.verbose_name}.")
        return str(obj.pk)

    def form_autosave_view(self, request: HttpRequest, object_id: str | None = None):
        """Keeps what is typed in this form (POST `data`: its fields as JSON); answers JSON."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            pk = self._autosave_allowed(request, object_id)
        except PermissionDenied as error:
            return JsonResponse({"saved": False, "message": str(error)}, status=403)
        try:
            autosave = form_autosaves.form_autosave_keep(
                user=request.user,
                model=self.model,
                object_id=pk,
                key=request.POST.get(AUTOSAVE_KEY),
                payload=request.POST.get("data", ""),
            )
        except ValidationError as error:
            return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=400)
        if autosave is None:
            return JsonResponse({"saved": False, "message": "No changes since the last autosave."})
        at = date_format(timezone.localtime(autosave.updated_at), "H:i T")
        return JsonResponse({"saved": True, "message": f"Your changes were autosaved at {at}."})

    def form_autosave_discard_view(self, request: HttpRequest, object_id: str | None = None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            pk = self._autosave_allowed(request, object_id)
        except PermissionDenied as error:
            return JsonResponse({"discarded": False, "message": str(error)}, status=403)
        discarded = form_autosaves.form_autosave_discard(
            user=request.user, model=self.model, object_id=pk, key=request.POST.get(AUTOSAVE_KEY)
        )
        return JsonResponse({"discarded": discarded})

    def _form_autosave_context(self, request, add: bool, obj) -> dict | None:
        """What the form's autosave needs: where to send, this form's key, and this person's
        drafts to offer back (their own only, for an object they may change or add)."""
        if not self.form_autosave:
            return None
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        if add or obj is None:
            if not self.has_add_permission(request):
                return None
            posted = request.POST.get(AUTOSAVE_KEY, "")  # kept across a refused save
            key = posted if form_autosaves.as_key(posted) else str(uuid.uuid4())
            urls = (reverse(f"{info}_new_autosave"), reverse(f"{info}_new_autosave_discard"))
            drafts = form_autosaves.form_autosaves_of(user=request.user, model=self.model)
        else:
            if not self.has_change_permission(request, obj):
                return None
            key = ""
            urls = (
                reverse(f"{info}_form_autosave", args=[obj.pk]),
                reverse(f"{info}_form_autosave_discard", args=[obj.pk]),
            )
            drafts = form_autosaves.form_autosaves_of(
                user=request.user, model=self.model, object_id=obj.pk
            )
        return {
            "url": urls[0],
            "discard_url": urls[1],
            "key": key,
            "seconds": settings.REVIEW_AUTOSAVE_SECONDS,
            "drafts": [
                {
                    "key": str(draft.key or ""),
                    "saved_at": date_format(timezone.localtime(draft.updated_at), "j M Y, H:i T"),
                    "fields": draft.fields,
                    "labels": draft.labels,
                }
                for draft in drafts
            ],
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.form_autosave:  # saved: the draft has done its job
            form_autosaves.form_autosave_discard(
                user=request.user,
                model=self.model,
                object_id=str(form.instance.pk) if change else None,
                key=None if change else request.POST.get(AUTOSAVE_KEY),
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and isinstance(obj, EditVersioned):
            kwargs["form"] = version_checked(kwargs.get("form", self.form), obj.version)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not isinstance(obj, EditVersioned):
            return fieldsets
        (name, options), *rest = fieldsets
        if VERSION_FIELD in options["fields"]:
            return fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.FileField):
            kwargs.setdefault("widget", PendingUploadWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        keep_valid_uploads(form)
        current = getattr(form, "stale_current", None)
        if current is not None:
            opened_at = getattr(form, "cleaned_data", {}).get(VERSION_FIELD)
            context["stale_edit"] = {
                "differences": differences(form),
                "changes": changes_since(current, opened_at),
            }
        if form.is_bound:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            context["error_summary"] = error_links(form, formsets)
        context["form_autosave"] = self._form_autosave_context(request, add, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
