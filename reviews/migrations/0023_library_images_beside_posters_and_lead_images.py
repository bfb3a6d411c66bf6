"""A library image beside each poster and lead image file, filled by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_media_library"),
        ("reviews", "0022_film_embargo_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="poster_image",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="lead_image_in_library",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
    ]
