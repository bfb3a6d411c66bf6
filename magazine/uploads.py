"""Limits on uploaded images: size in bytes, size in pixels (decompression bombs) and type.

Used as model field validators, so the admin, services and imports all enforce them.
Imports nothing of the apps.
"""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from PIL import Image

# Pillow's own name for each format we accept, and the extensions that may carry it.
ALLOWED_FORMATS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}}


@deconstructible
class ImageUploadValidator:
    """A JPEG, PNG or WebP image no larger than the configured bytes and pixels."""

    def __call__(self, file) -> None:
        max_bytes = settings.MAGAZINE_UPLOAD_MAX_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                f"This image is {filesizeformat(file.size)}; the limit is "
                f"{filesizeformat(max_bytes)}. Please upload a smaller version.",
                code="file_too_large",
            )
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            with warnings.catch_warnings():
                # Pillow only warns below twice its own limit; we refuse on our limit.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(file) as image:
                    image_format, (width, height) = image.format, image.size
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(self._too_many_pixels(), code="too_many_pixels") from None
        except Exception:
            raise ValidationError(
                "This file is not an image we can read. Upload a JPEG, PNG or WebP.",
                code="invalid_image",
            ) from None
        finally:
            if position is not None:
                file.seek(position)
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(
                f"{image_format} images are not accepted. Upload a JPEG, PNG or WebP.",
                code="invalid_format",
            )
        if extension not in ALLOWED_FORMATS[image_format]:
            raise ValidationError(
                f"This is a {image_format} image but its name ends in “.{extension}”. "
                "Rename it to match.",
                code="extension_mismatch",
            )
        if width * height > settings.MAGAZINE_UPLOAD_MAX_PIXELS:
            raise ValidationError(self._too_many_pixels(width, height), code="too_many_pixels")

    @staticmethod
    def _too_many_pixels(width: int | None = None, height: int | None = None) -> str:
        size = f"{width}×{height} pixels" if width else "too many pixels"
        return (
            f"This image is {size}; the limit is "
            f"{settings.MAGAZINE_UPLOAD_MAX_PIXELS // 1_000_000} megapixels. "
            "Please upload a smaller version."
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, ImageUploadValidator)


validate_image_upload = ImageUploadValidator()
