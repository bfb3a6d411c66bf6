from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = f"{settings.MAGAZINE_NAME} editorial desk"
admin.site.site_title = f"{settings.MAGAZINE_NAME} admin"
admin.site.index_title = "Films, people and reviews"

handler500 = "magazine.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
