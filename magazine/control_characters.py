"""The one rule for text readers and feeds see: no control characters.

C0 and C1 control characters (other than tab, line feed and carriage return, which typed text
holds), DEL, lone surrogates and the non-characters U+FFFE and U+FFFF cannot be shown on a page
or written into XML: one in a headline made every feed fail. Every other character is allowed.

One list of ranges, `REFUSED_RANGES`, makes both halves of the rule: the validator
(`refuse_control_characters`, on the fields, so the admin, forms and loaddata name the field)
and a database CHECK constraint on each of those columns (`ControlCharacterConstraint`, in the
models' Meta), so a queryset `update()`, a raw SQL write or another program is refused too.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import NotSupportedError, models

# Inclusive code point ranges. Python and PostgreSQL read the same pattern text; SQLite has no
# regular expressions outside Django's connections, so it gets a GLOB of the same ranges.
REFUSED_RANGES = (
    (0x00, 0x00),
    (0x01, 0x08),
    (0x0B, 0x0C),
    (0x0E, 0x1F),
    (0x7F, 0x9F),
    (0xD800, 0xDFFF),
    (0xFFFE, 0xFFFF),
)
REFUSED = re.compile(
    "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in REFUSED_RANGES) + "]"
)


def refuse_control_characters(value: str | Iterable[str]) -> None:
    """Raise ValidationError naming the first refused character and where it is (from 1).

    Also takes a list of strings (a form's tag names)."""
    for text in [value] if isinstance(value, str) else value:
        if not isinstance(text, str):
            continue
        if found := REFUSED.search(text):
            raise ValidationError(
                "Contains the control character U+%(code)04X at position %(position)d, "
                "which cannot be shown to readers or put in a feed: remove it (copying from "
                "another program or a file with a wrong encoding leaves such characters).",
                code="control_character",
                params={"code": ord(found.group()), "position": found.start() + 1},
            )


def _postgresql_pattern() -> str:
    """The ranges as a PostgreSQL regular expression. NUL and surrogates are left out: a
    PostgreSQL text value cannot hold them at all (the server refuses them itself)."""
    parts = []
    for first, last in REFUSED_RANGES:
        if first == 0x00 or 0xD800 <= first <= 0xDFFF:
            continue
        parts.append(f"\\u{first:04x}-\\u{last:04x}")
    return "[" + "".join(parts) + "]"


# Refused characters SQLite's GLOB cannot see, as the UTF-8 bytes to look for (no valid UTF-8
# holds these sequences except as these characters).
SQLITE_IN_BYTES = [
    chr(code).encode().hex()
    for first, last in REFUSED_RANGES
    if first == 0x00 or first > 0xDFFF
    for code in range(first, last + 1)
]


def sqlite_contains(column: str) -> str:
    """SQLite SQL that is true where `column` holds a refused character. Plain SQL (no Python
    function), so the sqlite3 shell and other programs obey it too.

    A GLOB of the ranges, built with char() so the schema holds no raw control characters, for
    what SQLite's text functions read as it is; the rest is looked for in the UTF-8 bytes: NUL
    (a pattern ends at it) and U+FFFE/U+FFFF (read as U+FFFD, which is allowed). Lone
    surrogates are left out: SQLite also reads them as U+FFFD, and no driver can send one
    (Python cannot encode it); only SQL's char() makes one.
    """
    in_glob = [
        f"char({first}) || '-' || char({last})"
        for first, last in REFUSED_RANGES
        if first > 0 and last < 0xD800
    ]
    as_bytes = f"CAST(({column}) AS BLOB)"
    return (
        f"(({column}) GLOB '*[' || {' || '.join(in_glob)} || ']*' "
        + "".join(f"OR instr({as_bytes}, x'{found}') > 0 " for found in SQLITE_IN_BYTES).rstrip()
        + ")"
    )


class ContainsControlCharacter(models.Func):
    """True where a text column holds a character refuse_control_characters refuses:
    `Review.objects.filter(ContainsControlCharacter("headline"))`."""

    arity = 1
    output_field = models.BooleanField()
    conditional = True

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::text ~ %s", (*params, _postgresql_pattern())

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return sqlite_contains(sql), tuple(params) * (1 + len(SQLITE_IN_BYTES))

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(
            "ContainsControlCharacter is written for SQLite and PostgreSQL, "
            f"not {connection.vendor}"
        )


class ControlCharacterConstraint(models.CheckConstraint):
    """The database's half of the rule on one text column: a CHECK that it holds no refused
    character. Model validation leaves the message to the field's validator (which names the
    character and its position), so full_clean() asks the database nothing more."""

    def __init__(self, *, field: str, name: str, **kwargs):
        self.field = field
        kwargs.pop("condition", None)
        super().__init__(condition=~models.Q(ContainsControlCharacter(field)), name=name, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("condition")
        return path, args, {"field": self.field, **kwargs}

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        value = getattr(instance, model._meta.get_field(self.field).attname)
        try:
            refuse_control_characters(value)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from None


def no_control_characters(*fields: str) -> list[ControlCharacterConstraint]:
    """The constraints for a model's reader-visible text columns, for its Meta.constraints."""
    return [
        ControlCharacterConstraint(
            field=name, name=f"%(app_label)s_%(class)s_{name}_no_control_chars"
        )
        for name in fields
    ]


# Migrations ----------------------------------------------------------------------------------
# The constraints' migrations refuse to run while a row breaks the rule, naming each one: text
# readers see is not rewritten behind an editor's back (docs/fixtures.md, "Control characters").


def refuse_rows_with_control_characters(columns: dict[str, tuple[str, ...]]):
    """A RunPython step, before the constraints are added: stop, listing the rows that would
    break them (model, pk, field, character and position), or do nothing."""

    def check(apps, schema_editor) -> None:
        found = []
        for label, fields in columns.items():
            model = apps.get_model(label)
            manager = model._base_manager.using(schema_editor.connection.alias)
            for name in fields:
                rows = manager.filter(ContainsControlCharacter(name)).values_list("pk", name)
                for pk, value in rows[:20]:
                    match = REFUSED.search(value)
                    where = (
                        f"U+{ord(match.group()):04X} at position {match.start() + 1}"
                        if match
                        else "a control character"
                    )
                    found.append(f"  {label.lower()} pk {pk}, field {name!r}: {where}")
        if found:
            raise CommandError(
                "Some text readers see holds control characters, which the database is about "
                "to refuse; correct these rows (the admin shows each at its field), then run "
                "migrate again:\n" + "\n".join(found)
            )

    return check


TAG_CONSTRAINT = "taggit_tag_name_no_control_chars"


def add_tag_name_rule(apps, schema_editor) -> None:
    """The rule on django-taggit's Tag.name, whose model this project does not own: a CHECK
    constraint on PostgreSQL, triggers on SQLite (which cannot add a CHECK to a table without
    rebuilding it from the model's own Meta)."""
    Tag = apps.get_model("taggit", "Tag")
    if schema_editor.connection.vendor == "sqlite":
        name = schema_editor.quote_name("name")
        for event in ("INSERT", f"UPDATE OF {name}"):
            trigger = f"{TAG_CONSTRAINT}_{event.split()[0].lower()}"
            schema_editor.execute(
                f"CREATE TRIGGER {trigger} BEFORE {event} ON {Tag._meta.db_table} "
                f"WHEN {sqlite_contains(f'NEW.{name}')} BEGIN "
                f"SELECT RAISE(ABORT, 'CHECK constraint failed: {TAG_CONSTRAINT}'); END"
            )
    else:
        constraint = ControlCharacterConstraint(field="name", name=TAG_CONSTRAINT)
        schema_editor.execute(constraint.create_sql(Tag, schema_editor))


def remove_tag_name_rule(apps, schema_editor) -> None:
    Tag = apps.get_model("taggit", "Tag")
    if schema_editor.connection.vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TAG_CONSTRAINT}_{event}")
    else:
        constraint = ControlCharacterConstraint(field="name", name=TAG_CONSTRAINT)
        schema_editor.execute(constraint.remove_sql(Tag, schema_editor))
