"""Settings for the film magazine, read from the environment in this one place.

Every setting has a safe local default so `make run` works on a fresh machine; production
sets DEBUG off and must then provide SECRET_KEY (it fails loudly otherwise). The production
environment is documented, variable by variable, in docs/deploy.md.
"""

import datetime
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Keys that have been published (in this repository, its docs or Django's project template):
# anyone can sign a preview link or a session with them.
KNOWN_EXAMPLE_SECRET_KEYS = {
    "change-me-Vq3o5yXb2rJc8Lk0pT7wZ1nH4sD6fG9aE2uY5iO8mN3bR7xK0cQ4vW6zP1tS",
    "test-only-secret",
    "benchmark-only-not-a-secret",
    "local-development-only-not-a-secret",
}
KNOWN_EXAMPLE_SECRET_KEY_MARKERS = ("change-me", "django-insecure-", "not-for-production")


def secret_key_problem(key: str) -> str | None:
    """Why a SECRET_KEY may not sign anything in production, or None when it may."""
    if not key:
        return "SECRET_KEY must be set when DEBUG is off."
    if key in KNOWN_EXAMPLE_SECRET_KEYS or any(
        marker in key for marker in KNOWN_EXAMPLE_SECRET_KEY_MARKERS
    ):
        return "SECRET_KEY is an example key published with the code: anyone could sign with it."
    if len(key) < 50:
        return f"SECRET_KEY is too short ({len(key)} characters; at least 50)."
    if len(set(key)) < 20:
        return "SECRET_KEY repeats too few characters to be random (fewer than 20 distinct)."
    return None


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"{problem} Generate one with "
        '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"`. For local work run '
        "with DEBUG=1 (make run does)."
    )
if not SECRET_KEY:
    SECRET_KEY = "local-development-only-not-a-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS: on by default in production. `make serve` turns it off to run over plain http locally.
HTTPS = env_bool("HTTPS", not DEBUG)
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (docs/deploy.md).
# Only turn this on when the proxy overwrites the header: otherwise clients could forge it.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The admin reads the CSRF token from the form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
# An editor's session lasts a working day, not the default two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 12 * 60 * 60))

INSTALLED_APPS = [
    "magazine.admin_site.MagazineAdminConfig",  # django.contrib.admin, its app list lazy
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django.contrib.sitemaps",
    "taggit",
    "library",
    "people",
    "reviews",
    "magazine",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages, feeds and sitemaps (static files come precompressed from WhiteNoise,
    # which answers before this). Outside the page cache, which so keeps one plain copy.
    # Django's GZip pads its output at random against BREACH (Django 4.2+).
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "magazine.middleware.DatabaseUnavailableMiddleware",
    "magazine.query_guard.QueryStringGuardMiddleware",
    "magazine.deadline.RequestTimeoutMiddleware",
    "magazine.pagecache.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "magazine.urls"
WSGI_APPLICATION = "magazine.wsgi.application"

TEMPLATES = [
    # The reader pages (jinja2/): Jinja2 renders them for a fraction of the CPU (issue 14).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "magazine.jinja2.environment",
            "context_processors": ["magazine.context_processors.site"],
        },
    },
    # The admin (templates/).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "magazine.context_processors.site",
            ],
        },
    },
]

# Inputs, text areas and selects written without a template each (the admin forms' cost).
FORM_RENDERER = "magazine.form_rendering.PlainWidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Search uses PostgreSQL's full-text search when it is there; SQLite its FTS5 table.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
# SQLite's search index is not content: never dumped (reviews/routers.py).
DATABASE_ROUTERS = ["reviews.routers.SearchIndexRouter"]

# The only sign-in is the admin's; after it (and when its ?next= is refused as unsafe) editors
# land on the admin index, not Django's default /accounts/profile/.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Lock the pair, so a guesser elsewhere cannot lock an editor out of their own account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "magazine.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "magazine/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_STORAGE = {"BACKEND": "magazine.storage.MediaStorage"}
# S3-compatible object storage for uploads (AWS S3, Cloudflare R2, MinIO...) when a bucket is
# named; the credentials come from the usual AWS_* variables django-storages and boto3 read.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {"BACKEND": "magazine.storage.S3MediaStorage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # The host (no scheme) media URLs use, e.g. a CDN in front of the bucket.
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "media")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "magazine.static_storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# JSON exports keep timestamps to the microsecond (magazine/precise_json.py).
SERIALIZATION_MODULES = {"json": "magazine.precise_json"}

# Uploads: the one limit, used by Django and by the nginx site `manage.py nginx_conf` prints.
MAGAZINE_UPLOAD_MAX_BYTES = int(os.environ.get("MAGAZINE_UPLOAD_MAX_BYTES", 15 * 1024 * 1024))
MAGAZINE_UPLOAD_MAX_PIXELS = int(os.environ.get("MAGAZINE_UPLOAD_MAX_PIXELS", 40_000_000))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Caches. Reader pages and their parts live in `default`; whether an entry is still fresh is
# decided by the versions of its tags, kept in the database (magazine/freshness.py), so no
# cache fault or eviction can serve a stale page. With REDIS_URL the cache is Redis (a Redis
# outage never takes the site down: the tolerant backend serves uncached and logs it).
# Without it the cache is files in SHARED_CACHE_DIR, shared by every worker of the machine
# and sized for a whole catalogue (several app servers need Redis).
REDIS_URL = os.environ.get("REDIS_URL", "")
PRODUCTION_REDIS_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "magazine.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "magazine"),
            "TIMEOUT": 300,
            "OPTIONS": PRODUCTION_REDIS_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "magazine.cache.SharedFileCache",
            "LOCATION": os.environ.get("SHARED_CACHE_DIR", str(BASE_DIR / "var" / "shared-cache")),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SHARED_CACHE_ENTRIES", "300000"))},
        },
    }
