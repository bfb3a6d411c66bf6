"""Markdown to safe HTML: the one place reader-facing rich text is rendered.

Beyond plain Markdown, two things a review needs (docs/workflow.md shows writers both):
- a pull quote, written as a fenced block and rendered as `<aside class="pull-quote">`:

      ::: pullquote
      The line to set large.
      :::

- an image from the media library, written as `![description](library:42)`; the caller
  renders those (this module knows no models) after the text is sanitised.

Imports nothing of the apps, so both `people` and `reviews` may use it.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "blockquote",
    "q",
    "cite",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "sup",
    "sub",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "img": {"src", "alt"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "library"}
PULL_QUOTE_CLASS = "pull-quote"
LIBRARY_IMAGE = re.compile(r"library:(\d{1,18})")


# CommonMark (markdown-it-py): its parser is linear in the length of any input, where
# Python-Markdown took minutes on a body of 30,000 "[" (tests/magazine/test_text.py).
# Typographer: curly quotes, dashes and ellipses, as the smarty extension gave before.
_markdown = MarkdownIt("commonmark", {"typographer": True}).enable(["replacements", "smartquotes"])
# Every link is parsed as a link and nh3 alone decides which addresses survive (one sanitiser):
# a refused address leaves the link's words, not the raw Markdown around them.
_markdown.validateLink = lambda url: True
# Control characters mean nothing in prose; left in, they would keep a link from parsing.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A pull quote opens with `::: pullquote` (or `pull quote`, `pull-quote`, any case) and closes
# with a line of `:::`; left open, it takes the rest of the text. The container plugin finds
# the close by scanning forward once per opening, and markdown-it caps nesting (maxNesting),
# so the work stays linear (tests/magazine/test_text.py counts it on hostile bodies).
PULL_QUOTE_OPENING = re.compile(r"[ \t]*pull[ -]?quote[ \t]*", re.IGNORECASE)


def _render_pull_quote(renderer, tokens, index, options, env) -> str:
    if tokens[index].nesting == 1:
        return f'<aside class="{PULL_QUOTE_CLASS}">\n'
    return "</aside>\n"


container_plugin(
    _markdown,
    "pull_quote",
    marker=":",
    validate=lambda params, markup: bool(PULL_QUOTE_OPENING.fullmatch(params)),
    render=_render_pull_quote,
)


@dataclass(frozen=True)
class ImageReference:
    """An image of the library placed in a text: `![alt](library:42)`."""

    image_id: int
    alt: str
    standalone: bool  # alone in its paragraph: a figure, not an image within a line


# The sanitiser's own serialisation of what survived: <img src="library:N" alt="...">, with
# the paragraph around it when it stood alone. Its output is regular, so a pattern suffices.
IMAGE_TAG = re.compile(r"(<p>)?(<img\b[^>]*>)(</p>)?")
ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')


def _keep_library_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if LIBRARY_IMAGE.fullmatch(value) else None
    return value


def render_markdown(
    source: str,
    *,
    render_images: Callable[[list[ImageReference]], list[str]] | None = None,
) -> str:
    """Return sanitised HTML for Markdown source: no script, event handler or unsafe link.

    `render_images` turns the library images the text places into trusted HTML (one string
    per reference, '' for an image that no longer exists); without it they are left out.
    """
    # A closing newline keeps every line's start inside the text: without it the container
    # plugin reads past the end when a quote's last line opens a pull quote ("> ::: pullquote\n>").
    text = _CONTROL_CHARACTERS.sub("", source or "") + "\n"
    rendered = _markdown.render(text).rstrip("\n")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS | {"aside", "img"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_library_images_only,
        allowed_classes={"aside": {PULL_QUOTE_CLASS}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )

    def reference(match: re.Match) -> ImageReference | None:
        attributes = dict(ATTRIBUTE.findall(match.group(2)))
        found = LIBRARY_IMAGE.fullmatch(attributes.get("src", ""))
        if not found:  # an image from anywhere but the library: dropped
            return None
        return ImageReference(
            image_id=int(found.group(1)),
            alt=html.unescape(attributes.get("alt", "")),
            standalone=bool(match.group(1) and match.group(3)),
        )

    references = [found for m in IMAGE_TAG.finditer(cleaned) if (found := reference(m))]
    replacements = iter(render_images(references) if render_images and references else [])

    def replace(match: re.Match) -> str:
        opening, closing = match.group(1) or "", match.group(3) or ""
        if reference(match) is None:
            return "" if opening and closing else opening + closing
        image_html = next(replacements, "")
        return image_html if opening and closing else opening + image_html + closing

    return IMAGE_TAG.sub(replace, cleaned)


def library_image_ids(source: str) -> set[int]:
    """The ids of the library images a Markdown text refers to (for “where is it used”)."""
    return {int(found) for found in LIBRARY_IMAGE.findall(source or "")}


def word_count(source: str) -> int:
    return len((source or "").split())


def safe_link(url: str) -> str:
    """The URL when it is a plain http(s) link, else '' (no javascript:, data: or tricks).

    Browsers ignore tabs, newlines and leading control characters in a scheme, so
    “java\tscript:” is javascript; only an allowlist of schemes is safe.
    """
    url = (url or "").strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return ""
    parts = urlsplit(url)
    return url if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""
