"""The critics' score of a film: the mean of our critics' ratings of it, shown on the film page
and given to search engines as its aggregateRating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Review

# One critic's rating is that critic's opinion, not a score: a film needs at least this many.
MIN_RATED_REVIEWS = 2
BEST_RATING = Decimal("5")
WORST_RATING = Decimal("0.5")


@dataclass(frozen=True)
class CriticsScore:
    value: Decimal  # to one decimal place, e.g. 4 or 3.5
    count: int  # how many rated reviews it comes from


def critics_score(published_reviews: Iterable[Review]) -> CriticsScore | None:
    """The score from a film's reviews as `Review.objects.published()` gives them (the one
    visibility rule: the film page's own prefetch); None under MIN_RATED_REVIEWS rated ones."""
    ratings = [review.rating for review in published_reviews if review.rating is not None]
    if len(ratings) < MIN_RATED_REVIEWS:
        return None
    mean = (sum(ratings) / len(ratings)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return CriticsScore(value=mean, count=len(ratings))
