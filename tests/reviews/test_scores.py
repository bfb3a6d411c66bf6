"""The critics' score: from published, rated reviews only, and only from two of them on."""

from decimal import Decimal

import pytest

from tests.factories import HIDDEN_STATES, FilmFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def score_on_page(client, film) -> str | None:
    html = client.get(film.get_absolute_url()).content.decode()
    if "critics-score__value" not in html:
        return None
    return html.split('critics-score__value">')[1].split("<")[0]


def test_two_published_ratings_make_a_score_shown_on_the_film_page(client):
    film = FilmFactory()
    ReviewFactory(published=True, film=film, rating=Decimal("4.5"))
    ReviewFactory(published=True, film=film, rating=Decimal("3"))
    ReviewFactory(published=True, film=film, rating=None)  # unrated: not counted

    assert score_on_page(client, film) == "3.8"
    assert "from 2 rated reviews" in client.get(film.get_absolute_url()).content.decode()


@pytest.mark.parametrize("hidden", HIDDEN_STATES)
def test_reviews_readers_cannot_see_never_count(client, hidden):
    film = FilmFactory()
    ReviewFactory(published=True, film=film, rating=Decimal("5"))
    ReviewFactory(film=film, rating=Decimal("1"), **HIDDEN_STATES[hidden])

    assert score_on_page(client, film) is None
