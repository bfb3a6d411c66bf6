"""Markdown for readers: pull quotes as a real element, library images placed by reference,
nothing else let through; and rendering any body a writer can type costs work in proportion
to its length.

Work is counted as Python function calls (deterministic, unlike a stopwatch on a shared
machine): a body four times as long may cost at most about four times as many calls. The
inputs are the ones that took Python-Markdown minutes ('[' x 30,000: 204 s of CPU).
"""

import sys

import pytest

from magazine.text import ImageReference, library_image_ids, render_markdown


def calls_to_render(source: str) -> int:
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        render_markdown(source)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "unit",
    ["[", "![", "[a](", "![[](", "*a **", "_a", "*_", "<", "<a ", "&#", "\\", "[]", "a\n", "> "]
    # Pull quotes left open, nested, in quotes and lists, closed, over-long; library images.
    + ["::: pullquote\n", "::: pullquote\na\n\n", ":::\n", "> ::: pullquote\n> "]
    + ["- ::: pullquote\n", "::: pullquote\n:::\n", "::::::: pullquote\n:::\n"]
    + ["![a](library:1)\n\n", "a ![a](library:1) "],
)
def test_rendering_work_grows_linearly_with_the_body(unit):
    small = calls_to_render(unit * 2_000)
    large = calls_to_render(unit * 8_000)

    assert large <= 5 * small, (unit, small, large)


def test_the_longest_allowed_body_of_brackets_renders():
    html = render_markdown("[" * 100_000)

    assert html.startswith("<p>[[[")


def test_rendering_keeps_typography_and_sanitising():
    html = render_markdown(
        'He said "it\'s *fine*" -- then... [x](javascript:alert(1)) <script>x</script>\n\n## Head'
    )

    assert "“it’s <em>fine</em>” – then…" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<h2>Head</h2>" in html


def test_a_pull_quote_is_an_aside_with_its_own_markdown():
    html = render_markdown("Before.\n\n::: pullquote\nA *tender* film.\n:::\n\nAfter.")
    assert '<aside class="pull-quote">\n<p>A <em>tender</em> film.</p>\n</aside>' in html
    assert html.startswith("<p>Before.</p>") and html.endswith("<p>After.</p>")


def test_an_unclosed_pull_quote_takes_the_rest_of_the_text():
    html = render_markdown("::: pull quote\nOne.\n\nTwo.")
    assert html == '<aside class="pull-quote">\n<p>One.</p>\n<p>Two.</p>\n</aside>'


def test_a_pull_quote_opened_on_a_quotes_last_line_renders():
    # mdit-py-plugins' container rule read past the end of such a text (IndexError).
    for source in ["> ::: pullquote\n>", "> ::: pullquote\n> ", "- ::: pullquote\n  "]:
        assert '<aside class="pull-quote">' in render_markdown(source)


def test_other_containers_and_indented_markers_are_plain_text():
    assert render_markdown("::: warning\nHi\n:::") == "<p>::: warning\nHi\n:::</p>"
    assert "<aside" not in render_markdown("    ::: pullquote\n    A line.\n    :::")


def test_raw_html_cannot_forge_classes_or_images():
    html = render_markdown(
        '<aside class="pull-quote evil" onclick="x()">a</aside>\n\n'
        '<img src="https://tracker.example/p.gif" onerror="x()">\n\n'
        "![remote](https://tracker.example/p.gif) ![local](/media/x.jpg)"
    )
    assert "onclick" not in html and "evil" not in html and "onerror" not in html
    assert "<img" not in html and "tracker" not in html and "/media/" not in html


def test_library_images_are_rendered_by_the_caller_in_order():
    seen = []

    def render_images(references: list[ImageReference]) -> list[str]:
        seen.extend(references)
        return [f"<figure>{r.image_id}</figure>" for r in references]

    html = render_markdown(
        'Text.\n\n![A bus "at night"](library:42)\n\nA line with ![](library:7) inside.',
        render_images=render_images,
    )
    assert seen == [
        ImageReference(image_id=42, alt='A bus "at night"', standalone=True),
        ImageReference(image_id=7, alt="", standalone=False),
    ]
    assert "<figure>42</figure>\n<p>A line with <figure>7</figure> inside.</p>" in html
    # Without a renderer the references disappear rather than leak as broken images.
    assert "<img" not in render_markdown("![a](library:42)")
    assert library_image_ids("![a](library:42) ![b](library:7)") == {42, 7}
