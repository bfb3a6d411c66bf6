"""A valid upload survives a form error elsewhere: kept as a pending upload, shown as a
thumbnail, and saved with the form once the error is fixed (magazine.pending_uploads)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Film
from tests.factories import FilmFactory, image_bytes

from .test_edit_guard import change_form_data

pytestmark = pytest.mark.django_db


def poster():
    return SimpleUploadedFile("poster.jpg", image_bytes(600, 900), content_type="image/jpeg")


def test_a_poster_chosen_in_a_form_with_another_error_is_kept(client, editor):
    film = FilmFactory(title="Strangers")
    client.force_login(editor)
    url = reverse("admin:reviews_film_change", args=[film.pk])
    data = change_form_data(client.get(url))

    refused = client.post(url, {**data, "runtime_minutes": "-1", "poster_upload": poster()})

    assert refused.status_code == 200
    page = refused.text
    assert "Kept from your last try: <strong>poster.jpg</strong>" in page
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" alt="The image you chose">', page)
    token = re.search(r'name="poster_upload__pending" value="([^"]+)"', page).group(1)
    assert not Film.objects.get(pk=film.pk).poster

    again = change_form_data(refused)
    saved = client.post(url, {**again, "runtime_minutes": "105", "poster_upload__pending": token})

    assert saved.status_code == 302
    film.refresh_from_db()
    assert film.runtime_minutes == 105
    # The poster joined the media library (issue 18).
    assert film.poster.file.name.startswith("library/") and "poster" in film.poster.file.name


def test_a_forged_pending_token_is_ignored(client, editor):
    film = FilmFactory(title="Strangers")
    client.force_login(editor)
    url = reverse("admin:reviews_film_change", args=[film.pk])
    data = change_form_data(client.get(url))

    client.post(url, {**data, "poster_upload__pending": "pending-uploads/x/evil.jpg:forged"})

    film.refresh_from_db()
    assert not film.poster


def test_an_upload_that_fails_its_own_checks_is_not_kept(client, editor):
    film = FilmFactory(title="Strangers")
    client.force_login(editor)
    url = reverse("admin:reviews_film_change", args=[film.pk])
    data = change_form_data(client.get(url))
    bad = SimpleUploadedFile("poster.jpg", b"not an image", content_type="image/jpeg")

    page = client.post(url, {**data, "runtime_minutes": "-1", "poster_upload": bad}).text

    assert "Kept from your last try" not in page
    assert (
        '<a href="#id_poster_upload">Or upload a new poster</a>' in page
    )  # listed at the top with its error


def test_uploads_kept_longer_than_their_token_lives_are_swept_away(settings):
    """An abandoned refused form leaves its kept upload behind; the next kept upload removes
    every one older than a token lives, and nothing younger."""
    import os
    import time

    from django.core.files.storage import default_storage

    from magazine import pending_uploads

    abandoned = pending_uploads.signing.loads(
        pending_uploads.keep(poster()), salt=pending_uploads.SALT
    )
    recent = pending_uploads.signing.loads(
        pending_uploads.keep(poster()), salt=pending_uploads.SALT
    )
    long_ago = time.time() - pending_uploads.MAX_AGE_SECONDS - 60
    os.utime(default_storage.path(abandoned), (long_ago, long_ago))

    newest = pending_uploads.signing.loads(
        pending_uploads.keep(poster()), salt=pending_uploads.SALT
    )

    assert not default_storage.exists(abandoned)
    assert not os.path.isdir(os.path.dirname(default_storage.path(abandoned)))
    assert default_storage.exists(recent)
    assert default_storage.exists(newest)
    assert pending_uploads.kept(pending_uploads.signing.dumps(recent, salt=pending_uploads.SALT))
