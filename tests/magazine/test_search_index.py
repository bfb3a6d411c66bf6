"""Search reads a full-text index (PostgreSQL's stored vector, SQLite's FTS5 table): matching,
ranking, visibility, and an index that is fresh after every kind of write."""

import datetime
import importlib
import io
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import strip_tags

from magazine.fulltext import plain_text
from magazine.text import render_markdown
from reviews.models import SEARCH_CANDIDATES, Film, Review
from tests.factories import (
    HIDDEN_STATES,
    FilmFactory,
    ReviewFactory,
    fixture_object,
    fixture_objects,
)

pytestmark = pytest.mark.django_db


def found(query: str) -> list[Review]:
    return list(Review.objects.published().search(query))


class TestMatching:
    def test_a_word_finds_the_longer_words_it_starts(self):
        review = ReviewFactory(published=True, headline="Two strangers on a night bus")

        assert found("stranger") == [review]

    def test_every_word_must_match_but_each_may_be_in_any_field(self):
        both = ReviewFactory(
            published=True, headline="Lighthouse keepers", body="A storm rolls in at dusk."
        )
        ReviewFactory(published=True, headline="Lighthouse keepers", body="Calm seas all week.")

        assert found("lighthouse storm") == [both]

    def test_case_does_not_matter(self):
        review = ReviewFactory(published=True, headline="A night at the Café Lumière")

        assert found("CAFÉ LUMIÈRE") == [review]

    def test_reader_punctuation_is_never_query_syntax(self):
        review = ReviewFactory(published=True, headline="A sci-fi epic that doesn't land")

        assert found('sci-fi "doesn\'t" (land) OR NOT * NEAR') == []
        assert found("sci-fi doesn't land") == [review]

    def test_film_title_is_searched(self):
        review = ReviewFactory(published=True, film=FilmFactory(title="Aftersun"))

        assert found("aftersun") == [review]


class TestRanking:
    def test_standfirst_outranks_body_and_headline_outranks_both(self):
        in_body = ReviewFactory(published=True, headline="Storms", body="An orchard in autumn.")
        in_standfirst = ReviewFactory(
            published=True, headline="Harvest", standfirst="An orchard, a family."
        )
        in_headline = ReviewFactory(published=True, headline="The orchard")

        assert found("orchard") == [in_headline, in_standfirst, in_body]

    def test_equal_ranks_come_newest_first(self):
        now = timezone.now()
        older = ReviewFactory(
            published=True, headline="Glacier", publish_at=now - datetime.timedelta(days=2)
        )
        newer = ReviewFactory(
            published=True, headline="Glacier", publish_at=now - datetime.timedelta(days=1)
        )

        assert found("glacier") == [newer, older]

    def test_more_matches_than_the_ranked_window_still_fill_every_page(self):
        count = SEARCH_CANDIDATES + 5
        for number in range(count):
            ReviewFactory(published=True, headline=f"Meadow {number}")

        results = found("meadow")

        assert len(results) == SEARCH_CANDIDATES
        assert len({review.pk for review in results}) == SEARCH_CANDIDATES


class TestVisibility:
    @pytest.mark.parametrize("hidden", sorted(HIDDEN_STATES))
    def test_hidden_reviews_are_never_found(self, hidden):
        ReviewFactory(headline="Secret lighthouse", **HIDDEN_STATES[hidden])

        assert found("lighthouse") == []

    def test_hidden_matches_do_not_take_the_places_of_visible_ones(self):
        visible = ReviewFactory(published=True, headline="Quarry")
        for _ in range(SEARCH_CANDIDATES):  # newer than the visible one, all hidden
            ReviewFactory(headline="Quarry", **HIDDEN_STATES["draft"])

        assert found("quarry") == [visible]

    def test_a_scheduled_review_is_found_once_its_time_comes(self):
        publish_at = timezone.now() + datetime.timedelta(hours=2)
        review = ReviewFactory(
            headline="Midnight ferry", state=Review.State.PUBLISHED, publish_at=publish_at
        )

        assert found("ferry") == []
        later = publish_at + datetime.timedelta(minutes=1)
        assert list(Review.objects.published(now=later).search("ferry")) == [review]


