"""A film's genres get an order of their own (issue 19: "the same for genres" as billing).

The plain many-to-many's table stays: it becomes FilmGenre's (state only), then gains the
position column. Existing lists are numbered as readers saw them until now: by genre name.
"""

import django.db.models.deletion
from django.db import migrations, models


def number_by_name(apps, schema_editor):
    FilmGenre = apps.get_model("reviews", "FilmGenre")
    db = schema_editor.connection.alias
    links = FilmGenre.objects.using(db).order_by("film_id", "genre__name", "pk")
    changed, film_id, position = [], None, 0
    for link in links.only("pk", "film_id", "position").iterator(chunk_size=2000):
        position = position + 1 if link.film_id == film_id else 1
        film_id = link.film_id
        if link.position != position:
            link.position = position
            changed.append(link)
    FilmGenre.objects.using(db).bulk_update(changed, ["position"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0026_counts_from_published"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FilmGenre",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "film",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="genre_links",
                                to="reviews.film",
                            ),
                        ),
                        (
                            "genre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="film_links",
                                to="reviews.genre",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reviews_film_genres",
                        "unique_together": {("film", "genre")},
                    },
                ),
                migrations.AlterField(
                    model_name="film",
                    name="genres",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="films",
                        through="reviews.FilmGenre",
                        to="reviews.genre",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="filmgenre",
            name="position",
            field=models.PositiveSmallIntegerField(
                default=100, help_text="Lower comes first: 1 is the genre named first."
            ),
        ),
        migrations.AlterModelOptions(
            name="filmgenre",
            options={"ordering": ["position", "pk"]},
        ),
        migrations.RunPython(number_by_name, migrations.RunPython.noop, elidable=True),
    ]
