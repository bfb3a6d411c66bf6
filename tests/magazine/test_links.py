"""slug_url and year_url (magazine/links.py) give what reverse() gives, without reversing
each time."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from magazine.links import slug_url, year_url
from tests.factories import CriticFactory, FilmFactory, PersonFactory, ReviewFactory

ROUTES = [
    "reviews:review_detail",
    "reviews:film_detail",
    "reviews:critic_detail",
    "reviews:person_detail",
]


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("slug", ["all-of-us-strangers", "x", "a_b-2023", "SHOUT"])
def test_the_same_address_as_reverse(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("year", [1895, 2023, 0, 987654321])
def test_a_year_address_is_the_same_as_reverse(year):
    assert year_url("film_year", year) == reverse("film_year", kwargs={"year": year})


def test_a_year_the_route_refuses_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        year_url("film_year", -1)


@pytest.mark.parametrize("slug", ["", "two words", "ünïcode", "a/b"])
def test_a_slug_the_route_refuses_fails_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("reviews:film_detail", slug)


def test_the_site_mounted_under_a_prefix():
    slug_url("reviews:film_detail", "aftersun")  # the unprefixed route is cached first
    set_script_prefix("/magazine/")
    try:
        assert slug_url("reviews:film_detail", "aftersun") == "/magazine/films/aftersun/"
        assert slug_url("reviews:film_detail", "aftersun") == reverse(
            "reviews:film_detail", kwargs={"slug": "aftersun"}
        )
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert slug_url("reviews:film_detail", "aftersun") == "/films/aftersun/"


@pytest.mark.django_db
def test_every_model_links_where_reverse_would():
    review = ReviewFactory(slug="all-of-us-strangers-review")
    film, critic, person = FilmFactory(slug="strangers"), CriticFactory(), PersonFactory()

    assert review.get_absolute_url() == "/reviews/all-of-us-strangers-review/"
    assert film.get_absolute_url() == "/films/strangers/"
    assert critic.get_absolute_url() == reverse(
        "reviews:critic_detail", kwargs={"slug": critic.slug}
    )
    assert person.get_absolute_url() == reverse(
        "reviews:person_detail", kwargs={"slug": person.slug}
    )
