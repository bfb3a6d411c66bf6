"""One freshness mechanism for everything cached for readers: cache tags and an expiry moment.

Every cached page, part of a page or derived value is an entry that records
- the **tags** of what it shows: `review:42`, `film:7`, `critic:5`, `person:3`, `tag:12`,
  `genre:2`, and list tags for what lists or counts many things (`reviews:list`,
  `films:list`, `critics:list`, `people:list`); every entry also carries `*` (everything);
- **as_of**: the invalidation clock, read before anything the entry shows was read;
- **until**: the moment it stops being true with no write (a scheduled review or an embargo
  going live, local midnight), or None.

A write calls `invalidate(tags)` (the receivers of reviews/cache_tags.py, for every
reader-visible model, and one call for bulk writes): each tag's version becomes a new value of
the clock, **in the database, in the writer's transaction**, so an invalidation commits with
the content or not at all and no cache outage can drop it. An entry is fresh while none of its
tags has a version above its as_of and its moment has not come. A request pays one cache
round trip and one indexed query for all the entries it reads (`fetch`).

Tags are collected while an entry is computed: the models readers see add their own tag when
an instance is loaded (`add_tags` from a post_init receiver), views declare their list tags
(`reader_page(tags=...)`), and a fresh entry read inside another adds its tags to it.

Imports nothing of the domain apps: `people` and `reviews` call it; the site shell
(`magazine.pagecache`) builds pages on it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

EVERYTHING = "*"
CLOCK = "#clock"
TABLE = "magazine_cachetag"

# The tag sets being collected, innermost last: a tag added goes into every one of them.
_collecting: ContextVar[tuple[set[str], ...]] = ContextVar("freshness_collecting", default=())
# The clock as read at the start of the current request's work, reused by nested entries
# (an earlier reading is always safe: it can only make an entry look older).
_as_of: ContextVar[int | None] = ContextVar("freshness_as_of", default=None)
# Values `cached()` found or computed during that work, so a request asks once per key.
_memo: ContextVar[dict | None] = ContextVar("freshness_memo", default=None)


class Entry(NamedTuple):
    value: Any
    tags: tuple[str, ...]
    as_of: int
    made: datetime.datetime  # by the application's clock, which tests move back and forth
    until: datetime.datetime | None


# Tags ---------------------------------------------------------------------------------------


@contextmanager
def collecting(*tags: str) -> Iterator[set[str]]:
    """Collect the tags of what is read inside the block (and pass them on to any outer
    block), starting with `tags`."""
    found = set(tags)
    token = _collecting.set((*_collecting.get(), found))
    try:
        yield found
    finally:
        _collecting.reset(token)
    add_tags(*found)


@contextmanager
def apart() -> Iterator[None]:
    """Read inside the block without adding tags to what is being collected: for what only
    decides when an entry expires (its `until`), not what it shows."""
    token = _collecting.set(())
    try:
        yield
    finally:
        _collecting.reset(token)


def is_collecting() -> bool:
    return bool(_collecting.get())


def add_tags(*tags: str) -> None:
    for found in _collecting.get():
        found.update(tags)


# The clock and invalidation -----------------------------------------------------------------


def read_clock(using: str = DEFAULT_DB_ALIAS) -> int:
    """The invalidation clock as committed now: read it before reading what is cached."""
    pending = _pending(using)
    if pending is not None:
        pending.clock_read = True  # an entry may be made at this version: take a new one
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE name = %s", [CLOCK])
        row = cursor.fetchone()
    return row[0] if row else 0


@contextmanager
def as_of_now(using: str = DEFAULT_DB_ALIAS, *, read: bool = True) -> Iterator[int | None]:
    """Read the clock once for a request's work; entries made inside reuse the reading.
    `read=False` opens the scope without reading: `start_clock()` reads it later, before
    anything cached is read (the page cache does so once it knows the view is a reader page).
    """
    current = _as_of.get()
    if current is not None:
        yield current
        return
    token, memo_token = _as_of.set(read_clock(using) if read else None), _memo.set({})
    try:
        yield _as_of.get()
    finally:
        _as_of.reset(token)
        _memo.reset(memo_token)


def start_clock(using: str = DEFAULT_DB_ALIAS) -> None:
    """Read the clock now for the scope opened by `as_of_now(read=False)`."""
    if _as_of.get() is None:
        with suppress(DatabaseError):  # nothing will be kept; the view meets the outage
            _as_of.set(read_clock(using))


def current_as_of() -> int | None:
    return _as_of.get()


class _Pending:
    """The invalidations of one transaction so far: the clock value it took (the clock row
    stays locked until the transaction ends), the tags written at it (each with the
    savepoints it was written in), and, as its on-commit callback, the CDN purge of them."""

    def __init__(self, version: int):
        self.version = version
        self.written: dict[str, frozenset[str]] = {}
        self.clock_read = False

    def __call__(self) -> None:
        from . import cdn  # the CDN hears of it once it is true

        cdn.purge(sorted(self.written))


def _pending(using: str) -> _Pending | None:
    """This transaction's invalidations, unless a rollback to a savepoint undid them (Django
    drops the callbacks registered inside a savepoint rolled back)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    for _, callback, _ in reversed(connection.run_on_commit):
        if isinstance(callback, _Pending):
            return callback
    return None


