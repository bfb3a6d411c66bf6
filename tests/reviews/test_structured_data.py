import json
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from tests.factories import CreditFactory, FilmFactory, ReviewFactory, image_bytes

pytestmark = pytest.mark.django_db
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(response) -> dict:
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def film():
    film = FilmFactory(title="All of Us Strangers", imdb_id="tt21192142")
    CreditFactory(film=film, person__name="Andrew Haigh", role="director", character="")
    CreditFactory(film=film, person__name="Andrew Scott", character="Adam")
    film.poster.save("poster.jpg", ContentFile(image_bytes(600, 900)))
    return film


def test_review_is_a_schema_org_review_of_a_movie(client, film):
    review = ReviewFactory(published=True, film=film, rating=Decimal("4.5"))

    data = json_ld(client.get(review.get_absolute_url()))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Review"
    assert data["name"] == review.headline
    assert data["url"] == "http://testserver" + review.get_absolute_url()
    assert data["author"] == {
        "@type": "Person",
        "name": review.critic.byline,
        "url": "http://testserver" + review.critic.get_absolute_url(),
    }
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": "4.5",
        "bestRating": "5",
        "worstRating": "0.5",
    }
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Frame Rate"
    movie = data["itemReviewed"]
    assert movie["@type"] == "Movie"
    assert movie["name"] == "All of Us Strangers"
    assert movie["dateCreated"] == "2023"
    assert [person["name"] for person in movie["director"]] == ["Andrew Haigh"]
    assert [person["name"] for person in movie["actor"]] == ["Andrew Scott"]
    assert movie["sameAs"] == ["https://www.imdb.com/title/tt21192142/"]
    assert movie["image"].startswith("http://testserver/media/renditions/")
    assert data["image"] == movie["image"]
    assert data["datePublished"] == review.publish_at.isoformat()


def test_unrated_review_has_no_rating(client):
    review = ReviewFactory(published=True, rating=None)

    data = json_ld(client.get(review.get_absolute_url()))

    assert "reviewRating" not in data
    # No lead image and no poster: the magazine's own card (Google requires a Movie's image).
    assert data["image"] == "http://testserver/static/img/share.png"
    assert data["itemReviewed"]["image"] == data["image"]


def test_data_cannot_break_out_of_the_script_element(client):
    review = ReviewFactory(published=True, headline="</script><script>alert(1)</script> & co")

    response = client.get(review.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(response)["name"] == "</script><script>alert(1)</script> & co"


def test_film_page_is_a_movie_with_its_published_reviews(client, film):
    rated = ReviewFactory(published=True, film=film, rating=Decimal("4"))
    ReviewFactory(published=True, film=film, rating=None)
    ReviewFactory(film=film, headline="Draft, not public")

    data = json_ld(client.get(film.get_absolute_url()))

    assert data["@type"] == "Movie"
    assert data["name"] == "All of Us Strangers"
    assert len(data["review"]) == 2
    assert "Draft, not public" not in json.dumps(data)
    ratings = [item.get("reviewRating", {}).get("ratingValue") for item in data["review"]]
    assert sorted(filter(None, ratings)) == ["4"]
    assert all(item["author"]["@type"] == "Person" for item in data["review"])
    assert rated.headline in {item["name"] for item in data["review"]}


def test_review_page_has_canonical_description_and_sharing_tags(client, film):
    review = ReviewFactory(published=True, film=film, standfirst="Tender & devastating.")

    html = client.get(review.get_absolute_url() + "?utm_source=x").content.decode()

    canonical = "http://testserver" + review.get_absolute_url()
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta name="description" content="Tender &amp; devastating.">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/renditions/', html
    )
    assert f'content="Poster for {film.title} ({film.year})"' in html
