"""Images: uploads checked and cleaned on the way in, renditions made once on the way out.

Uploads (posters, headshots, lead images) must be JPEG, PNG or WebP by content, at most
MAX_UPLOAD_BYTES and MAX_PIXELS. Sizes are read from the file header before any pixel is
decoded, so a small file that claims to be enormous is refused cheaply. Every accepted upload is
re-encoded, which drops EXIF (GPS positions), comments and any other smuggled chunks.

Renditions (a few widths, WebP plus a JPEG or PNG fallback) are written to the default storage
beside a small manifest, so each image is resized once; the manifest is also kept in the cache.

Imports nothing of the apps, so both `people` and `reviews` may use it.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import posixpath
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Defaults for MAGAZINE_UPLOAD_MAX_BYTES and MAGAZINE_UPLOAD_MAX_PIXELS.
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000

# The card a page shares when it has no picture of its own (1200 x 630, a static file):
# sharing cards and the JSON-LD image Google requires of a Movie.
SHARE_IMAGE = "img/share.png"


def max_upload_bytes() -> int:
    return getattr(settings, "MAGAZINE_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES)


def max_pixels() -> int:
    return getattr(settings, "MAGAZINE_UPLOAD_MAX_PIXELS", MAX_PIXELS)


# Pillow's name for each format we accept, and the extension a re-encoded file gets.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 960, 1280)
RENDITION_ROOT = "renditions"
JPEG_QUALITY = 82
WEBP_QUALITY = 80

FORMAT_MESSAGE = (
    "Upload a JPEG, PNG or WebP image. This file is not one of those "
    "(we check what the file contains, not its name)."
)


def open_checked(file) -> Image.Image:
    """Open an upload lazily and refuse it unless it is a small-enough JPEG, PNG or WebP.

    Only the header is read: no pixel is decoded, so a decompression bomb costs nothing.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > max_upload_bytes():
        raise ValidationError(
            "This file is %(size)s; images may be at most %(limit)s. "
            "Export a smaller version and upload that.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels; we refuse far earlier, below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file, formats=list(ACCEPTED_FORMATS))
    except Image.DecompressionBombError as error:
        raise too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(FORMAT_MESSAGE, code="invalid_image") from error
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels():
        raise too_many_pixels(width, height)
    return image


def too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    claimed = f"measures {width} × {height} pixels" if width else "has too many pixels"
    return ValidationError(
        "This image %(claimed)s; images may have at most %(limit)s megapixels "
        "(for example 7000 × 5700). Resize it and upload again.",
        code="too_many_pixels",
        params={"claimed": claimed, "limit": max_pixels() // 1_000_000},
    )


def reencode(image: Image.Image) -> tuple[bytes, str]:
    """Decode a checked image and encode it afresh in its own format, without any metadata.

    Returns the new bytes and the file extension. The EXIF orientation is applied first, so
    photos stay upright once their EXIF block is gone.
    """
    source_format = image.format
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This image is damaged or cut short and cannot be read. Export it again.",
            code="damaged_image",
        ) from error
    # Encoders copy some metadata (JPEG comments, for one) from `info`: keep only what the
    # pixels need, and the colour profile, which carries no personal data.
    colour_profile = image.info.get("icc_profile")
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    options = {"icc_profile": colour_profile} if colour_profile else {}
    output = io.BytesIO()
    if source_format == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=90, optimize=True, **options)
    elif source_format == "WEBP":
        image.save(output, "WEBP", quality=90, **options)
    else:
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}:
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True, **options)
    return output.getvalue(), ACCEPTED_FORMATS[source_format]


def clean_upload(file) -> SimpleUploadedFile:
    """Check an upload and return a re-encoded copy: the only form in which images are kept."""
    image = open_checked(file)
    data, extension = reencode(image)
    stem = posixpath.splitext(posixpath.basename(getattr(file, "name", "") or "image"))[0]
    return SimpleUploadedFile(
        f"{stem or 'image'}.{extension}", data, content_type=Image.MIME[image.format]
    )


def validate_image_upload(value) -> None:
    """Model-field validator: a new, not yet stored file must pass the upload checks."""
    if value and not getattr(value, "_committed", True):
        open_checked(value.file)
        value.file.seek(0)


