"""Reads that span several querysets: index pages for readers, the desk for editors."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from taggit.models import Tag

from magazine import freshness
from magazine.fulltext import search_terms
from magazine.prepared import PreparedQuery
from people.models import Critic, Person

from . import page_queries, tallies, workflow
from .models import (
    Assignment,
    Credit,
    Film,
    Genre,
    NewReviewAutosave,
    Review,
    ReviewRevision,
    ReviewTransition,
)


def next_goes_live_at(now: datetime.datetime) -> datetime.datetime | None:
    """When the next scheduled or held review goes live: the moment no cached page may
    outlive. Kept (magazine.freshness) until a review or film changes, or that moment comes."""

    def lookup():
        next_live = Review.objects.next_publish_at(now)
        return next_live, next_live

    with freshness.apart():  # when a page expires, not what it shows
        return freshness.cached(
            "schedule:next-goes-live", lookup, tags=("reviews:list", "films:list"), now=now
        )


def critics_with_review_counts(now: datetime.datetime | None = None) -> list[Critic]:
    """Active critics by byline, each with `review_count`: the number of their published
    reviews, from the kept tallies (`tallies.reviews_by_critic`), as the critic index reads
    them (`with_critic_counts`)."""
    counts = tallies.reviews_by_critic(now)
    critics = list(Critic.objects.active().order_by("byline", "slug"))
    for critic in critics:
        critic.review_count = counts.get(critic.pk, 0)
    return critics


def critic_index_order() -> QuerySet[Critic]:
    """Active critics' pks in the critic index's order (page them, then `with_critic_counts`)."""
    return Critic.objects.active().order_by("byline", "slug").values_list("pk", flat=True)


def with_critic_counts(
    pks: Iterable[int], now: datetime.datetime | None = None
) -> list[tuple[int, int]]:
    """(critic pk, number of published reviews) for these critics, from the kept tallies.

    In Python, not as a CASE in SQL: a CASE with a branch per critic took 70% of the critic
    index's time at 100 critics (building and compiling 100 WHEN clauses per request)."""
    counts = tallies.reviews_by_critic(now)
    return [(pk, counts.get(pk, 0)) for pk in pks]


def tags_in_use(now: datetime.datetime | None = None) -> QuerySet[Tag]:
    """Tags on at least one published review, by name (pass a page of them through
    `with_review_counts`)."""
    return Tag.objects.filter(pk__in=sorted(tallies.reviews_by_tag(now))).order_by("name")


def with_review_counts(tags: Iterable[Tag], now: datetime.datetime | None = None) -> list[Tag]:
    """Tags with `review_count`: how many reviews readers can see under each."""
    counts = tallies.reviews_by_tag(now)
    tags = list(tags)
    for tag in tags:
        tag.review_count = counts.get(tag.pk, 0)
    return tags


def tag_with_reviews(slug: str, now: datetime.datetime | None = None) -> Tag | None:
    """The tag with this slug, with its `review_count`, if any published review carries it
    (else None, and readers see a 404)."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        return None
    tag.review_count = tallies.reviews_by_tag(now).get(tag.pk, 0)
    return tag if tag.review_count > 0 else None


class TaggedReviewsNewestFirst:
    """A topic's published reviews, newest first, for a paginator to slice.

    A slice reads the page's review ids from the (tag, publish time) index of the taggings
    (their copy of the publish time, kept by reviews.tallies), then those reviews, each
    checked again with `is_published`, which stays the rule of what readers see. Joining and
    sorting every review of a topic instead took 12-23 ms at 100,000 reviews.
    """

    def __init__(self, tag: Tag, now: datetime.datetime | None = None):
        self.tag = tag
        self.now = now or timezone.now()

    def __getitem__(self, window: slice) -> list[Review]:
        ids = page_queries.TAGGED_REVIEW_IDS.run(rows=window, tag=self.tag.pk, now=self.now)
        return published_in_order(page_queries.LISTED_REVIEWS_BY_ID, ids)


def published_in_order(reviews: PreparedQuery, ids: list[int]) -> list[Review]:
    """The reviews with these ids, in their order, leaving out any a reader may not see now.

    Read by primary key alone, then each checked with `is_published` (the same rule as
    `published()`): with the visibility conditions in the query, SQLite walks the whole
    (state, publish_at) index instead of looking up 21 ids (15 ms at 100,000 reviews). The
    check also drops a review unpublished since its id was read.
    """
    if not ids:
        return []
    found = {review.pk: review for review in reviews.run(ids=list(ids))}
    return [found[pk] for pk in ids if pk in found and found[pk].is_published]


class SearchResults:
    """Published reviews matching a query, best first (`ReviewQuerySet.search`), for a
    paginator to slice.

    A slice ranks the candidates in a narrow query (review ids and ranks only), then reads
    that page's reviews by id, each checked again with `is_published`. Ranking the full
    rows joined their films and critics for all 200 candidates to show ten: 2.5 ms of
    PostgreSQL's 9 per search at 100,000 reviews.
    """

    def __init__(self, query: str, now: datetime.datetime | None = None):
        self.query = query
        self.now = now or timezone.now()

    def __getitem__(self, window: slice) -> list[Review]:
        if not search_terms(self.query):
            return []
        ranked = list(
            Review.objects.published(self.now).search(self.query).values_list("pk", "rank")[window]
        )
        results = published_in_order(page_queries.SEARCH_RESULTS_BY_ID, [pk for pk, _ in ranked])
        ranks = dict(ranked)
        for review in results:
            review.rank = ranks[review.pk]
        return results


def genres_in_use(now: datetime.datetime | None = None) -> list[Genre]:
    """Genres with at least one reviewed film, each with `film_count`, by name."""
    counts = tallies.film_facets(now)[tallies.GENRE]
    genres = [genre for genre in page_queries.GENRES_BY_NAME.run() if str(genre.pk) in counts]
    for genre in genres:
        genre.film_count = counts[str(genre.pk)]
    return genres


def film_years(now: datetime.datetime | None = None) -> list[dict]:
    """Each year with reviewed films, newest first: [{"year": 2023, "film_count": 4}, ...]."""
    counts = tallies.film_facets(now)[tallies.YEAR]
    years = sorted(((int(year), n) for year, n in counts.items()), reverse=True)
    return [{"year": year, "film_count": n} for year, n in years]


def film_initials(now: datetime.datetime | None = None) -> list[str]:
    """The first letters of reviewed films' titles, for the A–Z index ('#' sorts first)."""
    return sorted(tallies.film_facets(now)[tallies.INITIAL])


