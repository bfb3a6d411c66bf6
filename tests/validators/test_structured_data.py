"""Structured data, as extruct reads it, has what Google asks of a Review and of a Movie;
every review and film page has an image for sharing cards."""

import extruct
import pytest

from .conftest import CRITIC_BYLINE, FILM_TITLE, HEADLINE

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
REVIEW_PAGES = ["review (rated, with image)", "review (unrated, no image, no poster)"]
FILM_PAGES = ["film", "film (no poster)"]


def extracted(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(),
        base_url=BASE + url,
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )


def the(items: list[dict], kind: str) -> dict:
    found = [item for item in items if item.get("@type") == kind]
    assert len(found) == 1, (kind, items)
    return found[0]


def absolute(url) -> bool:
    return isinstance(url, str) and url.startswith(BASE + "/")


def check_movie(movie: dict) -> None:
    # Google's movie carousel: name and image required; dateCreated, director recommended.
    assert movie["name"]
    assert absolute(movie["image"]), movie.get("image")
    assert movie["dateCreated"]
    assert absolute(movie["url"])


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_review_pages_describe_a_review_of_a_movie(client, catalogue, page):
    data = extracted(client, catalogue.pages[page])

    review = the(data["json-ld"], "Review")
    # Required: author (a name), itemReviewed (a name); reviewRating only when rated.
    assert review["author"]["name"] and absolute(review["author"]["url"])
    check_movie(review["itemReviewed"])
    # Recommended: datePublished, publisher, image.
    assert review["datePublished"] and review["publisher"]["name"]
    assert absolute(review["image"])
    if page.startswith("review (rated"):
        assert review["name"] == HEADLINE
        assert review["author"]["name"] == CRITIC_BYLINE
        assert review["itemReviewed"]["name"] == FILM_TITLE
        rating = review["reviewRating"]
        assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (
            "4.5",
            "5",
            "0.5",
        )
    else:
        assert "reviewRating" not in review
    og = data["opengraph"][0] if data["opengraph"] else {}
    assert absolute(og.get("og:image")), og


@pytest.mark.parametrize("page", FILM_PAGES)
def test_film_pages_describe_a_movie_with_an_image(client, catalogue, page):
    data = extracted(client, catalogue.pages[page])
    movie = the(data["json-ld"], "Movie")
    check_movie(movie)
    for review in movie.get("review", []):
        assert review["author"]["name"] and review["datePublished"]
    og = data["opengraph"][0] if data["opengraph"] else {}
    assert absolute(og.get("og:image")), og


def test_film_with_two_rated_reviews_has_a_critics_score(client, catalogue):
    movie = the(extracted(client, catalogue.pages["film"])["json-ld"], "Movie")
    # 4.5 and 3.5 from the two published, rated reviews; the draft does not count.
    assert movie["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4",
        "ratingCount": 2,
        "bestRating": "5",
        "worstRating": "0.5",
    }


def test_film_with_one_rated_review_has_no_critics_score(client, catalogue):
    movie = the(extracted(client, catalogue.pages["film (no poster)"])["json-ld"], "Movie")
    assert "aggregateRating" not in movie
