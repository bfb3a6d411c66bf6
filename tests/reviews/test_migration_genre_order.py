"""The migration that gives a film's genres an order keeps every link and numbers each film's
list as readers saw it until then (by genre name)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0026_counts_from_published")]
AFTER = [("reviews", "0027_film_genres_in_order")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _newest_schema_afterwards():
    """Later tests share this database: leave it at the newest migrations, pass or fail."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_genre_lists_are_kept_and_numbered_by_name():
    old = migrate(BEFORE)
    Film, Genre = old.get_model("reviews", "Film"), old.get_model("reviews", "Genre")
    romance = Genre.objects.create(name="Romance", slug="romance")
    drama = Genre.objects.create(name="Drama", slug="drama")
    ghost = Genre.objects.create(name="Ghost story", slug="ghost-story")
    film = Film.objects.create(title="All of Us Strangers", slug="strangers", year=2023)
    other = Film.objects.create(title="Weekend", slug="weekend", year=2011)
    film.genres.add(romance, ghost, drama)
    other.genres.add(romance)

    new = migrate(AFTER)

    FilmGenre = new.get_model("reviews", "FilmGenre")
    links = FilmGenre.objects.order_by("film__slug", "position")
    assert list(links.values_list("film__slug", "genre__slug", "position")) == [
        ("strangers", "drama", 1),
        ("strangers", "ghost-story", 2),
        ("strangers", "romance", 3),
        ("weekend", "romance", 1),
    ]
