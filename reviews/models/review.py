"""Reviews, the one visibility rule (`Review.objects.published()`) and their tags."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from library.embeds import render_body_images
from magazine.control_characters import no_control_characters, refuse_control_characters
from magazine.edit_guard import VersionedQuerySet
from magazine.fulltext import (
    SEARCH_CONFIG,
    SQLITE_FULLTEXT_TABLE,
    SearchVectorIndex,
    fts5_match,
    search_terms,
)
from magazine.links import slug_url
from magazine.text import render_markdown, word_count
from magazine.timestamps import TimestampedModel
from people.models import Critic, SlugNaturalKeyManager

from .catalogue import Film, known_values
from .search import ReviewFullText

SEARCH_CANDIDATES = 200
# What a word found in each field adds to a review's rank, where the database does not rank
# itself (SQLite; PostgreSQL weighs its own vector A, A, B, C).
SEARCH_WEIGHTS = (("headline", 1.0), ("film__title", 1.0), ("standfirst", 0.4), ("body", 0.2))


# What a list of reviews reads of each review, its film and its critic: the cards, feed items
# and `is_published` (the state, publish time and the film's embargo). The images whole.
LISTED_FIELDS = (
    *("slug", "headline", "standfirst", "kind", "rating", "state", "publish_at"),
    *("created_at", "updated_at", "film", "critic", "lead_image"),
    *("film__slug", "film__title", "film__year", "film__review_embargo_until"),
    *("critic__slug", "critic__byline"),
)

TEXT_CARD_FIELDS = (
    *("slug", "headline", "standfirst", "kind", "rating", "publish_at"),
    *("critic", "critic__slug", "critic__byline"),
)

# When a published review becomes public: its publish time, or its film's embargo if later.
GOES_LIVE_AT = Greatest("publish_at", Coalesce("film__review_embargo_until", "publish_at"))


def tag_lists() -> models.Prefetch:
    """Prefetch reviews' tags into a `tag_list` attribute, for lists of reviews (feeds).

    Prefetched into `review.tags` instead, django-taggit builds a tag query per review to hold
    the result (its manager's get_queryset), unused: 3.7 ms of a 20-item feed's 10 ms."""
    return models.Prefetch("tags", to_attr="tag_list")


class ReviewQuerySet(VersionedQuerySet):
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
        `published()` and `scheduled()` together, at any moment (the taggings keep their
        goes-live times)."""
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
        """What a list of reviews shows (a card, a feed item): each with its film, critic and
        images, in one query, with only the columns a list reads (building and reading every
        column of four tables was a fifth of a list page's CPU)."""
        return self.select_related("film__poster", "critic", "lead_image").only(
            *LISTED_FIELDS, "film__poster", "lead_image"
        )

    def with_tag_lists(self) -> ReviewQuerySet:
        """Each review's tags as a list, `tag_list`, in one more query (see `tag_lists`)."""
        return self.prefetch_related(tag_lists())

    def for_text_cards(self) -> ReviewQuerySet:
        """What a card without film or image shows (the other critics on a review page): each
        review with its critic, in one query."""
        return self.select_related("critic").only(*TEXT_CARD_FIELDS)

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
        PostgreSQL, the FTS5 rows on SQLite. Called by the receivers of
        reviews/search_index.py, the fixture loader and generate_catalogue."""
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
        # FTS5 honours OR REPLACE on the rowid: an edited review's row is replaced in place.
        fill = (
            f"INSERT OR REPLACE INTO {SQLITE_FULLTEXT_TABLE} "
            "(rowid, headline, film_title, standfirst, body) "
            f'SELECT r."id", r."headline", f."title", r."standfirst", r."body" '
            f'FROM "{review}" r JOIN "{film}" f ON f."id" = r."film_id"'
        )
        with connections[self.db].cursor() as cursor:
            if not self.query.where:  # every review (generate_catalogue): rebuild the table
                cursor.execute(f"DELETE FROM {SQLITE_FULLTEXT_TABLE}")
                cursor.execute(fill)
                return cursor.rowcount
            ids, params = self.order_by().values("pk").query.get_compiler(self.db).as_sql()
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
        """A review page's row: the review with its film, critic and images, without the
        columns the page never shows (the Markdown source: the page shows its rendering).
        The lists the page shows (tags, corrections, the film's genres, credits and
        windows) are loaded by `reviews.page_queries.load_review_lists`."""
        return self.defer("body", "search_vector", "import_fingerprint").select_related(
            "film__poster",
            "lead_image",
            "critic__headshot",
            "critic__person__headshot",
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
            # With the film (the embargo check), every critic's count over published()
            # (reviews/tallies.py) reads this index alone: 3.7 s -> 0.14 s at 100,000 reviews.
            # The id before the film keeps the index in the pages' order (newest first, then
            # id): with the film next to the publish time, SQLite without statistics read the
            # critic page from review_visibility instead, every critic's reviews newest first
            # (7.2 ms of SQL at 100,000 reviews, 0.24 ms from this index).
            models.Index(
                fields=["critic", "state", "publish_at", "id", "film"],
                name="review_critic_listing",
            ),
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
        data["lead_image"] = self.lead_image.file.name if self.lead_image_id else None
        if tags is None:
            tags = [tag.name for tag in self.tags.all()] if self.pk else []
        data["tags"] = sorted(tags)
        return data

    def import_fingerprint_of(self, tags: Iterable[str] | None = None) -> str:
        """A digest of what an import writes: the editorial snapshot, state and publish time."""
        data = self.editorial_snapshot(tags=tags)
        del data["lead_image"]  # not in the digest when imports began: kept out, so it holds
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
        if update_fields is None and not self._state.adding:
            # The search vector is search's (reviews/search_index.py): a save never writes
            # back the copy in memory, which may be empty or older than the film's title.
            deferred = self.get_deferred_fields()
            update_fields = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in deferred and f.name != "search_vector"
            ]
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "body_html",
                "word_count",
                "publish_at",
                "first_published_at",
            }
        super().save(*args, **kwargs)

    # What decides where a review shows to readers, and what search reads, as loaded from the
    # database: the receivers (cache tags, search index, the taggings' publish times) compare
    # them with the saved values to write only what a change touches.
    PUBLIC_FIELDS = ("film_id", "critic_id", "state", "publish_at")
    SEARCHED_FIELDS = ("film_id", "headline", "standfirst", "body")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        for attribute, names in (
            ("_public_as", cls.PUBLIC_FIELDS),
            ("_searched_as", cls.SEARCHED_FIELDS),
        ):
            if all(name in loaded for name in names):
                setattr(instance, attribute, tuple(loaded[name] for name in names))
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
        """The body's HTML and word count from its Markdown: the one rendering of a body (a
        save, loaddata and `manage.py render_bodies` all call it)."""
        self.body_html = render_markdown(self.body, render_images=render_body_images)
        self.word_count = word_count(self.body)
