from django.contrib import admin

from .models import Critic, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Critic)
class CriticAdmin(admin.ModelAdmin):
    list_display = ["byline", "affiliations", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["byline", "slug", "person__name"]
    prepopulated_fields = {"slug": ["byline"]}
    autocomplete_fields = ["person", "user"]

    def get_readonly_fields(self, request, obj=None):
        # A login tied to a byline can write as that critic: only those who may manage users
        # (auth.change_user) choose which login that is.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("auth.change_user"):
            readonly.append("user")
        return readonly
