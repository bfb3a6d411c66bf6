"""Public pages: content, visibility and a query budget each."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reviews.views import PersonDetailView
from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)


def make_film_with_credits(n_cast: int = 3):
    film = FilmFactory(
        title="All of Us Strangers",
        slug="all-of-us-strangers",
        runtime_minutes=105,
        source_title="Strangers",
        source_kind="novel",
        source_author="Taichi Yamada",
    )
    CreditFactory(
        film=film, person=PersonFactory(name="Andrew Haigh"), role="director", character=""
    )
    CreditFactory(film=film, person=PersonFactory(name="Andrew Scott"), character="Adam")
    CreditFactory(film=film, person=PersonFactory(name="Paul Mescal"), character="Harry")
    CreditFactory.create_batch(max(0, n_cast - 2), film=film)
    return film


def published_review(**kwargs):
    return ReviewFactory(
        state="published", publish_at=TUESDAY - datetime.timedelta(days=1), **kwargs
    )


@pytest.fixture
def at_tuesday():
    with time_machine.travel(TUESDAY, tick=False):
        yield


@pytest.mark.usefixtures("at_tuesday")
class TestReviewPage:
    def test_shows_everything_a_reader_needs(self, client):
        film = make_film_with_credits()
        AvailabilityFactory(
            film=film, kind="theatrical", provider="", starts_on=datetime.date(2023, 12, 22)
        )
        critic = CriticFactory(
            person=PersonFactory(name="Kimber Myers"), bio="Kimber writes about film and TV."
        )
        review = published_review(
            film=film,
            critic=critic,
            headline="A tender ghost story",
            standfirst="Haigh's best film.",
            body="It is *very* good.",
            tags=["grief"],
        )
        response = client.get(review.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>A tender ghost story</h1>" in html
        assert "Haigh&#x27;s best film." in html
        assert f'href="{critic.get_absolute_url()}"' in html
        assert "<em>very</em>" in html
        assert "Andrew Haigh" in html and "Andrew Scott</a> as Adam" in html
        assert "105 minutes" in html
        assert "Strangers, the novel by Taichi Yamada" in html
        assert "In theaters Friday." in html
        assert "Kimber writes about film and TV." in html
        assert "grief" in html
        assert '<time datetime="2023-12-18T15:00:00+00:00">' in html

    @pytest.mark.parametrize("n_extra", [0, 25])
    def test_query_budget_is_fixed_however_many_credits_and_tags(
        self, client, django_assert_max_num_queries, n_extra
    ):
        film = make_film_with_credits(n_cast=3 + n_extra)
        AvailabilityFactory.create_batch(1 + n_extra // 5, film=film)
        review = published_review(film=film, tags=[f"tag {i}" for i in range(1 + n_extra)])
        published_review(film=film)  # another critic's review of the same film
        # review, tags, corrections, genres, credits, windows, others, next publish, clock
        with django_assert_max_num_queries(9):
            response = client.get(review.get_absolute_url())
        assert response.status_code == 200

    def test_lists_other_critics_reviews_of_the_film(self, client):
        review = published_review()
        other = published_review(film=review.film, headline="Another view")
        draft = ReviewFactory(film=review.film, headline="Unfinished draft")
        html = client.get(review.get_absolute_url()).content.decode()
        assert other.headline in html
        assert draft.headline not in html

    @pytest.mark.parametrize("state", ["draft", "in_review", "approved", "unpublished"])
    def test_unpublished_states_are_404(self, client, state):
        review = ReviewFactory(state=state, publish_at=TUESDAY - datetime.timedelta(days=1))
        assert client.get(review.get_absolute_url()).status_code == 404

    def test_scheduled_review_is_404_until_its_time(self, client):
        review = ReviewFactory(
            state="published", publish_at=TUESDAY + datetime.timedelta(minutes=1)
        )
        assert client.get(review.get_absolute_url()).status_code == 404
        with time_machine.travel(TUESDAY + datetime.timedelta(minutes=1), tick=False):
            assert client.get(review.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("at_tuesday")
class TestHomePage:
    def test_lists_latest_published_reviews_only(self, client):
        older = published_review(headline="Older review")
        newer = ReviewFactory(
            state="published",
            publish_at=TUESDAY - datetime.timedelta(hours=1),
            headline="Newer review",
        )
        ReviewFactory(headline="A draft")
        ReviewFactory(
            state="published",
            publish_at=TUESDAY + datetime.timedelta(hours=1),
            headline="Scheduled",
        )
        html = client.get(reverse("home")).content.decode()
        assert html.index(newer.headline) < html.index(older.headline)
        assert "A draft" not in html and "Scheduled" not in html

    def test_query_budget(self, client, django_assert_max_num_queries):
        for _ in range(15):
            published_review(tags=["grief"])
        with django_assert_max_num_queries(3):  # + the invalidation clock
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["page_obj"].has_next()


@pytest.mark.usefixtures("at_tuesday")
class TestFilmPage:
    def test_gathers_every_published_review_credits_and_availability(self, client):
        film = make_film_with_credits()
        AvailabilityFactory(film=film, starts_on=datetime.date(2023, 12, 1), provider="Hulu")
        first = published_review(film=film, headline="First critic")
        second = published_review(film=film, headline="Second critic")
        ReviewFactory(film=film, headline="Draft critic")
        html = client.get(film.get_absolute_url()).content.decode()
        assert first.headline in html and second.headline in html
        assert "Draft critic" not in html
        assert 'Paul Mescal</a> <span class="meta">as Harry</span>' in html
        assert "Available to stream on Hulu." in html

    def test_query_budget(self, client, django_assert_max_num_queries):
        film = make_film_with_credits(n_cast=20)
        for _ in range(5):
            published_review(film=film)
        with django_assert_max_num_queries(
            7
        ):  # + the page cache's next scheduled publish, the invalidation clock
            assert client.get(film.get_absolute_url()).status_code == 200

    def test_unknown_film_is_404(self, client):
        assert client.get("/films/no-such-film/").status_code == 404


@pytest.mark.usefixtures("at_tuesday")
class TestCriticPage:
    def test_bio_and_published_reviews(self, client):
        critic = CriticFactory(bio="Writes about horror.", affiliations="Los Angeles Times")
        review = published_review(critic=critic)
        ReviewFactory(critic=critic, headline="Secret draft")
        html = client.get(critic.get_absolute_url()).content.decode()
        assert "Writes about horror." in html
        assert "Los Angeles Times" in html
        assert review.headline in html
        assert "Secret draft" not in html

    def test_description_for_search_engines_is_the_bio_or_says_whose_reviews(self, client):
        with_bio = CriticFactory(byline="Ana Ruiz", bio="Writes about horror.")
        without_bio = CriticFactory(byline="Ben Okafor", bio="")
        html = client.get(with_bio.get_absolute_url()).text
        assert '<meta name="description" content="Writes about horror.">' in html
        html = client.get(without_bio.get_absolute_url()).text
        assert '<meta name="description" content="Film reviews by Ben Okafor">' in html

    def test_query_budget(self, client, django_assert_max_num_queries):
        critic = CriticFactory()
        for _ in range(10):
            published_review(critic=critic)
        with django_assert_max_num_queries(4):  # + the invalidation clock
            assert client.get(critic.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("at_tuesday")
class TestPersonPage:
    def test_filmography(self, client):
        person = PersonFactory(name="Andrew Haigh", bio="English director.")
        CreditFactory(
            person=person,
            film=FilmFactory(title="Weekend", year=2011),
            role="director",
            character="",
        )
        CreditFactory(
            person=person,
            film=FilmFactory(title="All of Us Strangers", year=2023),
            role="writer",
            character="",
        )
        html = client.get(person.get_absolute_url()).content.decode()
        assert "English director." in html
        assert html.index("All of Us Strangers") < html.index("Weekend")
        assert "Director" in html and "Writer" in html

    def test_query_budget(self, client, django_assert_max_num_queries):
        person = PersonFactory()
        CreditFactory.create_batch(12, person=person)
        with django_assert_max_num_queries(
            4
        ):  # + the page cache's next scheduled publish, the invalidation clock
            assert client.get(person.get_absolute_url()).status_code == 200

    def test_a_long_filmography_is_paged_newest_first(self, client, monkeypatch):
        monkeypatch.setattr(PersonDetailView, "paginate_by", 4)
        person = PersonFactory(name="Busy Actor")
        for year in range(2010, 2020):  # ten films, 2019 first
            CreditFactory(person=person, film=FilmFactory(title=f"Film of {year}", year=year))
        url = person.get_absolute_url()

        first = client.get(url)
        assert [c.film.year for c in first.context["credits"]] == [2019, 2018, 2017, 2016]
        assert 'rel="next" href="?page=2"' in first.text
        assert 'rel="prev"' not in first.text

        third = client.get(url, {"page": 3})
        assert [c.film.year for c in third.context["credits"]] == [2011, 2010]
        assert 'rel="prev" href="?page=2"' in third.text
        assert 'rel="next"' not in third.text
        assert "Busy Actor" in third.text

        assert client.get(url, {"page": 4}).status_code == 404
        assert client.get(url, {"page": "x"}).status_code == 404

    def test_an_unknown_person_is_a_404(self, client):
        assert client.get(reverse("reviews:person_detail", args=["nobody"])).status_code == 404

    @pytest.mark.parametrize("page_size", [3, 50])
    def test_query_budget_does_not_depend_on_page_size_or_credits(
        self, client, monkeypatch, page_size, django_assert_max_num_queries
    ):
        monkeypatch.setattr(PersonDetailView, "paginate_by", page_size)
        person = PersonFactory()
        CreditFactory.create_batch(60, person=person)
        # person+critic, one page of credits+films (no count), next scheduled publish
        for page in (1, 2):
            with django_assert_max_num_queries(4):  # + the invalidation clock
                response = client.get(person.get_absolute_url(), {"page": page})
            assert len(response.context["credits"]) == min(page_size, 60 - (page - 1) * page_size)
