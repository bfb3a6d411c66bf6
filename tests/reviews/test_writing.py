"""The writing view: its live preview renders the typed text with the public templates and
saves nothing; the form carries the editor, the chooser and the Markdown explained."""

import pytest
from django.core.cache import cache

from reviews.models import Review
from tests.factories import FilmFactory, LibraryImageFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def preview_url(review=None) -> str:
    if review is None:
        return "/admin/reviews/review/add/preview/"
    return f"/admin/reviews/review/{review.pk}/preview/draft/"


def test_the_preview_shows_the_typed_text_as_readers_will_and_saves_nothing(client, writer):
    review = ReviewFactory(critic=writer.critic, headline="Saved headline", body="Saved.")
    image = LibraryImageFactory(caption="On the night bus", credit="Searchlight Pictures")
    client.force_login(writer)
    response = client.post(
        preview_url(review),
        {
            "headline": "Typed headline",
            "body": f"A *tender* film.\n\n::: pullquote\nGrief as a ghost story\n:::\n\n"
            f"![A bus](library:{image.pk})\n\n<script>alert(1)</script>",
            "rating": "4.5",
            "lead_image": str(image.pk),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Typed headline</h1>" in html
    assert '<figure class="review__lead">' in html  # the lead image chosen, not yet saved
    assert "<em>tender</em>" in html
    assert '<aside class="pull-quote">' in html
    assert 'type="image/webp"' in html and 'alt="A bus"' in html
    assert "Searchlight Pictures" in html
    assert "<script>alert" not in html
    assert "no-store" in response["Cache-Control"]
    review.refresh_from_db()
    assert (review.headline, review.body) == ("Saved headline", "Saved.")


def test_the_preview_of_a_new_review_needs_its_film(client, writer):
    film = FilmFactory(title="All of Us Strangers")
    client.force_login(writer)
    refused = client.post(preview_url(), {"headline": "New", "body": "Text."})
    assert refused.status_code == 400
    assert b"Choose the film first" in refused.content
    response = client.post(preview_url(), {"headline": "New", "body": "Text.", "film": film.pk})
    assert response.status_code == 200
    assert writer.critic.byline in response.content.decode()
    assert not Review.objects.exists()


def test_the_preview_of_someone_elses_review_is_refused(client, writer, other_writer):
    review = ReviewFactory(critic=other_writer.critic)
    client.force_login(writer)
    assert client.post(preview_url(review), {"body": "x"}).status_code == 403
    assert client.get(preview_url(review)).status_code == 405


def test_the_change_form_is_the_writing_view(client, writer):
    review = ReviewFactory(critic=writer.critic)
    client.force_login(writer)
    html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
    assert 'class="writing-toolbar" role="toolbar"' in html
    for action in ["bold", "italic", "link", "heading", "pullquote", "image", "list"]:
        assert f'data-format="{action}"' in html
    assert 'id="writing-preview-frame"' in html
    assert 'id="image-chooser"' in html
    assert "::: pullquote" in html  # the Markdown explained on the page
    assert "reviews/writing/writing.js" in html
    # The chooser's form is its own, outside the review form.
    assert html.index('id="image-chooser-upload"') > html.index("</form>")


def test_a_read_only_look_gets_the_plain_form(client, writer):
    """A writer's review waiting for the editor is theirs to read, not to edit."""
    review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
    client.force_login(writer)
    response = client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert response.status_code == 200
    assert b"writing-toolbar" not in response.content
    assert review.headline.encode() in response.content
