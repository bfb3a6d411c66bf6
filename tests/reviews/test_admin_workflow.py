"""The workflow through admin HTTP requests: the same permission matrix, the buttons offered,
crafted POSTs refused, stale saves, revisions, autosave, the desk and the index counts."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from reviews import services
from reviews.models import NewReviewAutosave, Review, ReviewRevision
from reviews.workflow import TRANSITIONS
from tests.factories import CriticFactory, FilmFactory, ReviewFactory

from .workflow_cases import (
    CASES,
    case_id,
    expected_allowed,
    make_user,
    review_for,
    transition_arguments,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 12, 19, 15, 0, tzinfo=datetime.UTC)


def transition_url(review):
    return reverse("admin:reviews_review_transition", args=[review.pk])


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


def form_data(review, **changes):
    """What the review change form posts, as a browser would send it."""
    data = {
        "film": review.film_id,
        "critic": review.critic_id,
        "kind": review.kind,
        "headline": review.headline,
        "slug": review.slug,
        "standfirst": review.standfirst,
        "body": review.body,
        "rating": "" if review.rating is None else str(review.rating),
        "tags": "",
        "version": review.version,
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "_continue": "Save and continue editing",
    }
    data.update(changes)
    return data


def offered_buttons(response) -> set[str]:
    return set(re.findall(r'name="transition" value="(\w+)"', response.text))


@pytest.mark.parametrize(("role", "name", "own"), CASES, ids=[case_id(c) for c in CASES])
def test_permission_matrix_through_admin_requests(client, roles, role, name, own):
    user = make_user(role)
    review = review_for(user, name, own)
    before = (review.state, review.publish_at)
    if role != "anonymous":
        client.force_login(user)
    arguments = transition_arguments(name)
    post = {"transition": name, "comment": arguments["comment"], "confirmed": "yes"}
    if arguments["publish_at"]:
        post["publish_at"] = arguments["publish_at"].strftime("%Y-%m-%dT%H:%M")

    response = client.post(transition_url(review), post)
    review.refresh_from_db()

    if expected_allowed(role, name, own):
        assert response.status_code == 302
        assert response["Location"] == change_url(review)
        assert review.state == TRANSITIONS[name].target
        assert review.transitions.get().user == user
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert (review.state, review.publish_at) == before
        assert not review.transitions.exists()


BUTTON_CASES = [
    (role, own, state)
    for role in ("writer", "editor", "superuser")
    for own in (True, False)
    for state in ("draft", "in_review", "approved", "published", "unpublished")
    if not (role == "writer" and not own)  # a writer cannot open others' reviews at all
]


@pytest.mark.parametrize(("role", "own", "state"), BUTTON_CASES)
def test_the_change_page_offers_exactly_the_allowed_buttons(client, roles, role, own, state):
    user = make_user(role)
    publish_at = NOW if state in {"published", "unpublished"} else None
    review = ReviewFactory(
        critic=user.critic if own else CriticFactory(), state=state, publish_at=publish_at
    )
    client.force_login(user)
    response = client.get(change_url(review))
    assert response.status_code == 200
    expected = {
        name
        for name, transition in TRANSITIONS.items()
        if state in transition.sources and expected_allowed(role, name, own)
    }
    assert offered_buttons(response) == expected


def test_a_writer_cannot_open_someone_elses_review(client, writer):
    review = ReviewFactory()
    client.force_login(writer)
    response = client.get(change_url(review))
    assert (
        response.status_code == 403
    )  # as on the workflow pages (tests/reviews/test_admin_security.py)
    assert review.headline not in client.get(reverse("admin:reviews_review_changelist")).text


def test_a_writer_sees_the_editors_comment_on_their_review(client, writer, editor):
    review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
    services.review_request_changes(
        review=review, user=editor, comment="Cut the plot summary in half."
    )
    client.force_login(writer)
    response = client.get(change_url(review))
    assert "Cut the plot summary in half." in response.text
    assert "In review → Draft" in response.text


def test_a_crafted_state_in_the_change_form_is_ignored(client, editor):
    review = ReviewFactory(state=Review.State.DRAFT)
    client.force_login(editor)
    response = client.post(
        change_url(review), form_data(review, state="published", publish_at="2023-01-01 00:00")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.publish_at) == (Review.State.DRAFT, None)


def test_a_writer_cannot_save_their_review_once_submitted(client, writer):
    review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
    client.force_login(writer)
    response = client.post(change_url(review), form_data(review, body="Sneaky edit"))
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.body != "Sneaky edit"


def test_a_writer_adds_a_review_under_their_own_byline(client, writer):
    film = FilmFactory()
    someone_else = CriticFactory()
    client.force_login(writer)
    data = form_data(
        Review(film=film, critic=someone_else, headline="New", slug="new", body="Text."),
        version="1",
    )
    response = client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 302
    review = Review.objects.get(slug="new")
    assert review.critic == writer.critic
    assert review.state == Review.State.DRAFT
    assert review.revisions.get().author == writer


class TestTransitionForm:
    def test_request_changes_without_a_comment_shows_the_error_and_changes_nothing(
        self, client, editor
    ):
        review = ReviewFactory(state=Review.State.IN_REVIEW)
        client.force_login(editor)
        response = client.post(
            transition_url(review), {"transition": "request_changes", "comment": ""}
        )
        assert response.status_code == 200
        assert "Say what should change" in response.text
        review.refresh_from_db()
        assert review.state == Review.State.IN_REVIEW

    def test_the_embargo_refusal_explains_itself_and_keeps_the_comment(self, client, editor):
        lifts = datetime.datetime(2023, 12, 22, 9, 0, tzinfo=datetime.UTC)
        review = ReviewFactory(
            film=FilmFactory(title="Strangers", review_embargo_until=lifts),
            state=Review.State.APPROVED,
        )
        client.force_login(editor)
        with time_machine.travel(NOW, tick=False):
            page = client.get(change_url(review))
            response = client.post(
                transition_url(review),
                {
                    "transition": "schedule",
                    "publish_at": "2023-12-21T09:00",
                    "comment": "For Thursday's issue",
                },
            )
        assert "Embargo: no review of <cite>Strangers</cite>" in page.text
        assert response.status_code == 200
        assert "lifts at 22 Dec 2023, 09:00 UTC" in response.text
        assert "For Thursday&#x27;s issue" in response.text
        review.refresh_from_db()
        assert review.state == Review.State.APPROVED

    def test_a_move_made_stale_by_someone_else_gets_a_clear_403(self, client, editor):
        review = ReviewFactory(state=Review.State.IN_REVIEW)
        services.review_approve(review=review, user=editor)
        client.force_login(editor)
        response = client.post(transition_url(review), {"transition": "approve"})
        assert response.status_code == 403
        assert "the review is approved" in response.text

    def test_get_is_not_allowed(self, client, editor):
        client.force_login(editor)
        assert client.get(transition_url(ReviewFactory())).status_code == 405


class TestStaleSave:
    def test_the_second_save_from_a_stale_copy_is_refused_and_the_text_shown_back(
        self, client, editor, superuser
    ):
        review = ReviewFactory(body="Original paragraph.")
        stale = form_data(review, body="My careful rewrite of the paragraph.")

        client.force_login(superuser)
        first = client.post(change_url(review), form_data(review, body="Their quick fix."))
        assert first.status_code == 302

        client.force_login(editor)
        response = client.post(change_url(review), stale)
        assert response.status_code == 200
        assert "Not saved: this review was changed by chief" in response.text
        assert "My careful rewrite of the paragraph.</textarea>" in response.text
        assert "someone else saved this review first" in response.text
        review.refresh_from_db()
        assert (review.body, review.version) == ("Their quick fix.", 2)

    def test_a_save_from_the_current_copy_goes_through(self, client, editor):
        review = ReviewFactory()
        client.force_login(editor)
        response = client.post(change_url(review), form_data(review, body="Fresh."))
        assert response.status_code == 302
        review.refresh_from_db()
        assert (review.body, review.version) == ("Fresh.", 2)


class TestRevisionsInTheAdmin:
    def test_list_compare_and_restore(self, client, editor):
        review = ReviewFactory(body="First line.\nSecond line.")
        client.force_login(editor)
        client.post(change_url(review), form_data(review, body="First line.\nChanged line."))
        review.refresh_from_db()
        client.post(change_url(review), form_data(review, body="Something else entirely."))
        older, newer = review.revisions.order_by("created_at", "pk")

        listing = client.get(reverse("admin:reviews_review_revisions", args=[review.pk]))
        assert listing.text.count("<td>Edit</td>") == 2
        compare = client.get(
            reverse("admin:reviews_review_revision_compare", args=[review.pk]),
            {"from": older.pk, "to": newer.pk},
        )
        assert (
            '<div class="diff-removed"><span class="visually-hidden">Removed: </span>'
            "Changed line.</div>" in compare.text
        )
        assert "Something else entirely." in compare.text

        response = client.post(
            reverse("admin:reviews_review_revision_restore", args=[review.pk, older.pk])
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.body == "First line.\nChanged line."
        assert review.revisions.first().source == ReviewRevision.Source.RESTORE

    def test_compare_with_an_unknown_revision_is_a_404(self, client, editor):
        review = ReviewFactory()
        client.force_login(editor)
        url = reverse("admin:reviews_review_revision_compare", args=[review.pk])
        assert client.get(url, {"from": "999999"}).status_code == 404
        assert client.get(url, {"from": "x"}).status_code == 404


class TestAutosaveEndpoint:
    def test_autosave_keeps_a_revision_and_reopening_offers_it(self, client, writer):
        review = ReviewFactory(critic=writer.critic, body="Saved.")
        client.force_login(writer)
        page = client.get(change_url(review))
        assert 'id="review-autosave"' in page.text
        response = client.post(
            reverse("admin:reviews_review_autosave", args=[review.pk]),
            {"body": "Typed before the tab closed.", "headline": review.headline},
        )
        assert response.status_code == 200
        assert response.json()["saved"] is True
        review.refresh_from_db()
        assert review.body == "Saved."
        reopened = client.get(change_url(review))
        assert "newer than the saved text" in reopened.text
        assert "Restore the autosaved version" in reopened.text

    def test_autosave_is_refused_for_a_review_the_user_may_not_edit(self, client, writer):
        review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
        client.force_login(writer)
        response = client.post(
            reverse("admin:reviews_review_autosave", args=[review.pk]), {"body": "x"}
        )
        assert response.status_code == 403
        assert not review.revisions.exists()


class TestDesk:
    def test_the_desk_lists_each_pile_with_times(
        self, client, editor, django_assert_max_num_queries
    ):
        with time_machine.travel(NOW, tick=False):
            ReviewFactory(headline="Waiting one", state=Review.State.IN_REVIEW)
            ReviewFactory(headline="Approved one", state=Review.State.APPROVED)
            scheduled = ReviewFactory(headline="Scheduled one", state=Review.State.APPROVED)
            services.review_schedule(
                review=scheduled,
                user=editor,
                publish_at=datetime.datetime(2023, 12, 20, 9, 0, tzinfo=datetime.UTC),
            )
            ReviewFactory(headline="My draft", critic=editor.critic)
            ReviewFactory(headline="Out already", published=True)
            client.force_login(editor)
            # 12, and 4 for the film desk: assigned, sent back, unpublished, open assignments.
            with django_assert_max_num_queries(16):
                response = client.get(reverse("admin:reviews_review_desk"))
            index = client.get(reverse("admin:index"))
        text = response.text
        for heading, headline in [
            ("Waiting for review (1)", "Waiting one"),
            ("Approved, not yet published (1)", "Approved one"),
            ("Scheduled (1)", "Scheduled one"),
            ("My drafts (1)", "My draft"),
            ("Recently published (1)", "Out already"),
        ]:
            assert heading in text
            assert headline in text
        assert "20 Dec 2023, 09:00 UTC" in text
        summary = re.sub(r"\s+", " ", index.text)
        assert 'id="desk-summary"' in summary
        assert "Waiting for review</a></th><td>1</td>" in summary
        assert "Scheduled</a></th><td>1</td>" in summary

    def test_a_writers_desk_shows_only_their_own_reviews(self, client, writer):
        ReviewFactory(headline="Someone else's", state=Review.State.IN_REVIEW)
        ReviewFactory(headline="Mine in review", critic=writer.critic, state="in_review")
        client.force_login(writer)
        text = client.get(reverse("admin:reviews_review_desk")).text
        assert "Mine in review" in text
        assert "Someone else&#x27;s" not in text


def film_form_data(film, **changes):
    """What the film change form posts, with empty genre, credit and availability inlines."""
    data = {
        "title": film.title,
        "slug": film.slug,
        "year": film.year,
        "runtime_minutes": film.runtime_minutes or "",
        "review_embargo_until": "",
        "review_embargo_timezone": film.review_embargo_timezone,
        "_continue": "Save and continue editing",
    }
    for prefix in ("genre_links", "credits", "availabilities"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(changes)
    return data


class TestEmbargoTimeZone:
    """An embargo is entered as the distributor states it, a clock time in their zone, and
    shown in that zone and on the desk's clock."""

    def test_an_embargo_entered_in_los_angeles_time_is_stored_as_that_moment(self, client, editor):
        film = FilmFactory(title="Strangers")
        client.force_login(editor)
        url = reverse("admin:reviews_film_change", args=[film.pk])
        form = client.get(url).text
        assert '<option value="America/Los_Angeles">America/Los Angeles</option>' in form
        assert '<option value="UTC" selected>UTC</option>' in form  # the desk's zone

        response = client.post(
            url,
            film_form_data(
                film,
                review_embargo_until="2024-01-10T09:00",
                review_embargo_timezone="America/Los_Angeles",
            ),
        )
        assert response.status_code == 302
        film.refresh_from_db()
        assert film.review_embargo_until == datetime.datetime(2024, 1, 10, 17, tzinfo=datetime.UTC)
        assert film.review_embargo_timezone == "America/Los_Angeles"

        with time_machine.travel(NOW, tick=False):
            page = client.get(url).text
        assert 'name="review_embargo_until" value="2024-01-10T09:00"' in page
        assert '<option value="America/Los_Angeles" selected>' in page
        both = (
            "10 Jan 2024, 09:00 PST (America/Los_Angeles), which is 10 Jan 2024, 17:00 UTC "
            "on the desk&#x27;s clock (UTC)"
        )
        assert f"{both} (embargo in force)." in page
        listing = client.get(reverse("admin:reviews_film_changelist")).text
        assert both in listing

    def test_a_time_the_clocks_skip_is_refused_and_nothing_is_saved(self, client, editor):
        film = FilmFactory()
        client.force_login(editor)
        response = client.post(
            reverse("admin:reviews_film_change", args=[film.pk]),
            film_form_data(
                film,
                review_embargo_until="2024-03-10T02:30",
                review_embargo_timezone="America/Los_Angeles",
            ),
        )
        assert response.status_code == 200
        assert "10 Mar 2024, 02:30 does not exist in America/Los_Angeles" in response.text
        assert 'value="2024-03-10T02:30"' in response.text  # what they typed is kept
        film.refresh_from_db()
        assert film.review_embargo_until is None

    def test_an_unknown_zone_is_a_form_error(self, client, editor):
        film = FilmFactory()
        client.force_login(editor)
        response = client.post(
            reverse("admin:reviews_film_change", args=[film.pk]),
            film_form_data(
                film, review_embargo_until="2024-01-10T09:00", review_embargo_timezone="Mars/Base"
            ),
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        film.refresh_from_db()
        assert film.review_embargo_until is None

    def test_the_review_form_shows_the_embargo_in_both_zones_while_it_holds(self, client, editor):
        film = FilmFactory(
            title="Strangers",
            review_embargo_until=datetime.datetime(2023, 12, 20, 17, tzinfo=datetime.UTC),
            review_embargo_timezone="America/Los_Angeles",
        )
        review = ReviewFactory(film=film, state=Review.State.APPROVED)
        client.force_login(editor)
        with time_machine.travel(NOW, tick=False):
            before = client.get(change_url(review)).text
        assert (
            "before 20 Dec 2023, 09:00 PST (America/Los_Angeles), which is 20 Dec 2023, "
            "17:00 UTC on the desk&#x27;s clock (UTC)."
        ) in before
        with time_machine.travel(datetime.datetime(2023, 12, 21, tzinfo=datetime.UTC)):
            after = client.get(change_url(review)).text
        assert "workflow-embargo" not in after

    def test_the_desk_clock_follows_the_sites_time_zone(self, settings):
        settings.TIME_ZONE = "Europe/London"
        film = FilmFactory(
            review_embargo_until=datetime.datetime(2024, 7, 10, 16, tzinfo=datetime.UTC),
            review_embargo_timezone="America/Los_Angeles",
        )
        assert film.review_embargo_description == (
            "10 Jul 2024, 09:00 PDT (America/Los_Angeles), which is 10 Jul 2024, 17:00 BST on "
            "the desk's clock (Europe/London)"
        )


def test_the_roles_exist_with_the_permissions_they_need(roles):
    writer = set(Group.objects.get(name="Writer").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_review", "change_review", "submit_review"} <= writer
    assert not writer & {"approve_review", "publish_review", "edit_any_review", "delete_review"}
    assert {"approve_review", "publish_review", "edit_any_review", "add_correction"} <= editor
    assert "delete_review" not in editor


class TestCorrectionsInTheAdmin:
    """Corrections are added from the review's change form, shown at the foot of the public
    page with their date, and kept as written: no later request edits or removes them."""

    def correction_form(self, review, **rows):
        return form_data(
            review,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-INITIAL_FORMS": "0",
                **rows,
            },
        )

    def test_an_editor_adds_a_correction_that_readers_see_dated_at_the_foot(self, client, editor):
        review = ReviewFactory(published=True, body="The film runs 150 minutes.")
        client.force_login(editor)
        page = client.get(change_url(review))
        assert 'name="corrections-__prefix__-text"' in page.text

        response = client.post(
            change_url(review),
            self.correction_form(
                review,
                body="The film runs 105 minutes.",
                **{
                    "corrections-0-published_on": "2023-12-22",
                    "corrections-0-text": "An earlier version gave the wrong running time.",
                },
            ),
        )
        assert response.status_code == 302
        correction = review.corrections.get()
        assert correction.published_on == datetime.date(2023, 12, 22)
        review.refresh_from_db()
        assert review.body == "The film runs 150 minutes."  # the edit waits as pending changes
        services.review_publish_changes(review=review, user=editor)
        review.refresh_from_db()
        assert review.body == "The film runs 105 minutes."
        assert review.is_published

        public = client.get(review.get_absolute_url()).text
        note = (
            'Updated <time datetime="2023-12-22">22 Dec 2023</time>:</strong> '
            "An earlier version gave the wrong running time."
        )
        assert note in public
        body_at = public.index("The film runs 105 minutes.")
        assert body_at < public.index(note) < public.index("critic-card")

    def test_a_correction_cannot_be_edited_or_deleted_afterwards(self, client, editor):
        review = ReviewFactory(published=True)
        client.force_login(editor)
        client.post(
            change_url(review),
            self.correction_form(
                review,
                **{
                    "corrections-0-published_on": "2023-12-22",
                    "corrections-0-text": "The director's name was misspelled.",
                },
            ),
        )
        correction = review.corrections.get()
        review.refresh_from_db()

        page = client.get(change_url(review)).text
        assert "The director&#x27;s name was misspelled." in page
        assert 'name="corrections-0-text"' not in page  # shown, not editable
        assert 'name="corrections-0-DELETE"' not in page

        crafted = form_data(
            review,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-INITIAL_FORMS": "1",
                "corrections-0-id": str(correction.pk),
                "corrections-0-review": str(review.pk),
                "corrections-0-published_on": "2020-01-01",
                "corrections-0-text": "Nothing was ever wrong.",
                "corrections-0-DELETE": "on",
            },
        )
        client.post(change_url(review), crafted)
        correction.refresh_from_db()
        assert correction.text == "The director's name was misspelled."
        assert correction.published_on == datetime.date(2023, 12, 22)

        review.refresh_from_db()
        client.post(change_url(review), form_data(review, body="A later edit."))
        assert services.review_pending_changes(review=review).data["body"] == "A later edit."
        assert list(review.corrections.values_list("text", flat=True)) == [
            "The director's name was misspelled."
        ]
        assert not editor.has_perm("reviews.change_correction")
        assert not editor.has_perm("reviews.delete_correction")

    def test_a_review_never_published_takes_no_correction(self, client, editor):
        review = ReviewFactory(state=Review.State.APPROVED)
        client.force_login(editor)
        assert "corrections-__prefix__-text" not in client.get(change_url(review)).text
        client.post(
            change_url(review),
            self.correction_form(
                review,
                **{
                    "corrections-0-published_on": "2023-12-22",
                    "corrections-0-text": "Nothing to correct yet.",
                },
            ),
        )
        assert not review.corrections.exists()


