"""The documented production setup for real: Debian's nginx, with the site `manage.py nginx_conf`
prints, in front of gunicorn with gunicorn.conf.py, each started here on spare ports.

- Slow clients dripping header lines starve readers when they reach gunicorn directly (the
  control, so the test can fail) and do not through nginx.
- The upload limit is the one setting: a body under it reaches Django, one over it gets
  nginx's short message naming the same limit.
"""

from __future__ import annotations

import os
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from bench.nginx_stack import free_ports, missing_tools, nginx_in_front

ROOT = Path(__file__).resolve().parents[2]
HOST = "localhost"  # one of the test settings' ALLOWED_HOSTS
SLOW_CLIENTS = 8


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    missing = missing_tools()
    if missing:
        pytest.fail(f"This test needs {' and '.join(missing)}: apt-get install -y nginx openssl.")
    folder = tmp_path_factory.mktemp("nginx")
    gunicorn_port, http_port, https_port = free_ports(3, range(8160, 8170))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "magazine.settings.test",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
        # Few threads, so a handful of slow clients is enough to show starvation.
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    with nginx_in_front(
        folder=folder, env=env, python=python, http_port=http_port, https_port=https_port
    ):
        yield {"gunicorn": gunicorn_port, "https": https_port, "http": http_port}


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def request(url: str, *, data: bytes | None = None, timeout: float = 3) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Host": HOST})
    context = _unverified() if url.startswith("https") else None
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def slow_client(port: int, *, tls: bool, stop: threading.Event) -> None:
    """Sends a request's first line, then one header line every second, never finishing."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if tls:
            sock = _unverified().wrap_socket(sock, server_hostname=HOST)
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        while not stop.wait(1):
            sock.sendall(b"X-Slow: 1\r\n")
    except OSError:
        pass  # the server hung up on it: exactly what should happen


def readers_served_among_slow_clients(port: int, *, tls: bool, url: str) -> tuple[int, int]:
    stop = threading.Event()
    drips = [
        threading.Thread(target=slow_client, args=(port,), kwargs={"tls": tls, "stop": stop})
        for _ in range(SLOW_CLIENTS)
    ]
    for thread in drips:
        thread.start()
    time.sleep(1)  # let them take their connections
    answered = 0
    probes = 5
    try:
        for _ in range(probes):
            try:
                status, _ = request(url, timeout=2)
                answered += status == 200
            except OSError:
                pass
    finally:
        stop.set()
        for thread in drips:
            thread.join()
    return answered, probes


def test_slow_clients_starve_readers_at_gunicorn_but_not_through_nginx(stack):
    direct = readers_served_among_slow_clients(
        stack["gunicorn"], tls=False, url=f"http://127.0.0.1:{stack['gunicorn']}/"
    )
    through_nginx = readers_served_among_slow_clients(
        stack["https"], tls=True, url=f"https://127.0.0.1:{stack['https']}/"
    )

    assert direct[0] < direct[1], f"the control: slow clients should starve gunicorn {direct}"
    assert through_nginx[0] == through_nginx[1], through_nginx


def test_plain_http_is_sent_to_https(stack):
    req = urllib.request.Request(f"http://127.0.0.1:{stack['http']}/films/", headers={"Host": HOST})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(NoRedirect).open(req, timeout=3)
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"] == f"https://{HOST}/films/"


def test_one_upload_limit_for_nginx_and_django(stack):
    limit = settings.MAGAZINE_UPLOAD_MAX_BYTES
    url = f"https://127.0.0.1:{stack['https']}/search/"

    under_limit, _ = request(url, data=b"x" * (limit - 1024), timeout=30)
    over_limit, message = request(url, data=b"x" * (limit + 2 * 1024 * 1024), timeout=30)

    assert under_limit != 413  # Django answered (here: no POST on search), not nginx
    assert over_limit == 413
    assert b"at most 15.0 MB" in message
