"""The migration that gives a film's genres an order keeps every link and numbers each film's
list as readers saw it until then (by genre name)."""

BEFORE = [("reviews", "0026_counts_from_published")]
AFTER = [("reviews", "0027_film_genres_in_order")]


def test_existing_genre_lists_are_kept_and_numbered_by_name(migrate):
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