class TestNewReviewAutosaveInTheAdmin:
    """Typing in a review that was never saved is autosaved too, and the add form offers it
    back after the tab was closed."""

    add_url = "/admin/reviews/review/add/"

    def form_key(self, page) -> str:
        return re.search(r'name="new_autosave_key" value="([0-9a-f-]{36})"', page.text).group(1)

    def test_a_closed_add_form_is_offered_back_and_restores_what_was_typed(self, client, editor):
        film = FilmFactory(title="Strangers")
        critic = CriticFactory(byline="Kimber Myers")
        client.force_login(editor)
        page = client.get(self.add_url)
        assert 'data-url="/admin/reviews/review/add/autosave/"' in page.text
        assert "reviews/admin/autosave.js" in page.text
        key = self.form_key(page)

        typed = {
            "new_autosave_key": key,
            "film": str(film.pk),
            "critic": str(critic.pk),
            "kind": "review",
            "headline": "A ghost story in a tower block",
            "slug": "a-ghost-story-in-a-tower-block",
            "body": "Adam lives almost alone in a new tower.",
            "rating": "4.5",
            "tags": "grief, ghosts",
        }
        response = client.post(reverse("admin:reviews_review_new_autosave"), typed)
        assert response.status_code == 200
        assert response.json()["saved"] is True
        assert not Review.objects.exists()

        # The tab closes; a new "Add review" offers the autosave back.
        reopened = client.get(self.add_url)
        assert "Unsaved new reviews" in reopened.text
        assert "A ghost story in a tower block" in reopened.text
        assert f"?autosave={key}" in reopened.text
        assert self.form_key(reopened) != key

        restored = client.get(self.add_url, {"autosave": key})
        text = restored.text
        assert self.form_key(restored) == key  # goes on autosaving into the same place
        assert "This form holds your autosaved text" in text
        assert 'value="A ghost story in a tower block"' in text
        assert ">\nAdam lives almost alone in a new tower.</textarea>" in text
        assert f'<option value="{film.pk}" selected>Strangers (2023)</option>' in text
        assert 'value="4.5"' in text
        assert "Unsaved new reviews" not in text  # the one restored is not offered twice

        saved = client.post(self.add_url, {**form_data(Review(film=film, critic=critic)), **typed})
        assert saved.status_code == 302
        review = Review.objects.get()
        assert review.body == "Adam lives almost alone in a new tower."
        assert not NewReviewAutosave.objects.exists()
        assert "Unsaved new reviews" not in client.get(self.add_url).text

    def test_a_writers_add_form_autosaves_under_their_own_login_only(
        self, client, writer, other_writer
    ):
        client.force_login(writer)
        key = self.form_key(client.get(self.add_url))
        client.post(
            reverse("admin:reviews_review_new_autosave"),
            {"new_autosave_key": key, "headline": "Mine", "body": "My draft paragraph."},
        )
        client.force_login(other_writer)
        page = client.get(self.add_url, {"autosave": key})
        assert "My draft paragraph." not in page.text
        assert "Unsaved new reviews" not in page.text
        assert self.form_key(page) != key
        client.post(reverse("admin:reviews_review_new_autosave_discard", args=[key]))
        assert NewReviewAutosave.objects.filter(author=writer).exists()

    def test_discard(self, client, writer):
        client.force_login(writer)
        key = self.form_key(client.get(self.add_url))
        client.post(
            reverse("admin:reviews_review_new_autosave"),
            {"new_autosave_key": key, "body": "Not worth keeping."},
        )
        response = client.post(reverse("admin:reviews_review_new_autosave_discard", args=[key]))
        assert response.status_code == 302
        assert not NewReviewAutosave.objects.exists()
        assert "was discarded" in client.get(response["Location"]).text

    def test_bad_requests_get_a_clear_answer_and_write_nothing(self, client, writer):
        client.force_login(writer)
        url = reverse("admin:reviews_review_new_autosave")
        assert client.get(url).status_code == 405
        response = client.post(url, {"new_autosave_key": "forged", "body": "x"})
        assert response.status_code == 400
        assert "no valid autosave key" in response.json()["message"]
        assert not NewReviewAutosave.objects.exists()
        client.logout()
        response = client.post(url, {"new_autosave_key": str(uuid.uuid4()), "body": "x"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert not NewReviewAutosave.objects.exists()

    def test_a_failed_first_save_keeps_the_same_autosave_key(self, client, editor):
        client.force_login(editor)
        key = self.form_key(client.get(self.add_url))
        data = {**form_data(Review(film=FilmFactory(), critic=CriticFactory())), "body": ""}
        response = client.post(self.add_url, {**data, "new_autosave_key": key})
        assert response.status_code == 200  # body is required
        assert self.form_key(response) == key


class TestWhatTheAdminShows:
    """Fixes from looking at the admin as an editor and as a writer."""

    def test_the_index_names_the_desk_box(self, client, editor):
        client.force_login(editor)
        html = client.get(reverse("admin:index")).text
        assert (
            'class="section" title="Open the editorial desk">Editorial desk</a></caption>' in html
        )

    def test_view_on_site_only_for_a_review_readers_can_see(self, client, editor):
        client.force_login(editor)
        draft = ReviewFactory()
        published = ReviewFactory(published=True)
        assert "viewsitelink" not in client.get(change_url(draft)).text
        assert "viewsitelink" in client.get(change_url(published)).text

    def test_the_add_form_shows_no_publication_record_or_corrections(self, client, editor):
        client.force_login(editor)
        html = client.get(reverse("admin:reviews_review_add")).text
        for absent in ('fieldset-heading">Publication', "Record</", "corrections-TOTAL_FORMS"):
            assert absent not in html
        assert "e.g. /reviews/a-ghost-story/" in html  # the slug hint is readable

    def test_a_writers_add_form_names_their_byline_instead_of_an_empty_critic(self, client, writer):
        client.force_login(writer)
        html = client.get(reverse("admin:reviews_review_add")).text
        assert f"You are writing as {writer.critic.byline}" in html
        assert "field-critic" not in html

    def test_a_writer_viewing_a_review_in_review_sees_no_version_field(self, client, writer):
        review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
        client.force_login(writer)
        html = client.get(change_url(review)).text
        assert "field-version" not in html
        assert "field-body" in html

    def test_publication_times_carry_their_time_zone(self, client, editor):
        review = ReviewFactory(
            published=True, publish_at=datetime.datetime(2024, 6, 10, 9, tzinfo=datetime.UTC)
        )
        client.force_login(editor)
        assert "10 Jun 2024, 09:00 UTC" in client.get(change_url(review)).text
        assert (
            "10 Jun 2024, 09:00 UTC" in client.get(reverse("admin:reviews_review_changelist")).text
        )

    def test_revisions_offer_what_the_last_save_changed(self, client, editor):
        with time_machine.travel(NOW, tick=False) as clock:
            review = ReviewFactory(body="One.")
            services.review_save(review=review, user=editor, expected_version=review.version)
            before = review.revisions.first()
            clock.shift(60)
            review.body = "Two."
            services.review_save(review=review, user=editor, expected_version=review.version)
            clock.shift(60)
            services.review_autosave(review=review, user=editor, data={"body": "Three."})
            client.force_login(editor)
            html = client.get(reverse("admin:reviews_review_revisions", args=[review.pk])).text
            compare = client.get(
                reverse("admin:reviews_review_revision_compare", args=[review.pk]),
                {"from": before.pk, "to": "live"},
            ).text
        assert f'name="from" value="{before.pk}" checked' in html
        assert "the save by editor at 19 Dec 2023, 15:00 UTC" in compare

    def test_an_imported_published_review_does_not_claim_to_be_a_draft(self, client, editor):
        client.force_login(editor)
        html = client.get(change_url(ReviewFactory(published=True))).text
        assert "No workflow steps recorded yet." in html
        assert "has been a draft since" not in html
