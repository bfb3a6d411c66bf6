"""Films, their credits and release windows, and the reviews our critics write of them."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import connections, models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Upper
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from library.embeds import render_body_images
from magazine import freshness
from magazine.control_characters import no_control_characters, refuse_control_characters
from magazine.edit_guard import EditVersioned
from magazine.fulltext import (
    SEARCH_CONFIG,
    SQLITE_FULLTEXT_TABLE,
    NameTrigramIndex,
    SearchVectorIndex,
    fts5_match,
    search_terms,
)
from magazine.links import slug_url
from magazine.text import render_markdown, word_count
from magazine.timestamps import TimestampedModel
from magazine.zones import describe_moment_for_desk, desk_time_zone, validate_time_zone, zone
from people.models import Critic, Person, SlugNaturalKeyManager

from .where_to_watch import WhereToWatch, where_to_watch


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

    objects = SlugNaturalKeyManager()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name"]
        constraints = no_control_characters("name")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class FilmQuerySet(models.QuerySet):
    def with_published_reviews(self, now: datetime.datetime | None = None) -> FilmQuerySet:
        """Films with at least one review readers can see.

        Reads the film's stored tally (the earliest publish time of its published reviews,
        kept by reviews.tallies) and its own embargo, so it is exact at any moment, scheduled
        and held reviews included, without looking at the reviews table.
        """
        now = now or timezone.now()
        return self.filter(
            Q(review_embargo_until__isnull=True) | Q(review_embargo_until__lte=now),
            tally_first_publish_at__lte=now,
        )

    def under_embargo(self, now: datetime.datetime) -> FilmQuerySet:
        """The ids of films whose review embargo has not lifted yet (a few; indexed)."""
        return self.filter(review_embargo_until__gt=now).values("pk")

    def reviewed_but_not_yet_visible(self, now: datetime.datetime) -> FilmQuerySet:
        """Films whose every published review is still scheduled or held by the embargo."""
        return self.filter(
            Q(tally_first_publish_at__gt=now) | Q(review_embargo_until__gt=now),
            tally_first_publish_at__isnull=False,
        )

    def update(self, **kwargs) -> int:
        """A bulk update that moves an embargo keeps what derives from it (the topic pages'
        publish times) and makes cached pages stale, like a save."""
        if "review_embargo_until" not in kwargs:
            return super().update(**kwargs)
        from . import tallies  # tallies builds on these models

        film_ids = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        tallies.refresh_tag_times_of_films(film_ids, using=self.db)
        freshness.invalidate({"reviews:list", *(f"film:{pk}" for pk in film_ids)}, self.db)
        return updated

    def reviewed(self, now: datetime.datetime | None = None) -> FilmQuerySet:
        """Films with at least one published review, each with `review_count` of those:
        the stored tally less the film's reviews still scheduled (a short index range)."""
        now = now or timezone.now()
        scheduled = Review.objects.scheduled(now).filter(film=OuterRef("pk")).order_by()
        count = scheduled.values("film").annotate(n=Count("pk")).values("n")
        return self.with_published_reviews(now).annotate(
            review_count=F("tally_published_reviews") - Coalesce(Subquery(count), 0)
        )

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
    genres = models.ManyToManyField(Genre, blank=True, related_name="films")
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

    # Derived, kept by reviews.tallies on every write that changes them, so the reader's
    # indexes never count reviews: how many reviews of this film are published (scheduled
    # ones included), and the earliest publish time among them. Readers see the film as
    # reviewed once that time has come; counts shown subtract the reviews still scheduled.
    # Not serialized: exports leave them out and every load recounts them.
    tally_published_reviews = models.PositiveIntegerField(
        default=0, editable=False, serialize=False
    )
    tally_first_publish_at = models.DateTimeField(
        null=True, blank=True, editable=False, serialize=False
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
            models.Index(fields=["tally_first_publish_at"], name="film_reviewed_since"),
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

    TALLY_FIELDS = ("tally_published_reviews", "tally_first_publish_at")

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The tallies are kept from the reviews (reviews.tallies); the copy in memory may
            # be older than a review published since, and must not overwrite them.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.TALLY_FIELDS
            ]
        super().save(*args, **kwargs)
        # Film titles are part of each review's search vector (same data, kept in step).
        self.reviews.all().refresh_search_vectors()

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
SEARCH_CANDIDATES = 200
# What a word found in each field adds to a review's rank, where the database does not rank
# itself (SQLite; PostgreSQL weighs its own vector A, A, B, C).
SEARCH_WEIGHTS = (("headline", 1.0), ("film__title", 1.0), ("standfirst", 0.4), ("body", 0.2))