class TestFreshness:
    def test_an_edit_is_searched_at_once(self):
        review = ReviewFactory(published=True, headline="Orchard", body="Apples.")

        review.headline = "Vineyard"
        review.body = "Grapes in the sun."
        review.save()

        assert found("orchard") == []
        assert found("vineyard grapes") == [review]

    def test_an_edit_saving_only_some_fields_is_searched_at_once(self):
        review = ReviewFactory(published=True, headline="Orchard")

        review.standfirst = "Cider in November."
        review.save(update_fields=["standfirst"])

        assert found("cider") == [review]

    def test_an_unpublished_review_leaves_search_at_once(self):
        review = ReviewFactory(published=True, headline="Orchard")

        review.state = Review.State.UNPUBLISHED
        review.save()

        assert found("orchard") == []

    def test_a_deleted_review_leaves_search(self):
        review = ReviewFactory(published=True, headline="Orchard")
        keeper = ReviewFactory(published=True, headline="Orchard again")

        review.delete()
        Review.objects.filter(pk=keeper.pk).delete()

        assert found("orchard") == []

    def test_a_film_renamed_is_found_by_its_new_title_only(self):
        film = FilmFactory(title="Working Title")
        review = ReviewFactory(published=True, film=film, headline="A review")

        film.title = "Aftersun"
        film.save()

        assert found("aftersun") == [review]
        assert found("working title") == []

    def test_bulk_writes_are_searched_after_refresh_search_vectors(self):
        film = FilmFactory(title="Plain")
        template = ReviewFactory(published=True, film=film, headline="First")
        Review.objects.bulk_create(
            [
                Review(
                    film=film,
                    critic=template.critic,
                    headline="Marshland",
                    slug="marshland",
                    body="Reeds.",
                    state=Review.State.PUBLISHED,
                    publish_at=timezone.now() - datetime.timedelta(hours=1),
                )
            ]
        )
        Review.objects.filter(headline="First").update(headline="Estuary")

        Review.objects.all().refresh_search_vectors()

        assert [r.slug for r in found("marshland")] == ["marshland"]
        assert found("estuary") == [template]
        assert found("first") == []

    def test_the_fixture_loader_refreshes_what_it_writes(self, tmp_path):
        objects = fixture_objects()
        path = tmp_path / "import.json"
        path.write_text(json.dumps(objects))
        call_command("loaddata", str(path), stdout=io.StringIO())
        review = Review.objects.get(slug="strangers-kimber-myers")
        assert review in found("strangers")  # the film's title

        fixture_object(objects, "reviews.film", "all-of-us-strangers")["title"] = "Night Bus"
        fixture_object(objects, "reviews.review", "strangers-kimber-myers")["headline"] = (
            "Orchard of ghosts"
        )
        path.write_text(json.dumps(objects))
        call_command("loaddata", str(path), stdout=io.StringIO())

        assert found("orchard night bus") == [review]
        assert found("strangers") == []

    def test_generate_catalogue_fills_the_index(self):
        call_command("generate_catalogue", "--reviews", "40", stdout=io.StringIO())
        review = Review.objects.published().select_related("film").first()

        assert review in found(review.headline.split(":")[0])
        assert Film.objects.count() > 0


class TestVectorStorage:
    def test_vectors_rewritten_to_stay_in_the_row_match_and_rank_as_before(self):
        """Migration 0014 rewrites every PostgreSQL vector (STORAGE MAIN, so search's walk
        never reads the TOAST table): the same reviews must match, with the same ranks."""
        long_body = " ".join(["A lighthouse keeper counts the ghosts of the bay."] * 120)
        ReviewFactory(published=True, headline="Ghost light", body=long_body)
        ReviewFactory(published=True, headline="Harbour", body="One ghost, briefly.")
        ReviewFactory(published=True, headline="Elsewhere", body="Nothing of the kind.")

        def ranked():
            return [(r.headline, round(r.rank, 6)) for r in found("ghost")]

        before = ranked()
        migration = importlib.import_module("reviews.migrations.0014_search_vector_kept_in_row")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # as at the start of a migration
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            editor = SimpleNamespace(connection=connection, execute=cursor.execute)
            migration.keep_in_row(apps, editor)
            if connection.vendor == "postgresql":  # SQLite has no column storage to set
                cursor.execute(
                    "SELECT attstorage FROM pg_attribute WHERE attrelid = "
                    "'reviews_review'::regclass AND attname = 'search_vector'"
                )
                assert cursor.fetchone() == ("m",)

        assert [headline for headline, _ in before] == ["Ghost light", "Harbour"]
        assert ranked() == before


class TestPlainText:
    @pytest.mark.parametrize(
        "markdown",
        [
            "Plain words & more < less > never.",
            '[a link](https://example.com/ "title with > inside") and **bold**',
            "<script>alert(1)</script> raw <b onclick='x'>html</b> &amp; &copy; &#169;",
            "```\n<code> & </code>\n```\n\n> quoted *text*\n\n- a\n- b",
            "Tab\tand  spaces, “quotes” and ‘single’ – dashes",
        ],
    )
    def test_is_what_strip_tags_gives_for_our_rendered_html(self, markdown):
        from html import unescape

        html = render_markdown(markdown)

        assert plain_text(html) == unescape(strip_tags(html))
