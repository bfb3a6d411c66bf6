"""A reader's walk through the site at phone and desktop widths, with axe-core on each page."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils.text import slugify

from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    LibraryImageFactory,
    PersonFactory,
    ReviewFactory,
    image_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BODY = (
    "Adam lives almost alone in a new tower block at the edge of London, and the people he "
    "most needs to speak to have been gone for decades.\n\n"
    "When he takes the train to the suburb where he grew up, his parents are at home, exactly "
    "the age they were. The film treats this as neither puzzle nor trick.\n\n"
    "> The visits play as long, careful conversations.\n\n"
    "Back in the tower, a neighbour knocks with a bottle and an invitation."
)


@pytest.fixture
def world(transactional_db):
    drama = GenreFactory(name="Drama", slug="drama")
    film = FilmFactory(
        title="All of Us Strangers",
        slug="all-of-us-strangers",
        year=2023,
        synopsis="A lonely screenwriter meets his neighbour and, at his childhood home, his "
        "long-dead parents.",
        source_title="Strangers",
        source_kind="novel",
        source_author="Taichi Yamada",
    )
    film.genres.add(drama)
    film.poster = LibraryImageFactory(
        file=ContentFile(image_bytes(1000, 1500), name="strangers.jpg"),
        alt_text="Poster for All of Us Strangers (2023)",
    )
    film.save()
    CreditFactory(film=film, person__name="Andrew Haigh", role="director", character="")
    for order, (name, character) in enumerate([("Andrew Scott", "Adam"), ("Paul Mescal", "Harry")]):
        CreditFactory(film=film, person__name=name, character=character, billing_order=order + 1)
    AvailabilityFactory(film=film, provider="Hulu")
    kimber = CriticFactory(
        person=PersonFactory(name="Kimber Myers"),
        bio="Kimber Myers writes about film and television.",
        affiliations="Los Angeles Times",
    )
    kimber.headshot = LibraryImageFactory(
        file=ContentFile(image_bytes(500, 500), name="kimber.jpg"), alt_text="Kimber Myers"
    )
    kimber.save()
    conor = CriticFactory(person=PersonFactory(name="Conor Bryce"))
    lead = ReviewFactory(
        published=True,
        film=film,
        critic=kimber,
        headline="A ghost story about learning to be loved",
        slug="all-of-us-strangers-kimber-myers",
        standfirst="Andrew Haigh's most tender film, and his most devastating.",
        body=BODY,
        rating=Decimal("4.5"),
        tags=["grief", "ghost stories"],
        lead_image=LibraryImageFactory(
            file=ContentFile(image_bytes(1600, 900), name="lead.jpg"),
            alt_text="A man alone at a tower-block window at night",
        ),
    )
    ReviewFactory(
        published=True,
        film=film,
        critic=conor,
        headline="Going back to the year's quietest heartbreak",
        body=BODY,
        kind="retrospective",
        tags=["grief"],
    )
    other = FilmFactory(title="Aftersun", slug="aftersun", year=2022)
    ReviewFactory(published=True, film=other, critic=kimber, headline="A holiday remembered")
    return {"film": film, "lead": lead, "critic": kimber}


def check_accessibility(page, name: str) -> None:
    """No serious or critical axe-core violations on this page; save what it looked like."""
    # Scroll through once so lazily loaded images are in the screenshot too.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # Evaluated through the browser's debugging protocol, which the page's CSP (script-src
    # 'self', no inline) rightly does not allow as an inline <script> tag.
    page.evaluate(AXE.read_text() + "\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{name}: " + "; ".join(serious)
    assert page.locator("h1").count() == 1, f"{name} should have exactly one h1"
    assert page.locator("html").get_attribute("lang") == "en"
    for image in page.locator("img").all():
        assert image.get_attribute("alt"), f"{name}: image without alt text"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_reader_walks_home_review_critic_film_tag_search(live_server, browser, world, device):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[device], base_url=live_server.url)
    page = context.new_page()

    def visit(kind: str) -> None:
        page.wait_for_load_state()
        check_accessibility(page, f"{device}-{kind}")

    page.goto("/")
    assert page.title().startswith("Frame Rate")
    visit("home")

    page.get_by_role("link", name="A ghost story about learning to be loved").first.click()
    page.wait_for_url("**/reviews/all-of-us-strangers-kimber-myers/")
    assert page.locator("h1").inner_text() == "A ghost story about learning to be loved"
    lead = page.locator(".review__lead img")
    # Cropped to 3:2 around the focal point (the middle): 1350 of the 1600 pixels across.
    assert lead.get_attribute("width") == "1350" and lead.get_attribute("height") == "900"
    assert page.locator(".review__lead source[type='image/webp']").count() == 1
    assert lead.evaluate("image => image.complete && image.naturalWidth > 0")
    visit("review")

    page.locator(".byline").get_by_role("link", name="Kimber Myers").click()
    page.wait_for_url("**/critics/kimber-myers/")
    visit("critic")

    page.get_by_role("link", name="All of Us Strangers (2023)").first.click()
    page.wait_for_url("**/films/all-of-us-strangers/")
    assert page.locator("h1").inner_text().startswith("All of Us Strangers")
    visit("film")

    page.get_by_role("link", name="Going back to the year's quietest heartbreak").click()
    page.get_by_role("link", name="grief").click()
    page.wait_for_url(f"**/tags/{slugify('grief')}/")
    assert page.locator(".review-card").count() == 2
    visit("tag")

    search_box = page.get_by_role("searchbox", name="Search reviews, films and people")
    search_box.fill("tower block")
    search_box.press("Enter")
    page.wait_for_url("**/search/?q=tower+block")
    assert page.locator(".search-result").count() == 2
    assert page.locator(".search-result mark").count() >= 2
    visit("search")

    page.goto("/no-such-page/")
    visit("not-found")
    context.close()


def test_skip_link_shows_on_first_tab_and_moves_focus(live_server, page, world):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
