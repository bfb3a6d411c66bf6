"""The catalogue: films, genres, credits and release windows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from magazine import freshness
from magazine.control_characters import no_control_characters, refuse_control_characters
from magazine.edit_guard import EditVersioned, VersionedQuerySet
from magazine.fulltext import (
    NameTrigramIndex,
    search_terms,
)
from magazine.links import slug_url
from magazine.timestamps import TimestampedModel
from magazine.zones import describe_moment_for_desk, desk_time_zone, validate_time_zone, zone
from people.models import Person, SlugNaturalKeyManager

from ..where_to_watch import WhereToWatch, where_to_watch


def known_values(table: str, field: str, values: Iterable[str]) -> models.CheckConstraint:
    """The database refuses any value of a choice field but these, on every path (an ORM
    update, raw SQL, a restore). Listed literally, since a model's Meta cannot see its
    choices; tests/reviews/test_constraints.py checks that each list matches its choices."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": list(values)}), name=f"{table}_{field}_known"
    )


class Genre(EditVersioned):
    name = models.CharField(max_length=100, unique=True, validators=[refuse_control_characters])
    slug = models.SlugField(max_length=100, unique=True)

    objects = SlugNaturalKeyManager.from_queryset(VersionedQuerySet)()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name"]
        constraints = no_control_characters("name")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class FilmQuerySet(VersionedQuerySet):
    def with_published_reviews(self, now: datetime.datetime | None = None) -> FilmQuerySet:
        """Films with at least one review readers can see: EXISTS over `published()` on the
        (film, state, publish_at) index, so it is exact at any moment with nothing stored."""
        from .review import Review

        published = Review.objects.published(now).filter(film=OuterRef("pk"))
        return self.filter(Exists(published))

    def under_embargo(self, now: datetime.datetime) -> FilmQuerySet:
        """The ids of films whose review embargo has not lifted yet (a few; indexed)."""
        return self.filter(review_embargo_until__gt=now).values("pk")

    def update(self, **kwargs) -> int:
        """A bulk update that moves an embargo keeps what derives from it (the topic pages'
        publish times) and makes cached pages stale, like a save."""
        if "review_embargo_until" not in kwargs:
            return super().update(**kwargs)
        from .. import tallies  # tallies builds on these models

        film_ids = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        tallies.refresh_tag_times_of_films(film_ids, using=self.db)
        lists = {"reviews:list", "reviews:counts", "films:list"}  # see reviews/cache_tags.py
        freshness.invalidate({*lists, *(f"film:{pk}" for pk in film_ids)}, self.db)
        return updated

    def reviewed(self, now: datetime.datetime | None = None) -> FilmQuerySet:
        """Films with at least one published review, each with `review_count` of those
        (counted on the (film, state, publish_at) index)."""
        from .review import Review

        published = Review.objects.published(now).filter(film=OuterRef("pk")).order_by()
        count = published.values("film").annotate(n=Count("pk")).values("n")
        return self.with_published_reviews(now).annotate(review_count=Subquery(count))

    def in_genre(self, genre: Genre) -> FilmQuerySet:
        """Films in this genre. EXISTS on the (film, genre) index, so a page of films by title
        walks the title index and stops when full, instead of sorting all of the genre's
        films (7 ms -> 2.5 ms for a genre of 3,300 films at 100,000 reviews on SQLite)."""
        in_genre = Film.genres.through.objects.filter(film=OuterRef("pk"), genre=genre)
        return self.filter(Exists(in_genre))

    def search(self, query: str) -> FilmQuerySet:
        """Films whose title holds every word of the query, best (shortest title) first."""
        terms = search_terms(query)
        if not terms:
            return self.none()
        condition = Q()
        for term in terms:
            condition &= Q(title__icontains=term)
        return self.filter(condition).order_by(models.functions.Length("title"), "title")


class FilmManager(SlugNaturalKeyManager.from_queryset(FilmQuerySet)):
    pass


