"""The film desk in the admin: films entered on one page, the release calendar, assignments,
and the review list's bulk actions. Kept apart from reviews/admin.py, which wires it in."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode

from magazine.edit_guard import EditGuardAdmin
from people.models import Critic, Person

from . import calendar, services, workflow
from .models import Assignment, Credit, Film, FilmGenre


class CreatingAutocompleteMixin:
    """An admin autocomplete that also offers “Add … as new”: the row is made in place by a
    POST to `create_url` (film_entry.js), with no pop-up window."""

    def __init__(self, *args, create_url: str, noun: str, **kwargs):
        self.create_url = create_url
        self.noun = noun
        super().__init__(*args, **kwargs)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-create-url"] = reverse(self.create_url)
        attrs["data-create-noun"] = self.noun
        return attrs

    @property
    def media(self):
        # One list, so merged media keep film_entry.js after Django's autocomplete.js.
        media = super().media
        return forms.Media(css=media._css, js=[*media._js, "reviews/admin/film_entry.js"])


class CreatingAutocompleteSelect(CreatingAutocompleteMixin, AutocompleteSelect):
    pass


def person_widget(admin_site) -> CreatingAutocompleteSelect:
    return CreatingAutocompleteSelect(
        Credit._meta.get_field("person"),
        admin_site,
        create_url="admin:people_person_create_in_place",
        noun="person",
    )


def genre_widget(admin_site) -> CreatingAutocompleteSelect:
    return CreatingAutocompleteSelect(
        FilmGenre._meta.get_field("genre"),
        admin_site,
        create_url="admin:reviews_genre_create_in_place",
        noun="genre",
    )


def create_in_place_response(request: HttpRequest, create) -> HttpResponse:
    """The JSON answer film_entry.js expects: {id, text}, or {error} with status 400."""
    if request.method != "POST":
        return JsonResponse({"error": "Send a POST."}, status=405)
    try:
        made = create(name=request.POST.get("name", ""))
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"id": str(made.pk), "text": str(made)})


class CreditInlineForm(forms.ModelForm):
    class Meta:
        model = Credit
        fields = ["person", "role", "character", "billing_order"]
        widgets = {"billing_order": forms.NumberInput(attrs={"class": "credit-billing", "min": 0})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["billing_order"].required = False
        self.fields["billing_order"].help_text = "Left empty: after the others."
        if self.instance.pk is None:
            self.fields["role"].initial = Credit.Role.CAST  # most rows of a film are its cast


class OrderedRowsFormSet(forms.BaseInlineFormSet):
    """Numbers rows left without a place (`order_field`) after the rest, in the order of the
    rows (film_entry.js numbers them all; this covers a form sent without it)."""

    order_field = "billing_order"

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.is_valid()
        ]
        numbers = [f.cleaned_data.get(self.order_field) for f in kept]
        following = max((n for n in numbers if n is not None), default=0)
        for form in kept:
            if form.cleaned_data.get(self.order_field) is None:
                following += 1
                form.cleaned_data[self.order_field] = following
                setattr(form.instance, self.order_field, following)


class CreditFormSet(OrderedRowsFormSet):
    order_field = "billing_order"


class FilmDeskCreditInline(admin.TabularInline):
    """Credits in billing order: drag a row (or use its ↑/↓ buttons) and the numbers follow."""

    model = Credit
    form = CreditInlineForm
    formset = CreditFormSet
    extra = 3
    fields = ["person", "role", "character", "billing_order"]
    classes = ["film-credits"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["widget"] = person_widget(self.admin_site)
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class FilmGenreInlineForm(forms.ModelForm):
    class Meta:
        model = FilmGenre
        fields = ["genre", "position"]
        widgets = {"position": forms.NumberInput(attrs={"class": "list-position", "min": 0})}
        labels = {"position": "Order"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].help_text = "Left empty: after the others."
        if self.instance.pk is None:
            self.fields["position"].initial = None  # a spare row: numbered once it is used


class GenreFormSet(OrderedRowsFormSet):
    order_field = "position"


class FilmGenreInline(admin.TabularInline):
    """A film's genres in the order readers see them (“Drama, Romance”), ordered as credits
    are: drag a row or use its ↑/↓ buttons, and the numbers follow."""

    model = FilmGenre
    form = FilmGenreInlineForm
    formset = GenreFormSet
    extra = 2
    fields = ["genre", "position"]
    classes = ["film-genres"]
    verbose_name = "genre"
    verbose_name_plural = "genres"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("genre")  # each row's label

    # A film's genre list is part of the film, as the plain many-to-many was: whoever may
    # edit the film may edit its list (the rows have no permissions of their own to grant).
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("reviews.view_film")

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_edit_film(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit_film(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit_film(request, obj)

    @staticmethod
    def _may_edit_film(request, film) -> bool:
        action = "add" if film is None else "change"
        return request.user.has_perm(f"reviews.{action}_film")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "genre":
            # Made in place by the autocomplete: no “add another” pop-up window beside it.
            kwargs["widget"] = genre_widget(self.admin_site)
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BareFilmForm(forms.ModelForm):
    """What a writer knows of a film they want to review; editors complete the rest."""

    director = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        required=False,
        help_text="Type to find them, or add a new name.",
    )

    class Meta:
        model = Film
        fields = ["title", "year"]

    def clean(self):
        cleaned_data = super().clean()
        title, year = cleaned_data.get("title"), cleaned_data.get("year")
        if title and year and Film.objects.filter(title__iexact=title, year=year).exists():
            raise ValidationError(
                f"“{title} ({year})” is already in the catalogue: pick it on the review form.",
                code="duplicate",
            )
        return cleaned_data

    def _post_clean(self):
        # The slug is made on save (services.film_create_bare), so not validated here.
        self.instance.slug = "pending"
        super()._post_clean()


class FilmDeskMixin:
    """What the film admin adds for the desk: one-page entry, writers' bare films, the
    calendar, and the “assign to a critic” action."""

    actions = ["assign_to_critic"]

    # The list and the form need the page's width at 768 px (genre and credit rows, list
    # columns); the sidebar repeats what the breadcrumbs and the home page offer.
    def changelist_view(self, request, extra_context=None):
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _is_writer(self, request: HttpRequest) -> bool:
        return not request.user.has_perm("reviews.change_film")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and self._is_writer(request):
            form = BareFilmForm
            form.base_fields["director"].widget = person_widget(self.admin_site)
            return form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None and self._is_writer(request):
            return [(None, {"fields": ["title", "year", "director"]})]
        return super().get_fieldsets(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        if obj is None and self._is_writer(request):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None and self._is_writer(request):
            return []
        return super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj=None):
        if obj is None and self._is_writer(request):
            return []
        return super().get_inlines(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and isinstance(form, BareFilmForm):
            services.film_create_bare(film=obj, director=form.cleaned_data.get("director"))
            return
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if self._is_writer(request) and workflow.can_add(request.user):
            self.message_user(
                request,
                f"“{obj}” is in the catalogue; an editor will complete it. Now write your review.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{reverse('admin:reviews_review_add')}?film={obj.pk}")
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("calendar/", wrap(self.calendar_view), name="reviews_film_calendar"),
            *super().get_urls(),
        ]

    def calendar_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied("You may not see the release calendar.")
        today = timezone.localdate()
        view = "month" if request.GET.get("view") == "month" else "week"
        day = parse_date(request.GET.get("date") or "") or today
        if view == "week":
            first, last = calendar.week_of(day)
            shown_from, shown_to = first, last
            previous = first - datetime.timedelta(days=7)
            following = first + datetime.timedelta(days=7)
            title = f"Week of {first:%-d %b %Y}"
        else:
            first, last, shown_from, shown_to = calendar.month_grid(day)
            previous = (shown_from - datetime.timedelta(days=1)).replace(day=1)
            following = shown_to + datetime.timedelta(days=1)
            title = f"{shown_from:%B %Y}"
        days = calendar.calendar_days(
            first, last, shown_from=shown_from, shown_to=shown_to, today=today
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Release calendar: {title}",
            "view": view,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "previous": previous,
            "following": following,
            "day": day,
            "today": today,
            "uncovered": calendar.uncovered_films(today).order_by("title")[:50],
            "uncovered_days": calendar.UNCOVERED_DAYS,
        }
        return TemplateResponse(request, "admin/reviews/film/calendar.html", context)

    @admin.action(description="Assign to a critic…", permissions=["assign"])
    def assign_to_critic(self, request: HttpRequest, queryset: QuerySet[Film]):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for film in queryset:
                services.assignment_create(
                    film=film,
                    critic=form.cleaned_data["critic"],
                    due_on=form.cleaned_data["due_on"],
                    note=form.cleaned_data["note"],
                    assigned_by=request.user,
                )
            self.message_user(
                request,
                f"Assigned {len(queryset)} film(s) to {form.cleaned_data['critic']}, due "
                f"{form.cleaned_data['due_on']:%-d %b %Y}.",
                messages.SUCCESS,
            )
            return None
        return bulk_action_page(
            self, request, queryset, form, "assign_to_critic", "Assign to a critic", "Assign"
        )

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reviews.add_assignment")


class AssignForm(forms.Form):
    critic = forms.ModelChoiceField(queryset=Critic.objects.active().order_by("byline"))
    due_on = forms.DateField(
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the review should be submitted.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TagForm(forms.Form):
    tag = forms.CharField(max_length=100, help_text="One tag, exactly as readers should see it.")


class UnpublishForm(forms.Form):
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in each review's history.",
    )


def bulk_action_page(model_admin, request, queryset, form, action, title, button, warning=""):
    """The page between choosing a bulk action and applying it: names every row it touches."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "button": button,
        "warning": warning,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/reviews/bulk_action.html", context)


