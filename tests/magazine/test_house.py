"""The house rules a reader never sees but every change must keep.

- No template opens an element that another template closes: each file's elements balance
  (counted per element name, so `{% if %}<h2>{% else %}<h3>{% endif %}` pairs stay fine).
- Addresses are built with `reverse()` / `url()`: no template links to a hand-written
  path of the site.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The admin's Django templates and the reader pages' Jinja2 templates.
TEMPLATE_DIRS = (ROOT / "templates", ROOT / "jinja2")
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
DJANGO = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}", re.S)


class ElementCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.opened: Counter[str] = Counter()
        self.closed: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.opened[tag] += 1

    def handle_endtag(self, tag):
        self.closed[tag] += 1


def html_templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


@pytest.mark.parametrize("path", html_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_template_closes_what_it_opens(path):
    counter = ElementCounter()
    counter.feed(DJANGO.sub(" ", path.read_text()))
    counter.close()
    unbalanced = {
        tag: (counter.opened[tag], counter.closed[tag])
        for tag in counter.opened | counter.closed
        if counter.opened[tag] != counter.closed[tag]
    }
    assert not unbalanced, f"opened, closed: {unbalanced}"


def test_no_template_links_to_a_hand_written_site_path():
    hand_written = re.compile(r"""(?:href|src|action)=["']/(?!/)""")
    found = [
        str(path.relative_to(ROOT))
        for path in html_templates()
        if hand_written.search(DJANGO.sub(" ", path.read_text()))
    ]
    assert not found
