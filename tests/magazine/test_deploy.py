"""Deploy: the documented production environment passes `check --deploy`; headers and cookies."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE = ROOT / "deploy" / "production.env.example"


def production_env(*, keep_example_key: bool = False, **overrides: str) -> dict[str, str]:
    """The example file's environment, with a fresh secret key as an operator makes one
    (the example's own key is refused) unless keep_example_key."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    if not keep_example_key:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_silent_with_the_documented_production_environment():
    """The example file with the one thing an operator must make: a fresh secret key."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_does_warn_when_https_is_turned_off():
    """The check above can fail: without HTTPS the same command warns."""
    result = manage("check", "--deploy", env=production_env(HTTPS="0"))

    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no SSL redirect


def test_production_settings_fail_loudly_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "key, reason",
    [
        (None, "example key published with the code"),  # the example file as it is
        ("django-insecure-" + secrets.token_urlsafe(50), "example key"),
        ("test-only-secret", "example key"),
        (secrets.token_urlsafe(20), "too short"),
        ("ab" * 40, "too few characters"),
    ],
)
def test_production_refuses_example_short_and_low_entropy_secret_keys(key, reason):
    env = production_env(keep_example_key=True) if key is None else production_env(SECRET_KEY=key)
    result = manage("check", env=env)

    assert result.returncode != 0
    assert reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_an_example_key_is_accepted_with_debug_on_only():
    result = manage("check", env=production_env(keep_example_key=True, DEBUG="1"))

    assert result.returncode == 0, result.stderr


def print_settings(env: dict[str, str], *names: str) -> dict[str, str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"[print(n, '=', repr(getattr(settings, n, None))) for n in {list(names)!r}]"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    return dict(pairs)


def test_production_environment_wires_proxy_redis_and_postgres():
    values = print_settings(
        production_env(), "SECURE_PROXY_SSL_HEADER", "CACHES", "DATABASES", "STORAGES"
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert "magazine.cache.TolerantRedisCache" in values["CACHES"]
    assert "redis://127.0.0.1:6379/0" in values["CACHES"]
    assert "django.db.backends.postgresql" in values["DATABASES"]
    assert "magazine.static_storage.StaticFilesStorage" in values["STORAGES"]  # WhiteNoise's
    assert "magazine.storage.MediaStorage" in values["STORAGES"]


def test_media_goes_to_object_storage_when_a_bucket_is_named():
    env = production_env(
        AWS_STORAGE_BUCKET_NAME="magazine-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.com",
        MEDIA_ORIGIN="https://media.example.com",
    )
    values = print_settings(env, "STORAGES", "AWS_STORAGE_BUCKET_NAME", "CONTENT_SECURITY_POLICY")

    assert "magazine.storage.S3MediaStorage" in values["STORAGES"]
    assert values["AWS_STORAGE_BUCKET_NAME"] == "'magazine-media'"
    assert "https://media.example.com" in values["CONTENT_SECURITY_POLICY"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_security_headers_on_site_and_admin(client, url):
    response = client.get(url, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    assert client.get("/")["Location"] == "https://testserver/"
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_http_only(client):
    UserFactory(username="editor", superuser=True)
    login = client.get("/admin/login/", secure=True)
    client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": login.context["csrf_token"],
        },
        secure=True,
    )

    session, csrf = client.cookies[settings.SESSION_COOKIE_NAME], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["httponly"]


@pytest.mark.django_db
def test_health_reports_database_and_cache(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
