"""Full-text search helpers that know nothing of the apps: the index, query terms, excerpts.

PostgreSQL does the ranking itself (a stored, weighted search vector with a GIN index); SQLite
uses an FTS5 table (`SQLITE_FULLTEXT_TABLE`, created by a migration, kept in step by the
models) to find the matches. The excerpts shown with results are made here, the same way on
both.
"""

from __future__ import annotations

import functools
import re
from html import unescape

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "english"
MAX_TERMS = 8
EXCERPT_CHARS = 220
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)
# A tag, its quoted attribute values may hold '>' (a Markdown link title "a > b").
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")

# SQLite's full-text table: one row per review (rowid = the review's id) with the searched
# text; unicode61 folds case and accents. See reviews/migrations/0012_review_fulltext_sqlite.py.
SQLITE_FULLTEXT_TABLE = "review_fulltext"
SQLITE_FULLTEXT_COLUMNS = ("headline", "film_title", "standfirst", "body")


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, so SQLite databases still migrate."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class NameTrigramIndex(GinIndex):
    """A trigram GIN index on UPPER(column) on PostgreSQL, which `icontains` (UPPER(..) LIKE
    '%..%') uses instead of reading every row; a plain expression index elsewhere.

        NameTrigramIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="...")

    Needs the pg_trgm extension (TrigramExtension() in the migration that adds it).
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            upper = self.expressions[0].source_expressions[0]  # OpClass(Upper(...))
            plain = models.Index(upper, name=self.name)
            return plain.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def search_terms(query: str) -> list[str]:
    """The words of a reader's query, lower-cased, without repeats, at most MAX_TERMS."""
    terms: list[str] = []
    for word in _WORD.findall((query or "").lower()):
        word = word.strip("'’-")
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def fts5_match(terms: list[str]) -> str:
    """An FTS5 query matching rows that hold every term, each as a word or a word's start:
    '"stranger"* AND "night"*' ("stranger" finds "strangers"). Each term is quoted, so a
    reader's query is never FTS5 syntax; FTS5 splits "sci-fi" into the phrase "sci fi"."""
    return " AND ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def plain_text(html: str) -> str:
    """The text of the sanitised HTML we store (Review.body_html), tags removed, entities
    decoded: what `unescape(strip_tags(html))` gives for it, at a fraction of the cost.

    Only for our own sanitised HTML (nh3 output: every '<' in text is escaped as &lt;,
    no comments), not for arbitrary markup.
    """
    return unescape(_TAG.sub("", html)) if html else ""


def _stem(term: str) -> str:
    """A crude stem, so 'loved' finds 'love' and 'strangers' finds 'stranger' in excerpts."""
    return term if len(term) <= 4 else term[: max(4, len(term) - 2)]


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """A pattern finding any of the terms' stems at a word's start (None without terms)."""
    return _term_pattern(tuple(terms))


@functools.lru_cache(maxsize=256)  # a results page asks for it ~60 times
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    stems = sorted({_stem(term) for term in terms}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(stem) for stem in stems) + r")\w*", re.I)


def contains_terms(text: str, terms: list[str]) -> bool:
    pattern = term_pattern(terms)
    return bool(pattern and text and pattern.search(text))


def excerpt(text: str, terms: list[str], length: int = EXCERPT_CHARS) -> SafeString:
    """Escaped text around the first match, each matching word in <mark>; '' without a match."""
    pattern = term_pattern(terms)
    match = pattern.search(text) if pattern and text else None
    if match is None:
        return mark_safe("")
    start = max(0, match.start() - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space > 0 else end
    window = text[start:end]
    pieces, position = [], 0
    for found in pattern.finditer(window):
        pieces.append(escape(window[position : found.start()]))
        pieces.append(f"<mark>{escape(found.group(0))}</mark>")
        position = found.end()
    pieces.append(escape(window[position:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)
