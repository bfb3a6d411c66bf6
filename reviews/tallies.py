"""What the reader's indexes count, from `Review.objects.published()`, in one module.

Nothing is counted in a stored column: how many reviews each critic and topic has, the film
index's A-Z, year and genre boxes and the sitemap's section sizes are grouped counts over
`published()`, each kept by `magazine.freshness` like any cached value: under the tag
`reviews:counts` (invalidated by reviews/cache_tags.py only when what readers can see
changes: a publish, unpublish or move to another film or critic, a tagging of a public
review, a delete, not a text edit) and `films:list`, until the next scheduled review goes
live. At 100,000 reviews on SQLite a count costs 0.1-0.4 s, so it is made once per such
change, not per page; a film's own count (the film index) is an indexed COUNT per film.

The one stored derived value is `TaggedReview.review_published_at`: when the tagged review
goes live for readers (its publish time, or its film's embargo if later; empty unless
published), so a topic page reads its newest reviews from the (tag, time) index instead of
joining and sorting all of the topic's reviews (12-23 ms at 100,000 reviews). It is written
by the receivers below (registered in ReviewsConfig.ready), by `FilmQuerySet.update` for an
embargo moved in bulk, and by `refresh_tag_times(None)` after bulk writes (the fixture
loader, generate_catalogue, `manage.py refresh_tallies`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from taggit.models import Tag

from magazine import freshness

from .cache_tags import COUNTS, FILMS, PEOPLE
from .models import Film, Review, TaggedReview

INITIAL, YEAR, GENRE = "initial", "year", "genre"


def initial_of(title: str) -> str:
    """'A'–'Z' for titles starting with a letter, '#' for the rest."""
    first = title[:1].upper()
    return first if "A" <= first <= "Z" else "#"


# Counts --------------------------------------------------------------------------------------


def _kept(key: str, count, now: datetime.datetime | None, also: tuple[str, ...] = ()):
    """`count(now)`, kept until what readers see changes (or what `also` tags does) or the
    next review goes live."""
    now = now or timezone.now()

    def lookup():
        from .selectors import next_goes_live_at  # selectors reads these counts

        return count(now), next_goes_live_at(now)

    return freshness.cached(key, lookup, tags=(COUNTS, FILMS, *also), now=now)


def reviews_by_critic(now: datetime.datetime | None = None) -> dict[int, int]:
    """{critic id: reviews readers can see}, for critics with any."""

    def count(now):
        published = Review.objects.published(now).order_by().values("critic")
        return dict(published.annotate(n=Count("pk")).values_list("critic", "n"))

    return _kept("counts:critics", count, now)


def reviews_by_tag(now: datetime.datetime | None = None) -> dict[int, int]:
    """{tag id: reviews readers can see}, for tags on any (from the taggings' times)."""

    def count(now):
        visible = TaggedReview.objects.filter(review_published_at__lte=now).order_by()
        return dict(visible.values("tag").annotate(n=Count("pk")).values_list("tag", "n"))

    return _kept("counts:tags", count, now)


def tagged_review_ids_newest_first(tag: Tag, now: datetime.datetime):
    """The ids of a topic's reviews that have gone live by `now`, newest first, from the
    (tag, goes-live time) index of the taggings, for a caller to slice. A caller still checks
    each review with `is_published` (a tagging's copy may lag a bulk write)."""
    return (
        TaggedReview.objects.filter(tag=tag, review_published_at__lte=now)
        .order_by("-review_published_at", "-content_object")
        .values_list("content_object", flat=True)
    )


def newest_review_time(now: datetime.datetime | None = None) -> Subquery:
    """For a query over tags: when the newest review readers can see under the tag (`pk`)
    went live, from the (tag, goes-live time) index of the taggings."""
    newest = TaggedReview.objects.filter(
        tag=OuterRef("pk"), review_published_at__lte=now or timezone.now()
    ).order_by("-review_published_at")
    return Subquery(newest.values("review_published_at")[:1])


def film_facets(now: datetime.datetime | None = None) -> dict[str, dict[str, int]]:
    """{kind: {value: films readers can see}} for the film index's A-Z ('initial'), 'year' and
    'genre' (a genre's id) boxes, without the empty ones."""
    return _kept("counts:film-facets", _film_facets, now)


def _film_facets(now: datetime.datetime) -> dict[str, dict[str, int]]:
    # One pass over the films (an EXISTS on the (film, state, publish_at) index each), then
    # the film-genre pairs: three grouped queries each repeated the EXISTS pass (1.5 s).
    reviewed = Film.objects.with_published_reviews(now).order_by()
    films = {pk: (title, year) for pk, title, year in reviewed.values_list("pk", "title", "year")}
    initials = Counter(initial_of(title) for title, _ in films.values())
    years = Counter(str(year) for _, year in films.values())
    pairs = Film.genres.through.objects.order_by().values_list("film_id", "genre_id")
    genres = Counter(str(genre) for film, genre in pairs.iterator() if film in films)
    return {INITIAL: dict(initials), YEAR: dict(years), GENRE: dict(genres)}


def credited_people_total(now: datetime.datetime | None = None) -> int:
    """How many people are credited on a film readers can see reviewed (the people sitemap):
    counting them took 0.4-0.5 s at 100,000 reviews. A credit's change invalidates PEOPLE."""
    from .selectors import credited_people  # selectors reads these counts

    return _kept("counts:credited-people", lambda now: credited_people(now).count(), now, (PEOPLE,))


def visible_review_total(now: datetime.datetime | None = None) -> int:
    """How many reviews readers can see (each has one critic)."""
    return sum(reviews_by_critic(now).values())


def visible_critic_total(now: datetime.datetime | None = None) -> int:
    """How many critics have a review readers can see."""
    return len(reviews_by_critic(now))


def visible_film_total(now: datetime.datetime | None = None) -> int:
    """How many films readers can see as reviewed (every reviewed film has one initial)."""
    return sum(film_facets(now)[INITIAL].values())


# The taggings' goes-live times ----------------------------------------------------------------


def refresh_tag_times(review_ids, using: str = DEFAULT_DB_ALIAS) -> None:
    """Copy onto these reviews' taggings (None: every tagging) when each review goes live
    (its publish time, or its film's embargo if later; empty unless published)."""
    taggings = TaggedReview.objects.using(using)
    if review_ids is not None:
        ids = [pk for pk in review_ids if pk is not None]
        if not ids:
            return
        taggings = taggings.filter(content_object__in=ids)
    _copy_goes_live_at(taggings, using)


def refresh_tag_times_of_films(film_ids, using: str = DEFAULT_DB_ALIAS) -> None:
    """The same for every review of these films (their embargo moved)."""
    ids = [pk for pk in film_ids if pk is not None]
    if ids:
        taggings = TaggedReview.objects.using(using).filter(content_object__film__in=ids)
        _copy_goes_live_at(taggings, using)


def _copy_goes_live_at(taggings, using: str) -> None:
    live = (
        Review.objects.using(using)
        .published_or_scheduled()
        .filter(pk=OuterRef("content_object"))
        .with_goes_live_at()
    )
    taggings.update(review_published_at=Subquery(live.values("goes_live_at")[:1]))


def refresh_all_tallies(using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the stored copy from the reviews: after bulk writes, `manage.py refresh_tallies`."""
    refresh_tag_times(None, using)


# Receivers (connected in ReviewsConfig.ready) -------------------------------------------------


def review_saved(sender, instance: Review, created: bool, raw: bool = False, **kwargs) -> None:
    """A saved review's taggings follow its state, publish time and film."""
    if raw:
        return  # loads call refresh_tag_times themselves
    now_as = tuple(getattr(instance, name) for name in Review.PUBLIC_FIELDS)
    # A new review has no taggings yet.
    if not created and getattr(instance, "_public_as", None) != now_as:
        refresh_tag_times([instance.pk])
    instance._public_as = now_as


def goes_live_times(
    reviews: Iterable[Review], using: str = DEFAULT_DB_ALIAS
) -> dict[int, datetime.datetime | None]:
    """{review id: when it goes live (None unless published)}, what a new tagging of it
    carries: from the reviews in memory, with one query for those whose film is not loaded."""
    times, unknown = {}, []
    for review in reviews:
        if review.state != Review.State.PUBLISHED or review.publish_at is None:
            times[review.pk] = None
        elif Review.film.is_cached(review):
            times[review.pk] = review.goes_live_at
        else:
            unknown.append(review.pk)
    if unknown:
        times.update(dict.fromkeys(unknown))
        live = Review.objects.using(using).published_or_scheduled().filter(pk__in=unknown)
        times.update(live.with_goes_live_at().values_list("pk", "goes_live_at"))
    return times


def tagging_saving(sender, instance: TaggedReview, raw: bool = False, **kwargs) -> None:
    """A new tagging carries its review's goes-live time from the start."""
    if raw:
        return
    if TaggedReview.content_object.is_cached(instance):
        review = instance.content_object
        instance.review_published_at = goes_live_times([review])[review.pk]
        return
    live = Review.objects.published_or_scheduled().filter(pk=instance.content_object_id)
    instance.review_published_at = (
        live.with_goes_live_at().values_list("goes_live_at", flat=True).first()
    )


def film_saved(sender, instance: Film, created: bool, raw: bool = False, **kwargs) -> None:
    """A film's embargo decides when its reviews go live on the topic pages."""
    if raw:
        return
    if not created and getattr(instance, "_embargo_as", False) != instance.review_embargo_until:
        refresh_tag_times_of_films([instance.pk])
    instance._embargo_as = instance.review_embargo_until
