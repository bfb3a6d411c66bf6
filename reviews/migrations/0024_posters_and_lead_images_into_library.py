"""Posters and lead images move into the media library, with nothing lost.

Each stored file becomes a library image (the same file, not a copy), described by what the
review or film said of it; the film or review then points at it. Backwards, the file path is
put back. A missing file keeps its path in the library, so nothing is dropped silently.
"""

import posixpath

from django.db import migrations
from PIL import Image as PillowImage


def library_image(Image, storage, name: str, alt_text: str, title: str):
    """The library image for this stored file: found by path, or made from it."""
    image = Image.objects.filter(file=name).first()
    if image is not None:
        return image
    width = height = None
    try:
        with storage.open(name) as stored, PillowImage.open(stored) as opened:
            width, height = opened.size
    except (OSError, ValueError):
        pass  # kept by path all the same: the file may be restored later
    return Image.objects.create(
        file=name,
        alt_text=alt_text[:250] or posixpath.basename(name),
        title=title[:200],
        width=width,
        height=height,
    )


def into_library(apps, schema_editor):
    Image = apps.get_model("library", "Image")
    Film = apps.get_model("reviews", "Film")
    Review = apps.get_model("reviews", "Review")
    storage = Image._meta.get_field("file").storage
    for film in Film.objects.exclude(poster="").exclude(poster__isnull=True).iterator():
        film.poster_image = library_image(
            Image,
            storage,
            film.poster.name,
            f"Poster for {film.title} ({film.year})",
            f"{film.title} ({film.year}), poster",
        )
        film.save(update_fields=["poster_image"])
    reviews = Review.objects.exclude(lead_image="").exclude(lead_image__isnull=True)
    for review in reviews.iterator():
        review.lead_image_in_library = library_image(
            Image,
            storage,
            review.lead_image.name,
            review.lead_image_alt.strip() or review.headline,
            f"{review.headline}, lead image",
        )
        review.save(update_fields=["lead_image_in_library"])


def out_of_library(apps, schema_editor):
    Film = apps.get_model("reviews", "Film")
    Review = apps.get_model("reviews", "Review")
    for film in Film.objects.filter(poster_image__isnull=False).select_related("poster_image"):
        film.poster = film.poster_image.file.name
        film.save(update_fields=["poster"])
    reviews = Review.objects.filter(lead_image_in_library__isnull=False)
    for review in reviews.select_related("lead_image_in_library"):
        review.lead_image = review.lead_image_in_library.file.name
        review.lead_image_alt = review.lead_image_in_library.alt_text
        review.save(update_fields=["lead_image", "lead_image_alt"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0023_library_images_beside_posters_and_lead_images"),
    ]

    operations = [
        migrations.RunPython(into_library, out_of_library),
    ]
