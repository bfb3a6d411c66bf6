"""Writers are untrusted, in the admin too: another writer's draft is closed to them at every
address, every state-changing admin POST needs the CSRF token, and attacks stored in a review's
text stay inert in revision diffs, previews (staff and shared link) and admin messages.

Each refusal has a control (the owner, or the same POST with a token, goes through), so a test
that passes because a URL is simply wrong cannot pass here.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from reviews import services
from reviews.admin import ReviewAdmin
from reviews.models import NewReviewAutosave, Review
from reviews.previews import preview_url
from tests.factories import FilmFactory, ReviewFactory
from tests.markup import assert_no_live_markup, attack

pytestmark = pytest.mark.django_db

SECRET = "Another writers secret draft"


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:reviews_review_{name}", args=args)


@pytest.fixture
def secret_draft(other_writer):
    """Another writer's draft, with an autosaved revision and a workflow comment."""
    review = ReviewFactory(
        critic=other_writer.critic,
        headline=SECRET,
        slug="secret-draft",
        standfirst="Secret standfirst.",
        body="Secret body.",
    )
    revision = services.review_autosave(
        review=review, user=other_writer, data={"body": "Secret autosave."}
    )
    return review, revision


def other_writers_addresses(review: Review, revision) -> list[tuple[str, str, dict]]:
    """Every admin address that shows or changes one review: (method, url, data)."""
    content_type = ContentType.objects.get_for_model(Review)
    return [
        ("get", admin_url("change", review.pk), {}),
        ("post", admin_url("change", review.pk), {"headline": "Taken over"}),
        ("get", admin_url("history", review.pk), {}),
        ("get", admin_url("delete", review.pk), {}),
        ("get", admin_url("preview", review.pk), {}),
        ("get", admin_url("revisions", review.pk), {}),
        ("get", admin_url("revision_compare", review.pk) + f"?from={revision.pk}&to=live", {}),
        ("post", admin_url("revision_restore", review.pk, revision.pk), {}),
        ("post", admin_url("autosave", review.pk), {"body": "Overwritten by a stranger."}),
        ("post", admin_url("transition", review.pk), {"transition": "submit"}),
        # The admin's “view on site” shortcut redirects to the review's address (its slug).
        ("get", f"/admin/r/{content_type.pk}/{review.pk}/", {}),
    ]


