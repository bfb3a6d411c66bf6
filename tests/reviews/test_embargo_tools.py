"""The editorial tools say what an embargo does to reviews already on their way: the film form
names them, the desk and the review's workflow box mark them "held by embargo until ..."."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reviews import services
from reviews.models import Review
from tests.factories import FilmFactory, ReviewFactory

from .test_admin_workflow import film_form_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)
SCHEDULED = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)  # 30 Nov 09:00 LA
LIFTS = "1 Dec 2026, 09:00 PST"  # 17:00 UTC


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scheduled_review():
    return ReviewFactory(
        headline="A ghost story",
        film=FilmFactory(title="Strangers"),
        state=Review.State.PUBLISHED,
        publish_at=SCHEDULED,
    )


def move_embargo(client, film):
    url = reverse("admin:reviews_film_change", args=[film.pk])
    return client.post(
        url,
        film_form_data(
            film,
            review_embargo_until="2026-12-01T09:00",
            review_embargo_timezone="America/Los_Angeles",
        ),
        follow=True,
    )


def test_saving_an_embargo_names_the_reviews_it_holds_and_what_happens(
    client, editor, scheduled_review
):
    live = ReviewFactory(headline="Already out", film=scheduled_review.film, published=True)
    ReviewFactory(headline="Still a draft", film=scheduled_review.film)
    client.force_login(editor)

    page = move_embargo(client, scheduled_review.film).text

    assert "The review embargo now holds 2 reviews" in page
    assert "“A ghost story”, scheduled for 30 Nov 2026, 17:00 UTC" in page
    assert f"goes out when the embargo lifts, at {LIFTS}" in page
    assert "“Already out”" in page and "comes off the site until the embargo lifts" in page
    assert "Still a draft" not in page.split("embargo now holds")[1].split("</li></ul>")[0]
    live.refresh_from_db()
    assert live.state == Review.State.PUBLISHED  # held, not moved: the embargo decides


def test_the_film_form_lists_the_reviews_the_embargo_holds(client, editor, scheduled_review):
    film = scheduled_review.film
    film.review_embargo_until = datetime.datetime(2026, 12, 1, 17, tzinfo=datetime.UTC)
    film.review_embargo_timezone = "America/Los_Angeles"
    film.save()
    client.force_login(editor)

    page = client.get(reverse("admin:reviews_film_change", args=[film.pk])).text

    assert "Reviews held by the embargo" in page
    assert "A ghost story" in page and f"goes out when the embargo lifts, at {LIFTS}" in page


def test_a_film_with_no_held_reviews_says_nothing_about_them(client, editor, scheduled_review):
    client.force_login(editor)
    page = client.post(
        reverse("admin:reviews_film_change", args=[scheduled_review.film.pk]),
        film_form_data(scheduled_review.film, runtime_minutes=105),
        follow=True,
    ).text
    assert "embargo now holds" not in page


def test_the_desk_and_the_workflow_box_mark_a_held_review(client, editor, scheduled_review):
    film = scheduled_review.film
    film.review_embargo_until = datetime.datetime(2026, 12, 1, 17, tzinfo=datetime.UTC)
    film.review_embargo_timezone = "America/Los_Angeles"
    film.save()
    client.force_login(editor)

    desk = client.get(reverse("admin:reviews_review_desk")).text
    panel = client.get(reverse("admin:reviews_review_change", args=[scheduled_review.pk])).text

    for page in (desk, panel):
        assert f"held by embargo until {LIFTS} (America/Los_Angeles)" in page
        assert "1 Dec 2026, 17:00 UTC" in page  # and on the desk's clock
    assert "Goes out" in desk


def test_the_service_refuses_a_schedule_inside_the_embargo(editor, scheduled_review):
    film = scheduled_review.film
    film.review_embargo_until = datetime.datetime(2026, 12, 1, 17, tzinfo=datetime.UTC)
    film.review_embargo_timezone = "America/Los_Angeles"
    film.save()
    with pytest.raises(services.ValidationError) as refusal:
        services.review_schedule(review=scheduled_review, user=editor, publish_at=SCHEDULED)
    assert LIFTS in str(refusal.value)
    scheduled_review.refresh_from_db()
    assert scheduled_review.publish_at == SCHEDULED


def test_the_film_form_previews_what_a_typed_embargo_would_hold(client, editor, scheduled_review):
    client.force_login(editor)
    url = reverse("admin:reviews_film_embargo_holds", args=[scheduled_review.film.pk])

    preview = client.get(url, {"until": "2026-12-01T09:00", "zone": "America/Los_Angeles"}).text
    earlier = client.get(url, {"until": "2026-11-30T08:00", "zone": "America/Los_Angeles"}).text
    skipped = client.get(url, {"until": "2027-03-14T02:30", "zone": "America/Los_Angeles"}).text

    assert "If you save this embargo: The review embargo now holds 1 review" in preview
    assert f"goes out when the embargo lifts, at {LIFTS}" in preview
    assert earlier == "None."
    assert "Give a valid date" in skipped
    scheduled_review.film.refresh_from_db()
    assert scheduled_review.film.review_embargo_until is None  # nothing saved
