"""Query budgets for every public page, measured with the page cache cold; the budget must
not grow with the number of credits, reviews or tags a page shows."""

import pytest

from reviews.models import Credit
from tests.factories import AvailabilityFactory, CreditFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    review = ReviewFactory(published=True, tags=["drama", "debut"])
    CreditFactory(film=review.film, role=Credit.Role.DIRECTOR)
    CreditFactory.create_batch(12, film=review.film)
    CreditFactory(film=review.film, role=Credit.Role.COMPOSER)
    AvailabilityFactory(film=review.film)
    ReviewFactory.create_batch(3, published=True, film=review.film, critic=review.critic)
    return review


def test_review_page_query_budget(client, review, django_assert_max_num_queries):
    # review+film+critic+person, tags, corrections, genres, credits+people, availability,
    # more on this film, next scheduled publish (page cache), the invalidation clock
    with django_assert_max_num_queries(9):  # + the invalidation clock
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200


def test_film_page_query_budget(client, review, django_assert_max_num_queries):
    # film, genres, availability, credits+people, published reviews, next scheduled publish
    with django_assert_max_num_queries(7):  # + the invalidation clock
        response = client.get(review.film.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["film"].published_reviews) == 4


def test_critic_page_query_budget(client, review, django_assert_max_num_queries):
    # critic+person, one page of reviews, next scheduled publish; no count(*)
    with django_assert_max_num_queries(4):  # + the invalidation clock
        response = client.get(review.critic.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["reviews"]) == 4


def test_person_page_query_budget(client, review, django_assert_max_num_queries):
    person = review.film.credits.first().person
    CreditFactory.create_batch(5, person=person)
    # person+critic, filmography+films, next scheduled publish
    with django_assert_max_num_queries(4):  # + the invalidation clock
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200


def test_unpublished_review_is_a_404_and_never_cached(client):
    draft = ReviewFactory()
    assert client.get(draft.get_absolute_url()).status_code == 404
