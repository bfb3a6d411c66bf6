"""The admin's “view on site” redirect, limited to objects the user may see in the admin.

Django's own shortcut (admin/r/<content type>/<id>/) redirects any staff member to any object's
address, which would reveal the slug, often the headline, of another writer's draft.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse


def admin_view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """Redirect to the object's page if its model admin lets this user see it, else 403."""
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        model = content_type.model_class()
        obj = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such object.") from error
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied("You may not see this object.")
    return shortcut(request, content_type_id, object_id)
