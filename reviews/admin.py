from django.contrib import admin

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
    fields = ["kind", "provider", "region", "starts_on", "ends_on", "url", "last_checked"]


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
        ("About the film", {"fields": ["synopsis", "poster"]}),
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
    # No date_hierarchy: its year links scan every review (0.35 s at 100,000 reviews);
    # the publish_at list filter covers the same need. No full count under filtered lists.
    show_full_result_count = False
    readonly_fields = ["first_published_at", "created_at", "updated_at", "word_count"]
    fieldsets = [
        (None, {"fields": ["film", "critic", "kind", "headline", "slug", "standfirst"]}),
        ("Text", {"fields": ["body", "rating", "tags"]}),
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
