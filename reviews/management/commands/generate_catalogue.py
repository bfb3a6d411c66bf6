"""Fill an empty database with a realistic catalogue for benchmarks: films with genres,
10-40 credits and where-to-watch windows, people, critics, tagged reviews (mostly published,
some drafts, some scheduled). Bulk inserts: 100,000 reviews take about a minute."""

from __future__ import annotations

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from magazine.freshness import invalidate_everything
from magazine.text import render_markdown, word_count
from people.models import Critic, Person

from ...models import Availability, Credit, Film, Genre, Review, TaggedReview
from ...tallies import refresh_all_tallies

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Edith",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonah",
    "Kaito",
    "Lena",
    "Mara",
    "Nils",
    "Odile",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tove",
    "Umar",
    "Vera",
    "Wes",
    "Xenia",
    "Yusuf",
    "Zadie",
    "Amara",
    "Bruno",
    "Celine",
    "Dario",
]
LAST = [
    "Abbott",
    "Baptiste",
    "Castillo",
    "Duarte",
    "Eklund",
    "Fontaine",
    "Garibaldi",
    "Halloran",
    "Ishikawa",
    "Jovanovic",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Sandoval",
    "Takahashi",
    "Ulloa",
    "Varga",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zeller",
]
WORDS = [
    "quiet",
    "river",
    "night",
    "city",
    "light",
    "winter",
    "house",
    "last",
    "summer",
    "stranger",
    "ghost",
    "road",
    "glass",
    "paper",
    "fire",
    "garden",
    "letter",
    "mirror",
    "island",
    "shadow",
    "silver",
    "heart",
    "storm",
    "hour",
]
GENRES = [
    "Drama",
    "Comedy",
    "Thriller",
    "Horror",
    "Romance",
    "Documentary",
    "Animation",
    "Science-fiction",
    "Fantasy",
    "Western",
    "Musical",
    "Crime",
    "War",
    "Mystery",
    "Family",
]
PROVIDERS = ["Netflix", "Hulu", "Max", "Criterion Channel", "Mubi", "Prime Video", "Apple TV"]
PARAGRAPH = (
    "The film moves with a *patience* that rewards attention: scenes are allowed to run "
    "past the point where another director would cut, and the performances deepen for it. "
    "The camera keeps its distance, the score is sparing, and the script trusts its audience "
    "with silences that say more than the dialogue. Not every choice lands, and the last act "
    "leans on coincidence, but the [craft](https://example.com/) is never in doubt. "
)
CREW_ROLES = [
    Credit.Role.WRITER,
    Credit.Role.PRODUCER,
    Credit.Role.CINEMATOGRAPHER,
    Credit.Role.EDITOR,
    Credit.Role.COMPOSER,
    Credit.Role.PRODUCTION_DESIGNER,
    Credit.Role.COSTUME_DESIGNER,
]
BATCH = 5000