# When a published review becomes public: its publish time, or its film's embargo if later.
GOES_LIVE_AT = Greatest("publish_at", Coalesce("film__review_embargo_until", "publish_at"))


class ReviewQuerySet(models.QuerySet):
    # The one visibility rule. A review is public when it is published, its publish time has
    # come and its film's review embargo (if any) has lifted. Everything readers see, and
    # every count or cache derived from it (reviews/tallies.py), goes through these methods.

    def published(self, now: datetime.datetime | None = None) -> ReviewQuerySet:
        """Reviews a reader may see: published, their publish time has come, and their
        film's review embargo, if any, has lifted.

        This is the only definition of public visibility; every public surface uses it.
        """
        now = now or timezone.now()
        return self.filter(state=Review.State.PUBLISHED, publish_at__lte=now).exclude(
            film__in=Film.objects.under_embargo(now)
        )

    def scheduled(self, now: datetime.datetime | None = None) -> ReviewQuerySet:
        """Published reviews readers cannot see yet: their publish time is still ahead, or
        their film's embargo holds them (they go live at `goes_live_at`, with no write)."""
        now = now or timezone.now()
        published = Review.State.PUBLISHED
        under_embargo = Film.objects.under_embargo(now)
        # Each side of the OR whole, so the database reads two index ranges (SQLite: a
        # MULTI-INDEX OR of (state, publish_at) and (film, state, publish_at) for the few
        # films under embargo): 0.25 ms at 2,000 reviews; with the state outside the OR, or
        # the embargo read through a join, it scanned every published review (13-14 ms).
        return self.filter(
            Q(state=published, publish_at__gt=now)
            | Q(state=published, publish_at__isnull=False, film__in=under_embargo)
        )

    def held_by_embargo(self, now: datetime.datetime | None = None) -> ReviewQuerySet:
        """Scheduled reviews whose publish time has come or comes before their film's embargo
        lifts: they go live at the lift (the desk marks them "held by embargo")."""
        return self.scheduled(now).filter(publish_at__lt=F("film__review_embargo_until"))

    def published_or_scheduled(self) -> ReviewQuerySet:
        """Reviews that are public now or will be at their moment with no editorial move:
        `published()` and `scheduled()` together, at any moment (what stored counts count)."""
        return self.filter(state=Review.State.PUBLISHED, publish_at__isnull=False)

    def with_goes_live_at(self) -> ReviewQuerySet:
        """Each review with `goes_live_at`: the later of its publish time and its film's
        embargo, i.e. when `published()` starts to hold it."""
        return self.annotate(goes_live_at=GOES_LIVE_AT)

    def in_review(self) -> ReviewQuerySet:
        return self.filter(state=Review.State.IN_REVIEW)

    def approved(self) -> ReviewQuerySet:
        return self.filter(state=Review.State.APPROVED)

    def drafts_of(self, user) -> ReviewQuerySet:
        """Drafts this user writes (as the critic) or has worked on (a revision of theirs)."""
        return (
            self.filter(state=Review.State.DRAFT)
            .filter(models.Q(critic__user=user) | models.Q(revisions__author=user))
            .distinct()
        )

    def owned_by(self, user) -> ReviewQuerySet:
        """Reviews whose critic is this login (what a writer may see in the admin)."""
        return self.filter(critic__user=user)

    def next_publish_at(self, now: datetime.datetime | None = None) -> datetime.datetime | None:
        """When the next scheduled review goes live, or None: what a cached page must not
        outlive."""
        return self.scheduled(now).aggregate(next=models.Min(GOES_LIVE_AT))["next"]

    def latest_first(self) -> ReviewQuerySet:
        return self.order_by("-publish_at", "-pk")

    def for_listing(self) -> ReviewQuerySet:
        """What a list of reviews shows: each with its film and critic, in one query, without
        the long text columns a list never shows."""
        return self.select_related("film__poster", "critic", "lead_image").defer(
            "body", "body_html"
        )

    def search(self, query: str) -> ReviewQuerySet:
        """Reviews matching every word of the query, best first, each with a `rank`.

        Headline and film title weigh most, then the standfirst, then the body. Matches come
        from a full-text index: PostgreSQL's stored `search_vector`, SQLite's FTS5 table
        (where a word also finds the words it starts: "stranger" finds "strangers"); either
        way the newest SEARCH_CANDIDATES matches among these reviews are ranked, so a common
        word costs the same at any catalogue size. Fewer matches than that are all ranked.
        """
        terms = search_terms(query)
        if not terms:
            return self.none()
        vendor = connections[self.db].vendor
        if vendor == "postgresql":
            search_query = SearchQuery(" ".join(terms), search_type="plain", config=SEARCH_CONFIG)
            # Rank the newest SEARCH_CANDIDATES matches, not all of them: a common word
            # matches 15% of 100,000 reviews, and ranking each reads its whole stored vector
            # (0.15-0.4 s). Fewer matches than that are all ranked, as before.
            candidates = (
                self.filter(search_vector=search_query)
                .order_by("-publish_at", "-pk")
                .values("pk")[:SEARCH_CANDIDATES]
            )
            return (
                self.filter(pk__in=candidates)
                .annotate(rank=SearchRank(F("search_vector"), search_query))
                .order_by("-rank", "-publish_at", "-pk")
            )
        if vendor == "sqlite":
            return self._search_sqlite(terms)
        condition, rank = Q(), Value(0.0)
        for term in terms:
            condition &= (
                Q(headline__icontains=term)
                | Q(film__title__icontains=term)
                | Q(standfirst__icontains=term)
                | Q(body__icontains=term)
            )
            for field, weight in SEARCH_WEIGHTS:
                rank = rank + Case(
                    When(**{f"{field}__icontains": term}, then=Value(weight)),
                    default=Value(0.0),
                )
        return self.filter(condition).annotate(rank=rank).order_by("-rank", "-publish_at", "-pk")

    def _search_sqlite(self, terms: list[str]) -> ReviewQuerySet:
        """SQLite: the FTS5 table finds the matches, newest (highest id) first; each is kept
        only if it is one of these reviews (`self`, e.g. `published()`: the visibility rule
        is applied to every hit); the first SEARCH_CANDIDATES are ranked like the fallback
        below (per word: headline or film title 1.0 each, standfirst 0.4, body 0.2).

        The FTS5 table is walked in rowid order and stops after SEARCH_CANDIDATES hits: 2 ms
        for a word in 15% of 100,000 reviews. The result query selects the candidates by
        primary key alone (they already passed `self`'s conditions): with those conditions
        repeated, SQLite walked the whole (state, publish_at) index instead (10 ms).
        """
        hits = (
            ReviewFullText.objects.using(self.db)
            .filter(
                RawSQL(
                    f"{SQLITE_FULLTEXT_TABLE} MATCH %s",
                    [fts5_match(terms)],
                    output_field=models.BooleanField(),
                ),
                Exists(self.filter(pk=OuterRef("review"))),
            )
            .order_by("-review")
            .values("review")[:SEARCH_CANDIDATES]
        )
        rank = Value(0.0)
        for term in terms:
            for field, weight in SEARCH_WEIGHTS:
                column = "film_title" if field == "film__title" else field
                rank = rank + Case(
                    When(**{f"{column}__icontains": term}, then=Value(weight)),
                    default=Value(0.0),
                )
        rank_of_review = Subquery(
            ReviewFullText.objects.filter(review=OuterRef("pk")).annotate(rank=rank).values("rank"),
            output_field=models.FloatField(),
        )
        result = self.model._default_manager.db_manager(self.db).filter(pk__in=hits)
        # What `self` selects with each review (e.g. for_listing()'s film and critic).
        result.query.select_related = self.query.select_related
        result.query.deferred_loading = self.query.deferred_loading
        return result.annotate(rank=rank_of_review).order_by("-rank", "-publish_at", "-pk")

    def refresh_search_vectors(self) -> int:
        """Rebuild what search reads for these reviews: the stored search vector on
        PostgreSQL, the FTS5 rows on SQLite. Every write of what search reads calls it:
        Review.save, Film.save (the film title is searched), the fixture loader and
        generate_catalogue after their bulk writes."""
        vendor = connections[self.db].vendor
        if vendor == "sqlite":
            return self._refresh_sqlite_fulltext()
        if vendor != "postgresql":
            return 0
        film_title = Subquery(Film.objects.filter(pk=OuterRef("film_id")).values("title")[:1])
        return self.order_by().update(
            search_vector=(
                SearchVector("headline", weight="A", config=SEARCH_CONFIG)
                + SearchVector(film_title, weight="A", config=SEARCH_CONFIG)
                + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
                + SearchVector("body", weight="C", config=SEARCH_CONFIG)
            )
        )

    def _refresh_sqlite_fulltext(self) -> int:
        review, film = Review._meta.db_table, Film._meta.db_table
        fill = (
            f"INSERT INTO {SQLITE_FULLTEXT_TABLE} (rowid, headline, film_title, standfirst, body) "
            f'SELECT r."id", r."headline", f."title", r."standfirst", r."body" '
            f'FROM "{review}" r JOIN "{film}" f ON f."id" = r."film_id"'
        )
        with connections[self.db].cursor() as cursor:
            if not self.query.where:  # every review (generate_catalogue): rebuild the table
                cursor.execute(f"DELETE FROM {SQLITE_FULLTEXT_TABLE}")
                cursor.execute(fill)
                return cursor.rowcount
            ids, params = self.order_by().values("pk").query.get_compiler(self.db).as_sql()
            # Delete first: a review's row may exist (an edit) or not (a new review).
            cursor.execute(f"DELETE FROM {SQLITE_FULLTEXT_TABLE} WHERE rowid IN ({ids})", params)
            cursor.execute(f'{fill} WHERE r."id" IN ({ids})', params)
            return cursor.rowcount

    def forget_search_rows(self, pks: Iterable[int]) -> None:
        """Drop deleted reviews from SQLite's FTS5 table (PostgreSQL keeps the vector in
        the row itself)."""
        if connections[self.db].vendor != "sqlite":
            return
        pks = list(pks)
        with connections[self.db].cursor() as cursor:
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {SQLITE_FULLTEXT_TABLE} WHERE rowid IN ({marks})", chunk
                )

    def for_page(self) -> ReviewQuerySet:
        """Everything a review page shows, in a fixed number of queries."""
        return self.select_related(
            "film__poster",
            "lead_image",
            "critic__headshot",
            "critic__person__headshot",
        ).prefetch_related(
            "tags",
            "corrections",
            "film__genres",
            models.Prefetch("film__credits", queryset=Credit.objects.select_related("person")),
            "film__availabilities",
        )


