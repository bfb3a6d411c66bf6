"""Querysets compiled to SQL once per process, then run with new values.

Building and compiling a queryset costs far more than running it. The review page's own row
(its film, critic and images joined, and the visibility rule) took 2.1 ms to build and compile
and 0.6 ms to run and load at 1,000 reviews; each of its five related lists about 0.8 ms, of
which the database's part was a few hundredths. A page that runs the same few queries on
every request can compile them once.

A `PreparedQuery` is made from a function that builds a queryset from named values, with the
type of each. The first time it runs on a database, it builds the queryset from a stand-in for
each value, compiles it, and records where each stand-in fell among the SQL's parameters;
every later run puts the real values there and hands Django's own iterable the compiled SQL,
so instances are loaded (select_related, deferred fields, annotations, post_init receivers)
exactly as the queryset would load them.

The queryset's shape must not depend on the values: each value must reach the SQL as a
parameter (an exact, comparison or `in` lookup), not decide which filters are added.
Preparing refuses a stand-in that no parameter carries. Two things do shape the SQL, and each
shape is compiled once: a list of ints (`pk__in=ids`), by its length; and a window of rows
(`run(rows=slice(...))`), whose LIMIT and OFFSET are written into the SQL's text.
`tests/magazine/test_prepared.py` compares each prepared query of the site with a fresh
compilation, on each database.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

# One stand-in per value: unlike anything a page asks for, and each distinct.
_DISTANT_PAST = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


def _stand_in(kind: type, index: int) -> Any:
    if kind is datetime.datetime:
        return _DISTANT_PAST + datetime.timedelta(microseconds=index + 1)
    if kind is int:
        return -(2**53) - index
    if kind is str:
        return f"\N{INVISIBLE SEPARATOR}prepared-value-{index}\N{INVISIBLE SEPARATOR}"
    raise ImproperlyConfigured(
        f"A prepared query takes str, int, datetime or list (of int) values, not {kind}."
    )


def _parameters(kinds: dict[str, type], values: dict[str, Any]) -> dict[tuple[str, int], tuple]:
    """{(name, element): (kind, value)}, a list's elements one by one (element 0 for others)."""
    flat = {}
    for name, kind in kinds.items():
        value = values[name]
        if kind is list:
            if type(value) is not list:
                raise TypeError(f"A prepared query needs a list of ints, not {value!r}.")
            flat.update(((name, j), (int, element)) for j, element in enumerate(value))
        else:
            flat[(name, 0)] = (kind, value)
    return flat


def _as_parameter(connection, kind: type, value: Any) -> Any:
    """The value as the backend passes it to the driver, as a lookup on a field of its kind
    would adapt it."""
    if kind is datetime.datetime:
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise TypeError(f"A prepared query needs an aware datetime, not {value!r}.")
        return connection.ops.adapt_datetimefield_value(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"A prepared query needs a {kind.__name__}, not {value!r}.")
    return value


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    params: tuple
    # (position among params, (value's name, element), its type)
    slots: tuple[tuple[int, tuple[str, int], type], ...]
    converters: dict


# The window of rows (LIMIT and OFFSET) is written into the SQL's text, not passed as
# parameters: a windowed query is compiled with these numbers and each run writes its own.
_LIMIT, _OFFSET = 3_000_000_007, 7_000_000_001
_LIMIT_TEXT, _OFFSET_TEXT = f"LIMIT {_LIMIT}", f"OFFSET {_OFFSET}"


