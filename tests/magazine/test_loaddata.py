"""loaddata validates every object before it writes any: bad input loads nothing and says why."""

import gzip
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from people.models import Critic, Person
from reviews.models import (
    REVIEW_BODY_MAX_CHARS,
    Availability,
    Credit,
    Film,
    Genre,
    Review,
    ReviewRevision,
    TaggedReview,
)
from tests.factories import GenreFactory, fixture_object, fixture_objects

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    Person,
    Critic,
    Genre,
    Film,
    Credit,
    Availability,
    Review,
    Tag,
    TaggedReview,
    ReviewRevision,
]
REVIEW = 'object 10: reviews.review ["strangers-kimber-myers"]'


def write(tmp_path, objects, name="import.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(objects, indent=1))
    return str(path)


def load(*labels, **options) -> str:
    out = io.StringIO()
    call_command("loaddata", *labels, stdout=out, **options)
    return out.getvalue()


def load_fails(*labels, **options) -> str:
    with pytest.raises(CommandError) as failure:
        load(*labels, **options)
    assert "Traceback" not in str(failure.value)
    return str(failure.value)


def assert_nothing_loaded() -> None:
    counts = {model.__name__: model.objects.count() for model in CONTENT_MODELS}
    assert counts == dict.fromkeys(counts, 0)


def bad_review(**fields) -> list[dict]:
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", "strangers-kimber-myers").update(fields)
    return objects


# A valid fixture ----------------------------------------------------------------------------


def test_a_valid_fixture_loads_every_object_with_derived_fields(tmp_path):
    output = load(write(tmp_path, fixture_objects()))

    assert "Installed 13 object(s) from 1 fixture(s): 13 created" in output
    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.body_html == (
        "<p>Adam lives almost alone in a London tower.</p>\n<p>He takes a <em>train</em> home.</p>"
    )
    assert review.word_count == 13
    assert review.rating == Decimal("4.5")
    assert review.first_published_at == review.publish_at
    assert sorted(review.tags.names()) == ["grief"]
    assert [g.slug for g in review.film.genres.all()] == ["drama"]
    assert review.film.directors[0].slug == "andrew-haigh"
    assert not review.is_edited_since_import()


def test_published_reviews_appear_on_public_pages_at_once_and_drafts_do_not(client, tmp_path):
    objects = fixture_objects()
    # Published with no publish time: it goes live as it is loaded.
    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["publish_at"] = None
    load(write(tmp_path, objects))

    home = client.get("/").content.decode()
    assert "A ghost story about learning to be loved" in home
    assert "A second look, not yet ready" not in home
    assert client.get("/reviews/strangers-kimber-myers/").status_code == 200
    assert client.get("/reviews/strangers-second-look/").status_code == 404
    assert Review.objects.get(slug="strangers-second-look").publish_at is None


def test_loading_the_same_fixture_twice_changes_nothing(tmp_path):
    path = write(tmp_path, fixture_objects())
    load(path)
    before = {r.slug: (r.updated_at, r.imported_at) for r in Review.objects.all()}

    with CaptureQueriesContext(connection) as queries:
        output = load(path)

    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert "0 created, 0 updated, 13 unchanged, 0 review revision(s)" in output
    assert {r.slug: (r.updated_at, r.imported_at) for r in Review.objects.all()} == before
    assert ReviewRevision.objects.count() == 0


def test_a_corrected_fixture_updates_what_it_names_and_leaves_the_rest(tmp_path):
    load(write(tmp_path, fixture_objects()))
    draft_before = Review.objects.get(slug="strangers-second-look").updated_at
    correction = [
        {
            "model": "reviews.review",
            "fields": {"slug": "strangers-kimber-myers", "headline": "Corrected headline"},
        },
        {
            "model": "reviews.film",
            "fields": {"slug": "all-of-us-strangers", "runtime_minutes": 106},
        },
    ]

    output = load(write(tmp_path, correction, "correction.json"))

    assert "0 created, 2 updated, 0 unchanged, 1 review revision(s)" in output
    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.headline == "Corrected headline"
    assert review.body.startswith("Adam lives")  # fields the correction leaves out stay
    assert Film.objects.get().runtime_minutes == 106
    assert Review.objects.get(slug="strangers-second-look").updated_at == draft_before
    latest = review.revisions.latest()
    assert (latest.source, latest.data["headline"]) == ("import", "Corrected headline")


def test_ids_and_sequences_are_right_after_a_load(tmp_path):
    objects = fixture_objects()
    objects.append(
        {
            "model": "reviews.reviewrevision",
            "pk": 40,
            "fields": {
                "review": ["strangers-kimber-myers"],
                "created_at": "2023-12-20T14:00:00Z",
                "source": "import",
                "data": {"headline": "An older headline"},
            },
        }
    )
    load(write(tmp_path, objects))

    review = Review.objects.get(slug="strangers-kimber-myers")
    fresh = ReviewRevision.objects.create(review=review, data={})
    assert fresh.pk > 40
    new_review = Review.objects.create(
        film=review.film, critic=review.critic, headline="New", slug="new", body="Text."
    )
    assert new_review.pk > max(r.pk for r in Review.objects.exclude(pk=new_review.pk))


# Formats and stock options ----------------------------------------------------------------


def test_json_lines_fixtures_load(tmp_path):
    path = tmp_path / "import.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in fixture_objects()) + "\n")
    load(str(path))
    assert Review.objects.count() == 2


def test_compressed_fixtures_load(tmp_path):
    path = tmp_path / "import.json.gz"
    path.write_bytes(gzip.compress(json.dumps(fixture_objects()).encode()))
    load(str(path))
    assert Review.objects.count() == 2


def test_stdin_with_format_loads(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(fixture_objects())))
    load("-", format="json")
    assert Review.objects.count() == 2


