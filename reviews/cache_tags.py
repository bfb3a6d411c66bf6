"""The cache tags of what readers see, and the one set of receivers that invalidates them.

Every model readers see is in READER_MODELS, once: what tag an instance shows as (collected
when one is loaded while a page or part is being cached) and which tags a change of it
invalidates. `connect()` (ReviewsConfig.ready) registers post_init, post_save, post_delete
and m2m_changed receivers for exactly those models, so the admin, services, loaddata, the
shell and queryset deletes all invalidate alike. Bulk writes that skip signals
(`QuerySet.update`, `bulk_create`, raw SQL) call `magazine.freshness.invalidate_everything()`
or `invalidate(tags)` once (FilmQuerySet.update does it for an embargo moved in bulk, and
reviews/tagging.py through `taggings_changed()` for the taggings it writes).

Only what readers can see invalidates anything: a draft saved, submitted or approved changes
no public tag; a review counts from the moment it is published or scheduled until it leaves
that state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from taggit.models import Tag

from library.models import Image
from magazine import freshness
from people.models import Critic, Person

from .models import (
    Availability,
    Correction,
    Credit,
    Film,
    FilmGenre,
    Genre,
    Review,
    TaggedReview,
)

REVIEWS, FILMS, CRITICS, PEOPLE = "reviews:list", "films:list", "critics:list", "people:list"
# What the counts of reviews readers see carry (reviews/tallies.py): only a change of which
# reviews readers can see (or where they show) invalidates it, never an edit of their text.
COUNTS = "reviews:counts"


def _public(state: str | None) -> bool:
    # Published or scheduled (the schedule and the taggings' times follow those too).
    return state == Review.State.PUBLISHED


def review_tags(review: Review) -> set[str]:
    """A review's change shows on its page, its film's pages, the lists of its critic's
    reviews and every list; unless it was and stays out of readers' sight (a draft, in
    review, approved...). Not on what shows only the critic (every review page's critic
    card): a critic's hundreds of review pages stay cached when one of their reviews moves."""
    before = getattr(review, "_public_before", None)
    was_public = before is None or _public(before[2])  # unknown: assume it was
    if not (was_public or _public(review.state)):
        return set()
    tags = {f"review:{review.pk}", f"film:{review.film_id}", critic_reviews(review.critic_id)}
    if before is not None and before[0] is not None:  # where it showed before (not new)
        tags |= {f"film:{before[0]}", critic_reviews(before[1])}
    if before != tuple(getattr(review, name) for name in Review.PUBLIC_FIELDS):
        tags.add(COUNTS)
    return tags | {REVIEWS}


def critic_reviews(critic_id: int) -> str:
    """The tag of what lists one critic's reviews (their page); `critic:<pk>` is the critic."""
    return f"critic:{critic_id}:reviews"


def _tagged_review_public(review: Review) -> bool:
    # Published or scheduled: its taggings show (or will) on topic pages and in counts.
    return _public(review.state) and review.publish_at is not None


def _tagging_shows(review_id: int, tag_id: int) -> set[str]:
    return {f"review:{review_id}", f"tag:{tag_id}", REVIEWS, COUNTS}


def tagging_tags(tagging: TaggedReview) -> set[str]:
    if TaggedReview.content_object.is_cached(tagging):  # taggit's add() passes the review
        public = _tagged_review_public(tagging.content_object)
    else:
        reviews = Review.objects.published_or_scheduled().filter(pk=tagging.content_object_id)
        public = reviews.exists()
    if not public:
        return set()
    return _tagging_shows(tagging.content_object_id, tagging.tag_id)


def taggings_changed(changed: Iterable[tuple[Review, int]], using: str = "default") -> None:
    """One invalidation for taggings (review, tag id) written or deleted together without
    their signals (reviews/tagging.py): what tagging_tags gives each of them."""
    tags = set()
    for review, tag_id in changed:
        if _tagged_review_public(review):
            tags |= _tagging_shows(review.pk, tag_id)
    freshness.invalidate(tags, using=using)


# model: (the tag an instance shows as, or None; the tags a change of it invalidates)
READER_MODELS: dict[type[Model], tuple[str | None, Callable[[Model], Iterable[str]]]] = {
    Review: ("review", review_tags),
    Film: ("film", lambda film: {f"film:{film.pk}", FILMS}),
    Genre: ("genre", lambda genre: {f"genre:{genre.pk}", FILMS}),
    Critic: ("critic", lambda critic: {f"critic:{critic.pk}", CRITICS}),
    Person: ("person", lambda person: {f"person:{person.pk}", PEOPLE}),
    Tag: ("tag", lambda tag: {f"tag:{tag.pk}", REVIEWS}),
    # A credit also moves a person in or out of the lists of credited people (the sitemap's).
    Credit: (None, lambda credit: {f"film:{credit.film_id}", f"person:{credit.person_id}", PEOPLE}),
    Availability: (None, lambda window: {f"film:{window.film_id}"}),
    # A row of a film's genre list (the film form's inline; the manager's add and remove are
    # the m2m_changed receiver below): the film, the genre's page and the film lists.
    FilmGenre: (None, lambda link: {f"film:{link.film_id}", f"genre:{link.genre_id}", FILMS}),
    Correction: (None, lambda correction: {f"review:{correction.review_id}"}),
    TaggedReview: (None, tagging_tags),
    # A library image (a poster, headshot or lead image) shows on every page that loads it: a
    # new description, crop or file makes those stale. Images in a body are rendered into the
    # review's stored HTML when the review is saved.
    Image: ("image", lambda image: {f"image:{image.pk}"}),
}


def _loaded(sender, instance: Model, **kwargs) -> None:
    if instance.pk is not None and freshness.is_collecting():
        freshness.add_tags(f"{READER_MODELS[sender][0]}:{instance.pk}")


def _changed(sender, instance: Model, created: bool = False, **kwargs) -> None:
    if created and sender is Tag:
        return  # a new tag is on no page until a published review carries it
    tags = set(READER_MODELS[sender][1](instance))
    if tags and kwargs.get("signal") is post_delete:
        tags.add(COUNTS)  # whatever it was, it is gone from every count
    freshness.invalidate(tags)


def _review_before(sender, instance: Review, raw: bool = False, **kwargs) -> None:
    # What it was as loaded (Review.from_db keeps it) or last saved.
    instance._public_before = getattr(instance, "_public_as", None)
    if instance.pk is None:
        instance._public_before = (None, None, None, None)  # new: nothing was public


def _genres_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    ids = set(pk_set or ())
    if reverse:  # genre.films.add(film)
        tags = {f"genre:{instance.pk}", *(f"film:{pk}" for pk in ids)}
    else:
        tags = {f"film:{instance.pk}", *(f"genre:{pk}" for pk in ids)}
    if action == "post_clear":
        tags.add(FILMS)  # which genres it had is no longer known: every film list
    freshness.invalidate(tags | {FILMS})


def connect() -> None:
    for model, (prefix, _) in READER_MODELS.items():
        uid = f"cache-tags-{model._meta.label_lower}"
        if prefix is not None:
            post_init.connect(_loaded, sender=model, dispatch_uid=f"{uid}-init")
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    pre_save.connect(_review_before, sender=Review, dispatch_uid="cache-tags-review-before")
    m2m_changed.connect(
        _genres_changed, sender=Film.genres.through, dispatch_uid="cache-tags-genres"
    )
