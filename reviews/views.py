"""Public pages for films, reviews, critics and people. Thin: the rules live in the models."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, View

from magazine import freshness
from magazine.pagination import UncountedPaginator
from magazine.prepared import PreparedList
from people.models import Critic, Person

from . import workflow
from .cache_tags import critic_reviews
from .models import Credit, Review
from .page_queries import CRITICS_REVIEWS, FILM, FILMS_REVIEWS, load_film_lists
from .previews import (
    PreviewLinkExpired,
    PreviewLinkInvalid,
    preview_link_outlived,
    preview_link_read,
)
from .review_page import preview_parts, published_review_parts
from .scores import critics_score
from .selectors import filmography
from .structured_data import film_data


class ReviewDetailView(View):
    """A published review, assembled from parts that are cached and always fresh."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        parts = published_review_parts(request, slug)
        return render(request, "reviews/review_detail.html", {"parts": parts})


def render_review_preview(request: HttpRequest, review: Review, *, shared: bool) -> HttpResponse:
    """The review exactly as readers will see it, with a preview banner; never indexed."""
    context = {
        "review": review,
        "canonical_path": review.get_absolute_url(),  # the address it will be read at
        "parts": preview_parts(review, request),
        "preview": {"shared": shared, "status": workflow.status_of(review)},
    }
    response = render(request, "reviews/review_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def review_preview(request: HttpRequest, token: str) -> HttpResponse:
    """A shared preview link: works until it expires or the review is published.

    Once the review has been public, the link stays dead even if it is unpublished again.
    """
    try:
        link = preview_link_read(token)
    except PreviewLinkExpired:
        return _preview_link_refused(request, "expired", status=403)
    except PreviewLinkInvalid:
        return _preview_link_refused(request, "invalid", status=404)
    review = Review.objects.for_page().filter(pk=link.review_id).first()
    if review is None:
        return _preview_link_refused(request, "invalid", status=404)
    if review.is_published:
        return redirect(review)
    if preview_link_outlived(link=link, review=review):
        return _preview_link_refused(request, "outlived", status=403)
    return render_review_preview(request, review, shared=True)


def _preview_link_refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    response = render(request, "reviews/preview_refused.html", {"reason": reason}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class FilmDetailView(View):
    """A film with its credits, genres, where to watch it and every published review."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        found = FILM.run(slug=slug)
        if not found:
            raise Http404("No film has this address.")
        film = found[0]
        load_film_lists(film)
        film.published_reviews = FILMS_REVIEWS.run(film=film.pk, now=timezone.now())
        context = {
            "film": film,
            "where_to_watch": film.where_to_watch(),
            "critics_score": critics_score(film.published_reviews),
            "structured_data": film_data(film, film.published_reviews, request.build_absolute_uri),
        }
        return render(request, "reviews/film_detail.html", context)


class CriticDetailView(ListView):
    """A critic's bio and their published reviews, newest first."""

    template_name = "people/critic_detail.html"
    context_object_name = "reviews"
    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self) -> PreparedList:
        self.critic = get_object_or_404(
            Critic.objects.select_related("headshot", "person__headshot"),
            slug=self.kwargs["slug"],
        )
        # A review moving in or out of this list invalidates this tag (reviews/cache_tags.py).
        freshness.add_tags(critic_reviews(self.critic.pk))
        return PreparedList(CRITICS_REVIEWS, critic=self.critic.pk, now=timezone.now())

    def get_context_data(self, **kwargs):
        return super().get_context_data(critic=self.critic, **kwargs)


class PersonDetailView(ListView):
    """A person's filmography, a page at a time: every credit, newest film first."""

    template_name = "people/person_detail.html"
    context_object_name = "credits"
    paginate_by = 50
    paginator_class = UncountedPaginator

    def get_queryset(self) -> QuerySet[Credit]:
        self.person = get_object_or_404(
            Person.objects.select_related("critic", "headshot"), slug=self.kwargs["slug"]
        )
        return filmography(self.person)

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)
