"""Across processes: two servers each cache the review page; an editor unpublishes it through
the admin of one, and the other serves the change at once (the generation lives in the file
cache both share, as gunicorn workers on one machine do)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.nginx_stack import free_ports

ROOT = Path(__file__).resolve().parent.parent.parent
# Two free ports, found when the servers start, so that suites running at once never collide
# (fixed ports 8111 and 8112 did); PAGECACHE_TEST_PORTS may still name two.
PORTS_NAMED = os.environ.get("PAGECACHE_TEST_PORTS", "")
SLUG = "all-of-us-strangers-kimber-myers"
HEADLINE = b"All of Us Strangers is a ghost story"


class FormFields(HTMLParser):
    """The fields a browser would submit from the admin change form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "file"}:
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n")


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60  # a readiness wait on a busy machine, not a speed check
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=20).read()
            return
        except OSError:  # refused while starting, or slow to answer the first request
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def get(url: str, host: str | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("X-Page-Cache", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("X-Page-Cache", "")


@pytest.fixture
def two_servers(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "magazine.settings.base",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SHARED_CACHE_DIR": str(tmp_path / "shared-cache"),
        "PAGE_CACHE_SECONDS": "600",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "demo", "-v0")
    manage(env, "demo_login")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    ports = [int(port) for port in PORTS_NAMED.split(",")] if PORTS_NAMED else free_ports(2)
    servers = [
        subprocess.Popen(
            [
                gunicorn,
                "magazine.wsgi",
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}/")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def unpublish_through_admin(base: str) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = FormFields()
    login.feed(opener.open(f"{base}/admin/login/").read().decode())
    opener.open(
        f"{base}/admin/login/?next=/admin/",
        urllib.parse.urlencode({**login.fields, "username": "demo", "password": "demo"}).encode(),
    )
    changelist = opener.open(f"{base}/admin/reviews/review/?q={SLUG}").read().decode()
    change_path = re.search(r"/admin/reviews/review/\d+/change/", changelist).group(0)
    change_url = f"{base}{change_path}"
    form = FormFields()
    form.feed(opener.open(change_url).read().decode())
    # The workflow box posts the move to the review's transition URL (reviews/admin.py).
    fields = {
        "csrfmiddlewaretoken": form.fields["csrfmiddlewaretoken"],
        "transition": "unpublish",
        "confirmed": "yes",
    }
    response = opener.open(
        change_url.replace("/change/", "/transition/"), urllib.parse.urlencode(fields).encode()
    )
    assert response.url.endswith(change_path), "the admin did not accept the move"


def test_unpublishing_through_one_server_is_seen_at_once_by_the_other(two_servers):
    editor_side, reader_side = two_servers
    review_path = f"/reviews/{SLUG}/"
    for base in two_servers:
        get(base + review_path)
        status, body, cache = get(base + review_path)
        assert (status, cache) == (200, "hit")
        assert HEADLINE in body
    assert HEADLINE in get(reader_side + "/")[1]

    unpublish_through_admin(editor_side)

    status, _, _ = get(reader_side + review_path)
    assert status == 404
    assert HEADLINE not in get(reader_side + "/")[1]


def test_without_redis_the_servers_of_one_machine_share_their_pages(two_servers):
    """The embedded default (files in SHARED_CACHE_DIR): a page one worker rendered is a hit
    for every other worker of the machine."""
    first, second = two_servers
    host = "localhost"  # one site address, as behind the proxy
    assert get(first + "/critics/", host)[2] == "miss"
    status, body, cache = get(second + "/critics/", host)
    assert (status, cache) == (200, "hit")
