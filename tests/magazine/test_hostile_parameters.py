"""Every query parameter on every page gets a 404, a 400 or an ordinary page, never a 500.

The walk finds the parameters a page reads by recording what it asks `request.GET` for on a
clean request, then sends hostile values for each of them (and for the admin's filters, which
read every parameter they are given).
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import (
    PASSWORD,
    AvailabilityFactory,
    CreditFactory,
    GenreFactory,
    ReviewFactory,
    UserFactory,
)

HOSTILE_VALUES = [
    "last",
    "abc",
    "1\x00",
    "99999999999999999999999",
    "x" * 3000,
]

# Every reader route: a sample address for it. A new route without one fails the test below.
READER_PAGES = {
    "home": "/",
    "search": "/search/?q=night",
    "film_index": "/films/",
    "film_year": "/films/year/2023/",
    "genre_detail": "/genres/thriller/",
    "critic_index": "/critics/",
    "tag_index": "/tags/",
    "tag_detail": "/tags/noir/",
    "feed": "/feed/",
    "feed_atom": "/feed/atom/",
    "critic_feed": "/critics/{critic}/feed/",
    "critic_feed_atom": "/critics/{critic}/feed/atom/",
    "film_feed": "/films/{film}/feed/",
    "film_feed_atom": "/films/{film}/feed/atom/",
    "tag_feed": "/tags/noir/feed/",
    "tag_feed_atom": "/tags/noir/feed/atom/",
    "sitemap": "/sitemap.xml",
    "sitemap_section": "/sitemap-reviews.xml",
    "robots_txt": "/robots.txt",
    "health": "/health/",
    "favicon": "/favicon.ico",
    "review_detail": "/reviews/{review}/",
    "review_preview": "/preview/not-a-token/",
    "film_detail": "/films/{film}/",
    "critic_detail": "/critics/{critic}/",
    "person_detail": "/people/{person}/",
}


def _named_routes(patterns, prefix="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            names |= _named_routes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


@contextlib.contextmanager
def parameters_read():
    """Records every name a view asks `request.GET` (or any QueryDict) for; building a
    QueryDict (which looks up each of its own names) does not count."""
    seen: set[str] = set()
    building = False
    originals = {
        name: getattr(QueryDict, name)
        for name in ("__init__", "__getitem__", "get", "getlist", "__contains__")
    }

    def init(self, *args, **kwargs):
        nonlocal building
        building = True
        try:
            originals["__init__"](self, *args, **kwargs)
        finally:
            building = False

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if not building:
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return method

    QueryDict.__init__ = init
    for name in ("__getitem__", "get", "getlist", "__contains__"):
        setattr(QueryDict, name, recording(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


@pytest.fixture
def catalogue(db):
    genre = GenreFactory(name="Thriller", slug="thriller")
    review = ReviewFactory(published=True, tags=["noir"])
    review.film.genres.add(genre)
    CreditFactory(film=review.film)
    AvailabilityFactory(film=review.film)
    return {
        "review": review.slug,
        "film": review.film.slug,
        "critic": review.critic.slug,
        "person": review.critic.person.slug,
    }


def _hostile_urls(client, url: str, extra_names=(), *, record=True, together=()) -> list[str]:
    """The page with each hostile value in turn for each parameter it reads (and extra_names;
    only those when record is off). The names in `together` get each value all in one request:
    parameters the page reads independently of each other, where a request per name would
    only repeat the same work."""
    path, _, query = url.partition("?")
    base = QueryDict(query)
    with parameters_read() as seen:
        response = client.get(url)
    assert response.status_code < 500, url
    names = ((seen if record else set()) | set(extra_names) | set(base)) - {"csrfmiddlewaretoken"}
    alone = sorted(names - set(together))
    groups = [[name] for name in alone] + ([sorted(together)] if together else [])
    urls = []
    for group in groups:
        for value in HOSTILE_VALUES:
            params = base.copy()
            for name in group:
                params[name] = value
            urls.append(f"{path}?{params.urlencode()}")
    return urls


def _assert_no_server_errors(client, urls: list[str]) -> None:
    client.raise_request_exception = False
    failures = []
    for url in urls:
        status = client.get(url).status_code
        if status >= 500:
            failures.append((status, url[:120]))
    assert not failures, "\n".join(f"{status} {url}" for status, url in failures)


def test_every_reader_route_is_walked():
    admin_routes = {"admin_view_on_site"}
    assert _named_routes(get_resolver().url_patterns) - admin_routes == set(READER_PAGES)


def test_no_reader_page_answers_500_to_any_parameter(client, catalogue):
    urls = []
    for url in READER_PAGES.values():
        urls += _hostile_urls(client, url.format(**catalogue), extra_names=["page", "q"])
    _assert_no_server_errors(client, urls)


def _admin_parameters(model_admin) -> list[str]:
    names = ["q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters"]
    for item in model_admin.list_filter:
        if not isinstance(item, str):
            continue
        field = model_admin.model._meta.get_field(item)
        if field.is_relation:
            names += [f"{item}__id__exact", f"{item}__isnull", f"{item}__exact"]
        else:
            names += [f"{item}__exact", f"{item}__gte", f"{item}__lt", f"{item}__isnull"]
    return names


def _form_field_names(model) -> list[str]:
    return [field.name for field in model._meta.get_fields() if field.concrete]


def _plain_field_names(model) -> list[str]:
    """The fields whose initial value an add form only shows: a relation's value is looked up
    (and a bad one sends the form back without any of the parameters), so those go alone."""
    return [
        name for name in _form_field_names(model) if not model._meta.get_field(name).is_relation
    ]


def test_no_admin_page_answers_500_to_any_parameter(client, catalogue):
    client.force_login(UserFactory(superuser=True))
    urls = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        add = f"{changelist}add/"
        # The admin reads every parameter it is given as a filter or an initial value: walk
        # the filters and form fields it offers rather than the names it asks for.
        urls += _hostile_urls(client, changelist, _admin_parameters(model_admin), record=False)
        urls += _hostile_urls(
            client, add, _form_field_names(model), record=False, together=_plain_field_names(model)
        )
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            change = f"{changelist}{instance.pk}/change/"
            urls += _hostile_urls(client, change, ["_changelist_filters"], record=False)
    _assert_no_server_errors(client, urls)


def test_admin_login_survives_hostile_next(client, db):
    urls = [f"/admin/login/?{urlencode({'next': value})}" for value in HOSTILE_VALUES]
    _assert_no_server_errors(client, urls)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_refused_next_lands_on_the_admin_index(client, db, next_url):
    UserFactory(username="editor", superuser=True)

    response = client.post(
        f"/admin/login/?{urlencode({'next': next_url})}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
