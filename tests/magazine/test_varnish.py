"""Through a real Varnish with the xkey module (deploy/varnish.vcl), in front of the site.

Reader pages are kept by Varnish for their s-maxage (up to an hour here), and every write
readers can see purges their tags: a publish, an unpublish and an edit show through Varnish
at once, a scheduled publish and an embargo lift at their moment (the s-maxage never
outlives them), and nothing unpublished is ever served through it.

The test starts varnishd on a free port, in a folder of its own, and stops it by its PID.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from bench.nginx_stack import free_ports
from reviews import services
from reviews.models import Film, Review
from tests.factories import ReviewFactory

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish.vcl"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("varnishd") is None, reason="needs varnishd (varnish)"),
]


@pytest.fixture
def varnish(live_server, settings):
    backend_port = live_server.url.rsplit(":", 1)[1]
    # varnishd reads the VCL as its own user: a folder others may read, not pytest's tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="magazine-varnish-"))
    folder.chmod(0o755)
    vcl = folder / "magazine.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    vcl.chmod(0o644)
    port = free_ports(1)[0]
    workdir = folder / "work"
    process = subprocess.Popen(
        ["varnishd", "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(workdir)]
        + ["-s", "malloc,32m", "-p", "default_ttl=3600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/robots.txt", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"varnishd did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    settings.MAGAZINE_CDN_MAX_AGE = 3600
    settings.MAGAZINE_CDN_TAG_HEADER = "xkey"
    settings.MAGAZINE_CDN_PURGE_URL = f"{base}/"
    yield base
    process.terminate()
    process.wait(timeout=20)
    shutil.rmtree(folder, ignore_errors=True)


def get(url: str) -> tuple[int, str, str]:
    """Status, body and Varnish's hit/miss of an anonymous GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), response.headers["X-Cache"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers["X-Cache"]


def test_publish_unpublish_and_edit_show_through_varnish_at_once(varnish, editor):
    review = ReviewFactory(published=True, headline="First light")
    page, home = f"{varnish}{review.get_absolute_url()}", f"{varnish}/"
    for url in (page, home):
        get(url)
        status, body, cached = get(url)
        assert (status, cached) == (200, "hit") and "First light" in body

    review.refresh_from_db()
    review.headline = "First light, revised"
    review.save()
    assert "First light, revised" in get(page)[1]
    assert "First light, revised" in get(home)[1]

    draft = ReviewFactory(headline="Second sight", state=Review.State.APPROVED)
    get(home)
    assert get(home)[2] == "hit"
    services.review_publish(review=draft, user=editor)
    assert "Second sight" in get(home)[1]

    services.review_unpublish(review=review, user=editor)
    for _ in range(2):
        assert get(page)[0] == 404
        assert "First light" not in get(home)[1]


def test_a_scheduled_publish_and_an_embargo_lift_show_at_their_moment(varnish, editor):
    ReviewFactory(published=True, headline="Already out")
    soon = timezone.now() + datetime.timedelta(seconds=4)
    scheduled = ReviewFactory(headline="Goes out soon", state=Review.State.APPROVED)
    services.review_schedule(review=scheduled, user=editor, publish_at=soon)
    held = ReviewFactory(published=True, headline="Held by its embargo")
    Film.objects.filter(pk=held.film_id).update(review_embargo_until=soon)
    home, page = f"{varnish}/", f"{varnish}{held.get_absolute_url()}"

    get(home)
    status, body, cached = get(home)
    assert cached == "hit" and "Already out" in body
    assert "Goes out soon" not in body and "Held by its embargo" not in body
    assert get(page)[0] == 404

    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 1.2)
    body = get(home)[1]
    assert "Goes out soon" in body and "Held by its embargo" in body
    assert get(page)[0] == 200