def credited_people(now: datetime.datetime | None = None) -> QuerySet[Person]:
    """People credited on a film with a review readers can see.

    Each person's credits (the person index), each credit's film checked for a review readers
    can see (the film index). As `film__in=<films with published reviews>`, SQLite probed
    every such film for every person: 65 s at 100,000 reviews."""
    reviewed = Review.objects.published(now).filter(film=OuterRef("film"))
    credits = Credit.objects.filter(person=OuterRef("pk")).filter(Exists(reviewed))
    return Person.objects.filter(Exists(credits))


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
    return Person.objects.filter(condition).select_related("critic").order_by("name", "slug")


def critics_search(query_terms: list[str]) -> QuerySet[Critic]:
    condition = Q()
    for term in query_terms:
        condition &= Q(byline__icontains=term)
    return Critic.objects.filter(condition).order_by("byline", "slug")


@dataclass(frozen=True)
class NamesFound:
    films: list[Film]
    critics: list[Critic]
    people: list[Person]


def names_matching(terms: list[str], limit: int = 8) -> NamesFound:
    """The films, critics and people whose names hold every search term: the name panel of
    the search page.

    Three `icontains` scans (trigram indexes on PostgreSQL, none on SQLite): ~8 ms at
    100,000 reviews, as much as the review search itself. So the panel is cached with the
    tags of every film, critic and person list (`magazine.freshness`) for
    `FRAGMENT_CACHE_SECONDS`; the reviews found are never cached.
    """
    if not terms:
        return NamesFound([], [], [])
    digest = hashlib.sha256("\x1f".join(terms).encode()).hexdigest()[:32]

    def lookup():
        found = NamesFound(
            films=list(Film.objects.search(" ".join(terms))[:limit]),
            critics=list(critics_search(terms)[:limit]),
            people=list(people_search(terms)[:limit]),
        )
        return found, None

    return freshness.cached(
        f"search:names:{limit}:{digest}", lookup, tags=("films:list", "critics:list", "people:list")
    )


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
    assigned_to_me: QuerySet[Assignment]
    sent_back_to_me: QuerySet[Review]
    unpublished: QuerySet[Review]
    # Every open assignment, overdue first: only editors see them (None for writers).
    open_assignments: QuerySet[Assignment] | None


def sent_back(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Drafts whose latest workflow move was an editor's request for changes, each with that
    request's `sent_back_comment` and `sent_back_at`."""
    latest = ReviewTransition.objects.filter(review=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        reviews.filter(state=Review.State.DRAFT)
        .annotate(
            last_move=Subquery(latest.values("name")[:1]),
            sent_back_comment=Subquery(latest.values("comment")[:1]),
            sent_back_at=Subquery(latest.values("created_at")[:1]),
        )
        .filter(last_move="request_changes")
    )


def sent_back_request(review: Review) -> ReviewTransition | None:
    """The editor's request for changes this draft is waiting on, if that was its last move."""
    if review.state != Review.State.DRAFT:
        return None
    latest = review.transitions.select_related("user").order_by("-created_at", "-pk").first()
    return latest if latest is not None and latest.name == "request_changes" else None


def desk_for(user: AbstractBaseUser, now: datetime.datetime | None = None) -> Desk:
    """The editors' overview, limited to what this user may see."""
    now = now or timezone.now()
    reviews = reviews_visible_to(user).for_listing()
    mine = Assignment.objects.for_critic_user(user).open().select_related("film", "review")
    editor = workflow.may_handle_any_review(user)
    return Desk(
        waiting_for_review=reviews.in_review().order_by("updated_at"),
        approved=reviews.approved().order_by("updated_at"),
        scheduled=reviews.scheduled(now).order_by("publish_at"),
        my_drafts=reviews.drafts_of(user).order_by("-updated_at"),
        recently_published=reviews.published(now).latest_first()[:10],
        assigned_to_me=mine.order_by("due_on", "pk"),
        sent_back_to_me=sent_back(reviews.owned_by(user)).order_by("-sent_back_at"),
        unpublished=reviews.filter(state=Review.State.UNPUBLISHED).order_by("-updated_at")[:20],
        open_assignments=(
            Assignment.objects.open()
            .select_related("film", "critic", "review")
            .order_by("due_on", "pk")
            if editor
            else None
        ),
    )


@dataclass(frozen=True)
class RevisionTally:
    total: int
    pending: int  # changes of a live review not yet public
    own_autosaves: int  # the user's


def revision_tally(*, review: Review, user: AbstractBaseUser) -> RevisionTally:
    """How many revisions the review has, how many hold changes not yet public and how many
    are this user's autosaves, in one query: the change form looks up pending changes or a
    newer autosave only when there are any."""
    Source = ReviewRevision.Source
    return RevisionTally(
        **review.revisions.aggregate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(source=Source.PENDING)),
            own_autosaves=Count("pk", filter=Q(author=user, source=Source.AUTOSAVE)),
        )
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
