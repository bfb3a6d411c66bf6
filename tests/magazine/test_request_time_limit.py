"""No request holds a gunicorn worker beyond the time limit (gunicorn.conf.py with the real
gunicorn, gthread workers, whose own timeout never fires while one thread is busy)."""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import RequestFactory

from bench.nginx_stack import free_ports
from magazine.deadline import RequestTimeout, RequestTimeoutMiddleware, Watchdog

ROOT = Path(__file__).resolve().parents[2]


def get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server():
    port = free_ports(1)[0]
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "GUNICORN_REQUEST_TIME_LIMIT": "1",
        "GUNICORN_REQUEST_TIME_GRACE": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "tests.magazine.servers.slow_app:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/pid", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_runaway_request_is_stopped_and_the_worker_keeps_serving(server):
    worker = get(f"{server}/pid")[1]
    outcome = {}
    spinner = threading.Thread(target=lambda: outcome.update(spin=get(f"{server}/spin")))
    spinner.start()
    served_meanwhile = get(f"{server}/pid")
    spinner.join(timeout=30)

    assert not spinner.is_alive()
    assert outcome["spin"][0] == 500  # gunicorn's own error page: the app had no handler
    assert served_meanwhile == (200, worker)
    assert get(f"{server}/pid") == (200, worker)  # the same worker: it was not killed


def test_a_request_stuck_in_c_code_gets_its_worker_replaced(server):
    worker = get(f"{server}/pid")[1]

    with pytest.raises(OSError):  # the connection closes when the worker is replaced
        get(f"{server}/block")

    for _ in range(100):
        try:
            status, pid = get(f"{server}/pid", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    assert status == 200
    assert pid != worker


def test_the_watchdog_interrupts_only_requests_past_the_limit():
    stuck = []
    watchdog = Watchdog(limit=0.05, grace=60, on_stuck=lambda: stuck.append(True))
    interrupted = threading.Event()
    finished = threading.Event()

    def slow_request():
        watchdog.begin()
        try:
            while True:
                sum(range(100))
        except RequestTimeout:
            interrupted.set()
        finally:
            watchdog.end()

    def quick_request():
        watchdog.begin()
        watchdog.end()
        finished.set()

    threads = [threading.Thread(target=slow_request), threading.Thread(target=quick_request)]
    for thread in threads:
        thread.start()
    while not interrupted.is_set():
        watchdog.check()
    for thread in threads:
        thread.join()

    assert finished.is_set()
    assert not stuck


def test_an_interrupted_django_request_answers_503():
    def view(request):
        raise RequestTimeout

    middleware = RequestTimeoutMiddleware(view)
    request = RequestFactory().get("/")

    response = middleware.process_exception(request, RequestTimeout())

    assert response.status_code == 503
    assert "took too long" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
