from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from library.admin import LibraryImageChooserMixin, thumbnail_html
from magazine.edit_guard import EditGuardAdmin

from . import services
from .models import Critic, Person


@admin.register(Person)
class PersonAdmin(LibraryImageChooserMixin, EditGuardAdmin, admin.ModelAdmin):
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

    def get_urls(self):
        return [
            path(
                "create-in-place/",
                self.admin_site.admin_view(self.create_in_place_view),
                name="people_person_create_in_place",
            ),
            *super().get_urls(),
        ]

    def create_in_place_view(self, request: HttpRequest) -> HttpResponse:
        """Adds a person named in another form (a film's credits) and answers {id, text}."""
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not add people.")
        if request.method != "POST":
            return JsonResponse({"error": "Send a POST."}, status=405)
        try:
            person = services.person_create(name=request.POST.get("name", ""))
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse({"id": str(person.pk), "text": str(person)})


@admin.register(Critic)
class CriticAdmin(LibraryImageChooserMixin, EditGuardAdmin, admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # A login tied to a byline can write as that critic: only those who may manage users
        # (auth.change_user) choose which login that is.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("auth.change_user"):
            readonly.append("user")
        return readonly
