"""The media library: each image is uploaded once, described once, and used anywhere.

Imports nothing of `people` or `reviews` (both point at it), so imports stay one-way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from magazine.control_characters import no_control_characters, refuse_control_characters
from magazine.edit_guard import EditVersioned, VersionedQuerySet
from magazine.images import CheckedImageField, Picture, picture

# Shapes the site crops to, as width:height, always around the image's focal point.
LANDSCAPE = (3, 2)
PORTRAIT = (2, 3)
SQUARE = (1, 1)


class ImageQuerySet(VersionedQuerySet):
    def search(self, terms: str) -> ImageQuerySet:
        """Images whose title, description, caption, credit or file name hold every word."""
        queryset = self
        for word in terms.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(alt_text__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(file__icontains=word)
            )
        return queryset


class ImageManager(models.Manager.from_queryset(ImageQuerySet)):
    def get_by_natural_key(self, file: str) -> Image:
        return self.get(file=file)


class Image(EditVersioned):
    file = CheckedImageField(
        upload_to="library/%Y/%m/",
        unique=True,
        max_length=255,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG or WebP, at most 15 MB and 40 megapixels. It is re-encoded on "
        "upload, which removes hidden data such as the GPS position of the camera.",
    )
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="For finding it in the library, e.g. “All of Us Strangers, night bus still”. "
        "Readers do not see it.",
        validators=[refuse_control_characters],
    )
    alt_text = models.CharField(
        "description",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it, e.g. “Andrew Scott "
        "and Paul Mescal on a night bus”. Required unless the image is decorative.",
        validators=[refuse_control_characters],
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only for an image that adds nothing to the text (a texture, a flourish): "
        "screen readers then skip it.",
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown under the image where it appears in a text.",
        validators=[refuse_control_characters],
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who took or owns it, e.g. “Searchlight Pictures” or “Photo: Parisa Taghizadeh”.",
        validators=[refuse_control_characters],
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (left edge) to 1 (right edge). Crops keep it.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (top) to 1 (bottom). Crops keep it.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImageManager()
    # The lookups behind get_by_natural_key, so a fixture loader can resolve many at once.
    natural_key_fields = ("file",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            *no_control_characters("title", "alt_text", "caption", "credit"),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="library_image_focal_point_inside",
                violation_error_message="The focal point must lie inside the image (0 to 1).",
            ),
            # Alt text is required where the image carries meaning, on every path (the admin,
            # the chooser's upload, loaddata, the shell): the database refuses the rest.
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""),
                name="library_image_described_unless_decorative",
                violation_error_message="Describe the image for readers who cannot see it, or "
                "mark it decorative.",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.alt_text or self.file.name.rsplit("/", 1)[-1]

    def natural_key(self) -> tuple[str]:
        return (self.file.name,)

    def clean(self) -> None:
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {
                    "alt_text": "Describe the image for readers who cannot see it, or tick "
                    "“decorative” if it adds nothing to the text."
                }
            )

    @property
    def alt(self) -> str:
        """The alt attribute readers' browsers get: empty for a decorative image."""
        return "" if self.decorative else self.alt_text

    @property
    def focal_point(self) -> tuple[float, float]:
        return (self.focal_x, self.focal_y)

    def picture(self, crop: tuple[int, int] | None = None) -> Picture | None:
        """Renditions of this image, cropped to `crop` (width:height) around its focal point."""
        return picture(self.file, crop=crop, focal=self.focal_point)

    def thumbnail_url(self) -> str:
        rendered = picture(self.file, widths=(320,))
        return rendered.fallback[0].url if rendered else ""
