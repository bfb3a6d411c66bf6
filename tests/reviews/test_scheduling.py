"""A review scheduled for 09:00 tomorrow is invisible on every public page until then and
visible from then on, with no job run in between: the clock is fixed on each side."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from reviews import services
from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)
PUBLISH_AT = datetime.datetime(2023, 12, 20, 9, 0, tzinfo=datetime.UTC)
JUST_BEFORE = PUBLISH_AT - datetime.timedelta(seconds=1)

SURFACES = {
    "home": lambda review: reverse("home"),
    "review page": lambda review: review.get_absolute_url(),
    "film page": lambda review: review.film.get_absolute_url(),
    "critic page": lambda review: review.critic.get_absolute_url(),
}


@pytest.fixture
def scheduled_review(editor):
    with time_machine.travel(NOW, tick=False):
        review = ReviewFactory(headline="A ghost story about grief", state=Review.State.APPROVED)
        services.review_schedule(review=review, user=editor, publish_at=PUBLISH_AT)
    return review


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("moment", "visible"), [(NOW, False), (JUST_BEFORE, False), (PUBLISH_AT, True)]
)
def test_a_scheduled_review_appears_exactly_at_its_time(
    client, scheduled_review, surface, moment, visible
):
    url = SURFACES[surface](scheduled_review)
    with time_machine.travel(moment, tick=False):
        response = client.get(url)
    if surface == "review page":
        assert response.status_code == (200 if visible else 404)
    else:
        assert response.status_code == 200
        assert ("A ghost story about grief" in response.text) is visible


def test_the_admin_says_scheduled_before_and_published_after(admin_client, scheduled_review):
    with time_machine.travel(JUST_BEFORE, tick=False):
        assert scheduled_review.status_label == "Scheduled"
        page = admin_client.get(reverse("admin:reviews_review_changelist"))
        assert "Scheduled" in page.text
    with time_machine.travel(PUBLISH_AT, tick=False):
        assert scheduled_review.status_label == "Published"


def test_public_pages_set_no_cache_lifetime_that_could_hide_or_leak_a_schedule(
    client, scheduled_review
):
    """No public page is cached today; if one ever is, this must be revisited (see docs)."""
    with time_machine.travel(JUST_BEFORE, tick=False):
        for url in (f(scheduled_review) for f in SURFACES.values()):
            response = client.get(url)
            max_ages = re.findall(r"max-age=(\d+)", response.get("Cache-Control", ""))
            assert all(age == "0" for age in max_ages), url
