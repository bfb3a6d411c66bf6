"""What the site sends a CDN when tags are invalidated, for each purge style: Varnish's xkey
(a PURGE to the site's proxy), Fastly's batch purge and Cloudflare's purge_cache APIs. A real
HTTP server on loopback records the requests; tests/magazine/test_varnish.py drives Varnish."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from magazine import cdn, freshness


@pytest.fixture
def recorder():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            length = int(self.headers.get("Content-Length") or 0)
            received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {key.lower(): value for key, value in self.headers.items()},
                    "body": self.rfile.read(length),
                }
            )
            status = 403 if self.headers.get("Fastly-Key") == "revoked" else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_PURGE = do_POST = _record

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_varnish_gets_one_purge_with_the_keys(settings, recorder):
    url, received = recorder
    settings.MAGAZINE_CDN_PURGE_URL = url + "/"
    settings.MAGAZINE_CDN_PURGE_STYLE = "xkey"

    cdn.purge({"review:42", "film:7", freshness.EVERYTHING})

    assert [(r["method"], r["headers"]["xkey-purge"]) for r in received] == [
        ("PURGE", "film:7 pages review:42")
    ]


def test_fastly_gets_batches_of_256_keys_with_the_token(settings, recorder):
    url, received = recorder
    settings.MAGAZINE_CDN_PURGE_URL = url + "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    settings.MAGAZINE_CDN_PURGE_STYLE = "fastly"
    settings.MAGAZINE_CDN_PURGE_TOKEN = "fastly-token"
    tags = {f"review:{n}" for n in range(300)}

    cdn.purge(tags)

    assert [r["method"] for r in received] == ["POST", "POST"]
    assert {r["path"] for r in received} == {"/service/SU1Z0isxPaozGVKXdv0eY/purge"}
    assert {r["headers"]["fastly-key"] for r in received} == {"fastly-token"}
    batches = [r["headers"]["surrogate-key"].split() for r in received]
    assert [len(batch) for batch in batches] == [256, 44]
    assert set().union(*batches) == tags


def test_cloudflare_gets_json_batches_of_100_tags_with_a_bearer_token(settings, recorder):
    url, received = recorder
    settings.MAGAZINE_CDN_PURGE_URL = (
        url + "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
    )
    settings.MAGAZINE_CDN_PURGE_STYLE = "cloudflare"
    settings.MAGAZINE_CDN_PURGE_TOKEN = "cf-token"
    tags = {f"film:{n}" for n in range(150)} | {"reviews:list"}

    cdn.purge(tags)

    assert [r["method"] for r in received] == ["POST", "POST"]
    assert {r["headers"]["authorization"] for r in received} == {"Bearer cf-token"}
    assert {r["headers"]["content-type"] for r in received} == {"application/json"}
    bodies = [json.loads(r["body"])["tags"] for r in received]
    assert [len(body) for body in bodies] == [100, 51]
    assert set().union(*bodies) == tags


def test_a_refused_purge_is_logged_and_never_fails_the_write(settings, recorder, caplog):
    url, received = recorder
    settings.MAGAZINE_CDN_PURGE_URL = url + "/service/x/purge"
    settings.MAGAZINE_CDN_PURGE_STYLE = "fastly"
    settings.MAGAZINE_CDN_PURGE_TOKEN = "revoked"

    cdn.purge({"review:1"})

    assert len(received) == 1
    assert "CDN purge of" in caplog.text and "403" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_purge_is_sent_only_once_the_write_commits(settings, recorder):
    url, received = recorder
    settings.MAGAZINE_CDN_PURGE_URL = url + "/client/v4/zones/z/purge_cache"
    settings.MAGAZINE_CDN_PURGE_STYLE = "cloudflare"

    with transaction.atomic():
        freshness.invalidate({"review:9"})
        assert received == []
    assert [json.loads(r["body"])["tags"] for r in received] == [["review:9"]]

    with pytest.raises(RuntimeError), transaction.atomic():
        freshness.invalidate({"review:10"})
        raise RuntimeError("the write failed")
    assert len(received) == 1
