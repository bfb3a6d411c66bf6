"""Markdown for readers: pull quotes as a real element, library images placed by reference,
nothing else let through."""

from magazine.text import ImageReference, library_image_ids, render_markdown


def test_a_pull_quote_is_an_aside_with_its_own_markdown():
    html = render_markdown("Before.\n\n::: pullquote\nA *tender* film.\n:::\n\nAfter.")
    assert '<aside class="pull-quote">\n<p>A <em>tender</em> film.</p>\n</aside>' in html
    assert html.startswith("<p>Before.</p>") and html.endswith("<p>After.</p>")


def test_an_unclosed_pull_quote_takes_the_rest_of_the_text():
    html = render_markdown("::: pull quote\nOne.\n\nTwo.")
    assert html == '<aside class="pull-quote">\n<p>One.</p>\n<p>Two.</p>\n</aside>'


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
