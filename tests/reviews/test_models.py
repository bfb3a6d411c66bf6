import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from reviews.models import Availability, Credit, Review, ReviewRevision
from reviews.services import revision_create
from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    FilmFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 6, 10, 12, 0, tzinfo=datetime.UTC)


class TestPublishedIsTheOneVisibilityRule:
    def test_only_published_reviews_whose_time_has_come(self):
        with time_machine.travel(NOON, tick=False):
            live = ReviewFactory(state="published", publish_at=NOON - datetime.timedelta(hours=1))
            scheduled = ReviewFactory(
                state="published", publish_at=NOON + datetime.timedelta(hours=1)
            )
            for state in ["draft", "in_review", "approved", "unpublished"]:
                ReviewFactory(state=state, publish_at=NOON - datetime.timedelta(days=1))

            assert list(Review.objects.published()) == [live]
            assert live.is_published and not live.is_scheduled
            assert not scheduled.is_published and scheduled.is_scheduled
            assert scheduled.status_label == "Scheduled"

        with time_machine.travel(NOON + datetime.timedelta(hours=1), tick=False):
            assert set(Review.objects.published()) == {live, scheduled}
            scheduled.refresh_from_db()
            assert scheduled.is_published

    def test_published_accepts_an_explicit_now(self):
        review = ReviewFactory(state="published", publish_at=NOON)
        assert not Review.objects.published(now=NOON - datetime.timedelta(seconds=1)).exists()
        assert Review.objects.published(now=NOON).get() == review


class TestDerivedFields:
    def test_body_is_rendered_safely(self):
        review = ReviewFactory(
            body="Hello *there*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
            '<img src=x onerror="alert(1)">'
        )
        assert "<em>there</em>" in review.body_html
        assert "<script" not in review.body_html
        assert "javascript:" not in review.body_html
        assert "onerror" not in review.body_html
        assert "<img" not in review.body_html

    def test_word_count_follows_the_body(self):
        review = ReviewFactory(body="one two three")
        assert review.word_count == 3
        review.body = "one two"
        review.save()
        assert review.word_count == 2

    def test_publishing_fills_publish_and_first_published_times(self):
        with time_machine.travel(NOON, tick=False):
            review = ReviewFactory(state="published", publish_at=None)
        assert review.publish_at == NOON
        assert review.first_published_at == NOON

        later = NOON + datetime.timedelta(days=3)
        review.publish_at = later
        review.save()
        assert review.first_published_at == NOON  # first publication is never rewritten

    def test_draft_has_no_publication_times(self):
        review = ReviewFactory(state="draft")
        assert review.publish_at is None and review.first_published_at is None


class TestValidation:
    @pytest.mark.parametrize("rating", ["0", "5.5", "3.3", "-1"])
    def test_rating_out_of_range_or_not_a_half_step(self, rating):
        review = ReviewFactory.build(
            film=FilmFactory(), critic=ReviewFactory().critic, rating=Decimal(rating)
        )
        with pytest.raises(ValidationError) as error:
            review.full_clean()
        assert "rating" in error.value.message_dict

    @pytest.mark.parametrize("rating", ["0.5", "3", "4.5", "5"])
    def test_half_star_ratings_are_valid(self, rating):
        review = ReviewFactory(rating=Decimal(rating))
        review.full_clean()

    def test_headline_limit(self):
        review = ReviewFactory()
        review.headline = "x" * 201
        with pytest.raises(ValidationError) as error:
            review.full_clean()
        assert "headline" in error.value.message_dict

    def test_invalid_state_is_refused(self):
        review = ReviewFactory()
        review.state = "live"
        with pytest.raises(ValidationError) as error:
            review.full_clean()
        assert "state" in error.value.message_dict

    def test_published_review_needs_a_body(self):
        review = ReviewFactory(body="x")
        review.body = "  "
        review.state = Review.State.PUBLISHED
        with pytest.raises(ValidationError) as error:
            review.full_clean()
        assert "body" in error.value.message_dict

    def test_character_only_on_cast_credits(self):
        credit = CreditFactory.build(
            film=FilmFactory(), person=PersonFactory(), role="director", character="Adam"
        )
        with pytest.raises(ValidationError):
            credit.full_clean()

    def test_availability_window_cannot_end_before_it_starts(self):
        window = AvailabilityFactory.build(
            film=FilmFactory(),
            starts_on=datetime.date(2024, 3, 1),
            ends_on=datetime.date(2024, 2, 1),
        )
        with pytest.raises(ValidationError) as error:
            window.full_clean()
        assert "ends_on" in error.value.message_dict

    def test_streaming_needs_a_provider(self):
        window = AvailabilityFactory.build(film=FilmFactory(), provider="")
        with pytest.raises(ValidationError) as error:
            window.full_clean()
        assert "provider" in error.value.message_dict


