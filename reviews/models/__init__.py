"""Films, their credits and release windows, and the reviews our critics write of them.

Split by idea: the catalogue (films, genres, credits, windows), the review and its visibility
rule, history (revisions, autosaves, workflow moves, corrections), search and the desk's
assignments. Every name is importable from `reviews.models` as before."""

from .catalogue import (
    Availability,
    Credit,
    Film,
    FilmGenre,
    FilmKeyManager,
    FilmManager,
    FilmQuerySet,
    Genre,
    KeyedWithinFilm,
    genres_in_order,
    known_values,
)
from .desk import (
    Assignment,
    AssignmentQuerySet,
)
from .history import (
    Correction,
    NewReviewAutosave,
    ReviewRevision,
    ReviewTransition,
)
from .review import (
    GOES_LIVE_AT,
    REVIEW_BODY_MAX_CHARS,
    SEARCH_CANDIDATES,
    SEARCH_WEIGHTS,
    Review,
    ReviewManager,
    ReviewQuerySet,
    TaggedReview,
    TaggedReviewManager,
    tag_lists,
    validate_half_step,
)
from .search import (
    ReviewFullText,
)

__all__ = [
    "known_values",
    "Genre",
    "FilmQuerySet",
    "FilmManager",
    "Film",
    "FilmGenre",
    "genres_in_order",
    "tag_lists",
    "FilmKeyManager",
    "KeyedWithinFilm",
    "Credit",
    "Availability",
    "SEARCH_CANDIDATES",
    "SEARCH_WEIGHTS",
    "GOES_LIVE_AT",
    "ReviewQuerySet",
    "ReviewManager",
    "TaggedReviewManager",
    "TaggedReview",
    "REVIEW_BODY_MAX_CHARS",
    "validate_half_step",
    "Review",
    "ReviewFullText",
    "ReviewRevision",
    "NewReviewAutosave",
    "ReviewTransition",
    "Correction",
    "AssignmentQuerySet",
    "Assignment",
]
