"""Whole-file failures of loaddata: each is one line naming the file, and loads nothing."""

import codecs
import json

import pytest

from reviews.models import Review
from tests.factories import fixture_objects
from tests.magazine.test_loaddata import assert_nothing_loaded, load, load_fails, write

pytestmark = pytest.mark.django_db


def write_bytes(tmp_path, data: bytes, name: str = "import.json") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def one_line(message: str) -> str:
    assert "\n" not in message, message
    assert "Traceback" not in message and "RecursionError" not in message
    return message


def test_a_thousand_levels_of_nesting_is_one_line_naming_the_file(tmp_path):
    message = one_line(load_fails(write_bytes(tmp_path, b"[" * 1000)))
    assert message.startswith("Nothing was loaded: ")
    assert "import.json" in message
    assert "nested more than 20 levels deep" in message
    assert_nothing_loaded()


def test_nesting_past_the_limit_inside_a_valid_object_is_refused(tmp_path):
    objects = fixture_objects()
    deep: list = []
    for _ in range(25):
        deep = [deep]
    objects[0]["fields"]["name"] = deep
    message = one_line(load_fails(write(tmp_path, objects)))
    assert "import.json" in message and "nested more than 20 levels deep" in message
    assert_nothing_loaded()


def test_nesting_in_json_lines_is_refused_naming_the_line(tmp_path):
    path = write_bytes(tmp_path, b'{"model": "reviews.genre"}\n' + b"[" * 5000 + b"\n", "a.jsonl")
    message = one_line(load_fails(path))
    assert "a.jsonl, line 2" in message and "nested more than 20 levels deep" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.FIXTURE_MAX_BYTES = 1000
    path = write(tmp_path, fixture_objects())
    message = one_line(load_fails(path))
    assert "import.json" in message
    assert "larger than the 1,000-byte limit for one fixture (FIXTURE_MAX_BYTES)" in message
    assert_nothing_loaded()


def test_a_compressed_file_over_the_size_limit_once_unpacked_is_refused(tmp_path, settings):
    import gzip

    settings.FIXTURE_MAX_BYTES = 1000
    path = write_bytes(tmp_path, gzip.compress(b" " * 100_000 + b"[]"), "bomb.json.gz")
    message = one_line(load_fails(path))
    assert "bomb.json.gz" in message and "larger than the 1,000-byte limit" in message


def test_more_objects_than_the_limit_are_refused(tmp_path, settings):
    settings.FIXTURE_MAX_OBJECTS = 5
    message = one_line(load_fails(write(tmp_path, fixture_objects())))
    assert "import.json" in message
    assert "holds 13 objects; one fixture may hold at most 5 (FIXTURE_MAX_OBJECTS)" in message
    assert_nothing_loaded()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    text = json.dumps(fixture_objects(), ensure_ascii=False).replace("Drama", "Drâma")
    message = one_line(load_fails(write_bytes(tmp_path, text.encode("latin-1"))))
    assert "import.json" in message
    assert "is not UTF-8 text (byte 0xe2 at position" in message
    assert "save it as UTF-8" in message
    assert_nothing_loaded()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello", "not valid JSON: Expecting value"),
        (b"", "the file ends early"),
        (b'{"model": "reviews.genre", "fields": {}}', "a JSON fixture is a list of objects"),
        (b"42", "a JSON fixture is a list of objects"),
    ],
)
def test_not_json_or_not_a_list_is_one_line(tmp_path, content, expected):
    message = one_line(load_fails(write_bytes(tmp_path, content)))
    assert "import.json" in message and expected in message
    assert_nothing_loaded()


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    text = json.dumps(fixture_objects(), ensure_ascii=False)
    load(write_bytes(tmp_path, codecs.BOM_UTF8 + text.encode()))
    assert Review.objects.count() == 2


def test_json_lines_with_a_byte_order_mark_loads(tmp_path):
    lines = "\n".join(json.dumps(item) for item in fixture_objects())
    load(write_bytes(tmp_path, codecs.BOM_UTF8 + lines.encode(), "import.jsonl"))
    assert Review.objects.count() == 2
