"""factory_boy factories: each builds what it needs (a ReviewFactory brings its film and critic)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from people.models import Critic, Person
from reviews import tagging
from reviews.models import (
    Assignment,
    Availability,
    Correction,
    Credit,
    Film,
    Genre,
    Review,
)

# Long enough for the production password validators; browser tests type it in.
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff login; `role="Writer"` or `role="Editor"` puts it in that group."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_staff = True

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class CriticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Critic

    person = factory.SubFactory(PersonFactory)
    byline = factory.LazyAttribute(lambda o: o.person.name)
    slug = factory.LazyAttribute(lambda o: o.person.slug)
    bio = factory.LazyAttribute(lambda o: f"{o.byline} writes about film.")


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Film

    title = factory.Sequence(lambda n: f"Film {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    year = 2023
    runtime_minutes = 105


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    film = factory.SubFactory(FilmFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.CAST
    character = factory.Sequence(lambda n: f"Character {n}")
    billing_order = factory.Sequence(lambda n: n + 1)


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    film = factory.SubFactory(FilmFactory)
    kind = Availability.Kind.STREAMING
    provider = factory.Sequence(lambda n: f"Streamer {n}")
    region = "US"
    starts_on = datetime.date(2024, 3, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review
        skip_postgeneration_save = True

    film = factory.SubFactory(FilmFactory)
    critic = factory.SubFactory(CriticFactory)
    headline = factory.Sequence(lambda n: f"Review headline {n}")
    slug = factory.Sequence(lambda n: f"review-{n}")
    standfirst = "A standfirst for the review."
    body = "The *body* of the review.\n\nA second paragraph."
    state = Review.State.DRAFT

    class Params:
        published = factory.Trait(
            state=Review.State.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            # The services' and the admin's write path (taggit's tags.add() is the shell's).
            tagging.reviews_tags_add(reviews=[self], names=extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    review = factory.SubFactory(ReviewFactory, published=True)
    published_on = datetime.date(2023, 12, 22)
    text = "An earlier version of this review misspelled the director's name."


def image_bytes(
    width: int = 1600, height: int = 900, image_format: str = "JPEG", mode: str = "RGB", **save
) -> bytes:
    """A real image of the given size and format, with a gradient so resizing has work to do."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **save)
    return buffer.getvalue()


def fixture_objects() -> list[dict]:
    """A small, valid fixture in the documented format: every reference a natural key.

    Two reviews of one film (the first published, the second a draft), with the film's genre,
    cast and crew, a streaming window, a critic and tags. Tests change one object to make it bad.
    """
    film = ["all-of-us-strangers"]
    return [
        {"model": "reviews.genre", "fields": {"name": "Drama", "slug": "drama"}},
        {"model": "people.person", "fields": {"name": "Andrew Haigh", "slug": "andrew-haigh"}},
        {"model": "people.person", "fields": {"name": "Andrew Scott", "slug": "andrew-scott"}},
        {"model": "people.person", "fields": {"name": "Kimber Myers", "slug": "kimber-myers"}},
        {
            "model": "people.critic",
            "fields": {
                "person": ["kimber-myers"],
                "byline": "Kimber Myers",
                "slug": "kimber-myers",
            },
        },
        {
            "model": "reviews.film",
            "fields": {
                "title": "All of Us Strangers",
                "slug": "all-of-us-strangers",
                "year": 2023,
                "release_date": "2023-12-22",
                "runtime_minutes": 105,
                "source_title": "Strangers",
                "source_kind": "novel",
                "source_author": "Taichi Yamada",
                "genres": [["drama"]],
            },
        },
        {
            "model": "reviews.credit",
            "fields": {"film": film, "person": ["andrew-haigh"], "role": "director"},
        },
        {
            "model": "reviews.credit",
            "fields": {
                "film": film,
                "person": ["andrew-scott"],
                "role": "cast",
                "character": "Adam",
                "billing_order": 1,
            },
        },
        {
            "model": "reviews.availability",
            "fields": {
                "film": film,
                "kind": "streaming",
                "provider": "Hulu",
                "region": "US",
                "starts_on": "2024-03-01",
            },
        },
        {
            "model": "reviews.review",
            "fields": {
                "film": film,
                "critic": ["kimber-myers"],
                "headline": "A ghost story about learning to be loved",
                "slug": "strangers-kimber-myers",
                "standfirst": "Andrew Haigh's most tender film.",
                "body": "Adam lives almost alone in a London tower.\n\nHe takes a *train* home.",
                "kind": "review",
                "rating": "4.5",
                "state": "published",
                "publish_at": "2023-12-20T14:00:00Z",
            },
        },
        {
            "model": "reviews.review",
            "fields": {
                "film": film,
                "critic": ["kimber-myers"],
                "headline": "A second look, not yet ready",
                "slug": "strangers-second-look",
                "body": "Notes for a retrospective.",
                "kind": "retrospective",
                "state": "draft",
            },
        },
        {"model": "taggit.tag", "fields": {"name": "grief", "slug": "grief"}},
        {
            "model": "reviews.taggedreview",
            "fields": {"content_object": ["strangers-kimber-myers"], "tag": ["grief"]},
        },
    ]


def fixture_object(objects: list[dict], model: str, slug: str | None = None) -> dict:
    """The `fields` of the first object of `model` (with `slug`, when given) in a fixture."""
    for item in objects:
        if item["model"] == model and (slug is None or item["fields"].get("slug") == slug):
            return item["fields"]
    raise LookupError(f"No {model} {slug or ''} in the fixture.")


# The moment tests of time-dependent caching travel to (the `clock` fixture in conftest.py).
NOON = datetime.datetime(2024, 3, 5, 12, 0, tzinfo=datetime.UTC)

# Every way a review can be out of a reader's sight: as keyword arguments to ReviewFactory.
HIDDEN_STATES = {
    "draft": {"state": Review.State.DRAFT},
    "in_review": {"state": Review.State.IN_REVIEW},
    "approved": {"state": Review.State.APPROVED},
    "unpublished": {
        "state": Review.State.UNPUBLISHED,
        "publish_at": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    },
    "scheduled": {
        "state": Review.State.PUBLISHED,
        "publish_at": datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    },
}


class LibraryImageFactory(factory.django.DjangoModelFactory):
    """An image of the media library: a real JPEG, wide, described."""

    class Meta:
        model = "library.Image"

    file = factory.LazyFunction(lambda: ContentFile(image_bytes(1600, 900), name="still.jpg"))
    title = factory.Sequence(lambda n: f"Film still {n}")
    alt_text = "Two men on a night bus"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    film = factory.SubFactory(FilmFactory)
    critic = factory.SubFactory(CriticFactory)
    due_on = datetime.date(2024, 3, 1)
    note = "About 800 words."
