"""Reads HTML the way a browser does, to check what would run: scripts, handlers, links."""

import re
from html.parser import HTMLParser

SAFE_SCHEMES = {"http", "https", "mailto"}


def browser_scheme(url: str) -> str:
    """The scheme a browser would see: tabs and newlines removed, leading junk stripped."""
    url = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(33))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


class MarkupAudit(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.script_sources: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.unsafe_links: list[str] = []
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.titles = 0
        self._in_inline_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "title":
            self.titles += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "script":
            if attributes.get("src"):
                self.script_sources.append(attributes["src"])
            elif attributes.get("type") not in {"application/json", "application/ld+json"}:
                self._in_inline_script = True
                self.inline_scripts.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style":
                self.style_attributes.append(tag)
            is_link = name in {"href", "src", "action", "formaction", "srcset", "xlink:href"}
            if is_link and value and browser_scheme(value) not in {"", *SAFE_SCHEMES}:
                self.unsafe_links.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script:
            self.inline_scripts[-1] += data


def assert_nothing_runs(html: str) -> MarkupAudit:
    """No inline script, event handler or javascript:/data: link; exactly one <title>."""
    audit = MarkupAudit(html)
    assert audit.inline_scripts == [], audit.inline_scripts
    assert audit.handlers == [], audit.handlers
    assert audit.unsafe_links == [], audit.unsafe_links
    assert audit.titles == 1
    return audit


def attack(field: str) -> str:
    """A stored-XSS attempt naming the field it went into; at most 100 characters."""
    return f'</title><script>alert("{field}")</script><img src=x onerror=alert(1)>"\''


def assert_no_live_markup(html: str) -> None:
    """No attack from `attack()` is live, and nothing else on the page would run."""
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert_nothing_runs(html)
