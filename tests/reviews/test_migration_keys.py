"""The migration that gives credits and windows their keys keeps every existing row."""

import datetime

# People at its newest: its edit versions are columns the rows below must fill.
BEFORE = [
    ("reviews", "0020_reader_text_refuses_control_characters"),
    ("people", "0006_reader_text_refuses_control_characters"),
]
AFTER = [("reviews", "0021_credit_and_window_keys_that_survive_corrections")]


def test_existing_credits_and_windows_are_kept_and_get_distinct_keys(migrate):
    old = migrate(BEFORE)
    Film, Person = old.get_model("reviews", "Film"), old.get_model("people", "Person")
    Credit, Availability = (
        old.get_model("reviews", "Credit"),
        old.get_model("reviews", "Availability"),
    )
    film = Film.objects.create(title="All of Us Strangers", slug="strangers", year=2023)
    other = Film.objects.create(title="Weekend", slug="weekend", year=2011)
    bell = Person.objects.create(name="Jamie Bell", slug="jamie-bell")
    # What the old keys made of a corrected character: the same person twice in the cast.
    Credit.objects.create(film=film, person=bell, role="cast", character="Adam's dad")
    Credit.objects.create(film=film, person=bell, role="cast", character="Adam's Dad")
    Credit.objects.create(film=other, person=bell, role="cast", character="Russell")
    for day in (1, 8):
        Availability.objects.create(
            film=film,
            kind="streaming",
            provider="Hulu",
            region="US",
            starts_on=datetime.date(2024, 3, day),
        )
    Availability.objects.create(
        film=film,
        kind="theatrical",
        provider="",
        region="US",
        starts_on=datetime.date(2023, 12, 22),
    )

    new = migrate(AFTER)

    Credit, Availability = (
        new.get_model("reviews", "Credit"),
        new.get_model("reviews", "Availability"),
    )
    assert list(Credit.objects.order_by("pk").values_list("film__slug", "character", "key")) == [
        ("strangers", "Adam's dad", "jamie-bell-cast"),
        ("strangers", "Adam's Dad", "jamie-bell-cast-2"),
        ("weekend", "Russell", "jamie-bell-cast"),
    ]
    assert list(Availability.objects.order_by("pk").values_list("starts_on__day", "key")) == [
        (1, "streaming-hulu-us"),
        (8, "streaming-hulu-us-2"),
        (22, "theatrical-us"),
    ]
