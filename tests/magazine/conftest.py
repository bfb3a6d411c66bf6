"""Fixtures shared by the site's security tests (test_security.py, test_reader_security.py)."""

import datetime

import pytest
from django.utils import timezone

from reviews.models import Credit, Film
from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    ReviewFactory,
)
from tests.markup import attack


@pytest.fixture
def poisoned(db):
    """A published review whose every reader-facing text is an attack."""
    director = PersonFactory(
        name=attack("director.name"), slug="director", bio=attack("person.bio")
    )
    actor = PersonFactory(name=attack("actor.name"), slug="actor")
    critic = CriticFactory(
        person=PersonFactory(name="Critic Person", slug="critic-person"),
        byline=attack("critic.byline"),
        slug="critic",
        bio=attack("critic.bio"),
        affiliations=attack("critic.affiliations"),
    )
    film = FilmFactory(
        title=attack("film.title"),
        slug="film",
        synopsis=attack("film.synopsis"),
        source_title=attack("film.source_title"),
        source_author=attack("film.source_author"),
        source_kind=Film.SourceKind.NOVEL,
    )
    CreditFactory(film=film, person=director, role=Credit.Role.DIRECTOR, character="")
    CreditFactory(film=film, person=actor, role=Credit.Role.CAST, character=attack("character"))
    AvailabilityFactory(
        film=film,
        provider=attack("availability.provider"),
        starts_on=timezone.localdate() - datetime.timedelta(days=3),
        url="https://example.com/watch",
    )
    review = ReviewFactory(
        film=film,
        critic=critic,
        slug="poisoned",
        headline=attack("review.headline"),
        standfirst=attack("review.standfirst"),
        body=(
            "<script>alert('body')</script>\n\n"
            "[one](javascript:alert('body')) [two](java\tscript:alert('body')) "
            "[three](&#106;avascript:alert('body')) [four]( javascript:alert('body')) "
            "[five](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
            "<a href=\"javascript:alert('body')\">raw</a> <img src=x onerror=alert('body')> "
            "<p onclick=\"alert('body')\">para</p> <svg onload=alert('body')></svg> "
            "[fine](https://example.com/ok)"
        ),
        published=True,
        tags=[attack("tag")],
    )
    return review