# How long a reader is asked to wait when the database is unavailable (Retry-After, seconds).
MAGAZINE_RETRY_AFTER = int(os.environ.get("MAGAZINE_RETRY_AFTER", "30"))

TAGGIT_CASE_INSENSITIVE = True
# The review form shows tags as typed: no quotes around names with spaces, no re-sorting.
TAGGIT_STRING_FROM_TAGS = "reviews.tag_strings.tags_as_typed"

# The magazine's own settings.
MAGAZINE_NAME = os.environ.get("MAGAZINE_NAME", "Frame Rate")
# Where-to-watch notes speak to readers in this region (ISO 3166 country code).
MAGAZINE_REGION = os.environ.get("MAGAZINE_REGION", "US")
# The domain in feed entry ids (tag:DOMAIN,DATE:review/N): one the magazine owns, set once and
# never changed, or every feed reader sees every review as new again (magazine/feeds.py).
MAGAZINE_FEED_ID_DOMAIN = os.environ.get("MAGAZINE_FEED_ID_DOMAIN", "framerate.example")
# How many cast members the film facts box on a review page lists.
MAGAZINE_TOP_BILLED = 4
# How long an anonymous reader page may be served from the cache (0 turns the cache off);
# a publish or edit makes cached pages stale sooner (magazine/pagecache.py).
MAGAZINE_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long the parts of a review page that change only with content are kept (seconds; 0 turns
# fragment caching off). They are stored under the content generation, so any change to what
# readers see replaces them at once; dated parts also expire at midnight and the next scheduled
# publish (reviews/review_page.py).
MAGAZINE_FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))
# How long a CDN may serve a reader page without asking us (s-maxage, capped by the page's
# own expiry); 0: it revalidates. Safe to raise when MAGAZINE_CDN_PURGE_URL is set.
MAGAZINE_CDN_MAX_AGE = int(os.environ.get("CDN_MAX_AGE", "0"))
# The header reader pages carry their cache tags in (magazine/cdn.py): xkey (Varnish),
# Surrogate-Key (Fastly), Cache-Tag (Cloudflare); empty: none.
MAGAZINE_CDN_TAG_HEADER = os.environ.get("CDN_TAG_HEADER", "xkey")
# Where invalidated tags are sent; empty: no CDN to tell. How (magazine/cdn.py): "xkey", a
# PURGE with an xkey-purge header (Varnish); "fastly", Fastly's batch purge API
# (https://api.fastly.com/service/<id>/purge); "cloudflare", Cloudflare's purge_cache API
# (https://api.cloudflare.com/client/v4/zones/<zone>/purge_cache). The last two need a token.
MAGAZINE_CDN_PURGE_URL = os.environ.get("CDN_PURGE_URL", "")
MAGAZINE_CDN_PURGE_STYLE = os.environ.get("CDN_PURGE_STYLE", "xkey")
MAGAZINE_CDN_PURGE_TOKEN = os.environ.get("CDN_PURGE_TOKEN", "")
if MAGAZINE_CDN_PURGE_STYLE not in ("xkey", "fastly", "cloudflare"):
    raise ImproperlyConfigured(
        f"CDN_PURGE_STYLE is {MAGAZINE_CDN_PURGE_STYLE!r}: use xkey, fastly or cloudflare."
    )
MAGAZINE_CDN_PURGE_TIMEOUT = float(os.environ.get("CDN_PURGE_TIMEOUT", "2"))

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere except the
# media host. The admin of Django 5.2 works under it (its scripts are all files).
# The origin media is served from when it lives on object storage, e.g. https://media.example.com.
MEDIA_ORIGIN = os.environ.get("MEDIA_ORIGIN", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# How long a shareable review preview link works (see reviews/previews.py).
REVIEW_PREVIEW_LINK_MAX_AGE = datetime.timedelta(days=7)
# How often the admin's forms (reviews, films, people, critics, genres) autosave what is being
# typed, in seconds, besides a moment after typing pauses and when the tab is hidden or closed
# (reviews/admin.py, magazine/edit_guard.py; a browser test sets it to 1 to see the timer).
REVIEW_AUTOSAVE_SECONDS = int(os.environ.get("REVIEW_AUTOSAVE_SECONDS", "60"))
# Four-eyes: nobody approves a review under their own byline (docs/workflow.md). Turn it off
# (REVIEW_FOUR_EYES=0) only for a magazine with a single editor.
REVIEW_FOUR_EYES = os.environ.get("REVIEW_FOUR_EYES", "1") != "0"
