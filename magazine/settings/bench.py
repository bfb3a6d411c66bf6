"""Benchmark settings: production-like (DEBUG off, cached templates, persistent connections,
manifest static files through WhiteNoise) plus the baseline page bench/run.py measures, routed
by bench/urls.py: the benchmark's view and URLs live under bench/, never in the apps."""

import os
import secrets

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # a fresh one for each run
# Plain http on loopback, as `make serve`: otherwise every request is a redirect to https.
os.environ.setdefault("HTTPS", "0")

from magazine.settings.base import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
