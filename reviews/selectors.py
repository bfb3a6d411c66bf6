"""Reads for index pages that span people, films, reviews and tags, each in one query."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, Upper
from taggit.models import Tag

from people.models import Critic, Person

from .models import Film, Genre, Review


def critics_with_review_counts() -> QuerySet[Critic]:
    """Active critics with `review_count`, the number of their published reviews."""
    return (
        Critic.objects.active()
        .select_related("person")
        .annotate(review_count=Count("reviews", filter=Q(reviews__in=Review.objects.published())))
        .order_by("byline")
    )


def tags_in_use() -> QuerySet[Tag]:
    """Tags on at least one published review, each with `review_count`, by name."""
    published = Review.objects.published()
    return (
        Tag.objects.filter(review__in=published)
        .annotate(review_count=Count("review", distinct=True))
        .order_by("name")
    )


def tag_with_reviews(slug: str) -> Tag | None:
    """The tag with this slug if any published review carries it (else readers see a 404)."""
    return Tag.objects.filter(slug=slug, review__in=Review.objects.published()).first()


def genres_in_use() -> QuerySet[Genre]:
    """Genres with at least one reviewed film, each with `film_count`."""
    reviewed = Film.objects.filter(reviews__in=Review.objects.published())
    return (
        Genre.objects.filter(films__in=reviewed)
        .annotate(film_count=Count("films", distinct=True))
        .order_by("name")
    )


def film_years() -> list[dict]:
    """Each year with reviewed films, newest first: [{"year": 2023, "film_count": 4}, ...]."""
    return list(
        Film.objects.filter(reviews__in=Review.objects.published())
        .values("year")
        .annotate(film_count=Count("pk", distinct=True))
        .order_by("-year")
    )


def film_initials() -> list[str]:
    """The first letters of reviewed films' titles, for the A–Z index."""
    initials = (
        Film.objects.filter(reviews__in=Review.objects.published())
        .annotate(initial=Upper(Substr("title", 1, 1)))
        .values_list("initial", flat=True)
        .distinct()
    )
    return sorted({initial_of(initial) for initial in initials})


def initial_of(title: str) -> str:
    """'A'–'Z' for titles starting with a letter, '#' for the rest."""
    first = title[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def people_search(query_terms: list[str]) -> QuerySet[Person]:
    condition = Q()
    for term in query_terms:
        condition &= Q(name__icontains=term)
    return Person.objects.filter(condition).select_related("critic").order_by("name")


def critics_search(query_terms: list[str]) -> QuerySet[Critic]:
    condition = Q()
    for term in query_terms:
        condition &= Q(byline__icontains=term)
    return Critic.objects.filter(condition).order_by("byline")
