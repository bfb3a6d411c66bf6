from django.contrib import admin
from django.db import models

from .models import Availability, Credit, Film, Genre, Review


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "character", "billing_order"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 1
    # A link typed without a scheme is taken as https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["kind", "provider", "region", "starts_on", "ends_on", "url", "last_checked"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "release_date", "runtime_minutes", "updated_at"]
    list_filter = ["genres", "year"]
    search_fields = ["title", "slug", "source_title", "source_author"]
    prepopulated_fields = {"slug": ["title", "year"]}
    filter_horizontal = ["genres"]
    inlines = [CreditInline, AvailabilityInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "release_date", "runtime_minutes", "genres"]}),
        ("About the film", {"fields": ["synopsis", "poster", "imdb_id"]}),
        ("Source material", {"fields": ["source_title", "source_kind", "source_author"]}),
    ]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["headline", "film", "critic", "kind", "status", "publish_at", "updated_at"]
    list_filter = ["state", "kind", "critic", "publish_at"]
    list_select_related = ["film", "critic"]
    search_fields = ["headline", "slug", "standfirst", "film__title", "critic__byline"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["film", "critic"]
    date_hierarchy = "publish_at"
    readonly_fields = ["first_published_at", "created_at", "updated_at", "word_count"]
    fieldsets = [
        (None, {"fields": ["film", "critic", "kind", "headline", "slug", "standfirst"]}),
        ("Text", {"fields": ["body", "rating", "tags"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_alt"]}),
        ("Publication", {"fields": ["state", "publish_at"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": ["first_published_at", "created_at", "updated_at", "word_count"],
            },
        ),
    ]

    @admin.display(description="State", ordering="state")
    def status(self, review: Review) -> str:
        return review.status_label
