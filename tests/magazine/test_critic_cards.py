"""The critic index's cards (magazine/cards.py, magazine/fragments.py): kept under the content
generation, so each is as fresh as the page cache, and a warm page renders no card at all.

The page cache is off in these tests: every request renders the page, and only the card
cache can serve anything stale.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeString

from magazine import cards
from magazine.fragments import cached_fragments
from reviews import services
from reviews.models import Review
from tests.factories import (
    NOON,
    CriticFactory,
    LibraryImageFactory,
    PersonFactory,
    ReviewFactory,
    image_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache_only")]


@pytest.fixture
def critic(clock):
    critic = CriticFactory(
        byline="Kimber Myers", bio="Writes about grief on screen.", affiliations="Los Angeles Times"
    )
    ReviewFactory(published=True, critic=critic)
    return critic


def index(client) -> str:
    response = client.get("/critics/")
    assert response.status_code == 200
    return response.content.decode()


def renders(monkeypatch) -> list[list[int]]:
    """Records the critics each request had to render a card for."""
    calls: list[list[int]] = []
    real = cards.cached_fragments

    def spy(name, items, render):
        def recording(pks):
            calls.append(sorted(pks))
            return render(pks)

        return real(name, items, recording)

    monkeypatch.setattr(cards, "cached_fragments", spy)
    return calls


def test_a_warm_index_renders_no_card_and_runs_three_queries(client, critic, monkeypatch):
    CriticFactory(byline="Anne Other")
    first = index(client)
    rendered = renders(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        second = index(client)

    assert second == first
    assert rendered == []
    # The rows, the versions of the scheduled snapshot's tags (the counts subtract it) and of
    # the cards' tags (kept in the database: never lost).
    assert len(queries) == 3, [q["sql"][:150] for q in queries]
    assert "Kimber Myers" in second and "1 review · Also in Los Angeles Times" in second
    assert "Writes about grief on screen." in second


def test_cached_cards_are_the_cards_rendered_without_the_cache(client, settings, critic):
    CriticFactory(byline="Anne Other", bio="")
    warm = (index(client), index(client))
    settings.MAGAZINE_FRAGMENT_CACHE_SECONDS = 0

    assert warm[0] == warm[1] == index(client)


def test_editing_a_critic_shows_at_once(client, critic):
    index(client)
    critic.bio = "Now writes about horror."
    critic.byline = "Kimber M. Myers"
    critic.save()

    page = index(client)

    assert "Now writes about horror." in page and "Kimber M. Myers" in page
    assert "grief on screen" not in page


def test_a_new_portrait_on_the_person_shows_at_once(client, critic):
    assert "<picture" not in index(client)
    person = critic.person
    person.headshot = LibraryImageFactory(
        file=SimpleUploadedFile("kimber.jpg", image_bytes(400, 400)), alt_text="Kimber Myers"
    )
    person.save()

    assert '<picture class="critic-list__portrait">' in index(client)


def test_publishing_unpublishing_and_leaving_the_index_show_at_once(client, critic, editor):
    index(client)
    second = ReviewFactory(published=True, critic=critic)
    assert "2 reviews" in index(client)

    services.review_unpublish(review=second, user=editor)
    assert "1 review ·" in index(client)

    critic.is_active = False
    critic.save()
    assert "Kimber Myers" not in index(client)


def test_a_scheduled_review_counts_from_its_publish_time_with_no_write(
    client, critic, editor, clock, monkeypatch
):
    scheduled = ReviewFactory(critic=critic, state=Review.State.APPROVED)
    services.review_schedule(
        review=scheduled, user=editor, publish_at=NOON + datetime.timedelta(minutes=30)
    )
    assert "1 review ·" in index(client)
    rendered = renders(monkeypatch)

    clock.move_to(NOON + datetime.timedelta(minutes=30))

    assert "2 reviews" in index(client)
    assert rendered == [[critic.pk]]  # only the card whose count changed


def test_a_page_of_cards_keeps_the_order_of_its_rows():
    rendered = cached_fragments(
        "test", [(3, "a"), (1, "a"), (2, "a")], lambda pks: {pk: SafeString(str(pk)) for pk in pks}
    )
    again = cached_fragments("test", [(2, "a"), (3, "a")], lambda pks: pytest.fail(str(pks)))

    assert rendered == ["3", "1", "2"]
    assert again == ["2", "3"]


def test_a_row_gone_before_its_card_is_rendered_is_left_out(settings):
    def render(pks):  # pk 2 was deleted between the rows query and the render
        return {pk: SafeString(f"card {pk}") for pk in pks if pk != 2}

    assert cached_fragments("test", [(1, 0), (2, 0), (3, 0)], render) == ["card 1", "card 3"]
    settings.MAGAZINE_FRAGMENT_CACHE_SECONDS = 0
    assert cached_fragments("test", [(1, 0), (2, 0), (3, 0)], render) == ["card 1", "card 3"]


def test_a_card_with_another_version_is_rendered_again():
    cached_fragments("test", [(1, 1)], lambda pks: {1: SafeString("one review")})

    assert cached_fragments("test", [(1, 2)], lambda pks: {1: SafeString("two reviews")}) == [
        "two reviews"
    ]
    assert cached_fragments("test", [(1, 1)], lambda pks: pytest.fail("kept")) == ["one review"]


def test_the_index_without_critics_says_so(client):
    assert "No critics yet." in index(client)


def test_a_critic_card_escapes_what_editors_typed(client, clock):
    CriticFactory(byline="<b>Bold</b>", bio="<script>alert(1)</script>", person=PersonFactory())
    page = index(client)

    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<script>alert" not in page
