"""The benchmark's URLconf (magazine.settings.bench): the site's, plus the framework floor."""

from django.urls import path

from bench.views import floor
from magazine.urls import handler403, handler500
from magazine.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("_bench/floor/", floor, name="bench_floor")]

__all__ = ["handler403", "handler500", "urlpatterns"]
