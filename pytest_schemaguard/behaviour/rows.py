"""Build valid rows for a table from the catalog snapshot: required columns get plain values of
their type, single-column foreign keys get a freshly inserted parent row.

Whatever the data cannot satisfy (a CHECK, a trigger that refuses, a type we have no value for)
raises ``CannotBuild`` with the reason; callers turn that into a skip, because a row we failed
to invent says nothing about the schema. SQL that PostgreSQL refuses as *ours* being wrong (a
syntax error, an unknown column: SQLSTATE class 42) raises ``GeneratedSqlError`` instead, which
fails the item: skipping it would hide our bug behind a "cannot build" that is not true.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from importlib import resources
from itertools import count
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ..catalog.model import Column, Constraint, Schema, Table, unquote_identifier

MAX_PARENT_DEPTH = 3
MAX_DOMAIN_DEPTH = 8
_LENGTH = re.compile(r"^(?:character varying|character|varchar|char)\((\d+)\)$")
_TEXT_TYPES = ("text", "character varying", "character", "citext", "name")
_INT_TYPES = ("smallint", "integer", "bigint")
_NUMBER_TYPES = (*_INT_TYPES, "real", "double precision")
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
_NUMERIC = re.compile(r"^numeric(?:\((\d+)(?:,(\d+))?\))?$")
_TIME = re.compile(r"^(?:date|(?:timestamp|time)(?:\(\d\))?(?: with(?:out)? time zone)?)$")
# Refusals that mean the statement we wrote is wrong, not that the schema refused the data.
# 42501 (insufficient privilege) is left out: the RLS check provokes it on purpose.
_OUR_ERROR_CLASSES = ("42", "0A")
_NOT_OURS = ("42501",)


class CannotBuild(Exception):
    """No valid row could be made; the message says why (shown as the skip reason)."""


class GeneratedSqlError(Exception):
    """PostgreSQL refused SQL we generated because the SQL is wrong: our bug, never a skip."""

    def __init__(self, statement: str, error: psycopg.Error) -> None:
        self.statement = statement
        self.error = error
        super().__init__(
            f"internal error of pytest-schemaguard: the SQL it generated was refused: {describe_error(error)}\n"
            f"  statement: {statement}\n"
            "  this is a bug in pytest-schemaguard, not in your schema; please report it")


def is_our_error(error: psycopg.Error) -> bool:
    """An error raised by our statement itself, not from code the schema runs (a trigger, a
    default, a CHECK calling a function: those report a context and are the schema's)."""
    state = error.sqlstate or ""
    if state in _NOT_OURS or error.diag.context:
        return False
    return state[:2] in _OUR_ERROR_CLASSES


def execute(conn: psycopg.Connection, query: sql.SQL | sql.Composed,
            params: Sequence[Any] | Mapping[str, Any] | None = None) -> psycopg.Cursor:
    """Run a statement we generated; a refusal that is our fault becomes ``GeneratedSqlError``."""
    try:
        return conn.execute(query, params)
    except psycopg.Error as error:
        if is_our_error(error):
            raise GeneratedSqlError(query.as_string(conn), error) from None
        raise


@functools.cache
def load_query(name: str) -> str:
    folder = resources.files("pytest_schemaguard.behaviour").joinpath("queries")
    return folder.joinpath(f"{name}.sql").read_text("utf-8")


def is_text_type(type_name: str) -> bool:
    return type_name in _TEXT_TYPES or _LENGTH.match(type_name) is not None


def text_limit(type_name: str) -> int | None:
    match = _LENGTH.match(type_name)
    return int(match.group(1)) if match else None


def table_ident(table: Table) -> sql.Composable:
    return sql.Identifier(table.schema, table.name)


class RowBuilder:
    """Inserts rows (and their parents) on ``conn``; the caller owns the transaction."""

    def __init__(self, conn: psycopg.Connection, schema: Schema) -> None:
        self.conn = conn
        self.schema = schema
        self._serial = count(1)
        self._counters: dict[tuple[str, str, str], Iterator[int]] = {}
        self._types: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}

    def table(self, name: str) -> Table:
        table = self.schema.tables.get(name)
        if table is None:
            raise CannotBuild(f"table {name} is not in the built database")
        return table

    def insert(self, name: str, given: dict[str, str | None], returning: tuple[str, ...] = ()) -> tuple:
        """Insert one row of ``name``: ``given`` values (text, cast to the column type) plus a value
        for every other required column. Returns the ``returning`` columns as text."""
        table = self.table(name)
        values = dict(given)
        for column in columns_to_fill(table):
            if column.name not in values:
                values[column.name] = self.value_for(table, column, depth=0)
        return self._insert_values(table, values, returning)

    def _insert_values(self, table: Table, values: dict[str, str | None], returning: tuple[str, ...]) -> tuple:
        columns = list(values)
        if columns:
            casts = [sql.SQL("{}::{}").format(sql.Placeholder(), self.cast_type(table.columns[c])) for c in columns]
            query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                table_ident(table), sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(casts))
        else:  # every column has a default: `VALUES ()` is not SQL
            query = sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table_ident(table))
        if returning:
            query += sql.SQL(" RETURNING {}").format(
                sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in returning))
        cursor = execute(self.conn, query, [values[c] for c in columns])
        if not returning:
            return ()
        row = cursor.fetchone()
        if row is None:  # a BEFORE trigger returned NULL: nothing was inserted
            raise CannotBuild(f"inserting into {table.schema}.{table.name} inserted no row (a trigger skipped it)")
        return row

    def cast_type(self, column: Column) -> sql.Composable:
        """The column's type as SQL: the snapshot prints it as format_type does, quoted where needed."""
        enum = self.schema.enum_of_type(column.type)
        if enum is not None:  # printed relative to search_path = public: qualify it for any search_path
            return sql.Identifier(enum.schema, enum.name)
        return sql.SQL(column.type)

    def value_for(self, table: Table, column: Column, depth: int) -> str:
        """A value for a required column: a parent row's key for a foreign key, else a plain value."""
        fk = single_column_fk(table, column.name)
        if fk is not None:
            return self.parent_key(fk, depth + 1)
        return self.plain_value(table, column)

    def plain_value(self, table: Table, column: Column) -> str:
        # The n-th value made for this column: two rows never collide on a unique column.
        n = next(self._counters.setdefault((table.schema, table.name, column.name), count(1)))
        value = self._value_of_type(column.type, n)
        if value is None:
            raise CannotBuild(f"no value for required column {table.schema}.{table.name}.{column.name} "
                              f"of type {column.type}")
        return value

    def _value_of_type(self, type_name: str, n: int, depth: int = 0) -> str | None:
        """The ``n``-th plain value of the type (n >= 1): the first is the simplest, later ones differ."""
        enum = self.schema.enum_of_type(type_name)
        if enum is not None and enum.labels:
            return enum.labels[(n - 1) % len(enum.labels)]
        if is_text_type(type_name):
            limit = text_limit(type_name)
            text = f"sg{n}"
            return text if limit is None or len(text) <= limit else str(n)[-limit:]
        if type_name in _NUMBER_TYPES:
            return str(n)
        numeric = _NUMERIC.match(type_name)
        if numeric:  # numeric(p, s) holds p - s digits before the point
            digits = int(numeric.group(1)) - int(numeric.group(2) or 0) if numeric.group(1) else 9
            return str(n % 10**digits) if digits > 0 else "0"
        if type_name == "boolean":
            return "false" if n % 2 else "true"
        if type_name == "uuid":
            return str(uuid.uuid4())
        if _TIME.match(type_name):
            moment = _EPOCH + timedelta(days=n, seconds=n)
            return moment.date().isoformat() if type_name == "date" else (
                moment.time().isoformat() if type_name.startswith("time ") or type_name.startswith("time(")
                else moment.isoformat())
        if type_name == "interval":
            return f"{n} seconds"
        if type_name in ("json", "jsonb"):
            return f"[{n}]"
        if type_name.endswith("[]"):  # one element of the element type: '{"sg1"}'
            element = self._value_of_type(type_name[:-2], n, depth + 1)
            if element is None:
                return "{}"
            return '{"' + element.replace("\\", "\\\\").replace('"', '\\"') + '"}'
        if depth >= MAX_DOMAIN_DEPTH:
            return None
        kind, base, labels = self._type_info(type_name)
        if kind == "e" and labels:
            return labels[(n - 1) % len(labels)]
        if kind == "d" and base is not None:  # a domain: a value of its base type (its CHECK may refuse it)
            return self._value_of_type(base, n, depth + 1)
        return None

    def _type_info(self, type_name: str) -> tuple[str, str | None, tuple[str, ...]]:
        if type_name not in self._types:
            with self.conn.cursor(row_factory=dict_row) as cur:
                try:
                    with self.conn.transaction():
                        row = cur.execute(load_query("type_info").encode(), {"type": type_name}).fetchone()
                except psycopg.Error:
                    row = None  # not a name regtype understands: no value for it
            self._types[type_name] = (row["kind"], row["base"], tuple(row["labels"])) if row else ("", None, ())
        return self._types[type_name]

    def parent_key(self, fk: Constraint, depth: int) -> str:
        """Insert a row into the referenced table and return its referenced key as text."""
        assert fk.references is not None
        if depth > MAX_PARENT_DEPTH:
            raise CannotBuild(f"foreign keys nest deeper than {MAX_PARENT_DEPTH} tables (at {fk.references})")
        ref_column = fk.ref_columns[0] if fk.ref_columns else None
        target = self.schema.tables.get(fk.references)
        if target is None:
            return self._outside_parent(fk.references, ref_column)
        ref_column = ref_column or _primary_key_column(target)
        values: dict[str, str | None] = {}
        for column in columns_to_fill(target):
            values[column.name] = self.value_for(target, column, depth)
        key_column = target.columns.get(ref_column)
        if (ref_column not in values and key_column is not None and key_column.default is None
                and key_column.identity == "none" and not key_column.generated):
            values[ref_column] = self.value_for(target, key_column, depth)  # a nullable key: never NULL
        (key,) = self._insert_values(target, values, (ref_column,))
        if key is None:
            raise CannotBuild(f"the new row of {fk.references} has no {ref_column} for foreign key {fk.name}")
        return str(key)

    def _outside_parent(self, name: str, ref_column: str | None) -> str:
        """A parent outside the snapshot (``auth.users``): insert only its key, a fresh uuid or number."""
        if ref_column is None:
            raise CannotBuild(f"cannot tell which column of {name} a foreign key references")
        with self.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(load_query("outside_key").encode(), {"table": name, "column": ref_column}).fetchone()
        if row is None or row["type"] not in ("uuid", *_INT_TYPES):
            raise CannotBuild(f"cannot make a parent row in {name}")
        value = str(uuid.uuid4()) if row["type"] == "uuid" else str(900_000_000 + next(self._serial))
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}::{})").format(
            sql.Identifier(row["schema"], row["name"]), sql.Identifier(ref_column), sql.Placeholder(),
            sql.SQL(row["type"]))
        execute(self.conn, query, (value,))
        return value


