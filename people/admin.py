from django.contrib import admin

from library.admin import LibraryImageChooserMixin, thumbnail_html

from .models import Critic, Person


@admin.register(Person)
class PersonAdmin(LibraryImageChooserMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The headshot is chosen from the media library (search, or + to upload one).
    autocomplete_fields = ["headshot"]
    readonly_fields = ["headshot_now"]
    fields = ["name", "slug", "bio", "headshot", "headshot_now"]

    @admin.display(description="Headshot now")
    def headshot_now(self, person: Person) -> str:
        return thumbnail_html(person.headshot)


@admin.register(Critic)
class CriticAdmin(LibraryImageChooserMixin, admin.ModelAdmin):
    list_display = ["byline", "affiliations", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["byline", "slug", "person__name"]
    prepopulated_fields = {"slug": ["byline"]}
    autocomplete_fields = ["person", "user", "headshot"]
    readonly_fields = ["headshot_now"]

    @admin.display(description="Headshot now")
    def headshot_now(self, critic: Critic) -> str:
        return thumbnail_html(critic.headshot)
