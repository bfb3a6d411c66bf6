"""Transitions, the log, embargoes, stale saves, revisions and autosave, at fixed clocks."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reviews import services, workflow
from reviews.diffs import snapshot_diff
from reviews.models import (
    REVIEW_BODY_MAX_CHARS,
    NewReviewAutosave,
    Review,
    ReviewRevision,
    ReviewTransition,
)
from reviews.selectors import autosave_newer_than_saved
from tests.factories import FilmFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)
TOMORROW_9 = datetime.datetime(2023, 12, 20, 9, 0, tzinfo=datetime.UTC)
Status = ReviewTransition.Status


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_whole_story_is_logged_who_when_from_to_and_comment(clock, writer, editor):
    review = ReviewFactory(critic=writer.critic)
    services.review_submit(review=review, user=writer)
    clock.shift(60)
    services.review_request_changes(
        review=review, user=editor, comment="  The second paragraph gives away the ending.  "
    )
    clock.shift(60)
    services.review_submit(review=review, user=writer, comment="Spoiler removed.")
    services.review_approve(review=review, user=editor)
    services.review_schedule(review=review, user=editor, publish_at=TOMORROW_9)

    log = list(review.transitions.order_by("created_at", "pk"))
    assert [(e.name, e.from_status, e.to_status, e.user) for e in log] == [
        ("submit", Status.DRAFT, Status.IN_REVIEW, writer),
        ("request_changes", Status.IN_REVIEW, Status.DRAFT, editor),
        ("submit", Status.DRAFT, Status.IN_REVIEW, writer),
        ("approve", Status.IN_REVIEW, Status.APPROVED, editor),
        ("schedule", Status.APPROVED, Status.SCHEDULED, editor),
    ]
    assert log[0].created_at == NOW
    assert log[1].created_at == NOW + datetime.timedelta(seconds=60)
    assert log[1].comment == "The second paragraph gives away the ending."
    assert log[2].comment == "Spoiler removed."
    assert log[4].publish_at == TOMORROW_9


def test_request_changes_needs_a_comment_and_changes_nothing_without_one(clock, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        services.review_request_changes(review=review, user=editor, comment="   ")
    assert "comment" in error.value.message_dict
    review.refresh_from_db()
    assert review.state == Review.State.IN_REVIEW
    assert not review.transitions.exists()


def test_schedule_sets_published_with_a_future_time_and_no_job_is_needed(clock, editor):
    review = ReviewFactory(state=Review.State.APPROVED)
    services.review_schedule(review=review, user=editor, publish_at=TOMORROW_9)
    review.refresh_from_db()
    assert review.state == Review.State.PUBLISHED
    assert review.publish_at == TOMORROW_9
    assert review.is_scheduled and review.status_label == "Scheduled"
    assert not Review.objects.published().filter(pk=review.pk).exists()
    clock.move_to(TOMORROW_9)
    assert Review.objects.published().filter(pk=review.pk).exists()
    assert review.is_published


def test_schedule_refuses_a_past_or_missing_time(clock, editor):
    review = ReviewFactory(state=Review.State.APPROVED)
    for when in (NOW, NOW - datetime.timedelta(hours=1), None):
        with pytest.raises(ValidationError) as error:
            services.review_transition(review=review, user=editor, name="schedule", publish_at=when)
        assert "publish_at" in error.value.message_dict
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED


def test_publish_now_brings_a_schedule_forward(clock, editor):
    review = ReviewFactory(state=Review.State.APPROVED)
    services.review_schedule(review=review, user=editor, publish_at=TOMORROW_9)
    services.review_publish(review=review, user=editor)
    review.refresh_from_db()
    assert (review.publish_at, review.first_published_at) == (NOW, NOW)
    assert review.is_published


def test_unpublishing_a_scheduled_review_cancels_it_without_claiming_a_publication(clock, editor):
    review = ReviewFactory(state=Review.State.APPROVED)
    services.review_schedule(review=review, user=editor, publish_at=TOMORROW_9)
    entry = services.review_unpublish(review=review, user=editor, comment="Embargo moved.")
    review.refresh_from_db()
    assert review.state == Review.State.UNPUBLISHED
    assert (review.publish_at, review.first_published_at) == (None, None)
    assert (entry.from_status, entry.to_status) == (Status.SCHEDULED, Status.UNPUBLISHED)


def test_unpublish_then_return_to_draft_keeps_the_first_publication_date(clock, editor):
    review = ReviewFactory(state=Review.State.APPROVED)
    services.review_publish(review=review, user=editor)
    clock.shift(datetime.timedelta(days=2))
    services.review_unpublish(review=review, user=editor)
    services.review_return_to_draft(review=review, user=editor)
    review.refresh_from_db()
    assert review.state == Review.State.DRAFT
    assert review.publish_at is None
    assert review.first_published_at == NOW


def test_a_stale_instance_cannot_undo_someone_elses_move(clock, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW)
    stale_copy = Review.objects.get(pk=review.pk)
    services.review_approve(review=review, user=editor)
    with pytest.raises(workflow.TransitionNotAllowed, match="approved"):
        services.review_approve(review=stale_copy, user=editor)
    assert review.transitions.count() == 1


class TestEmbargo:
    def test_publish_and_schedule_before_the_embargo_are_refused_with_the_reason(
        self, clock, editor
    ):
        film = FilmFactory(title="Strangers", year=2023, review_embargo_until=TOMORROW_9)
        review = ReviewFactory(film=film, state=Review.State.APPROVED)
        with pytest.raises(ValidationError) as error:
            services.review_publish(review=review, user=editor)
        assert error.value.message_dict["publish_at"] == [
            "The review embargo on Strangers (2023) lifts at 20 Dec 2023, 09:00 UTC; no "
            "review of it can go out before then. It cannot be published now. Schedule it for "
            "that time or later."
        ]
        with pytest.raises(ValidationError):
            services.review_schedule(
                review=review, user=editor, publish_at=TOMORROW_9 - datetime.timedelta(minutes=1)
            )
        review.refresh_from_db()
        assert review.state == Review.State.APPROVED

    def test_an_embargo_in_another_zone_is_told_in_that_zone_and_on_the_desks_clock(
        self, clock, editor
    ):
        # "Embargo: 9 a.m. Pacific on 20 Dec" is 17:00 UTC, the desk's zone in tests.
        lifts = datetime.datetime(2023, 12, 20, 17, 0, tzinfo=datetime.UTC)
        film = FilmFactory(
            title="Strangers",
            year=2023,
            review_embargo_until=lifts,
            review_embargo_timezone="America/Los_Angeles",
        )
        review = ReviewFactory(film=film, state=Review.State.APPROVED)
        with pytest.raises(ValidationError) as error:
            services.review_schedule(
                review=review, user=editor, publish_at=lifts - datetime.timedelta(minutes=1)
            )
        assert error.value.message_dict["publish_at"] == [
            "The review embargo on Strangers (2023) lifts at 20 Dec 2023, 09:00 PST "
            "(America/Los_Angeles), which is 20 Dec 2023, 17:00 UTC on the desk's clock (UTC); "
            "no review of it can go out before then. You asked for 20 Dec 2023, 16:59 UTC. "
            "Schedule it for that time or later."
        ]
        assert review.transitions.count() == 0
        services.review_schedule(review=review, user=editor, publish_at=lifts)
        assert review.is_scheduled

    def test_scheduling_for_the_moment_the_embargo_lifts_is_allowed(self, clock, editor):
        film = FilmFactory(review_embargo_until=TOMORROW_9)
        review = ReviewFactory(film=film, state=Review.State.APPROVED)
        services.review_schedule(review=review, user=editor, publish_at=TOMORROW_9)
        assert review.is_scheduled

    def test_after_the_embargo_publish_now_works(self, clock, editor):
        film = FilmFactory(review_embargo_until=TOMORROW_9)
        review = ReviewFactory(film=film, state=Review.State.APPROVED)
        clock.move_to(TOMORROW_9)
        services.review_publish(review=review, user=editor)
        assert review.is_published


class TestStaleSave:
    def test_a_save_from_a_stale_copy_is_refused_and_writes_nothing(self, clock, editor):
        review = ReviewFactory(body="First text.")
        mine = Review.objects.get(pk=review.pk)
        theirs = Review.objects.get(pk=review.pk)
        theirs.body = "Their text."
        services.review_save(review=theirs, user=editor, expected_version=theirs.version)

        mine.body = "My text."
        with pytest.raises(services.StaleReviewError) as error:
            services.review_save(review=mine, user=editor, expected_version=1)
        assert "Not saved" in error.value.messages[0]
        assert "version 1, the saved review is version 2" in error.value.messages[0]
        assert "by editor at 19 Dec 2023, 15:00 UTC" in error.value.messages[0]
        review.refresh_from_db()
        assert (review.body, review.version) == ("Their text.", 2)
        assert review.revisions.count() == 1

    def test_every_save_bumps_the_version_and_keeps_a_revision(self, clock, editor):
        review = ReviewFactory(body="One.")
        for expected, text in [(1, "Two."), (2, "Three.")]:
            review.body = text
            services.review_save(review=review, user=editor, expected_version=expected)
        review.refresh_from_db()
        assert review.version == 3
        assert [r.data["body"] for r in review.revisions.all()] == ["Three.", "Two."]
        assert {r.source for r in review.revisions.all()} == {ReviewRevision.Source.EDIT}

    def test_a_save_never_moves_the_workflow(self, clock, editor):
        review = ReviewFactory(state=Review.State.IN_REVIEW)
        copy = Review.objects.get(pk=review.pk)
        copy.state = Review.State.PUBLISHED
        services.review_save(review=copy, user=editor, expected_version=copy.version)
        review.refresh_from_db()
        assert review.state == Review.State.IN_REVIEW


class TestRevisions:
    def test_restore_puts_the_old_text_back_as_a_new_revision(self, clock, editor):
        review = ReviewFactory(headline="Old headline", body="Old body.", rating=Decimal("3"))
        review.tags.add("romance")
        services.revision_create(review=review, user=editor)
        old = review.revisions.get()
        clock.shift(60)
        review.headline, review.body, review.rating = "New headline", "New body.", None
        services.review_save(review=review, user=editor, expected_version=1, tags=["ghosts"])

        clock.shift(60)
        restored = services.review_restore_revision(review=review, revision=old, user=editor)
        restored.refresh_from_db()
        assert (restored.headline, restored.body, restored.rating) == (
            "Old headline",
            "Old body.",
            Decimal("3.0"),
        )
        assert sorted(t.name for t in restored.tags.all()) == ["romance"]
        assert restored.version == 3
        sources = [r.source for r in restored.revisions.all()]
        assert sources == ["restore", "edit", "edit"]
        assert restored.revisions.first().data == old.data
        assert review.headline == "Old headline"

    def test_a_writer_cannot_restore_once_the_review_is_submitted(self, clock, writer):
        review = ReviewFactory(critic=writer.critic)
        services.revision_create(review=review, user=writer)
        services.review_submit(review=review, user=writer)
        with pytest.raises(services.PermissionDenied):
            services.review_restore_revision(
                review=review, revision=review.revisions.get(), user=writer
            )

    def test_a_revision_of_another_review_is_refused(self, editor):
        revision = services.revision_create(review=ReviewFactory())
        with pytest.raises(ValidationError, match="another review"):
            services.review_restore_revision(review=ReviewFactory(), revision=revision, user=editor)

    def test_the_diff_shows_changed_lines_in_context_and_skips_equal_fields(self):
        older = {"headline": "Same", "body": "a\nb\nc\nd\ne\nf\ng", "tags": ["x"]}
        newer = {"headline": "Same", "body": "a\nb\nc\nD\ne\nf\ng", "tags": ["x", "y"]}
        diff = snapshot_diff(older, newer)
        assert [field.name for field in diff] == ["body", "tags"]
        body = [(line.kind, line.text) for line in diff[0].lines]
        assert body == [
            ("gap", "…"),
            ("same", "b"),
            ("same", "c"),
            ("removed", "d"),
            ("added", "D"),
            ("same", "e"),
            ("same", "f"),
        ]
        assert [(line.kind, line.text) for line in diff[1].lines] == [
            ("removed", "x"),
            ("added", "x, y"),
        ]


class TestAutosave:
    def test_autosave_keeps_the_typing_in_a_revision_and_never_touches_the_review(
        self, clock, writer
    ):
        review = ReviewFactory(critic=writer.critic, body="Saved text.")
        revision = services.review_autosave(
            review=review, user=writer, data={"body": "Typed, not saved.", "rating": ""}
        )
        assert revision.source == ReviewRevision.Source.AUTOSAVE
        assert revision.data["body"] == "Typed, not saved."
        assert revision.data["rating"] is None
        review.refresh_from_db()
        assert (review.body, review.version) == ("Saved text.", 1)

    def test_an_unchanged_autosave_adds_no_row(self, clock, writer):
        review = ReviewFactory(critic=writer.critic)
        data = {"body": "Typed."}
        assert services.review_autosave(review=review, user=writer, data=data) is not None
        assert services.review_autosave(review=review, user=writer, data=data) is None
        assert review.revisions.count() == 1

    def test_autosave_is_refused_when_the_user_may_not_edit(self, clock, writer):
        review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
        with pytest.raises(services.PermissionDenied):
            services.review_autosave(review=review, user=writer, data={"body": "x"})
        assert not review.revisions.exists()

    def test_reopening_offers_the_newer_autosave_until_a_real_save(self, clock, writer):
        review = ReviewFactory(critic=writer.critic, body="Saved.")
        services.revision_create(review=review, user=writer)
        clock.shift(60)
        autosave = services.review_autosave(review=review, user=writer, data={"body": "Lost?"})
        assert autosave_newer_than_saved(review=review, user=writer) == autosave
        clock.shift(60)
        services.review_restore_revision(review=review, revision=autosave, user=writer)
        review.refresh_from_db()
        assert review.body == "Lost?"
        assert autosave_newer_than_saved(review=review, user=writer) is None


class TestNewReviewAutosave:
    """A review not saved yet is autosaved per open form, and the autosave goes when the
    review is saved from that form."""

    KEY = "0f6c1c38-3c1e-4c55-9a52-2b7f5d7d9b10"

    def test_typing_in_a_new_review_is_kept_until_the_review_is_saved(self, clock, writer):
        film = FilmFactory()
        typed = {"film": str(film.pk), "headline": "Ghosts", "body": "Half a first paragraph"}
        autosave = services.new_review_autosave(user=writer, key=self.KEY, data=typed)
        assert autosave.author == writer
        assert autosave.data["body"] == "Half a first paragraph"
        assert autosave.data["critic"] == ""  # every field is kept, empty when not typed
        assert not Review.objects.exists()  # nothing is a review until it is saved

        clock.shift(60)
        again = services.new_review_autosave(
            user=writer, key=self.KEY, data={**typed, "body": "A whole first paragraph."}
        )
        assert again.pk == autosave.pk and again.data["body"] == "A whole first paragraph."
        assert services.new_review_autosave(user=writer, key=self.KEY, data=again.data) is None

        review = Review(film=film, critic=writer.critic, headline="Ghosts", slug="ghosts", body="x")
        services.review_save(review=review, user=writer, new_autosave_key=self.KEY)
        assert not NewReviewAutosave.objects.exists()

    def test_an_empty_form_is_not_worth_an_autosave(self, clock, writer):
        film = FilmFactory()
        data = {"film": str(film.pk), "kind": "review", "body": "   "}
        assert services.new_review_autosave(user=writer, key=self.KEY, data=data) is None
        assert not NewReviewAutosave.objects.exists()

    def test_only_the_newest_few_unsaved_new_reviews_are_kept(self, clock, writer):
        keys = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(7)]
        for number, key in enumerate(keys):
            clock.shift(1)
            services.new_review_autosave(user=writer, key=key, data={"body": f"Text {number}"})
        kept = [str(a.key) for a in NewReviewAutosave.objects.filter(author=writer)]
        assert kept == list(reversed(keys))[: NewReviewAutosave.KEPT_PER_AUTHOR]

    def test_bad_input_is_refused_with_a_message_and_writes_nothing(self, clock, writer):
        with pytest.raises(ValidationError) as error:
            services.new_review_autosave(user=writer, key="not-a-key", data={"body": "x"})
        assert "no valid autosave key" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            services.new_review_autosave(
                user=writer, key=self.KEY, data={"body": "x" * (REVIEW_BODY_MAX_CHARS + 1)}
            )
        assert "Too long to autosave" in error.value.messages[0]
        assert not NewReviewAutosave.objects.exists()

    def test_someone_who_may_not_add_reviews_cannot_autosave_one(self, clock, roles):
        from tests.factories import UserFactory

        reader = UserFactory(username="reader", is_staff=False)
        with pytest.raises(PermissionDenied):
            services.new_review_autosave(user=reader, key=self.KEY, data={"body": "x"})

    def test_discarding_forgets_only_that_persons_autosave(self, clock, writer, other_writer):
        services.new_review_autosave(user=writer, key=self.KEY, data={"body": "Mine"})
        assert not services.new_review_autosave_discard(user=other_writer, key=self.KEY)
        assert services.new_review_autosave_discard(user=writer, key=self.KEY)
        assert not NewReviewAutosave.objects.exists()


class TestAutosaveLimits:
    def test_an_autosave_longer_than_the_form_allows_is_refused(self, clock, writer):
        review = ReviewFactory(critic=writer.critic)

        with pytest.raises(services.AutosaveTooLong, match="100,000 characters"):
            services.review_autosave(
                review=review, user=writer, data={"body": "x" * (REVIEW_BODY_MAX_CHARS + 1)}
            )
        assert not review.revisions.exists()

    def test_only_the_newest_autosaves_of_each_writer_are_kept(self, clock, writer):
        review = ReviewFactory(critic=writer.critic)
        services.review_save(review=review, user=writer)  # an ordinary revision: always kept

        for number in range(ReviewRevision.AUTOSAVES_KEPT + 4):
            clock.shift(60)
            services.review_autosave(review=review, user=writer, data={"body": f"Take {number}"})

        autosaves = review.revisions.filter(source=ReviewRevision.Source.AUTOSAVE)
        assert autosaves.count() == ReviewRevision.AUTOSAVES_KEPT
        assert autosaves.first().data["body"] == f"Take {ReviewRevision.AUTOSAVES_KEPT + 3}"
        assert review.revisions.filter(source=ReviewRevision.Source.EDIT).count() == 1


def comparisons_to_diff(older: dict, newer: dict) -> int:
    """Element comparisons difflib makes, counted through the lines' __eq__ and __hash__."""
    count = 0

    class Line(str):
        def __eq__(self, other):
            nonlocal count
            count += 1
            return str.__eq__(self, other)

        __hash__ = str.__hash__

    import reviews.diffs as diffs

    original = diffs._as_lines
    diffs._as_lines = lambda value: [Line(line) for line in original(value)]
    try:
        snapshot_diff(older, newer)
    finally:
        diffs._as_lines = original
    return count


def test_diffing_two_long_unrelated_bodies_is_bounded():
    """12,000 changed lines compared to 12,000 others: difflib alone is quadratic there."""
    older = {"body": "\n".join(f"old line {n % 97} {n % 89}" for n in range(12_000))}
    newer = {"body": "\n".join(f"new line {n % 83} {n % 79}" for n in range(12_000))}

    diff = snapshot_diff(older, newer)

    assert comparisons_to_diff(older, newer) < 5_000_000
    body = diff[0]
    assert [line.kind for line in body.lines].count("removed") == 12_000
    assert [line.kind for line in body.lines].count("added") == 12_000
    assert any("too many" in line.text for line in body.lines if line.kind == "gap")


def test_a_small_edit_in_a_long_body_is_still_shown_line_by_line():
    lines = [f"line {n}" for n in range(12_000)]
    older = {"body": "\n".join(lines)}
    newer = {"body": "\n".join(lines[:6_000] + ["a changed line"] + lines[6_001:])}

    body = snapshot_diff(older, newer)[0]

    assert [(line.kind, line.text) for line in body.lines if line.kind != "same"][1:] == [
        ("removed", "line 6000"),
        ("added", "a changed line"),
    ]
