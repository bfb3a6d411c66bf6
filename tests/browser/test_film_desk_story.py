"""The whole film-desk job in a real browser, counting what it costs: an editor enters a film
(poster, genre, director and a five-person cast, every person new, billing order changed by
dragging) on one page, assigns it from the release calendar; the writer starts the review
from "Assigned to me" and submits; the editor sends it back; the writer sees the comment at
the top, revises and resubmits; the editor approves and schedules. Then a reader sees it all.
Genres are ordered as credits are: the last test drags them.

Every click (and file choice, option choice and drag) is counted, as is every page load;
the budget is 40 clicks and no pop-up windows (it was about 86 clicks and 14 pop-ups)."""

import datetime

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from reviews.models import Assignment, Film, Review
from tests.factories import PASSWORD, image_bytes

HEADLINE = "Grief, in a London tower block at night"
CAST = ["Andrew Scott", "Paul Mescal", "Jamie Bell", "Claire Foy", "Carter John Grout"]


class Counter:
    """Counts clicks (made through it) and page loads and pop-ups (seen by listening)."""

    def __init__(self):
        self.clicks = 0
        self.loads = 0
        self.popups = 0

    def watch(self, page: Page) -> Page:
        page.on(
            "framenavigated",
            lambda frame: (
                setattr(self, "loads", self.loads + 1) if frame == page.main_frame else None
            ),
        )
        page.on("popup", lambda popup: setattr(self, "popups", self.popups + 1))
        return page

    def click(self, page: Page, selector: str, **kwargs) -> None:
        self.clicks += 1
        page.locator(selector).first.click(**kwargs)