class ReviewManager(SlugNaturalKeyManager.from_queryset(ReviewQuerySet)):
    pass


class TaggedReviewManager(models.Manager):
    def get_by_natural_key(self, review_slug: str, tag_name: str):
        return self.get(content_object__slug=review_slug, tag__name=tag_name)


class TaggedReview(TaggedItemBase):
    """A tag on a review. A real foreign key, so fixtures can name the review by slug."""

    content_object = models.ForeignKey(
        "Review", on_delete=models.CASCADE, related_name="tagged_items"
    )
    # Derived, kept by reviews.tallies: the review's publish time while it is published (else
    # empty), so a topic page reads its newest reviews from the (tag, time) index instead of
    # joining and sorting all of the topic's reviews (1,100 at 100,000 reviews).
    review_published_at = models.DateTimeField(
        null=True, blank=True, editable=False, serialize=False
    )

    objects = TaggedReviewManager()
    natural_key_fields = ("content_object__slug", "tag__name")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_review_tag")
        ]
        indexes = [
            models.Index(
                fields=["tag", "review_published_at", "content_object"], name="tag_newest_reviews"
            )
        ]

    def natural_key(self) -> tuple[str, str]:
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["reviews.review", "taggit.tag"]


# About 15,000 words: far beyond any review, small enough that a runaway paste or a broken import
# is refused with a clear message instead of filling the page and the database.
REVIEW_BODY_MAX_CHARS = 100_000