class CheckedImageFormField(forms.ImageField):
    """The admin's image field: refuses bad uploads with a clear message, re-encodes good ones."""

    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "read"):
            return super().to_python(data)
        return super().to_python(clean_upload(data))


class CheckedImageField(models.ImageField):
    """An ImageField whose uploads are checked and re-encoded (see `clean_upload`)."""

    default_validators = [validate_image_upload]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True)
class Picture:
    """The renditions of one image, in two formats, smallest first."""

    width: int
    height: int
    webp: tuple[Rendition, ...]
    fallback: tuple[Rendition, ...]

    @property
    def src(self) -> Rendition:
        """The fallback at a middle width: what browsers without srcset load."""
        return self.fallback[min(1, len(self.fallback) - 1)]

    @property
    def largest(self) -> Rendition:
        return self.fallback[-1]

    @staticmethod
    def srcset(renditions: tuple[Rendition, ...]) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in renditions)

    @property
    def webp_srcset(self) -> str:
        return self.srcset(self.webp)

    @property
    def fallback_srcset(self) -> str:
        return self.srcset(self.fallback)


def rendition_folder(name: str, widths: tuple[int, ...]) -> str:
    """Where an image's renditions live: named from the original's path and the widths asked."""
    stem = posixpath.splitext(name)[0]
    digest = hashlib.sha256(f"{name}|{widths}".encode()).hexdigest()[:12]
    return posixpath.join(RENDITION_ROOT, f"{stem}-{digest}")


def picture(field_file, widths: tuple[int, ...] = RENDITION_WIDTHS) -> Picture | None:
    """The renditions of a stored image, made on first use; None when there is no usable image.

    A missing or unreadable original is logged, never raised: a page shows no image instead.
    """
    if not field_file or not field_file.name:
        return None
    storage: Storage = field_file.storage
    folder = rendition_folder(field_file.name, tuple(widths))
    manifest_name = posixpath.join(folder, "manifest.json")
    cache_key = f"picture:{manifest_name}"
    manifest = cache.get(cache_key)
    if manifest is None:
        try:
            if storage.exists(manifest_name):
                with storage.open(manifest_name) as stored:
                    manifest = json.load(stored)
            else:
                manifest = make_renditions(storage, field_file.name, folder, widths)
                storage.save(manifest_name, ContentFile(json.dumps(manifest).encode()))
        except (OSError, ValidationError, ValueError) as error:
            logger.warning("No renditions for image %s: %s", field_file.name, error)
            return None
        cache.set(cache_key, manifest, None)

    def renditions(key: str) -> tuple[Rendition, ...]:
        return tuple(
            Rendition(
                url=storage.url(item["name"]),
                width=item["width"],
                height=item["height"],
                mime_type=item["mime_type"],
            )
            for item in manifest[key]
        )

    return Picture(
        width=manifest["width"],
        height=manifest["height"],
        webp=renditions("webp"),
        fallback=renditions("fallback"),
    )


def make_renditions(storage: Storage, name: str, folder: str, widths: tuple[int, ...]) -> dict:
    """Resize the original into each width no wider than itself; return the manifest."""
    with storage.open(name) as original:
        image = open_checked(original)
        image.load()
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    fallback_format, fallback_extension = ("PNG", "png") if has_alpha else ("JPEG", "jpg")
    targets = sorted({w for w in widths if w < image.width} | {min(image.width, max(widths))})
    manifest: dict = {"width": image.width, "height": image.height, "webp": [], "fallback": []}
    for width in targets:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for key, image_format, extension, options in (
            ("webp", "WEBP", "webp", {"quality": WEBP_QUALITY}),
            ("fallback", fallback_format, fallback_extension, {"quality": JPEG_QUALITY}),
        ):
            if image_format == "PNG":
                options = {"optimize": True}
            buffer = io.BytesIO()
            resized.save(buffer, image_format, **options)
            stored_name = storage.save(
                posixpath.join(folder, f"{width}w.{extension}"), ContentFile(buffer.getvalue())
            )
            manifest[key].append(
                {
                    "name": stored_name,
                    "width": width,
                    "height": height,
                    "mime_type": Image.MIME[image_format],
                }
            )
    return manifest
