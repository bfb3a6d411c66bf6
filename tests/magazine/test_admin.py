"""A superuser can open every admin list, add form and change form."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import AvailabilityFactory, CreditFactory, GenreFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    review = ReviewFactory(state="published", tags=["grief"])
    CreditFactory(film=review.film)
    AvailabilityFactory(film=review.film)
    GenreFactory()
    return review


def test_every_registered_model_list_add_and_change_page_loads(admin_client, content):
    assert admin.site._registry, "no models registered"
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        info = (opts.app_label, opts.model_name)
        changelist = admin_client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        assert changelist.status_code == 200, f"{opts.label} changelist"
        if model_admin.has_add_permission(changelist.wsgi_request):
            add = admin_client.get(reverse(f"admin:{info[0]}_{info[1]}_add"))
            assert add.status_code == 200, f"{opts.label} add"
        obj = model._default_manager.first()
        if obj is not None:
            change = admin_client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]))
            assert change.status_code == 200, f"{opts.label} change"


def test_review_list_shows_state_critic_film_and_dates_and_filters(admin_client, content):
    response = admin_client.get(reverse("admin:reviews_review_changelist"), {"state": "published"})
    html = response.content.decode()
    assert content.headline in html
    assert content.critic.byline in html
    assert content.film.title in html
    assert "Published" in html
    search = admin_client.get(reverse("admin:reviews_review_changelist"), {"q": content.film.title})
    assert content.headline in search.content.decode()


def test_film_form_has_credit_and_availability_inlines_and_person_autocomplete(admin_client):
    html = admin_client.get(reverse("admin:reviews_film_add")).content.decode()
    assert "credits-TOTAL_FORMS" in html
    assert "availabilities-TOTAL_FORMS" in html
    assert "admin-autocomplete" in html
    assert "prepopulated_fields" in html or "data-prepopulated-field" in html


def test_person_autocomplete_answers(admin_client, content):
    person = content.critic.person
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": person.name.split()[0],
            "app_label": "reviews",
            "model_name": "credit",
            "field_name": "person",
        },
    )
    assert response.status_code == 200
    assert person.name in response.content.decode()


def test_superuser_saves_a_review_through_the_admin(admin_client, content):
    response = admin_client.post(
        reverse("admin:reviews_review_add"),
        {
            "film": content.film.pk,
            "critic": content.critic.pk,
            "kind": "capsule",
            "headline": "A short take",
            "slug": "a-short-take",
            "standfirst": "",
            "body": "Short and *sweet*.",
            "rating": "3.5",
            "tags": "grief, romance",
            "version": "1",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "publish_at_0": "",
            "publish_at_1": "",
        },
    )
    errors = response.context and (
        response.context["adminform"].form.errors,
        [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
        [
            formset.formset.non_form_errors()
            for formset in response.context["inline_admin_formsets"]
        ],
    )
    assert response.status_code == 302, errors
    from reviews.models import Review

    review = Review.objects.get(slug="a-short-take")
    assert review.body_html == "<p>Short and <em>sweet</em>.</p>"
    assert sorted(review.tags.names()) == ["grief", "romance"]
