"""Fragments of list pages kept under the content generation, one per listed object.

An index page lists many objects, each as a card that changes only when content does. With
the page cache cold (expired, evicted, or a page number not asked for yet) rendering every
card again costs more than the rest of the page: a card is a dozen template lookups, a
reversed URL and a truncated bio. So each card is kept in the default cache under the content
generation (`magazine.freshness`), which every save of anything readers see replaces: a card
is exactly as fresh as the page cache. What a card shows that can change with no write (a
count that follows the publishing schedule) goes into its key as its `version`.

Imports nothing of the apps: `magazine.cards` says what a card is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import SafeString

from .freshness import current_generation

Render = Callable[[list[Hashable]], dict[Hashable, SafeString]]


def cached_fragments(
    name: str, items: Sequence[tuple[Hashable, Hashable]], render: Render
) -> list[SafeString]:
    """The fragment of each (pk, version) in `items`, in their order, from the cache where
    it is fresh. `render(pks)` renders the missing ones and returns them by pk; a pk it
    leaves out (a row deleted meanwhile) is left out of the list. One cache round trip for
    the lot, and one more to store what had to be rendered."""
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        rendered = render([pk for pk, _ in items])
        return [rendered[pk] for pk, _ in items if pk in rendered]

    cache = caches["default"]
    # The generation is read before the rows a missing fragment is rendered from: a write
    # committed in between replaces the generation, so nothing stale is kept under the new one.
    generation = current_generation()
    keys = {pk: f"fragment:{name}:{generation}:{pk}:{version}" for pk, version in items}
    found = cache.get_many(keys.values())
    fragments = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in fragments]
    if missing:
        rendered = render(missing)
        cache.set_many({keys[pk]: html for pk, html in rendered.items() if pk in keys}, seconds)
        fragments.update(rendered)
    return [fragments[pk] for pk, _ in items if pk in fragments]
