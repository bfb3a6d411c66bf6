"""Test settings: fast hashing, in-memory cache (Redis when REDIS_URL is set), throwaway media."""

import os
import secrets
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # a fresh one for each run

from magazine.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if REDIS_URL:  # noqa: F405 - the Redis pass of .ci/run; keys kept apart from other runs
    CACHES["default"]["KEY_PREFIX"] = f"magazine-test-{os.getpid()}"  # noqa: F405
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # magazine.modified's moments, apart from the pages, so a test can forget the pages.
        "shared": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared",
        },
    }
MEDIA_ROOT = tempfile.mkdtemp(prefix="magazine-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="magazine-test-static-")  # WhiteNoise wants it to exist
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The test client speaks plain http; the HTTPS settings themselves are checked by
# tests/magazine/test_deploy.py against the production environment.
SECURE_SSL_REDIRECT = False
# django-axes needs the request in authenticate(), which Client.login() does not pass;
# tests of login throttling turn it on.
AXES_ENABLED = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
