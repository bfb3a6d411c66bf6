from django.db import migrations

import magazine.control_characters


class Migration(migrations.Migration):
    """The database refuses control characters in text readers see, whichever way it is
    written (a queryset update(), raw SQL): the CHECK half of magazine.control_characters.
    Stops, naming the rows, if any row already breaks the rule."""

    dependencies = [
        ("library", "0004_database_refuses_control_characters"),
        ("people", "0010_database_refuses_control_characters"),
        ("reviews", "0027_film_genres_in_order"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(
            magazine.control_characters.refuse_rows_with_control_characters(
                {
                    "reviews.Availability": ("provider", "region", "url"),
                    "reviews.Correction": ("text",),
                    "reviews.Credit": ("character",),
                    "reviews.Film": ("title", "synopsis", "source_title", "source_author"),
                    "reviews.Genre": ("name",),
                    "reviews.Review": ("headline", "standfirst", "body"),
                    "taggit.Tag": ("name",),
                }
            ),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            magazine.control_characters.add_tag_name_rule,
            magazine.control_characters.remove_tag_name_rule,
        ),
        migrations.AddConstraint(
            model_name="availability",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="provider", name="reviews_availability_provider_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="availability",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="region", name="reviews_availability_region_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="availability",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="url", name="reviews_availability_url_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="correction",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="text", name="reviews_correction_text_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="credit",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="character", name="reviews_credit_character_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="film",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="title", name="reviews_film_title_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="film",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="synopsis", name="reviews_film_synopsis_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="film",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="source_title", name="reviews_film_source_title_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="film",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="source_author", name="reviews_film_source_author_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="genre",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="name", name="reviews_genre_name_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="headline", name="reviews_review_headline_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="standfirst", name="reviews_review_standfirst_no_control_chars"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=magazine.control_characters.ControlCharacterConstraint(
                field="body", name="reviews_review_body_no_control_chars"
            ),
        ),
    ]
