from django.conf import settings
from django.db import migrations

import magazine.control_characters


class Migration(migrations.Migration):
    """The database refuses control characters in text readers see, whichever way it is
    written (a queryset update(), raw SQL): the CHECK half of magazine.control_characters.
    Stops, naming the rows, if any row already breaks the rule."""

    dependencies = [
        ("library", "0004_database_refuses_control_characters"),
        ("people", "0009_headshots_only_in_library"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(
            magazine.control_characters.refuse_rows_with_control_characters(
                {
                    "people.Person": ("name", "bio"),
                    "people.Critic": ("byline", "bio", "affiliations"),
                }
            ),
            migrations.RunPython.noop,
        ),
        migrations.AddConstraint(
            model_name="critic",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="byline", name="people_critic_byline_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="critic",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="bio", name="people_critic_bio_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="critic",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="affiliations", name="people_critic_affiliations_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="name", name="people_person_name_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="bio", name="people_person_bio_no_control_chars"
            ),
        ),
    ]
