"""The media library: descriptions required where images mean something, uploads checked on
every path, focal-point crops, and the chooser's search and upload endpoints."""

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image as PillowImage

from library.models import LANDSCAPE, PORTRAIT, SQUARE, Image
from tests.factories import LibraryImageFactory, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_a_meaningful_image_needs_a_description_on_every_path():
    image = Image(file=ContentFile(image_bytes(), name="a.jpg"))
    with pytest.raises(ValidationError) as error:
        image.full_clean()
    assert "alt_text" in error.value.message_dict
    # The database refuses it too (the shell, loaddata, a bulk update).
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.create(file=ContentFile(image_bytes(), name="b.jpg"))
    decorative = Image.objects.create(
        file=ContentFile(image_bytes(), name="c.jpg"), decorative=True
    )
    assert decorative.alt == ""


def test_upload_rules_apply_to_a_library_image_saved_from_code():
    with pytest.raises(ValidationError):
        Image.objects.create(file=ContentFile(b"GIF89a....", name="x.jpg"), alt_text="x")
    assert not Image.objects.exists()
    image = Image.objects.create(
        file=ContentFile(image_bytes(120, 80, "PNG"), name="Still.PNG"), alt_text="A still"
    )
    assert (image.width, image.height) == (120, 80)
    assert image.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("crop", "focal", "expected_size", "brightest_left"),
    [
        (SQUARE, (0.95, 0.5), (900, 900), True),  # subject right: the crop keeps the right
        (SQUARE, (0.05, 0.5), (900, 900), False),
        (PORTRAIT, (0.5, 0.5), (600, 900), None),
        (LANDSCAPE, (0.5, 0.5), (1350, 900), None),
    ],
)
def test_renditions_are_cropped_around_the_focal_point(
    crop, focal, expected_size, brightest_left, settings
):
    # Dark on the left, light from x=650 on: a crop kept at the right starts light.
    original = PillowImage.new("L", (1600, 900), 0)
    original.paste(255, (650, 0, 1600, 900))
    buffer = io.BytesIO()
    original.save(buffer, "PNG")
    image = LibraryImageFactory(
        file=ContentFile(buffer.getvalue(), name="halves.png"), focal_x=focal[0], focal_y=focal[1]
    )
    picture = image.picture(crop=crop)
    assert {r.mime_type for r in picture.webp} == {"image/webp"}
    assert (picture.width, picture.height) == expected_size
    if brightest_left is not None:
        # The test image is a gradient, dark on the left: a crop at the right is lighter.
        with PillowImage.open(
            settings.MEDIA_ROOT / picture.largest.url.removeprefix("/media/")
        ) as r:
            lightness = r.convert("L").getpixel((0, 0))
        assert (lightness > 100) is brightest_left


def test_search_finds_by_title_description_caption_and_credit():
    bus = LibraryImageFactory(title="Night bus", credit="Searchlight Pictures")
    LibraryImageFactory(title="Poster", alt_text="A poster")
    assert list(Image.objects.search("searchlight bus")) == [bus]
    assert Image.objects.search("").count() == 2


def test_natural_key_is_the_file_path():
    image = LibraryImageFactory()
    assert Image.objects.get_by_natural_key(*image.natural_key()) == image


class TestChooser:
    def test_writers_search_the_library(self, client, writer):
        LibraryImageFactory(title="Night bus")
        client.force_login(writer)
        response = client.get("/admin/library/image/chooser/", {"q": "bus"})
        assert response.status_code == 200
        [found] = response.json()["results"]
        assert found["label"] == "Night bus" and found["thumbnail"].endswith(".jpg")

    def test_an_upload_is_checked_described_and_added(self, client, writer):
        client.force_login(writer)
        url = "/admin/library/image/chooser/upload/"
        undescribed = client.post(url, {"file": SimpleUploadedFile("a.jpg", image_bytes())})
        assert undescribed.status_code == 400
        assert "Describe the image" in str(undescribed.json()["errors"])
        disguised = client.post(
            url, {"file": SimpleUploadedFile("a.jpg", b"<script>"), "alt_text": "x"}
        )
        assert disguised.status_code == 400
        assert "JPEG, PNG or WebP" in str(disguised.json()["errors"])
        assert not Image.objects.exists()
        created = client.post(
            url,
            {
                "file": SimpleUploadedFile("a.jpg", image_bytes()),
                "alt_text": "A bus",
                "credit": "C",
            },
        )
        assert created.status_code == 201
        assert Image.objects.get().pk == created.json()["image"]["id"]

    def test_the_chooser_needs_the_library_permissions(self, client, django_user_model):
        user = django_user_model.objects.create_user("visitor", password="x", is_staff=True)
        client.force_login(user)
        assert client.get("/admin/library/image/chooser/").status_code == 403
        upload = client.post(
            "/admin/library/image/chooser/upload/",
            {"file": SimpleUploadedFile("a.jpg", image_bytes()), "alt_text": "A bus"},
        )
        assert upload.status_code == 403
        assert not Image.objects.exists()

    def test_the_library_list_shows_thumbnails(self, admin_client):
        LibraryImageFactory(title="Night bus")
        response = admin_client.get("/admin/library/image/")
        assert b'class="library-thumb"' in response.content