def required_columns(table: Table) -> list[Column]:
    """Columns an INSERT must name: NOT NULL without a usable default (a foreign key's default,
    like ``auth.uid()``, is not trusted: it is NULL outside a request)."""
    found = []
    for column in table.columns.values():
        if column.nullable or column.identity != "none" or column.generated:
            continue
        if column.default is None or single_column_fk(table, column.name) is not None:
            found.append(column)
    return found


def columns_to_fill(table: Table) -> list[Column]:
    """The required columns, plus unique ones whose default would repeat (a constant, ``now()``):
    the second row would collide on it. Sequence defaults (serial) are left to the sequence,
    which cannot collide with rows a seed made."""
    found = required_columns(table)
    unique = {unquote_identifier(c) for index in table.indexes.values() if index.unique for c in index.columns}
    for column in table.columns.values():
        if (column.name in unique and column not in found and column.identity == "none" and not column.generated
                and column.default is not None and "nextval(" not in column.default):
            found.append(column)
    return found


def single_column_fk(table: Table, column: str) -> Constraint | None:
    for constraint in table.constraints.values():
        if constraint.kind == "foreign_key" and constraint.columns == (column,):
            return constraint
    return None


def _primary_key_column(table: Table) -> str:
    for constraint in table.constraints.values():
        if constraint.kind == "primary_key" and len(constraint.columns) == 1:
            return constraint.columns[0]
    raise CannotBuild(f"{table.schema}.{table.name} has no single-column primary key to reference")


def describe_error(error: psycopg.Error) -> str:
    """PostgreSQL's message (first line) and its SQLSTATE."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{message} (SQLSTATE {error.sqlstate})"
