from django.urls import path

from magazine.freshness import reader_page

from . import views

app_name = "reviews"

urlpatterns = [
    path(
        "reviews/<slug:slug>/",
        reader_page(views.ReviewDetailView.as_view(), tags=()),
        name="review_detail",
    ),
    path("preview/<str:token>/", views.review_preview, name="review_preview"),
    path(
        "films/<slug:slug>/",
        reader_page(views.FilmDetailView.as_view(), tags=()),
        name="film_detail",
    ),
    path(
        "critics/<slug:slug>/",
        reader_page(views.CriticDetailView.as_view(), tags=()),
        name="critic_detail",
    ),
    path(
        "people/<slug:slug>/", reader_page(views.PersonDetailView.as_view()), name="person_detail"
    ),
]
