"""Benchmark settings: production-like (DEBUG off, cached templates, persistent connections,
manifest static files through WhiteNoise) plus the baseline pages bench/run.py measures."""

import os
import secrets

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # a fresh one for each run
os.environ.setdefault("MAGAZINE_BENCH", "1")
# Plain http on loopback, as `make serve`: otherwise every request is a redirect to https.
os.environ.setdefault("HTTPS", "0")

from magazine.settings.base import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
