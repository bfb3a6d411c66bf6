"""Stored counts for the reader's indexes, so no public page counts the reviews table.

The film index, the critics' and topics' indexes, the tag pages and the sitemap index show how
many films or reviews there are. Counting them per request grew with the catalogue (0.2-0.4 s
per page at 100,000 reviews on SQLite), so they are stored and kept here:

- `Film.tally_published_reviews` / `tally_first_publish_at`, `CriticTally`, `TagTally`: the
  published reviews (state "published", including those scheduled for later) per film, critic
  and tag, and a film's earliest publish time;
- `FilmFacet`: films with a published review per initial, year and genre.

**Writes** recount only what they touch, from the reviews themselves (never +1/-1, so a count
cannot drift): a review's save or delete recounts its film(s), critic(s) and tags when its
film, critic, state or publish time changed; a tag added or removed recounts that tag; a film
becoming reviewed or not, or a reviewed film's title, year or genres changing, recounts the
facets. The rows being recounted are locked first, so two writers cannot both count without
the other's review. Bulk writes (the fixture loader, generate_catalogue) call the
`refresh_*` functions themselves; `manage.py refresh_tallies` rebuilds everything.

**Reads** are exact at any moment without a job at publish time: the stored counts include
scheduled reviews, and `not_yet_live()` (the few scheduled reviews, cached per content
generation until the next one goes live) is subtracted. A film is reviewed once its earliest
publish time has come.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr, Upper
from django.utils import timezone
from taggit.models import Tag

from magazine import freshness
from people.models import Critic

from .models import CriticTally, Film, FilmFacet, Review, TaggedReview, TagTally


def initial_of(title: str) -> str:
    """'A'–'Z' for titles starting with a letter, '#' for the rest."""
    first = title[:1].upper()
    return first if "A" <= first <= "Z" else "#"


# Writes ----------------------------------------------------------------------------------


def refresh_film_tallies(
    film_ids: Iterable[int] | None, using: str = DEFAULT_DB_ALIAS, *, facets: bool = True
) -> None:
    """Recount these films' published reviews (None: every film); recount the facets if
    any film became reviewed or stopped being reviewed."""
    with transaction.atomic(using=using):
        films = _locked(Film, film_ids, using)
        if films is None:
            return
        before = dict(films.values_list("pk", "tally_published_reviews"))
        published = (
            Review.objects.using(using).published_or_scheduled().filter(film=OuterRef("pk"))
        ).order_by()
        count = published.values("film").annotate(n=Count("pk")).values("n")
        first = published.values("film").annotate(at=Min("publish_at")).values("at")
        films.update(
            tally_published_reviews=Coalesce(Subquery(count), 0),
            tally_first_publish_at=Subquery(first),
        )
        if not facets:
            return
        after = dict(films.values_list("pk", "tally_published_reviews"))
        if any((before[pk] > 0) != (after.get(pk, 0) > 0) for pk in before):
            refresh_film_facets(using)


def refresh_critic_tallies(critic_ids: Iterable[int] | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount these critics' published reviews (None: every critic's)."""
    with transaction.atomic(using=using):
        critics = _locked(Critic, critic_ids, using)
        if critics is None:
            return
        existing = list(critics.values_list("pk", flat=True))
        reviews = Review.objects.using(using).published_or_scheduled().order_by()
        if critic_ids is not None:
            reviews = reviews.filter(critic__in=existing)
        counts = dict(reviews.values("critic").annotate(n=Count("pk")).values_list("critic", "n"))
        _upsert(CriticTally, "critic_id", {pk: counts.get(pk, 0) for pk in existing}, using)


