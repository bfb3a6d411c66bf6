"""Parts of the film desk shown inside the stock admin pages."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
    results,
)
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from reviews import selectors
from reviews.admin_lists import review_rows

register = template.Library()


@register.inclusion_tag("admin/reviews/review/includes/sent_back.html")
def sent_back_notice(review) -> dict:
    """The editor's request for changes, at the top of the draft it sent back."""
    return {"request": selectors.sent_back_request(review) if review else None, "review": review}


@register.inclusion_tag("admin/change_list_results.html")
def review_result_list(cl) -> dict:
    """Django's result_list, with the rows written by reviews.admin_lists when it can."""
    headers = list(result_headers(cl))
    rows = review_rows(cl)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows if rows is not None else list(results(cl)),
    }


@register.simple_tag
def filter_choice_items(choices) -> SafeString:
    """admin/filter.html's list items, written in one pass: the critic filter has one per
    critic, and the template's loop was a tenth of the review list's time."""
    return format_html_join(
        "\n",
        '<li{}><a href="{}">{}</a></li>',
        (
            (
                mark_safe(' class="selected"') if choice["selected"] else "",
                iri_to_uri(choice["query_string"]),
                choice["display"],
            )
            for choice in choices
        ),
    )