def invalidate(tags: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every entry showing any of these tags stale, for every process, once the current
    transaction commits (at once without one).

    The clock row is updated first and stays locked until the transaction ends, so clock
    values are given out in commit order: an entry whose as_of was read before this commit
    has a smaller as_of than these tags' new version. Later invalidations in the same
    transaction reuse that value (one statement, none for a tag already written), until the
    clock is read in it. Tells the CDN (magazine.cdn) once, at commit.
    """
    tags = set(tags)
    if not tags:
        return
    connection = connections[using]
    # No savepoint of its own: inside the writer's transaction these statements commit or roll
    # back with it; outside one, they commit together.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        pending = _pending(using)
        if pending is None or pending.clock_read:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, version) VALUES (%s, 1) ON CONFLICT (name) "
                f"DO UPDATE SET version = {TABLE}.version + 1 RETURNING version",
                [CLOCK],
            )
            pending = _Pending(cursor.fetchone()[0])
            transaction.on_commit(pending, using=using)
        live = frozenset(connection.savepoint_ids)
        # A tag written in a savepoint since released or rolled back is written again.
        new = sorted(
            tag for tag in tags if tag not in pending.written or not pending.written[tag] <= live
        )
        if not new:
            return
        rows = ", ".join(["(%s, %s)"] * len(new))
        cursor.execute(
            f"INSERT INTO {TABLE} (name, version) VALUES {rows} "
            "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
            [value for tag in new for value in (tag, pending.version)],
        )
        pending.written.update(dict.fromkeys(new, live))


def invalidate_everything(using: str = DEFAULT_DB_ALIAS) -> None:
    """One call for bulk writes (imports, generated catalogues, raw SQL): every entry stale."""
    invalidate([EVERYTHING], using)


def _versions(tags: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    names = sorted(set(tags))
    marks = ", ".join(["%s"] * len(names))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT name, version FROM {TABLE} WHERE name IN ({marks})", names)
        return dict(cursor.fetchall())


# Entries ------------------------------------------------------------------------------------


def cache():
    return caches["default"]


def fetch(keys: Iterable[str], now: datetime.datetime | None = None) -> dict[str, Any]:
    """The values of these keys that are still fresh: one cache round trip and, if anything
    was found, one query for the versions of their tags. Their tags join any being collected."""
    keys = list(keys)
    found = cache().get_many(keys) if keys else {}
    now = now or timezone.now()
    candidates = {
        key: entry
        for key, entry in found.items()
        if isinstance(entry, Entry)
        and entry.made <= now
        and (entry.until is None or now < entry.until)
    }
    if not candidates:
        return {}
    # Made at or after this request read the clock: nothing was invalidated since, no query.
    current = _as_of.get()
    if current is not None and all(entry.as_of >= current for entry in candidates.values()):
        for entry in candidates.values():
            add_tags(*entry.tags)
        return {key: entry.value for key, entry in candidates.items()}
    try:
        versions = _versions({tag for entry in candidates.values() for tag in entry.tags})
    except DatabaseError:
        return {}  # the versions cannot be checked: serve nothing cached (fail closed)
    fresh = {}
    for key, entry in candidates.items():
        if all(versions.get(tag, 0) <= entry.as_of for tag in entry.tags):
            fresh[key] = entry.value
            add_tags(*entry.tags)
    return fresh


def store(
    key: str,
    value: Any,
    *,
    tags: Iterable[str],
    as_of: int,
    until: datetime.datetime | None = None,
    seconds: int | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Keep `value` under `key` with its tags, for at most `seconds` and not past `until`."""
    now = now or timezone.now()
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS if seconds is None else seconds
    if until is not None:
        seconds = min(seconds, int((until - now).total_seconds()))
    if seconds <= 0:
        return
    entry = Entry(value, tuple(sorted({*tags, EVERYTHING})), as_of, now, until)
    cache().set(key, entry, seconds)


def cached(
    key: str,
    compute: Callable[[], tuple[Any, datetime.datetime | None]],
    *,
    tags: Iterable[str] = (),
    seconds: int | None = None,
    now: datetime.datetime | None = None,
) -> Any:
    """`compute()`'s value, kept until one of the tags of what it read changes or the moment
    it returns (value, until) comes. `seconds=0` (or FRAGMENT_CACHE_SECONDS=0) keeps nothing."""
    seconds = settings.MAGAZINE_FRAGMENT_CACHE_SECONDS if seconds is None else seconds
    now = now or timezone.now()
    memo = _memo.get()
    if memo is not None and key in memo:
        value, value_tags = memo[key]
        add_tags(*value_tags)
        return value
    if seconds > 0:
        found = fetch([key], now)
        if key in found:
            if memo is not None:
                memo[key] = (found[key], ())  # its tags were added by fetch just now
            return found[key]
    with as_of_now() as as_of, collecting(*tags) as collected:
        value, until = compute()
    if seconds > 0:
        store(key, value, tags=collected, as_of=as_of, until=until, seconds=seconds, now=now)
    if memo is not None:
        memo[key] = (value, tuple(collected))
    return value


# Moments and reader pages --------------------------------------------------------------------


def next_local_midnight(now: datetime.datetime) -> datetime.datetime:
    """The start of tomorrow in the site's time zone: when “today” on a page stops being true."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


# What a list page shows when it does not say: anything that lists or counts reviews, films,
# critics or people. Pages about one thing (a review, a film, a critic) say `tags=()`: the
# tags of what they load are collected by themselves.
ALL_LISTS = ("reviews:list", "films:list", "critics:list", "people:list")


def reader_page(view: Callable, tags: Iterable[str] = ALL_LISTS) -> Callable:
    """Mark a view as a public reader page that `magazine.pagecache` may cache for anonymous
    readers, with the list tags it shows. Only pages whose content depends on nothing but the
    URL and published content."""
    view.reader_page = True
    view.reader_page_tags = tuple(tags)
    return view
