"""People: everyone credited on a film, and the critics who write for us.

This app knows nothing of films or reviews; `reviews` builds on it.
"""

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models.functions import Upper

from magazine.control_characters import no_control_characters, refuse_control_characters
from magazine.edit_guard import EditVersioned, VersionedQuerySet
from magazine.fulltext import NameTrigramIndex
from magazine.links import slug_url
from magazine.timestamps import TimestampedModel


class SlugNaturalKeyManager(models.Manager):
    """Fixtures refer to these objects by slug, never by numeric id."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class PersonManager(SlugNaturalKeyManager.from_queryset(VersionedQuerySet)):
    pass


class Person(TimestampedModel, EditVersioned):
    name = models.CharField(max_length=200, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Used in the person's web address, e.g. /people/andrew-haigh/.",
    )
    bio = models.TextField(
        blank=True,
        help_text="A short biography, shown at the top of the person's page.",
        validators=[refuse_control_characters],
    )
    headshot = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="From the media library: search for it, or add it with the + button. Shown "
        "square, cropped around its focal point, with the person's name as its description.",
    )

    objects = PersonManager()
    # The lookups behind get_by_natural_key, so a fixture loader can resolve many at once.
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name", "slug"]  # a total order: namesakes keep theirs across an export
        verbose_name_plural = "people"
        constraints = no_control_characters("name", "bio")
        # Search's "people" matches (name icontains) at 50,000 people: 15 ms -> 0.2 ms.
        indexes = [
            NameTrigramIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="person_name_trgm")
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return slug_url("reviews:person_detail", self.slug)


class CriticQuerySet(VersionedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class CriticManager(SlugNaturalKeyManager.from_queryset(CriticQuerySet)):
    pass


class Critic(TimestampedModel, EditVersioned):
    """A person who writes for the magazine."""

    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        related_name="critic",
        help_text="The person record behind this byline.",
    )
    byline = models.CharField(
        max_length=200,
        help_text="The name printed on reviews, e.g. “Kimber Myers”.",
        validators=[refuse_control_characters],
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Used in the critic's web address, e.g. /critics/kimber-myers/.",
    )
    bio = models.TextField(
        blank=True,
        help_text="The paragraph shown under each of their reviews and on their critic page.",
        validators=[refuse_control_characters],
    )
    affiliations = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other outlets they write for, comma-separated, e.g. “Los Angeles Times”.",
        validators=[refuse_control_characters],
    )
    headshot = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="From the media library. Shown beside the bio. Falls back to the person's "
        "headshot when empty.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="critic",
        help_text="The admin login of this critic, if they edit their own reviews.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive critics keep their reviews but leave the critic index."
    )

    objects = CriticManager()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["byline", "slug"]
        constraints = no_control_characters("byline", "bio", "affiliations")

    def __str__(self) -> str:
        return self.byline

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["people.person"]

    def get_absolute_url(self) -> str:
        return slug_url("reviews:critic_detail", self.slug)

    @property
    def affiliation_list(self) -> list[str]:
        return [name.strip() for name in self.affiliations.split(",") if name.strip()]

    @property
    def portrait(self):
        """The image to show for this critic: their own headshot, else the person's."""
        return self.headshot or self.person.headshot
