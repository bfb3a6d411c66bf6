"""Tags put on and taken off reviews: the one write path of the services, the admin's bulk
actions and the test factories.

taggit's `review.tags.add()` / `.set()` (fine in the shell: the receivers of
reviews/cache_tags.py and reviews/tallies.py see each row it writes) looks each name up on
its own, creates each new tag inside two savepoints and each tagging with a get_or_create in
another, each firing its receivers: 25 statements for a new review with two new tags. Here
the names are read with one SELECT, the new tags written with one INSERT (and their ids read
back with one SELECT), the taggings with one INSERT carrying their review's goes-live time
(reviews/tallies.py), removed ones with one DELETE, and the change invalidated once
(reviews/cache_tags.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import router, transaction
from django.db.models import Q
from taggit.models import Tag

from . import cache_tags, tallies
from .models import Review, TaggedReview


def _unique_names(names: Iterable[str]) -> list[str]:
    """The names in the order given, each once whatever its case (TAGGIT_CASE_INSENSITIVE)."""
    seen: dict[str, str] = {}
    for name in names:
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def _tags_named(names: list[str], using: str) -> tuple[list[Tag], set[int]]:
    """The tags of these names (see tags_named) and the ids of those created just now."""
    if not names:
        return [], set()
    tags = Tag.objects.using(using)
    slugs = {name: Tag().slugify(name) for name in names}
    # One SELECT: the names wanted, and any tag already holding a slug a new one would take.
    wanted = reduce(or_, (Q(name__iexact=name) for name in names))
    found = list(tags.filter(wanted | Q(slug__in=set(slugs.values()))).order_by("pk"))
    by_name: dict[str, Tag] = {}
    for tag in found:
        if any(tag.name.lower() == name.lower() for name in names):
            by_name.setdefault(tag.name.lower(), tag)
    missing = [name for name in names if name.lower() not in by_name]
    if missing:
        taken = {tag.slug for tag in found}
        plain = []
        for name in missing:
            if slugs[name] not in taken:
                plain.append(name)
                taken.add(slugs[name])
        if plain:
            # Another writer may have added one of them since the SELECT: theirs is used.
            new = [Tag(name=name, slug=slugs[name]) for name in plain]
            tags.bulk_create(new, ignore_conflicts=True)
            for tag in tags.filter(name__in=plain):
                by_name.setdefault(tag.name.lower(), tag)
        for name in missing:
            if name.lower() not in by_name:  # its slug is taken: taggit's save numbers it
                by_name[name.lower()] = tags.create(name=name)
    found_ids = {tag.pk for tag in found}
    result = [by_name[name.lower()] for name in names]
    return result, {tag.pk for tag in result if tag.pk not in found_ids}


def tags_named(names: Iterable[str], using: str | None = None) -> list[Tag]:
    """The tags of these names, in their order, each matched whatever its case as taggit
    matches it; missing ones are created, with taggit's slugs."""
    using = using or router.db_for_write(Tag)
    with transaction.atomic(using=using, savepoint=False):
        return _tags_named(_unique_names(names), using)[0]


def _write(
    *,
    reviews: list[Review],
    add: list[tuple[Review, Tag]],
    remove: dict[int, tuple[Review, int]],
    using: str,
) -> None:
    """Write the taggings `add` (review, tag) and delete `remove` {tagging id: (review, tag
    id)}, then invalidate what readers saw of them, once."""
    for review in reviews:
        getattr(review, "_prefetched_objects_cache", {}).pop("tags", None)
    if remove:
        # No delete signals: the one invalidation below covers every row.
        TaggedReview.objects.using(using).filter(pk__in=list(remove))._raw_delete(using)
    if add:
        goes_live = tallies.goes_live_times([review for review, _ in add], using=using)
        rows = [
            TaggedReview(content_object=review, tag=tag, review_published_at=goes_live[review.pk])
            for review, tag in add
        ]
        # Another writer may have added one since it was read: the database keeps one.
        TaggedReview.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    changed = [(review, tag.pk) for review, tag in add] + list(remove.values())
    cache_tags.taggings_changed(changed, using=using)


def review_tags_set(*, review: Review, names: Iterable[str]) -> None:
    """Make these the review's tags: the others are taken off, the missing ones put on."""
    using = router.db_for_write(TaggedReview, instance=review)
    with transaction.atomic(using=using, savepoint=False):
        current = dict(
            TaggedReview.objects.using(using)
            .filter(content_object=review)
            .values_list("tag_id", "pk")
        )
        tags, _ = _tags_named(_unique_names(names), using)
        wanted = {tag.pk for tag in tags}
        _write(
            reviews=[review],
            add=[(review, tag) for tag in tags if tag.pk not in current],
            remove={pk: (review, tag_id) for tag_id, pk in current.items() if tag_id not in wanted},
            using=using,
        )


def reviews_tags_add(*, reviews: Iterable[Review], names: Iterable[str]) -> set[int]:
    """Put these tags on each of these reviews (a no-op where one is there already); returns
    the ids of the reviews that gained any."""
    reviews = list(reviews)
    names = _unique_names(names)
    if not reviews or not names:
        return set()
    using = router.db_for_write(TaggedReview, instance=reviews[0])
    with transaction.atomic(using=using, savepoint=False):
        tags, created = _tags_named(names, using)
        known = [tag.pk for tag in tags if tag.pk not in created]
        existing: set[tuple[int, int]] = set()
        if known:  # a tag created just now is on no review yet
            existing = set(
                TaggedReview.objects.using(using)
                .filter(content_object__in=[review.pk for review in reviews], tag__in=known)
                .values_list("content_object", "tag")
            )
        add = [
            (review, tag)
            for review in reviews
            for tag in tags
            if (review.pk, tag.pk) not in existing
        ]
        _write(reviews=reviews, add=add, remove={}, using=using)
        return {review.pk for review, _ in add}


def reviews_tags_remove(*, reviews: Iterable[Review], names: Iterable[str]) -> set[int]:
    """Take these tags (matched whatever their case) off each of these reviews; returns the
    ids of the reviews that had any of them."""
    reviews = {review.pk: review for review in reviews}
    folded = {name.strip().casefold() for name in names if name.strip()}
    if not reviews or not folded:
        return set()
    using = router.db_for_write(TaggedReview, instance=next(iter(reviews.values())))
    with transaction.atomic(using=using, savepoint=False):
        taggings = (
            TaggedReview.objects.using(using)
            .filter(content_object__in=list(reviews))
            .values_list("pk", "content_object", "tag", "tag__name")
        )
        remove = {
            pk: (reviews[review_id], tag_id)
            for pk, review_id, tag_id, name in taggings
            if name.casefold() in folded
        }
        _write(reviews=list(reviews.values()), add=[], remove=remove, using=using)
        return {review.pk for review, _ in remove.values()}
