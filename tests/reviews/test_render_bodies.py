"""`manage.py render_bodies` renders stored review HTML again after a renderer upgrade: the
reader's page shows the new HTML at once (its cache tags are invalidated), and an unchanged
review is neither written nor made stale."""

from io import StringIO

import pytest
from django.core.management import call_command

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def render_bodies() -> str:
    out = StringIO()
    call_command("render_bodies", stdout=out)
    return out.getvalue()


def test_stale_html_is_rendered_again_and_the_page_shows_it(client):
    review = ReviewFactory(published=True, body="A *lean* thriller.")
    other = ReviewFactory(published=True, body="Another *take*.")
    # What an older renderer stored (written behind the model's back, as an upgrade finds it),
    # served and cached as such.
    Review.objects.filter(pk=review.pk).update(body_html="<p>A <i>lean</i> thriller.</p>")
    assert "<i>lean</i>" in client.get(review.get_absolute_url()).text
    Review.objects.filter(pk=review.pk).update(headline="Changed behind the cache")
    assert "Changed behind the cache" not in client.get(review.get_absolute_url()).text
    other_html = Review.objects.get(pk=other.pk).body_html

    assert render_bodies().strip() == "Rendered 2 reviews again; 1 changed."

    assert "<em>lean</em>" in Review.objects.get(pk=review.pk).body_html
    page = client.get(review.get_absolute_url()).text
    assert "<em>lean</em>" in page
    assert "Changed behind the cache" in page  # a fresh page, not the cached one
    assert Review.objects.get(pk=other.pk).body_html == other_html
    assert render_bodies().strip() == "Rendered 2 reviews again; 0 changed."


def test_a_new_rendering_of_the_model_reaches_every_stored_body(monkeypatch):
    # An upgrade changes how a review renders (Review.render_body, what every save stores):
    # the command stores that, not a rendering of its own.
    review = ReviewFactory(published=True, body="Three words here.")

    def upgraded(self) -> None:
        self.body_html = f"<p class='upgraded'>{self.body}</p>"
        self.word_count = 42

    monkeypatch.setattr(Review, "render_body", upgraded)

    assert render_bodies().strip() == "Rendered 1 reviews again; 1 changed."
    stored = Review.objects.get(pk=review.pk)
    assert (stored.body_html, stored.word_count) == (
        "<p class='upgraded'>Three words here.</p>",
        42,
    )


def test_library_images_in_a_body_are_rendered_as_a_save_renders_them():
    from tests.factories import LibraryImageFactory

    image = LibraryImageFactory(alt_text="Two men on a night bus")
    review = ReviewFactory(published=True, body=f"![](library:{image.pk})\n\nA *lean* thriller.")
    saved = Review.objects.values_list("body_html", "word_count").get(pk=review.pk)
    Review.objects.filter(pk=review.pk).update(body_html="<p>old</p>", word_count=0)

    render_bodies()

    assert Review.objects.values_list("body_html", "word_count").get(pk=review.pk) == saved
    assert "Two men on a night bus" in saved[0]
