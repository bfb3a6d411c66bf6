"""The autosave script itself, in a real browser: someone types, the script autosaves (every
second here: REVIEW_AUTOSAVE_SECONDS), the tab is closed without saving, and reopening the form
offers the autosave, which brings the typed text back."""

import pytest
from playwright.sync_api import expect

from reviews.models import NewReviewAutosave, Review, ReviewRevision
from tests.factories import FilmFactory, ReviewFactory

from .test_editorial_story import log_in

TYPED = "Typed in the browser and never saved: the tab was closed."


@pytest.fixture(autouse=True)
def _autosave_every_second(settings):
    settings.REVIEW_AUTOSAVE_SECONDS = 1


def test_an_editors_typing_survives_a_closed_tab(open_page, editor):
    review = ReviewFactory(headline="A ghost story", body="The saved text.")
    page = log_in(open_page(), "editor")
    change_url = f"/admin/reviews/review/{review.pk}/change/"
    page.goto(change_url)
    expect(page.locator("#review-autosave")).to_contain_text("every 1 second")
    page.fill("#id_body", TYPED)
    expect(page.locator("#review-autosave")).to_contain_text("Draft autosaved at", timeout=5000)

    autosave = review.revisions.get(source=ReviewRevision.Source.AUTOSAVE)
    assert autosave.author == editor and autosave.data["body"] == TYPED
    review.refresh_from_db()
    assert review.body == "The saved text."  # never over the live text

    context = page.context
    page.close()  # the tab goes, unsaved

    reopened = context.new_page()
    reopened.goto(change_url)
    offer = reopened.locator(".workflow-autosave-newer")
    expect(offer).to_contain_text("newer than the saved text")
    expect(reopened.locator("#id_body")).to_have_value("The saved text.")
    offer.get_by_role("button", name="Restore the autosaved version").click()
    expect(reopened.locator(".messagelist")).to_contain_text("Restored the text")
    expect(reopened.locator("#id_body")).to_have_value(TYPED)
    review.refresh_from_db()
    assert review.body == TYPED
    assert review.revisions.filter(source=ReviewRevision.Source.RESTORE).count() == 1


def test_a_new_review_never_saved_survives_a_closed_tab(open_page, writer):
    FilmFactory(title="Strangers", year=2023)
    page = log_in(open_page(), "writer")
    page.goto("/admin/reviews/review/add/")
    page.click(".field-film .select2-selection")
    page.fill(".select2-search__field", "Strangers")
    page.click(".select2-results__option >> text=Strangers")
    page.fill("#id_headline", "A ghost story about grief")
    page.fill("#id_body", TYPED)
    expect(page.locator("#review-autosave")).to_contain_text("Autosaved at", timeout=5000)
    assert not Review.objects.exists()
    assert NewReviewAutosave.objects.get(author=writer).data["body"] == TYPED

    context = page.context
    page.close()

    reopened = context.new_page()
    reopened.goto("/admin/reviews/review/add/")
    offer = reopened.locator("#new-autosaves-title").locator("..")
    expect(offer).to_contain_text("A ghost story about grief")
    offer.get_by_role("link", name="Restore", exact=True).click()
    expect(reopened.locator("#id_headline")).to_have_value("A ghost story about grief")
    expect(reopened.locator("#id_body")).to_have_value(TYPED)
    expect(reopened.locator(".field-film .select2-selection")).to_contain_text("Strangers")
    reopened.click("input[name=_continue]")
    expect(reopened.locator("#workflow-title")).to_contain_text("Draft")

    review = Review.objects.get()
    assert (review.headline, review.body, review.critic) == (
        "A ghost story about grief",
        TYPED,
        writer.critic,
    )
    assert not NewReviewAutosave.objects.exists()
