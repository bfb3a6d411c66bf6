"""Settings come from the environment; the demo login exists only with DEBUG on."""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from magazine.settings.base import BASE_DIR


def load_settings(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([settings.DEBUG, d['ENGINE'], d['NAME'], settings.ALLOWED_HOSTS, "
        "str(settings.MEDIA_ROOT)]))"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "magazine.settings.base", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_local_defaults_are_debug_sqlite_and_localhost():
    result = load_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert '[true, "django.db.backends.sqlite3"' in result.stdout
    assert "127.0.0.1" in result.stdout


def test_database_url_selects_postgresql_and_media_root_is_configurable():
    result = load_settings(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://u@db.example:5432/mag",
            "ALLOWED_HOSTS": "films.example",
            "MEDIA_ROOT": "/srv/media",
        }
    )
    assert result.returncode == 0, result.stderr
    assert '[false, "django.db.backends.postgresql", "mag", ["films.example"], "/srv/media"]' in (
        result.stdout
    )


def test_missing_secret_key_fails_loudly_when_debug_is_off():
    result = load_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_demo_login_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never created when DEBUG is off"):
        call_command("demo_login")
    assert not get_user_model().objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_demo_login_creates_a_local_superuser_with_debug(settings, capsys):
    settings.DEBUG = True
    call_command("demo_login")
    user = get_user_model().objects.get(username="demo")
    assert user.is_superuser and user.check_password("demo")
    assert "/admin/" in capsys.readouterr().out


def test_the_settings_package_name_gives_the_same_settings_as_base():
    """DJANGO_SETTINGS_MODULE=magazine.settings (the package) is a natural guess: it works."""
    by_package = load_settings({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "magazine.settings"})
    by_module = load_settings({"DEBUG": "1"})
    assert by_package.returncode == 0, by_package.stderr
    assert by_package.stdout == by_module.stdout


def test_the_settings_package_name_checks_the_project():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "magazine.settings",
            "DEBUG": "1",
            "DATABASE_URL": "",
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
