"""Where uploads go: a local folder by default, S3-compatible object storage when configured.

Both give every upload a plain ASCII name: no path, no control or direction-changing
characters, no look-alike letters; the extension is kept, lower-cased.
"""

from __future__ import annotations

import os
import posixpath
import unicodedata

from django.core.files.storage import FileSystemStorage
from django.utils.text import get_valid_filename, slugify

MAX_STEM_LENGTH = 80


def clean_upload_name(name: str) -> str:
    """A safe file name for an upload: 'Ｐｏｓｔｅｒ ①.PNG' -> 'poster-1.png'."""
    base = posixpath.basename(str(name).replace("\\", "/"))
    base = unicodedata.normalize("NFKC", base)
    base = "".join(char for char in base if not unicodedata.category(char).startswith("C"))
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = slugify(stem)[:MAX_STEM_LENGTH].strip("-") or "upload"
    extension = slugify(extension).replace("-", "")[:10]
    return get_valid_filename(f"{stem}.{extension}" if extension else stem)


class MediaStorage(FileSystemStorage):
    def get_valid_name(self, name: str) -> str:
        return clean_upload_name(name)

    def _save(self, name: str, content) -> str:
        """Django's save, except that a write that fails (a full disk) leaves no empty or
        partial file behind."""
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed and os.path.exists(path):
                os.remove(path)
            raise


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - django-storages is a declared dependency
    S3Storage = None

if S3Storage is not None:

    class S3MediaStorage(S3Storage):
        def get_valid_name(self, name: str) -> str:
            return clean_upload_name(name)