def refresh_tag_tallies(tag_ids: Iterable[int] | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount the published reviews carrying these tags (None: every tag)."""
    with transaction.atomic(using=using):
        tags = _locked(Tag, tag_ids, using)
        if tags is None:
            return
        existing = list(tags.values_list("pk", flat=True))
        tagged = TaggedReview.objects.using(using).filter(
            content_object__in=Review.objects.using(using).published_or_scheduled()
        )
        if tag_ids is not None:
            tagged = tagged.filter(tag__in=existing)
        counts = dict(
            tagged.order_by().values("tag").annotate(n=Count("pk")).values_list("tag", "n")
        )
        _upsert(TagTally, "tag_id", {pk: counts.get(pk, 0) for pk in existing}, using)


def _locked(model, ids: Iterable[int] | None, using: str):
    """These rows (None: all), locked until the transaction ends (in id order, so two
    writers never deadlock): a concurrent writer recounts after this one commits, and so
    sees its review. None when there is nothing to recount."""
    rows = model.objects.using(using).order_by("pk")
    if ids is not None:
        wanted = sorted({pk for pk in ids if pk is not None})
        if not wanted:
            return None
        rows = rows.filter(pk__in=wanted)
    list(rows.select_for_update().values_list("pk", flat=True))
    return rows


def refresh_tag_times(review_ids: Iterable[int] | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Copy onto these reviews' taggings (None: every tagging) when each review goes live
    (its publish time, or its film's embargo if later; empty unless published), which the
    topic pages read newest first."""
    taggings = TaggedReview.objects.using(using)
    if review_ids is not None:
        ids = [pk for pk in review_ids if pk is not None]
        if not ids:
            return
        taggings = taggings.filter(content_object__in=ids)
    _copy_goes_live_at(taggings, using)


def refresh_tag_times_of_films(film_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
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


def _upsert(model, key: str, counts: dict[int, int], using: str) -> None:
    if counts:
        model.objects.using(using).bulk_create(
            [model(**{key: pk, "published_reviews": n}) for pk, n in counts.items()],
            update_conflicts=True,
            unique_fields=[key.removesuffix("_id")],
            update_fields=["published_reviews"],
        )


def refresh_film_facets(using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount the films with a published review per initial, year and genre.

    A grouped count over the reviewed films (their stored tallies, not the reviews); it runs
    only when the set of reviewed films or a reviewed film's title, year or genres change.
    """
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            # One recount at a time: two at once could both insert the same new facet.
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('reviews.filmfacet'))")
        reviewed = Film.objects.using(using).filter(tally_published_reviews__gt=0).order_by()
        counts: Counter[tuple[str, str]] = Counter()
        initials = reviewed.annotate(initial=Upper(Substr("title", 1, 1))).values("initial")
        for row in initials.annotate(n=Count("pk")):
            counts[FilmFacet.Kind.INITIAL, initial_of(row["initial"] or "")] += row["n"]
        for row in reviewed.values("year").annotate(n=Count("pk")):
            counts[FilmFacet.Kind.YEAR, str(row["year"])] += row["n"]
        FilmGenre = Film.genres.through
        by_genre = (
            FilmGenre.objects.using(using)
            .filter(film__tally_published_reviews__gt=0)
            .order_by()
            .values("genre")
            .annotate(n=Count("film"))
        )
        for row in by_genre:
            counts[FilmFacet.Kind.GENRE, str(row["genre"])] += row["n"]
        stale = FilmFacet.objects.using(using).exclude(films=0)
        for kind, value in counts:
            stale = stale.exclude(kind=kind, value=value)
        stale.update(films=0)
        if counts:
            FilmFacet.objects.using(using).bulk_create(
                [FilmFacet(kind=k, value=v, films=n) for (k, v), n in counts.items()],
                update_conflicts=True,
                unique_fields=["kind", "value"],
                update_fields=["films"],
            )


def refresh_all_tallies(using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount everything from the reviews: after bulk writes, and `manage.py refresh_tallies`."""
    with transaction.atomic(using=using):
        refresh_film_tallies(None, using, facets=False)
        refresh_critic_tallies(None, using)
        refresh_tag_tallies(None, using)
        refresh_tag_times(None, using)
        refresh_film_facets(using)


# Signal receivers (connected in ReviewsConfig.ready) ----------------------------------------


def review_saved(sender, instance: Review, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    now_as = tuple(getattr(instance, name) for name in Review.TALLIED_FIELDS)
    before = getattr(instance, "_tallied_as", None)
    instance._tallied_as = now_as
    if before == now_as:
        return  # an edit of the text: no count changes
    film_ids = {instance.film_id}
    critic_ids = {instance.critic_id}
    if before is None and not created:
        # Loaded without the tallied fields (a deferred load): recount what it was before too.
        film_ids |= set(Film.objects.filter(reviews__pk=instance.pk).values_list("pk", flat=True))
    elif before is not None:
        film_ids.add(before[0])
        critic_ids.add(before[1])
    refresh_film_tallies(film_ids)
    refresh_critic_tallies(critic_ids)
    if not created:
        refresh_tag_tallies(instance.tagged_items.values_list("tag_id", flat=True))
        refresh_tag_times([instance.pk])


def review_deleted(sender, instance: Review, **kwargs) -> None:
    refresh_film_tallies([instance.film_id])
    refresh_critic_tallies([instance.critic_id])


def tagging_changed(
    sender, instance: TaggedReview, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if raw:
        return
    refresh_tag_tallies([instance.tag_id])
    if created:
        _copy_goes_live_at(TaggedReview.objects.filter(pk=instance.pk), DEFAULT_DB_ALIAS)


def _is_reviewed(film_id: int) -> bool:
    # The database's tally: the instance's copy may predate a review published since.
    return Film.objects.filter(pk=film_id, tally_published_reviews__gt=0).exists()


def film_saved(sender, instance: Film, created: bool, raw: bool = False, **kwargs) -> None:
    """A reviewed film's title and year are part of the facets it counts in; its embargo
    decides when its reviews go live on the topic pages."""
    if not raw and not created and _is_reviewed(instance.pk):
        refresh_film_facets()
        refresh_tag_times_of_films([instance.pk])


def film_genres_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse or _is_reviewed(instance.pk):
        refresh_film_facets()


def film_genre_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A row of a film's genre list saved or deleted (the film form's inline): the genre
    facets count it when the film is reviewed."""
    if not raw and _is_reviewed(instance.film_id):
        refresh_film_facets()


def tag_deleted(sender, instance: Tag, **kwargs) -> None:
    # Removing the tag's taggings recounted it (and so kept a tally row) just before the tag
    # itself went: drop that row in the same transaction.
    TagTally.objects.filter(tag_id=instance.pk).delete()


def genre_deleted(sender, instance, **kwargs) -> None:
    FilmFacet.objects.filter(kind=FilmFacet.Kind.GENRE, value=str(instance.pk)).delete()


# Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotYetLive:
    """What the stored tallies include that readers cannot see yet: the scheduled reviews
    (published, with a publish time still ahead), at one moment and until `until`."""

    until: datetime.datetime | None
    reviews: int = 0
    by_film: Counter = field(default_factory=Counter)
    by_critic: Counter = field(default_factory=Counter)
    by_tag: Counter = field(default_factory=Counter)
    # Films whose every published review is still scheduled, by facet.
    films: int = 0
    by_facet: Counter = field(default_factory=Counter)
    # Tags whose every published review is still scheduled: worked out here, once per
    # snapshot, not on every topic index and sitemap (an IN list of every tag with a
    # scheduled review cost ~8 ms a request at 100,000 reviews).
    hidden_tags: frozenset = frozenset()


def not_yet_live(now: datetime.datetime | None = None) -> NotYetLive:
    """The scheduled and held reviews, kept (magazine.freshness) until a review or a film
    changes or the next of them goes live."""
    now = now or timezone.now()

    def lookup():
        found = _not_yet_live(now)
        return found, found.until

    return freshness.cached(
        "tallies:not-yet-live", lookup, tags=("reviews:list", "films:list"), now=now
    )


def _not_yet_live(now: datetime.datetime) -> NotYetLive:
    scheduled = Review.objects.scheduled(now).with_goes_live_at().order_by()
    rows = list(scheduled.values_list("film_id", "critic_id", "goes_live_at"))
    if not rows:
        return NotYetLive(until=None)
    tags = TaggedReview.objects.filter(
        content_object__in=Review.objects.scheduled(now)
    ).values_list("tag_id", flat=True)
    hidden = list(Film.objects.reviewed_but_not_yet_visible(now).values_list("pk", "title", "year"))
    by_facet: Counter[tuple[str, str]] = Counter()
    for _, title, year in hidden:
        by_facet[FilmFacet.Kind.INITIAL, initial_of(title)] += 1
        by_facet[FilmFacet.Kind.YEAR, str(year)] += 1
    genres = Film.genres.through.objects.filter(film__in=[pk for pk, _, _ in hidden])
    for genre_id in genres.values_list("genre_id", flat=True):
        by_facet[FilmFacet.Kind.GENRE, str(genre_id)] += 1
    by_tag = Counter(tags)
    return NotYetLive(
        until=min(at for _, _, at in rows),
        reviews=len(rows),
        by_film=Counter(film for film, _, _ in rows),
        by_critic=Counter(critic for _, critic, _ in rows),
        by_tag=by_tag,
        films=len(hidden),
        by_facet=by_facet,
        hidden_tags=frozenset(_fully_scheduled_tags(by_tag)),
    )


def tags_with_visible_reviews(now: datetime.datetime | None = None):
    """Tags on at least one review readers can see, each with `stored_count` (its stored
    tally, scheduled reviews included: subtract `not_yet_live().by_tag` for what readers see)."""
    tags = Tag.objects.filter(review_tally__published_reviews__gt=0)
    hidden = not_yet_live(now).hidden_tags
    if hidden:
        tags = tags.exclude(pk__in=sorted(hidden))
    return tags.annotate(stored_count=F("review_tally__published_reviews"))


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
    newest = (
        TaggedReview.objects.filter(
            tag=OuterRef("pk"), review_published_at__lte=now or timezone.now()
        )
        .order_by("-review_published_at")
        .values("review_published_at")[:1]
    )
    return Subquery(newest)


def visible_facets(kind: str, now: datetime.datetime | None = None) -> dict[str, int]:
    """{value: films readers can see} for one kind of facet, without the empty ones."""
    hidden = not_yet_live(now).by_facet
    stored = FilmFacet.objects.filter(kind=kind, films__gt=0).values_list("value", "films")
    counts = {value: films - hidden[kind, value] for value, films in stored}
    return {value: films for value, films in counts.items() if films > 0}


def visible_review_total(now: datetime.datetime | None = None) -> int:
    """How many reviews readers can see: the critics' tallies less the scheduled reviews."""
    stored = CriticTally.objects.aggregate(n=Coalesce(Sum("published_reviews"), Value(0)))["n"]
    return stored - not_yet_live(now).reviews


def visible_critic_total(now: datetime.datetime | None = None) -> int:
    """How many critics have a review readers can see."""
    scheduled = not_yet_live(now).by_critic
    stored = CriticTally.objects.filter(published_reviews__gt=0).values_list(
        "critic_id", "published_reviews"
    )
    return sum(1 for pk, n in stored if n > scheduled[pk])


def visible_film_total(now: datetime.datetime | None = None) -> int:
    """How many films readers can see as reviewed (every reviewed film has one initial)."""
    return sum(visible_facets(FilmFacet.Kind.INITIAL, now).values())


def _fully_scheduled_tags(scheduled_by_tag: Counter) -> list[int]:
    """The ids of tags whose every published review is still scheduled."""
    if not scheduled_by_tag:
        return []
    stored = TagTally.objects.filter(tag_id__in=list(scheduled_by_tag)).values_list(
        "tag_id", "published_reviews"
    )
    return [pk for pk, n in stored if n <= scheduled_by_tag[pk]]
