"""No lost work, in a real browser: a tab closed seconds after the first keystroke, a workflow
button pressed with unsaved edits, two editors saving one film, a page left with unsaved
changes. Screenshots go to $SCREENSHOT_DIR when it is set (to look at them)."""

import os
import time

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from reviews.models import Film, NewReviewAutosave, Review
from tests.factories import FilmFactory, ReviewFactory

from .test_editorial_story import log_in

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def wait_for(condition, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OperationalError:
            # The live server's thread shares the in-memory SQLite database and may be
            # writing the very rows polled for ("database table is locked"): look again.
            pass
        time.sleep(0.1)
    return condition()


@pytest.fixture(autouse=True)
def _autosave_timer_of_a_minute(settings):
    settings.REVIEW_AUTOSAVE_SECONDS = 60  # the timer never fires during these tests


def test_a_tab_closed_right_after_typing_a_new_review_loses_nothing(open_page, writer):
    FilmFactory(title="Strangers", year=2023)
    page = log_in(open_page(), "writer")
    page.goto("/admin/reviews/review/add/")
    page.fill("#id_headline", "A ghost story about grief")
    page.fill("#id_body", "Typed, then the tab was closed at once.")
    context = page.context
    page.close()  # at once: no timer has fired; the page's last beacon must carry the text

    autosave = wait_for(lambda: NewReviewAutosave.objects.filter(author=writer).first())
    assert autosave is not None
    assert autosave.data["body"] == "Typed, then the tab was closed at once."
    reopened = context.new_page()
    reopened.goto("/admin/reviews/review/add/")
    expect(reopened.locator("#new-autosaves-title").locator("..")).to_contain_text(
        "A ghost story about grief"
    )


def test_an_editors_typing_is_autosaved_when_the_tab_is_closed(open_page, editor):
    review = ReviewFactory(body="The saved text.")
    page = log_in(open_page(), "editor")
    page.goto(f"/admin/reviews/review/{review.pk}/change/")
    page.fill("#id_body", "Typed into a saved review; the tab was closed at once.")
    page.close()

    autosave = wait_for(lambda: review.revisions.filter(source="autosave").first())
    assert autosave is not None and autosave.data["body"].startswith("Typed into")
    review.refresh_from_db()
    assert review.body == "The saved text."


def test_leaving_a_form_with_unsaved_changes_asks_first(open_page, editor):
    film = FilmFactory(title="Strangers", synopsis="Saved synopsis.")
    page = log_in(open_page(), "editor")
    page.goto(f"/admin/reviews/film/{film.pk}/change/")
    expect(page.locator("#film_form[data-unsaved-changes=watched]")).to_be_attached()
    page.click("#id_synopsis")  # typed by a person: browsers ask only after a real gesture
    page.keyboard.type(" Typed and not saved.")

    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)

    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay on the page
    expect(page.locator("#id_synopsis")).to_have_value("Saved synopsis. Typed and not saved.")


def test_a_workflow_button_pressed_with_unsaved_edits_saves_them_first(open_page, editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW, body="The writer's text.")
    page = log_in(open_page(), "editor")
    page.goto(f"/admin/reviews/review/{review.pk}/change/")
    page.fill("#id_body", "The editor's fix, never saved with the Save button.")
    page.fill("#id_comment", "Fixed the ending.")
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("Your edits were saved")
    expect(page.locator("#workflow-title")).to_contain_text("Approved")
    shot(page, "workflow-button-with-edits")
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED
    assert review.body == "The editor's fix, never saved with the Save button."


def test_two_editors_on_one_film_the_second_is_told_and_keeps_their_typing(
    open_page, editor, superuser
):
    film = FilmFactory(title="Strangers", runtime_minutes=100, synopsis="Old synopsis.")
    url = f"/admin/reviews/film/{film.pk}/change/"
    first = log_in(open_page(), "editor")
    second = log_in(open_page(), "chief")
    first.goto(url)
    second.goto(url)

    first.fill("#id_runtime_minutes", "105")
    first.fill("#id_imdb_id", "tt21192142")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_synopsis", "A screenwriter meets his parents.")
    second.click("input[name=_continue]")

    conflict = second.locator("#stale-edit")
    expect(conflict).to_contain_text("Someone else saved this film after you opened it")
    expect(conflict).to_contain_text("editor at")
    expect(conflict.locator("table")).to_contain_text("105")
    expect(second.locator("#id_synopsis")).to_have_value("A screenwriter meets his parents.")
    shot(second, "two-editors-on-one-film")
    film.refresh_from_db()
    assert (film.runtime_minutes, film.synopsis) == (105, "Old synopsis.")

    # Having read it, the second editor keeps the first one's figures and saves again.
    second.fill("#id_runtime_minutes", "105")
    second.fill("#id_imdb_id", "tt21192142")
    second.click("input[name=_continue]")
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    film = Film.objects.get(pk=film.pk)
    assert (film.runtime_minutes, film.imdb_id, film.synopsis) == (
        105,
        "tt21192142",
        "A screenwriter meets his parents.",
    )


def test_a_poster_chosen_with_an_error_elsewhere_is_kept_and_saved(open_page, editor, tmp_path):
    from tests.factories import image_bytes

    film = FilmFactory(title="Strangers")
    poster = tmp_path / "strangers-poster.jpg"
    poster.write_bytes(image_bytes(600, 900))
    page = log_in(open_page(), "editor")
    page.goto(f"/admin/reviews/film/{film.pk}/change/")
    page.set_input_files("#id_poster_upload", str(poster))
    page.fill("#id_runtime_minutes", "-1")
    page.click("input[name=_continue]")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Runtime minutes")
    expect(page.locator(".pending-upload")).to_contain_text("strangers-poster.jpg")
    expect(page.locator(".pending-upload img")).to_be_visible()
    shot(page, "upload-kept-across-an-error")
    summary.get_by_role("link", name="Runtime minutes").click()
    expect(page.locator("#id_runtime_minutes")).to_be_focused()

    page.fill("#id_runtime_minutes", "105")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    film.refresh_from_db()
    assert film.runtime_minutes == 105 and film.poster.file.name.startswith("library/")


def test_the_film_form_says_what_a_typed_embargo_would_hold(open_page, editor):
    from datetime import timedelta

    from django.utils import timezone

    goes_out = timezone.now() + timedelta(days=1)
    film = FilmFactory(title="Strangers")
    ReviewFactory(
        film=film, headline="A ghost story", state=Review.State.PUBLISHED, publish_at=goes_out
    )
    page = log_in(open_page(), "editor")
    page.goto(f"/admin/reviews/film/{film.pk}/change/")
    expect(page.locator("#embargo-holds")).to_have_text("None.")

    later = (goes_out + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_review_embargo_until", later)
    page.select_option("#id_review_embargo_timezone", "America/Los_Angeles")

    holds = page.locator("#embargo-holds")
    expect(holds).to_contain_text("If you save this embargo")
    expect(holds).to_contain_text("“A ghost story”, scheduled for")
    expect(holds).to_contain_text("goes out when the embargo lifts")
    shot(page, "film-embargo-preview")