class Command(BaseCommand):
    help = "Generate a realistic catalogue of N reviews in an empty database (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, required=True, help="How many reviews.")
        parser.add_argument(
            "--seed", type=int, default=6, help="Random seed (same seed, same data)."
        )

    def handle(self, *args, reviews: int, seed: int, **options) -> None:
        if reviews < 1:
            raise CommandError("--reviews must be at least 1.")
        if Review.objects.exists() or Film.objects.exists():
            raise CommandError(
                "This database already has films or reviews; generate_catalogue only fills an "
                "empty one (create a fresh database for benchmarks)."
            )
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            counts = self._generate(rng, reviews)
        invalidate_everything()
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Generated {summary} in {time.monotonic() - started:.1f} s.")

    def _generate(self, rng: random.Random, review_count: int) -> dict[str, int]:
        now = timezone.now()
        film_count = max(1, review_count // 4)
        people_count = max(60, film_count * 2)
        critic_count = min(100, max(3, review_count // 200))

        genres = Genre.objects.bulk_create(Genre(name=name, slug=name.lower()) for name in GENRES)
        people = Person.objects.bulk_create(
            (
                Person(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    slug=f"person-{i}",
                    bio="Works in film." if i % 3 == 0 else "",
                )
                for i in range(people_count)
            ),
            batch_size=BATCH,
        )
        critics = Critic.objects.bulk_create(
            Critic(
                person=people[i],
                byline=people[i].name,
                slug=f"critic-{i}",
                bio=f"{people[i].name} has written about film for us since {2000 + i % 20}.",
                affiliations="The Evening Post, Sight Lines" if i % 2 else "",
            )
            for i in range(critic_count)
        )
        films = Film.objects.bulk_create(
            (
                Film(
                    title=" ".join(rng.sample(WORDS, rng.randint(1, 3))).title(),
                    slug=f"film-{i}",
                    year=rng.randint(1950, now.year),
                    runtime_minutes=rng.randint(75, 190),
                    synopsis="Two strangers cross paths on one long night in the city.",
                    source_title="The Long Night" if i % 7 == 0 else "",
                    source_kind=Film.SourceKind.NOVEL if i % 7 == 0 else "",
                    source_author="Ines Rossi" if i % 7 == 0 else "",
                )
                for i in range(film_count)
            ),
            batch_size=BATCH,
        )
        FilmGenre = Film.genres.through
        FilmGenre.objects.bulk_create(
            (
                FilmGenre(film_id=film.pk, genre_id=genre.pk)
                for film in films
                for genre in rng.sample(genres, rng.randint(1, 3))
            ),
            batch_size=BATCH,
        )
        credits = self._credits(rng, films, people)
        for row in credits:
            row.refresh_derived_fields()  # bulk_create skips save(), which gives each its key
        Credit.objects.bulk_create(credits, batch_size=BATCH)
        today = timezone.localdate()
        windows = [
            Availability(
                film=film,
                kind=kind,
                provider=rng.choice(PROVIDERS) if kind != Availability.Kind.THEATRICAL else "",
                region=rng.choice(["US", "US", "GB"]),
                starts_on=today + datetime.timedelta(days=rng.randint(-400, 30)),
                last_checked=today - datetime.timedelta(days=rng.randint(0, 30)),
            )
            for film in films
            for kind in rng.sample(list(Availability.Kind.values), rng.randint(1, 3))
        ]
        for row in windows:
            row.refresh_derived_fields()
        Availability.objects.bulk_create(windows, batch_size=BATCH)

        bodies = ["\n\n".join(PARAGRAPH for _ in range(paragraphs)) for paragraphs in (4, 6, 8, 10)]
        rendered = [(body, render_markdown(body), word_count(body)) for body in bodies]
        reviews = []
        for i in range(review_count):
            film = films[i % film_count]
            body, body_html, words = rng.choice(rendered)
            roll = rng.random()
            if roll < 0.03:
                state, publish_at = Review.State.DRAFT, None
            elif roll < 0.04:  # scheduled: published, live later
                state = Review.State.PUBLISHED
                publish_at = now + datetime.timedelta(hours=rng.randint(1, 24 * 30))
            else:
                state = Review.State.PUBLISHED
                publish_at = now - datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 3650))
            reviews.append(
                Review(
                    film=film,
                    critic=critics[i % critic_count],
                    headline=f"{film.title}: a review of a {rng.choice(WORDS)} {rng.choice(WORDS)}",
                    slug=f"review-{i}",
                    standfirst="A patient, quietly confident film that trusts its audience.",
                    body=body,
                    body_html=body_html,
                    word_count=words,
                    kind=rng.choice(["review"] * 8 + ["capsule", "retrospective"]),
                    rating=rng.choice([None, 2, 2.5, 3, 3.5, 4, 4.5, 5]),
                    state=state,
                    publish_at=publish_at,
                    first_published_at=publish_at if state == Review.State.PUBLISHED else None,
                )
            )
        reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
        # bulk_create skips save(): fill PostgreSQL's search vectors as an editor's save would.
        Review.objects.all().refresh_search_vectors()

        tags = Tag.objects.bulk_create(
            Tag(name=f"{word} {n}", slug=f"{word}-{n}") for word in WORDS for n in range(8)
        )
        tagged = [
            TaggedReview(content_object=review, tag=tag)
            for review in reviews
            for tag in rng.sample(tags, rng.randint(0, 4))
        ]
        TaggedReview.objects.bulk_create(tagged, batch_size=BATCH)
        refresh_all_tallies()  # bulk_create skips the receivers that keep the taggings' times
        return {
            "reviews": len(reviews),
            "films": len(films),
            "people": len(people),
            "critics": len(critics),
            "credits": len(credits),
            "availability windows": len(windows),
            "tags on reviews": len(tagged),
        }

    @staticmethod
    def _credits(rng: random.Random, films: list[Film], people: list[Person]) -> list[Credit]:
        credits = []
        for film in films:
            size = rng.randint(10, 40)
            chosen = rng.sample(people, size)
            credits.append(Credit(film=film, person=chosen[0], role=Credit.Role.DIRECTOR))
            crew = min(len(CREW_ROLES), size // 4)
            for order, person in enumerate(chosen[1 : 1 + crew], start=1):
                credits.append(Credit(film=film, person=person, role=CREW_ROLES[order - 1]))
            for order, person in enumerate(chosen[1 + crew :], start=1):
                credits.append(
                    Credit(
                        film=film,
                        person=person,
                        role=Credit.Role.CAST,
                        character=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        billing_order=order,
                    )
                )
        return credits
