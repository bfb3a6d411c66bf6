"""The where-to-watch note: what a reader can do today to see a film.

Computed from the film's availability windows and today's date every time it is shown, so it
stays true as time passes (“In theaters Friday” becomes “In theaters now” on Friday).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from magazine.text import safe_link

THEATRICAL, STREAMING, RENT_BUY, TV = "theatrical", "streaming", "rent_buy", "tv"


class Window(Protocol):
    kind: str
    provider: str
    region: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    url: str
    last_checked: datetime.date | None


@dataclass(frozen=True)
class WatchLine:
    text: str
    url: str = ""

    def __post_init__(self) -> None:
        # Links reach readers' pages; only plain http(s) ones, whatever was stored.
        object.__setattr__(self, "url", safe_link(self.url))


@dataclass(frozen=True)
class WhereToWatch:
    lines: list[WatchLine] = field(default_factory=list)
    checked_on: datetime.date | None = None

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __str__(self) -> str:
        return " ".join(f"{line.text}." for line in self.lines)


def when(day: datetime.date, today: datetime.date) -> str:
    """“today”, “tomorrow”, a weekday within the coming week, else the date."""
    days = (day - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return day.strftime("%A")
    text = f"{day.strftime('%B')} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


def join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def where_to_watch(windows: Iterable[Window], *, today: datetime.date, region: str) -> WhereToWatch:
    """Say, in plain words, how a reader in `region` can see the film on `today`.

    Ended windows say nothing; nothing known gives an empty (falsy) note.
    """
    current: dict[str, list[Window]] = {THEATRICAL: [], STREAMING: [], RENT_BUY: [], TV: []}
    upcoming: dict[str, list[Window]] = {THEATRICAL: [], STREAMING: [], RENT_BUY: [], TV: []}
    for window in windows:
        if window.region.upper() != region.upper() or window.kind not in current:
            continue
        ends_on = window.ends_on
        if window.kind == TV and ends_on is None:
            ends_on = window.starts_on  # a broadcast is one day unless told otherwise
        if ends_on is not None and ends_on < today:
            continue
        bucket = current if window.starts_on <= today else upcoming
        bucket[window.kind].append(window)

    lines: list[WatchLine] = []
    used: list[Window] = []

    def first_url(group: list[Window]) -> str:
        return next((w.url for w in group if w.url), "")

    if current[THEATRICAL]:
        lines.append(WatchLine("In theaters now", first_url(current[THEATRICAL])))
        used += current[THEATRICAL]
    elif upcoming[THEATRICAL]:
        soonest = min(upcoming[THEATRICAL], key=lambda w: w.starts_on)
        lines.append(WatchLine(f"In theaters {when(soonest.starts_on, today)}", soonest.url))
        used.append(soonest)

    verbs = {STREAMING: "stream", RENT_BUY: "rent or buy"}
    for kind, verb in verbs.items():
        if current[kind]:
            providers = join_names(_unique(w.provider for w in current[kind]))
            lines.append(WatchLine(f"Available to {verb} on {providers}", first_url(current[kind])))
            used += current[kind]
        elif upcoming[kind]:
            soonest = min(upcoming[kind], key=lambda w: w.starts_on)
            day = when(soonest.starts_on, today)
            text = f"Available to {verb} on {soonest.provider} from {day}"
            lines.append(WatchLine(text, soonest.url))
            used.append(soonest)

    airings = sorted(current[TV] + upcoming[TV], key=lambda w: w.starts_on)
    if airings:
        airing = airings[0]
        day = (
            "now" if airing.starts_on <= today and airing.ends_on else when(airing.starts_on, today)
        )
        lines.append(WatchLine(f"On TV {day} on {airing.provider}", airing.url))
        used.append(airing)

    checked = [w.last_checked for w in used if w.last_checked]
    return WhereToWatch(lines=lines, checked_on=max(checked) if checked else None)
