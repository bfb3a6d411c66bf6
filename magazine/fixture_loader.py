"""Load fixtures so editors can trust them: validate everything, then write once, keep history.

Stock `loaddata` saves each object raw, with one query per natural-key reference and no
validation. `FixtureLoader` instead:

1. reads every fixture (JSON or JSON Lines) into plain records;
2. builds each object, resolving natural keys in batches (one query per model per few hundred
   keys, not one per reference);
3. validates every object as the admin would (field validators, choices, lengths, `clean()`,
   uniqueness against the database and within the fixtures, references, image files) and
   refuses the whole load, naming every problem, if anything is wrong;
4. refuses to overwrite a review an editor changed since an import last wrote it, unless told to;
5. writes only what changed, in bulk, in one transaction, keeps derived fields right
   (`refresh_derived_fields()`), records a revision for every review it changes, and resets
   sequences.

Objects are matched by natural key: a fixture updates the objects it names and leaves the rest
alone; fields it leaves out keep their current values.

Memory: a load holds every object from validation to the write (that is what lets it refuse the
whole load before writing anything), so what each object costs is kept small: records with
slots and shared empty values, the fixture's own dicts let go once each object is built, one
tuple per shape of object and one string per choice value, and review bodies rendered a chunk
at a time as they are written rather than all at validation (docs/performance.md, "Import
benchmark": at 20,000 reviews the peak is stock loaddata's, which holds the parsed file).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, router, transaction
from django.utils import timezone

from magazine.edit_guard import EditVersioned
from magazine.freshness import invalidate_everything
from magazine.timestamps import TimestampedModel
from magazine.zones import describe_moment
from reviews.models import Film, Review, ReviewRevision, ReviewTransition, TaggedReview
from reviews.services import revision_create
from reviews.tallies import refresh_all_tallies
from reviews.workflow import status_of

SUPPORTED_FORMATS = ("json", "jsonl")
# Written by the loader itself; a difference in these alone is not a change to the object.
BOOKKEEPING_FIELDS = frozenset({"updated_at", "imported_at", "import_fingerprint"})
MAX_PROBLEMS_SHOWN = 50
NOTHING: frozenset = frozenset()  # shared: each frozenset() call makes a new 216-byte object
# Rows per write (and per rendering of review bodies before it).
WRITE_CHUNK = 500
# A review's fields the loader fills as it writes, not while it validates (write_model).
RENDERED_AT_WRITE = ("body_html", "word_count")
# What a new review lets go of once written: its text, read back from the row if needed.
RELEASED_AFTER_WRITE = ("body", "body_html", "standfirst")

# Limits on one fixture file (docs/fixtures.md, "Limits"); settings of the same names override
# them. A fixture needs five levels of nesting (list, object, fields, a list of keys, a key);
# 256 MB is about 230,000 reviews with their films and people, and takes about 2.5 GB to load.
FIXTURE_MAX_BYTES = 256 * 1024 * 1024
FIXTURE_MAX_DEPTH = 20
FIXTURE_MAX_OBJECTS = 500_000


def limit(name: str) -> int:
    return getattr(settings, name, globals()[name])


def place(position: str | int) -> str:
    """Where an object is in its file: "object 12" (a JSON fixture's, kept as a number until
    shown) or "line 12" (JSON Lines)."""
    return f"object {position}" if isinstance(position, int) else position


@dataclass(frozen=True)
class Problem:
    source: str
    position: str
    message: str
    subject: str = ""
    field: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", place(self.position))

    def sort_key(self) -> tuple:
        """In file order: by source, then by object or line number."""
        digits = "".join(c if c.isdigit() else " " for c in self.position).split()
        return (self.source, int(digits[0]) if digits else 0, self.field)

    def __str__(self) -> str:
        where = f"{self.source}, {self.position}" if self.position else self.source
        if self.subject:
            where += f": {self.subject}"
        if self.field:
            where += f', field "{self.field}"'
        return f"{where}: {self.message}"


class FixtureError(Exception):
    """The fixtures cannot be loaded; nothing was written. `str()` lists every problem."""

    def __init__(self, problems: list[Problem], headline: str | None = None):
        self.problems = problems
        self.headline = headline or (
            f"Nothing was loaded: {len(problems)} problem(s) in the fixtures."
        )
        super().__init__(str(self))

    @classmethod
    def in_file(cls, source: str, message: str, position: str = "") -> FixtureError:
        """The whole file cannot be read: one line naming it."""
        problem = Problem(source, position, message)
        return cls([problem], headline=f"Nothing was loaded: {problem}")

    def __str__(self) -> str:
        if len(self.problems) == 1 and self.headline.endswith(str(self.problems[0])):
            return self.headline
        lines = [self.headline]
        lines += [f"  {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  … and {len(self.problems) - MAX_PROBLEMS_SHOWN} more.")
        return "\n".join(lines)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    revisions: int = 0
    models: set[type[models.Model]] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(eq=False, slots=True)
class Record:
    """One object from a fixture, and what the loader plans to do with it.

    A load holds one per object until it writes, so it is kept small: slots, and shared empty
    values until something is set (a 20,000-review load holds 60,000 of these).
    """

    source: str
    position: str | int  # see place()
    model: type[models.Model]
    data: dict | None  # dropped once the object is built and its key known
    pk: Any = None
    instance: models.Model | None = None
    existing: models.Model | None = None
    key: tuple | None = None
    given: set[str] | tuple[str, ...] = ()  # the attnames the fixture gives
    m2m: dict[str, list[models.Model]] | None = None
    m2m_added: dict[str, set] | None = None
    m2m_removed: dict[str, set] | None = None
    m2m_positions: dict[str, dict] | None = None  # a list's place of each item, when kept
    changed_fields: set[str] | frozenset[str] = frozenset()
    bad_fields: set[str] | frozenset[str] = frozenset()
    tags_before: set[str] | frozenset[str] = frozenset()
    failed: bool = False

    @property
    def subject(self) -> str:
        if self.key is not None and self.key[0] != "pk":
            described = json.dumps(list(self.key), ensure_ascii=False, default=str)
        else:
            described = describe_key(self.model, self.data, self.pk)
        return f"{self.model._meta.label_lower} {described}"


def describe_key(model: type[models.Model], data: dict, pk: Any) -> str:
    """The object's natural key as the fixture gives it, e.g. ["all-of-us-strangers"]; for a
    credit or window without a "key", what its key is made from."""
    paths = getattr(model, "natural_key_fields", None)
    if paths:
        if "key" in paths and "key" not in data:
            paths = [path for path in paths if path != "key"] + list(model.KEY_FROM)
        values: list[Any] = []
        for path in paths:
            value = data.get(path.split("__")[0])
            values.extend(value if isinstance(value, list) else [value])
        return json.dumps(values, ensure_ascii=False, default=str)
    return f"(pk {json.dumps(pk, default=str)})" if pk is not None else "(new object)"


def decode_fixture(content: bytes | bytearray | str, source: str) -> str:
    """A fixture's text: UTF-8, with or without a byte-order mark, within the size limit."""
    max_bytes = limit("FIXTURE_MAX_BYTES")
    if len(content) > max_bytes:
        raise FixtureError.in_file(
            source,
            f"the file is larger than the {max_bytes:,}-byte limit for one fixture "
            "(FIXTURE_MAX_BYTES); split it into several files",
        )
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FixtureError.in_file(
            source,
            f"the file is not UTF-8 text (byte 0x{content[error.start]:02x} at position "
            f"{error.start:,}); save it as UTF-8 and load it again",
        ) from None


