"""The library in the admin: a searchable list with thumbnails, and the chooser's two
endpoints (search, upload) that the writing view and the image fields call."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from magazine.autocomplete import KnownChoiceAutocompleteSelect
from magazine.edit_guard import EditGuardAdmin

from .models import Image

CHOOSER_PAGE_SIZE = 24


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "decorative",
            "caption",
            "credit",
            "focal_x",
            "focal_y",
        ]


class ChooserUploadForm(forms.ModelForm):
    """What the chooser asks for when an image is uploaded from inside another form."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "decorative", "caption", "credit"]


def thumbnail_html(image: Image | None) -> str:
    """A small picture of a chosen library image, for forms after saving; '–' for none."""
    url = image.thumbnail_url() if image else ""
    if not url:
        return "–"
    return format_html(
        '<a href="{}"><img class="library-thumb" src="{}" alt="{}"></a><br>{}',
        reverse("admin:library_image_change", args=[image.pk]),
        url,
        image.alt,
        str(image),
    )


class LibraryImageSelect(KnownChoiceAutocompleteSelect):
    """The admin's searchable select over the library, with a placeholder that says what to
    type (and names the box for screen readers while it is empty)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = "Search the media library"
        return attrs


class LibraryImageChooserMixin:
    """For a ModelAdmin with library images among its autocomplete_fields: their search box
    names itself, and the thumbnails its `*_now` read-only fields show are styled."""

    class Media:
        css = {"all": ["library/library.css"]}
        js = ["library/chooser_names.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Image and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs.setdefault("widget", LibraryImageSelect(db_field, self.admin_site))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def chooser_item(image: Image) -> dict:
    return {
        "id": image.pk,
        "label": str(image),
        "alt": image.alt,
        "decorative": image.decorative,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": image.thumbnail_url(),
        "width": image.width,
        "height": image.height,
        "edit_url": reverse("admin:library_image_change", args=[image.pk]),
    }


@admin.register(Image)
class ImageAdmin(EditGuardAdmin, admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "__str__", "alt_text", "credit", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["title", "alt_text", "caption", "credit", "file"]
    list_filter = ["decorative"]
    readonly_fields = ["preview", "size"]
    fieldsets = [
        (None, {"fields": ["preview", "file", "size", "title"]}),
        ("For readers", {"fields": ["alt_text", "decorative", "caption", "credit"]}),
        (
            "Focal point",
            {
                "fields": ["focal_x", "focal_y"],
                "description": "Crops (wide on a review, tall for a poster, square for a "
                "headshot) keep this point in view. Click the subject in the image above to "
                "set it.",
            },
        ),
    ]

    class Media:
        css = {"all": ["library/library.css"]}
        js = ["library/focal_point.js"]

    @admin.display(description="Image")
    def thumbnail(self, image: Image) -> str:
        url = image.thumbnail_url()
        if not url:
            return "(unreadable)"
        return format_html('<img class="library-thumb" src="{}" alt="" loading="lazy">', url)

    @admin.display(description="Current image")
    def preview(self, image: Image) -> str:
        url = image.thumbnail_url() if image.pk else ""
        if not url:
            return "–"
        return format_html(
            '<img class="library-preview" id="focal-point-image" src="{}" alt="{}">',
            url,
            image.alt,
        )

    @admin.display(description="Size")
    def size(self, image: Image) -> str:
        return f"{image.width} × {image.height} pixels" if image.width else "–"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("chooser/", wrap(self.chooser_search_view), name="library_image_chooser"),
            path(
                "chooser/upload/",
                wrap(self.chooser_upload_view),
                name="library_image_chooser_upload",
            ),
            *super().get_urls(),
        ]

    def chooser_search_view(self, request: HttpRequest) -> JsonResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied("You may not see the media library.")
        images = Image.objects.search(request.GET.get("q", ""))[:CHOOSER_PAGE_SIZE]
        return JsonResponse({"results": [chooser_item(image) for image in images]})

    def chooser_upload_view(self, request: HttpRequest) -> JsonResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not add images to the library.")
        form = ChooserUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse(
                {"errors": {name: list(errors) for name, errors in form.errors.items()}},
                status=400,
            )
        with transaction.atomic():  # as the admin's own forms: a failed write keeps no row
            image = form.save()
        return JsonResponse({"image": chooser_item(image)}, status=201)
