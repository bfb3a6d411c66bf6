"""The calendar, the desk and the change lists at 1280 and 768 px: nothing runs off the page
and no headline wraps one word per line. Screenshots go to $SCREENSHOT_DIR when it is set."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Availability, Review
from tests.factories import AssignmentFactory, AvailabilityFactory, FilmFactory, ReviewFactory

from .test_film_desk_story import Counter, log_in

PAGES = {
    "calendar-week": "/admin/reviews/film/calendar/?date={in_two_days}",
    "calendar-month": "/admin/reviews/film/calendar/?view=month&date={in_two_days}",
    "desk": "/admin/reviews/review/desk/",
    "review-list": "/admin/reviews/review/",
    "film-list": "/admin/reviews/film/",
}


@pytest.fixture
def desk_world(editor):
    today = timezone.localdate()
    now = timezone.now()
    titles = ["All of Us Strangers", "The Zone of Interest", "Poor Things", "Past Lives", "Maestro"]
    films = [FilmFactory(title=title, year=2023) for title in titles]
    for day, film in enumerate(films):
        AvailabilityFactory(
            film=film,
            kind=Availability.Kind.THEATRICAL,
            provider="",
            starts_on=today + datetime.timedelta(days=day + 1),
        )
    AvailabilityFactory(
        film=films[3], provider="Paramount+", starts_on=today + datetime.timedelta(days=2)
    )
    films[1].review_embargo_until = now + datetime.timedelta(days=1)
    films[1].review_embargo_timezone = "America/Los_Angeles"
    films[1].save()
    AssignmentFactory(
        film=films[0],
        critic=editor.critic,
        due_on=today - datetime.timedelta(days=1),
        note="800 words; screening Tuesday.",
    )
    AssignmentFactory(film=films[2], due_on=today + datetime.timedelta(days=3))
    ReviewFactory(
        film=films[2],
        headline="A Frankenstein fable told with gleeful, grotesque invention",
        state=Review.State.PUBLISHED,
        publish_at=now + datetime.timedelta(days=2),
    )
    ReviewFactory(
        film=films[0],
        critic=editor.critic,
        headline="Grief, in a London tower block at night",
        state=Review.State.IN_REVIEW,
    )
    for n in range(6):
        ReviewFactory(
            film=films[n % 4],
            headline=f"A long headline about cinema and memory, number {n}",
            published=True,
        )
    ReviewFactory(
        film=films[3], state=Review.State.UNPUBLISHED, headline="Taken down for a correction"
    )
    return films


@pytest.mark.parametrize("width", [1280, 768])
def test_desk_pages_fit_the_screen(open_page, desk_world, width):
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(Counter(), page, "editor")
    folder = os.environ.get("SCREENSHOT_DIR")
    for name, url in PAGES.items():
        page.goto(url.format(in_two_days=timezone.localdate() + datetime.timedelta(days=2)))
        expect(page.locator("#content")).to_be_visible()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => "
            "e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert overflow <= 0, f"{name} at {width}px runs {overflow}px off the page: {wide}"
        if name.endswith("-list"):
            # Every column is seen without scrolling the list sideways (none is cut off).
            hidden = page.eval_on_selector(
                "#changelist .results", "box => box.scrollWidth - box.clientWidth"
            )
            assert hidden <= 0, f"{name} at {width}px hides {hidden}px of its columns"
        if name == "review-list":
            # Headlines keep whole lines of words: the column is wide enough for three words.
            widths = page.eval_on_selector_all(
                "#result_list .field-headline, #result_list th.field-headline",
                "cells => cells.map(c => c.getBoundingClientRect().width)",
            )
            assert widths and min(widths) >= 150, widths
        if folder:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


CUT_OFF_CELLS = """() => [...document.querySelectorAll('.inline-group th, .inline-group td')]
    .filter(cell => cell.getClientRects().length)
    .filter(cell => {
        // The box the cell must be seen in: the nearest ancestor that clips or scrolls.
        let box = cell.parentElement;
        const clips = e => ['hidden', 'auto', 'scroll', 'clip']
            .includes(getComputedStyle(e).overflowX);
        while (box && !clips(box)) {
            box = box.parentElement;
        }
        box = box || document.documentElement;
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
            && box.scrollWidth > box.clientWidth;
        const right = scrolls ? box.getBoundingClientRect().left + box.scrollWidth
                              : box.getBoundingClientRect().right;
        return cell.getBoundingClientRect().right > Math.min(right, window.innerWidth) + 1;
    })
    .map(cell => cell.closest('.inline-group').id + ' ' + (cell.className || cell.tagName))"""


@pytest.mark.parametrize("width", [1280, 768])
def test_the_film_form_shows_every_column_of_its_rows(open_page, editor, width):
    """The genre, credit and availability rows keep every column (Delete included) on screen
    or within reach of their own scroll bar, and the page itself does not run off the side."""
    from tests.factories import CreditFactory, GenreFactory

    film = FilmFactory(title="All of Us Strangers", year=2023)
    for position, name in enumerate(["Drama", "Romance", "Fantasy"]):
        film.genre_links.create(genre=GenreFactory(name=name), position=position)
    CreditFactory(film=film, character="Adam")
    AvailabilityFactory(film=film, provider="Disney+")
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(Counter(), page, "editor")
    page.goto(f"/admin/reviews/film/{film.pk}/change/")
    expect(page.locator("#content")).to_be_visible()
    if folder := os.environ.get("SCREENSHOT_DIR"):
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=f"{folder}/film-form-{width}.png", full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the film form at {width}px runs {overflow}px off the page"
    assert page.evaluate(CUT_OFF_CELLS) == []
    delete = page.locator(".film-genres tr.has_original td.delete").first
    assert delete.bounding_box()["x"] + delete.bounding_box()["width"] <= width
