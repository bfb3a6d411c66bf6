"""An upload that passed its checks survives an error elsewhere in the form.

Browsers never send a file input back, so a form refused for another reason (a runtime of -1)
would come back with "No file chosen" and the editor would have to find the file again. Instead
the checked (re-encoded) upload is kept in storage under `pending-uploads/`, the form shown
again holds a signed token for it and a thumbnail of it, and the next submit uses it unless
another file is chosen. Imports nothing of the apps.
"""

from __future__ import annotations

import base64
import io
import posixpath
import uuid
from datetime import timedelta

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image

FOLDER = "pending-uploads"
SALT = "magazine.pending_uploads"
MAX_AGE_SECONDS = 24 * 60 * 60
THUMBNAIL_PIXELS = (240, 240)
TOKEN_SUFFIX = "__pending"


def keep(upload: UploadedFile) -> str:
    """Store a checked upload until the form is saved; returns the token naming it. Sweeps
    away the uploads kept longer than a token lives (a refused form that was abandoned)."""
    sweep()
    upload.seek(0)
    name = default_storage.save(
        posixpath.join(FOLDER, uuid.uuid4().hex, posixpath.basename(upload.name)), upload
    )
    upload.seek(0)
    return signing.dumps(name, salt=SALT)


def sweep() -> int:
    """Delete the kept uploads whose tokens have expired; returns how many. Refused forms are
    rare, so walking the folder on each new one costs nothing readers see."""
    if not default_storage.exists(FOLDER):
        return 0
    expired = timezone.now() - timedelta(seconds=MAX_AGE_SECONDS)
    removed = 0
    for folder in default_storage.listdir(FOLDER)[0]:
        folder = posixpath.join(FOLDER, folder)
        names = [posixpath.join(folder, name) for name in default_storage.listdir(folder)[1]]
        if all(default_storage.get_modified_time(name) < expired for name in names):
            for name in names:
                default_storage.delete(name)
            default_storage.delete(folder)  # FileSystemStorage removes an empty folder
            removed += 1
    return removed


def kept(token: str) -> SimpleUploadedFile | None:
    """The upload a token names, marked as already checked; None if the token is bad or old."""
    try:
        name = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not str(name).startswith(f"{FOLDER}/") or not default_storage.exists(name):
        return None
    with default_storage.open(name) as stored:
        upload = SimpleUploadedFile(posixpath.basename(name), stored.read())
    upload.already_checked = True
    upload.pending_token = token
    return upload


def thumbnail_data_url(upload: UploadedFile) -> str:
    """A small JPEG of the image as a data: URL (the admin's CSP allows data: images)."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.thumbnail(THUMBNAIL_PIXELS)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except (OSError, ValueError):
        return ""
    finally:
        upload.seek(0)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


class PendingUploadWidget(AdminFileWidget):
    """The admin's file input, plus the upload kept from a refused submit (if any)."""

    pending: tuple[str, str, str] | None = None  # token, file name, thumbnail

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is None and (token := data.get(name + TOKEN_SUFFIX)):
            return kept(token) or None
        return upload

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.pending is None:
            return html
        token, file_name, thumbnail = self.pending
        return html + format_html(
            '<div class="pending-upload"><input type="hidden" name="{}" value="{}">'
            "{}<p>Kept from your last try: <strong>{}</strong>. It is saved with the form "
            "unless you choose another file.</p></div>",
            name + TOKEN_SUFFIX,
            token,
            format_html('<img src="{}" alt="The image you chose">', thumbnail) if thumbnail else "",
            file_name,
        )


def keep_valid_uploads(form) -> None:
    """On a refused form: keep each upload that passed its own checks, to show it again."""
    if not form.is_bound or not form.errors:
        return
    for name, field in form.fields.items():
        widget = field.widget
        if not isinstance(widget, PendingUploadWidget) or name in form.errors:
            continue
        upload = getattr(form, "cleaned_data", {}).get(name)
        if not isinstance(upload, UploadedFile):
            continue
        token = getattr(upload, "pending_token", None) or keep(upload)
        widget.pending = (token, posixpath.basename(upload.name), thumbnail_data_url(upload))
