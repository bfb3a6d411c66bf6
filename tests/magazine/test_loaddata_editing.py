"""An import never silently overwrites an editor's work, and every change it makes is a revision."""

import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.models import Review, ReviewRevision
from tests.factories import ReviewFactory, fixture_object, fixture_objects

pytestmark = pytest.mark.django_db

SLUG = "strangers-kimber-myers"


def write(tmp_path, objects, name="import.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(objects))
    return str(path)


def load(path: str, **options) -> str:
    out = io.StringIO()
    call_command("loaddata", path, stdout=out, **options)
    return out.getvalue()


def corrected(**fields) -> list[dict]:
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", SLUG).update(fields)
    return objects


def edit_in_admin(**fields) -> Review:
    review = Review.objects.get(slug=SLUG)
    for name, value in fields.items():
        setattr(review, name, value)
    review.full_clean()
    review.save()
    return review


def test_a_review_edited_since_its_import_stops_the_load_and_is_named(tmp_path):
    load(write(tmp_path, fixture_objects()))
    edit_in_admin(headline="The editor's better headline")

    with pytest.raises(CommandError) as failure:
        load(write(tmp_path, corrected(headline="The freelancer's headline"), "fix.json"))

    message = str(failure.value)
    assert "1 review(s) were edited since their last import" in message
    assert "--overwrite-edited" in message
    assert f'reviews.review ["{SLUG}"]: “The editor\'s better headline” was changed' in message
    assert "this load would change headline" in message
    review = Review.objects.get(slug=SLUG)
    assert review.headline == "The editor's better headline"
    assert ReviewRevision.objects.count() == 0


def test_reloading_the_original_fixture_over_an_edit_also_stops(tmp_path):
    path = write(tmp_path, fixture_objects())
    load(path)
    edit_in_admin(body="Rewritten by the desk.")

    with pytest.raises(CommandError, match="edited since their last import"):
        load(path)
    assert Review.objects.get(slug=SLUG).body == "Rewritten by the desk."


def test_tagging_an_edited_review_counts_as_changing_it(tmp_path):
    load(write(tmp_path, fixture_objects()))
    edit_in_admin(standfirst="A new standfirst.")
    objects = [
        {"model": "taggit.tag", "fields": {"name": "romance", "slug": "romance"}},
        {
            "model": "reviews.taggedreview",
            "fields": {"content_object": [SLUG], "tag": ["romance"]},
        },
    ]

    with pytest.raises(CommandError, match="this load would change tags"):
        load(write(tmp_path, objects, "tags.json"))
    assert sorted(Review.objects.get(slug=SLUG).tags.names()) == ["grief"]


def test_a_review_written_in_the_admin_is_never_silently_replaced(tmp_path):
    ReviewFactory(slug=SLUG, headline="Written here", film__slug="all-of-us-strangers")
    objects = [o for o in fixture_objects() if o["model"] != "reviews.film"]
    objects = [o for o in objects if o["model"] not in {"reviews.credit", "reviews.availability"}]

    with pytest.raises(CommandError, match="was changed by an editor since it was last imported"):
        load(write(tmp_path, objects))
    assert Review.objects.get(slug=SLUG).headline == "Written here"


def test_overwrite_edited_replaces_the_review_and_keeps_the_editors_text(tmp_path):
    load(write(tmp_path, fixture_objects()))
    edit_in_admin(headline="The editor's better headline")

    with time_machine.travel("2025-01-02 10:00Z", tick=False):
        output = load(
            write(tmp_path, corrected(headline="The freelancer's headline"), "fix.json"),
            overwrite_edited=True,
        )

    assert "1 updated" in output and "1 review revision(s) recorded" in output
    review = Review.objects.get(slug=SLUG)
    assert review.headline == "The freelancer's headline"
    assert not review.is_edited_since_import()
    assert review.imported_at.isoformat() == "2025-01-02T10:00:00+00:00"
    assert review.updated_at.isoformat() == "2025-01-02T10:00:00+00:00"
    history = [(r.source, r.data["headline"]) for r in review.revisions.order_by("pk")]
    assert history == [
        ("edit", "The editor's better headline"),
        ("import", "The freelancer's headline"),
    ]


def test_every_change_an_import_makes_is_a_revision_that_keeps_the_text_it_replaced(tmp_path):
    load(write(tmp_path, fixture_objects()))

    load(write(tmp_path, corrected(body="A corrected body."), "fix.json"))
    load(write(tmp_path, corrected(body="A corrected body, again."), "fix2.json"))

    review = Review.objects.get(slug=SLUG)
    history = [(r.source, r.data["body"]) for r in review.revisions.order_by("pk")]
    assert history == [
        ("import", "Adam lives almost alone in a London tower.\n\nHe takes a *train* home."),
        ("import", "A corrected body."),
        ("import", "A corrected body, again."),
    ]
    assert review.body_html == "<p>A corrected body, again.</p>"
    assert review.word_count == 4


def test_an_import_that_only_tags_a_review_records_a_revision(tmp_path):
    load(write(tmp_path, fixture_objects()))
    before = Review.objects.get(slug=SLUG)
    objects = [
        {"model": "taggit.tag", "fields": {"name": "romance", "slug": "romance"}},
        {
            "model": "reviews.taggedreview",
            "fields": {"content_object": [SLUG], "tag": ["romance"]},
        },
    ]

    load(write(tmp_path, objects, "tags.json"))

    review = Review.objects.get(slug=SLUG)
    assert review.revisions.latest().data["tags"] == ["grief", "romance"]
    assert not review.is_edited_since_import()
    assert review.import_fingerprint != before.import_fingerprint


def test_an_unchanged_review_is_not_touched_even_if_edited_elsewhere(tmp_path):
    objects = fixture_objects()
    path = write(tmp_path, objects)
    load(path)
    edit_in_admin(headline="Edited")
    film_only = [o for o in objects if o["model"] == "reviews.film"]
    film_only[0]["fields"]["runtime_minutes"] = 106

    output = load(write(tmp_path, film_only, "film.json"))

    assert "1 updated" in output
    assert Review.objects.get(slug=SLUG).headline == "Edited"


def test_a_load_that_moves_a_review_records_the_move_and_ends_old_preview_links(
    tmp_path, client, editor
):
    from reviews.models import ReviewTransition
    from reviews.previews import preview_url

    load(write(tmp_path, fixture_objects()))
    review = Review.objects.get(slug=SLUG)
    with time_machine.travel("2023-12-19 10:00Z", tick=False):
        link = preview_url(review=review)  # made while the review was public
    with time_machine.travel("2024-01-05 10:00Z", tick=False):
        load(write(tmp_path, corrected(state="unpublished"), "down.json"))

        move = ReviewTransition.objects.get(review=review)
        assert (move.name, move.from_status, move.to_status) == (
            "import",
            "published",
            "unpublished",
        )
        assert client.get(review.get_absolute_url()).status_code == 404
        response = client.get(link)
        assert response.status_code == 403
        assert review.headline not in response.text
