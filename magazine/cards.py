"""The cards index pages list, rendered once per change of what they show (`magazine.fragments`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.template import loader
from django.utils.safestring import SafeString

from people.models import Critic

from .fragments import cached_fragments

CRITIC_CARD = "includes/critic_card.html"


def critic_cards(rows: Sequence[tuple[int, int]]) -> list[SafeString]:
    """The critic index's cards for (critic pk, review count) rows, in their order.

    The count is part of each card's key: it follows the publishing schedule with no write.
    """
    counts = dict(rows)

    def render(pks: list[int]) -> dict[int, SafeString]:
        template = loader.get_template(CRITIC_CARD)
        critics = Critic.objects.select_related("headshot", "person__headshot").in_bulk(pks)
        return {
            pk: SafeString(template.render({"critic": critic, "review_count": counts[pk]}))
            for pk, critic in critics.items()
        }

    return cached_fragments("critic-card", rows, render)
