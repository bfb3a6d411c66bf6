"""Writers are untrusted: stored XSS, CSRF, open redirects, sessions, throttling, visibility.

Every user-supplied text field that reaches a public page is filled with an attack, and each
page is checked both ways: the attack is absent and its escaped text is present (so the field
really reached the page and the test can fail).
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from people.models import Person
from reviews.models import Availability, Review
from tests.factories import (
    HIDDEN_STATES,
    AvailabilityFactory,
    PersonFactory,
    ReviewFactory,
    UserFactory,
)
from tests.markup import assert_no_live_markup, attack

PASSWORD = "correct horse battery staple"


PAGES = {
    "review": (
        "/reviews/poisoned/",
        [
            "review.headline",
            "review.standfirst",
            "critic.byline",
            "critic.bio",
            "film.title",
            "director.name",
            "actor.name",
            "character",
            "availability.provider",
            "film.source_title",
            "film.source_author",
            "tag",
        ],
    ),
    "film": (
        "/films/film/",
        [
            "film.title",
            "film.synopsis",
            "film.source_title",
            "director.name",
            "actor.name",
            "character",
            "availability.provider",
            "review.headline",
            "review.standfirst",
        ],
    ),
    "critic": (
        "/critics/critic/",
        ["critic.byline", "critic.bio", "critic.affiliations", "review.headline"],
    ),
    "person": ("/people/director/", ["director.name", "person.bio", "film.title"]),
    "actor": ("/people/actor/", ["actor.name", "character", "film.title"]),
    "home": ("/", ["review.headline", "review.standfirst", "film.title", "critic.byline"]),
}


def test_attacks_fit_every_field():
    assert max(len(attack(field)) for _, fields in PAGES.values() for field in fields) <= 100


@pytest.mark.parametrize("page", PAGES)
def test_stored_xss_is_escaped_on_every_public_page(client, poisoned, page):
    url, fields = PAGES[page]
    html = client.get(url).content.decode()

    assert_no_live_markup(html)
    for field in fields:
        assert escape(attack(field)) in html, f"{field} did not reach {url} escaped"


def test_title_element_holds_only_escaped_text(client, poisoned):
    html = client.get("/reviews/poisoned/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)

    assert title.startswith(escape(attack("review.headline")))
    assert "<" not in title


def test_review_body_keeps_links_and_emphasis_but_no_script_handler_or_unsafe_link(
    client, poisoned
):
    html = client.get("/reviews/poisoned/").content.decode()
    body = re.search(r'<div class="review__body prose">(.*?)</div>', html, re.S).group(1)

    assert_no_live_markup(html)
    assert "<script" not in body and "<svg" not in body and "<img" not in body
    assert "onclick" not in body.replace("&lt;", "")  # only as escaped text, if at all
    assert '<a href="https://example.com/ok" rel="noopener noreferrer">fine</a>' in body


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        # "\x01javascript:…" cannot even be stored: see the test after this one.
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
    ],
)
def test_where_to_watch_never_links_an_unsafe_url_even_if_stored(client, db, url):
    """URLField validation stops these in the admin; imports and raw writes must not pass."""
    review = ReviewFactory(slug="watch", published=True)
    window = AvailabilityFactory(
        film=review.film, provider="Hulu", starts_on=timezone.localdate(), url=""
    )
    Availability.objects.filter(pk=window.pk).update(url=url)

    html = client.get("/reviews/watch/").content.decode()

    assert "Available to stream on Hulu" in html
    assert_no_live_markup(html)
    assert "evil.example" not in html


def test_a_control_character_before_the_scheme_cannot_even_be_stored(db):
    """Browsers drop a leading control character and would run the script: the database
    refuses the control character itself (magazine.control_characters), on a raw write too."""
    review = ReviewFactory(slug="watch", published=True)
    window = AvailabilityFactory(film=review.film, starts_on=timezone.localdate(), url="")
    refused = pytest.raises(IntegrityError, match="reviews_availability_url_no_control_chars")
    with refused, transaction.atomic():
        Availability.objects.filter(pk=window.pk).update(url="\x01javascript:alert(1)")
    window.refresh_from_db()
    assert window.url == ""


def test_where_to_watch_links_a_plain_https_url(client, db):
    review = ReviewFactory(slug="watch", published=True)
    AvailabilityFactory(
        film=review.film, starts_on=timezone.localdate(), url="https://www.hulu.com/film"
    )

    html = client.get("/reviews/watch/").content.decode()

    assert 'href="https://www.hulu.com/film"' in html


# The admin ---------------------------------------------------------------------------------


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(UserFactory(username="editor", superuser=True))
    return client


def test_admin_change_lists_escape_stored_attacks(editor_client, poisoned):
    for url, field in [
        ("/admin/reviews/review/", "review.headline"),
        ("/admin/reviews/film/", "film.title"),
        ("/admin/people/person/", "director.name"),
        ("/admin/people/critic/", "critic.byline"),
    ]:
        html = editor_client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x onerror" not in html, url
        assert escape(attack(field)) in html, url


def test_admin_success_message_escapes_the_saved_name(editor_client):
    response = editor_client.post(
        "/admin/people/person/add/",
        {"name": attack("person.name"), "slug": "someone", "bio": ""},
        follow=True,
    )

    html = response.content.decode()
    assert Person.objects.filter(slug="someone").exists()
    assert "was added successfully" in html
    assert "<script>alert" not in html and "<img src=x onerror" not in html
    assert escape(attack("person.name")) in html


def test_admin_delete_confirmation_escapes_related_objects(editor_client, poisoned):
    html = editor_client.get(f"/admin/reviews/film/{poisoned.film.pk}/delete/").content.decode()

    assert "<script>alert" not in html and "<img src=x onerror" not in html
    assert escape(attack("character")) in html or escape(attack("film.title")) in html


# CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="editor", superuser=True))
    return client


def registered_admin_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        urls.append(f"/admin/{opts.app_label}/{opts.model_name}/add/")
    return urls


@pytest.mark.parametrize("url", registered_admin_urls())
def test_every_admin_add_form_refuses_a_post_without_csrf_token(csrf_client, url):
    response = csrf_client.post(url, {"name": "x"})

    assert response.status_code == 403


def test_admin_change_delete_bulk_action_logout_and_password_change_need_csrf(csrf_client, db):
    review = ReviewFactory(headline="Kept", slug="kept")
    person = PersonFactory(name="Kept Person", slug="kept-person")
    posts = [
        (f"/admin/reviews/review/{review.pk}/change/", {"headline": "Changed"}),
        (f"/admin/reviews/review/{review.pk}/delete/", {"post": "yes"}),
        (f"/admin/people/person/{person.pk}/change/", {"name": "Changed"}),
        (f"/admin/people/person/{person.pk}/delete/", {"post": "yes"}),
        (
            "/admin/reviews/review/",
            {"action": "delete_selected", "_selected_action": [review.pk], "post": "yes"},
        ),
        ("/admin/password_change/", {"old_password": PASSWORD, "new_password1": "x" * 20}),
        ("/admin/logout/", {}),
    ]
    for url, data in posts:
        assert csrf_client.post(url, data).status_code == 403, url

    review.refresh_from_db()
    person.refresh_from_db()
    assert review.headline == "Kept" and person.name == "Kept Person"
    assert csrf_client.get("/admin/").status_code == 200  # still logged in


def test_admin_post_with_the_csrf_token_is_accepted(csrf_client):
    """The CSRF tests above can fail: the same kind of post with a token goes through."""
    form = csrf_client.get("/admin/people/person/add/")
    response = csrf_client.post(
        "/admin/people/person/add/",
        {
            "name": "Real",
            "slug": "real",
            "bio": "",
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
    )

    assert response.status_code == 302
    assert Person.objects.filter(slug="real").exists()


# Sign-in -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "https:evil.example",
        "http://testserver@evil.example/",
        "/%09/evil.example/",
        "\x00//evil.example",
        "javascript:alert(1)",
    ],
)
def test_admin_login_never_redirects_off_site(client, db, next_url):
    UserFactory(username="editor", superuser=True)
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
    )

    if "\x00" in next_url:  # control characters in a query string: refused outright
        assert response.status_code == 400
        return
    assert response.status_code == 302
    location = response["Location"]
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})
    assert "evil.example" not in location.replace("/%09/evil.example/", "")
    assert not location.startswith(("//", "javascript"))


def test_admin_login_follows_a_local_next(client, db):
    UserFactory(username="editor", superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/reviews/review/",
        {"username": "editor", "password": PASSWORD, "next": "/admin/reviews/review/"},
    )

    assert response["Location"] == "/admin/reviews/review/"


def test_a_deactivated_accounts_open_session_is_refused(client, db):
    user = UserFactory(username="leaver", superuser=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200

    user.is_active = False
    user.save()

    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.post("/admin/people/person/add/", {"name": "Sneaky", "slug": "sneaky"})
    assert not Person.objects.filter(slug="sneaky").exists()


def test_admin_is_for_staff_only(client, db):
    client.force_login(UserFactory(username="reader", is_staff=False))

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_repeated_failed_sign_ins_lock_the_account_for_that_address(client, db, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="editor", superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "editor", "password": "wrong guess"})

    locked = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})

    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in
    # The same editor from another address is not locked out by someone else's guessing.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = elsewhere.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302 and elsewhere.get("/admin/").status_code == 200


def test_sign_in_below_the_failure_limit_still_works(client, db, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="editor", superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "editor", "password": "wrong guess"})

    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("password", ["short1!", "password1234", "123456789012", "editor-editor"])
def test_weak_passwords_are_refused(db, password):
    user = UserFactory.build(username="editor-editor")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted(db):
    validate_password("tram lighthouse ochre 1975", UserFactory.build(username="editor"))


# Visibility --------------------------------------------------------------------------------


def _hidden_review(label: str, **kwargs) -> Review:
    return ReviewFactory(headline=f"Hidden {label} review", slug=f"hidden-{label}", **kwargs)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_anonymous_readers_never_see_unpublished_reviews(client, db, state):
    visible = ReviewFactory(headline="Visible review", slug="visible", published=True)
    hidden = _hidden_review(state, film=visible.film, critic=visible.critic, **HIDDEN_STATES[state])

    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in [
        "/",
        visible.film.get_absolute_url(),
        visible.critic.get_absolute_url(),
        visible.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert "Visible review" in html or url == visible.get_absolute_url(), url
        assert hidden.headline not in html, url
        assert hidden.get_absolute_url() not in html, url


def test_behind_the_proxy_throttling_uses_the_address_the_proxy_saw(rf, settings):
    from magazine.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"  # a client cannot choose its address by header
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"  # the entry nginx appended, not the forged one