class TestFilm:
    def test_directors_cast_and_source_from_credits(self):
        film = FilmFactory(
            source_title="Strangers", source_kind="novel", source_author="Taichi Yamada"
        )
        haigh = PersonFactory(name="Andrew Haigh")
        CreditFactory(film=film, person=haigh, role="director", character="", billing_order=1)
        CreditFactory(
            film=film, person=PersonFactory(name="Paul Mescal"), character="Harry", billing_order=2
        )
        CreditFactory(
            film=film, person=PersonFactory(name="Andrew Scott"), character="Adam", billing_order=1
        )

        assert film.directors == [haigh]
        assert [credit.character for credit in film.cast] == ["Adam", "Harry"]
        assert film.source_material == "Strangers, the novel by Taichi Yamada"

    def test_top_billed_cast_is_limited(self, settings):
        settings.MAGAZINE_TOP_BILLED = 2
        film = FilmFactory()
        CreditFactory.create_batch(5, film=film)
        assert len(film.top_billed_cast) == 2

    def test_a_person_cannot_be_credited_twice_for_the_same_part(self):
        credit = CreditFactory()
        duplicate = Credit(
            film=credit.film, person=credit.person, role=credit.role, character=credit.character
        )
        with pytest.raises(ValidationError):
            duplicate.full_clean()


class TestNaturalKeys:
    def test_every_content_model_round_trips_its_natural_key(self):
        review = ReviewFactory(tags=["grief"])
        credit = CreditFactory(film=review.film)
        window = AvailabilityFactory(film=review.film)
        for obj in [review, review.film, review.critic, review.critic.person, credit, window]:
            manager = type(obj)._default_manager
            assert manager.get_by_natural_key(*obj.natural_key()) == obj
        tagged = review.tagged_items.get()
        assert type(tagged).objects.get_by_natural_key(*tagged.natural_key()) == tagged
        assert Availability.objects.get_by_natural_key(*window.natural_key()) == window


def test_revision_snapshot_keeps_the_editorial_fields():
    review = ReviewFactory(headline="First", rating=Decimal("4.5"), tags=["grief", "adaptations"])
    revision = revision_create(review=review, source=ReviewRevision.Source.EDIT)
    assert revision.data["headline"] == "First"
    assert revision.data["rating"] == "4.5"
    assert revision.data["tags"] == ["adaptations", "grief"]
    assert revision.data["film"] == review.film.slug
    assert review.revisions.get() == revision


def test_timestamps_are_kept_on_save():
    with time_machine.travel(NOON, tick=False):
        review = ReviewFactory()
    with time_machine.travel(NOON + datetime.timedelta(hours=2), tick=False):
        review.headline = "Changed"
        review.save(update_fields=["headline"])
    review.refresh_from_db()
    assert review.created_at == NOON
    assert review.updated_at == NOON + datetime.timedelta(hours=2)
    assert timezone.is_aware(review.updated_at)


def test_a_correction_is_kept_as_written_whichever_way_it_is_changed():
    from django.core.exceptions import ValidationError

    from reviews.models import Correction
    from tests.factories import CorrectionFactory

    correction = CorrectionFactory(text="An earlier version gave the wrong year.")
    correction.text = "Quietly rewritten."
    with pytest.raises(ValidationError, match="kept as written"):
        correction.save()
    with pytest.raises(ValidationError, match="kept as written"):
        correction.delete()
    assert (
        Correction.objects.get(pk=correction.pk).text == "An earlier version gave the wrong year."
    )
    # Taking the review away with its corrections still works.
    correction.review.delete()
    assert not Correction.objects.exists()


def test_only_a_review_that_has_been_published_can_carry_a_correction():
    from django.core.exceptions import ValidationError

    from reviews.models import Correction

    draft = ReviewFactory()
    with pytest.raises(ValidationError, match="has been published"):
        Correction(review=draft, text="Too early.").full_clean()