class Film(TimestampedModel, EditVersioned):
    class SourceKind(models.TextChoices):
        NOVEL = "novel", "Novel"
        SHORT_STORY = "short_story", "Short story"
        PLAY = "play", "Play"
        MEMOIR = "memoir", "Memoir"
        NONFICTION = "nonfiction", "Non-fiction book"
        COMIC = "comic", "Comic or graphic novel"
        FILM = "film", "Earlier film"
        TV = "tv", "Television series"
        TRUE_STORY = "true_story", "True story"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the film's web address: /films/<slug>/."
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1878), MaxValueValidator(2100)],
        help_text="Year of first release, as film databases list it.",
    )
    release_date = models.DateField(
        null=True, blank=True, help_text="First release date in our region, if known."
    )
    runtime_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1500)]
    )
    synopsis = models.TextField(
        blank=True,
        help_text="Two or three sentences, no spoilers.",
        validators=[refuse_control_characters],
    )
    poster = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="From the media library: search for it, or add it with the + button. Shown "
        "on the film's page and beside its reviews, cropped tall around its focal point.",
    )
    source_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the film is adapted from, e.g. “Strangers”.",
        validators=[refuse_control_characters],
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)
    source_author = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who wrote the source, e.g. “Taichi Yamada”.",
        validators=[refuse_control_characters],
    )
    genres = models.ManyToManyField(Genre, blank=True, related_name="films", through="FilmGenre")
    imdb_id = models.CharField(
        "IMDb ID",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^tt\d{7,10}$", "An IMDb ID looks like tt21192142.")],
        help_text="From the film's IMDb address, e.g. tt21192142. Tells search engines which "
        "film this is.",
    )
    review_embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="No review of this film can be published or scheduled before this moment "
        "(the distributor's embargo). Leave empty when there is none.",
    )
    review_embargo_timezone = models.CharField(
        "embargo time zone",
        max_length=64,
        default=desk_time_zone,
        validators=[validate_time_zone],
        help_text="The time zone the distributor gives the embargo in, e.g. "
        "America/Los_Angeles. The embargo is entered and shown in it.",
    )

    objects = FilmManager()
    natural_key_fields = ("slug",)

    class Meta:
        # The slug last: films of the same title and year list in the same order everywhere,
        # before and after an export.
        ordering = ["title", "year", "slug"]
        constraints = [
            *no_control_characters("title", "synopsis", "source_title", "source_author"),
            known_values(
                "reviews_film",
                "source_kind",
                [
                    "",
                    "novel",
                    "short_story",
                    "play",
                    "memoir",
                    "nonfiction",
                    "comic",
                    "film",
                    "tv",
                    "true_story",
                    "other",
                ],
            ),
        ]
        indexes = [
            # Search's "films" matches (title icontains) at 25,000 films: 10 ms -> 0.2 ms.
            NameTrigramIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="film_title_trgm"),
            # The film index A-Z walks this and stops after a page; no sort of every film.
            models.Index(fields=["title", "year"], name="film_title_year"),
            models.Index(fields=["year", "title"], name="film_year_title"),
            # The few films under embargo, for the visibility rule (Review.objects.published()).
            models.Index(fields=["review_embargo_until"], name="film_embargo_until"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return slug_url("reviews:film_detail", self.slug)

    def clean(self) -> None:
        if self.source_author and not self.source_title:
            raise ValidationError({"source_title": "Name the source when you give its author."})

    @classmethod
    def from_db(cls, db, field_names, values):
        film = super().from_db(db, field_names, values)
        # As loaded, for the receivers: each review's search row holds the title
        # (reviews.search_index); the embargo decides when its reviews go live (tallies).
        loaded = film.__dict__
        if "title" in loaded:
            film._searched_as = loaded["title"]
        if "review_embargo_until" in loaded:
            film._embargo_as = loaded["review_embargo_until"]
        return film

    @property
    def same_as(self) -> list[str]:
        """Pages elsewhere about this same film (schema.org sameAs)."""
        return [f"https://www.imdb.com/title/{self.imdb_id}/"] if self.imdb_id else []

    @property
    def poster_alt(self) -> str:
        """The poster's description in the library, else what it is: the film's poster."""
        return (self.poster.alt if self.poster else "") or f"Poster for {self.title} ({self.year})"

    # These read the credits already fetched with the film (see FilmQuerySet.with_credits),
    # so a page shows directors and cast without a query per person.
    def _credits(self, role: str) -> list[Credit]:
        return [credit for credit in self.credits.all() if credit.role == role]

    @property
    def directors(self) -> list[Person]:
        return [credit.person for credit in self._credits(Credit.Role.DIRECTOR)]

    @property
    def cast(self) -> list[Credit]:
        return self._credits(Credit.Role.CAST)

    @property
    def top_billed_cast(self) -> list[Credit]:
        return self.cast[: settings.MAGAZINE_TOP_BILLED]

    @property
    def crew(self) -> list[Credit]:
        return [credit for credit in self.credits.all() if credit.role != Credit.Role.CAST]

    @property
    def source_material(self) -> str:
        """“Strangers, the novel by Taichi Yamada”, or '' when the film is original."""
        if not self.source_title:
            return ""
        text = self.source_title
        kind = self.get_source_kind_display().lower() if self.source_kind else ""
        if kind and self.source_author:
            return f"{text}, the {kind} by {self.source_author}"
        if self.source_author:
            return f"{text}, by {self.source_author}"
        if kind:
            return f"{text} ({kind})"
        return text

    @property
    def review_embargo_local(self) -> datetime.datetime | None:
        """The embargo as the distributor's clock shows it (in the embargo's own zone)."""
        if self.review_embargo_until is None:
            return None
        return self.review_embargo_until.astimezone(zone(self.review_embargo_timezone))

    @property
    def review_embargo_description(self) -> str:
        """When the embargo lifts, in its own zone and on the desk's clock; '' when none."""
        if self.review_embargo_until is None:
            return ""
        return describe_moment_for_desk(self.review_embargo_until, self.review_embargo_timezone)

    def embargo_in_force(self, now: datetime.datetime | None = None) -> bool:
        return self.embargo_blocks(now or timezone.now())

    def embargo_blocks(self, moment: datetime.datetime) -> bool:
        """True when a review of this film may not go out at `moment`."""
        return self.review_embargo_until is not None and moment < self.review_embargo_until

    def where_to_watch(self, today: datetime.date | None = None) -> WhereToWatch:
        return where_to_watch(
            self.availabilities.all(),
            today=today or timezone.localdate(),
            region=settings.MAGAZINE_REGION,
        )


class FilmGenre(models.Model):
    """A film's genre at its place in the film's list (“Drama, Romance”): the order editors
    give it. The table is the one the plain many-to-many had (migration 0027)."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="genre_links")
    genre = models.ForeignKey(Genre, on_delete=models.CASCADE, related_name="film_links")
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first: 1 is the genre named first."
    )

    # Fixtures give a film's genres as the list on the film, in this order
    # (magazine.fixture_loader, magazine.precise_json), never as rows of their own.
    list_order_field = "position"

    class Meta:
        db_table = "reviews_film_genres"
        ordering = ["position", "pk"]
        unique_together = [("film", "genre")]  # as the plain many-to-many's table had it

    def __str__(self) -> str:
        return str(self.genre)


def genres_in_order(lookup: str = "genres") -> models.Prefetch:
    """Prefetch a film's genres (`lookup` reaching Film.genres) in the film's own order."""
    ordered = Genre.objects.order_by("film_links__position", "film_links__pk")
    return models.Prefetch(lookup, queryset=ordered)


class FilmKeyManager(models.Manager):
    def get_by_natural_key(self, film_slug: str, key: str):
        return self.get(film__slug=film_slug, key=key)


class KeyedWithinFilm(models.Model):
    """A film's row (a credit, a window) named in fixtures by the film and a `key` made from
    what does not change about it (KEY_FROM), so correcting its other facts updates it.

    The key is set once, when the row is first saved, and never follows later edits.
    """

    key = models.SlugField(
        max_length=250,
        allow_unicode=True,
        blank=True,
        editable=False,
        help_text="Names this row among the film's in fixtures; made when it is first saved "
        "and kept when its facts are corrected.",
    )

    KEY_FROM: tuple[str, ...] = ()
    natural_key_fields = ("film__slug", "key")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.key:  # a second role of one person gets "-2", and so on
            base = self.default_key()
            taken = set(
                type(self)
                ._base_manager.filter(film_id=self.film_id, key__startswith=base)
                .exclude(pk=self.pk)
                .values_list("key", flat=True)
            )
            self.key = next(
                key
                for n in range(1, len(taken) + 2)
                if (key := base if n == 1 else f"{base}-{n}") not in taken
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "key"}
        super().save(*args, **kwargs)

    def default_key(self) -> str:
        parts = [getattr(self, name) for name in self.KEY_FROM]
        return slugify("-".join(getattr(part, "slug", part) or "" for part in parts), True)

    def natural_key(self) -> tuple[str, str]:
        return (self.film.slug, self.key or self.default_key())

    def refresh_derived_fields(self) -> None:
        """Give a new row its key (what loaddata calls before a bulk write)."""
        if not self.key:
            self.key = self.default_key()


class Credit(KeyedWithinFilm):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        WRITER = "writer", "Writer"
        CAST = "cast", "Cast"
        PRODUCER = "producer", "Producer"
        CINEMATOGRAPHER = "cinematographer", "Cinematographer"
        EDITOR = "editor", "Editor"
        COMPOSER = "composer", "Composer"
        PRODUCTION_DESIGNER = "production_designer", "Production designer"
        COSTUME_DESIGNER = "costume_designer", "Costume designer"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=30, choices=Role.choices)
    character = models.CharField(
        max_length=200,
        blank=True,
        help_text="For cast: the character's name as billed.",
        validators=[refuse_control_characters],
    )
    billing_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first: 1 is the top-billed name."
    )

    objects = FilmKeyManager()
    KEY_FROM = ("person", "role")  # "jamie-bell-cast"

    class Meta:
        ordering = ["billing_order", "pk"]
        constraints = [
            *no_control_characters("character"),
            known_values(
                "reviews_credit",
                "role",
                [
                    "director",
                    "writer",
                    "cast",
                    "producer",
                    "cinematographer",
                    "editor",
                    "composer",
                    "production_designer",
                    "costume_designer",
                ],
            ),
            models.UniqueConstraint(
                fields=["film", "person", "role", "character"], name="unique_credit"
            ),
            models.UniqueConstraint(fields=["film", "key"], name="unique_credit_key"),
        ]

    def __str__(self) -> str:
        label = f"{self.person} – {self.get_role_display()}"
        return f"{label} ({self.character})" if self.character else label

    def natural_key(self) -> tuple[str, str]:
        return super().natural_key()

    natural_key.dependencies = ["reviews.film", "people.person"]

    def clean(self) -> None:
        if self.character and self.role != self.Role.CAST:
            raise ValidationError({"character": "Only cast credits have a character."})


class Availability(KeyedWithinFilm):
    """A window in which readers in one region can see a film in one way."""

    class Kind(models.TextChoices):
        THEATRICAL = "theatrical", "In theaters"
        STREAMING = "streaming", "Streaming"
        RENT_BUY = "rent_buy", "Rent or buy"
        TV = "tv", "On TV"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="availabilities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    provider = models.CharField(
        max_length=100,
        blank=True,
        help_text="The service or channel (“Hulu”, “BBC Two”); for theaters, the distributor "
        "or leave empty.",
        validators=[refuse_control_characters],
    )
    region = models.CharField(
        max_length=2,
        default="US",
        help_text="Two-letter country code, e.g. US or GB.",
        validators=[refuse_control_characters],
    )
    starts_on = models.DateField(help_text="First day it can be seen this way.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="Last day, if known; empty means open-ended."
    )
    url = models.URLField(
        blank=True,
        help_text="Where readers can watch or buy tickets.",
        validators=[refuse_control_characters],
    )
    last_checked = models.DateField(
        null=True, blank=True, help_text="When someone last confirmed this; readers see “as of”."
    )

    objects = FilmKeyManager()
    KEY_FROM = ("kind", "provider", "region")  # "streaming-hulu-us"

    class Meta:
        ordering = ["starts_on", "kind", "provider"]
        verbose_name_plural = "availability"
        constraints = [
            *no_control_characters("provider", "region", "url"),
            known_values(
                "reviews_availability", "kind", ["theatrical", "streaming", "rent_buy", "tv"]
            ),
            models.UniqueConstraint(
                fields=["film", "kind", "provider", "region", "starts_on"],
                name="unique_availability_window",
            ),
            models.UniqueConstraint(fields=["film", "key"], name="unique_availability_key"),
        ]

    def __str__(self) -> str:
        where = self.provider or self.get_kind_display()
        return f"{self.get_kind_display()}: {where} ({self.region}) from {self.starts_on}"

    def natural_key(self) -> tuple[str, str]:
        return super().natural_key()

    natural_key.dependencies = ["reviews.film"]

    def clean(self) -> None:
        if self.region:
            self.region = self.region.upper()
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The window cannot end before it starts."})
        if self.kind in {self.Kind.STREAMING, self.Kind.RENT_BUY, self.Kind.TV} and not (
            self.provider
        ):
            raise ValidationError({"provider": "Name the service or channel."})


# How many of the newest matching reviews search ranks (see ReviewQuerySet.search).
