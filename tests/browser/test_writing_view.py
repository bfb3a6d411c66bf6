"""A writer's story in the writing view: a review with a link, emphasis, a pull quote and an
image uploaded into the library from the same form; each seen in the live preview, saved with
Ctrl+S, and the public page shows the same text. axe-core checks the view at 1280 and 768 px,
and screenshots of both are kept in test-artifacts/."""

import io
import re
from pathlib import Path

from django.utils import timezone
from PIL import Image as PillowImage
from playwright.sync_api import Page, expect

from library.models import Image
from reviews.models import Review
from tests.factories import FilmFactory

from .test_editorial_story import log_in

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
HEADLINE = "A ghost story about grief, in a London tower block"
LINK = "https://example.com/andrew-haigh"
ALT = "Two men on a night bus, lit orange by the street lamps"


def a_photo(path: Path) -> Path:
    """A real photograph-sized JPEG, wide, with its subject to the right."""
    image = PillowImage.new("RGB", (1600, 900), (30, 30, 60))
    image.paste((220, 140, 40), (1100, 300, 1400, 700))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def axe_violations(page: Page) -> list[str]:
    """Every axe-core violation on the page, of any impact."""
    page.evaluate(AXE.read_text() + "\n;undefined")
    # No preload: axe would re-read the admin's @import-ed stylesheets through <style>
    # elements of its own, which the page's CSP rightly refuses (and the suite counts).
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], preload: false})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in results["violations"]
    ]


def test_writer_writes_previews_and_publishes_the_same_page(open_page, writer, tmp_path):
    film = FilmFactory(title="All of Us Strangers", year=2023)
    ARTIFACTS.mkdir(exist_ok=True)
    page = log_in(open_page(), "writer")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto("/admin/reviews/review/add/")

    # Nothing to preview before the film is chosen; then the page appears.
    page.click(".field-film .select2-selection")
    page.fill(".select2-search__field", "Strangers")
    page.click(".select2-results__option >> text=All of Us Strangers")
    page.fill("#id_headline", HEADLINE)
    preview = page.frame_locator("#writing-preview-frame")
    expect(preview.locator("h1")).to_have_text(HEADLINE)

    # A link: type the words, select them from the keyboard, Ctrl+K, type the address.
    body = page.locator("#id_body")
    body.click()
    body.press_sequentially("Directed by Andrew Haigh")
    for _ in range("Andrew Haigh".__len__()):
        body.press("Shift+ArrowLeft")
    body.press("Control+k")
    page.keyboard.type(LINK)
    body.press("End")
    # Emphasis from the toolbar: Italic puts a placeholder in, selected, to type over.
    body.press_sequentially(".\n\nIt is ")
    page.click(".writing-toolbar button[data-format=italic]")
    page.keyboard.type("tender")
    body.press("End")
    body.press_sequentially(" and very sad.")
    # A pull quote from the toolbar, on its own lines.
    page.click(".writing-toolbar button[data-format=pullquote]")
    page.keyboard.type("Grief, told as a ghost story")
    body.press("Control+End")

    # An image: the chooser, an upload into the library, placed at the cursor.
    page.click(".writing-toolbar button[data-format=image]")
    expect(page.locator("#image-chooser")).to_be_visible()
    expect(page.locator("#image-chooser-count")).to_contain_text("No image")
    page.set_input_files("#image-chooser-file", str(a_photo(tmp_path / "night-bus.jpg")))
    page.click("#image-chooser-upload button[type=submit]")
    expect(page.locator("#image-chooser-errors")).to_contain_text("Describe the image")
    page.fill("#image-chooser-alt", ALT)
    page.fill("#image-chooser-caption", "Andrew Scott and Paul Mescal")
    page.fill("#image-chooser-credit", "Searchlight Pictures")
    page.click("#image-chooser-upload button[type=submit]")
    expect(page.locator("#image-chooser")).to_be_hidden()
    image = Image.objects.get()
    assert image.alt_text == ALT and image.width == 1600
    assert f"![{ALT}](library:{image.pk})" in body.input_value()
    expect(page.locator("#writing-counts")).to_contain_text("min to read")

    # Each is in the live preview, as readers will get it.
    expect(preview.locator(f".review__body a[href='{LINK}']")).to_have_text("Andrew Haigh")
    expect(preview.locator(".review__body em")).to_have_text("tender")
    expect(preview.locator(".review__body aside.pull-quote")).to_have_text(
        "Grief, told as a ghost story"
    )
    figure = preview.locator(".review__body figure.body-image")
    expect(figure.locator("img")).to_have_attribute("alt", ALT)
    expect(figure.locator("source[type='image/webp']")).to_have_attribute(
        "srcset", re.compile(r"320w\.webp 320w, .*1280w")
    )
    expect(figure.locator("figcaption")).to_contain_text("Searchlight Pictures")
    preview_body = preview.locator(".review__body").inner_html()

    # The same library image as the lead image, found with the lead image's search box.
    page.click(".field-lead_image .select2-selection")
    page.fill(".select2-search__field", "night bus")
    page.click(f".select2-results__option >> text={ALT}")
    expect(preview.locator(".review__lead img")).to_have_attribute("alt", ALT)

    # The view, at 1280 and 768 px: no axe violations; screenshots kept.
    page.screenshot(path=str(ARTIFACTS / "writing-view-1280.png"))
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 768, "height": 1000})
    page.screenshot(path=str(ARTIFACTS / "writing-view-768.png"), full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 1000})

    # Ctrl+S saves and keeps the writer in the view.
    body.press("Control+s")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    review = Review.objects.get(headline=HEADLINE)
    assert page.url.endswith(f"/admin/reviews/review/{review.pk}/change/")
    # (Browsers post line ends as CRLF; the text box shows them as LF.)
    expect(page.locator("#id_body")).to_have_value(review.body.replace("\r\n", "\n"))
    # Saved, the form shows the lead image as a thumbnail, not a file name.
    expect(page.locator(".field-lead_image_now img.library-thumb")).to_have_attribute("alt", ALT)
    # Saved, the workflow panel sits beside the text, above the film and the details.
    expect(page.locator(".workflow-panel")).to_be_visible()
    panel, text = page.locator(".workflow-panel").bounding_box(), body.bounding_box()
    assert panel["x"] > text["x"] + text["width"] and panel["y"] < text["y"] + 200
    saved_preview = page.frame_locator("#writing-preview-frame")
    expect(saved_preview.locator(".review__body aside.pull-quote")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "writing-view-saved-1280.png"))
    assert axe_violations(page) == []

    # Once published, the public page shows what the preview showed.
    review.state = Review.State.PUBLISHED
    review.publish_at = timezone.now()
    review.save()
    reader = open_page()
    reader.goto(review.get_absolute_url())
    expect(reader.locator("h1")).to_have_text(HEADLINE)
    assert reader.locator(".review__body").inner_html() == preview_body
    expect(reader.locator(".review__body aside.pull-quote")).to_be_visible()
    expect(reader.locator(".review__lead img")).to_have_attribute("alt", ALT)
    assert film.title in reader.locator(".kicker").inner_text()
