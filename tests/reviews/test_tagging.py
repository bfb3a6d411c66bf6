"""Tags written in bulk (reviews/tagging.py: the services', the admin actions' and the
factories' path): taggit's matching and slugs, the taggings' goes-live times, and readers'
topic pages and counts fresh at once, with no signal per row."""

from __future__ import annotations

import datetime

import pytest
from taggit.models import Tag

from magazine import freshness
from magazine.pagecache import CACHE_HEADER
from reviews import services, tagging, tallies
from reviews.models import Review, TaggedReview
from tests.factories import FilmFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def names(review: Review) -> list[str]:
    return sorted(review.tags.names())


def tag_times_are_right() -> bool:
    stored = dict(TaggedReview.objects.values_list("pk", "review_published_at"))
    recounted = {
        tagging.pk: tagging.content_object.goes_live_at
        for tagging in TaggedReview.objects.select_related("content_object__film")
    }
    return stored == recounted


def test_names_match_whatever_their_case_and_new_tags_get_taggits_slugs():
    grief = Tag.objects.create(name="Grief")
    noir = Tag.objects.create(name="Film noir")  # slug film-noir

    found = tagging.tags_named(["grief", "London", "film-noir", "LONDON", "Film Noir"])

    assert [tag.name for tag in found] == ["Grief", "London", "film-noir", "Film noir"]
    assert found[0] == grief and found[3] == noir
    assert found[1].slug == "london"
    assert found[2].slug == "film-noir_1"  # taggit numbers a slug already taken
    assert Tag.objects.count() == 4


def test_set_takes_off_and_puts_on_what_differs_with_the_goes_live_times(editor):
    embargoed = FilmFactory(review_embargo_until=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    review = ReviewFactory(published=True, tags=["grief", "london"])
    scheduled = ReviewFactory(published=True, film=embargoed, tags=["grief"])
    draft = ReviewFactory(tags=["grief"])
    kept = review.tagged_items.get(tag__name="grief").pk

    tagging.review_tags_set(review=review, names=["Grief", "ghosts"])

    assert names(review) == ["ghosts", "grief"]
    assert review.tagged_items.get(tag__name="grief").pk == kept  # not rewritten
    assert tag_times_are_right()
    assert scheduled.tagged_items.get().review_published_at == embargoed.review_embargo_until
    assert draft.tagged_items.get().review_published_at is None


def test_a_tag_added_or_removed_in_bulk_shows_on_the_topic_page_and_counts_at_once(client, editor):
    review = ReviewFactory(published=True, headline="A quiet triumph", tags=["grief"])
    other = ReviewFactory(published=True, headline="Another look")
    grief = Tag.objects.get(name="grief")
    assert b"Another look" not in client.get("/tags/grief/").content
    assert client.get("/tags/grief/")[CACHE_HEADER] == "hit"
    assert tallies.reviews_by_tag() == {grief.pk: 1}

    # The admin's "Add a tag" action.
    services.reviews_add_tag(reviews=Review.objects.filter(pk=other.pk), tag="Grief", user=editor)
    page = client.get("/tags/grief/")
    assert page[CACHE_HEADER] == "miss" and b"Another look" in page.content
    assert tallies.reviews_by_tag() == {grief.pk: 2}

    # The admin's "Remove a tag" action.
    removed = services.reviews_remove_tag(reviews=Review.objects.all(), tag="GRIEF", user=editor)
    assert removed == 2
    assert client.get("/tags/grief/").status_code == 404
    assert tallies.reviews_by_tag() == {}
    assert names(review) == names(other) == []


def test_tags_on_a_draft_invalidate_nothing(editor):
    draft = ReviewFactory(tags=["grief"])
    clock = freshness.read_clock()

    tagging.reviews_tags_add(reviews=[draft], names=["london"])
    tagging.review_tags_set(review=draft, names=["ghosts"])
    tagging.reviews_tags_remove(reviews=[draft], names=["ghosts"])

    assert freshness.read_clock() == clock


def test_adding_a_tag_a_review_has_writes_and_invalidates_nothing(django_assert_num_queries):
    review = ReviewFactory(published=True, tags=["grief"])
    clock = freshness.read_clock()

    with django_assert_num_queries(2):  # the names, the taggings
        assert tagging.reviews_tags_add(reviews=[review], names=["GRIEF"]) == set()

    assert freshness.read_clock() == clock
    assert review.tagged_items.count() == 1


def test_a_review_saved_with_tags_through_the_service_drops_its_prefetched_tags(editor):
    review = ReviewFactory(tags=["grief"])
    review = Review.objects.prefetch_related("tags").get(pk=review.pk)
    assert names(review) == ["grief"]

    services.review_save(review=review, user=editor, tags=["london"])

    assert [tag.name for tag in review.tags.all()] == ["london"]


def test_the_review_form_writes_its_tags_once(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from .test_admin_workflow import form_data

    review = ReviewFactory(tags=["grief"])
    client.force_login(editor)
    url = reverse("admin:reviews_review_change", args=[review.pk])

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, form_data(review, tags="Grief, london"))

    assert response.status_code == 302
    assert names(review) == ["grief", "london"]
    by_name = [q["sql"] for q in captured if 'FROM "taggit_tag" WHERE' in q["sql"]]
    assert len(by_name) == 2, by_name  # the names, then the new tag's id


def test_a_tag_name_with_a_control_character_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    review = ReviewFactory(published=True)
    with pytest.raises(IntegrityError, match="no_control_chars"), transaction.atomic():
        tagging.reviews_tags_add(reviews=[review], names=["gri\x0bef"])
    assert not Tag.objects.exists()