class TestAnotherWritersDraft:
    def test_every_admin_address_refuses_a_writer_who_does_not_own_it(
        self, client, writer, secret_draft
    ):
        review, revision = secret_draft
        client.force_login(writer)

        for method, url, data in other_writers_addresses(review, revision):
            response = getattr(client, method)(url, data)
            assert response.status_code in {403, 404}, (method, url, response.status_code)
            assert SECRET not in response.text, url
            assert "secret" not in response.get("Location", ""), url

        review.refresh_from_db()
        assert (review.headline, review.body, review.state) == (
            SECRET,
            "Secret body.",
            Review.State.DRAFT,
        )
        assert review.revisions.count() == 1 and not review.transitions.exists()

    def test_the_owner_reaches_every_one_of_those_addresses(
        self, client, other_writer, secret_draft
    ):
        """The control: the same addresses work for the writer whose draft it is."""
        review, revision = secret_draft
        client.force_login(other_writer)

        for method, url, _ in other_writers_addresses(review, revision):
            if url.endswith("/delete/"):
                continue  # writers may delete no review at all (the Writer role)
            if method == "get":
                response = client.get(url)
                assert response.status_code in {200, 302}, (url, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].endswith("/reviews/secret-draft/"), url
                else:
                    assert SECRET in response.text, url

    def test_a_revision_of_their_draft_cannot_be_compared_or_restored_through_mine(
        self, client, writer, secret_draft
    ):
        """Revision ids are global; each view looks them up only within the review in the URL."""
        _, foreign_revision = secret_draft
        mine = ReviewFactory(critic=writer.critic, body="My body.")
        client.force_login(writer)

        compare = client.get(
            admin_url("revision_compare", mine.pk), {"from": foreign_revision.pk, "to": "live"}
        )
        restore = client.post(admin_url("revision_restore", mine.pk, foreign_revision.pk))

        assert compare.status_code == 404 and "Secret autosave" not in compare.text
        assert restore.status_code == 404
        mine.refresh_from_db()
        assert mine.body == "My body."

    def test_the_changelist_search_filters_and_desk_show_a_writer_only_their_own(
        self, client, writer, other_writer, secret_draft
    ):
        ReviewFactory(critic=writer.critic, headline="My own draft")
        client.force_login(writer)
        changelist = admin_url("changelist")

        assert "My own draft" in client.get(changelist).text
        for params in [
            {},
            {"q": "secret"},
            {"critic__id__exact": other_writer.critic.pk},
            {"state__exact": "draft"},
        ]:
            response = client.get(changelist, params)
            assert response.status_code == 200, params
            assert SECRET not in response.text, params
        assert SECRET not in client.get(admin_url("desk")).text

    def test_autocomplete_lists_films_and_only_the_writers_own_reviews(
        self, client, writer, secret_draft
    ):
        FilmFactory(title="Secret film")
        ReviewFactory(critic=writer.critic, headline="My own secret draft")
        client.force_login(writer)

        films = client.get(
            "/admin/autocomplete/",
            {"app_label": "reviews", "model_name": "review", "field_name": "film", "term": "Se"},
        )
        assert films.status_code == 200
        assert {item["text"] for item in films.json()["results"]} >= {"Secret film (2023)"}
        assert SECRET not in films.text
        # A crafted query for reviews themselves, through a model that points at them: the
        # admin answers from ReviewAdmin's queryset, which holds only the writer's own.
        for model_name in ["correction", "reviewrevision", "reviewtransition", "taggedreview"]:
            crafted = client.get(
                "/admin/autocomplete/",
                {
                    "app_label": "reviews",
                    "model_name": model_name,
                    "field_name": "review",
                    "term": "secret",
                },
            )
            assert SECRET not in crafted.text, model_name
            if crafted.status_code == 200:
                texts = [item["text"] for item in crafted.json()["results"]]
                assert texts == ["My own secret draft"], model_name
            else:
                assert crafted.status_code in {403, 404}, model_name


# CSRF ----------------------------------------------------------------------------------------

# The addresses ReviewAdmin adds to the stock admin, and what a POST to each changes.
STATE_CHANGING = {
    "reviews_review_transition",
    "reviews_review_revision_restore",
    "reviews_review_autosave",
    "reviews_review_new_autosave",
    "reviews_review_new_autosave_discard",
}
READ_ONLY = {
    "reviews_review_desk",
    "reviews_review_revisions",
    "reviews_review_revision_compare",
    "reviews_review_preview",
    # POSTs the typed text only to render it (reviews/writing.py); saves nothing.
    "reviews_review_draft_preview",
}


def custom_admin_url_names() -> set[str]:
    from django.contrib import admin

    model_admin = admin.site._registry[Review]
    stock = {pattern.name for pattern in super(ReviewAdmin, model_admin).get_urls()}
    return {pattern.name for pattern in model_admin.get_urls()} - stock


# The moves on a live review's changes not yet public (tested on such a review, below).
LIVE_CHANGES = {"reviews_review_publish_changes", "reviews_review_discard_changes"}


def test_every_custom_review_admin_address_is_accounted_for():
    """A new workflow endpoint must be added to the CSRF tests below, or this fails."""
    assert custom_admin_url_names() == STATE_CHANGING | READ_ONLY | LIVE_CHANGES


