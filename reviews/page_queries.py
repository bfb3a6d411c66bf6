"""The queries reader pages run on every request, each compiled once per process.

Building and compiling a queryset cost far more than running it: the review page's seven
queries took 7.3 of its 10 ms at 1,000 reviews, the film index's list 3.6 ms to compile and
0.55 ms to run at 100,000. Each query here is a `PreparedQuery` (magazine/prepared.py): built
from the same querysets as everywhere else (`published()` stays the one visibility rule),
compiled the first time it runs, then run with each request's values.
`tests/magazine/test_prepared.py` checks that each sends what compiling it today would send.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from taggit.models import Tag

from magazine.prepared import PreparedQuery, install_prefetched

from .models import Availability, Correction, Credit, Film, Genre, Review, TaggedReview
from .tallies import tagged_review_ids_newest_first

# A review page (reviews/review_page.py).
PUBLISHED_REVIEW = PreparedQuery(
    lambda slug, now: Review.objects.published(now).for_page().filter(slug=slug),
    slug=str,
    now=datetime.datetime,
)
_TAGGINGS = TaggedReview.tag.field.related_query_name()
TAGS = PreparedQuery(
    # In the order they were added, as `review.tags.all()` gives them.
    lambda review: Tag.objects.filter(**{f"{_TAGGINGS}__content_object": review}).order_by(
        f"{_TAGGINGS}__pk"
    ),
    review=int,
)
CORRECTIONS = PreparedQuery(lambda review: Correction.objects.filter(review=review), review=int)
OTHER_REVIEWS = PreparedQuery(
    lambda film, review, now: (
        Review.objects.published(now)
        .for_text_cards()
        .filter(film=film)
        .exclude(pk=review)
        .latest_first()
    ),
    film=int,
    review=int,
    now=datetime.datetime,
)

# A film's lists, on its page and its reviews' pages.
GENRES = PreparedQuery(
    # In the film's own order, as `genres_in_order` gives them.
    lambda film: Genre.objects.filter(film_links__film=film).order_by(
        "film_links__position", "film_links__pk"
    ),
    film=int,
)
CREDITS = PreparedQuery(
    lambda film: Credit.objects.filter(film=film).select_related("person"), film=int
)
WINDOWS = PreparedQuery(lambda film: Availability.objects.filter(film=film), film=int)

# A film's page.
FILM = PreparedQuery(lambda slug: Film.objects.select_related("poster").filter(slug=slug), slug=str)
FILMS_REVIEWS = PreparedQuery(
    lambda film, now: (
        Review.objects.published(now).filter(film=film).select_related("critic").latest_first()
    ),
    film=int,
    now=datetime.datetime,
)

# Lists of reviews and films, a page at a time (magazine.prepared.PreparedList).
LATEST_REVIEWS = PreparedQuery(
    lambda now: Review.objects.published(now).for_listing().latest_first(), now=datetime.datetime
)
CRITICS_REVIEWS = PreparedQuery(
    lambda critic, now: (
        Review.objects.published(now).filter(critic=critic).for_listing().latest_first()
    ),
    critic=int,
    now=datetime.datetime,
)


def reviewed_films(now: datetime.datetime | None = None) -> QuerySet[Film]:
    """Films with a review readers can see, A to Z, as the lists of films show them."""
    return Film.objects.reviewed(now).for_listing().order_by("title", "year", "slug")


REVIEWED_FILMS = PreparedQuery(reviewed_films, now=datetime.datetime)
REVIEWED_FILMS_IN_GENRE = PreparedQuery(
    lambda genre, now: reviewed_films(now).in_genre(genre), genre=int, now=datetime.datetime
)
# A topic's page of review ids, from the taggings' index (selectors.TaggedReviewsNewestFirst).
TAGGED_REVIEW_IDS = PreparedQuery(tagged_review_ids_newest_first, tag=int, now=datetime.datetime)

# A page of reviews by id, as lists and search results show them (selectors.published_in_order):
# compiled once for each number of ids.
LISTED_REVIEWS_BY_ID = PreparedQuery(
    lambda ids: Review.objects.for_listing().filter(pk__in=ids), ids=list
)
# The columns a search result shows (magazine/search.html) and `is_published` reads.
SEARCH_RESULT_FIELDS = (
    *("slug", "headline", "standfirst", "body_html", "state", "publish_at"),
    "film__review_embargo_until",
    *("film", "film__slug", "film__title", "film__year"),
    *("critic", "critic__slug", "critic__byline"),
)
SEARCH_RESULTS_BY_ID = PreparedQuery(
    # What a result shows, and nothing else: the passage that matched comes from the
    # rendered body, not the Markdown source.
    lambda ids: (
        Review.objects.select_related("film", "critic")
        .only(*SEARCH_RESULT_FIELDS)
        .filter(pk__in=ids)
    ),
    ids=list,
)

# Every genre (a few dozen): an IN list of the ones in use would change shape with their number.
GENRES_BY_NAME = PreparedQuery(lambda: Genre.objects.order_by("name"))


def load_film_lists(film: Film) -> None:
    """Load the film's genres, credits and availability windows, one query each, as if
    prefetched: `film.credits.all()`, `film.directors` and the rest read them."""
    install_prefetched(film, "genres", GENRES.run(film=film.pk))
    install_prefetched(film, "credits", CREDITS.run(film=film.pk))
    install_prefetched(film, "availabilities", WINDOWS.run(film=film.pk))


def load_review_lists(review: Review) -> None:
    """Load the lists a review page shows: its tags (`tag_list`), its corrections, and its
    film's lists (`load_film_lists`)."""
    review.tag_list = TAGS.run(review=review.pk)
    install_prefetched(review, "corrections", CORRECTIONS.run(review=review.pk))
    load_film_lists(review.film)
