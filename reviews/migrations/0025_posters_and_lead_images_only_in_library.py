"""The files' old columns go; films and reviews name their library images."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0024_posters_and_lead_images_into_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="film", name="poster"),
        migrations.RemoveField(model_name="review", name="lead_image"),
        migrations.RemoveField(model_name="review", name="lead_image_alt"),
        migrations.RenameField(model_name="film", old_name="poster_image", new_name="poster"),
        migrations.RenameField(
            model_name="review", old_name="lead_image_in_library", new_name="lead_image"
        ),
        # The help text editors see.
        migrations.AlterField(
            model_name="film",
            name="poster",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library: search for it, or add it with the + button. Shown on the film's page and beside its reviews, cropped tall around its focal point.",
                null=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="lead_image",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library: search for it, or add it with the + button. Shown at the top of the review and when it is shared, cropped wide around its focal point; the film's poster is used when empty.",
                null=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
    ]
