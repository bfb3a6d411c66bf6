from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("preview/<str:token>/", views.review_preview, name="review_preview"),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film_detail"),
    path("critics/<slug:slug>/", views.CriticDetailView.as_view(), name="critic_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
]