# What a row of the review list shows and reads (Review.__str__, its status label with the
# film's embargo, Film.__str__, Critic.__str__ and the list's columns): nothing else is loaded.
REVIEW_LIST_COLUMNS = [
    "headline",
    "kind",
    "state",
    "publish_at",
    "updated_at",
    "film__title",
    "film__year",
    "film__review_embargo_until",
    "critic__byline",
]


class ReviewChangeList(ChangeList):
    """The review list reads only the columns its rows show (a review row is 30 columns
    with its body, a film's and a critic's as many again)."""

    def get_results(self, request):
        # Only the page's rows: bulk actions go on getting whole reviews from self.queryset.
        whole = self.queryset
        self.queryset = whole.only(*REVIEW_LIST_COLUMNS)
        try:
            super().get_results(request)
        finally:
            self.queryset = whole


class CriticListFilter(admin.RelatedFieldListFilter):
    """Critics by byline, read as two columns (the stock filter loads every critic whole)."""

    template = "admin/reviews/review/critic_filter.html"  # its items written in Python

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ["byline"]
        return list(Critic.objects.order_by(*ordering).values_list("pk", "byline"))

    def choices(self, changelist):
        if changelist.add_facets or self.include_empty_choice:
            yield from super().choices(changelist)
            return
        stock = super().choices(changelist)
        yield next(stock)  # “All”
        # Each critic's link differs from the others only in the critic's id: build the query
        # string once, not once per critic (it was a tenth of the review list's time).
        link = changelist.get_query_string({self.lookup_kwarg: "-"}, [self.lookup_kwarg_isnull])
        pairs = link.removeprefix("?").split("&")
        at = pairs.index(urlencode({self.lookup_kwarg: "-"}))
        for pk_val, val in self.lookup_choices:
            pairs[at] = urlencode({self.lookup_kwarg: pk_val})
            yield {
                "selected": self.lookup_val is not None and str(pk_val) in self.lookup_val,
                "query_string": "?" + "&".join(pairs),
                "display": val,
            }