def test_stdin_without_format_is_refused():
    assert "--format must be specified" in load_fails("-")


def test_database_and_app_options_work():
    load("demo", database="default", app_label="reviews")
    assert Review.objects.count() == 2


def test_exclude_skips_models_and_apps(tmp_path):
    path = write(tmp_path, fixture_objects())
    load(path, exclude=["reviews.review", "reviews.taggedreview", "taggit"])
    assert (Review.objects.count(), Tag.objects.count(), Film.objects.count()) == (0, 0, 1)


def test_ignorenonexistent_skips_unknown_fields_and_models(tmp_path):
    objects = bad_review(score=9)
    objects.append({"model": "reviews.rumour", "fields": {"text": "?"}})
    load(write(tmp_path, objects), ignore=True)
    assert Review.objects.count() == 2


def test_xml_fixtures_are_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "import.xml"
    path.write_text('<?xml version="1.0"?><django-objects version="1.0"></django-objects>')
    message = load_fails(str(path))
    assert "xml fixtures are not read by this project's loaddata" in message


def test_the_demo_fixture_still_loads():
    output = load("demo")
    assert "33 created" in output
    assert Review.objects.published().count() == 2


def test_images_are_paths_in_the_media_folder(tmp_path, settings):
    (settings.MEDIA_ROOT / "posters").mkdir(parents=True)
    (settings.MEDIA_ROOT / "posters" / "strangers.jpg").write_bytes(b"not really a jpeg")
    poster = {"file": "posters/strangers.jpg", "alt_text": "Poster for Strangers", "credit": "A"}
    objects = [{"model": "library.image", "fields": poster}, *fixture_objects()]
    fixture_object(objects, "reviews.film")["poster"] = ["posters/strangers.jpg"]
    load(write(tmp_path, objects))
    assert Film.objects.get().poster.file.name == "posters/strangers.jpg"
    assert Film.objects.get().poster_alt == "Poster for Strangers"


# Bad input: each loads nothing and names the file, position, model, key, field and problem --


def test_malformed_json(tmp_path):
    path = tmp_path / "import.json"
    path.write_text('[\n {"model": "reviews.genre" "fields": {}}\n]')
    message = load_fails(str(path))
    assert "import.json, line 2, column 28: not valid JSON: Expecting ',' delimiter" in message
    assert_nothing_loaded()