class PreparedQuery:
    """A queryset built by `build(**values)`, compiled once per database and process.

    `PreparedQuery(lambda slug, now: Review.objects.published(now).filter(slug=slug),
    slug=str, now=datetime.datetime).run(slug="...", now=timezone.now())` returns the
    list the queryset would; `run(rows=slice(20, 41), ...)` the list `queryset[20:41]` would.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._compiled: dict[tuple, _Compiled] = {}

    def run(self, *, using: str = "default", rows: slice | None = None, **values: Any) -> list:
        compiled, sql, params = self._statement(using, rows, values)
        if not sql:
            return []
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[using]  # this thread's
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        # What each column's value is turned into depends only on the columns.
        compiler.get_converters = lambda expressions: compiled.converters
        queryset = compiled.queryset._chain()
        queryset._db = using
        # The clone never leaves this function, so nothing can be chained onto it and lose
        # its filters to the compiled SQL.
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset._iterable_class(queryset))

    def fresh(
        self, *, using: str = "default", rows: slice | None = None, **values: Any
    ) -> tuple[str, tuple]:
        """The SQL and parameters compiling the queryset for these values gives today (for
        the test that compares them with a prepared run's)."""
        queryset = self.build(**values)
        if rows is not None:
            queryset = queryset[rows]
        return queryset.query.get_compiler(using=using).as_sql()

    def prepared(
        self, *, using: str = "default", rows: slice | None = None, **values: Any
    ) -> tuple[str, tuple]:
        """The SQL and parameters a run with these values sends."""
        _, sql, params = self._statement(using, rows, values)
        return sql, params

    def _statement(
        self, using: str, rows: slice | None, values: dict[str, Any]
    ) -> tuple[_Compiled, str, tuple]:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"A prepared query takes {sorted(self.kinds)}, not {sorted(values)}.")
        connection = connections[using]
        window = rows is not None
        lengths = tuple(len(values[name]) for name, kind in self.kinds.items() if kind is list)
        shape = (using, connection.vendor, window, lengths)
        compiled = self._compiled.get(shape) or self._compile(shape)
        flat = _parameters(self.kinds, values)
        params = list(compiled.params)
        for position, key, kind in compiled.slots:
            params[position] = _as_parameter(connection, kind, flat[key][1])
        sql = compiled.sql
        if window:
            start, stop = _window(rows)
            if stop == start:
                return compiled, "", ()
            sql = sql.replace(_LIMIT_TEXT, f"LIMIT {stop - start}", 1)
            # As Django writes it: no OFFSET for the first rows.
            sql = sql.replace(f" {_OFFSET_TEXT}", f" OFFSET {start}" if start else "", 1)
        return compiled, sql, tuple(params)

    def _compile(self, shape: tuple) -> _Compiled:
        using, _, window, lengths = shape
        connection = connections[using]
        lists = iter(lengths)
        values = {
            name: [None] * next(lists) if kind is list else None
            for name, kind in self.kinds.items()
        }
        if any(value == [] for value in values.values()):
            raise ImproperlyConfigured("A prepared query's list must not be empty.")
        flat = {
            key: (kind, _stand_in(kind, index))
            for index, (key, (kind, _)) in enumerate(_parameters(self.kinds, values).items())
        }
        stand_ins = {name: [] if kind is list else None for name, kind in self.kinds.items()}
        for (name, _), (_, value) in flat.items():
            if self.kinds[name] is list:
                stand_ins[name].append(value)
            else:
                stand_ins[name] = value
        queryset = self.build(**stand_ins)
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured("A prepared query cannot prefetch: prepare each list.")
        if queryset.query.is_sliced:
            raise ImproperlyConfigured("A prepared query is sliced by its runs' `rows`.")
        if window:
            queryset = queryset[_OFFSET : _OFFSET + _LIMIT]
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ImproperlyConfigured("A prepared query must not be empty by its shape.") from None
        if window and (sql.count(_LIMIT_TEXT), sql.count(f" {_OFFSET_TEXT}")) != (1, 1):
            raise ImproperlyConfigured("The prepared query's LIMIT and OFFSET cannot be found.")
        adapted = {
            key: _as_parameter(connection, kind, value) for key, (kind, value) in flat.items()
        }
        slots = []
        for position, param in enumerate(params):
            keys = [key for key, value in adapted.items() if _same(param, value)]
            slots.extend((position, key, flat[key][0]) for key in keys)
        missing = sorted({name for name, _ in adapted.keys() - {key for _, key, _ in slots}})
        if missing:
            raise ImproperlyConfigured(
                f"The prepared query's value(s) {missing} do not reach its SQL as "
                "parameters, so it cannot be prepared."
            )
        converters = compiler.get_converters(
            [column[0] for column in compiler.select[0 : compiler.col_count]]
        )
        compiled = _Compiled(queryset, compiler, sql, tuple(params), tuple(slots), converters)
        self._compiled[shape] = compiled
        return compiled


def _window(rows: slice) -> tuple[int, int]:
    start, stop = rows.start or 0, rows.stop
    if rows.step is not None or type(start) is not int or type(stop) is not int:
        raise TypeError(f"A prepared query's rows are a slice of two ints, not {rows!r}.")
    if not 0 <= start <= stop:
        raise ValueError(f"A prepared query's rows run forward from 0 or later, not {rows!r}.")
    return start, stop


class PreparedList:
    """A prepared query's rows for a paginator to slice: each slice is one run."""

    def __init__(self, query: PreparedQuery, **values: Any) -> None:
        self.query = query
        self.values = values

    def __getitem__(self, rows: slice) -> list:
        if not isinstance(rows, slice):
            raise TypeError("A prepared list is read a slice at a time.")
        return self.query.run(rows=rows, **self.values)


def _same(param: Any, value: Any) -> bool:
    return type(param) is type(value) and param == value


def install_prefetched(instance: Model, relation: str, objects: list[Model]) -> None:
    """Make `instance.<relation>.all()` answer `objects` with no query, as prefetch_related
    leaves it: the manager's own queryset (so anything chained onto it stays within the
    relation) with its results in place."""
    manager = getattr(instance, relation)
    cache_name = getattr(manager, "prefetch_cache_name", None)
    if cache_name is None:  # a reverse foreign key's manager
        cache_name = manager.field.remote_field.cache_name
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset
