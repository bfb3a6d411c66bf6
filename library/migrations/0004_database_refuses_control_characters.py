from django.db import migrations

import magazine.control_characters


class Migration(migrations.Migration):
    """The database refuses control characters in text readers see, whichever way it is
    written (a queryset update(), raw SQL): the CHECK half of magazine.control_characters.
    Stops, naming the rows, if any row already breaks the rule."""

    dependencies = [
        ("library", "0003_reader_text_refuses_control_characters"),
    ]

    operations = [
        migrations.RunPython(
            magazine.control_characters.refuse_rows_with_control_characters(
                {"library.Image": ("title", "alt_text", "caption", "credit")}
            ),
            migrations.RunPython.noop,
        ),
        migrations.AddConstraint(
            model_name="image",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="title", name="library_image_title_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="image",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="alt_text", name="library_image_alt_text_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="image",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="caption", name="library_image_caption_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="image",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="credit", name="library_image_credit_no_control_chars"
            ),
        ),
    ]
