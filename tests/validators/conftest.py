"""A small catalogue with every kind of reader page, its text full of what breaks markup:
quotes, ampersands, `<`, emoji and right-to-left names. The validator tests render it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.previews import preview_url
from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
    image_bytes,
)

# What a headline, a name or a body may hold; each validator must pass it through unharmed.
HEADLINE = "The year's quietest heartbreak: “Strangers” & <ghosts> 🎬 — לב שבור"
FILM_TITLE = 'Tom & Jerry\'s "Night" <Out> 🌙'
CRITIC_BYLINE = 'Zoë "Zed" O\'Brien & Co <3 📽'
RTL_CRITIC = "نادين لبكي"
DIRECTOR = "Ramón & “Ray” <Hernández> 🎭"
RTL_ACTOR = "אבי נשר"
TAG = 'Love & "loss" <3 🕯'
GENRE = 'Drama & "Romance"'
BODY = (
    'A film about "home" & <belonging>, 5 < 6, and grief 🎞.\n\n'
    "בית הוא המקום שבו מחכים לך.\n\n"
    "> “Nobody leaves,” she says & means it.\n\n"
    "العودة إلى البيت ليست سهلة."
)


@dataclass
class Catalogue:
    rated: Review
    unrated: Review
    draft: Review
    pages: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def catalogue(db, settings) -> Catalogue:
    now = timezone.now()
    genre = GenreFactory(name=GENRE, slug="drama-romance")
    film = FilmFactory(
        title=FILM_TITLE,
        slug="night-out",
        year=2023,
        release_date=datetime.date(2023, 12, 22),
        synopsis='A night out in a city of "strangers" & ghosts < midnight 🌃.',
        source_title="Strangers",
        source_kind="novel",
        source_author="Taichi Yamada",
    )
    film.genres.add(genre)
    film.poster.save("poster.jpg", ContentFile(image_bytes(1000, 1500)))
    director = PersonFactory(name=DIRECTOR, slug="ramon", bio="Born in Seville & raised <online>.")
    CreditFactory(film=film, person=director, role="director", character="")
    CreditFactory(film=film, person=PersonFactory(name=RTL_ACTOR, slug="avi"), character="Adam")
    AvailabilityFactory(film=film, provider="Hulu & Friends")
    zoe = CriticFactory(
        person=PersonFactory(name="Zoë O'Brien", slug="zoe-obrien"),
        byline=CRITIC_BYLINE,
        slug="zoe",
        bio='Zoë writes about "film" & television <mostly> 📺.',
        affiliations="The Times & The Post",
    )
    nadine = CriticFactory(
        person=PersonFactory(name=RTL_CRITIC, slug="nadine"), byline=RTL_CRITIC, slug="nadine"
    )
    rated = ReviewFactory(
        published=True,
        publish_at=now - datetime.timedelta(days=2, microseconds=-874364),
        film=film,
        critic=zoe,
        headline=HEADLINE,
        slug="quietest-heartbreak",
        standfirst='Haigh\'s most tender film & his "saddest" <yet> 💔.',
        body=BODY,
        rating=Decimal("4.5"),
        tags=[TAG, "ghosts"],
        lead_image_alt="A man alone at a window & the city <behind> him 🌆",
    )
    rated.lead_image.save("lead.jpg", ContentFile(image_bytes(1600, 900)))
    # No rating, no lead image, and a film with no poster: the fallback image's case.
    other_film = FilmFactory(title="ليلة في المدينة", slug="layla", year=2021)
    unrated = ReviewFactory(
        published=True,
        publish_at=now - datetime.timedelta(days=1, microseconds=-123456),
        film=other_film,
        critic=nadine,
        headline="مراجعة: ليلة “طويلة” & <هادئة> 🌙",
        slug="layla-review",
        standfirst="",
        body=BODY,
        kind="retrospective",
        tags=[TAG],
    )
    # A second rated review of the first film: enough for a critics' score.
    ReviewFactory(
        published=True,
        publish_at=now - datetime.timedelta(hours=3),
        film=film,
        critic=nadine,
        headline='Second look: "Night" & <day>',
        slug="second-look",
        body=BODY,
        rating=Decimal("3.5"),
    )
    draft = ReviewFactory(film=film, critic=zoe, headline=f"Draft: {HEADLINE}", slug="draft")
    tag_slug = rated.tags.get(name=TAG).slug

    pages = {
        "home": reverse("home"),
        "review (rated, with image)": rated.get_absolute_url(),
        "review (unrated, no image, no poster)": unrated.get_absolute_url(),
        "film": film.get_absolute_url(),
        "film (no poster)": other_film.get_absolute_url(),
        "critic": zoe.get_absolute_url(),
        "critic (RTL)": nadine.get_absolute_url(),
        "person": director.get_absolute_url(),
        "tag list": reverse("tag_index"),
        "tag": reverse("tag_detail", args=[tag_slug]),
        "genre": reverse("genre_detail", args=[genre.slug]),
        "year": reverse("film_year", args=[2023]),
        "film index": reverse("film_index"),
        "critic index": reverse("critic_index"),
        "search with results": reverse("search") + "?q=heartbreak",
        "search, no results": reverse("search") + "?q=zzzyzzx",
        "search, empty": reverse("search"),
        "404": "/no-such-page/",
        "preview (unscheduled draft)": preview_url(review=draft),
    }
    feeds = {
        "rss": reverse("feed"),
        "atom": reverse("feed_atom"),
        "critic rss": reverse("critic_feed", args=[zoe.slug]),
        "critic atom": reverse("critic_feed_atom", args=[zoe.slug]),
        "film rss": reverse("film_feed", args=[film.slug]),
        "film atom": reverse("film_feed_atom", args=[film.slug]),
        "tag rss": reverse("tag_feed", args=[tag_slug]),
        "tag atom": reverse("tag_feed_atom", args=[tag_slug]),
    }
    return Catalogue(rated=rated, unrated=unrated, draft=draft, pages=pages, feeds=feeds)
