"""`{% page_url n %}`: the current address with another page number, other filters kept."""

from django import template
from django.http import QueryDict

from magazine.page_parameters import parameters_read_at

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
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
    return f"?{encoded}" if encoded else context["request"].path
