"""Fragments of list pages, one per listed object, kept as `magazine.freshness` entries.

An index page lists many objects, each as a card that changes only when content does. With
the page cache cold (expired, evicted, or a page number not asked for yet) rendering every
card again costs more than the rest of the page: a card is a dozen template lookups, a
reversed URL and a truncated bio. So each card is kept with the tags of what it shows (its
critic and person): exactly as fresh as the page cache. What a card shows that can change
with no write (a count that follows the publishing schedule) goes into its key as its
`version`.

Imports nothing of the apps: `magazine.cards` says what a card is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from django.conf import settings
from django.utils.safestring import SafeString

from . import freshness

Render = Callable[[list[Hashable]], dict[Hashable, SafeString]]


def cached_fragments(
    name: str, items: Sequence[tuple[Hashable, Hashable]], render: Render
) -> list[SafeString]:
    """The fragment of each (pk, version) in `items`, in their order, from the cache where
    it is fresh. `render(pks)` renders the missing ones and returns them by pk; a pk it
    leaves out (a row deleted meanwhile) is left out of the list. One cache round trip and
    one query for the lot, and one more round trip to store what had to be rendered."""
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        rendered = render([pk for pk, _ in items])
        return [rendered[pk] for pk, _ in items if pk in rendered]

    keys = {pk: f"fragment:{name}:{pk}:{version}" for pk, version in items}
    found = freshness.fetch(keys.values())
    fragments = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in fragments]
    if missing:
        # The missing ones are rendered together and each kept with the tags of them all
        # (a critic's edit re-renders the others of that batch too: rare, and never stale).
        with freshness.as_of_now() as as_of, freshness.collecting() as tags:
            rendered = render(missing)
        for pk, html in rendered.items():
            if pk in keys:
                freshness.store(keys[pk], html, tags=tags, as_of=as_of, seconds=seconds)
        fragments.update(rendered)
    return [fragments[pk] for pk, _ in items if pk in fragments]