def log_in(counter: Counter, page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    counter.click(page, "input[type=submit]")
    expect(page.locator("#desk-summary")).to_be_visible()


def choose_new(counter: Counter, page: Page, container: str, name: str) -> None:
    """Types a name into a creating autocomplete and adds it as new, in place."""
    counter.click(page, f"{container} .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url):
        search.fill(name)  # the known names arrive; "Add … as new" stays last
    counter.click(page, f".select2-results__option >> text=Add “{name}” as a new")
    expect(page.locator(f"{container} .select2-selection")).not_to_contain_text("Add “")
    expect(page.locator(f"{container} .select2-selection")).to_contain_text(name)


def choose_existing(counter: Counter, page: Page, container: str, name: str) -> None:
    counter.click(page, f"{container} .select2-selection")
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url):
        page.locator(".select2-container--open .select2-search__field").fill(name)
    counter.click(
        page, f".select2-results__option:not(.select2-results__option--disabled) >> text={name}"
    )


def test_from_an_empty_film_to_a_scheduled_review_in_at_most_40_clicks(
    open_page, writer, editor, tmp_path
):
    counter = Counter()
    today = timezone.localdate()
    opens = today + datetime.timedelta(days=5)
    poster = tmp_path / "poster.jpg"
    poster.write_bytes(image_bytes(600, 900))

    # The editor enters the film on one page.
    editor_page = counter.watch(open_page())
    log_in(counter, editor_page, "editor")
    editor_page.goto("/admin/reviews/film/add/")
    editor_page.fill("#id_title", "All of Us Strangers")
    editor_page.fill("#id_year", "2023")
    choose_new(counter, editor_page, "#genre_links-0", "Ghost story")
    counter.clicks += 1  # choosing the poster file is a click in a real browser
    # (Uploaded into the media library from the film's own form: no pop-up.)
    editor_page.set_input_files("#id_poster_upload", str(poster))
    choose_new(counter, editor_page, "#credits-0", "Andrew Haigh")
    counter.clicks += 1  # choosing "Director" in the role menu
    editor_page.select_option("#id_credits-0-role", "director")
    for _ in range(3):  # three spare rows come with the form; three more for six credits
        counter.click(editor_page, "#credits-group .add-row a")
    # The cast, each a new person, in the order the names come to mind.
    order = [CAST[0], CAST[1], CAST[3], CAST[4], CAST[2]]
    for row, name in enumerate(order, start=1):
        choose_new(counter, editor_page, f"#credits-{row}", name)
        editor_page.fill(f"#id_credits-{row}-character", f"Role {row}")
    for row in range(6):  # numbered automatically
        expect(editor_page.locator(f"#id_credits-{row}-billing_order")).to_have_value(str(row + 1))
    # Jamie Bell is billed third: drag his row above Claire Foy's.
    counter.clicks += 1
    editor_page.locator("#credits-5 .credit-drag").drag_to(editor_page.locator("#credits-3"))
    expect(editor_page.locator("#id_credits-5-billing_order")).to_have_value("4")
    expect(editor_page.locator("#id_credits-3-billing_order")).to_have_value("5")
    # And the keyboard way: move the last row up and back down with its buttons.
    editor_page.locator("#credits-4 .credit-move[aria-label='Move up']").press("Enter")
    expect(editor_page.locator("#id_credits-4-billing_order")).to_have_value("5")
    editor_page.locator("#credits-4 .credit-move[aria-label='Move down']").press("Enter")
    expect(editor_page.locator("#id_credits-4-billing_order")).to_have_value("6")
    # It opens in theaters in five days.
    counter.clicks += 1
    editor_page.select_option("#id_availabilities-0-kind", "theatrical")
    editor_page.fill("#id_availabilities-0-starts_on", opens.isoformat())
    counter.click(editor_page, "input[name=_save]")
    expect(editor_page.locator(".messagelist")).to_contain_text("was added successfully")
    film = Film.objects.get(title="All of Us Strangers")
    assert [c.person.name for c in film.cast] == CAST
    assert film.directors[0].name == "Andrew Haigh" and film.poster
    assert [g.name for g in film.genres.all()] == ["Ghost story"]

    # The calendar flags it (opens within 14 days, nobody on it); the editor assigns it.
    editor_page.goto(f"/admin/reviews/film/calendar/?date={opens.isoformat()}")
    expect(editor_page.locator(".calendar-uncovered")).to_contain_text("All of Us Strangers")
    expect(editor_page.locator(".calendar .kind-theatrical.flagged")).to_contain_text(
        "All of Us Strangers"
    )
    counter.click(editor_page, ".calendar-uncovered >> text=Assign it")
    choose_existing(counter, editor_page, ".field-critic", writer.critic.byline)
    editor_page.fill("#id_due_on", (today + datetime.timedelta(days=3)).isoformat())
    editor_page.fill("#id_note", "800 words; the press screening is on Tuesday.")
    counter.click(editor_page, "input[name=_save]")
    assignment = Assignment.objects.get(film=film)

    # The writer starts it from "Assigned to me", writes and submits.
    writer_page = counter.watch(open_page())
    log_in(counter, writer_page, "writer")
    writer_page.goto("/admin/reviews/review/desk/")
    expect(writer_page.locator("#desk-assigned")).to_contain_text("800 words")
    counter.click(writer_page, "#desk-assigned >> text=Start the review")
    writer_page.fill("#id_headline", HEADLINE)
    writer_page.fill("#id_body", "Andrew Haigh adapts Taichi Yamada.\n\nThe ending tells all.")
    counter.click(writer_page, "input[name=_continue]")
    expect(writer_page.locator("#workflow-title")).to_contain_text("Draft")
    # The preview link can be copied with one press.
    expect(writer_page.locator(".workflow-share-copy")).to_be_visible()
    counter.click(writer_page, "button[value=submit]")
    review = Review.objects.get(headline=HEADLINE)
    assignment.refresh_from_db()
    assert assignment.review == review

    # The editor sends it back with a comment.
    editor_page.goto("/admin/reviews/review/desk/")
    counter.click(editor_page, f"#desk-waiting >> text={HEADLINE}")
    editor_page.fill("#id_comment", "Please do not give the ending away.")
    counter.click(editor_page, "button[value=request_changes]")
    expect(editor_page.locator(".messagelist")).to_contain_text("It is now draft")

    # The writer finds it under "Sent back to me", the comment at the top; revises, resubmits.
    writer_page.goto("/admin/reviews/review/desk/")
    expect(writer_page.locator("#desk-sent-back")).to_contain_text("do not give the ending")
    counter.click(writer_page, f"#desk-sent-back >> text={HEADLINE}")
    expect(writer_page.locator(".workflow-sent-back")).to_contain_text("do not give the ending")
    writer_page.fill("#id_body", "Andrew Haigh adapts Taichi Yamada, and keeps its secret.")
    counter.click(writer_page, "input[name=_continue]")
    counter.click(writer_page, "button[value=submit]")
    expect(writer_page.locator(".messagelist")).to_contain_text("It is now in review")

    # The editor approves and schedules it for 09:00 on the day it opens.
    goes_out = datetime.datetime.combine(
        opens, datetime.time(9, 0), timezone.get_current_timezone()
    )
    editor_page.goto("/admin/reviews/review/desk/")
    counter.click(editor_page, f"#desk-waiting >> text={HEADLINE}")
    counter.click(editor_page, "button[value=approve]")
    editor_page.fill("#id_publish_at", goes_out.strftime("%Y-%m-%dT%H:%M"))
    counter.click(editor_page, "button[value=schedule]")
    expect(editor_page.locator(".messagelist")).to_contain_text("It is now scheduled for")

    assert counter.popups == 0
    assert counter.clicks <= 40, counter.clicks
    print(
        f"\nfilm desk story: {counter.clicks} clicks, {counter.loads} page loads, "
        f"{counter.popups} pop-ups"
    )

    # What a reader then sees, from 09:00 that day.
    reader = open_page()
    with time_machine.travel(goes_out + datetime.timedelta(minutes=1), tick=False):
        reader.goto(review.get_absolute_url())
        expect(reader.locator("h1")).to_have_text(HEADLINE)
        main = reader.locator("main")
        expect(main).to_contain_text("keeps its secret")
        expect(main).not_to_contain_text("The ending tells all")
        expect(main).to_contain_text("All of Us Strangers")
        reader.goto(film.get_absolute_url())
        main = reader.locator("main")
        for name in CAST:
            expect(main).to_contain_text(name)
        text = main.inner_text()
        assert [text.index(name) for name in CAST] == sorted(text.index(n) for n in CAST)
        expect(main).to_contain_text("Andrew Haigh")
        expect(reader.locator("main img").first).to_be_visible()


def test_genres_are_ordered_by_dragging_and_readers_see_that_order(open_page, editor):
    counter = Counter()
    page = counter.watch(open_page())
    log_in(counter, page, "editor")
    page.goto("/admin/reviews/film/add/")
    page.fill("#id_title", "All of Us Strangers")
    page.fill("#id_year", "2023")
    choose_new(counter, page, "#genre_links-0", "Romance")
    choose_new(counter, page, "#genre_links-1", "Ghost story")
    expect(page.locator("#id_genre_links-0-position")).to_have_value("1")
    expect(page.locator("#id_genre_links-1-position")).to_have_value("2")
    # Ghost story should be named first: drag its row above Romance's.
    page.locator("#genre_links-1 .credit-drag").drag_to(page.locator("#genre_links-0"))
    expect(page.locator("#id_genre_links-1-position")).to_have_value("1")
    expect(page.locator("#id_genre_links-0-position")).to_have_value("2")
    # And back down with the keyboard.
    page.locator("#genre_links-1 .credit-move[aria-label='Move down']").press("Enter")
    expect(page.locator("#id_genre_links-1-position")).to_have_value("2")
    page.locator("#genre_links-1 .credit-move[aria-label='Move up']").press("Enter")
    expect(page.locator("#id_genre_links-1-position")).to_have_value("1")
    counter.click(page, "input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    film = Film.objects.get(title="All of Us Strangers")
    assert [link.genre.name for link in film.genre_links.all()] == ["Ghost story", "Romance"]
    page.goto(film.get_absolute_url())
    assert "Ghost story, Romance" in page.locator("main").inner_text()
