"""Clock times in a named zone, and the zones editors may pick."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from magazine.zones import moment_from_clock, time_zone_names, validate_time_zone
from tests.factories import FilmFactory

UTC = datetime.UTC


def test_a_clock_time_in_los_angeles_is_the_moment_it_shows_there():
    clock = datetime.datetime(2024, 1, 10, 9, 0)
    assert moment_from_clock(clock, "America/Los_Angeles") == datetime.datetime(
        2024, 1, 10, 17, 0, tzinfo=UTC
    )
    summer = datetime.datetime(2024, 7, 10, 9, 0)
    assert moment_from_clock(summer, "America/Los_Angeles") == datetime.datetime(
        2024, 7, 10, 16, 0, tzinfo=UTC
    )


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(ValidationError) as error:
        moment_from_clock(datetime.datetime(2024, 3, 10, 2, 30), "America/Los_Angeles")
    assert error.value.code == "skipped_time"


def test_a_time_shown_twice_is_taken_at_its_second_showing():
    # 01:30 comes round twice when Los Angeles goes back to PST; the later one is 09:30 UTC.
    moment = moment_from_clock(datetime.datetime(2024, 11, 3, 1, 30), "America/Los_Angeles")
    assert moment == datetime.datetime(2024, 11, 3, 9, 30, tzinfo=UTC)


def test_the_zone_list_has_places_and_the_desk_zone_but_not_old_aliases(settings):
    names = time_zone_names()
    assert {"America/Los_Angeles", "Europe/London", "Asia/Tokyo", "UTC"} <= set(names)
    assert not {"US/Pacific", "Navajo", "EST5EDT", "localtime"} & set(names)
    assert names == sorted(names)


@pytest.mark.django_db
def test_a_film_refuses_an_unknown_zone():
    validate_time_zone("America/Los_Angeles")
    film = FilmFactory.build(review_embargo_timezone="Mars/Base")
    with pytest.raises(ValidationError) as error:
        film.full_clean(exclude=["slug"])
    assert "is not a time zone we know" in str(error.value.message_dict["review_embargo_timezone"])


@pytest.mark.django_db
def test_a_new_film_takes_the_desks_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    assert FilmFactory().review_embargo_timezone == "Europe/London"