class JsonItems(Sequence):
    """A JSON fixture's (position, object) pairs, made as they are read (the caller lets go of
    the file's text first), each position the object's number (see place())."""

    def __init__(self, data: list):
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        return (range(1, len(self.data) + 1)[index], self.data[index])

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return enumerate(self.data, 1)


def parse_fixture(text: str, ser_fmt: str, source: str) -> Sequence[tuple[str, Any]]:
    """Split a fixture's text into (position, object) pairs, or raise FixtureError."""
    if ser_fmt not in SUPPORTED_FORMATS:
        raise FixtureError.in_file(
            source,
            f"{ser_fmt} fixtures are not read by this project's loaddata; use JSON or "
            "JSON Lines (manage.py dumpdata --format json).",
        )
    max_depth, max_objects = limit("FIXTURE_MAX_DEPTH"), limit("FIXTURE_MAX_OBJECTS")
    too_deep = f"nested more than {max_depth} levels deep (FIXTURE_MAX_DEPTH; a fixture needs five)"
    if ser_fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problem = json_problem(error, text, source)
            raise FixtureError.in_file(source, problem.message, problem.position) from None
        except RecursionError:
            raise FixtureError.in_file(source, too_deep) from None
        if not isinstance(data, list):
            raise FixtureError.in_file(source, "a JSON fixture is a list of objects: [{…}, …]")
        if len(data) > max_objects:
            raise FixtureError.in_file(
                source,
                f"the file holds {len(data):,} objects; one fixture may hold at most "
                f"{max_objects:,} (FIXTURE_MAX_OBJECTS); split it into several files",
            )
        if deeper_than(data, max_depth):
            raise FixtureError.in_file(source, too_deep)
        return JsonItems(data)
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(items) == max_objects:
            raise FixtureError.in_file(
                source,
                f"the file holds more than {max_objects:,} objects, the most one fixture may "
                "hold (FIXTURE_MAX_OBJECTS); split it into several files",
            )
        position = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problem = json_problem(error, line, source)
            raise FixtureError.in_file(
                source, problem.message, f"{position}, column {error.colno}"
            ) from None
        except RecursionError:
            raise FixtureError.in_file(source, too_deep, position) from None
        if deeper_than([item], max_depth):
            raise FixtureError.in_file(source, too_deep, position)
        items.append((position, item))
    return items


def deeper_than(value: list | dict, levels: int) -> bool:
    """True when lists and objects in `value` nest more than `levels` deep (itself one)."""
    children = value.values() if isinstance(value, dict) else value
    nested = [child for child in children if isinstance(child, list | dict)]
    if not nested:
        return False
    return levels <= 1 or any(deeper_than(child, levels - 1) for child in nested)


def json_problem(error: json.JSONDecodeError, text: str, source: str) -> Problem:
    # A string left open runs to the end of the file: the file was cut off.
    runs_to_end = error.msg.startswith("Unterminated string") and "\n" not in text[error.pos :]
    if error.pos >= len(text.rstrip()) or runs_to_end:
        message = (
            f"the file ends early ({error.msg}): it is empty or was cut off before the "
            "end (truncated?)"
        )
    else:
        message = f"not valid JSON: {error.msg}"
    return Problem(source, f"line {error.lineno}, column {error.colno}", message)


def naive_time_message(given: Any, value: datetime.datetime) -> str:
    """Why a moment without a zone is refused, with the same clock time written with one."""
    shown = json.dumps(given, ensure_ascii=False, default=str)
    utc = value.isoformat().removesuffix("+00:00") + "Z"
    message = f'{shown} has no time zone. Write it with one: "{utc}" for UTC'
    if settings.TIME_ZONE != "UTC":
        desk = timezone.make_aware(value, zoneinfo.ZoneInfo(settings.TIME_ZONE)).isoformat()
        message += f', or "{desk}" for {settings.TIME_ZONE} (the desk\'s zone) on that date'
    return message


def with_valid_choices(error: ValidationError, field_: models.Field | None) -> str:
    """The error's message; for a value that is not one of the field's choices, the choices."""
    message = " ".join(error.messages)
    if error.code == "invalid_choice" and field_ is not None and field_.choices:
        valid = ", ".join(json.dumps(str(value)) for value, _ in field_.flatchoices)
        message += f" Valid values: {valid}."
    return message


