from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from .images import SHARE_IMAGE

# The addresses every page's header and footer link to (base.html).
SITE_LINKS = ("home", "search", "film_index", "critic_index", "tag_index", "feed", "feed_atom")


@cache
def _site_links(script_prefix: str) -> dict[str, str]:
    # Fixed for the life of the process (they depend only on the URLconf and the prefix the
    # site is mounted under): reversing them on every page cost a fifth of a cached render.
    links = {name: reverse(name) for name in SITE_LINKS}
    links["stylesheet"] = static("css/site.css")
    links["favicon"] = static("favicon.ico")
    links["touch_icon"] = static("img/apple-touch-icon.png")
    links["share_image"] = static(SHARE_IMAGE)
    return links


def site(request: HttpRequest) -> dict:
    links = _site_links(get_script_prefix())
    return {
        "site_name": settings.MAGAZINE_NAME,
        "site_description": f"Film reviews and criticism from {settings.MAGAZINE_NAME}.",
        "site_links": links,
        "site_share_image": request.build_absolute_uri(links["share_image"]),
    }
