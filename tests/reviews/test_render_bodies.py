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
