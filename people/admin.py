from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from . import services
from .models import Critic, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

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
class CriticAdmin(admin.ModelAdmin):
    list_display = ["byline", "affiliations", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["byline", "slug", "person__name"]
    prepopulated_fields = {"slug": ["byline"]}
    autocomplete_fields = ["person", "user"]
