"""dumpdata with natural keys, loaded into an empty database, reproduces the same public site."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from library.models import Image as LibraryImage
from people.models import Critic, Person
from reviews.models import Film, Review, ReviewRevision
from reviews.services import revision_create
from tests.factories import (
    AvailabilityFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
)

NOW = datetime.datetime(2024, 7, 1, 12, tzinfo=datetime.UTC)
CONTENT_APPS = ["auth.user", "library", "people", "reviews", "taggit"]


def build_site(media_root) -> None:
    (media_root / "people").mkdir(parents=True)
    (media_root / "people" / "haigh.jpg").write_bytes(b"a headshot")
    drama, romance = GenreFactory(name="Drama"), GenreFactory(name="Romance")
    headshot = LibraryImage.objects.create(file="people/haigh.jpg", alt_text="Andrew Haigh")
    director = PersonFactory(name="Andrew Haigh", headshot=headshot, bio="A director.")
    editor = get_user_model().objects.create_user("kimber", password="not-used")
    critics = [
        CriticFactory(person__name="Kimber Myers", user=editor),
        CriticFactory(person__name="Conor B"),
    ]
    for number in range(3):
        film = FilmFactory(source_title="Strangers", source_kind="novel", source_author="Yamada")
        film.genres.set([drama, romance] if number else [drama])
        CreditFactory(film=film, person=director, role="director", character="", billing_order=1)
        CreditFactory(film=film, character="Adam")
        AvailabilityFactory(film=film, last_checked=datetime.date(2024, 6, 1))
        for critic in critics:
            review = ReviewFactory(
                film=film,
                critic=critic,
                published=True,
                publish_at=NOW - datetime.timedelta(days=number + 1),
                rating="4.5" if number else None,
                body=f"Review {number} by *{critic.byline}*.\n\n<script>alert(1)</script>",
                tags=["grief", f"tag {number}"],
            )
            revision_create(review=review, user=editor)
    ReviewFactory(film=film, critic=critics[0], slug="a-draft", state=Review.State.DRAFT)
    ReviewFactory(
        film=film,
        critic=critics[1],
        slug="scheduled",
        state=Review.State.PUBLISHED,
        publish_at=NOW + datetime.timedelta(days=3),
    )


def public_pages(client) -> dict[str, str]:
    urls = ["/", "/?page=1"]
    urls += [review.get_absolute_url() for review in Review.objects.published()]
    urls += [film.get_absolute_url() for film in Film.objects.all()]
    urls += [critic.get_absolute_url() for critic in Critic.objects.all()]
    urls += [person.get_absolute_url() for person in Person.objects.all()]
    pages = {}
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    for hidden in ["/reviews/a-draft/", "/reviews/scheduled/"]:
        pages[hidden] = str(client.get(hidden).status_code)
    return pages


@pytest.mark.django_db(transaction=True)
def test_dump_flush_and_load_reproduces_every_public_page(client, settings, tmp_path):
    dump = tmp_path / "backup.json"
    with time_machine.travel(NOW, tick=False):
        build_site(settings.MEDIA_ROOT)
        before = public_pages(client)
        revisions = sorted(
            ReviewRevision.objects.values_list("review__slug", "author__username", "data")
        )
        call_command(
            "dumpdata",
            *CONTENT_APPS,
            natural_foreign=True,
            natural_primary=True,
            indent=1,
            output=str(dump),
            verbosity=0,
        )

        call_command("flush", interactive=False, verbosity=0)
        assert Review.objects.count() == 0
        call_command("loaddata", str(dump), verbosity=0)

        after = public_pages(client)
    assert after.keys() == before.keys()
    for url, html in before.items():
        assert after[url] == html, url
    # Home twice, 6 reviews, 3 films, 2 critics, 6 people, and the two hidden reviews.
    assert len(before) == 2 + 6 + 3 + 2 + 6 + 2
    assert before["/reviews/a-draft/"] == "404"
    restored = ReviewRevision.objects.values_list("review__slug", "author__username", "data")
    assert sorted(restored) == revisions
    assert Critic.objects.get(slug="kimber-myers").user.username == "kimber"


@pytest.mark.django_db(transaction=True)
def test_a_restore_keeps_each_reviews_import_record(tmp_path):
    dump = tmp_path / "backup.json"
    call_command("loaddata", "demo", verbosity=0)
    edited = Review.objects.get(slug="all-of-us-strangers-revisited")
    edited.headline = "Edited after the import"
    edited.save()
    call_command(
        "dumpdata",
        *CONTENT_APPS,
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )

    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(dump), verbosity=0)

    assert Review.objects.get(slug="all-of-us-strangers-revisited").is_edited_since_import()
    assert not Review.objects.get(slug="all-of-us-strangers-kimber-myers").is_edited_since_import()
