from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import feeds, sitemaps, views
from .freshness import reader_page
from .sitemaps import SITEMAPS
from .view_on_site import admin_view_on_site

admin.site.site_header = f"{settings.MAGAZINE_NAME} editorial desk"
admin.site.site_title = f"{settings.MAGAZINE_NAME} admin"
admin.site.index_title = "Films, people and reviews"

handler500 = "magazine.views.server_error"
handler403 = "magazine.permission_pages.permission_denied"

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("health/", views.health, name="health"),
    path("search/", reader_page(views.SearchView.as_view()), name="search"),
    path("films/", reader_page(views.FilmIndexView.as_view()), name="film_index"),
    path("films/year/<int:year>/", reader_page(views.FilmYearView.as_view()), name="film_year"),
    path("genres/<slug:slug>/", reader_page(views.GenreDetailView.as_view()), name="genre_detail"),
    path("critics/", reader_page(views.CriticIndexView.as_view()), name="critic_index"),
    path("tags/", reader_page(views.TagIndexView.as_view()), name="tag_index"),
    path("tags/<slug:slug>/", reader_page(views.TagDetailView.as_view()), name="tag_detail"),
    # Feeds: RSS at feed/, Atom at feed/atom/.
    path("feed/", reader_page(feeds.LatestReviewsFeed()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestReviewsAtomFeed()), name="feed_atom"),
    path("critics/<slug:slug>/feed/", reader_page(feeds.CriticFeed()), name="critic_feed"),
    path(
        "critics/<slug:slug>/feed/atom/",
        reader_page(feeds.CriticAtomFeed()),
        name="critic_feed_atom",
    ),
    path("films/<slug:slug>/feed/", reader_page(feeds.FilmFeed()), name="film_feed"),
    path("films/<slug:slug>/feed/atom/", reader_page(feeds.FilmAtomFeed()), name="film_feed_atom"),
    path("tags/<slug:slug>/feed/", reader_page(feeds.TagFeed()), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", reader_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path(
        "sitemap.xml",
        reader_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        reader_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", reader_page(views.robots_txt, tags=()), name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Before the admin's own route of the same address (admin:view_on_site), which it replaces.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_view_on_site),
        name="admin_view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