def freeze(value: Any) -> Any:
    """Lists (natural keys in JSON) as tuples, so they can key a dict."""
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def has_natural_key(model: type[models.Model]) -> bool:
    return hasattr(model, "natural_key") and hasattr(model._default_manager, "get_by_natural_key")


def final_field(model: type[models.Model], path: str) -> models.Field:
    """The field a look-up path such as "film__slug" ends on."""
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


MISSING = object()


def list_order_field(field_: models.ManyToManyField) -> str | None:
    """The through model's field that keeps the list's order (`list_order_field`), if any."""
    return getattr(field_.remote_field.through, "list_order_field", None)


def list_many_to_many(model: type[models.Model]) -> list[models.ManyToManyField]:
    """Many-to-many fields a fixture sets as lists: plain ones, and those whose through model
    only keeps the list's order (Film.genres); not those with a through model of their own."""
    return [
        f
        for f in model._meta.many_to_many
        if f.remote_field.through._meta.auto_created or list_order_field(f)
    ]


class FixtureLoader:
    """Plans and performs one load of one or more fixtures into one database."""

    def __init__(
        self,
        *,
        using: str,
        ignore_unknown: bool = False,
        excluded_models: Iterable[type[models.Model]] = (),
        excluded_apps: Iterable[Any] = (),
        overwrite_edited: bool = False,
        allow_duplicates: bool = False,
        now: datetime.datetime | None = None,
    ):
        self.using = using
        self.connection = connections[using]
        self.ignore_unknown = ignore_unknown
        self.excluded_models = set(excluded_models)
        self.excluded_apps = set(excluded_apps)
        self.overwrite_edited = overwrite_edited
        self.allow_duplicates = allow_duplicates
        self.now = now or timezone.now()
        self.records: list[Record] = []
        self.problems: list[Problem] = []
        # Objects the fixtures name, by model and natural key (or ("pk", pk)).
        self.in_fixtures: dict[type[models.Model], dict[tuple, Record]] = defaultdict(dict)
        # Rows already fetched from the database, by model and natural key (or ("pk", pk)).
        self.in_database: dict[type[models.Model], dict[tuple, Any]] = defaultdict(dict)
        self.given_shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.shared_values: dict[str, str] = {}
        self.chunk_size = self.connection.features.max_query_params or 5000
        self.chunk_size = min(self.chunk_size - 10, 5000)

    # Reading -----------------------------------------------------------------------------

    def add(self, source: str, items: Iterable[tuple[str, Any]]) -> int:
        """Queue a fixture's objects; returns how many of them will be loaded."""
        queued = 0
        for position, item in items:
            if not isinstance(item, dict) or not isinstance(item.get("fields", {}), dict):
                self.problems.append(
                    Problem(source, position, 'expected an object with "model" and "fields"')
                )
                continue
            label = item.get("model")
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError, TypeError, AttributeError):
                if not self.ignore_unknown:
                    self.problems.append(
                        Problem(
                            source,
                            position,
                            f'unknown model "{label}" (expected "app_label.modelname", '
                            'e.g. "reviews.review")',
                        )
                    )
                continue
            if (
                model in self.excluded_models
                or model._meta.app_config in self.excluded_apps
                or not router.allow_migrate_model(self.using, model)
            ):
                continue
            if getattr(model, "list_order_field", None):
                self.problems.append(
                    Problem(
                        source,
                        position,
                        f"{model._meta.label_lower} rows are not loaded on their own: give them "
                        "as the list on the object they belong to, in order (e.g. a film's "
                        '"genres")',
                    )
                )
                continue
            self.records.append(
                Record(source, position, model, item.get("fields", {}), pk=item.get("pk"))
            )
            queued += 1
        return queued

    def problem(self, record: Record, message: str, field_name: str = "") -> None:
        record.failed = True
        record.bad_fields |= {field_name}
        self.problems.append(
            Problem(record.source, record.position, message, record.subject, field_name)
        )

    # The whole load ----------------------------------------------------------------------

    def load(self) -> LoadResult:
        """Validate every queued object, then write; raises FixtureError and writes nothing."""
        self.raise_problems()
        by_model: dict[type[models.Model], list[Record]] = defaultdict(list)
        for record in self.records:
            by_model[record.model].append(record)
        order = self.dependency_order(list(by_model))
        for model in order:
            self.build(model, by_model[model])
        for model in order:
            self.plan_many_to_many(model, by_model[model])
            self.check_unique(model, by_model[model])
        self.check_embargoes(by_model.get(Review, []))
        self.raise_problems()
        review_plan = ReviewImportPlan(
            self, by_model.get(Review, []), by_model.get(TaggedReview, [])
        )
        review_plan.prepare()
        self.raise_problems()
        # Checks of what the load would do, each refusing it with its own explanation.
        review_plan.check_near_duplicates()
        review_plan.check_edited()
        return self.write(order, by_model, review_plan)

    def check_embargoes(self, reviews: list[Record]) -> None:
        """Refuse a review that would be public while its film's review embargo holds (the
        film as it will be after this load: an embargo set in the same fixtures counts)."""
        for record in reviews:
            review = record.instance
            if record.failed or review.state != Review.State.PUBLISHED:
                continue
            film = review.film
            goes_out = review.publish_at or self.now
            if film.embargo_blocks(goes_out):
                self.problem(
                    record,
                    f"would be public from {describe_moment(goes_out)}, during the review "
                    f"embargo on {film}, which lifts at {film.review_embargo_description}; "
                    "give it a publish_at at or after that moment, or load it as a draft",
                    "publish_at",
                )

    def raise_problems(self) -> None:
        if self.problems:
            raise FixtureError(sorted(self.problems, key=Problem.sort_key))

    @staticmethod
    def dependency_order(present: list[type[models.Model]]) -> list[type[models.Model]]:
        """Models ordered so every object's references are written before it."""
        wanted = set(present)
        needs = {
            model: {
                f.related_model
                for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
                if f.is_relation and f.related_model in wanted and f.related_model is not model
            }
            for model in present
        }
        ordered: list[type[models.Model]] = []
        while len(ordered) < len(present):
            ready = [m for m in present if m not in ordered and needs[m] <= set(ordered)]
            if not ready:  # a cycle: keep the fixture's order for what is left
                ordered += [m for m in present if m not in ordered]
                break
            ordered += ready
        return ordered

    # Building ----------------------------------------------------------------------------

    def build(self, model: type[models.Model], records: list[Record]) -> None:
        """Turn records into model instances, merged onto the rows they update."""
        fields = {f.name: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
        self.prefetch_references(model, records, fields)
        natural = has_natural_key(model)
        for record in records:
            instance = model()
            for name, value in record.data.items():
                field_ = fields.get(name)
                if field_ is not None and not field_.serialize and not field_.primary_key:
                    continue  # derived data (the taggings' times): rebuilt after every load
                if field_ is None or field_.primary_key:
                    if not self.ignore_unknown:
                        self.problem(record, f"{model._meta.label_lower} has no such field", name)
                    continue
                self.set_value(record, instance, field_, value)
            if not natural and record.pk is not None:
                try:
                    instance.pk = model._meta.pk.to_python(record.pk)
                except ValidationError as error:
                    self.problem(record, "; ".join(error.messages), "pk")
            record.instance = instance
            try:
                if natural:
                    record.key = freeze(instance.natural_key())
                elif instance.pk is not None:
                    record.key = ("pk", instance.pk)
            except (ObjectDoesNotExist, AttributeError, TypeError, ValueError) as error:
                if not record.failed:  # otherwise the reason is already reported
                    self.problem(record, f"its natural key cannot be worked out ({error})")
                continue
            if record.key is not None:
                if (twin := self.in_fixtures[model].get(record.key)) is not None:
                    hint = (
                        "; if they are two rows (one person in two roles of the same kind, "
                        'two runs of a film on one service), give each a "key" of its own'
                        if getattr(model, "KEY_FROM", None) and "key" not in record.data
                        else ""
                    )
                    self.problem(
                        record,
                        "appears twice in the fixtures (also "
                        f"{twin.source}, {place(twin.position)}); "
                        f"each object may be named once{hint}",
                    )
                    continue
                self.in_fixtures[model][record.key] = record
        self.fetch(model, [r.key for r in records if r.key is not None], remember_missing=False)
        for record in records:
            # Records with a problem are still checked, so one run reports every problem.
            self.merge_and_validate(record)
            if record.key is not None:  # the instance holds the values now; the key names it
                record.data = None

    def set_value(
        self, record: Record, instance: models.Model, field_: models.Field, value: Any
    ) -> None:
        name = field_.name
        if field_.many_to_many:
            if field_ not in list_many_to_many(field_.model):
                through = field_.remote_field.through._meta.label_lower
                self.problem(record, f"give these as separate {through} objects", name)
                return
            if not isinstance(value, list):
                self.problem(record, "expected a list of natural keys", name)
                return
            targets = [self.reference(record, field_, item) for item in value]
            if not record.failed:
                record.m2m = {**(record.m2m or {}), name: targets}
            return
        if field_.is_relation:
            if value is None:
                setattr(instance, field_.attname, None)
            else:
                target = self.reference(record, field_, value)
                if target is MISSING:
                    return
                setattr(instance, name, target)
            record.given = self.given_with(record.given, field_.attname)
            return
        try:
            value = field_.to_python(value)
        except ValidationError as error:
            self.problem(record, "; ".join(error.messages), name)
            return
        except (TypeError, ValueError):
            shown = json.dumps(value, ensure_ascii=False, default=str)
            self.problem(record, f"{shown} is not a value this field can hold", name)
            return
        if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
            self.problem(record, naive_time_message(record.data[name], value), name)
            return
        if isinstance(field_, models.FileField) and value:
            self.check_file(record, field_, value)
        if field_.choices and isinstance(value, str):  # one "published" for every review
            value = self.shared_values.setdefault(value, value)
        setattr(instance, field_.attname, value)
        record.given = self.given_with(record.given, field_.attname)

    def given_with(self, given: tuple[str, ...], attname: str) -> tuple[str, ...]:
        """`given` and `attname`, as a tuple shared by every record that gives the same fields
        (one per shape of object, not one per object)."""
        extended = (*given, attname)
        return self.given_shapes.setdefault(extended, extended)

    def check_file(self, record: Record, field_: models.FileField, path: Any) -> None:
        if not isinstance(path, str):
            self.problem(record, "expected a path inside the media folder", field_.name)
            return
        try:
            found = field_.storage.exists(path)
        except (SuspiciousFileOperation, ValueError):
            found = None
        if found is None:
            self.problem(record, f'"{path}" is not a path inside the media folder', field_.name)
        elif not found:
            self.problem(
                record,
                f'the image "{path}" is missing: no such file in the media folder '
                f"({settings.MEDIA_ROOT})",
                field_.name,
            )

    # References --------------------------------------------------------------------------

    def prefetch_references(
        self, model: type[models.Model], records: list[Record], fields: dict
    ) -> None:
        """Fetch every object these records refer to, a batch of keys per query."""
        wanted: dict[type[models.Model], set] = defaultdict(set)
        for record in records:
            for name, value in record.data.items():
                field_ = fields.get(name)
                if field_ is None or not field_.is_relation or value is None:
                    continue
                target = field_.related_model
                for item in value if field_.many_to_many else [value]:
                    key = self.reference_key(target, item)
                    if key is not None and key not in self.in_fixtures[target]:
                        wanted[target].add(key)
        for target, keys in wanted.items():
            self.fetch(target, list(keys))

    @staticmethod
    def reference_key(target: type[models.Model], value: Any) -> tuple | None:
        if isinstance(value, list):
            return freeze(value) if has_natural_key(target) else None
        if has_natural_key(target):
            return None
        try:
            return ("pk", target._meta.pk.to_python(value))
        except ValidationError:
            return None

    def reference(self, record: Record, field_: models.Field, value: Any) -> Any:
        """The object a reference names, or MISSING (after reporting why)."""
        target = field_.related_model
        label = target._meta.verbose_name
        if has_natural_key(target):
            if not isinstance(value, list):
                given = json.dumps(value, ensure_ascii=False, default=str)
                what = f"numeric id {value}" if isinstance(value, int) else given
                self.problem(
                    record,
                    f"refers to a {label} by {what}; name it by its natural key instead, e.g. "
                    f"{self.example_key(target)} (manage.py dumpdata --natural-foreign "
                    "--natural-primary writes these)",
                    field_.name,
                )
                return MISSING
            key = freeze(value)
        else:
            key = self.reference_key(target, value)
        if (found := self.in_fixtures[target].get(key)) is not None:
            return found.instance
        row = self.in_database[target].get(key, MISSING)
        if row is MISSING or row is None:
            shown = json.dumps(value, ensure_ascii=False, default=str)
            self.problem(
                record,
                f"there is no {label} {shown} in the fixtures or the database",
                field_.name,
            )
            return MISSING
        return row

    @staticmethod
    def example_key(model: type[models.Model]) -> str:
        paths = getattr(model, "natural_key_fields", None) or ["…"]
        return json.dumps([f"<{path.replace('__', ' ')}>" for path in paths])

    def fetch(self, model: type[models.Model], keys: list, remember_missing: bool = True) -> None:
        """Load the database rows for these keys (natural keys or ("pk", pk)) into the cache.

        Keys not found are remembered as None, so they are not asked for again; not the keys
        of the fixtures' own objects (one per object), which are only ever asked for once."""
        cache = self.in_database[model]
        keys = [key for key in set(keys) if key not in cache]
        if not keys:
            return
        if remember_missing:
            for key in keys:
                cache[key] = None  # until found
        manager = model._default_manager.db_manager(self.using)
        related = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and (f.many_to_one or f.one_to_one) and not f.null
        ]
        if not has_natural_key(model):
            values = []
            for _, pk in keys:
                try:
                    values.append(model._meta.pk.to_python(pk))
                except ValidationError:
                    continue
            for chunk in chunked(values, self.chunk_size):
                for row in model._base_manager.using(self.using).filter(pk__in=chunk):
                    cache[("pk", row.pk)] = row
            return
        paths = getattr(model, "natural_key_fields", None)
        if not paths:
            for key in keys:
                with contextlib.suppress(ObjectDoesNotExist, ValidationError, ValueError):
                    cache[key] = manager.get_by_natural_key(*key)
            return
        lookups = [final_field(model, path) for path in paths]
        usable = []
        for key in keys:
            if len(key) != len(paths):
                continue
            try:
                for lookup_field, part in zip(lookups, key, strict=True):
                    lookup_field.to_python(part)
            except (ValidationError, TypeError):
                continue
            usable.append(key)
        related += [p.rsplit("__", 1)[0] for p in paths if "__" in p]
        queryset = manager.select_related(*dict.fromkeys(related))
        if model is Review:  # rendered again if the review changes; never compared
            queryset = queryset.defer(*RENDERED_AT_WRITE)
        # Filter on the key's first part only (a film's slug for its credits): one short query
        # per chunk instead of an OR of thousands of conditions; the rest matches in Python.
        firsts = list({key[0] for key in usable})
        for chunk in chunked(firsts, self.chunk_size):
            for row in queryset.filter(**{f"{paths[0]}__in": chunk}):
                cache[freeze(row.natural_key())] = row

    # Validation --------------------------------------------------------------------------

    def merge_and_validate(self, record: Record) -> None:
        model = record.model
        existing = self.in_database[model].get(record.key) if record.key else None
        instance = record.instance
        if existing is not None:
            record.existing = existing
            merged = copy.copy(existing)
            for f in model._meta.concrete_fields:
                if f.attname in record.given:
                    if f.is_relation and f.is_cached(instance):
                        setattr(merged, f.name, getattr(instance, f.name))
                    else:
                        setattr(merged, f.attname, getattr(instance, f.attname))
            record.instance = instance = merged
        relations = [f for f in model._meta.concrete_fields if f.is_relation]
        exclude = {f.name for f in relations} | {f.name for f in model._meta.many_to_many}
        exclude |= record.bad_fields
        if existing is not None:
            exclude |= instance.get_deferred_fields()  # as the database has them
        for f in relations:
            if f.name in record.bad_fields or f.null:
                continue
            if getattr(instance, f.attname) is None and not f.is_cached(instance):
                self.problem(record, "This field is required.", f.name)
        hook = getattr(instance, "refresh_derived_fields", None)
        if isinstance(instance, Review) and existing is not None:
            # A fixture that leaves the publish time empty keeps the one the review has.
            if instance.publish_at is None:
                instance.publish_at = existing.publish_at
            if instance.first_published_at is None:
                instance.first_published_at = existing.first_published_at
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except (TypeError, ValueError) as error:
            self.problem(record, f"a value has the wrong type ({error})")
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                field_ = None if name == NON_FIELD_ERRORS else model._meta.get_field(name)
                messages = [with_valid_choices(e, field_) for e in errors]
                self.problem(record, " ".join(messages), "" if name == NON_FIELD_ERRORS else name)
        if record.failed:
            return
        if isinstance(instance, Review):
            # The rendered body waits for the write, a chunk at a time (write_model): held for
            # every review until then, it was a fifth of a large load's memory.
            instance.refresh_derived_fields(render=False)
        elif hook is not None:
            hook()
        self.normalise(instance)
        if existing is not None:
            deferred = instance.get_deferred_fields()
            record.changed_fields = {
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key
                and f.name not in BOOKKEEPING_FIELDS
                and f.attname not in deferred
                and self.differs(f, instance, existing)
            }
            if not record.changed_fields:
                # Nothing to write: hold the row alone, not a second copy of it (a reload of a
                # large fixture would otherwise hold every row twice).
                record.instance = existing

    @staticmethod
    def differs(f: models.Field, instance: models.Model, existing: models.Model) -> bool:
        if f.is_relation and f.is_cached(instance):
            related = getattr(instance, f.name)
            return related is None or related.pk != getattr(existing, f.attname)
        return getattr(instance, f.attname) != getattr(existing, f.attname)

    @staticmethod
    def normalise(instance: models.Model) -> None:
        """Values as the database will give them back, so a reload compares equal."""
        loaded = instance.__dict__
        for f in instance._meta.concrete_fields:
            if f.attname not in loaded:
                continue  # deferred: as the database has it (reading it would ask the database)
            value = loaded[f.attname]
            if isinstance(f, models.DecimalField) and isinstance(value, Decimal):
                setattr(instance, f.attname, value.quantize(Decimal(1).scaleb(-f.decimal_places)))
            elif isinstance(value, datetime.datetime) and settings.USE_TZ:
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                setattr(instance, f.attname, value.astimezone(datetime.UTC))

    def check_unique(self, model: type[models.Model], records: list[Record]) -> None:
        """Unique fields and constraints: within the fixtures and against other rows."""
        records = [r for r in records if not r.failed]
        meta = model._meta
        checks = [(f.name,) for f in meta.concrete_fields if f.unique and not f.primary_key]
        checks += [tuple(names) for names in meta.unique_together]
        checks += [tuple(c.fields) for c in meta.total_unique_constraints]
        for names in dict.fromkeys(checks):
            fields_ = [meta.get_field(name) for name in names]
            seen: dict[tuple, Record] = {}
            for record in records:
                value = self.unique_value(record.instance, fields_)
                if value is None:
                    continue
                if (twin := seen.get(value)) is not None and twin.key != record.key:
                    self.problem(
                        record,
                        f"another object in the fixtures has the same {' and '.join(names)} "
                        f"({twin.source}, {place(twin.position)})",
                        names[0],
                    )
                seen.setdefault(value, record)
            comparable = {
                value: record
                for value, record in seen.items()
                if all(not isinstance(part, NewObject) for part in value)
            }
            if not comparable:
                continue
            attnames = [f.attname for f in fields_]
            firsts = list({value[0] for value in comparable})
            for chunk in chunked(firsts, self.chunk_size):
                rows = (
                    model._base_manager.using(self.using)
                    .filter(**{f"{attnames[0]}__in": chunk})
                    .values_list("pk", *attnames)
                )
                for pk, *row_value in rows:
                    record = comparable.get(tuple(row_value))
                    if record is not None and record.instance.pk != pk:
                        label = " and ".join(f.verbose_name for f in fields_)
                        self.problem(
                            record,
                            f"another {meta.verbose_name} in the database already has this {label}",
                            names[0],
                        )

    @staticmethod
    def unique_value(instance: models.Model, fields_: list[models.Field]) -> tuple | None:
        value = []
        for f in fields_:
            if f.is_relation and f.is_cached(instance):
                related = getattr(instance, f.name)
                part = None if related is None else related.pk or NewObject(related)
            else:
                part = getattr(instance, f.attname)
            if part is None:
                return None
            value.append(part)
        return tuple(value)

    # Writing -----------------------------------------------------------------------------

    def write(
        self,
        order: list[type[models.Model]],
        by_model: dict[type[models.Model], list[Record]],
        review_plan: ReviewImportPlan,
    ) -> LoadResult:
        result = LoadResult()
        try:
            with transaction.atomic(using=self.using):
                review_plan.keep_versions_before_import()
                for model in order:
                    self.write_model(model, by_model[model], result)
                for model in order:
                    self.write_many_to_many(model, by_model[model])
                result.revisions = review_plan.record_revisions()
                if result.created or result.updated:
                    self.reset_sequences(result.models)
                    self.refresh_search_data(by_model)
                    # Bulk writes bypass the receivers that keep the taggings' goes-live times.
                    refresh_all_tallies(self.using)
                    # Bulk writes bypass save(): tell every process its cached pages are stale.
                    invalidate_everything(self.using)
        except (DatabaseError, ValueError) as error:
            raise FixtureError(
                [Problem("the fixtures", "while writing", str(error))],
                headline="Nothing was loaded: the database refused a write.",
            ) from error
        return result

    def refresh_search_data(self, by_model: dict[type[models.Model], list[Record]]) -> None:
        """Rebuild the stored search vectors of the reviews this load wrote, and of every
        review of a film it wrote (the film title is part of a review's search vector)."""
        changed = [r for r in by_model.get(Review, []) if r.existing is None or r.changed_fields]
        films = [r for r in by_model.get(Film, []) if r.existing is not None and r.changed_fields]
        if not changed and not films:
            return
        condition = models.Q(pk__in=[r.instance.pk for r in changed])
        if films:
            condition |= models.Q(film__in=[r.instance.pk for r in films])
        Review.objects.using(self.using).filter(condition).refresh_search_vectors()

    def write_model(self, model: type[models.Model], records: list[Record], result) -> None:
        """Write a model's new and changed rows, a chunk at a time: each chunk's reviews are
        rendered just before they are written, and a new review's text is let go just after
        (the row holds it; the instance reads it back if anything asks)."""
        creates = [r.instance for r in records if r.existing is None]
        updates = [r for r in records if r.existing is not None and r.changed_fields]
        result.created += len(creates)
        result.updated += len(updates)
        result.unchanged += len(records) - len(creates) - len(updates)
        if not creates and not updates:
            return
        result.models.add(model)
        relations = [f for f in model._meta.concrete_fields if f.is_relation]
        rendered_late = model is Review

        def prepare(instance: models.Model) -> None:
            for f in relations:  # pick up ids of objects written earlier in this load
                if f.is_cached(instance) and getattr(instance, f.name) is not None:
                    setattr(instance, f.name, getattr(instance, f.name))
            if rendered_late:
                instance.render_body()

        manager = model._base_manager.using(self.using)
        in_bulk = self.connection.features.can_return_rows_from_bulk_insert and not (
            model._meta.parents
        )
        for chunk in chunked(creates, WRITE_CHUNK):
            for instance in chunk:
                prepare(instance)
            if in_bulk:
                manager.bulk_create(chunk)
            else:
                for instance in chunk:
                    instance.save_base(using=self.using, raw=True)
            for instance in chunk:
                instance._state.adding = False
                instance._state.db = self.using
                if rendered_late:
                    for name in RELEASED_AFTER_WRITE:
                        instance.__dict__.pop(name, None)
        if updates:
            names: set[str] = set()
            for record in updates:
                if isinstance(record.instance, TimestampedModel) and (
                    "updated_at" not in record.given
                ):
                    record.instance.updated_at = self.now
                names |= record.changed_fields
            names = {f.name for f in model._meta.concrete_fields if f.name in names}
            names |= {"updated_at"} if issubclass(model, TimestampedModel) else set()
            if model is Review:
                names |= {"imported_at", "import_fingerprint", *RENDERED_AT_WRITE}
            if issubclass(model, EditVersioned) or model is Review:
                # A form opened before this load is then refused, not saved over it.
                for record in updates:
                    record.instance.version += 1
                names.add("version")
            for chunk in chunked([r.instance for r in updates], WRITE_CHUNK):
                for instance in chunk:
                    prepare(instance)
                manager.bulk_update(chunk, sorted(names))

    def plan_many_to_many(self, model: type[models.Model], records: list[Record]) -> None:
        """Work out which links each object gains and loses; the fixture's list is the set,
        and where the through model keeps an order, the order (a link that moves is made
        again at its new place)."""
        for f in list_many_to_many(model):
            named = [r for r in records if not r.failed and f.name in (r.m2m or {})]
            if not named:
                continue
            through = f.remote_field.through
            source_att = through._meta.get_field(f.m2m_field_name()).attname
            target_att = through._meta.get_field(f.m2m_reverse_field_name()).attname
            order_att = list_order_field(f)
            current: dict[Any, dict] = defaultdict(dict)  # owner: {item: its place or None}
            owners = [r.existing.pk for r in named if r.existing is not None]
            for chunk in chunked(owners, self.chunk_size):
                rows = (
                    through._base_manager.using(self.using)
                    .filter(**{f"{source_att}__in": chunk})
                    .values_list(source_att, target_att, order_att or source_att)
                )
                for owner, item, place in rows:
                    current[owner][item] = place if order_att else None
            for record in named:
                positions: dict = {}  # the first mention of an item gives its place
                for item in record.m2m[f.name]:
                    key = NewObject(item) if item.pk is None else item.pk
                    positions.setdefault(key, len(positions) + 1 if order_att else None)
                targets = set(positions)
                was = current[record.existing.pk] if record.existing is not None else {}
                before = set(was) if was else NOTHING
                moved = {item for item in targets & before if was[item] != positions[item]}
                # Only the links that change are kept (no empty sets per object).
                if added := (targets - before) | moved:
                    record.m2m_added = {**(record.m2m_added or {}), f.name: added}
                if removed := (before - targets) | moved:
                    record.m2m_removed = {**(record.m2m_removed or {}), f.name: removed}
                if order_att:
                    record.m2m_positions = {**(record.m2m_positions or {}), f.name: positions}
                if record.existing is not None and (added or removed):
                    record.changed_fields |= {f.name}
        for record in records:
            record.m2m = None  # planned: the links to add and remove are all that is needed

    def write_many_to_many(self, model: type[models.Model], records: list[Record]) -> None:
        for f in list_many_to_many(model):
            through = f.remote_field.through
            source_att = through._meta.get_field(f.m2m_field_name()).attname
            target_att = through._meta.get_field(f.m2m_reverse_field_name()).attname
            order_att = list_order_field(f)
            manager = through._base_manager.using(self.using)
            links = []
            for record in records:
                owner = record.instance.pk
                positions = (record.m2m_positions or {}).get(f.name, {})
                for key in (record.m2m_added or {}).get(f.name, ()):
                    item = key.instance.pk if isinstance(key, NewObject) else key
                    link = through(**{source_att: owner, target_att: item})
                    if order_att:
                        setattr(link, order_att, positions[key])
                    links.append(link)
                if removed := (record.m2m_removed or {}).get(f.name):
                    manager.filter(**{source_att: owner, f"{target_att}__in": removed}).delete()
            manager.bulk_create(links, batch_size=500)

    def reset_sequences(self, written: set[type[models.Model]]) -> None:
        """On PostgreSQL, point each id sequence past the highest id, as stock loaddata does."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(written))
        if statements:
            with self.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


@dataclass(frozen=True)
class NewObject:
    """Stands for an object the load has yet to create: equal only to itself."""

    instance: models.Model

    def __hash__(self) -> int:
        return id(self.instance)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewObject) and other.instance is self.instance


class ReviewImportPlan:
    """What a load does to reviews: tags, fingerprints, the edit check and revisions."""

    def __init__(self, loader: FixtureLoader, reviews: list[Record], taggings: list[Record]):
        self.loader = loader
        self.reviews = reviews
        self.taggings = taggings
        self.changed: list[Record] = []
        self.extra: list[Record] = []  # reviews touched only through their tags

    def prepare(self) -> None:
        """Work out each touched review's tags after the load, and whether it changes."""
        # Keyed by the identity of the review object taggings point at.
        records = {id(r.instance): r for r in self.reviews if not r.failed}
        added_tags: dict[int, list[str]] = defaultdict(list)
        for tagging in self.taggings:
            if tagging.failed:
                continue
            review = tagging.instance.content_object
            if id(review) not in records:
                records[id(review)] = self.touch(review)
            added_tags[id(review)].append(tagging.instance.tag.name)
        existing_ids = [r.existing.pk for r in records.values() if r.existing is not None]
        current_tags: dict[int, set[str]] = defaultdict(set)
        for chunk in chunked(existing_ids, self.loader.chunk_size):
            rows = TaggedReview.objects.using(self.loader.using).filter(content_object_id__in=chunk)
            for review_id, name in rows.values_list("content_object_id", "tag__name"):
                current_tags[review_id].add(name)
        for object_id, record in records.items():
            review: Review = record.instance
            before = current_tags[record.existing.pk] if record.existing is not None else NOTHING
            after = before.union(added_tags[object_id])
            record.tags_before = before
            if record.existing is not None and not record.changed_fields and before == after:
                continue
            if record.existing is not None:
                self.changed.append(record)
                if "tags" not in record.changed_fields and before != after:
                    record.changed_fields |= {"tags"}
                if record.instance is record.existing:  # only its tags change: write a copy
                    record.instance = review = copy.copy(record.existing)
            if "import_fingerprint" not in record.given:
                review.import_fingerprint = review.import_fingerprint_of(tags=after)
            if "imported_at" not in record.given:
                review.imported_at = self.loader.now

    def touch(self, review: Review) -> Record:
        """A review the fixtures change only by tagging it: plan an update of its row."""
        record = Record("the fixtures", "tags", Review, {"slug": review.slug})
        record.existing = review
        record.instance = copy.copy(review)
        record.key = (review.slug,)
        self.extra.append(record)
        return record

    def check_near_duplicates(self) -> None:
        """Stop before adding a review that looks like a copy of one in the database (the same
        film, critic and kind under a new slug). Reviews new in the same load are not compared
        with each other: a restored backup holds whatever editors made."""
        if self.loader.allow_duplicates:
            return
        new = [r for r in self.reviews if not r.failed and r.existing is None]
        film_ids = {r.instance.film.pk for r in new if r.instance.film.pk is not None}
        in_database: dict[tuple, str] = {}
        for chunk in chunked(list(film_ids), self.loader.chunk_size):
            rows = Review._base_manager.using(self.loader.using).filter(film_id__in=chunk)
            for film_id, critic_id, kind, slug, headline in rows.order_by("pk").values_list(
                "film_id", "critic_id", "kind", "slug", "headline"
            ):
                in_database.setdefault(
                    (film_id, critic_id, kind), f"“{headline}” {json.dumps([slug])}"
                )
        problems = [
            Problem(
                record.source,
                record.position,
                f"the same film, critic and kind as {twin} (in the database)",
                record.subject,
            )
            for record in new  # in file order
            if (
                twin := in_database.get(
                    (record.instance.film.pk, record.instance.critic.pk, record.instance.kind)
                )
            )
        ]
        if problems:
            raise FixtureError(
                problems,
                headline=(
                    f"Nothing was loaded: {len(problems)} new review(s) look like copies of "
                    "reviews in the database (the same film, critic and kind under another "
                    "slug). Check them; if they are new pieces, load again with "
                    "--allow-duplicates."
                ),
            )

    def check_edited(self) -> None:
        """Stop before overwriting a review an editor changed since an import wrote it."""
        if self.loader.overwrite_edited:
            return
        edited = [r for r in self.changed if r.existing.is_edited_since_import(tags=r.tags_before)]
        if not edited:
            return
        problems = [
            Problem(
                r.source,
                r.position,
                f"“{r.existing.headline}” was changed by an editor since it was last "
                f"imported (or was never imported); this load would change "
                f"{', '.join(sorted(r.changed_fields))}",
                f"reviews.review {json.dumps([r.existing.slug])}",
            )
            for r in edited
        ]
        raise FixtureError(
            problems,
            headline=(
                f"Nothing was loaded: {len(edited)} review(s) were edited since their last "
                "import and this load would overwrite them. Check them, then run again with "
                "--overwrite-edited to replace them (their current text is kept as a revision)."
            ),
        )

    def keep_versions_before_import(self) -> None:
        """Make sure the text a load replaces is a revision, so it can be restored."""
        if not self.changed:
            return
        latest: dict[int, dict] = {}
        ids = [r.existing.pk for r in self.changed]
        revisions = ReviewRevision.objects.using(self.loader.using).filter(review_id__in=ids)
        for revision in revisions.order_by("review_id", "-created_at", "-pk"):
            latest.setdefault(revision.review_id, revision.data)
        for record in self.changed:
            review = record.existing
            if latest.get(review.pk) == review.editorial_snapshot(tags=record.tags_before):
                continue
            edited = review.is_edited_since_import(tags=record.tags_before)
            source = ReviewRevision.Source.EDIT if edited else ReviewRevision.Source.IMPORT
            revision_create(review=review, source=source)

    def record_revisions(self) -> int:
        for record in self.extra:
            if record.changed_fields:
                Review._base_manager.using(self.loader.using).filter(pk=record.instance.pk).update(
                    updated_at=self.loader.now,
                    imported_at=record.instance.imported_at,
                    import_fingerprint=record.instance.import_fingerprint,
                )
        for record in self.changed:
            revision_create(review=record.instance, source=ReviewRevision.Source.IMPORT)
        self.record_transitions()
        return len(self.changed)

    def record_transitions(self) -> None:
        """A load that moves a review (published -> unpublished, draft -> published, ...)
        leaves the same trace in its history as an editor's move, so the history is complete
        and a preview link made before the review came down stays dead."""
        moves = []
        for record in self.changed:
            before, after = status_of(record.existing), status_of(record.instance)
            if before != after:
                moves.append(
                    ReviewTransition(
                        review=record.instance,
                        name="import",
                        from_status=before,
                        to_status=after,
                        created_at=self.loader.now,
                        comment="Changed by an import (loaddata).",
                        publish_at=record.instance.publish_at if after != "draft" else None,
                    )
                )
        ReviewTransition.objects.using(self.loader.using).bulk_create(moves)
