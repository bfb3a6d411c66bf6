from django.contrib import admin

from magazine.edit_guard import EditGuardAdmin

from .models import Critic, Person


@admin.register(Person)
class PersonAdmin(EditGuardAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Critic)
class CriticAdmin(EditGuardAdmin, admin.ModelAdmin):
    list_display = ["byline", "affiliations", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["byline", "slug", "person__name"]
    prepopulated_fields = {"slug": ["byline"]}
    autocomplete_fields = ["person", "user"]
