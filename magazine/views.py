"""Site-wide pages."""

from django.db.models import QuerySet
from django.views.generic import ListView

from reviews.models import Review

from .pagination import UncountedPaginator


class HomeView(ListView):
    """The front page: the latest published reviews."""

    template_name = "magazine/home.html"
    context_object_name = "reviews"
    paginate_by = 12
    paginator_class = UncountedPaginator

    def get_queryset(self) -> QuerySet[Review]:
        return Review.objects.published().for_listing().latest_first()
