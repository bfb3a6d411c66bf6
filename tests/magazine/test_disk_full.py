"""A full disk while saving: the editor gets their typed text back with a clear message,
nothing is half-saved, and no empty or partial file is left behind."""

import errno

import pytest
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from reviews.models import Film, Review
from tests.factories import CriticFactory, FilmFactory, UserFactory, image_bytes
from tests.magazine.test_resilience import film_form


@pytest.fixture
def disk_fills_up(monkeypatch):
    """Writing a file stores its first 100 bytes, then the disk is full."""
    real_fdopen = filesystem.os.fdopen

    class FillingFile:
        def __init__(self, file):
            self.file = file

        def write(self, chunk):
            self.file.write(chunk[:100])
            self.file.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.file.close()

    monkeypatch.setattr(
        filesystem.os, "fdopen", lambda fd, mode: FillingFile(real_fdopen(fd, mode))
    )


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_poster_saved_on_a_full_disk_gives_the_text_back_and_leaves_no_file(
    client, db, settings, disk_fills_up
):
    client.force_login(UserFactory(superuser=True))
    poster = SimpleUploadedFile("poster.jpg", image_bytes(), content_type="image/jpeg")

    response = client.post("/admin/reviews/film/add/", film_form([], poster=poster))

    html = response.content.decode()
    assert response.status_code == 507
    assert "disk" in html and "full" in html
    assert "Your changes were not saved" in html
    assert "A screenwriter &amp; a neighbour &lt;meet&gt; in a tower block" in html
    assert not Film.objects.exists()
    assert media_files(settings) == []


def test_a_review_saved_when_the_database_disk_is_full_gives_the_text_back(client, db, monkeypatch):
    client.force_login(UserFactory(superuser=True))
    film, critic = FilmFactory(), CriticFactory()

    def full(*args, **kwargs):
        raise OperationalError("could not extend file: No space left on device")

    monkeypatch.setattr(Review, "save", full)
    response = client.post(
        "/admin/reviews/review/add/",
        {
            "film": film.pk,
            "critic": critic.pk,
            "headline": "A headline typed on a full disk",
            "slug": "full-disk",
            "body": "Every word of this body must come back.",
            "kind": "review",
            "version": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code in (503, 507)
    assert "Every word of this body must come back." in html
    assert not Review.objects.exists()
