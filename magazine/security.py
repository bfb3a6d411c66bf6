"""Who is asking: the client address behind our own reverse proxy, for login throttling."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The reader's address: the one our proxy appended to X-Forwarded-For, else the peer.

    Only the last entry is trusted (our proxy wrote it); earlier ones come from the client.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")
