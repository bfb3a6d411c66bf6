import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import Review
from tests.factories import (
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


class TestTagPages:
    def test_tag_page_lists_only_published_reviews_with_the_tag(self, client):
        tagged = ReviewFactory(published=True, tags=["grief"], headline="Tagged and live")
        ReviewFactory(published=True, tags=["comedy"], headline="Other tag")
        ReviewFactory(tags=["grief"], headline="Draft with tag")

        response = client.get("/tags/grief/")

        assert response.status_code == 200
        assert list(response.context["reviews"]) == [tagged]
        html = response.content.decode()
        assert "Tagged and live" in html and "Draft with tag" not in html
        assert '<h1 class="page-title">grief</h1>' in html

    def test_tag_used_only_by_drafts_is_a_404(self, client):
        ReviewFactory(tags=["secret"])
        assert client.get("/tags/secret/").status_code == 404
        assert client.get("/tags/never-used/").status_code == 404

    def test_tag_index_counts_published_reviews(self, client):
        ReviewFactory(published=True, tags=["grief", "memory"])
        ReviewFactory(published=True, tags=["grief"])
        ReviewFactory(tags=["grief", "hidden"])

        response = client.get("/tags/")

        counts = {tag.name: tag.review_count for tag in response.context["tags"]}
        assert counts == {"grief": 2, "memory": 1}

    def test_review_page_links_its_tags(self, client):
        review = ReviewFactory(published=True, tags=["ghost stories"])
        html = client.get(review.get_absolute_url()).content.decode()
        assert '<a href="/tags/ghost-stories/">ghost stories</a>' in html


class TestIndexes:
    def test_film_index_is_a_to_z_of_reviewed_films(self, client):
        ReviewFactory(published=True, film=FilmFactory(title="Zodiac", slug="zodiac"))
        ReviewFactory(published=True, film=FilmFactory(title="Aftersun", slug="aftersun"))
        ReviewFactory(film=FilmFactory(title="Unreviewed", slug="unreviewed"))

        response = client.get("/films/")

        assert [film.title for film in response.context["films"]] == ["Aftersun", "Zodiac"]
        assert response.context["initials"] == ["A", "Z"]
        only_z = client.get("/films/", {"letter": "z"})
        assert [film.title for film in only_z.context["films"]] == ["Zodiac"]

    def test_films_by_year_and_genre(self, client):
        drama = GenreFactory(name="Drama")
        old = FilmFactory(title="Old One", year=1999)
        old.genres.add(drama)
        ReviewFactory(published=True, film=old)
        ReviewFactory(published=True, film=FilmFactory(title="New One", year=2024))

        assert [f.title for f in client.get("/films/year/1999/").context["films"]] == ["Old One"]
        assert client.get("/films/year/1850/").status_code == 404
        assert [f.title for f in client.get("/genres/drama/").context["films"]] == ["Old One"]
        years = client.get("/films/").context["years"]
        assert [row["year"] for row in years] == [2024, 1999]

    def test_critic_index_counts_only_published_reviews(self, client):
        critic = CriticFactory(byline="Kimber Myers")
        ReviewFactory(published=True, critic=critic)
        ReviewFactory(critic=critic)
        CriticFactory(byline="Retired", is_active=False)

        response = client.get("/critics/")

        page = response.content.decode()
        assert list(response.context["critic_rows"]) == [(critic.pk, 1)]
        assert "Kimber Myers" in page and "1 review" in page and "Retired" not in page

    def test_critic_index_counts_each_page_of_critics(self, client):
        # 50 critics a page; the counts come with the page's critics, whichever page.
        critics = [CriticFactory(byline=f"Critic {n:02}") for n in range(51)]
        for _ in range(2):
            ReviewFactory(published=True, critic=critics[50])
        ReviewFactory(published=True, critic=critics[0])

        first = client.get("/critics/").context["critic_rows"]
        second = client.get("/critics/?page=2").context["critic_rows"]

        assert first[:2] == [(critics[0].pk, 1), (critics[1].pk, 0)] and len(first) == 50
        assert second == [(critics[50].pk, 2)]
        assert "2 reviews" in client.get("/critics/?page=2").content.decode()


class TestPagination:
    def test_home_pages_through_reviews(self, client):
        now = timezone.now()
        for day in range(15):
            ReviewFactory(published=True, publish_at=now - datetime.timedelta(days=day + 1))

        first = client.get("/")
        second = client.get("/", {"page": 2})

        assert len(first.context["reviews"]) == 13
        assert len(second.context["reviews"]) == 2
        assert 'rel="next" href="?page=2"' in first.content.decode()
        assert second.context["reviews"][0].publish_at < first.context["reviews"][12].publish_at
        assert client.get("/", {"page": 9}).status_code == 404

    def test_tag_page_paginates(self, client):
        for _ in range(21):
            ReviewFactory(published=True, tags=["grief"])
        assert len(client.get("/tags/grief/", {"page": 2}).context["reviews"]) == 1

    def test_film_index_pagination_keeps_the_letter(self, client):
        for number in range(61):
            ReviewFactory(published=True, film=FilmFactory(title=f"Air {number:02}"))
        html = client.get("/films/", {"letter": "A"}).content.decode()
        assert 'href="?letter=A&amp;page=2"' in html


class TestErrorPages:
    def test_404_uses_the_site_design(self, client):
        response = client.get("/reviews/no-such-review/")

        assert response.status_code == 404
        html = response.content.decode()
        assert "We can't find that page" in html
        assert 'class="site-header"' in html and 'role="search"' in html

    def test_draft_review_is_a_404(self, client):
        assert client.get(ReviewFactory().get_absolute_url()).status_code == 404

    def test_500_page_renders_without_a_request(self, rf):
        from magazine.views import server_error

        response = server_error(rf.get("/"))

        assert response.status_code == 500
        assert "Something went wrong on our side" in response.content.decode()
        assert "Frame Rate" in response.content.decode()


def make_world(size: int) -> dict:
    """`size` published reviews spread over films, critics, tags and a genre."""
    genre = GenreFactory(name="Drama", slug="drama")
    critic = CriticFactory(byline="Ann Critic", person=PersonFactory(name="Ann Critic"))
    person = PersonFactory(name="Busy Actor", slug="busy-actor")
    for number in range(size):
        film = FilmFactory(title=f"Lighthouse {number}", year=2000 + number % 3)
        film.genres.add(genre)
        CreditFactory(film=film, person=person)
        CreditFactory(film=film, role="director", character="")
        ReviewFactory(published=True, film=film, critic=critic, tags=["grief", f"tag{number}"])
        ReviewFactory(published=True, film=film, tags=["grief"])
    return {"critic": critic, "film": film, "person": person}


LIST_PAGES = [
    "/",
    "/?page=2",
    "/search/?q=lighthouse",
    "/films/",
    "/films/?letter=L",
    "/films/year/2001/",
    "/genres/drama/",
    "/critics/",
    "/critics/ann-critic/",
    "/tags/",
    "/tags/grief/",
    "/people/busy-actor/",
    "/feed/",
    "/feed/atom/",
    "/tags/grief/feed/",
    "/critics/ann-critic/feed/",
    "/sitemap.xml",
]


def count_queries(client, url: str) -> int:
    """Queries of one request with nothing cached (a stale entry costs its check too)."""
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_the_list(client, url, django_assert_max_num_queries):
    world = make_world(7)
    small = count_queries(client, url)
    for number in range(12):
        film = FilmFactory(title=f"Lighthouse extra {number}", year=2001)
        film.genres.add(*world["film"].genres.all())
        CreditFactory(film=film, person=world["person"])
        ReviewFactory(published=True, film=film, critic=world["critic"], tags=["grief"])

    # The sitemap index: a count and a lastmod for each of its eight sections; and the
    # invalidation clock.
    with django_assert_max_num_queries(15 if url == "/sitemap.xml" else 12):
        assert count_queries(client, url) == small


@pytest.mark.parametrize("path", ["review", "film"])
def test_detail_pages_keep_their_budget(client, path, django_assert_max_num_queries):
    world = make_world(3)
    review = Review.objects.filter(film=world["film"]).first()
    for _ in range(10):
        ReviewFactory(published=True, film=world["film"])
    url = review.get_absolute_url() if path == "review" else world["film"].get_absolute_url()
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
