"""The site's URLs plus uploads, for Lighthouse runs against the live server: in production
nginx or object storage serves /media/, and a missing image would be a console error."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from magazine.urls import handler500  # noqa: F401
from magazine.urls import urlpatterns as site_urlpatterns


def media(request, path: str):
    # MEDIA_ROOT is read per request: each test writes its uploads to a folder of its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
