"""Querysets compiled once per process (magazine/prepared.py) and the review page's, which are
built that way: each sends what compiling its queryset today would send, on each database the
suite runs on, and loads what the queryset loads."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Prefetch
from django.utils import timezone

from magazine.prepared import PreparedList, PreparedQuery
from reviews import page_queries
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
    name: query for name, query in vars(page_queries).items() if isinstance(query, PreparedQuery)
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


def values_for(name: str, review: Review) -> dict:
    """Values for each page query that find something in the `review` fixture's data."""
    now = timezone.now()
    genre = review.film.genres.first()
    return {
        "PUBLISHED_REVIEW": {"slug": review.slug, "now": now},
        "TAGS": {"review": review.pk},
        "CORRECTIONS": {"review": review.pk},
        "OTHER_REVIEWS": {"film": review.film_id, "review": review.pk, "now": now},
        "GENRES": {"film": review.film_id},
        "CREDITS": {"film": review.film_id},
        "WINDOWS": {"film": review.film_id},
        "FILM": {"slug": review.film.slug},
        "FILMS_REVIEWS": {"film": review.film_id, "now": now},
        "LATEST_REVIEWS": {"now": now},
        "CRITICS_REVIEWS": {"critic": review.critic_id, "now": now},
        "REVIEWED_FILMS": {"now": now},
        "REVIEWED_FILMS_IN_GENRE": {"genre": genre.pk, "now": now},
        "GENRES_BY_NAME": {},
        "TAGGED_REVIEW_IDS": {"tag": review.tags.get(name="grief").pk, "now": now},
        "LISTED_REVIEWS_BY_ID": {"ids": [review.pk, review.pk - 1, review.pk + 1]},
        "SEARCH_RESULTS_BY_ID": {"ids": [review.pk]},
    }[name]


def test_each_page_query_is_covered_here():
    assert set(PAGE_QUERIES) == {
        "PUBLISHED_REVIEW",
        "TAGS",
        "CORRECTIONS",
        "OTHER_REVIEWS",
        "GENRES",
        "CREDITS",
        "WINDOWS",
        "FILM",
        "FILMS_REVIEWS",
        "LATEST_REVIEWS",
        "CRITICS_REVIEWS",
        "REVIEWED_FILMS",
        "REVIEWED_FILMS_IN_GENRE",
        "GENRES_BY_NAME",
        "TAGGED_REVIEW_IDS",
        "LISTED_REVIEWS_BY_ID",
        "SEARCH_RESULTS_BY_ID",
    }


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
@pytest.mark.parametrize("rows", [None, slice(0, 21), slice(40, 61)])
def test_a_prepared_query_sends_what_compiling_its_queryset_sends(name, rows, review):
    query = PAGE_QUERIES[name]
    query.run(rows=rows, **values_for(name, review))  # compiled here, with stand-ins
    values = values_for(name, review)
    assert query.prepared(rows=rows, **values) == query.fresh(rows=rows, **values)


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_a_prepared_query_loads_what_its_queryset_loads(name, review):
    query = PAGE_QUERIES[name]
    values = values_for(name, review)
    loaded = query.run(**values)
    assert loaded, "a query that finds nothing shows nothing about loading"
    assert loaded == list(query.build(**values))
    assert [_loaded_as(row) for row in loaded] == [_loaded_as(row) for row in query.build(**values)]


def _loaded_as(row):
    """What a row was loaded with: an instance's attributes and the related rows cached on it."""
    if not isinstance(row, Model):
        return row
    return vars(row).keys(), row._state.fields_cache.keys()


def test_the_published_review_comes_with_its_film_critic_and_images_and_nothing_else(
    review, django_assert_num_queries
):
    with django_assert_num_queries(1):
        [found] = page_queries.PUBLISHED_REVIEW.run(slug=review.slug, now=timezone.now())
        assert found.film.title and found.critic.byline and found.critic.person.name
        assert found.lead_image is None
    assert found.get_deferred_fields() >= {"body", "search_vector"}


def test_the_prepared_row_keeps_the_visibility_rule_at_each_moment(review):
    now = timezone.now()
    run = page_queries.PUBLISHED_REVIEW.run
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
    [found] = page_queries.PUBLISHED_REVIEW.run(slug=review.slug, now=timezone.now())
    with django_assert_num_queries(5):
        page_queries.load_review_lists(found)
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
    by_time = page_queries.PUBLISHED_REVIEW
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


def test_a_prepared_list_reads_each_page_as_the_queryset_slices_it(review):
    ReviewFactory.create_batch(4, published=True, critic=review.critic)
    now = timezone.now()
    reviews = PreparedList(page_queries.CRITICS_REVIEWS, critic=review.critic_id, now=now)
    queryset = Review.objects.published(now).filter(critic=review.critic).latest_first()
    assert len(queryset) == 5
    for window in (slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 8), slice(0, 0)):
        assert reviews[window] == list(queryset[window])
    with pytest.raises(TypeError):
        reviews[0]
    with pytest.raises(TypeError):
        reviews[0:4:2]
    with pytest.raises(ValueError):
        reviews[3:1]


def test_a_sliced_queryset_cannot_be_prepared():
    sliced = PreparedQuery(lambda film: Review.objects.filter(film=film)[:5], film=int)
    with pytest.raises(ImproperlyConfigured, match="rows"):
        sliced.run(film=1)


def test_a_list_of_ids_is_compiled_once_for_each_length(review):
    by_id = PreparedQuery(lambda ids: Review.objects.filter(pk__in=ids).order_by("pk"), ids=list)
    ids = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 3
    for length in (1, 2, 3, 2, 1):
        assert by_id.run(ids=ids[:length]) == list(by_id.build(ids=ids[:length]))
    assert len(by_id._compiled) == 3
    with pytest.raises(ImproperlyConfigured, match="empty"):
        by_id.run(ids=[])
    with pytest.raises(TypeError, match="list of ints"):
        by_id.run(ids=(1, 2))
    with pytest.raises(TypeError, match="int"):
        by_id.run(ids=["1"])
