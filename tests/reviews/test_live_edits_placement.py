"""Every reader-visible field of a live review waits with the pending changes, not only its
text: the film, the byline, the lead image, the kind, the rating and the tags. The public page
changes only when someone publishes the changes; a live review never moves to a film whose
embargo is in force (it would disappear from the site until the embargo lifts)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Review
from tests.factories import CriticFactory, FilmFactory, LibraryImageFactory, ReviewFactory

from .test_admin_workflow import form_data

pytestmark = pytest.mark.django_db


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


@pytest.fixture
def live(client, editor):
    client.force_login(editor)
    return ReviewFactory(published=True, headline="A ghost story", rating="3.0")


@pytest.fixture
def elsewhere():
    """Where the edits move the review: another film, another byline, a lead image."""
    return {
        "film": FilmFactory(title="All of Us Strangers", year=2023),
        "critic": CriticFactory(byline="Jo Byline"),
        "lead_image": LibraryImageFactory(title="Night bus still", alt_text="A night bus"),
    }


def selected(form: str, name: str) -> str:
    """The label of the option chosen in the form's <select name=...>."""
    select = re.search(rf'<select name="{name}".*?</select>', form, re.S).group(0)
    return re.search(r"<option [^>]*selected>([^<]*)</option>", select).group(1)


def moved(live, elsewhere, **more):
    return form_data(
        live,
        film=elsewhere["film"].pk,
        critic=elsewhere["critic"].pk,
        lead_image=elsewhere["lead_image"].pk,
        kind=Review.Kind.CAPSULE,
        rating="4.5",
        tags="grief, ghosts",
        **more,
    )


def test_the_film_byline_and_lead_image_of_a_live_review_wait_for_publish_changes(
    client, live, elsewhere
):
    film_before, critic_before = live.film, live.critic
    response = client.post(change_url(live), moved(live, elsewhere), follow=True)
    assert "your edits are kept as changes not yet public" in response.text

    live.refresh_from_db()
    assert (live.film, live.critic, live.lead_image) == (film_before, critic_before, None)
    assert (live.kind, str(live.rating), list(live.tags.names())) == ("review", "3.0", [])
    public = client.get(live.get_absolute_url()).text
    assert film_before.title in public and "All of Us Strangers" not in public
    assert "Jo Byline" not in public
    assert client.get(elsewhere["film"].get_absolute_url()).text.count("A ghost story") == 0

    pending = services.review_pending_changes(review=live).data
    assert pending["film"] == elsewhere["film"].slug
    assert pending["critic"] == elsewhere["critic"].slug
    assert pending["lead_image"] == elsewhere["lead_image"].file.name
    # The form goes on from the pending changes, all of them.
    form = client.get(change_url(live)).text
    assert selected(form, "film") == str(elsewhere["film"])
    assert selected(form, "critic") == str(elsewhere["critic"])
    assert selected(form, "lead_image") == str(elsewhere["lead_image"])
    # The preview of the changes shows them.
    preview = client.get(
        reverse("admin:reviews_review_preview", args=[live.pk]) + "?changes=pending"
    ).text
    assert "All of Us Strangers" in preview and "Jo Byline" in preview
    assert "A night bus" in preview


def test_publish_changes_applies_the_film_byline_and_lead_image(client, live, elsewhere):
    client.post(change_url(live), moved(live, elsewhere))

    client.post(reverse("admin:reviews_review_publish_changes", args=[live.pk]), {})

    live.refresh_from_db()
    assert live.film == elsewhere["film"] and live.critic == elsewhere["critic"]
    assert live.lead_image == elsewhere["lead_image"]
    assert (live.kind, str(live.rating)) == ("capsule", "4.5")
    assert sorted(live.tags.names()) == ["ghosts", "grief"]
    assert live.is_published
    assert "A ghost story" in client.get(elsewhere["film"].get_absolute_url()).text
    assert services.review_pending_changes(review=live) is None


def test_discard_changes_keeps_the_film_byline_and_lead_image(client, live, elsewhere):
    film_before = live.film
    client.post(change_url(live), moved(live, elsewhere))

    client.post(reverse("admin:reviews_review_discard_changes", args=[live.pk]))

    live.refresh_from_db()
    assert live.film == film_before and live.lead_image is None
    assert selected(client.get(change_url(live)).text, "film") == str(film_before)


