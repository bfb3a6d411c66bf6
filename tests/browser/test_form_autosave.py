"""The change forms of films (and people, critics, genres: the same script) autosave what is
typed: a tab closed at once, before any timer, loses nothing, in the add form of a new film
and in the change form of a saved one. Reopening the form offers the draft; it goes into the
form only when asked, and saving the form removes it."""

import pytest
from playwright.sync_api import expect

from magazine.models import FormAutosave
from reviews.models import Film
from tests.factories import FilmFactory, PersonFactory

from .test_editorial_story import log_in
from .test_no_lost_work import shot, wait_for

SYNOPSIS = "A screenwriter visits the house he grew up in. Typed, then the tab was closed."


@pytest.fixture(autouse=True)
def _autosave_timer_of_a_minute(settings):
    settings.REVIEW_AUTOSAVE_SECONDS = 60  # no timer fires: only the closing tab's beacon


def test_a_new_film_typed_into_a_tab_closed_at_once_comes_back(open_page, editor):
    PersonFactory(name="Andrew Scott")
    page = log_in(open_page(), "editor")
    page.goto("/admin/reviews/film/add/")
    page.fill("#id_title", "All of Us Strangers")
    page.fill("#id_year", "2023")
    page.fill("#id_synopsis", SYNOPSIS)
    page.click("#credits-0 .field-person .select2-selection")
    page.fill(".select2-search__field", "Andrew")
    page.click(".select2-results__option >> text=Andrew Scott")
    page.fill("#id_credits-0-character", "Adam")
    context = page.context
    page.close()  # at once: the page's last beacon must carry the typing

    draft = wait_for(lambda: FormAutosave.objects.filter(author=editor).first())
    assert draft is not None and draft.object_id == ""
    assert ["synopsis", SYNOPSIS] in draft.fields
    assert not Film.objects.exists()

    reopened = context.new_page()
    reopened.goto("/admin/reviews/film/add/")
    offer = reopened.locator("#form-autosave-offer")
    expect(offer).to_contain_text("You have unsaved new films")
    expect(offer).to_contain_text("All of Us Strangers")
    expect(reopened.locator("#id_synopsis")).to_have_value("")  # offered, not applied
    shot(reopened, "film-add-form-autosave-offer")
    offer.get_by_role("button", name="Restore into the form").click()
    expect(reopened.locator("#id_title")).to_have_value("All of Us Strangers")
    expect(reopened.locator("#id_synopsis")).to_have_value(SYNOPSIS)
    expect(reopened.locator("#id_credits-0-character")).to_have_value("Adam")
    expect(reopened.locator("#credits-0 .field-person .select2-selection")).to_contain_text(
        "Andrew Scott"
    )
    expect(offer).to_be_hidden()

    reopened.click("input[name=_continue]")
    expect(reopened.locator(".messagelist")).to_contain_text("was added successfully")
    film = Film.objects.get()
    assert (film.title, film.year, film.synopsis) == ("All of Us Strangers", 2023, SYNOPSIS)
    assert film.credits.get().character == "Adam"
    assert not FormAutosave.objects.exists()  # the save removed the draft


def test_typing_in_a_film_change_form_survives_a_closed_tab(open_page, editor):
    film = FilmFactory(title="Strangers", synopsis="The saved synopsis.", runtime_minutes=100)
    url = f"/admin/reviews/film/{film.pk}/change/"
    page = log_in(open_page(), "editor")
    page.goto(url)
    page.fill("#id_synopsis", SYNOPSIS)
    page.fill("#id_runtime_minutes", "105")
    context = page.context
    page.close()

    draft = wait_for(lambda: FormAutosave.objects.filter(object_id=str(film.pk)).first())
    assert draft is not None and ["synopsis", SYNOPSIS] in draft.fields
    film.refresh_from_db()
    assert film.synopsis == "The saved synopsis."  # an autosave never touches the film

    reopened = context.new_page()
    reopened.goto(url)
    offer = reopened.locator("#form-autosave-offer")
    expect(offer).to_contain_text("You have changes to this film that were never saved")
    expect(reopened.locator("#id_synopsis")).to_have_value("The saved synopsis.")
    offer.get_by_role("button", name="Restore into the form").click()
    expect(reopened.locator("#id_synopsis")).to_have_value(SYNOPSIS)
    expect(reopened.locator("#id_runtime_minutes")).to_have_value("105")
    reopened.click("input[name=_continue]")
    expect(reopened.locator(".messagelist")).to_contain_text("was changed successfully")
    film.refresh_from_db()
    assert (film.synopsis, film.runtime_minutes) == (SYNOPSIS, 105)
    assert not FormAutosave.objects.exists()

    # Nothing left to offer on the next visit.
    reopened.goto(url)
    expect(reopened.locator("#form-autosave-offer")).to_be_hidden()


def test_a_draft_can_be_discarded_from_the_offer(open_page, editor):
    film = FilmFactory(title="Strangers", synopsis="The saved synopsis.")
    url = f"/admin/reviews/film/{film.pk}/change/"
    page = log_in(open_page(), "editor")
    page.goto(url)
    page.fill("#id_synopsis", "Second thoughts.")
    context = page.context
    page.close()
    assert wait_for(lambda: FormAutosave.objects.exists())

    reopened = context.new_page()
    reopened.goto(url)
    reopened.locator("#form-autosave-offer").get_by_role("button", name="Discard").click()
    expect(reopened.locator("#form-autosave-status")).to_contain_text("discarded")
    assert wait_for(lambda: not FormAutosave.objects.exists())
    expect(reopened.locator("#id_synopsis")).to_have_value("The saved synopsis.")


def test_a_draft_restored_after_someone_else_saved_cannot_overwrite_their_work(
    open_page, editor, superuser
):
    """The draft keeps the version it was typed on: restored after another save, it is refused
    as a stale copy (showing what changed), never silently putting back the old values."""
    film = FilmFactory(title="Strangers", synopsis="Old synopsis.", runtime_minutes=100)
    url = f"/admin/reviews/film/{film.pk}/change/"
    page = log_in(open_page(), "editor")
    page.goto(url)
    page.fill("#id_synopsis", SYNOPSIS)
    context = page.context
    page.close()
    assert wait_for(lambda: FormAutosave.objects.filter(author=editor).exists())

    chief = log_in(open_page(), "chief")
    chief.goto(url)
    chief.fill("#id_runtime_minutes", "105")
    chief.click("input[name=_continue]")
    expect(chief.locator(".messagelist")).to_contain_text("was changed successfully")

    reopened = context.new_page()
    reopened.goto(url)
    expect(reopened.locator("#id_runtime_minutes")).to_have_value("105")
    reopened.locator("#form-autosave-offer").get_by_role(
        "button", name="Restore into the form"
    ).click()
    expect(reopened.locator("#id_synopsis")).to_have_value(SYNOPSIS)
    reopened.click("input[name=_continue]")

    expect(reopened.locator("#stale-edit")).to_contain_text("Someone else saved this film")
    expect(reopened.locator("#id_synopsis")).to_have_value(SYNOPSIS)  # the typing is kept
    film.refresh_from_db()
    assert (film.runtime_minutes, film.synopsis) == (105, "Old synopsis.")