def validate_half_step(value: Decimal) -> None:
    if value is not None and (value * 2) % 1 != 0:
        raise ValidationError("Ratings go in half stars: 3, 3.5, 4 …")


class Review(TimestampedModel):
    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        RETROSPECTIVE = "retrospective", "Retrospective"
        CAPSULE = "capsule", "Capsule"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="reviews")
    critic = models.ForeignKey(Critic, on_delete=models.PROTECT, related_name="reviews")
    headline = models.CharField(
        max_length=200,
        help_text="The review's title on every page.",
        validators=[refuse_control_characters],
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the review's address: /reviews/<slug>/."
    )
    standfirst = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences shown under the headline, in lists and in search results.",
        validators=[refuse_control_characters],
    )
    body = models.TextField(
        validators=[refuse_control_characters, MaxLengthValidator(REVIEW_BODY_MAX_CHARS)],
        help_text=(
            "Markdown. Links and emphasis are kept; scripts and raw HTML never reach readers."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REVIEW)
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(5), validate_half_step],
        help_text="Out of five, in half stars. Leave empty for an unrated piece.",
    )
    tags = TaggableManager(through=TaggedReview, blank=True)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When readers may see it. A future time schedules the review.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    lead_image = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="From the media library: search for it, or add it with the + button. Shown "
        "at the top of the review and when it is shared, cropped wide around its focal point; "
        "the film's poster is used when empty.",
    )
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Goes up by one on every saved edit, so a save made from a stale copy is "
        "refused instead of overwriting someone else's work.",
    )
    imported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When an import last wrote this review."
    )
    import_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Digest of what the last import wrote; a different digest now means an "
        "editor has changed the review since.",
    )

    objects = ReviewManager()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        constraints = [
            *no_control_characters("headline", "standfirst", "body"),
            known_values("reviews_review", "kind", ["review", "retrospective", "capsule"]),
            known_values(
                "reviews_review",
                "state",
                ["draft", "in_review", "approved", "published", "unpublished"],
            ),
            # Out of five in half stars, or unrated (the field's validators, for every path).
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__in=[Decimal(halves) / 2 for halves in range(1, 11)]),
                name="reviews_review_rating_half_stars",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "publish_at"], name="review_visibility"),
            SearchVectorIndex(fields=["search_vector"], name="review_search"),
            # A film's and a critic's published reviews, newest first, straight from an index
            # (the film and critic pages, "More on this film"): fast at any catalogue size.
            models.Index(fields=["film", "state", "publish_at"], name="review_film_visibility"),
            models.Index(fields=["critic", "state", "publish_at"], name="review_critic_visibility"),
        ]
        permissions = [
            ("submit_review", "Can submit a review for editing"),
            ("approve_review", "Can approve a review or send it back with changes"),
            ("publish_review", "Can publish, schedule and unpublish a review"),
            ("edit_any_review", "Can edit reviews by any critic, in any state"),
        ]

    def __str__(self) -> str:
        return self.headline

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["reviews.film", "people.critic"]

    def get_absolute_url(self) -> str:
        return slug_url("reviews:review_detail", self.slug)

    @property
    def goes_live_at(self) -> datetime.datetime | None:
        """When readers may see it if it stays published: the later of its publish time and
        its film's embargo; None when it is not published."""
        if self.state != self.State.PUBLISHED or self.publish_at is None:
            return None
        embargo = self.film.review_embargo_until
        return self.publish_at if embargo is None else max(self.publish_at, embargo)

    @property
    def is_published(self) -> bool:
        """True when a reader may see this review (the same rule as `published()`)."""
        goes_live_at = self.goes_live_at
        return goes_live_at is not None and goes_live_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        """Published but not public yet (publish time ahead or held by the film's embargo)."""
        goes_live_at = self.goes_live_at
        return goes_live_at is not None and goes_live_at > timezone.now()

    @property
    def held_by_embargo(self) -> bool:
        """Published or scheduled for a time before its film's review embargo lifts, while the
        embargo is in force: the embargo holds it back until then."""
        return (
            self.state == self.State.PUBLISHED
            and self.publish_at is not None
            and self.film.embargo_blocks(self.publish_at)
            and self.film.embargo_in_force()
        )

    @property
    def rating_stars(self) -> str:
        """The rating drawn in stars, e.g. “★★★★½”; '' when unrated."""
        if self.rating is None:
            return ""
        whole = int(self.rating)
        return "★" * whole + ("½" if self.rating - whole else "")

    @property
    def status_label(self) -> str:
        """The state as editors say it: a published review not yet live is “Scheduled”."""
        return "Scheduled" if self.is_scheduled else self.get_state_display()

    EDITORIAL_FIELDS = ("headline", "slug", "standfirst", "body", "kind", "rating")

    def editorial_snapshot(self, tags: Iterable[str] | None = None) -> dict:
        """The editorial content as plain JSON: what a revision keeps and a diff compares.

        `tags` gives the tag names when the caller already knows them (an import does).
        """
        data = {name: getattr(self, name) for name in self.EDITORIAL_FIELDS}
        data["rating"] = None if self.rating is None else str(self.rating)
        data["film"] = self.film.slug
        data["critic"] = self.critic.slug
        if tags is None:
            tags = [tag.name for tag in self.tags.all()] if self.pk else []
        data["tags"] = sorted(tags)
        return data

    def import_fingerprint_of(self, tags: Iterable[str] | None = None) -> str:
        """A digest of what an import writes: the editorial snapshot, state and publish time."""
        data = self.editorial_snapshot(tags=tags)
        data["state"] = self.state
        data["publish_at"] = self.publish_at.isoformat() if self.publish_at else None
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def is_edited_since_import(self, tags: Iterable[str] | None = None) -> bool:
        """True unless the review is exactly what an import last wrote.

        A review no import ever wrote counts as edited: it is an editor's work.
        """
        return self.import_fingerprint != self.import_fingerprint_of(tags=tags)

    def clean(self) -> None:
        if self.state == self.State.PUBLISHED and not self.body.strip():
            raise ValidationError({"body": "A published review needs a body."})
        if self.lead_image_id is not None and self.lead_image.decorative:
            raise ValidationError(
                {
                    "lead_image": "A lead image carries meaning: choose one the library describes "
                    "(not one marked decorative)."
                }
            )

    def save(self, *args, **kwargs) -> None:
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "body_html",
                "word_count",
                "publish_at",
                "first_published_at",
            }
        super().save(*args, **kwargs)
        type(self).objects.filter(pk=self.pk).refresh_search_vectors()

    # What the stored tallies (reviews.tallies) depend on, as loaded from the database, so a
    # save knows which films, critics and tags to recount.
    TALLIED_FIELDS = ("film_id", "critic_id", "state", "publish_at")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        if all(name in loaded for name in cls.TALLIED_FIELDS):
            instance._tallied_as = tuple(loaded[name] for name in cls.TALLIED_FIELDS)
        return instance

    def refresh_derived_fields(self, render: bool = True) -> None:
        """Keep the rendered body, word count and publication dates in step with the source.

        `render=False` leaves the body to `render_body()`: loaddata renders a chunk of reviews
        at a time as it writes them, instead of holding every rendered body at once."""
        if render:
            self.render_body()
        if self.state == self.State.PUBLISHED:
            if self.publish_at is None:
                self.publish_at = timezone.now()
            if self.first_published_at is None:
                self.first_published_at = self.publish_at

    def render_body(self) -> None:
        self.body_html = render_markdown(self.body, render_images=render_body_images)
        self.word_count = word_count(self.body)


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


