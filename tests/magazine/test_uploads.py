"""Uploads: safe names (no traversal, no odd Unicode) and limits on bytes, pixels and type."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from library.models import Image as LibraryImage
from magazine.images import open_checked
from magazine.storage import clean_upload_name
from tests.factories import LibraryImageFactory, UserFactory


def image_bytes(size=(40, 30), image_format="PNG", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\win.ini.png", "winini.png"),
        ("/absolute/path/poster.JPG", "poster.jpg"),
        ("ｐｏｓｔｅｒ　①.png", "poster-1.png"),  # full-width letters, ideographic space
        ("poster\u202egnp.exe", "postergnp.exe"),  # right-to-left override removed
        ("poster\x00.png", "poster.png"),
        ("po\u200bster\ufeff.png", "poster.png"),  # zero-width space and BOM
        ("Café Noir.webp", "cafe-noir.webp"),
        ("影.png", "upload.png"),
        (".htaccess", "upload.htaccess"),
        ("..", "upload"),
        ("a" * 300 + ".png", "a" * 80 + ".png"),
    ],
)
def test_upload_names_are_plain_ascii_without_paths(name, expected):
    assert clean_upload_name(name) == expected


def test_path_traversal_in_a_saved_name_is_refused(db, settings):
    image = LibraryImageFactory()

    with pytest.raises(SuspiciousFileOperation):
        image.file.save("../../outside.png", ContentFile(image_bytes()))

    assert not (Path(settings.MEDIA_ROOT).parent / "outside.png").exists()


def test_an_odd_unicode_name_is_stored_under_a_safe_name(db, settings):
    image = LibraryImageFactory()

    image.file.save("ｈｅａｄ\u202eshot\x07.PNG", ContentFile(image_bytes()))

    assert image.file.name.rsplit("/", 1)[-1] == "headshot.png"
    stored = Path(image.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("poster.gif", image_bytes(image_format="GIF", mode="P"), "invalid_image"),
        ("poster.png", b"<html><script>alert(1)</script></html>", "invalid_image"),
        (
            "poster.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "invalid_image",
        ),
    ],
)
def test_only_jpeg_png_and_webp_images_by_content(name, content, code):
    with pytest.raises(ValidationError) as error:
        open_checked(SimpleUploadedFile(name, content))

    assert error.value.code == code


@pytest.mark.parametrize(
    ("name", "image_format"), [("a.png", "PNG"), ("a.jpeg", "JPEG"), ("a.webp", "WEBP")]
)
def test_accepted_images_pass(name, image_format):
    open_checked(SimpleUploadedFile(name, image_bytes(image_format=image_format)))


def test_too_many_bytes_is_refused(settings):
    settings.MAGAZINE_UPLOAD_MAX_BYTES = 1000
    content = image_bytes(size=(300, 300), image_format="PNG")
    content += b"\0" * (1001 - len(content)) if len(content) < 1001 else b""

    with pytest.raises(ValidationError) as error:
        open_checked(SimpleUploadedFile("big.png", content))

    assert error.value.code == "file_too_large"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 8000 x 8000 one-bit pixels compress to a few kilobytes but are 64 megapixels.
    bomb = image_bytes(size=(8000, 8000), mode="1")
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as error:
        open_checked(SimpleUploadedFile("bomb.png", bomb))

    assert error.value.code == "too_many_pixels"


def test_the_admin_refuses_a_disguised_upload_with_a_message_and_keeps_the_form(db):
    client = Client()
    client.force_login(UserFactory(username="editor", superuser=True))
    html_as_png = SimpleUploadedFile("headshot.png", b"<script>alert(1)</script>", "image/png")

    response = client.post(
        "/admin/library/image/add/",
        {"file": html_as_png, "alt_text": "Typed description", "focal_x": 0.5, "focal_y": 0.5},
    )

    assert response.status_code == 200
    assert not LibraryImage.objects.exists()
    html = response.content.decode()
    assert "Upload a JPEG, PNG or WebP image" in html
    assert "Typed description" in html  # what the editor typed is still in the form


def test_the_admin_stores_a_good_upload_under_a_clean_name(db):
    client = Client()
    client.force_login(UserFactory(username="editor", superuser=True))
    upload = SimpleUploadedFile("Ｐｏｒｔｒａｉｔ\u202e.PNG", image_bytes(), "image/png")

    response = client.post(
        "/admin/library/image/add/",
        {"file": upload, "alt_text": "A portrait", "focal_x": 0.5, "focal_y": 0.5},
    )

    assert response.status_code == 302
    assert LibraryImage.objects.get().file.name.rsplit("/", 1)[-1] == "portrait.png"