def test_the_service_keeps_a_new_film_of_a_live_review_pending(editor, elsewhere):
    live = ReviewFactory(published=True)
    film_before = live.film
    live.film = elsewhere["film"]
    live.lead_image = elsewhere["lead_image"]

    services.review_save(review=live, user=editor, expected_version=live.version)

    stored = Review.objects.get(pk=live.pk)
    assert stored.film == film_before and stored.lead_image is None
    services.review_publish_changes(review=stored, user=editor)
    stored.refresh_from_db()
    assert stored.film == elsewhere["film"] and stored.lead_image == elsewhere["lead_image"]


def embargoed_film():
    return FilmFactory(
        title="Under embargo", review_embargo_until=timezone.now() + datetime.timedelta(days=2)
    )


def test_a_live_review_cannot_move_to_a_film_under_embargo(client, live):
    film = embargoed_film()
    film_before = live.film

    response = client.post(change_url(live), form_data(live, film=film.pk))

    assert response.status_code == 200  # the form again, with the reason
    assert "a live review cannot move to it" in response.text
    live.refresh_from_db()
    assert live.film == film_before and live.is_published
    assert services.review_pending_changes(review=live) is None

    live.film = film
    with pytest.raises(ValidationError, match="a live review cannot move to it"):
        services.review_save(review=live, user=live.critic.user or _editor(), expected_version=None)


def _editor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="editor")


def test_publish_changes_refuses_a_film_whose_embargo_was_set_since(client, live, editor):
    film = FilmFactory(title="Embargoed later")
    client.post(change_url(live), form_data(live, film=film.pk))
    film.review_embargo_until = timezone.now() + datetime.timedelta(days=1)
    film.save()

    with pytest.raises(ValidationError, match="a live review cannot move to it"):
        services.review_publish_changes(review=live, user=editor)

    response = client.post(
        reverse("admin:reviews_review_publish_changes", args=[live.pk]), {}, follow=True
    )
    assert "Not published" in response.text
    live.refresh_from_db()
    assert live.film != film and live.is_published
    assert services.review_pending_changes(review=live) is not None


def test_a_review_that_is_not_live_changes_film_at_once(client, editor, elsewhere):
    client.force_login(editor)
    draft = ReviewFactory(state=Review.State.DRAFT)
    client.post(change_url(draft), form_data(draft, film=elsewhere["film"].pk))
    draft.refresh_from_db()
    assert draft.film == elsewhere["film"]


def test_the_system_and_the_shell_write_a_live_review_at_once(elsewhere):
    """An import (`user=None`) and a bare `save()` in the shell are not the desk: they write
    the row (docs/workflow.md says so)."""
    live = ReviewFactory(published=True)
    live.film = elsewhere["film"]
    services.review_save(review=live, user=None)
    assert Review.objects.get(pk=live.pk).film == elsewhere["film"]

    live.lead_image = elsewhere["lead_image"]
    live.save()
    assert Review.objects.get(pk=live.pk).lead_image == elsewhere["lead_image"]


def test_restoring_an_old_revision_of_a_live_review_keeps_its_film(editor, elsewhere):
    live = ReviewFactory(published=True, body="First text.")
    old = services.revision_create(review=live, user=editor)
    live.body, live.film = "Second text.", elsewhere["film"]
    live.save()

    services.review_restore_revision(review=live, revision=old, user=editor)
    services.review_publish_changes(review=live, user=editor)

    live.refresh_from_db()
    assert live.body == "First text." and live.film == elsewhere["film"]


@pytest.mark.parametrize("action", ["add", "remove"])
def test_a_bulk_tag_action_is_not_undone_by_publishing_pending_changes(editor, action):
    """Bulk tag actions apply to a live review at once (docs/workflow.md); its pending
    changes hold the whole tag list, so they follow, or Publish changes would undo them."""
    review = ReviewFactory(published=True, headline="A ghost story", tags=["grief", "Oscars"])
    review.headline = "A ghost story, revised"
    services.review_save(review=review, user=editor, tags=["grief", "Oscars", "ghosts"])
    assert Review.objects.get(pk=review.pk).headline == "A ghost story"  # pending

    if action == "add":
        services.reviews_add_tag(reviews=[review], tag="london", user=editor)
        wanted = {"ghosts", "grief", "london", "Oscars"}
    else:
        services.reviews_remove_tag(reviews=[review], tag="oscars", user=editor)
        wanted = {"ghosts", "grief"}
    services.review_publish_changes(review=Review.objects.get(pk=review.pk), user=editor)

    published = Review.objects.get(pk=review.pk)
    assert published.headline == "A ghost story, revised"
    assert {tag.name for tag in published.tags.all()} == wanted
