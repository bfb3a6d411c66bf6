"""A refusal in the admin is a page in the admin's style that says why and what to do, never a
bare "403 Forbidden". Elsewhere Django's own 403 handling stands (readers never see these)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import defaults

from reviews import workflow

GENERIC_REASONS = {"", "403 Forbidden", "Permission denied"}


def what_to_do(user) -> str:
    """The next step for this person, in the newsroom's terms."""
    if (
        user.has_perm("reviews.add_review")
        and not workflow.may_handle_any_review(user)
        and not hasattr(user, "critic")
    ):
        return (
            "Your login is not linked to a critic byline yet, so there is nothing for you to "
            "write under. Ask an administrator to open Critics, choose your byline and set "
            "its Login to your username; then come back here."
        )
    groups = ", ".join(user.groups.values_list("name", flat=True)) or "no role yet"
    return (
        f"Your role ({groups}) does not allow this. If you need it, ask an editor or an "
        "administrator to do it, or to give you the role."
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    admin_root = reverse("admin:index")
    user = getattr(request, "user", None)
    if not (request.path.startswith(admin_root) and user is not None and user.is_active):
        return defaults.permission_denied(request, exception)
    if not user.is_staff:
        return HttpResponseForbidden("You may not use the editorial desk.")
    reason = str(exception or "").strip()
    if reason in GENERIC_REASONS:
        reason = "You may not open this page or make this change."
    context = {
        **admin.site.each_context(request),
        "title": "You cannot do this here",
        "reason": reason,
        "what_to_do": what_to_do(user),
        "back": request.META.get("HTTP_REFERER", "") or admin_root,
    }
    response = TemplateResponse(request, "admin/permission_denied.html", context, status=403)
    return response.render()
