from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views
from .freshness import reader_page

admin.site.site_header = f"{settings.MAGAZINE_NAME} editorial desk"
admin.site.site_title = f"{settings.MAGAZINE_NAME} admin"
admin.site.index_title = "Films, people and reviews"

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.MAGAZINE_BENCH:
    # The benchmark's baselines (bench/run.py); never routed unless MAGAZINE_BENCH is on.
    from . import bench_views

    urlpatterns += [path("_bench/floor/", bench_views.floor, name="bench_floor")]
