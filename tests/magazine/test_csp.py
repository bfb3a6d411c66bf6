"""The Content-Security-Policy forbids inline code; these pages must not need any.

A static read of the HTML (tests/markup.py): no inline script, no event handler attribute, no
style attribute or element, scripts only from our own site. A browser check of the
same pages belongs with the browser tests.
"""

import uuid

import pytest
from django.test import Client

from reviews import services
from tests.factories import AvailabilityFactory, CreditFactory, ReviewFactory, UserFactory
from tests.markup import assert_nothing_runs


@pytest.fixture
def review(db):
    review = ReviewFactory(slug="csp-review", published=True, tags=["drama"])
    CreditFactory(film=review.film)
    AvailabilityFactory(film=review.film, url="https://example.com/watch")
    return review


def assert_works_under_policy(html: str) -> None:
    audit = assert_nothing_runs(html)
    assert audit.style_attributes == [] and audit.style_elements == 0
    same_origin = [src for src in audit.script_sources if src.startswith("/")]
    assert same_origin == audit.script_sources and not any(s.startswith("//") for s in same_origin)


def test_public_pages_need_nothing_inline(client, review):
    for url in [
        "/",
        review.get_absolute_url(),
        review.film.get_absolute_url(),
        review.critic.get_absolute_url(),
        review.critic.person.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_works_under_policy(response.content.decode())


def test_admin_pages_need_nothing_inline(review):
    client = Client()
    user = UserFactory(username="editor", superuser=True)
    client.force_login(user)
    draft = ReviewFactory(slug="csp-draft", film=review.film, body="Draft text.")
    services.new_review_autosave(user=user, key=uuid.uuid4(), data={"body": "Typed."})
    urls = [
        "/admin/",
        "/admin/reviews/review/",
        "/admin/reviews/review/add/",  # offers the unsaved new review back
        "/admin/reviews/review/desk/",
        f"/admin/reviews/review/{review.pk}/change/",
        f"/admin/reviews/review/{draft.pk}/change/",  # workflow panel, share link, autosave
        f"/admin/reviews/review/{draft.pk}/revisions/",
        f"/admin/reviews/review/{draft.pk}/revisions/compare/",
        f"/admin/reviews/review/{draft.pk}/preview/",
        "/admin/reviews/review/desk/",
        f"/admin/reviews/film/{review.film.pk}/change/",  # inlines, filter_horizontal
        "/admin/reviews/film/add/",
        "/admin/people/critic/add/",  # autocomplete
        f"/admin/reviews/review/{review.pk}/delete/",
        "/admin/password_change/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_works_under_policy(html)
        if "/admin/" in url and not url.endswith(("delete/", "preview/")):
            assert "<script" in html, url  # the admin's JS is there


def test_admin_login_page_needs_nothing_inline(client, db):
    assert_works_under_policy(client.get("/admin/login/").content.decode())