def test_truncated_file(tmp_path):
    text = json.dumps(fixture_objects(), indent=1)
    path = tmp_path / "import.json"
    path.write_text(text[: len(text) // 2])
    message = load_fails(str(path))
    assert "import.json, line" in message
    assert "the file ends early" in message and "truncated" in message
    assert_nothing_loaded()


def test_unknown_model(tmp_path):
    objects = fixture_objects()
    objects[0]["model"] = "reviews.gnere"
    message = load_fails(write(tmp_path, objects))
    assert 'import.json, object 1: unknown model "reviews.gnere"' in message
    assert_nothing_loaded()


def test_unknown_field(tmp_path):
    message = load_fails(write(tmp_path, bad_review(score=9)))
    assert f'{REVIEW}, field "score": reviews.review has no such field' in message
    assert_nothing_loaded()


def test_review_of_a_film_that_does_not_exist(tmp_path):
    message = load_fails(write(tmp_path, bad_review(film=["no-such-film"])))
    assert (
        f'{REVIEW}, field "film": there is no film ["no-such-film"] in the fixtures or the '
        "database" in message
    )
    assert_nothing_loaded()


def test_credit_for_a_person_that_does_not_exist(tmp_path):
    objects = fixture_objects()
    objects[7]["fields"]["person"] = ["nobody-at-all"]
    message = load_fails(write(tmp_path, objects))
    assert (
        'object 8: reviews.credit ["all-of-us-strangers", "nobody-at-all", "cast"], '
        'field "person": there is no person ["nobody-at-all"]' in message
    )
    assert_nothing_loaded()


def test_reference_by_numeric_id_is_refused(tmp_path):
    message = load_fails(write(tmp_path, bad_review(film=1)))
    assert (
        f'{REVIEW}, field "film": refers to a film by numeric id 1; name it by its natural key'
        in message
    )
    assert_nothing_loaded()


def test_invalid_state(tmp_path):
    message = load_fails(write(tmp_path, bad_review(state="live")))
    assert f"{REVIEW}, field \"state\": Value 'live' is not a valid choice." in message
    assert_nothing_loaded()


@pytest.mark.parametrize(
    ("rating", "problem"),
    [
        ("6", "Ensure this value is less than or equal to 5."),
        ("0", "Ensure this value is greater than or equal to 0.5."),
        ("3.3", "Ratings go in half stars"),
    ],
)
def test_rating_out_of_range(tmp_path, rating, problem):
    message = load_fails(write(tmp_path, bad_review(rating=rating)))
    assert f'{REVIEW}, field "rating": {problem}' in message
    assert_nothing_loaded()


def test_empty_headline(tmp_path):
    message = load_fails(write(tmp_path, bad_review(headline="")))
    assert f'{REVIEW}, field "headline": This field cannot be blank.' in message
    assert_nothing_loaded()


def test_headline_longer_than_the_limit(tmp_path):
    message = load_fails(write(tmp_path, bad_review(headline="x" * 201)))
    expected = "Ensure this value has at most 200 characters (it has 201)."
    assert f'{REVIEW}, field "headline": {expected}' in message
    assert_nothing_loaded()


def test_slug_breaking_the_slug_rules(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", "strangers-second-look")["slug"] = "Not a slug!"
    message = load_fails(write(tmp_path, objects))
    assert (
        'object 11: reviews.review ["Not a slug!"], field "slug": Enter a valid “slug”' in message
    )
    assert_nothing_loaded()


def test_duplicate_slug_within_the_file(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.review", "strangers-second-look")["slug"] = (
        "strangers-kimber-myers"
    )
    message = load_fails(write(tmp_path, objects))
    assert (
        'object 11: reviews.review ["strangers-kimber-myers"]: appears twice in the fixtures '
        "(also " in message
    )
    assert "import.json, object 10)" in message
    assert_nothing_loaded()


def test_unique_value_already_taken_in_the_database(tmp_path):
    GenreFactory(name="Drama", slug="drama-films")
    message = load_fails(write(tmp_path, fixture_objects()))
    assert (
        'object 1: reviews.genre ["drama"], field "name": another genre in the database '
        "already has this name" in message
    )
    assert Film.objects.count() == 0


def test_date_in_a_wrong_format(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.film")["release_date"] = "22/12/2023"
    message = load_fails(write(tmp_path, objects))
    assert (
        'object 6: reviews.film ["all-of-us-strangers"], field "release_date": '
        "“22/12/2023” value has an invalid date format. It must be in YYYY-MM-DD format."
    ) in message
    assert_nothing_loaded()


def test_model_clean_runs(tmp_path):
    objects = fixture_objects()
    fixture_object(objects, "reviews.film")["source_title"] = ""
    message = load_fails(write(tmp_path, objects))
    assert 'field "source_title": Name the source when you give its author.' in message
    assert_nothing_loaded()


def test_body_with_a_script_tag_loads_but_never_renders_as_script(client, tmp_path):
    body = "Fine words.\n\n<script>alert('owned')</script>\n\n<img src=x onerror=alert(1)>"
    load(write(tmp_path, bad_review(body=body, headline="<script>alert(2)</script>")))

    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.body == body
    assert "<script" not in review.body_html and "onerror" not in review.body_html
    page = client.get(review.get_absolute_url()).content.decode()
    # The only script element a review page has is its JSON-LD data block.
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="application/ld+json">']
    assert "<script>alert" not in page and "onerror" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_a_ten_megabyte_body_is_refused_with_a_clear_limit(tmp_path):
    body = "word " * (2 * 1024 * 1024)
    message = load_fails(write(tmp_path, bad_review(body=body)))
    expected = f"Ensure this value has at most {REVIEW_BODY_MAX_CHARS} characters (it has"
    assert f'{REVIEW}, field "body": {expected} {len(body)})' in message
    assert_nothing_loaded()


def test_a_missing_image_file(tmp_path):
    headshot = {"file": "people/haigh.jpg", "alt_text": "Andrew Haigh"}
    objects = [{"model": "library.image", "fields": headshot}, *fixture_objects()]
    fixture_object(objects, "people.person", "andrew-haigh")["headshot"] = ["people/haigh.jpg"]
    message = load_fails(write(tmp_path, objects))
    assert (
        'object 1: library.image ["people/haigh.jpg"], field "file": the image '
        '"people/haigh.jpg" is missing: no such file in the media folder' in message
    )
    assert_nothing_loaded()


def test_an_image_path_outside_the_media_folder(tmp_path):
    poster = {"file": "../../etc/passwd", "alt_text": "A poster"}
    objects = [{"model": "library.image", "fields": poster}, *fixture_objects()]
    message = load_fails(write(tmp_path, objects))
    assert 'field "file": "../../etc/passwd" is not a path inside the media folder' in message
    assert_nothing_loaded()


def test_every_problem_is_listed_at_once(tmp_path):
    objects = bad_review(state="live", rating="9")
    fixture_object(objects, "reviews.film")["year"] = 1700
    message = load_fails(write(tmp_path, objects))
    assert message.startswith("Nothing was loaded: 3 problem(s) in the fixtures.")
    assert 'field "year"' in message and 'field "state"' in message
    assert_nothing_loaded()


def test_a_problem_in_a_second_fixture_loads_nothing_from_the_first(tmp_path):
    good = write(tmp_path, fixture_objects()[:5], "people.json")
    bad = write(tmp_path, [{"model": "reviews.genre", "fields": {"name": "", "slug": "x"}}])
    message = load_fails(good, bad)
    assert 'import.json, object 1: reviews.genre ["x"], field "name"' in message
    assert_nothing_loaded()


def test_the_complete_example_in_the_docs_loads(client, settings, tmp_path):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "fixtures.md").read_text()
    example = docs.split("### A complete example")[1].split("```json")[1].split("```")[0]
    (settings.MEDIA_ROOT / "posters").mkdir(parents=True)
    (settings.MEDIA_ROOT / "posters" / "all-of-us-strangers.jpg").write_bytes(b"a poster")

    output = load(write(tmp_path, json.loads(example)))

    assert "20 created" in output
    film = Film.objects.get(slug="all-of-us-strangers")
    assert film.poster.file.name == "posters/all-of-us-strangers.jpg"
    assert [d.slug for d in film.directors] == ["andrew-haigh"]
    assert client.get("/reviews/all-of-us-strangers-kimber-myers/").status_code == 200
    assert client.get("/reviews/all-of-us-strangers-revisited/").status_code == 404


def test_a_load_makes_cached_reader_pages_fresh_at_once(client, tmp_path):
    """Bulk writes bypass save(), so the loader itself must make cached pages stale."""
    objects = fixture_objects()
    load(write(tmp_path, objects))
    review = Review.objects.get(slug="strangers-kimber-myers")
    assert review.headline in client.get("/").content.decode()  # cached now

    fixture_object(objects, "reviews.review", "strangers-kimber-myers")["headline"] = (
        "A corrected headline from the distributor"
    )
    load(write(tmp_path, objects, name="correction.json"))

    home = client.get("/").content.decode()
    assert "A corrected headline from the distributor" in home
    assert review.headline not in home


def test_a_load_makes_new_reviews_findable(client, tmp_path):
    load(write(tmp_path, fixture_objects()))
    response = client.get("/search/", {"q": "tower"})  # a word only in the body
    assert "strangers-kimber-myers" in response.content.decode()


# A film's genres are a list in order (reviews.FilmGenre keeps the order) -----------------


def genres_in_film_order(slug: str) -> list[str]:
    from reviews.models import FilmGenre

    return [link.genre.slug for link in FilmGenre.objects.filter(film__slug=slug)]


def test_a_films_genres_load_in_the_fixtures_order_and_a_reload_reorders_them(tmp_path):
    objects = fixture_objects()
    objects.insert(0, {"model": "reviews.genre", "fields": {"name": "Romance", "slug": "romance"}})
    film = fixture_object(objects, "reviews.film", "all-of-us-strangers")
    film["genres"] = [["romance"], ["drama"]]  # not the order of their names
    load(write(tmp_path, objects))
    assert genres_in_film_order("all-of-us-strangers") == ["romance", "drama"]

    film["genres"] = [["drama"], ["romance"], ["drama"]]  # a repeat keeps its first place
    output = load(write(tmp_path, objects, "again.json"))
    assert "0 created, 1 updated" in output, output
    assert genres_in_film_order("all-of-us-strangers") == ["drama", "romance"]

    output = load(write(tmp_path, objects, "same.json"))
    assert "0 created, 0 updated" in output, output
    assert genres_in_film_order("all-of-us-strangers") == ["drama", "romance"]


def test_dumpdata_writes_a_films_genres_in_order_and_no_rows_of_their_own(tmp_path):
    objects = fixture_objects()
    objects.insert(0, {"model": "reviews.genre", "fields": {"name": "Romance", "slug": "romance"}})
    fixture_object(objects, "reviews.film", "all-of-us-strangers")["genres"] = [
        ["romance"],
        ["drama"],
    ]
    load(write(tmp_path, objects))
    out = io.StringIO()
    call_command("dumpdata", "reviews", natural_foreign=True, natural_primary=True, stdout=out)
    dumped = json.loads(out.getvalue())
    assert not [item for item in dumped if item["model"] == "reviews.filmgenre"]
    assert fixture_object(dumped, "reviews.film")["genres"] == [["romance"], ["drama"]]


def test_genre_rows_given_on_their_own_are_refused_with_a_message(tmp_path):
    objects = fixture_objects()
    objects.append(
        {
            "model": "reviews.filmgenre",
            "fields": {"film": ["all-of-us-strangers"], "genre": ["drama"]},
        }
    )
    message = load_fails(write(tmp_path, objects))
    assert "reviews.filmgenre" in message
    assert_nothing_loaded()
