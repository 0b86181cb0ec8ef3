"""Catalog snapshots between migrations at the cost of what each migration touched.

Lint reads the catalog after every migration it analyses; a whole read costs the same whatever
the migration did (~75 ms for 50 tables with 400 indexes, most of it ``pg_get_indexdef`` and
``pg_get_expr`` on the server), which made a 300-file history 10x slower than building it. A
``CatalogTracker`` keeps the last snapshot and reads again only the relations that may print
differently now:

- those whose own catalog rows changed (a per-relation fingerprint of row versions: any update,
  insert or delete of a row that belongs to the relation changes it; ``fingerprints.sql``);
- those that depend on an object changed since the last read (a view on a renamed column, a
  foreign key to a renamed table, a column of a renamed type, a trigger on a replaced function,
  a default calling a function that gained an overload; ``dependents.sql``).

Everything that is not per relation (schemas list, enums, functions, extensions, memberships)
is read whole each time: those queries are cheap. When a schema or a role changed or an enum
label was renamed (renames print everywhere without touching rows), the last read was inside a
transaction that may still write (its rows keep one xmin), or the transaction counter is near
its wrap, the tracker reads everything, as it does the first time. The result equals a whole read; the test suite
checks that after every migration of its corpora.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus

from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.catalog.reader import DEFAULT_EXCLUDED_SCHEMAS, READ_SEARCH_PATH, inspect_schema, pipelined

_T = TypeVar("_T")

_FIRST_NORMAL_OID = 16384
"""Objects below are the server's own (pg_catalog): nothing records a dependency on them."""

_WRAP_GUARD = 2**31 - 2**24
"""Past this transaction id the 32-bit xmin of a row no longer orders with the 64-bit counter."""


@dataclass(frozen=True)
class Relations:
    """oid -> qualified name, and (oid, attnum) -> column name, of every table and view."""

    names: dict[int, str]
    columns: dict[tuple[int, int], str]

    def oid_of(self, name: str) -> int | None:
        return next((oid for oid, qualified in self.names.items() if qualified == name), None)


@dataclass(frozen=True)
class CatalogState:
    """One read: the schema snapshot and the relation identities lint tells renames with."""

    schema: Schema
    relations: Relations


@dataclass(frozen=True)
class _Marks:
    """What the next read compares with."""

    since: int
    fingerprints: dict[int, str]
    shapes: dict[int, tuple[str, tuple[str, ...]]]  # how each relation is referred to: name, column names
    namespaces: dict[str, str]
    roles: dict[str, str]
    own: int | None  # the reading transaction's id, when it has one
    labels: dict[str, str]  # enum label by pg_enum oid
    overloads: dict[str, list[int]]  # "f:"/"o:" + function/operator name -> oids, where several resolve


@functools.cache
def _query(name: str) -> str:
    return resources.files("pytest_schemaguard.catalog").joinpath(f"queries/incremental/{name}.sql").read_text()


