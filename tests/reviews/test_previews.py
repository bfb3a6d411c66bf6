"""Previews: staff see a review as readers will; shared links are signed, expiring, read-only,
never indexed or cached, and stop working once the review is published."""

import datetime
import json

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from reviews import services
from reviews.models import Review
from reviews.previews import SALT, preview_token_create, preview_url
from tests.factories import CorrectionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)


def assert_private(response):
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.fixture
def draft():
    return ReviewFactory(headline="An unfinished ghost story", state=Review.State.DRAFT)


class TestSharedLink:
    def test_a_valid_link_shows_the_review_in_the_public_template_with_a_banner(
        self, client, draft, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            response = client.get(preview_url(review=draft))
        assert response.status_code == 200
        assert "reviews/review_detail.html" in [t.name for t in response.templates]
        assert "An unfinished ghost story" in response.text
        assert 'class="preview-banner"' in response.text
        assert '<meta name="robots" content="noindex, nofollow">' in response.text
        assert_private(response)

    def test_a_tampered_link_gets_a_clear_404(self, client, draft):
        token = preview_token_create(review=draft)
        other = ReviewFactory()
        payload, rest = token.split(":", 1)
        data = json.loads(signing.b64_decode(payload.encode()))
        assert data["review"] == draft.pk
        data["review"] = other.pk
        forged = signing.b64_encode(json.dumps(data, separators=(",", ":")).encode()).decode()
        forged = f"{forged}:{rest}"
        assert forged != token
        for bad in (forged, token[:-2] + "xx", "nonsense"):
            response = client.get(reverse("reviews:review_preview", args=[bad]))
            assert response.status_code == 404
            assert "This preview link does not work" in response.text
            assert "incomplete or has been changed" in response.text
            assert other.headline not in response.text
            assert_private(response)

    def test_an_expired_link_gets_a_clear_403(self, client, draft, settings):
        settings.REVIEW_PREVIEW_LINK_MAX_AGE = datetime.timedelta(days=7)
        with time_machine.travel(NOW, tick=False):
            url = preview_url(review=draft)
        with time_machine.travel(NOW + datetime.timedelta(days=7, seconds=-1), tick=False):
            assert client.get(url).status_code == 200
        with time_machine.travel(NOW + datetime.timedelta(days=7, seconds=1), tick=False):
            response = client.get(url)
        assert response.status_code == 403
        assert "The link has expired" in response.text
        assert draft.headline not in response.text

    def test_a_link_for_a_deleted_review_is_a_404(self, client, draft):
        url = preview_url(review=draft)
        draft.delete()
        assert client.get(url).status_code == 404

    def test_the_link_stops_working_once_published_and_sends_readers_to_the_public_url(
        self, client, editor
    ):
        review = ReviewFactory(state=Review.State.APPROVED)
        with time_machine.travel(NOW, tick=False):
            url = preview_url(review=review)
            services.review_schedule(
                review=review, user=editor, publish_at=NOW + datetime.timedelta(hours=18)
            )
            assert client.get(url).status_code == 200  # scheduled: not public yet
        with time_machine.travel(NOW + datetime.timedelta(hours=18), tick=False):
            response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == review.get_absolute_url()

    def test_a_link_made_before_publication_stays_dead_after_unpublishing(self, client, editor):
        review = ReviewFactory(state=Review.State.APPROVED)
        with time_machine.travel(NOW, tick=False):
            old_url = preview_url(review=review)
        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            services.review_publish(review=review, user=editor)
            assert client.get(old_url).status_code == 302  # the public page took over
        with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
            services.review_unpublish(review=review, user=editor, comment="Legal query")
            response = client.get(old_url)
            assert response.status_code == 403
            assert "has been published since the link was made" in response.text
            assert review.headline not in response.text
            assert_private(response)
            services.review_return_to_draft(review=review, user=editor)
            assert client.get(old_url).status_code == 403  # a draft again: still dead

        with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
            new_url = preview_url(review=review)  # re-issued after it came down
            response = client.get(new_url)
            assert response.status_code == 200
            assert review.headline in response.text
            assert client.get(old_url).status_code == 403

    def test_a_link_made_while_scheduled_dies_when_it_goes_out_and_comes_down(self, client, editor):
        review = ReviewFactory(state=Review.State.APPROVED)
        with time_machine.travel(NOW, tick=False):
            services.review_schedule(
                review=review, user=editor, publish_at=NOW + datetime.timedelta(hours=18)
            )
            url = preview_url(review=review)
        with time_machine.travel(NOW + datetime.timedelta(hours=20), tick=False):
            assert client.get(url).status_code == 302  # live
            services.review_unpublish(review=review, user=editor)
            assert client.get(url).status_code == 403

    def test_a_cancelled_schedule_never_went_out_so_the_link_still_works(self, client, editor):
        review = ReviewFactory(state=Review.State.APPROVED)
        with time_machine.travel(NOW, tick=False):
            url = preview_url(review=review)
            services.review_schedule(
                review=review, user=editor, publish_at=NOW + datetime.timedelta(hours=18)
            )
            services.review_unpublish(review=review, user=editor)  # cancels the schedule
            assert client.get(url).status_code == 200

    def test_a_link_without_a_date_counts_as_older_than_any_publication(self, client, editor):
        review = ReviewFactory(state=Review.State.APPROVED)
        undated = reverse(
            "reviews:review_preview", args=[signing.dumps({"review": review.pk}, salt=SALT)]
        )
        assert client.get(undated).status_code == 200
        services.review_publish(review=review, user=editor)
        services.review_unpublish(review=review, user=editor)
        assert client.get(undated).status_code == 403

    def test_the_link_is_read_only(self, client, draft):
        response = client.post(preview_url(review=draft), {"body": "Changed"})
        draft.refresh_from_db()
        assert draft.body != "Changed"
        assert response.status_code in {200, 405}

    def test_the_token_is_bound_to_our_salt(self, client, draft):
        token = signing.dumps({"review": draft.pk})  # signed, but not as a preview link
        assert signing.loads(token)["review"] == draft.pk
        response = client.get(reverse("reviews:review_preview", args=[token]))
        assert response.status_code == 404
        assert SALT not in response.text


class TestStaffPreview:
    def test_staff_preview_any_state_in_the_public_template(self, client, editor):
        review = ReviewFactory(headline="Still in review", state=Review.State.IN_REVIEW)
        client.force_login(editor)
        response = client.get(reverse("admin:reviews_review_preview", args=[review.pk]))
        assert response.status_code == 200
        assert "reviews/review_detail.html" in [t.name for t in response.templates]
        assert "Readers cannot see this page: the review is in review." in response.text
        assert_private(response)

    def test_a_writer_cannot_preview_someone_elses_review(self, client, writer):
        review = ReviewFactory()
        client.force_login(writer)
        response = client.get(reverse("admin:reviews_review_preview", args=[review.pk]))
        assert response.status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        review = ReviewFactory()
        response = client.get(reverse("admin:reviews_review_preview", args=[review.pk]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestCorrections:
    def test_corrections_show_with_their_date_at_the_foot_of_the_review(
        self, client, django_assert_max_num_queries
    ):
        correction = CorrectionFactory(text="An earlier version gave the wrong year.")
        CorrectionFactory(
            review=correction.review,
            published_on=datetime.date(2024, 1, 3),
            text="The cinematographer was credited wrongly.",
        )
        with django_assert_max_num_queries(9):  # the review page's 8, the invalidation clock
            response = client.get(correction.review.get_absolute_url())
        text = response.text
        assert 'Updated <time datetime="2023-12-22">22 Dec 2023</time>:' in text
        assert text.index("wrong year") < text.index("credited wrongly") < text.index("critic-card")

    def test_a_review_without_corrections_shows_no_corrections_block(self, client):
        review = ReviewFactory(published=True)
        assert "Corrections" not in client.get(review.get_absolute_url()).text
