"""Unique slugs for rows made in place (a person or genre typed into a film's form)."""

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(queryset: QuerySet, text: str, max_length: int = 200) -> str:
    """A slug of `text` that no row of `queryset` has yet: “andrew-scott”, “andrew-scott-2”."""
    base = (slugify(text) or "untitled")[: max_length - 4].strip("-") or "untitled"
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
