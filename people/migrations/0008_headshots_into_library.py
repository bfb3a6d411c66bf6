"""Headshots of people and critics move into the media library, with nothing lost.

Each stored file becomes a library image (the same file, not a copy) described by the person's
name; the person or critic then points at it. Backwards, the file path is put back.
"""

import posixpath

from django.db import migrations
from PIL import Image as PillowImage


def library_image(Image, storage, name: str, alt_text: str, title: str):
    """The library image for this stored file: found by path, or made from it.

    (The same as in reviews' 0024; copied, since people knows nothing of reviews.)
    """
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
    storage = Image._meta.get_field("file").storage
    for model_name in ("Person", "Critic"):
        model = apps.get_model("people", model_name)
        for row in model.objects.exclude(headshot="").exclude(headshot__isnull=True).iterator():
            name = row.name if model_name == "Person" else row.byline
            row.headshot_image = library_image(
                Image, storage, row.headshot.name, name, f"{name}, headshot"
            )
            row.save(update_fields=["headshot_image"])


def out_of_library(apps, schema_editor):
    for model_name in ("Person", "Critic"):
        model = apps.get_model("people", model_name)
        rows = model.objects.filter(headshot_image__isnull=False).select_related("headshot_image")
        for row in rows:
            row.headshot = row.headshot_image.file.name
            row.save(update_fields=["headshot"])



class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_library_images_beside_headshots"),
    ]

    operations = [
        migrations.RunPython(into_library, out_of_library),
    ]
