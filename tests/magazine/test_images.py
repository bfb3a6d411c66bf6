import io
import struct
import zlib

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from library.models import Image as LibraryImage
from magazine import images
from magazine.images import CheckedImageFormField, clean_upload, open_checked, picture
from tests.factories import LibraryImageFactory, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def stored_file(data: bytes, name: str = "poster.jpg"):
    """The stored file of a new library image."""
    return LibraryImageFactory(file=ContentFile(data, name=name)).file


def open_rendition(url: str, media_root) -> Image.Image:
    return Image.open(media_root / url.removeprefix("/media/"))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: decoding it would need width*height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 12_000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class TestRenditions:
    def test_widths_formats_and_dimensions(self, settings):
        poster = stored_file(image_bytes(1600, 900))

        rendered = picture(poster)

        assert (rendered.width, rendered.height) == (1600, 900)
        assert [r.width for r in rendered.webp] == [320, 640, 960, 1280]
        assert [r.width for r in rendered.fallback] == [320, 640, 960, 1280]
        assert [r.height for r in rendered.fallback] == [180, 360, 540, 720]
        for rendition in rendered.webp:
            stored = open_rendition(rendition.url, settings.MEDIA_ROOT)
            assert stored.format == "WEBP"
            assert stored.size == (rendition.width, rendition.height)
        for rendition in rendered.fallback:
            assert open_rendition(rendition.url, settings.MEDIA_ROOT).format == "JPEG"
            assert rendition.mime_type == "image/jpeg"

    def test_never_upscales_a_small_image(self):
        poster = stored_file(image_bytes(500, 750))

        rendered = picture(poster)

        assert [r.width for r in rendered.fallback] == [320, 500]
        assert rendered.largest.height == 750

    def test_transparent_png_falls_back_to_png(self, settings):
        poster = stored_file(image_bytes(700, 700, "PNG", mode="RGBA"), name="logo.png")

        rendered = picture(poster)

        assert rendered.fallback[0].mime_type == "image/png"
        assert open_rendition(rendered.fallback[0].url, settings.MEDIA_ROOT).mode == "RGBA"

    def test_made_once_then_read_from_storage_and_cache(self, monkeypatch):
        poster = stored_file(image_bytes(1000, 600))
        first = picture(poster)

        def fail(*args, **kwargs):
            raise AssertionError("renditions were made twice")

        monkeypatch.setattr(images, "make_renditions", fail)
        assert picture(poster) == first  # from the cache
        cache.clear()
        assert picture(poster) == first  # from the manifest in storage

    def test_missing_original_gives_no_picture_not_an_error(self):
        gone = LibraryImage(file="library/gone.jpg", alt_text="Gone")

        assert picture(gone.file) is None

    def test_no_image_gives_none(self):
        assert picture(LibraryImage().file) is None


