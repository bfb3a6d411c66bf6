"""The Jinja2 environment of the reader templates (`jinja2/`): the site's tags and filters.

Readers' pages are rendered with Jinja2 rather than Django's template language: the same
pages cost a fraction of the CPU (issue 14), which counts most when nothing is cached. The
admin keeps Django templates (`templates/`). The HTML is what the Django templates wrote,
byte for byte:
- printed values are escaped with Django's `conditional_escape` (`&#x27;`, `&quot;`), not
  markupsafe's (`&#39;`, `&#34;`), through `finalize`; Django's own filters do the rest;
- numbers are never localized (what `{% localize off %}` did): Jinja2 prints `str(value)`;
- a file keeps its last newline, as Django's loader does.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from jinja2 import ChainableUndefined, Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .images import picture as picture_for
from .links import slug_url, year_url
from .page_parameters import parameters_read_at

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _finalize(value) -> Markup:
    """Escape what a template prints as Django's templates do (`conditional_escape`), with
    markupsafe's compiled escape: a third of the time, and a page prints hundreds of values
    (345 on a genre page)."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    escaped = escape(value)
    if "&#" in escaped:  # only from quotes: an & of the value's own is now &amp;
        return Markup(str.replace(str.replace(escaped, "&#39;", "&#x27;"), "&#34;", "&quot;"))
    return escaped


def json_ld(data) -> str:
    """A <script type="application/ld+json"> block that no data can break out of."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def machine_time(moment: datetime.datetime | None) -> str:
    """A moment for `<time datetime>` and meta tags: local time to the second with its offset
    (HTML allows at most three digits of a second; Django's `date:'c'` gives six)."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(timespec="seconds")


@pass_context
def canonical_url(context: Context) -> str:
    """This page's address without tracking or sorting noise: only the page and A–Z letter;
    or `canonical_path` from the context, for a page that stands in for another (a preview)."""
    request = context.get("request")
    if request is None:
        return ""
    if context.get("canonical_path"):
        return request.build_absolute_uri(context["canonical_path"])
    kept = QueryDict(mutable=True)
    if "letter" in parameters_read_at(request.path_info) and request.GET.get("letter"):
        kept["letter"] = request.GET["letter"]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        kept["page"] = page_obj.number
    url = request.build_absolute_uri(request.path)
    return f"{url}?{kept.urlencode()}" if kept else url


@pass_context
def page_url(context: Context, number: int) -> str:
    """The current address with another page number, other filters kept."""
    request = context["request"]
    # Only what the page reads: a stray ?cb= or ?utm_ is not carried into its links (and a
    # cached page is the same whatever else the address held).
    query = QueryDict(mutable=True)
    for name in parameters_read_at(request.path_info):
        if values := request.GET.getlist(name):
            query.setlist(name, values)
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def _picture(image, crop: str = ""):
    if not image:
        return None
    if hasattr(image, "focal_point"):  # an image of the media library
        shape = tuple(int(part) for part in crop.split(":")) if crop else None
        return image.picture(crop=shape)
    return picture_for(image)


@pass_context
def image_url(context: Context, image, crop: str = "") -> str:
    """The absolute URL of an image's largest fallback rendition (for sharing cards), or ''."""
    rendered = _picture(image, crop)
    if rendered is None:
        return ""
    request = context.get("request")
    url = rendered.largest.url
    return request.build_absolute_uri(url) if request else url


def by_initial(films: Iterable) -> list[tuple[str, list]]:
    """(initial, films) for each run of films whose titles start with the same letter, in
    their order (Django's `{% regroup %}`; Jinja2's `groupby` would sort)."""
    runs = itertools.groupby(films, lambda film: film.title[:1].upper())
    return [(initial, list(run)) for initial, run in runs]


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> Environment:
    # A missing attribute, however deep (`review.lead_image.alt` without an image), prints
    # nothing and is false, as in Django's templates.
    options["undefined"] = ChainableUndefined
    env = Environment(keep_trailing_newline=True, finalize=_finalize, **options)

    def picture(
        image,
        alt: str,
        sizes: str = "100vw",
        css_class: str = "",
        loading: str = "lazy",
        crop: str = "",
    ) -> Markup:
        """A responsive <picture> with WebP, a fallback and fixed size; `image` is a stored
        image file or an image of the media library, which may be cropped to a shape
        (`crop="3:2"`) around its focal point. Nothing when there is no image (or it cannot
        be read); never raises."""
        context = {
            "picture": _picture(image, crop),
            "alt": alt,
            "sizes": sizes,
            "css_class": css_class,
            "loading": loading,
        }
        return Markup(env.get_template("includes/picture.html").render(context))

    env.globals.update(
        url=url,
        slug_url=slug_url,
        year_url=year_url,
        static=static,
        canonical_url=canonical_url,
        page_url=page_url,
        image_url=image_url,
        picture=picture,
        by_initial=by_initial,
    )
    # Django's own filters, so dates, numbers and escaping come out as they did.
    env.filters.update(
        date=defaultfilters.date,
        floatformat=defaultfilters.floatformat,
        join=defaultfilters.join,
        linebreaks=defaultfilters.linebreaks_filter,
        pluralize=defaultfilters.pluralize,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
        json_ld=json_ld,
        machine_time=machine_time,
    )
    return env
