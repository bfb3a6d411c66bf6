"""Querysets compiled once per process (magazine/prepared.py) and the review page's, which are
built that way: each sends what compiling its queryset today would send, on each database the
suite runs on, and loads what the queryset loads."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.utils import timezone

from magazine.prepared import PreparedQuery
from reviews import review_page
from reviews.models import Credit, Film, Genre, Review, genres_in_order
from tests.factories import (
    AvailabilityFactory,
    CorrectionFactory,
    CreditFactory,
    GenreFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

PAGE_QUERIES = {
    name: query for name, query in vars(review_page).items() if isinstance(query, PreparedQuery)
}


@pytest.fixture
def review():
    review = ReviewFactory(published=True, tags=["grief", "ghosts", "London"])
    film = review.film
    for position, name in enumerate(["Fantasy", "Drama"]):
        film.genre_links.create(genre=GenreFactory(name=name), position=position)
    CreditFactory(film=film, role=Credit.Role.DIRECTOR, person__name="Andrew Haigh")
    for billing, name in enumerate(["Paul Mescal", "Andrew Scott", "Jamie Bell"], start=1):
        CreditFactory(film=film, person__name=name, billing_order=billing)
    AvailabilityFactory(film=film)
    CorrectionFactory(review=review)
    ReviewFactory(published=True, film=film)  # another critic's, for "other reviews"
    # Another film's rows, which no query of this review's may load.
    other = ReviewFactory(published=True, tags=["grief"])
    CreditFactory(film=other.film, person__name="Claire Foy")
    return review


def values_for(query: PreparedQuery, review: Review) -> dict:
    known = {
        "slug": review.slug,
        "now": timezone.now(),
        "review": review.pk,
        "film": review.film_id,
    }
    assert query.kinds.keys() <= known.keys(), "a value this test does not know how to give"
    return {name: known[name] for name in query.kinds}


def test_the_review_page_prepares_its_row_and_each_list():
    assert set(PAGE_QUERIES) == {
        "PUBLISHED_REVIEW",
        "TAGS",
        "CORRECTIONS",
        "GENRES",
        "CREDITS",
        "WINDOWS",
        "OTHER_REVIEWS",
    }


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_a_prepared_query_sends_what_compiling_its_queryset_sends(name, review):
    query = PAGE_QUERIES[name]
    query.run(**values_for(query, review))  # compiled here, with stand-ins
    values = values_for(query, review)
    assert query.prepared(**values) == query.fresh(**values)


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_a_prepared_query_loads_what_its_queryset_loads(name, review):
    query = PAGE_QUERIES[name]
    values = values_for(query, review)
    loaded = query.run(**values)
    assert loaded, "a query that finds nothing shows nothing about loading"
    assert loaded == list(query.build(**values))
    assert [vars(row).keys() for row in loaded] == [
        vars(row).keys() for row in query.build(**values)
    ]


def test_the_published_review_comes_with_its_film_critic_and_images_and_nothing_else(
    review, django_assert_num_queries
):
    with django_assert_num_queries(1):
        [found] = review_page.PUBLISHED_REVIEW.run(slug=review.slug, now=timezone.now())
        assert found.film.title and found.critic.byline and found.critic.person.name
        assert found.lead_image is None
    assert found.get_deferred_fields() >= {"body", "search_vector"}


def test_the_prepared_row_keeps_the_visibility_rule_at_each_moment(review):
    now = timezone.now()
    run = review_page.PUBLISHED_REVIEW.run
    assert run(slug=review.slug, now=now)
    assert not run(slug=review.slug, now=review.publish_at - datetime.timedelta(seconds=1))
    Film.objects.filter(pk=review.film_id).update(
        review_embargo_until=now + datetime.timedelta(days=2)
    )
    assert not run(slug=review.slug, now=now)
    assert run(slug=review.slug, now=now + datetime.timedelta(days=3))
    Review.objects.filter(pk=review.pk).update(state=Review.State.UNPUBLISHED)
    assert not run(slug=review.slug, now=now + datetime.timedelta(days=3))


def test_the_page_lists_load_one_query_each_and_read_as_prefetched(
    review, django_assert_num_queries
):
    [found] = review_page.PUBLISHED_REVIEW.run(slug=review.slug, now=timezone.now())
    with django_assert_num_queries(5):
        review_page.load_page_lists(found)
    film = found.film
    with django_assert_num_queries(0):
        assert [tag.name for tag in found.tag_list] == ["grief", "ghosts", "London"]
        assert len(found.corrections.all()) == 1
        assert [genre.name for genre in film.genres.all()] == ["Fantasy", "Drama"]
        assert [person.name for person in film.directors] == ["Andrew Haigh"]
        assert [credit.person.name for credit in film.cast] == [
            "Paul Mescal",
            "Andrew Scott",
            "Jamie Bell",
        ]
        assert len(film.availabilities.all()) == 1
    # As the ORM's own prefetch would give them.
    fresh = Film.objects.prefetch_related(
        genres_in_order(), Prefetch("credits", queryset=Credit.objects.select_related("person"))
    ).get(pk=film.pk)
    assert list(film.genres.all()) == list(fresh.genres.all())
    assert list(film.credits.all()) == list(fresh.credits.all())
    # Anything chained onto a loaded list is still a query about this film only.
    assert [
        credit.person.name
        for credit in film.credits.all().filter(role=Credit.Role.CAST, billing_order=1)
    ] == ["Paul Mescal"]


def test_a_value_that_does_not_reach_the_sql_is_refused():
    ignores_its_value = PreparedQuery(lambda critic: Review.objects.all(), critic=int)
    with pytest.raises(ImproperlyConfigured, match="critic"):
        ignores_its_value.run(critic=1)


def test_a_prepared_query_cannot_prefetch():
    prefetching = PreparedQuery(
        lambda film: Review.objects.filter(film=film).prefetch_related("tags"), film=int
    )
    with pytest.raises(ImproperlyConfigured, match="prefetch"):
        prefetching.run(film=1)


def test_values_of_the_wrong_kind_are_refused_before_any_query(django_assert_num_queries):
    query = PreparedQuery(lambda slug, now: Genre.objects.filter(slug=slug), slug=str, now=str)
    by_film = PreparedQuery(lambda film: Genre.objects.filter(film_links__film=film), film=int)
    by_time = review_page.PUBLISHED_REVIEW
    with django_assert_num_queries(0):
        with pytest.raises(TypeError, match="takes"):
            by_film.run(review=1)
        with pytest.raises(TypeError, match="int"):
            by_film.run(film="1")
        with pytest.raises(TypeError, match="int"):
            by_film.run(film=True)
        with pytest.raises(TypeError, match="aware"):
            by_time.run(slug="x", now=datetime.datetime(2026, 1, 1))
        with pytest.raises(ImproperlyConfigured, match="now"):
            query.run(slug="x", now="y")
