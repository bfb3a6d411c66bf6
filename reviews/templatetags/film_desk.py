"""Parts of the film desk shown inside the stock admin pages."""

from django import template

from reviews import selectors

register = template.Library()


@register.inclusion_tag("admin/reviews/review/includes/sent_back.html")
def sent_back_notice(review) -> dict:
    """The editor's request for changes, at the top of the draft it sent back."""
    return {"request": selectors.sent_back_request(review) if review else None, "review": review}
