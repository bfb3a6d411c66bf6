"""Site-wide pages: home, search, the indexes of films, critics, tags and genres, robots.txt."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from magazine.fulltext import contains_terms, excerpt, plain_text, search_terms
from magazine.prepared import PreparedList
from reviews.models import Film, Genre, Review
from reviews.page_queries import (
    LATEST_REVIEWS,
    REVIEWED_FILMS,
    REVIEWED_FILMS_IN_GENRE,
    reviewed_films,
)
from reviews.selectors import (
    SearchResults,
    TaggedReviewsNewestFirst,
    critic_index_order,
    film_initials,
    film_years,
    genres_in_use,
    names_matching,
    tag_with_reviews,
    tags_in_use,
    with_critic_counts,
    with_review_counts,
)

from .cards import critic_cards
from .middleware import DATABASE_UNAVAILABLE, database_unavailable_response
from .pagination import UncountedPaginator

MAX_QUERY_LENGTH = 200

logger = logging.getLogger("magazine.availability")


class HomeView(ListView):
    """The front page: the latest published reviews, the newest one as the lead story."""

    template_name = "magazine/home.html"
    context_object_name = "reviews"
    paginate_by = 13
    paginator_class = UncountedPaginator

    def get_queryset(self) -> PreparedList:
        return PreparedList(LATEST_REVIEWS, now=timezone.now())


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 (with Retry-After) when it does not.

    The cache is reported but never fails the check: the site serves uncached without it.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DATABASE_UNAVAILABLE as error:
        logger.error("Health check: database unavailable: %s", error)
        database = "unavailable"
    default_cache = caches["default"]
    is_available = getattr(default_cache, "is_available", None)
    cache_state = "ok" if is_available is None or is_available() else "unavailable"
    status = 200 if database == "ok" else 503
    response = JsonResponse({"database": database, "cache": cache_state}, status=status)
    if status == 503:
        response["Retry-After"] = str(settings.MAGAZINE_RETRY_AFTER)
    return response


class SearchView(ListView):
    """Reviews ranked by relevance, with the films, critics and people whose names match."""

    template_name = "magazine/search.html"
    context_object_name = "reviews"
    query_parameters = ("q",)
    paginate_by = 10
    paginator_class = UncountedPaginator
    names_shown = 8

    def get_queryset(self) -> SearchResults:
        self.query = self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
        self.terms = search_terms(self.query)
        return SearchResults(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = self.terms
        context.update(
            query=self.query,
            terms=terms,
            results=[search_result(review, terms) for review in context["reviews"]],
        )
        names = names_matching(terms, self.names_shown)
        context.update(films=names.films, critics=names.critics, people=names.people)
        return context


def search_result(review: Review, terms: list[str]) -> dict:
    """A review as a search result: where the words matched, and the passage that matched."""
    # plain_text, not Django's strip_tags: the same text, ~1 ms less per result.
    body_text = plain_text(review.body_html)
    fields = [
        ("headline", review.headline),
        ("film title", review.film.title),
        ("standfirst", review.standfirst),
        ("review", body_text),
    ]
    matched_in = [label for label, text in fields if contains_terms(text, terms)]
    passage = excerpt(review.standfirst, terms) or excerpt(body_text, terms)
    return {"review": review, "matched_in": matched_in, "excerpt": passage}


class TagIndexView(ListView):
    template_name = "magazine/tag_list.html"
    context_object_name = "tags"
    paginate_by = 100
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return tags_in_use()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tags"] = with_review_counts(context["tags"])
        return context


class TagDetailView(ListView):
    """Published reviews with one tag, newest first."""

    template_name = "magazine/tag_detail.html"
    context_object_name = "reviews"
    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self) -> TaggedReviewsNewestFirst:
        self.tag = tag_with_reviews(self.kwargs["slug"])
        if self.tag is None:
            raise Http404("No published reviews carry this tag.")
        return TaggedReviewsNewestFirst(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class FilmIndexView(ListView):
    """Every reviewed film, A to Z, optionally only those under one initial."""

    template_name = "magazine/film_list.html"
    context_object_name = "films"
    query_parameters = ("letter",)
    paginate_by = 60
    paginator_class = UncountedPaginator

    def get_queryset(self) -> QuerySet[Film] | PreparedList:
        self.letter = self.request.GET.get("letter", "").upper()[:1]
        films = reviewed_films()
        if self.letter == "#":
            return films.exclude(title__regex=r"^[A-Za-z]")
        if "A" <= self.letter <= "Z":
            return films.filter(title__istartswith=self.letter)
        self.letter = ""
        return PreparedList(REVIEWED_FILMS, now=timezone.now())  # the same list, unfiltered

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            letter=self.letter,
            initials=film_initials(),
            years=film_years(),
            genres=genres_in_use(),
            **kwargs,
        )


class FilmYearView(ListView):
    """Reviewed films first released in one year."""

    template_name = "magazine/film_year.html"
    context_object_name = "films"
    paginate_by = 60
    paginator_class = UncountedPaginator

    def get_queryset(self) -> QuerySet[Film]:
        films = Film.objects.reviewed().for_listing()
        return films.filter(year=self.kwargs["year"]).order_by("title", "slug")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(year=self.kwargs["year"], **kwargs)
        if not context["films"]:
            raise Http404("We have reviewed no films from this year.")
        return context


class GenreDetailView(ListView):
    """Reviewed films in one genre, A to Z."""

    template_name = "magazine/genre_detail.html"
    context_object_name = "films"
    paginate_by = 60
    paginator_class = UncountedPaginator

    def get_queryset(self) -> PreparedList:
        self.genre = get_object_or_404(Genre, slug=self.kwargs["slug"])
        return PreparedList(REVIEWED_FILMS_IN_GENRE, genre=self.genre.pk, now=timezone.now())

    def get_context_data(self, **kwargs):
        return super().get_context_data(genre=self.genre, **kwargs)


class CriticIndexView(ListView):
    """Active critics by byline, each as a card kept under the content generation: the page
    reads (pk, count) rows and renders only the cards the cache does not hold."""

    template_name = "magazine/critic_list.html"
    context_object_name = "critic_rows"
    paginate_by = 50
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return critic_index_order()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["critic_rows"] = rows = with_critic_counts(context["critic_rows"])
        context["critic_cards"] = critic_cards(rows)
        return context


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page says: the hashed static file."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's design, rendered without touching the database.

    A database outage anywhere in the request still gets the friendly 503 page.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.MAGAZINE_NAME}))
