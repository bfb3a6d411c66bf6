"""Reads that span several querysets: index pages for readers, the desk for editors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr, Upper
from django.utils import timezone
from taggit.models import Tag

from people.models import Critic, Person

from . import workflow
from .models import Credit, Film, Genre, NewReviewAutosave, Review, ReviewRevision


def next_publish_at_in(generation: str, now: datetime.datetime) -> datetime.datetime | None:
    """When the next scheduled review goes live, looked up once per content generation.

    The schedule only changes when content does (which replaces the generation), so this is
    cached under the generation, and looked up again once the time it names has passed.
    """
    cache = caches["default"]
    key = f"schedule:next-publish:{generation}"
    found = cache.get(key)
    if found is not None and (found[0] is None or found[0] > now):
        return found[0]
    next_publish = Review.objects.next_publish_at(now)
    timeout = max(settings.MAGAZINE_PAGE_CACHE_SECONDS, settings.MAGAZINE_FRAGMENT_CACHE_SECONDS)
    if next_publish is not None:
        timeout = min(timeout, max(1, int((next_publish - now).total_seconds())))
    cache.set(key, (next_publish,), max(1, timeout))
    return next_publish


def critics_with_review_counts() -> QuerySet[Critic]:
    """Active critics with `review_count`, the number of their published reviews."""
    # A correlated count per critic on the (critic, state, publish_at) index; `__in` the
    # published reviews made SQLite list all 100,000 of them first.
    published = Review.objects.published().filter(critic=OuterRef("pk")).order_by()
    count = published.values("critic").annotate(n=Count("pk")).values("n")
    return (
        Critic.objects.active()
        .select_related("person")
        .annotate(review_count=Coalesce(Subquery(count), 0))
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
    published = Review.objects.published().filter(tagged_items__tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(published), slug=slug).first()


def genres_in_use() -> QuerySet[Genre]:
    """Genres with at least one reviewed film, each with `film_count`."""
    reviewed = Film.objects.with_published_reviews()
    return (
        Genre.objects.filter(films__in=reviewed)
        .annotate(film_count=Count("films", distinct=True))
        .order_by("name")
    )


def film_years() -> list[dict]:
    """Each year with reviewed films, newest first: [{"year": 2023, "film_count": 4}, ...]."""
    return list(
        Film.objects.with_published_reviews()
        .values("year")
        .annotate(film_count=Count("pk", distinct=True))
        .order_by("-year")
    )


def film_initials() -> list[str]:
    """The first letters of reviewed films' titles, for the A–Z index."""
    initials = (
        Film.objects.with_published_reviews()
        .annotate(initial=Upper(Substr("title", 1, 1)))
        .values_list("initial", flat=True)
        .distinct()
    )
    return sorted({initial_of(initial) for initial in initials})


def initial_of(title: str) -> str:
    """'A'–'Z' for titles starting with a letter, '#' for the rest."""
    first = title[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def filmography(person: Person) -> QuerySet[Credit]:
    """A person's credits with their films, newest film first (a stable order for paging)."""
    return (
        Credit.objects.filter(person=person)
        .select_related("film")
        .order_by("-film__year", "film__title", "billing_order", "pk")
    )


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


def reviews_visible_to(user: AbstractBaseUser) -> QuerySet[Review]:
    """Reviews this user may see in the admin: all for editors, a writer's own otherwise."""
    reviews = Review.objects.all()
    return reviews if workflow.may_handle_any_review(user) else reviews.owned_by(user)


@dataclass
class Desk:
    waiting_for_review: QuerySet[Review]
    approved: QuerySet[Review]
    scheduled: QuerySet[Review]
    my_drafts: QuerySet[Review]
    recently_published: QuerySet[Review]


def desk_for(user: AbstractBaseUser, now: datetime.datetime | None = None) -> Desk:
    """The editors' overview, limited to what this user may see."""
    now = now or timezone.now()
    reviews = reviews_visible_to(user).for_listing()
    return Desk(
        waiting_for_review=reviews.in_review().order_by("updated_at"),
        approved=reviews.approved().order_by("updated_at"),
        scheduled=reviews.scheduled(now).order_by("publish_at"),
        my_drafts=reviews.drafts_of(user).order_by("-updated_at"),
        recently_published=reviews.published(now).latest_first()[:10],
    )


def autosave_newer_than_saved(*, review: Review, user: AbstractBaseUser) -> ReviewRevision | None:
    """This user's latest autosave, when it is newer than the last real save and differs."""
    autosave = review.revisions.filter(author=user, source=ReviewRevision.Source.AUTOSAVE).first()
    if autosave is None:
        return None
    saved = review.revisions.exclude(source=ReviewRevision.Source.AUTOSAVE).first()
    if saved is not None and saved.created_at >= autosave.created_at:
        return None
    if autosave.data == review.editorial_snapshot():
        return None
    return autosave


def new_review_autosaves_of(
    user: AbstractBaseUser, *, other_than: str | None = None
) -> list[NewReviewAutosave]:
    """This person's autosaved new reviews, never saved as reviews, newest first."""
    autosaves = NewReviewAutosave.objects.filter(author=user)
    if other_than:
        autosaves = autosaves.exclude(key=other_than)
    return list(autosaves)


def new_review_autosave_of(user: AbstractBaseUser, key: str) -> NewReviewAutosave | None:
    """This person's autosave of the new-review form `key`, or None (also for a bad key)."""
    try:
        return NewReviewAutosave.objects.filter(author=user, key=key).first()
    except ValidationError:
        return None
