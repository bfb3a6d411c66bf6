from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.MAGAZINE_NAME,
        "site_description": f"Film reviews and criticism from {settings.MAGAZINE_NAME}.",
    }