class ReviewBulkActionsMixin:
    """Bulk changes from the review list, each through a service and after a confirmation;
    and the list itself, kept cheap (ReviewChangeList, reviews.admin_lists)."""

    actions = ["add_tag", "remove_tag", "unpublish_reviews"]

    def get_changelist(self, request, **kwargs):
        return ReviewChangeList

    def changelist_view(self, request, extra_context=None):
        # The list needs the page's width at 1280 px; the sidebar holds nothing it needs.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def _tag_action(self, request, queryset, apply, title, button, verb):
        form = TagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = apply(reviews=queryset, tag=form.cleaned_data["tag"], user=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
                )
                return None
            self.message_user(
                request,
                f"{verb} “{form.cleaned_data['tag']}”: {count} review(s).",
                messages.SUCCESS,
            )
            return None
        return bulk_action_page(
            self, request, queryset, form, request.POST["action"], title, button
        )

    @admin.action(description="Add a tag…", permissions=["change"])
    def add_tag(self, request, queryset):
        return self._tag_action(
            request,
            queryset,
            services.reviews_add_tag,
            "Add a tag to these reviews",
            "Add the tag",
            "Tagged",
        )

    @admin.action(description="Remove a tag…", permissions=["change"])
    def remove_tag(self, request, queryset):
        return self._tag_action(
            request,
            queryset,
            services.reviews_remove_tag,
            "Remove a tag from these reviews",
            "Remove the tag",
            "Removed",
        )

    @admin.action(description="Unpublish…", permissions=["publish"])
    def unpublish_reviews(self, request, queryset):
        queryset = queryset.select_related("film", "critic")
        form = UnpublishForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = services.reviews_unpublish(
                    reviews=queryset, user=request.user, comment=form.cleaned_data["comment"]
                )
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"Nothing was unpublished: {error}", messages.ERROR)
                return None
            self.message_user(request, f"Unpublished {count} review(s).", messages.SUCCESS)
            return None
        return bulk_action_page(
            self,
            request,
            queryset,
            form,
            "unpublish_reviews",
            "Unpublish these reviews",
            "Yes, unpublish them",
            warning="Readers stop seeing these reviews at once; scheduled ones will not go out.",
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reviews.publish_review")


class OverdueFilter(admin.SimpleListFilter):
    title = "progress"
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("open", "Not handed in"), ("in", "Handed in")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "open":
            return queryset.open()
        if self.value() == "in":
            return queryset.exclude(pk__in=queryset.open().values("pk"))
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(EditGuardAdmin, admin.ModelAdmin):
    list_display = ["film", "critic", "due_on", "progress", "review"]
    list_filter = [OverdueFilter, "critic", "due_on"]
    list_select_related = ["film", "critic", "review"]
    search_fields = ["film__title", "critic__byline", "note"]
    autocomplete_fields = ["film", "critic", "review"]
    fields = ["film", "critic", "due_on", "note", "review"]

    @admin.display(description="Progress")
    def progress(self, assignment: Assignment) -> str:
        if assignment.review_id is None:
            state = "not started"
        else:
            state = assignment.review.get_state_display().lower()
        return f"Overdue ({state})" if assignment.is_overdue() else state.capitalize()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)


class GenreCreateInPlaceMixin:
    def get_urls(self):
        return [
            path(
                "create-in-place/",
                self.admin_site.admin_view(self.create_in_place_view),
                name="reviews_genre_create_in_place",
            ),
            *super().get_urls(),
        ]

    def create_in_place_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not add genres.")
        return create_in_place_response(request, services.genre_create)
