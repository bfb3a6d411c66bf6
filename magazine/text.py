"""Markdown to safe HTML: the one place reader-facing rich text is rendered.

Imports nothing of the apps, so both `people` and `reviews` may use it.
"""

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# CommonMark (markdown-it-py): its parser is linear in the length of any input, where
# Python-Markdown took minutes on a body of 30,000 "[" (tests/magazine/test_text.py).
# Typographer: curly quotes, dashes and ellipses, as the smarty extension gave before.
_markdown = MarkdownIt("commonmark", {"typographer": True}).enable(["replacements", "smartquotes"])
# Every link is parsed as a link and nh3 alone decides which addresses survive (one sanitiser):
# a refused address leaves the link's words, not the raw Markdown around them.
_markdown.validateLink = lambda url: True
# Control characters mean nothing in prose; left in, they would keep a link from parsing.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_markdown(source: str) -> str:
    """Return sanitised HTML for Markdown source: no script, event handler or unsafe link."""
    html = _markdown.render(_CONTROL_CHARACTERS.sub("", source or "")).rstrip("\n")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


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
