import datetime

import pytest
from django.utils import timezone

from reviews.models import Review
from reviews.selectors import SearchResults
from tests.factories import CriticFactory, FilmFactory, PersonFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def search(client, query: str, **params):
    return client.get("/search/", {"q": query, **params})


class TestRanking:
    def test_pages_of_results_follow_the_ranking_with_each_rank(self):
        for number in range(5):
            ReviewFactory(published=True, headline=f"Lighthouse {number}", body="Waves.")
            ReviewFactory(published=True, headline=f"Storm {number}", body="A lighthouse.")
        ReviewFactory(headline="Lighthouse draft")
        ranked = list(Review.objects.published().search("lighthouse"))
        results = SearchResults("lighthouse")

        pages = [results[0:4], results[4:8], results[8:12]]

        assert [review for page in pages for review in page] == ranked
        assert [len(page) for page in pages] == [4, 4, 2]
        assert [r.rank for r in pages[0]] == [r.rank for r in ranked[:4]]
        assert pages[0][0].rank > pages[2][-1].rank
        assert SearchResults("  ")[0:10] == []

    def test_headline_and_film_title_outrank_standfirst_and_body(self, client):
        in_body = ReviewFactory(
            published=True, headline="A quiet film", body="A tale of lighthouse keepers."
        )
        in_standfirst = ReviewFactory(
            published=True, headline="Storms", standfirst="Lighthouse keepers, at sea."
        )
        in_headline = ReviewFactory(published=True, headline="The lighthouse at the edge")
        in_title = ReviewFactory(published=True, film=FilmFactory(title="The Lighthouse"))

        ranked = list(Review.objects.published().search("lighthouse"))

        assert set(ranked[:2]) == {in_headline, in_title}
        assert ranked[2:] == [in_standfirst, in_body]

    def test_every_word_must_match(self):
        both = ReviewFactory(published=True, headline="Ghosts in the tower block")
        ReviewFactory(published=True, headline="Ghosts of the past")

        assert list(Review.objects.published().search("ghosts tower")) == [both]

    def test_drafts_and_scheduled_reviews_are_never_found(self):
        ReviewFactory(headline="Secret draft about lighthouses")
        ReviewFactory(
            headline="Scheduled lighthouse piece",
            state=Review.State.PUBLISHED,
            publish_at=timezone.now() + datetime.timedelta(days=2),
        )

        assert not Review.objects.published().search("lighthouse").exists()

    def test_empty_query_finds_nothing(self):
        ReviewFactory(published=True)
        assert not Review.objects.published().search("  ").exists()


class TestSearchPage:
    def test_shows_where_the_match_was_and_escapes_it(self, client):
        ReviewFactory(
            published=True,
            headline="Harbour lights",
            standfirst="",
            body="Early scenes drift. Then the <script>alert(1)</script> lighthouse appears.",
        )

        response = search(client, "lighthouse")

        html = response.content.decode()
        assert response.status_code == 200
        assert "Matched in the review" in html
        assert "<mark>lighthouse</mark>" in html
        assert "<script>alert" not in html

    def test_lists_matching_films_critics_and_people(self, client):
        FilmFactory(title="Strangers on a Train")
        CriticFactory(person=PersonFactory(name="Ann Stranger"), byline="Ann Stranger")
        PersonFactory(name="Rob Strangeways")

        html = search(client, "strange").content.decode()

        assert "Strangers on a Train" in html
        assert "Ann Stranger" in html
        assert "Rob Strangeways" in html

    def test_results_are_paginated(self, client):
        for number in range(12):
            ReviewFactory(published=True, headline=f"Lighthouse {number}")

        first = search(client, "lighthouse")
        second = search(client, "lighthouse", page=2)

        assert len(first.context["results"]) == 10
        assert len(second.context["results"]) == 2
        assert 'href="?q=lighthouse&amp;page=2"' in first.content.decode()

    def test_no_query_and_punctuation_only_do_not_fail(self, client):
        assert client.get("/search/").status_code == 200
        response = search(client, "!!!")
        assert response.status_code == 200
        assert "Type a word or two" in response.content.decode()

    def test_query_budget_does_not_grow_with_results(self, client, django_assert_max_num_queries):
        for number in range(25):
            ReviewFactory(published=True, headline=f"Lighthouse {number}")
        # Ranked review ids, those reviews, films, critics, people, the page cache's
        # next-publish lookup and the invalidation clock.
        with django_assert_max_num_queries(7):
            assert search(client, "lighthouse").status_code == 200


class TestNamePanel:
    """The films, critics and people matching a search are cached with the tags of every
    film, critic and people list: a repeat search skips their queries, and any edit shows
    at once."""

    def test_a_repeat_search_reads_the_names_from_the_cache(
        self, client, django_assert_max_num_queries, settings
    ):
        settings.MAGAZINE_PAGE_CACHE_SECONDS = 0  # render the page each time
        FilmFactory(title="The Lighthouse")
        ReviewFactory(published=True, headline="Lighthouse keepers")
        search(client, "lighthouse")
        # Ranked review ids, those reviews and the page cache's next-publish lookup; no
        # film, critic or people query.
        with django_assert_max_num_queries(3):
            response = search(client, "lighthouse")
        assert [film.title for film in response.context["films"]] == ["The Lighthouse"]

    def test_a_renamed_film_a_new_critic_and_a_new_person_show_at_once(self, client, settings):
        settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
        film = FilmFactory(title="The Lighthouse")
        assert [f.title for f in search(client, "lighthouse").context["films"]] == [
            "The Lighthouse"
        ]
        film.title = "The Witch"
        film.save()
        CriticFactory(byline="Lighthouse Critic")
        PersonFactory(name="Lighthouse Keeper")

        response = search(client, "lighthouse")
        assert response.context["films"] == []
        assert [c.byline for c in response.context["critics"]] == ["Lighthouse Critic"]
        assert "Lighthouse Keeper" in [p.name for p in response.context["people"]]
