from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import feeds, views
from .sitemaps import SITEMAPS

admin.site.site_header = f"{settings.MAGAZINE_NAME} editorial desk"
admin.site.site_title = f"{settings.MAGAZINE_NAME} admin"
admin.site.index_title = "Films, people and reviews"

handler500 = "magazine.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", views.health, name="health"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("films/", views.FilmIndexView.as_view(), name="film_index"),
    path("films/year/<int:year>/", views.FilmYearView.as_view(), name="film_year"),
    path("genres/<slug:slug>/", views.GenreDetailView.as_view(), name="genre_detail"),
    path("critics/", views.CriticIndexView.as_view(), name="critic_index"),
    path("tags/", views.TagIndexView.as_view(), name="tag_index"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    # Feeds: RSS at feed/, Atom at feed/atom/.
    path("feed/", feeds.LatestReviewsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestReviewsAtomFeed(), name="feed_atom"),
    path("critics/<slug:slug>/feed/", feeds.CriticFeed(), name="critic_feed"),
    path("critics/<slug:slug>/feed/atom/", feeds.CriticAtomFeed(), name="critic_feed_atom"),
    path("films/<slug:slug>/feed/", feeds.FilmFeed(), name="film_feed"),
    path("films/<slug:slug>/feed/atom/", feeds.FilmAtomFeed(), name="film_feed_atom"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