class TestUploadChecks:
    def test_accepts_and_reencodes_jpeg_png_webp(self):
        for image_format, extension in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
            upload = SimpleUploadedFile("photo.bin", image_bytes(300, 200, image_format))

            cleaned = clean_upload(upload)

            assert cleaned.name == f"photo.{extension}"
            assert Image.open(io.BytesIO(cleaned.read())).format == image_format

    def test_refuses_other_formats_whatever_the_name(self):
        gif = SimpleUploadedFile("poster.jpg", image_bytes(50, 50, "GIF", mode="L"))
        text = SimpleUploadedFile("poster.png", b"not an image at all")

        for upload in (gif, text):
            with pytest.raises(ValidationError) as error:
                clean_upload(upload)
            assert error.value.code == "invalid_image"
            assert "JPEG, PNG or WebP" in error.value.messages[0]

    def test_refuses_a_small_file_claiming_ten_thousand_pixels_square(self, monkeypatch):
        data = png_claiming(10_000, 10_000)
        assert len(data) < 15_000

        def no_decoding(self, *args, **kwargs):
            raise AssertionError("pixels were decoded before the size check")

        monkeypatch.setattr(Image.Image, "load", no_decoding)
        with pytest.raises(ValidationError) as error:
            open_checked(SimpleUploadedFile("bomb.png", data))
        assert error.value.code == "too_many_pixels"
        assert "10000 × 10000" in error.value.messages[0]

    def test_refuses_files_over_fifteen_megabytes(self):
        upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"\0" * (15 * 1024 * 1024))

        with pytest.raises(ValidationError) as error:
            clean_upload(upload)
        assert error.value.code == "file_too_large"

    def test_reencoding_strips_gps_exif_and_comments(self):
        exif = Image.Exif()
        exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
        exif[0x010E] = "secret description"
        jpeg = image_bytes(400, 300, "JPEG", exif=exif, comment=b"smuggled")
        assert b"smuggled" in jpeg and b"secret description" in jpeg

        cleaned = clean_upload(SimpleUploadedFile("photo.jpg", jpeg)).read()

        assert b"smuggled" not in cleaned and b"secret description" not in cleaned
        assert not Image.open(io.BytesIO(cleaned)).getexif()

    def test_png_text_chunks_are_dropped(self):
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "smuggled payload")
        png = image_bytes(200, 200, "PNG", pnginfo=info)

        cleaned = clean_upload(SimpleUploadedFile("a.png", png)).read()

        assert b"smuggled payload" not in cleaned

    def test_form_field_gives_a_clear_error(self):
        field = CheckedImageFormField()
        with pytest.raises(ValidationError) as error:
            field.clean(SimpleUploadedFile("x.png", png_claiming(9000, 9000)))
        assert "at most 40 megapixels" in error.value.messages[0]

    def test_model_validation_refuses_a_bad_new_file(self):
        image = LibraryImage(alt_text="A poster")
        image.file = ContentFile(b"GIF89a....", name="sneaky.jpg")

        with pytest.raises(ValidationError) as error:
            image.full_clean()
        assert "file" in error.value.message_dict

    def test_saving_checks_and_reencodes_a_new_file_on_any_path(self):
        """The shell, a service, a script: save() refuses what the admin refuses, and keeps
        only a re-encoded copy (no EXIF) of what it accepts."""
        image = LibraryImage(alt_text="A poster")
        image.file = ContentFile(b"GIF89a....", name="sneaky.jpg")
        with pytest.raises(ValidationError):
            image.save()
        assert not LibraryImage.objects.exists()

        exif = Image.Exif()
        exif[0x010F] = "Camera Maker"  # Make
        photo = io.BytesIO()
        Image.new("RGB", (40, 30)).save(photo, "JPEG", exif=exif)
        image.file = ContentFile(photo.getvalue(), name="holiday.jpg")
        image.save()
        with image.file.open() as stored:
            assert not Image.open(stored).getexif()


class TestAdminUpload:
    """The library's add form: the one place images are uploaded in the admin."""

    def post(self, admin_client, upload):
        return admin_client.post(
            "/admin/library/image/add/",
            {"file": upload, "alt_text": "A poster", "focal_x": 0.5, "focal_y": 0.5},
        )

    def test_bad_image_is_refused_in_the_admin_with_a_message(self, admin_client):
        bomb = SimpleUploadedFile("poster.png", png_claiming(10_000, 10_000))
        response = self.post(admin_client, bomb)

        assert response.status_code == 200
        assert "at most 40 megapixels" in response.content.decode()
        assert not LibraryImage.objects.exists()

    def test_good_image_is_stored_re_encoded(self, admin_client):
        jpeg = image_bytes(400, 600, "JPEG", comment=b"from the camera")
        response = self.post(admin_client, SimpleUploadedFile("poster.jpeg", jpeg))

        assert response.status_code == 302, response.content.decode()[:2000]
        image = LibraryImage.objects.get()
        assert image.file.name.endswith(".jpg")
        assert (image.width, image.height) == (400, 600)
        assert b"from the camera" not in image.file.read()
