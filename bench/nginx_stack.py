"""The documented production setup, started for a test or a benchmark: Debian's nginx with the
site `manage.py nginx_conf` prints (TLS with a self-signed certificate) in front of gunicorn
with gunicorn.conf.py, on loopback, everything in one temporary folder.

Used by tests/magazine/test_nginx.py and bench/load_nginx.py, so both run what docs/deploy.md
describes the same way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def missing_tools() -> list[str]:
    """What of nginx and openssl this machine lacks."""
    return [
        name
        for name, found in (("nginx", Path(NGINX).exists()), ("openssl", shutil.which("openssl")))
        if not found
    ]


def free_ports(count: int, preferred: Iterable[int] = ()) -> list[int]:
    """Free ports from `preferred` first (a session's own range), then any the system gives;
    all held until all are found, so none is given twice."""
    held: list[socket.socket] = []
    try:
        for port in [*preferred, *([0] * count)]:
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            held.append(sock)
            if len(held) == count:
                return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()
    raise RuntimeError("no free ports")


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def nginx_in_front(
    *,
    folder: Path,
    env: dict[str, str],
    python: str,
    http_port: int,
    https_port: int,
    workers: str = "1",
    worker_connections: int = 512,
) -> Iterator[None]:
    """gunicorn (bound to env's GUNICORN_BIND) and nginx in front of it, both listening for
    the block; stopped after it. The configuration must pass `nginx -t`."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(folder / "privkey.pem"),
            "-out", str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = subprocess.run(
        [
            python, "manage.py", "nginx_conf",
            "--http-listen", f"127.0.0.1:{http_port}",
            "--https-listen", f"127.0.0.1:{https_port}",
            "--certificate", str(folder / "fullchain.pem"),
            "--certificate-key", str(folder / "privkey.pem"),
        ],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes {workers};\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        f"events {{ worker_connections {worker_connections}; }}\n"
        f"http {{\n    access_log off;\n{temp_paths}    include {folder / 'site.conf'};\n}}\n"
    )
    nginx = [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    test = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
    if test.returncode:
        raise RuntimeError(f"nginx refuses the configuration:\n{test.stderr}")
    gunicorn = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "-c", "gunicorn.conf.py", "magazine.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(nginx, check=True)
    try:
        wait_for(int(env["GUNICORN_BIND"].rsplit(":", 1)[1]))
        wait_for(https_port)
        yield
    finally:
        subprocess.run([*nginx, "-s", "stop"], capture_output=True)
        gunicorn.terminate()
        gunicorn.wait(timeout=60)
