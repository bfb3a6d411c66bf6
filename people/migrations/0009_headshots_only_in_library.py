"""The old headshot columns go; people and critics name their library images."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_headshots_into_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="person", name="headshot"),
        migrations.RemoveField(model_name="critic", name="headshot"),
        migrations.RenameField(model_name="person", old_name="headshot_image", new_name="headshot"),
        migrations.RenameField(model_name="critic", old_name="headshot_image", new_name="headshot"),
        # The help text editors see.
        migrations.AlterField(
            model_name="critic",
            name="headshot",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library. Shown beside the bio. Falls back to the person's headshot when empty.",
                null=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="headshot",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library: search for it, or add it with the + button. Shown square, cropped around its focal point, with the person's name as its description.",
                null=True,
                on_delete=models.PROTECT,
                related_name="+",
                to="library.image",
            ),
        ),
    ]
