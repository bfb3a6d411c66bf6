"""Time zones as editors meet them: IANA names, a clock time in a named zone, and a moment told
in a zone. Imports nothing of the apps."""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format

# Zones named for a place (“America/Los_Angeles”); the old aliases (“US/Pacific”, “Navajo”)
# and POSIX rules (“EST5EDT”) would only make the list longer and easier to misread.
REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
MOMENT_FORMAT = "j M Y, H:i T"


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"}) | {"UTC"}


def time_zone_names() -> list[str]:
    """The zones an editor picks from: place names, UTC and the desk's own zone, A to Z."""
    names = {name for name in _known_zones() if name.split("/", 1)[0] in REGIONS}
    return sorted(names | {"UTC", settings.TIME_ZONE})


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def desk_time_zone() -> str:
    """The magazine's own zone (settings.TIME_ZONE), the default wherever a zone is asked for."""
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in _known_zones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Use a name such as America/Los_Angeles "
            "or Europe/London.",
            code="invalid_time_zone",
            params={"value": value},
        )


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def moment_from_clock(clock: datetime.datetime, zone_name: str) -> datetime.datetime:
    """The moment (in UTC) when a clock in `zone_name` shows `clock`, a naive date and time.

    Raises ValidationError for a time the clocks skip (they go forward over it). A time the
    clocks show twice (they go back) is taken at its second showing, so nothing can go out
    before either.
    """
    place = zone(zone_name)
    first = clock.replace(tzinfo=place, fold=0)
    second = clock.replace(tzinfo=place, fold=1)
    moment = second if first.utcoffset() != second.utcoffset() else first
    shown = moment.astimezone(datetime.UTC).astimezone(place).replace(tzinfo=None)
    if shown != clock:
        raise ValidationError(
            "%(clock)s does not exist in %(zone)s: the clocks go forward over it that night. "
            "Check the time with the distributor.",
            code="skipped_time",
            params={"clock": date_format(clock, "j M Y, H:i"), "zone": zone_name},
        )
    return moment.astimezone(datetime.UTC)


@functools.cache
def _months(language: str | None) -> tuple[str, ...]:
    with translation.override(language):
        return tuple(str(MONTHS_3[number]).title() for number in range(1, 13))


def describe_moment(moment: datetime.datetime, zone_name: str | None = None) -> str:
    """“10 Jan 2024, 09:00 PST”: a moment as a clock in that zone (default: the desk's) shows it.

    The same text as date_format(…, MOMENT_FORMAT), written directly: lists show two a row,
    and the general formatter was a third of the review list's time."""
    place = zone(zone_name) if zone_name else timezone.get_default_timezone()
    local = moment.astimezone(place)
    month = _months(translation.get_language())[local.month - 1]
    return f"{local.day} {month} {local.year}, {local:%H:%M} {local.tzname()}"


def describe_moment_for_desk(moment: datetime.datetime, zone_name: str) -> str:
    """The moment in `zone_name`, and in the desk's zone too when that is another zone:
    “10 Jan 2024, 09:00 PST (America/Los_Angeles), which is 10 Jan 2024, 17:00 UTC here”."""
    local = describe_moment(moment, zone_name)
    desk = describe_moment(moment)
    if zone_name == settings.TIME_ZONE:
        return local
    return f"{local} ({zone_name}), which is {desk} on the desk's clock ({settings.TIME_ZONE})"
