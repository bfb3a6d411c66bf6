"""schema.org descriptions of reviews and films as plain dicts, for JSON-LD on their pages.

Follows Google's review-snippet rules: a Review names its author, its itemReviewed and, when
the critic gave one, a reviewRating. URLs are absolute (built from the request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.templatetags.static import static

from magazine.images import SHARE_IMAGE, picture

from .models import Film, Review
from .scores import BEST_RATING, WORST_RATING, critics_score

Absolute = Callable[[str], str]


def image_url(field_file, absolute: Absolute) -> str | None:
    rendered = picture(field_file)
    return absolute(rendered.largest.url) if rendered else None


def share_image_url(absolute: Absolute) -> str:
    """The magazine's own card, for what has no picture: Google requires an image of a Movie."""
    return absolute(static(SHARE_IMAGE))


def rating(value) -> dict:
    return {
        "@type": "Rating",
        "ratingValue": str(value.normalize()),
        "bestRating": str(BEST_RATING),
        "worstRating": str(WORST_RATING),
    }


def publisher(absolute: Absolute) -> dict:
    return {"@type": "Organization", "name": settings.MAGAZINE_NAME, "url": absolute("/")}


def movie(film: Film, absolute: Absolute) -> dict:
    """The film as a schema.org Movie: uses the credits fetched with it (no extra queries)."""
    data: dict = {
        "@type": "Movie",
        "name": film.title,
        "url": absolute(film.get_absolute_url()),
        "dateCreated": film.release_date.isoformat() if film.release_date else str(film.year),
    }
    if film.directors:
        data["director"] = [
            {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}
            for person in film.directors
        ]
    if film.cast:
        data["actor"] = [
            {
                "@type": "Person",
                "name": credit.person.name,
                "url": absolute(credit.person.get_absolute_url()),
            }
            for credit in film.top_billed_cast
        ]
    if film.runtime_minutes:
        data["duration"] = f"PT{film.runtime_minutes}M"
    genres = [genre.name for genre in film.genres.all()]
    if genres:
        data["genre"] = genres
    data["image"] = image_url(film.poster, absolute) or share_image_url(absolute)
    if film.synopsis:
        data["description"] = film.synopsis
    if film.same_as:
        data["sameAs"] = film.same_as
    return data


def review_data(review: Review, absolute: Absolute) -> dict:
    """The review as a schema.org Review of a Movie, by a Person, published by the magazine."""
    critic = review.critic
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": review.headline,
        "url": absolute(review.get_absolute_url()),
        "dateModified": review.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": critic.byline,
            "url": absolute(critic.get_absolute_url()),
        },
        "itemReviewed": movie(review.film, absolute),
        "publisher": publisher(absolute),
        "inLanguage": settings.LANGUAGE_CODE,
        "wordCount": review.word_count,
    }
    if review.publish_at:  # previews of unpublished reviews have no date yet
        data["datePublished"] = review.publish_at.isoformat()
    if review.standfirst:
        data["description"] = review.standfirst
    if review.rating is not None:
        data["reviewRating"] = rating(review.rating)
    data["image"] = (
        image_url(review.lead_image, absolute)
        or image_url(review.film.poster, absolute)
        or share_image_url(absolute)
    )
    return data


def film_data(film: Film, reviews: list[Review], absolute: Absolute) -> dict:
    """The film as a Movie with our published reviews of it and, from two rated ones on, the
    critics' score as its aggregateRating. `reviews` come from `Review.objects.published()`."""
    data = {"@context": "https://schema.org", **movie(film, absolute)}
    score = critics_score(reviews)
    if score is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(score.value.normalize()),
            "ratingCount": score.count,
            "bestRating": str(BEST_RATING),
            "worstRating": str(WORST_RATING),
        }
    if reviews:
        data["review"] = []
        for review in reviews:
            item: dict = {
                "@type": "Review",
                "name": review.headline,
                "url": absolute(review.get_absolute_url()),
                "datePublished": review.publish_at.isoformat(),
                "author": {
                    "@type": "Person",
                    "name": review.critic.byline,
                    "url": absolute(review.critic.get_absolute_url()),
                },
                "publisher": publisher(absolute),
            }
            if review.rating is not None:
                item["reviewRating"] = rating(review.rating)
            data["review"].append(item)
    return data
