"""Refusals in the admin are pages in the admin's style saying why and what to do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from magazine.permission_pages import permission_denied
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_writer_with_no_critic_is_told_to_get_linked(client, roles):
    client.force_login(UserFactory(username="new-writer", role="Writer"))

    response = client.get(reverse("admin:reviews_review_add"))

    assert response.status_code == 403
    page = response.text
    assert "editorial desk" in page  # the admin's chrome
    assert "not linked to a critic byline" in page
    assert "set its Login to your username" in page


def test_someone_elses_review_says_why_and_names_the_role(client, writer):
    review = ReviewFactory()
    client.force_login(writer)

    response = client.get(reverse("admin:reviews_review_change", args=[review.pk]))

    assert response.status_code == 403
    assert "You may not see this review." in response.text
    assert "Your role (Writer) does not allow this" in response.text
    assert 'class="breadcrumbs"' in response.text


def test_a_reader_page_403_is_not_the_admins():
    request = RequestFactory().get("/reviews/x/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert b"editorial desk" not in response.content
