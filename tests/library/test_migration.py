"""Posters, headshots and lead images move into the library with nothing lost, and back."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import image_bytes

BEFORE = [
    ("reviews", "0022_film_embargo_index"),
    ("people", "0006_reader_text_refuses_control_characters"),
]
AFTER = [
    ("reviews", "0025_posters_and_lead_images_only_in_library"),
    ("people", "0009_headshots_only_in_library"),
]


def test_stored_images_move_into_the_library_and_back(migrate):
    apps = migrate(BEFORE)
    poster = default_storage.save("posters/strangers.jpg", ContentFile(image_bytes(600, 900)))
    lead = default_storage.save("reviews/bus.jpg", ContentFile(image_bytes(1600, 900)))
    Person = apps.get_model("people", "Person")
    Critic = apps.get_model("people", "Critic")
    Film = apps.get_model("reviews", "Film")
    Review = apps.get_model("reviews", "Review")
    haigh = Person.objects.create(
        name="Andrew Haigh", slug="andrew-haigh", headshot="people/gone.jpg"
    )
    kimber = Person.objects.create(name="Kimber Myers", slug="kimber-myers")
    critic = Critic.objects.create(person=kimber, byline="Kimber Myers", slug="kimber-myers")
    film = Film.objects.create(
        title="All of Us Strangers", slug="strangers", year=2023, poster=poster
    )
    Review.objects.create(
        film=film,
        critic=critic,
        headline="A ghost story",
        slug="a-ghost-story",
        body="Text.",
        lead_image=lead,
        lead_image_alt="Two men on a night bus",
    )

    apps = migrate(AFTER)
    Image = apps.get_model("library", "Image")
    film = apps.get_model("reviews", "Film").objects.get()
    review = apps.get_model("reviews", "Review").objects.get()
    haigh = apps.get_model("people", "Person").objects.get(slug="andrew-haigh")
    assert film.poster.file.name == poster and (film.poster.width, film.poster.height) == (600, 900)
    assert film.poster.alt_text == "Poster for All of Us Strangers (2023)"
    assert review.lead_image.file.name == lead
    assert review.lead_image.alt_text == "Two men on a night bus"
    # A file already missing keeps its path in the library: nothing dropped in silence.
    assert haigh.headshot.file.name == "people/gone.jpg" and haigh.headshot.width is None
    assert haigh.headshot.alt_text == "Andrew Haigh"
    assert Image.objects.count() == 3

    apps = migrate(BEFORE)
    review = apps.get_model("reviews", "Review").objects.get()
    assert apps.get_model("reviews", "Film").objects.get().poster.name == poster
    assert (review.lead_image.name, review.lead_image_alt) == (lead, "Two men on a night bus")
    assert apps.get_model("people", "Person").objects.get(slug="andrew-haigh").headshot.name == (
        "people/gone.jpg"
    )
