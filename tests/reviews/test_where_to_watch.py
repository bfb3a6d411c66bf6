"""The where-to-watch note across dates, with a fixed `today` (never the real clock)."""

import datetime
from dataclasses import dataclass

import pytest
import time_machine

from reviews.where_to_watch import where_to_watch
from tests.factories import AvailabilityFactory

TUESDAY = datetime.date(2023, 12, 19)  # the Friday after is 22 December 2023


@dataclass
class W:
    kind: str
    starts_on: datetime.date
    provider: str = ""
    ends_on: datetime.date | None = None
    region: str = "US"
    url: str = ""
    last_checked: datetime.date | None = None


def note(*windows, today=TUESDAY, region="US") -> str:
    return str(where_to_watch(windows, today=today, region=region))


def days(n: int) -> datetime.date:
    return TUESDAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("starts_in", "expected"),
    [
        (3, "In theaters Friday."),
        (1, "In theaters tomorrow."),
        (6, "In theaters Monday."),
        (7, "In theaters December 26."),
        (20, "In theaters January 8, 2024."),
        (0, "In theaters now."),
        (-10, "In theaters now."),
    ],
)
def test_theatrical_release_reads_relative_to_today(starts_in, expected):
    assert note(W("theatrical", days(starts_in))) == expected


def test_theatrical_run_that_has_ended_says_nothing():
    result = where_to_watch(
        [W("theatrical", days(-60), ends_on=days(-1))], today=TUESDAY, region="US"
    )
    assert not result
    assert str(result) == ""


def test_nothing_known_gives_an_empty_note():
    assert not where_to_watch([], today=TUESDAY, region="US")


def test_streaming_window_names_the_providers():
    assert note(W("streaming", days(-5), "Hulu")) == "Available to stream on Hulu."
    assert (
        note(W("streaming", days(-5), "Hulu"), W("streaming", days(-1), "Max"))
        == "Available to stream on Hulu and Max."
    )


def test_upcoming_streaming_window_says_when():
    assert note(W("streaming", days(3), "Hulu")) == "Available to stream on Hulu from Friday."


def test_theaters_then_streaming_as_time_passes():
    windows = [
        W("theatrical", datetime.date(2023, 12, 22), ends_on=datetime.date(2024, 2, 29)),
        W("streaming", datetime.date(2024, 3, 1), "Hulu"),
    ]
    assert note(*windows, today=TUESDAY) == (
        "In theaters Friday. Available to stream on Hulu from March 1, 2024."
    )
    assert note(*windows, today=datetime.date(2024, 1, 5)) == (
        "In theaters now. Available to stream on Hulu from March 1."
    )
    assert note(*windows, today=datetime.date(2024, 6, 1)) == "Available to stream on Hulu."


def test_other_regions_are_ignored():
    assert note(W("streaming", days(-5), "Disney+", region="GB")) == ""
    assert note(W("streaming", days(-5), "Disney+", region="GB"), region="gb") == (
        "Available to stream on Disney+."
    )


def test_rent_buy_and_tv():
    assert note(W("rent_buy", days(-5), "Apple TV")) == "Available to rent or buy on Apple TV."
    assert note(W("tv", days(3), "BBC Two")) == "On TV Friday on BBC Two."
    assert note(W("tv", days(-1), "BBC Two")) == ""  # a broadcast is one day


def test_as_of_date_is_the_latest_check_of_the_windows_used():
    result = where_to_watch(
        [
            W("streaming", days(-5), "Hulu", last_checked=days(-2)),
            W("streaming", days(-5), "Max", last_checked=days(-1)),
            W("theatrical", days(-90), ends_on=days(-30), last_checked=days(0)),
        ],
        today=TUESDAY,
        region="US",
    )
    assert result.checked_on == days(-1)


@pytest.mark.django_db
def test_film_note_uses_local_today_and_site_region(settings):
    settings.MAGAZINE_REGION = "US"
    availability = AvailabilityFactory(
        kind="theatrical", provider="", starts_on=datetime.date(2023, 12, 22)
    )
    with time_machine.travel(datetime.datetime(2023, 12, 19, 12, tzinfo=datetime.UTC), tick=False):
        assert str(availability.film.where_to_watch()) == "In theaters Friday."
    with time_machine.travel(datetime.datetime(2023, 12, 22, 12, tzinfo=datetime.UTC), tick=False):
        assert str(availability.film.where_to_watch()) == "In theaters now."
