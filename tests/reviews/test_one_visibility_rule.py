"""Who may see a review is decided in one place: `ReviewQuerySet` (`published()`, `scheduled()`,
`published_or_scheduled()`) and `FilmQuerySet` in reviews/models/ (review.py, catalogue.py),
with the data derived from it (the counts readers see, the topic pages' publish times) in
reviews/tallies.py.

This test reads the source of every app module and fails when code anywhere else filters
reviews (or films, taggings) by state, publish time, embargo or their stored copies: such a
copy of the rule is how a draft or an embargoed review leaks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("magazine", "people", "reviews")

# Lookups that decide visibility, as the last or any part of a queryset keyword.
VISIBILITY_FIELDS = re.compile(
    r"(^|__)(state|publish_at|review_published_at|tally_first_publish_at|tally_published_reviews"
    r"|review_embargo_until|published_reviews)(__|$)"
)
QUERY_CALLS = {"filter", "exclude", "get", "Q", "get_or_create", "update_or_create", "Exists"}

# Where the rule and its derived data live, and the editors' side, which filters by editorial
# state on purpose (the desk's lists, the workflow, assignments, the release calendar) and
# never decides what readers see: file -> the classes or functions allowed in it (None: all).
HOMES = {
    "reviews/models/review.py": {"ReviewQuerySet"},
    "reviews/models/catalogue.py": {"FilmQuerySet"},
    "reviews/models/desk.py": {"AssignmentQuerySet"},
    "reviews/tallies.py": None,
    "reviews/selectors.py": {"sent_back", "desk_for"},
    "reviews/list_filters.py": {"ReviewStateFilter"},  # the admin list's editorial states
}
EDITORIAL = {
    "reviews/workflow.py",
    "reviews/services.py",
    "reviews/admin.py",
    "reviews/calendar.py",
    "reviews/embargoes.py",  # the film form's list of reviews an embargo holds back
}


def visibility_filters(source: str, allowed_classes: set[str] | None = None) -> list[str]:
    """Every `filter(state=...)`-like call in `source` outside `allowed_classes`."""
    tree = ast.parse(source)
    found: list[str] = []

    def visit(node: ast.AST, inside: str | None) -> None:
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and (
            inside is None or allowed_classes is None or inside not in allowed_classes
        ):
            inside = node.name
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in QUERY_CALLS and (allowed_classes is None or inside not in allowed_classes):
                for keyword in node.keywords:
                    if keyword.arg and VISIBILITY_FIELDS.search(keyword.arg):
                        found.append(f"line {node.lineno}: {name}({keyword.arg}=...)")
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, None)
    return found


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_no_code_outside_the_visibility_module_filters_reviews_for_readers():
    offenders = {}
    for path in app_modules():
        name = path.relative_to(ROOT).as_posix()
        if name in EDITORIAL:
            continue
        if name in HOMES and HOMES[name] is None:
            continue
        found = visibility_filters(path.read_text(), allowed_classes=HOMES.get(name, set()))
        if found:
            offenders[name] = found
    assert offenders == {}, (
        "Filter through Review.objects.published()/scheduled() or reviews.tallies instead: "
        f"{offenders}"
    )


def test_the_check_finds_a_copy_of_the_rule():
    reader_view = """
def home(request):
    return Review.objects.filter(state="published", publish_at__lte=now())
def topic(tag):
    return TaggedReview.objects.filter(content_object__state=Review.State.PUBLISHED)
def films():
    return Film.objects.exclude(Q(review_embargo_until__gt=now()))
"""
    assert visibility_filters(reader_view) == [
        "line 3: filter(state=...)",
        "line 3: filter(publish_at__lte=...)",
        "line 5: filter(content_object__state=...)",
        "line 7: Q(review_embargo_until__gt=...)",
    ]
    rule = "class ReviewQuerySet:\n    def published(self):\n        return self.filter(state=1)\n"
    assert visibility_filters(rule, allowed_classes={"ReviewQuerySet"}) == []
    assert visibility_filters(rule, allowed_classes=set()) == ["line 3: filter(state=...)"]
