import datetime
import uuid
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from library.admin import LibraryImageChooserMixin, thumbnail_html
from library.models import Image as LibraryImage
from magazine.autocomplete import KnownChoiceAutocompleteSelect
from magazine.control_characters import refuse_control_characters
from magazine.edit_guard import EditGuardAdmin
from magazine.images import CheckedImageFormField
from magazine.pending_uploads import PendingUploadWidget
from magazine.zones import describe_moment, desk_time_zone, moment_from_clock, time_zone_choices

from . import embargoes, selectors, services, workflow, writing
from .diffs import snapshot_diff
from .film_desk_admin import (
    CriticListFilter,
    FilmDeskCreditInline,
    FilmDeskMixin,
    FilmGenreInline,
    GenreCreateInPlaceMixin,
    ReviewBulkActionsMixin,
)
from .list_filters import ReviewStateFilter, critic_filter_for
from .models import (
    Availability,
    Correction,
    Film,
    Genre,
    NewReviewAutosave,
    Review,
    ReviewRevision,
)
from .previews import preview_link_max_age, preview_url
from .views import render_review_preview


@admin.register(Genre)
class GenreAdmin(EditGuardAdmin, GenreCreateInPlaceMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 1
    fields = ["kind", "provider", "region", "starts_on", "ends_on", "url", "last_checked"]
    # Django 6 assumes https for scheme-less links; say so now (silences its deprecation).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Sized to what they hold, so the row fits the change form instead of running ~700 px
    # past its right edge at 1280 px.
    input_sizes = {"provider": 12, "region": 2, "url": 8}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.input_sizes:
            # The admin's vTextField/vURLField classes fix wide CSS widths; size instead.
            field.widget.attrs.update(size=self.input_sizes[db_field.name], **{"class": ""})
        return field


class ClockTimeField(forms.DateTimeField):
    """A date and time as a clock shows it, with no zone applied: the form names the zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        try:
            result = parse_datetime(str(value).strip())
        except ValueError:
            result = None
        if result is None:
            result = forms.BaseTemporalField.to_python(self, value)
        return result


class FilmAdminForm(forms.ModelForm):
    """Takes the embargo as the distributor states it: a clock time and its time zone; and a
    poster either chosen from the media library or uploaded here into it, on the same page."""

    poster_upload = CheckedImageFormField(
        label="Or upload a new poster",
        required=False,
        # Kept (as a thumbnail and a signed token) when the form is refused for another reason.
        widget=PendingUploadWidget,
        help_text="It joins the media library, described as the film's poster. JPEG, PNG or "
        "WebP, at most 15 MB and 40 megapixels.",
    )

    review_embargo_until = ClockTimeField(
        label="Review embargo lifts at",
        required=False,
        help_text="The date and time exactly as the distributor gives it, on their clock "
        "(choose that time zone below). Leave empty when there is no embargo.",
    )
    review_embargo_timezone = forms.ChoiceField(
        label="Embargo time zone",
        choices=time_zone_choices,
        initial=desk_time_zone,
        required=False,
        help_text=f"Where the distributor's clock is, e.g. America/Los Angeles for “9 a.m. "
        f"Pacific”. The desk's own zone is {settings.TIME_ZONE}.",
    )

    class Meta:
        model = Film
        # The admin's fieldsets add the film's other fields.
        fields = ["review_embargo_until", "review_embargo_timezone"]
        help_texts = {"slug": "Used in the film's address, e.g. /films/all-of-us-strangers/."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        local = self.instance.review_embargo_local
        if local is not None:
            # Shown on the distributor's clock, the way it was entered.
            self.initial["review_embargo_until"] = local.replace(tzinfo=None)

    def save(self, commit=True):
        upload = self.cleaned_data.get("poster_upload")
        if upload:
            film = self.instance
            self.instance.poster = LibraryImage.objects.create(
                file=upload,
                alt_text=f"Poster for {film.title} ({film.year})",
                title=f"{film.title} ({film.year}), poster",
            )
        return super().save(commit)

    def clean_review_embargo_timezone(self) -> str:
        # Left out of the post (an old form, a script): keep the zone the film has.
        return self.cleaned_data["review_embargo_timezone"] or (
            self.instance.review_embargo_timezone or desk_time_zone()
        )

    def clean(self):
        cleaned_data = super().clean()
        clock = cleaned_data.get("review_embargo_until")
        zone_name = cleaned_data.get("review_embargo_timezone")
        if clock is None:
            return cleaned_data
        if zone_name is None:  # the zone is in error: a clock time alone names no moment
            del cleaned_data["review_embargo_until"]
            return cleaned_data
        if timezone.is_aware(clock):  # typed with an offset: that already names the moment
            cleaned_data["review_embargo_until"] = clock
            return cleaned_data
        try:
            cleaned_data["review_embargo_until"] = moment_from_clock(clock, zone_name)
        except ValidationError as error:
            self.add_error("review_embargo_until", error)
        return cleaned_data


@admin.register(Film)
class FilmAdmin(LibraryImageChooserMixin, EditGuardAdmin, FilmDeskMixin, admin.ModelAdmin):
    form = FilmAdminForm
    change_list_template = "admin/reviews/film/change_list.html"
    list_display = ["title", "year", "release_date", "runtime_minutes", "embargo", "updated_at"]
    list_filter = ["genres", "year"]
    search_fields = ["title", "slug", "source_title", "source_author"]
    prepopulated_fields = {"slug": ["title", "year"]}
    inlines = [FilmGenreInline, FilmDeskCreditInline, AvailabilityInline]
    # The poster is chosen from the media library (search, or + to upload one).
    autocomplete_fields = ["poster"]

    class Media:
        css = {
            "all": ["reviews/admin/film.css", "reviews/admin/film_desk.css", "library/library.css"]
        }
        js = ["library/chooser_names.js", "reviews/admin/embargo_preview.js"]

    readonly_fields = ["embargo_lifts", "embargo_holds", "poster_now"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "release_date", "runtime_minutes"]}),
        (
            "About the film",
            {"fields": ["synopsis", "poster", "poster_upload", "poster_now", "imdb_id"]},
        ),
        ("Source material", {"fields": ["source_title", "source_kind", "source_author"]}),
        (
            "Review embargo",
            {
                "fields": [
                    "review_embargo_until",
                    "review_embargo_timezone",
                    "embargo_lifts",
                    "embargo_holds",
                ],
                "description": "The moment the distributor allows reviews to appear. Enter "
                "it as they state it, e.g. 10 Jan 2024, 09:00 in America/Los Angeles; the "
                "desk converts it. No review of this film can be published or scheduled "
                "before it.",
            },
        ),
    ]

    @admin.display(description="Review embargo until", ordering="review_embargo_until")
    def embargo(self, film: Film) -> str:
        return film.review_embargo_description or "–"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "poster" and field is not None:
            # The film form opens no pop-ups: a new poster is uploaded in place (poster_upload).
            for link in ("can_add_related", "can_change_related", "can_view_related"):
                setattr(field.widget, link, False)
        return field

    @admin.display(description="Poster now")
    def poster_now(self, film: Film) -> str:
        return thumbnail_html(film.poster)

    @admin.display(description="Embargo lifts")
    def embargo_lifts(self, film: Film) -> str:
        if film.review_embargo_until is None:
            return "No embargo."
        state = "in force" if film.embargo_in_force() else "lifted"
        return f"{film.review_embargo_description} (embargo {state})."

    @admin.display(description="Reviews held by the embargo")
    def embargo_holds(self, film: Film) -> str:
        html = embargoes.held_reviews_html(film) or "None."
        if film.pk is None:
            return html
        url = reverse("admin:reviews_film_embargo_holds", args=[film.pk])
        return format_html('<div id="embargo-holds" data-url="{}">{}</div>', url, html)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/embargo-holds/",
                self.admin_site.admin_view(self.embargo_holds_view),
                name="reviews_film_embargo_holds",
            ),
            *super().get_urls(),
        ]

    def embargo_holds_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Which reviews an embargo typed into the form (not saved yet) would hold, and what
        happens to each: the film form shows it as the editor types."""
        film = self.get_object(request, unquote(object_id))
        if film is None or not self.has_view_permission(request, film):
            raise Http404("No such film.")
        try:
            clock = ClockTimeField().clean(request.GET.get("until", ""))
            zone_name = request.GET.get("zone") or film.review_embargo_timezone
            film.review_embargo_timezone = zone_name
            film.review_embargo_until = clock and moment_from_clock(clock, zone_name)
        except (ValidationError, LookupError, ValueError):
            return HttpResponse("Give a valid date, time and time zone to see what it holds.")
        if film.review_embargo_until is None:
            return HttpResponse("None: without an embargo nothing is held.")
        held = embargoes.held_reviews_html(film)
        return HttpResponse(format_html("If you save this embargo: {}", held) if held else "None.")

    def save_model(self, request: HttpRequest, obj: Film, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if {"review_embargo_until", "review_embargo_timezone"} & set(form.changed_data):
            held = embargoes.held_reviews_html(obj)
            if held:
                self.message_user(request, held, messages.WARNING)


def revision_label(revision: ReviewRevision) -> str:
    """“the autosave by writer at 21 Nov 2026, 20:20 UTC”: a revision as editors name it."""
    who = revision.author.get_username() if revision.author else "the system"
    kind = {
        ReviewRevision.Source.EDIT: "the save",
        ReviewRevision.Source.IMPORT: "the import",
        ReviewRevision.Source.RESTORE: "the restore",
        ReviewRevision.Source.AUTOSAVE: "the autosave",
        ReviewRevision.Source.PENDING: "the changes not yet public",
    }.get(revision.source, "the revision")
    return f"{kind} by {who} at {describe_moment(revision.created_at)}"


class ReviewAdminForm(forms.ModelForm):
    """The review form, carrying the version it was opened at so a stale save is refused."""

    class Meta:
        model = Review
        # The editorial fields autosave keeps for a new review, plus the stale-save guard.
        fields = [*NewReviewAutosave.FIELDS, "version"]
        widgets = {
            "version": forms.HiddenInput,
            "headline": forms.TextInput(attrs={"class": "writing-headline-input"}),
            "standfirst": forms.TextInput(attrs={"class": "writing-standfirst-input"}),
            "body": forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        }
        # The model's wording shows “<slug>”, which the admin would take for an HTML tag.
        help_texts = {"slug": "Used in the review's address, e.g. /reviews/a-ghost-story/."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("film", "critic", "lead_image"):
            # The review came with them: their boxes need not read them again.
            widget = getattr(self.fields.get(name), "widget", None)
            widget = getattr(widget, "widget", widget)  # inside the admin's related links
            descriptor = getattr(Review, name)
            if isinstance(widget, KnownChoiceAutocompleteSelect) and descriptor.is_cached(
                self.instance
            ):
                widget.known = getattr(self.instance, name)
        if "tags" in self.fields:  # the tag names typed here become taggit.Tag rows
            self.fields["tags"].validators.append(refuse_control_characters)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and "version" in self.fields:
            # Locks the row until this request's transaction ends, so two saves cannot race.
            services.review_check_version(
                review_id=self.instance.pk, expected_version=cleaned_data.get("version")
            )
            services.review_check_live_move(
                review_id=self.instance.pk, film=cleaned_data.get("film")
            )
        return cleaned_data

    @property
    def is_stale(self) -> bool:
        return any(error.code == "stale" for error in self.non_field_errors().as_data())


class TransitionForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the review's history; the writer sees it. Required when you "
        "request changes.",
    )
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"Only for “Schedule”. Time zone: {settings.TIME_ZONE}.",
    )

    def __init__(self, *args, linked_form: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if linked_form:
            # Posted with the review form (HTML's form attribute), so a move saves the edits
            # in it first instead of dropping them (ReviewAdmin.response_change).
            for field in self.fields.values():
                field.widget.attrs["form"] = linked_form


class CorrectionFormSet(forms.BaseInlineFormSet):
    """The corrections formset, building its empty form (the row “Add another” copies) once:
    the admin asks for it four times per page, and each time Django builds a new one."""

    @cached_property
    def empty_form(self):
        return super().empty_form


class CorrectionInline(admin.TabularInline):
    """Public correction notes. Kept as written: they can be added, never edited or removed."""

    model = Correction
    formset = CorrectionFormSet
    extra = 0
    fields = ["published_on", "text"]
    can_delete = False
    verbose_name = "public correction"
    # The tabular markup, drawn without a template per cell (the change form's cost).
    template = "admin/reviews/review/corrections_inline.html"
    # Formset classes built so far, by what decides them (get_formset). On the class: the
    # admin makes a new inline object for every request.
    _formset_classes: ClassVar[dict[tuple, type[forms.BaseInlineFormSet]]] = {}

    def get_formset(self, request, obj=None, **kwargs):
        """The formset class, built once per kind of request: besides the fields (none of
        them relations), only what this user may do with corrections decides it."""
        if kwargs:
            return super().get_formset(request, obj, **kwargs)
        key = (
            self.admin_site.name,
            self.parent_model,
            tuple(flatten_fieldsets(self.get_fieldsets(request, obj))),
            tuple(self.get_readonly_fields(request, obj)),
            tuple(self.get_exclude(request, obj) or ()),
            self.can_delete and self.has_delete_permission(request, obj),
            self.has_change_permission(request, obj),
            self.has_add_permission(request, obj),
            self.get_extra(request, obj),
            self.get_min_num(request, obj),
            self.get_max_num(request, obj),
        )
        formset_class = self._formset_classes.get(key)
        if formset_class is None:
            formset_class = super().get_formset(request, obj)
            self._formset_classes[key] = formset_class
        return formset_class

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return (
            obj is not None
            and obj.first_published_at is not None
            and request.user.has_perm("reviews.add_correction")
        )


@admin.register(Review)
class ReviewAdmin(
    LibraryImageChooserMixin, EditGuardAdmin, ReviewBulkActionsMixin, admin.ModelAdmin
):
    form = ReviewAdminForm
    change_form_template = "admin/reviews/review/change_form.html"
    form_autosave = False  # its own: autosave revisions and unsaved new reviews
    change_list_template = "admin/reviews/review/change_list.html"
    list_display = ["headline", "film", "critic", "kind", "status", "publish_time", "updated"]
    list_filter = [ReviewStateFilter, "kind", ("critic", CriticListFilter), "publish_at"]
    list_select_related = ["film", "critic"]
    search_fields = ["headline", "slug", "standfirst", "film__title", "critic__byline"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["film", "critic", "lead_image"]
    # No date_hierarchy: its year links scan every review (0.35 s at 100,000 reviews);
    # the publish_at list filter covers the same need. No full count under filtered lists.
    show_full_result_count = False
    inlines = [CorrectionInline]
    readonly_fields = [
        "status",
        "publish_time",
        "first_published",
        "created_at",
        "updated_at",
        "word_count",
        "lead_image_now",
    ]
    # The first fieldset is the writing column (admin/reviews/review/writing/); the others sit
    # beside it.
    fieldsets = [
        ("Writing", {"fields": ["headline", "standfirst", "body", "version"]}),
        ("Film and critic", {"fields": ["film", "critic", "kind"]}),
        ("Details", {"fields": ["rating", "tags", "slug"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_now"]}),
        (
            "Publication",
            {
                "fields": ["status", "publish_time", "first_published"],
                "description": "Use the workflow buttons above the form to move the review "
                "on: submit, approve, schedule, publish.",
            },
        ),
        (
            "Record",
            {"classes": ["collapse"], "fields": ["created_at", "updated_at", "word_count"]},
        ),
    ]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Form classes built so far, by what decides them (get_form).
        self._form_classes: dict[tuple, type[forms.ModelForm]] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("film", "critic") and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs.setdefault(
                "widget",
                KnownChoiceAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Lead image now")
    def lead_image_now(self, review: Review) -> str:
        return thumbnail_html(review.lead_image)

    @admin.display(description="State", ordering="state")
    def status(self, review: Review) -> str:
        return review.status_label

    @admin.display(description="Publish at", ordering="publish_at")
    def publish_time(self, review: Review) -> str:
        return describe_moment(review.publish_at) if review.publish_at else "–"

    @admin.display(description="Updated", ordering="updated_at")
    def updated(self, review: Review) -> str:
        return describe_moment(review.updated_at)

    @admin.display(description="First published", ordering="first_published_at")
    def first_published(self, review: Review) -> str:
        return describe_moment(review.first_published_at) if review.first_published_at else "–"

    def view_on_site(self, review: Review) -> str | None:
        """Only a review readers can see has a page on the site; previews cover the rest."""
        return review.get_absolute_url() if review.is_published else None

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        left_out = set()
        if obj is None:  # nothing to say about publication before the first save
            fieldsets = [fs for fs in fieldsets if fs[0] not in {"Publication", "Record"}]
            if not workflow.may_handle_any_review(request.user):
                left_out.add("critic")  # a writer's own; the form says so instead
        elif not self.has_change_permission(request, obj):
            left_out.add("version")  # read only: no version to carry
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in left_out]})
            for name, options in fieldsets
        ]

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        """The form class for this request, built once per kind of request: the fields shown,
        those read only and the related-object links this user may follow decide it all."""
        if obj is None or set(kwargs) - {"fields"}:
            return super().get_form(request, obj, change, **kwargs)
        key = self._form_class_key(request, obj, change, kwargs.get("fields"))
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form(request, obj, change, **kwargs)
            self._form_classes[key] = form_class
        return form_class

    def _form_class_key(self, request: HttpRequest, obj: Review, change: bool, fields) -> tuple:
        """What ModelAdmin.get_form reads from the request: which fields, which of them read
        only, whether the user may change this review, and (for the links beside the film,
        critic and image boxes) what the user may do with those objects."""
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        links = []
        for name in fields:
            try:
                related_model = Review._meta.get_field(name).related_model
            except FieldDoesNotExist:
                continue
            related_admin = self.admin_site._registry.get(related_model)
            if related_admin is not None:
                links.append(
                    (
                        name,
                        related_admin.has_add_permission(request),
                        related_admin.has_change_permission(request),
                        related_admin.has_delete_permission(request),
                        related_admin.has_view_permission(request),
                    )
                )
        return (
            self.form,
            change,
            tuple(fields),
            tuple(self.get_readonly_fields(request, obj)),
            tuple(self.get_exclude(request, obj) or ()),
            change and self.has_change_permission(request, obj),
            tuple(links),
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # Tags are the form's only many-to-many: review_save (save_model) wrote them, or kept
        # them with the pending changes of a live review; taggit would set them again.
        form.save_m2m = lambda: None
        if getattr(form.instance, "kept_as_pending_changes", False):
            self.message_user(
                request,
                "This review is live: your edits are kept as changes not yet public. Readers "
                "see them when you press “Publish changes” in the Workflow box.",
                messages.WARNING,
            )
        super().save_related(request, form, formsets, change)

    def get_inlines(self, request: HttpRequest, obj=None):
        # Corrections exist only for a review that has been published.
        return self.inlines if obj is not None and obj.first_published_at else []

    # Who sees and edits what: the rules live in reviews.workflow.
    def get_queryset(self, request: HttpRequest):
        # The film too: whether a review is public depends on its film's embargo.
        queryset = super().get_queryset(request).select_related("film", "critic")
        if workflow.may_handle_any_review(request.user):
            return queryset
        return queryset.owned_by(request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        """The review, if this user may see it. Someone else's review is a 403, as on the
        workflow pages, not the stock admin's "perhaps it was deleted?" redirect.

        The change form of a live review shows its pending changes, if any: editors go on
        from them, and the public text stays as it is until the changes are published."""
        shown = getattr(request, "_review_shown", None)
        if shown is not None and from_field is None and str(shown.pk) == str(object_id):
            return shown
        review = super().get_object(request, object_id, from_field)
        match = request.resolver_match
        if review is not None and match and match.url_name == "reviews_review_change":
            if request.method == "GET":
                # One count answers whether there are pending changes (and, for the
                # workflow box, autosaves and revisions): most reviews have none.
                review.revision_tally = selectors.revision_tally(review=review, user=request.user)
                if not review.revision_tally.pending:
                    review.pending_changes = None
                    return review
            review.pending_changes = services.review_with_pending_changes(review)
        if review is None and from_field is None:
            try:
                exists = Review.objects.filter(pk=object_id).exists()
            except (ValueError, ValidationError):
                exists = False
            if exists:
                raise PermissionDenied("You may not see this review.")
        return review

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return workflow.can_add(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.may_handle_any_review(request.user):
            fields.append("critic")
        return fields

    @staticmethod
    def _edits_saved(request: HttpRequest) -> bool:
        return getattr(request, "_review_edits_saved", True)

    def save_model(self, request: HttpRequest, obj: Review, form, change: bool) -> None:
        if change and "transition" in request.POST and not form.has_changed():
            request._review_edits_saved = False
            return  # a workflow move from an untouched form: nothing to save, no revision
        if not change and not workflow.may_handle_any_review(request.user):
            obj.critic = request.user.critic
        services.review_save(
            review=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("version") if change else None,
            tags=form.cleaned_data.get("tags"),
            new_autosave_key=None if change else request.POST.get("new_autosave_key"),
        )
        if not change:
            services.assignment_link_review(review=obj)

    def get_list_filter(self, request: HttpRequest):
        return critic_filter_for(request.user, super().get_list_filter(request))

    # A review not saved yet is autosaved too, per open form (NewReviewAutosave).
    def _new_autosave_key(self, request: HttpRequest) -> tuple[str, NewReviewAutosave | None]:
        """This add form's autosave key (kept across a failed save), and the autosave it
        restores when the editor asked for one."""
        posted = request.POST.get("new_autosave_key", "")
        if request.method == "POST" and services.autosave_key_is_valid(posted):
            return posted, None
        restored = selectors.new_review_autosave_of(request.user, request.GET.get("autosave", ""))
        if restored is not None:
            return str(restored.key), restored
        return str(uuid.uuid4()), None

    def add_view(self, request, form_url="", extra_context=None):
        key, restored = self._new_autosave_key(request)
        extra_context = {
            **(extra_context or {}),
            "new_autosave_key": key,
            "new_autosave_restored": restored,
            "new_autosaves": selectors.new_review_autosaves_of(request.user, other_than=key),
            "autosave_seconds": settings.REVIEW_AUTOSAVE_SECONDS,
            "autosave_fields": " ".join(NewReviewAutosave.FIELDS),
            "writing_as": (
                None
                if workflow.may_handle_any_review(request.user)
                else getattr(getattr(request.user, "critic", None), "byline", None)
            ),
        }
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        initial.pop("autosave", None)
        restored = selectors.new_review_autosave_of(request.user, request.GET.get("autosave", ""))
        if restored is None:
            return initial
        typed = {name: value for name, value in restored.data.items() if value}
        for name in ("film", "critic"):
            if not str(typed.get(name, "")).isdigit():
                typed.pop(name, None)
        if not workflow.may_handle_any_review(request.user):
            typed.pop("critic", None)
        return {**initial, **typed}

    # The workflow around the form: buttons, history, previews, autosave.
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "add/preview/",
                wrap(never_cache(self.draft_preview_view)),
                name=f"{prefix}_draft_preview",
            ),
            path(
                "<path:object_id>/preview/draft/",
                wrap(never_cache(self.draft_preview_view)),
                name=f"{prefix}_draft_preview",
            ),
            path("desk/", wrap(self.desk_view), name=f"{prefix}_desk"),
            path(
                "<path:object_id>/transition/",
                wrap(self.transition_view),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name=f"{prefix}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.revision_compare_view),
                name=f"{prefix}_revision_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                wrap(self.revision_restore_view),
                name=f"{prefix}_revision_restore",
            ),
            path(
                "<path:object_id>/changes/publish/",
                wrap(self.publish_changes_view),
                name=f"{prefix}_publish_changes",
            ),
            path(
                "<path:object_id>/changes/discard/",
                wrap(self.discard_changes_view),
                name=f"{prefix}_discard_changes",
            ),
            path("add/autosave/", wrap(self.new_autosave_view), name=f"{prefix}_new_autosave"),
            path(
                "add/autosave/<uuid:key>/discard/",
                wrap(self.new_autosave_discard_view),
                name=f"{prefix}_new_autosave_discard",
            ),
            path(
                "<path:object_id>/autosave/",
                wrap(self.autosave_view),
                name=f"{prefix}_autosave",
            ),
            path(
                "<path:object_id>/preview/",
                wrap(never_cache(self.preview_view)),
                name=f"{prefix}_preview",
            ),
            *super().get_urls(),
        ]

    def _review_for(self, request: HttpRequest, object_id: str) -> Review:
        """The review, or 404 if there is none; 403 if this user may not see it."""
        try:
            review = Review.objects.select_related("film", "critic").get(pk=unquote(object_id))
        except (Review.DoesNotExist, ValueError, ValidationError) as error:
            raise Http404("No such review.") from error
        if not self.has_view_permission(request, review):
            raise PermissionDenied("You may not see this review.")
        return review

    def _change_url(self, review: Review) -> str:
        return reverse("admin:reviews_review_change", args=[review.pk])

    def _page(self, request: HttpRequest, template: str, context: dict, status: int = 200):
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, template, context, status=status)

    # The review's change form: workflow buttons post it, so its edits are saved first.
    WORKFLOW_FORM_ID = "review_form"

    def workflow_context(self, request: HttpRequest, review: Review) -> dict:
        user = request.user
        linked_form = self.WORKFLOW_FORM_ID if workflow.can_edit(user, review) else None
        tally = getattr(review, "revision_tally", None) or selectors.revision_tally(
            review=review, user=user
        )
        return {
            "review": review,
            "allowed_transitions": workflow.allowed_transitions(user, review),
            "transition_form": TransitionForm(linked_form=linked_form),
            "workflow_form_id": linked_form,
            "transitions": review.transitions.select_related("user"),
            "revision_count": tally.total,
            "autosave_newer": (
                selectors.autosave_newer_than_saved(review=review, user=user)
                if tally.own_autosaves
                else None
            ),
            "can_edit": workflow.can_edit(user, review),
            "share_url": (
                None
                if review.is_published
                else request.build_absolute_uri(preview_url(review=review))
            ),
            "share_expires": timezone.now() + preview_link_max_age(),
            "autosave_seconds": settings.REVIEW_AUTOSAVE_SECONDS,
            "embargo_in_force": review.film.embargo_in_force(),
            "pending_changes": getattr(review, "pending_changes", None),
            "may_publish_changes": user.has_perm("reviews.publish_review"),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, unquote(object_id))
        if review is not None:
            extra_context = {**(extra_context or {}), **self.workflow_context(request, review)}
            if request.method == "GET":
                # Django's view reads it again: on a GET (nothing posted changes it) it may
                # reuse this one, with its pending changes already looked up.
                request._review_shown = review
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        # The writing view needs the text editable; a read-only look gets the plain form.
        context["writing_view"] = "body" in form.fields and "headline" in form.fields
        if context["writing_view"]:
            context["is_nav_sidebar_enabled"] = False  # the text needs the width
        if change and obj is not None and getattr(form, "is_stale", False):
            # Show what is saved now against what they typed, so they can merge by hand.
            typed = obj.editorial_snapshot()
            stored = Review.objects.get(pk=obj.pk).editorial_snapshot()
            for name in Review.EDITORIAL_FIELDS:
                if name in form.data:
                    typed[name] = form.data[name]
            context["conflict_diff"] = snapshot_diff(stored, typed)
        if change and request.method == "POST" and "transition" in request.POST:
            transition = workflow.TRANSITIONS.get(request.POST["transition"])
            context["workflow_not_done"] = transition.label if transition else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _needs_confirmation(request: HttpRequest, review: Review, name: str) -> bool:
        return bool(workflow.what_it_does(review, name)) and request.POST.get("confirmed") != "yes"

    def _confirmation_page(self, request, review, transition, form) -> HttpResponse:
        """Says what the move will do and asks for it again (it posts to the transition view)."""
        return self._page(
            request,
            "admin/reviews/review/transition_confirm.html",
            {
                "title": f"{transition.label}: are you sure?",
                "review": review,
                "transition": transition,
                "form": form,
                "what_it_does": workflow.what_it_does(review, transition.name),
            },
        )

    def response_change(self, request: HttpRequest, obj: Review) -> HttpResponse:
        """A workflow button pressed on the form: the edits are saved; now make the move."""
        name = request.POST.get("transition")
        if name is None:
            return super().response_change(request, obj)
        form = TransitionForm(request.POST)
        transition = workflow.TRANSITIONS.get(name)
        label = transition.label if transition else name
        if transition and form.is_valid() and self._needs_confirmation(request, obj, name):
            if self._edits_saved(request):
                self.message_user(request, "Your edits were saved.", messages.SUCCESS)
            return self._confirmation_page(request, obj, transition, form)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            services.review_transition(
                review=obj,
                user=request.user,
                name=name,
                comment=form.cleaned_data["comment"],
                publish_at=form.cleaned_data["publish_at"],
            )
        except (ValidationError, PermissionDenied) as error:  # refusals are PermissionDenied
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
            saved = "Your edits were saved, but" if self._edits_saved(request) else "Not done:"
            self.message_user(request, f"{saved} “{label}” was not done: {reason}", messages.ERROR)
        else:
            when = f" for {describe_moment(obj.publish_at)}" if obj.is_scheduled else ""
            saved = "Your edits were saved. " if self._edits_saved(request) else ""
            self.message_user(
                request,
                f"{saved}“{obj}”: {label.lower()} done. It is now "
                f"{obj.status_label.lower()}{when}.",
                messages.SUCCESS,
            )
        return redirect(self._change_url(obj))

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        review = self._review_for(request, object_id)
        name = request.POST.get("transition", "")
        form = TransitionForm(request.POST)
        context = {"title": f"Workflow: {review}", "review": review, "form": form}
        try:
            transition = workflow.check(request.user, review, name)
        except workflow.TransitionNotAllowed as refusal:
            context["refusal"] = refusal
            return self._page(request, "admin/reviews/review/transition.html", context, 403)
        context["transition"] = transition
        if form.is_valid() and self._needs_confirmation(request, review, name):
            return self._confirmation_page(request, review, transition, form)
        if form.is_valid():
            try:
                services.review_transition(
                    review=review,
                    user=request.user,
                    name=name,
                    comment=form.cleaned_data["comment"],
                    publish_at=form.cleaned_data["publish_at"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                when = ""
                if review.is_scheduled:
                    when = (
                        f" for {date_format(timezone.localtime(review.publish_at), 'j M Y, H:i T')}"
                    )
                self.message_user(
                    request,
                    f"“{review}”: {transition.label.lower()} done. It is now "
                    f"{review.status_label.lower()}{when}.",
                    messages.SUCCESS,
                )
                return redirect(self._change_url(review))
        return self._page(request, "admin/reviews/review/transition.html", context)

    def revisions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        review = self._review_for(request, object_id)
        revisions = list(review.revisions.select_related("author"))
        # Compare, unless told otherwise, the text before the last save with the text now:
        # “what did the last save change?”, the question a returning editor asks.
        saves = [r for r in revisions if r.source != r.Source.AUTOSAVE]
        before_last_save = saves[1] if len(saves) > 1 else (revisions[-1] if revisions else None)
        return self._page(
            request,
            "admin/reviews/review/revisions.html",
            {
                "title": f"Revisions of “{review}”",
                "review": review,
                "revisions": revisions,
                "default_from": before_last_save.pk if before_last_save else None,
                "can_edit": workflow.can_edit(request.user, review),
            },
        )

    def revision_compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        review = self._review_for(request, object_id)

        def snapshot(key: str, fallback: str) -> tuple[str, dict]:
            value = request.GET.get(key, fallback)
            if value == "live":
                return "the saved review now", review.editorial_snapshot()
            revision = (
                review.revisions.select_related("author").filter(pk=value).first()
                if value.isdigit()
                else None
            )
            if revision is None:
                raise Http404("No such revision of this review.")
            return revision_label(revision), revision.data

        older_label, older = snapshot("from", "live")
        newer_label, newer = snapshot("to", "live")
        return self._page(
            request,
            "admin/reviews/review/revision_compare.html",
            {
                "title": f"Changes to “{review}”",
                "review": review,
                "older_label": older_label,
                "newer_label": newer_label,
                "diff": snapshot_diff(older, newer),
            },
        )

    def revision_restore_view(
        self, request: HttpRequest, object_id: str, revision_id: int
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        review = self._review_for(request, object_id)
        revision = review.revisions.filter(pk=revision_id).first()
        if revision is None:
            raise Http404("No such revision of this review.")
        try:
            services.review_restore_revision(review=review, revision=revision, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"Not restored: {' '.join(error.messages)}", messages.ERROR)
            return redirect("admin:reviews_review_revisions", review.pk)
        waiting = (
            " It waits as changes not yet public: the review is live."
            if services.review_pending_changes(review=review) is not None
            else ""
        )
        self.message_user(
            request,
            f"Restored the text of {revision_label(revision)}. The previous text is kept as a "
            f"revision too.{waiting}",
            messages.SUCCESS,
        )
        return redirect(self._change_url(review))

    def autosave_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        review = self._review_for(request, object_id)
        data = {
            name: request.POST[name] for name in Review.EDITORIAL_FIELDS if name in request.POST
        }
        try:
            revision = services.review_autosave(review=review, user=request.user, data=data)
        except ValidationError as error:
            return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=400)
        if revision is None:
            return JsonResponse({"saved": False, "message": "No changes since the last autosave."})
        at = date_format(timezone.localtime(revision.created_at), "H:i T")
        return JsonResponse(
            {"saved": True, "revision": revision.pk, "message": f"Draft autosaved at {at}."}
        )

    def new_autosave_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not add reviews.")
        data = {
            name: request.POST[name] for name in NewReviewAutosave.FIELDS if name in request.POST
        }
        try:
            autosave = services.new_review_autosave(
                user=request.user, key=request.POST.get("new_autosave_key", ""), data=data
            )
        except ValidationError as error:
            return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=400)
        if autosave is None:
            return JsonResponse({"saved": False, "message": "Nothing new to autosave."})
        at = date_format(timezone.localtime(autosave.updated_at), "H:i T")
        return JsonResponse(
            {
                "saved": True,
                "message": f"Autosaved at {at}. If this tab closes, open “Add review” again "
                "to get your text back.",
            }
        )

    def new_autosave_discard_view(self, request: HttpRequest, key) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if services.new_review_autosave_discard(user=request.user, key=key):
            self.message_user(request, "The autosaved new review was discarded.", messages.SUCCESS)
        return redirect("admin:reviews_review_add")

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        self._review_for(request, object_id)
        review = Review.objects.for_page().get(pk=unquote(object_id))
        if request.GET.get("changes") == "pending":
            services.review_with_pending_changes(review)
        return render_review_preview(request, review, shared=False)

    def draft_preview_view(self, request: HttpRequest, object_id: str | None = None):
        """The writing view's live preview of what is typed (POST: the form's fields)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied("You may not add reviews.")
            return writing.draft_preview(request, None)
        return writing.draft_preview(request, self._review_for(request, object_id))

    def publish_changes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        review = self._review_for(request, object_id)
        try:
            services.review_publish_changes(
                review=review, user=request.user, correction=request.POST.get("correction", "")
            )
        except ValidationError as error:
            self.message_user(request, f"Not published: {' '.join(error.messages)}", messages.ERROR)
        else:
            self.message_user(request, f"“{review}”: the changes are public now.", messages.SUCCESS)
        return redirect(self._change_url(review))

    def discard_changes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        review = self._review_for(request, object_id)
        services.review_discard_changes(review=review, user=request.user)
        self.message_user(
            request,
            "The changes were discarded; the public text stands. They are kept under "
            "Revisions, to restore if needed.",
            messages.SUCCESS,
        )
        return redirect(self._change_url(review))

    def desk_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied("You may not see the editorial desk.")
        return self._page(
            request,
            "admin/reviews/review/desk.html",
            {"title": "Editorial desk", "desk": selectors.desk_for(request.user)},
        )