class CatalogTracker:
    """Reads the catalog again and again on one database, re-reading only what changed."""

    def __init__(self, exclude_schemas: frozenset[str] = DEFAULT_EXCLUDED_SCHEMAS) -> None:
        self.exclude_schemas = exclude_schemas
        self._last: CatalogState | None = None
        self._marks: _Marks | None = None
        self._reader: psycopg.Connection[Any] | None = None
        self._reader_of: psycopg.Connection[Any] | None = None
        self.whole_reads = 0
        self.partial_reads = 0

    @property
    def has_state(self) -> bool:
        """Whether a read happened: the next one re-reads only what changed since."""
        return self._last is not None

    def read(self, conn: psycopg.Connection[Any]) -> CatalogState:
        """The catalog now, as ``conn`` sees it; all queries see one snapshot.

        When ``conn`` is idle (between migrations) the reads go over a connection of the
        tracker's own to the same database, in a read-only transaction: its prepared statements
        survive (psycopg drops a connection's prepared statements at every DROP or ALTER the
        build runs) and it plans them once (``plan_cache_mode = force_generic_plan``), which
        took a partial read from ~28 ms to ~8 ms. With a transaction open on ``conn`` (its
        uncommitted changes are what is asked for) the reads go over ``conn``, inside it.
        """
        if conn.info.transaction_status != TransactionStatus.IDLE:
            return self._read(conn)
        reader = self._reader_for(conn)
        if reader is conn:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return self._read(conn)
        with reader.transaction():  # BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY (_reader_for)
            return self._read(reader, search_path_pinned=True)

    def close(self) -> None:
        """Close the tracker's own connection (the database cannot be dropped while it is open)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def _reader_for(self, conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
        if self._reader is not None and not self._reader.closed and self._reader_of is conn:
            return self._reader
        self.close()
        try:
            reader = psycopg.connect(conn.info.dsn, password=conn.info.password, autocommit=True,
                                     application_name="schemaguard catalog reader")
        except psycopg.Error:
            return conn  # e.g. a connection limit: the build's own connection reads as well
        reader.execute("SET plan_cache_mode = force_generic_plan")
        # Set once here rather than per read: each read is then BEGIN, the queries, COMMIT.
        reader.execute("SELECT set_config('search_path', %s, false)", (READ_SEARCH_PATH,))
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        reader.read_only = True
        self._reader, self._reader_of = reader, conn
        weakref.finalize(self, reader.close)  # an observer dropped without build_finished()
        return reader

    def _read(self, conn: psycopg.Connection[Any], *, search_path_pinned: bool = False) -> CatalogState:
        read = pipelined(conn, {"globals": (_query("globals"), None), "fingerprints": (_query("fingerprints"), None)})
        [marks_row], rows = read["globals"], read["fingerprints"]
        names: dict[int, str] = {}
        columns: dict[tuple[int, int], str] = {}
        fingerprints: dict[int, str] = {}
        shapes: dict[int, tuple[str, tuple[str, ...]]] = {}
        for row in rows:
            oid = row["oid"]
            names[oid] = f"{row['schema']}.{row['name']}"
            columns.update({(oid, num): col for num, col in zip(row["attnums"], row["attnames"], strict=True)})
            fingerprints[oid] = row["fingerprint"]
            shapes[oid] = (names[oid], tuple(row["attnames"]))
        relations = Relations(names, columns)
        own = marks_row["own"]
        marks = _Marks(int(marks_row["since"]), fingerprints, shapes, marks_row["namespaces"], marks_row["roles"],
                       None if own is None else int(own), marks_row["labels"], marks_row["overloads"])
        last, previous = self._last, self._marks
        if last is None or previous is None or not self._comparable(previous, marks):
            schema = inspect_schema(conn, exclude_schemas=self.exclude_schemas, search_path_pinned=search_path_pinned)
            self.whole_reads += 1
        else:
            schema = self._update(conn, last, previous, marks, search_path_pinned)
            self.partial_reads += 1
        self._last = CatalogState(schema, relations)
        self._marks = marks
        return self._last

    @staticmethod
    def _comparable(previous: _Marks, now: _Marks) -> bool:
        """Whether a partial read can be trusted (see the module docstring)."""
        if now.since >= _WRAP_GUARD or previous.since > now.since:
            return False
        if previous.roles != now.roles:
            return False
        if previous.own is not None:  # later changes in that transaction keep its xmin: invisible
            return False
        if any(now.labels.get(oid, label) != label for oid, label in previous.labels.items()):
            return False  # a label renamed (not dropped with its type) prints anew where compared with
        # Calls to the server's own functions and operators depend on nothing pg_depend records
        # (they are pinned); user operators are rare enough to read everything when they change.
        if any(name.startswith("o:") or min(previous.overloads.get(name, []) + now.overloads.get(name, []))
               < _FIRST_NORMAL_OID for name in _changed_overloads(previous, now)):
            return False
        # A schema created is harmless; one renamed or dropped changes how its objects print.
        return all(now.namespaces.get(oid) == name for oid, name in previous.namespaces.items())

    def _update(self, conn: psycopg.Connection[Any], last: CatalogState, previous: _Marks, now: _Marks,
                search_path_pinned: bool) -> Schema:
        changed = {oid for oid, print_ in now.fingerprints.items() if previous.fingerprints.get(oid) != print_}
        renamed = [oid for oid in changed if oid in previous.shapes and previous.shapes[oid] != now.shapes[oid]]
        with conn.cursor() as cur:
            overloads = sorted(name.removeprefix("f:") for name in _changed_overloads(previous, now))
            cur.execute(_query("dependents"),  # type: ignore[arg-type]
                        {"relids": renamed, "since": previous.since, "overloads": overloads})
            reached = {row[0] for row in cur.fetchall()}
        dirty = (changed | reached) & set(now.fingerprints)
        gone = set(previous.fingerprints) - set(now.fingerprints)
        fresh = inspect_schema(conn, exclude_schemas=self.exclude_schemas, relids=dirty,
                               search_path_pinned=search_path_pinned)
        stale = {last.relations.names[oid] for oid in dirty | gone if oid in last.relations.names}
        old = last.schema

        def merged(before: Mapping[str, _T], after: Mapping[str, _T]) -> dict[str, _T]:
            kept = {name: obj for name, obj in before.items() if name not in stale}
            kept.update(after)
            return {name: kept[name] for name in sorted(kept)}

        return replace(
            fresh,
            tables=merged(old.tables, fresh.tables),
            views=merged(old.views, fresh.views),
            materialized_views=merged(old.materialized_views, fresh.materialized_views),
        )



def _changed_overloads(previous: _Marks, now: _Marks) -> set[str]:
    """Names whose set of same-named functions or operators where the reader resolves changed."""
    return {name for name in previous.overloads.keys() | now.overloads.keys()
            if previous.overloads.get(name) != now.overloads.get(name)}
