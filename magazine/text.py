"""Markdown to safe HTML: the one place reader-facing rich text is rendered.

Imports nothing of the apps, so both `people` and `reviews` may use it.
"""

from urllib.parse import urlsplit

import markdown
import nh3

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


def render_markdown(source: str) -> str:
    """Return sanitised HTML for Markdown source: no script, event handler or unsafe link."""
    html = markdown.markdown(source or "", extensions=["smarty"], output_format="html")
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
