"""The desk counts shown on the admin index."""

from django import template

from reviews import selectors

register = template.Library()


@register.inclusion_tag("admin/reviews/desk_summary.html", takes_context=True)
def desk_summary(context) -> dict:
    user = context["request"].user
    if not user.has_perm("reviews.view_review") and not user.has_perm("reviews.change_review"):
        return {"counts": None}
    desk = selectors.desk_for(user)
    return {
        "counts": {
            "waiting_for_review": desk.waiting_for_review.count(),
            "approved": desk.approved.count(),
            "scheduled": desk.scheduled.count(),
            "my_drafts": desk.my_drafts.count(),
        }
    }
