"""The pages the benchmark measures: the one list to edit when a page is added.

A path may name sample objects the probe picks from the catalogue: {review}, {review_pk},
{film}, {critic}, {person}, {tag}, {genre}, {query}. Every page must answer 200: a 404 stops
the run (a renamed URL must be fixed here, not silently skipped).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    staff: bool = False  # requested with a logged-in superuser's session
    # Built from cached parts (reviews/review_page.py): also measured with that cache off.
    parts: bool = False


PAGES = [
    Page("home", "/"),
    Page("review", "/reviews/{review}/", parts=True),
    Page("film", "/films/{film}/"),
    Page("critic", "/critics/{critic}/"),
    Page("person", "/people/{person}/"),
    Page("tag", "/tags/{tag}/"),
    Page("genre", "/genres/{genre}/"),
    Page("film index", "/films/"),
    Page("critic index", "/critics/"),
    Page("tag index", "/tags/"),
    Page("search", "/search/?q={query}"),
    Page("feed", "/feed/"),
    Page("atom feed", "/feed/atom/"),
    Page("sitemap", "/sitemap.xml"),
    Page("admin changelist", "/admin/reviews/review/", staff=True),
    Page("admin change", "/admin/reviews/review/{review_pk}/change/", staff=True),
]

# The baselines every page is compared with, measured in the same run.
FLOOR_PATH = "/_bench/floor/"  # a Django view returning fixed bytes (bench/views.py)
STATIC_PATH = "/static/bench/floor-{size}.html"  # the same bytes as a static file (WhiteNoise)
