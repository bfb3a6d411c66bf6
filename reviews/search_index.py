"""Search follows the text it reads: a review's headline, standfirst and body, and its film's
title. The receivers here (registered in ReviewsConfig.ready, with the others) rewrite a
review's search row when it is added or that text changes, and its film's reviews' rows when
the title changes; nothing else (a publish, a tag, an edit of the rating) touches search.
Bulk writes (the fixture loader, generate_catalogue) call `refresh_search_vectors()` once.
"""

from __future__ import annotations

from .models import Film, Review


def review_saved(sender, instance: Review, created: bool, raw: bool = False, using=None, **kwargs):
    if raw:
        return  # loads index what they wrote, in bulk
    searched = tuple(getattr(instance, name) for name in Review.SEARCHED_FIELDS)
    if created or getattr(instance, "_searched_as", None) != searched:
        Review.objects.db_manager(using).filter(pk=instance.pk).refresh_search_vectors()
    instance._searched_as = searched


def review_deleted(sender, instance: Review, using=None, **kwargs) -> None:
    """A deleted review leaves search at once (SQLite's FTS5 row; PostgreSQL's is the row)."""
    Review.objects.db_manager(using).forget_search_rows([instance.pk])


def film_saved(sender, instance: Film, created: bool, raw: bool = False, using=None, **kwargs):
    if raw:
        return
    # A new film has no reviews to index.
    if not created and getattr(instance, "_searched_as", None) != instance.title:
        Review.objects.db_manager(using).filter(film=instance).refresh_search_vectors()
    instance._searched_as = instance.title