class ReviewFullText(models.Model):
    """SQLite's FTS5 table of what search reads (the migration 0011 creates it; unmanaged):
    one row per review, rowid = the review's id. Kept in step by refresh_search_vectors()
    and a delete signal (reviews/apps.py). Only ever queried on SQLite."""

    review = models.OneToOneField(
        Review, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING, related_name="+"
    )
    headline = models.TextField()
    film_title = models.TextField()
    standfirst = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = SQLITE_FULLTEXT_TABLE

    def __str__(self) -> str:
        return self.headline


class ReviewRevision(models.Model):
    """A snapshot of a review's editorial fields, kept on every save so nothing is lost.

    Revisions are append-only: restoring an old one writes the review and records a new one.
    """

    class Source(models.TextChoices):
        EDIT = "edit", "Edit"
        IMPORT = "import", "Import"
        RESTORE = "restore", "Restore"
        AUTOSAVE = "autosave", "Autosave"
        PENDING = "pending", "Changes not yet public"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_revisions",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.EDIT)
    data = models.JSONField(help_text="The editorial fields as they were after this save.")

    # Autosaves are typing in progress, not saves: only each writer's newest few are kept.
    AUTOSAVES_KEPT = 5

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            known_values(
                "reviews_reviewrevision",
                "source",
                ["edit", "import", "restore", "autosave", "pending"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} – {self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NewReviewAutosave(models.Model):
    """What someone is typing into the form of a review that has not been saved yet.

    A new review has no row to keep revisions on, so each open “add review” form (`key`)
    keeps its typing here until the review is saved (the row is then removed) or discarded.
    Values are kept as typed, unchecked: they only ever go back into a form.
    """

    FIELDS = (
        "film",
        "critic",
        "kind",
        "headline",
        "slug",
        "standfirst",
        "body",
        "rating",
        "tags",
    )
    # Worth keeping only when some of these hold typing (a film picked alone is not work).
    TYPED_FIELDS = ("headline", "standfirst", "body")
    # How many unsaved new reviews a person can have waiting; older ones make way.
    KEPT_PER_AUTHOR = 5

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="new_review_autosaves"
    )
    key = models.UUIDField(help_text="Names one open “add review” form.")
    data = models.JSONField(help_text="The form's fields as typed.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "key"], name="unique_new_review_autosave")
        ]

    def __str__(self) -> str:
        return self.data.get("headline") or "Untitled new review"


class ReviewTransition(models.Model):
    """One move of a review through the workflow: who, when, from where to where, and why.

    Statuses are as editors say them, so a scheduled review shows as “scheduled”.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30, help_text="The workflow move, e.g. “approve”.")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_transitions",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="For publish and schedule: when it goes out."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            known_values("reviews_reviewtransition", name, [*Review.State.values, "scheduled"])
            for name in ("from_status", "to_status")
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(models.Model):
    """A public note on a published review (“Updated 22 Dec: …”). Corrections are kept."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="corrections")
    published_on = models.DateField(
        default=timezone.localdate, help_text="The date readers see beside the note."
    )
    text = models.TextField(
        help_text="What was corrected, in a sentence or two, e.g. “An earlier version gave the "
        "wrong release year.”",
        validators=[refuse_control_characters],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["published_on", "pk"]
        constraints = no_control_characters("text")

    def __str__(self) -> str:
        return f"Correction to {self.review} ({self.published_on})"

    def save(self, *args, **kwargs) -> None:
        # Readers have seen it: a correction is kept as written, whichever way it is changed.
        if not self._state.adding:
            raise ValidationError("A correction is kept as written; add a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A correction is kept as written; add a new one instead.")

    def clean(self) -> None:
        if self.review_id is not None and self.review.first_published_at is None:
            raise ValidationError("Only a review that has been published can carry a correction.")


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> AssignmentQuerySet:
        """Assignments whose review is not yet handed in: none started, or still a draft."""
        return self.filter(Q(review__isnull=True) | Q(review__state=Review.State.DRAFT))

    def overdue(self, today: datetime.date | None = None) -> AssignmentQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_critic_user(self, user) -> AssignmentQuerySet:
        return self.filter(critic__user=user)


class Assignment(models.Model):
    """An editor's request that a critic review a film by a date."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="assignments")
    critic = models.ForeignKey(Critic, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField("due", help_text="The day the editors expect the review submitted.")
    note = models.TextField(
        blank=True, help_text="What the editor wants: length, angle, screening details."
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review = models.OneToOneField(
        Review,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
        help_text="The review written for it; linked when the critic starts it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="assignment_due")]

    def __str__(self) -> str:
        return f"{self.film} for {self.critic} by {self.due_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.review_id is None or self.review.state == Review.State.DRAFT

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())
