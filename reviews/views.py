"""Public pages for films, reviews, critics and people. Thin: the rules live in the models."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from magazine.pagination import UncountedPaginator
from people.models import Critic, Person

from .models import Credit, Film, Review


class ReviewDetailView(DetailView):
    context_object_name = "review"

    def get_queryset(self) -> QuerySet[Review]:
        return Review.objects.published().for_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        context["where_to_watch"] = review.film.where_to_watch()
        context["other_reviews"] = (
            Review.objects.published()
            .for_listing()
            .filter(film=review.film)
            .exclude(pk=review.pk)
            .latest_first()
        )
        return context


class FilmDetailView(DetailView):
    context_object_name = "film"

    def get_queryset(self) -> QuerySet[Film]:
        return Film.objects.prefetch_related(
            "genres",
            "availabilities",
            Prefetch("credits", queryset=Credit.objects.select_related("person")),
            Prefetch(
                "reviews",
                queryset=Review.objects.published().select_related("critic").latest_first(),
                to_attr="published_reviews",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["where_to_watch"] = self.object.where_to_watch()
        return context


class CriticDetailView(ListView):
    """A critic's bio and their published reviews, newest first."""

    template_name = "people/critic_detail.html"
    context_object_name = "reviews"
    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self) -> QuerySet[Review]:
        self.critic = get_object_or_404(
            Critic.objects.select_related("person"), slug=self.kwargs["slug"]
        )
        return Review.objects.published().filter(critic=self.critic).for_listing().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(critic=self.critic, **kwargs)


class PersonDetailView(DetailView):
    """A person's filmography: every credit, newest film first."""

    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.select_related("critic").prefetch_related(
            Prefetch(
                "credits",
                queryset=Credit.objects.select_related("film").order_by(
                    "-film__year", "film__title", "billing_order"
                ),
                to_attr="filmography",
            )
        )
