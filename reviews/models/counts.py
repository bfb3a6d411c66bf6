"""Derived counts kept beside the reviews (reviews/tallies.py keeps them)."""

from __future__ import annotations

from django.db import models

from people.models import Critic

from .catalogue import known_values


class CriticTally(models.Model):
    """How many of a critic's reviews are published (scheduled ones included).

    Derived data kept by reviews.tallies, so the critics' index never counts reviews; it is
    rebuilt from the reviews by `manage.py refresh_tallies` and never exported.
    """

    critic = models.OneToOneField(
        Critic, on_delete=models.CASCADE, primary_key=True, related_name="review_tally"
    )
    published_reviews = models.PositiveIntegerField(default=0)

    derived_data = True

    def __str__(self) -> str:
        return f"{self.critic}: {self.published_reviews}"


class TagTally(models.Model):
    """How many published reviews (scheduled ones included) carry a tag. Derived, like
    CriticTally."""

    tag = models.OneToOneField(
        "taggit.Tag", on_delete=models.CASCADE, primary_key=True, related_name="review_tally"
    )
    published_reviews = models.PositiveIntegerField(default=0)

    derived_data = True

    def __str__(self) -> str:
        return f"{self.tag}: {self.published_reviews}"


class FilmFacet(models.Model):
    """How many films with a published review (scheduled ones included) fall under one
    initial, one year or one genre: the film index's A-Z, year and genre boxes. Derived."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        YEAR = "year", "Year"
        GENRE = "genre", "Genre"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=20, help_text="'A'-'Z' or '#', a year, a genre's id.")
    films = models.PositiveIntegerField(default=0)

    derived_data = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_film_facet"),
            known_values("reviews_filmfacet", "kind", ["initial", "year", "genre"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}: {self.films}"
