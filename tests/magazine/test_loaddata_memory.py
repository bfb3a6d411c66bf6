"""How the loader keeps its memory down without giving up all-or-nothing: review bodies are
rendered a chunk at a time as they are written (not all at validation), a new review's text is
let go once written (and read back from its row if asked for), and a reload never fetches the
rendered bodies. The figures are in docs/performance.md (`make bench-import`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from magazine import fixture_loader
from magazine.fixture_loader import FixtureLoader, parse_fixture
from magazine.text import render_markdown
from reviews.models import Review
from tests.factories import fixture_object, fixture_objects
from tests.magazine.test_loaddata import load, load_fails, write

pytestmark = pytest.mark.django_db


def many_reviews(count: int) -> list[dict]:
    objects = fixture_objects()
    template = fixture_object(objects, "reviews.review", "strangers-kimber-myers")
    objects = [o for o in objects if o["model"] not in {"reviews.review", "reviews.taggedreview"}]
    for n in range(count):
        fields = {
            **template,
            "slug": f"review-{n}",
            "kind": "capsule" if n else "review",
            "body": f"Review *{n}*, a ghost story.",
        }
        fields["critic"] = template["critic"]
        objects.append({"model": "reviews.review", "fields": fields})
    return objects


def test_bodies_are_rendered_as_each_chunk_is_written_once_each(tmp_path, monkeypatch):
    monkeypatch.setattr(fixture_loader, "WRITE_CHUNK", 2)
    events = []
    render = Review.render_body

    def watched(self):
        events.append(("render", self.slug))
        render(self)

    monkeypatch.setattr(Review, "render_body", watched)

    def inserts(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "reviews_review"'):
            events.append(("insert", None))
        return execute(sql, params, many, context)

    objects = many_reviews(2)  # one review, one capsule: a critic's second review of a film
    objects[-1]["fields"]["kind"] = "retrospective"
    objects.append(
        {
            "model": "reviews.review",
            "fields": {**objects[-1]["fields"], "slug": "review-2", "kind": "capsule"},
        }
    )
    with connection.execute_wrapper(inserts):
        load(write(tmp_path, objects))
    # Two rendered, written; then the third: never all rendered before the first write.
    assert [kind for kind, _ in events] == ["render", "render", "insert", "render", "insert"]
    for review in Review.objects.all():
        assert review.body_html == render_markdown(review.body)


def test_a_refused_load_renders_nothing_and_writes_nothing(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(Review, "render_body", lambda self: rendered.append(self.slug))
    objects = many_reviews(1)
    objects.append({"model": "reviews.genre", "fields": {"name": "Bad\x0bname", "slug": "bad"}})
    assert "U+000B" in load_fails(write(tmp_path, objects))
    assert rendered == [] and not Review.objects.exists()


def test_a_new_reviews_text_is_read_back_from_its_row_after_the_write(tmp_path):
    path = write(tmp_path, many_reviews(1))
    loader = FixtureLoader(using="default")
    with open(path) as fixture:
        loader.add(path, parse_fixture(fixture.read(), "json", path))
    loader.load()
    record = next(r for r in loader.records if r.model is Review)
    assert "body" not in record.instance.__dict__  # let go of once written
    with CaptureQueriesContext(connection) as queries:
        assert record.instance.body == "Review *0*, a ghost story."
    assert len(queries) == 1


def test_a_reload_neither_fetches_rendered_bodies_nor_writes(tmp_path):
    path = write(tmp_path, fixture_objects())
    load(path)
    before = {r.slug: (r.body_html, r.updated_at) for r in Review.objects.all()}
    with CaptureQueriesContext(connection) as queries:
        assert "0 created, 0 updated" in load(path)
    review_reads = [q["sql"] for q in queries if 'FROM "reviews_review"' in q["sql"]]
    assert review_reads and not [sql for sql in review_reads if '"body_html"' in sql]
    assert {r.slug: (r.body_html, r.updated_at) for r in Review.objects.all()} == before


def test_a_reload_that_changes_a_body_renders_and_writes_it(tmp_path):
    objects = fixture_objects()
    load(write(tmp_path, objects))
    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["body"] = "Now *new*."
    assert "1 updated" in load(write(tmp_path, objects), overwrite_edited=True)
    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.body_html == "<p>Now <em>new</em>.</p>" and review.word_count == 2