@pytest.mark.parametrize("name", sorted(LIVE_CHANGES))
def test_the_moves_on_changes_not_yet_public_need_the_token(editor, name):
    review = ReviewFactory(published=True, body="Public text.")
    review.body = "Pending text."
    services.review_save(review=review, user=editor, expected_version=review.version)
    url = admin_url(name.removeprefix("reviews_review_"), review.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    refused = client.post(url, {})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert services.review_pending_changes(review=review) is not None

    token = client.get(admin_url("change", review.pk)).context["csrf_token"]
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert services.review_pending_changes(review=review) is None


PENDING_KEY = "6f1c2a9e-3d4b-4c5d-8e7f-0a1b2c3d4e5f"


@pytest.fixture
def draft_with_revision(editor):
    review = ReviewFactory(critic=editor.critic, body="Live body.")
    revision = services.review_autosave(
        review=review, user=editor, data={"body": "Autosaved body."}
    )
    # An unsaved new review of the editor's, typed into the add form and autosaved.
    services.new_review_autosave(user=editor, key=PENDING_KEY, data={"body": "Typed new."})
    return review, revision


def state_changing_posts(review: Review, revision) -> dict[str, tuple[str, dict]]:
    new_key = "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a"
    return {
        "reviews_review_new_autosave": (
            admin_url("new_autosave"),
            {"new_autosave_key": new_key, "body": "Typed into a new form."},
        ),
        "reviews_review_new_autosave_discard": (admin_url("new_autosave_discard", PENDING_KEY), {}),
        "reviews_review_transition": (admin_url("transition", review.pk), {"transition": "submit"}),
        "reviews_review_revision_restore": (
            admin_url("revision_restore", review.pk, revision.pk),
            {},
        ),
        "reviews_review_autosave": (admin_url("autosave", review.pk), {"body": "Typed."}),
    }


def review_state(review: Review) -> tuple:
    """What any of the state-changing posts would change: the review, or unsaved new reviews."""
    review.refresh_from_db()
    unsaved = sorted(
        (str(autosave.key), autosave.data.get("body"))
        for autosave in NewReviewAutosave.objects.all()
    )
    return (review.state, review.body, review.version, review.revisions.count(), unsaved)


class TestCsrf:
    @pytest.fixture
    def csrf_client(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        return client

    def test_every_custom_admin_post_without_a_token_is_refused(
        self, csrf_client, draft_with_revision
    ):
        review, revision = draft_with_revision
        before = review_state(review)
        posts = state_changing_posts(review, revision)
        assert set(posts) == STATE_CHANGING
        # Read-only views are POSTed to as well: the refusal comes before any view runs.
        posts |= {
            "reviews_review_desk": (admin_url("desk"), {}),
            "reviews_review_revisions": (admin_url("revisions", review.pk), {}),
            "reviews_review_revision_compare": (admin_url("revision_compare", review.pk), {}),
            "reviews_review_preview": (admin_url("preview", review.pk), {}),
        }

        for name, (url, data) in posts.items():
            response = csrf_client.post(url, data)
            assert response.status_code == 403, name
            assert "CSRF" in response.text, name
            # A token from another session, or a bare header, is no better than none.
            forged = csrf_client.post(
                url, {**data, "csrfmiddlewaretoken": "x" * 64}, HTTP_X_CSRFTOKEN="x" * 64
            )
            assert forged.status_code == 403, name

        assert review_state(review) == before
        assert not review.transitions.exists()

    @pytest.mark.parametrize("name", sorted(STATE_CHANGING))
    def test_the_same_post_with_the_token_goes_through(
        self, csrf_client, draft_with_revision, name
    ):
        review, revision = draft_with_revision
        before = review_state(review)
        token = csrf_client.get(admin_url("change", review.pk)).context["csrf_token"]
        url, data = state_changing_posts(review, revision)[name]

        if name in {"reviews_review_autosave", "reviews_review_new_autosave"}:
            # autosave.js sends the token as a header
            response = csrf_client.post(url, data, HTTP_X_CSRFTOKEN=str(token))
            assert response.status_code == 200 and response.json()["saved"] is True
        else:
            response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
            assert response.status_code == 302

        assert review_state(review) != before


# Stored XSS in the workflow's pages -------------------------------------------------------------

ATTACK_BODY = (
    "<script>alert('body')</script>\n"
    "</script><script>alert('breakout')</script>\n"
    # A control character before "javascript:" cannot be stored at all (the control-character
    # rule refuses it); a tab, which can, is what browsers also strip from a URL.
    "[link](javascript:alert('body')) [ctl](\tjavascript:alert(1))\n"
    "<img src=x onerror=alert('body')> <p onclick=\"alert('body')\">para</p>"
)


@pytest.fixture
def poisoned_draft(writer):
    """A writer's draft whose headline, standfirst and body are attacks, with a revision of
    the clean text before it, so a diff shows both."""
    review = ReviewFactory(
        critic=writer.critic,
        headline="Clean headline",
        slug="poisoned-draft",
        standfirst="Clean standfirst.",
        body="Clean body.",
    )
    services.review_autosave(review=review, user=writer, data={"body": "Clean body, typed."})
    review.headline = attack("headline")
    review.standfirst = attack("standfirst")
    review.body = ATTACK_BODY
    services.review_save(review=review, user=writer, expected_version=review.version)
    return review


def assert_attack_inert(html: str, *fields: str) -> None:
    assert_no_live_markup(html)
    assert "<script>alert('body')" not in html and "<script>alert('breakout')" not in html
    for field in fields:
        assert escape(attack(field)) in html, f"{field} did not reach the page escaped"


def test_revision_list_and_diff_escape_stored_attacks(client, editor, poisoned_draft):
    client.force_login(editor)
    clean = poisoned_draft.revisions.order_by("created_at", "pk").first()

    listing = client.get(admin_url("revisions", poisoned_draft.pk))
    diff = client.get(
        admin_url("revision_compare", poisoned_draft.pk), {"from": clean.pk, "to": "live"}
    )

    assert_attack_inert(listing.text, "headline")
    assert_attack_inert(diff.text, "headline", "standfirst")
    assert escape("<script>alert('body')</script>") in diff.text  # the body line, as text


def test_staff_preview_and_shared_preview_link_escape_stored_attacks(
    client, writer, poisoned_draft
):
    client.force_login(writer)
    staff = client.get(admin_url("preview", poisoned_draft.pk))
    shared = Client().get(preview_url(review=poisoned_draft))

    for response in (staff, shared):
        assert response.status_code == 200
        html = response.text
        assert_attack_inert(html, "headline", "standfirst")
        body = html.split('class="review__body prose">', 1)[1].split("</div>", 1)[0]
        assert "<script" not in body and "<img" not in body and "onclick" not in body
        assert "javascript:" not in body


def test_change_page_history_and_panel_escape_stored_attacks(client, editor, poisoned_draft):
    client.force_login(editor)
    services.review_transition(review=poisoned_draft, user=editor, name="submit")
    desk = client.get(admin_url("desk"))  # waiting for review there
    services.review_transition(
        review=poisoned_draft, user=editor, name="request_changes", comment=attack("comment")
    )

    change = client.get(admin_url("change", poisoned_draft.pk))
    history = client.get(admin_url("history", poisoned_draft.pk))

    assert_attack_inert(change.text, "headline", "standfirst", "comment")
    assert_attack_inert(history.text, "headline")
    assert_attack_inert(desk.text, "headline")


def test_workflow_messages_that_name_the_review_escape_its_headline(client, writer, editor):
    review = ReviewFactory(critic=writer.critic, headline=attack("headline"), slug="messages")
    revision = services.review_autosave(review=review, user=writer, data={"body": "Typed."})
    client.force_login(writer)

    restored = client.post(admin_url("revision_restore", review.pk, revision.pk), follow=True).text
    submitted = client.post(
        admin_url("transition", review.pk), {"transition": "submit"}, follow=True
    ).text
    refused = client.post(  # the writer cannot approve: the refusal page names the review
        admin_url("transition", review.pk), {"transition": "approve"}
    ).text
    not_restored = client.post(  # in review now, so no longer the writer's to restore
        admin_url("revision_restore", review.pk, revision.pk)
    )

    assert "Restored the text of" in restored
    assert "submit for review done" in submitted
    assert "Not done" in refused
    for html in (restored, submitted, refused):
        assert_attack_inert(html, "headline")
    assert not_restored.status_code in {302, 403}
    assert "<script>alert" not in not_restored.text


def test_autosave_answers_json_that_cannot_become_markup(client, writer):
    review = ReviewFactory(critic=writer.critic, headline="Plain", slug="json-answer")
    client.force_login(writer)

    response = client.post(admin_url("autosave", review.pk), {"headline": attack("headline")})

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content)["saved"] is True
    assert "<script" not in response.text
