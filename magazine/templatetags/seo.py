"""Tags for what machines read: JSON-LD blocks, canonical addresses, machine-readable times."""

import datetime
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """A <script type="application/ld+json"> block that no data can break out of."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def machine_time(moment: datetime.datetime | None) -> str:
    """A moment for `<time datetime>` and meta tags: local time to the second with its offset
    (HTML allows at most three digits of a second; Django's `date:'c'` gives six)."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address without tracking or sorting noise: only the page and A–Z letter;
    or `canonical_path` from the context, for a page that stands in for another (a preview)."""
    request = context.get("request")
    if request is None:
        return ""
    if context.get("canonical_path"):
        return request.build_absolute_uri(context["canonical_path"])
    kept = QueryDict(mutable=True)
    if request.GET.get("letter"):
        kept["letter"] = request.GET["letter"]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        kept["page"] = page_obj.number
    url = request.build_absolute_uri(request.path)
    return f"{url}?{kept.urlencode()}" if kept else url
