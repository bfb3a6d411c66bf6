"""A library image beside each headshot file, filled by the next migration."""

from django.db import migrations, models


def headshot_field():
    return models.ForeignKey(
        null=True, blank=True, on_delete=models.PROTECT, related_name="+", to="library.image"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_media_library"),
        ("people", "0006_reader_text_refuses_control_characters"),
    ]

    operations = [
        migrations.AddField(model_name="person", name="headshot_image", field=headshot_field()),
        migrations.AddField(model_name="critic", name="headshot_image", field=headshot_field()),
    ]
