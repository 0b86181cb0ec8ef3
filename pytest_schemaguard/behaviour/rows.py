"""Build valid rows for a table from the catalog snapshot: required columns get plain values of
their type, single-column foreign keys get a freshly inserted parent row.

Whatever cannot be built raises ``CannotBuild`` with the reason; callers turn that into a skip,
because a row we failed to invent says nothing about the schema.
"""

from __future__ import annotations

import re
import uuid
from itertools import count

import psycopg
from psycopg import sql

from ..catalog.model import Column, Constraint, Schema, Table

MAX_PARENT_DEPTH = 3
_LENGTH = re.compile(r"^(?:character varying|character|varchar|char)\((\d+)\)$")
_TEXT_TYPES = ("text", "character varying", "character", "citext", "name")
_INT_TYPES = ("smallint", "integer", "bigint")


class CannotBuild(Exception):
    """No valid row could be made; the message says why (shown as the skip reason)."""


def is_text_type(type_name: str) -> bool:
    return type_name in _TEXT_TYPES or _LENGTH.match(type_name) is not None


def text_limit(type_name: str) -> int | None:
    match = _LENGTH.match(type_name)
    return int(match.group(1)) if match else None


def qualified_ident(name: str) -> sql.Composable:
    schema, _, table = name.partition(".")
    return sql.Identifier(schema, table)


class RowBuilder:
    """Inserts rows (and their parents) on ``conn``; the caller owns the transaction."""

    def __init__(self, conn: psycopg.Connection, schema: Schema) -> None:
        self.conn = conn
        self.schema = schema
        self._serial = count(1)
        self._enum_labels = {}
        for name, enum in schema.enums.items():
            self._enum_labels[name] = enum.labels
            self._enum_labels.setdefault(enum.name, enum.labels)

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
        for column in required_columns(table):
            if column.name not in values:
                values[column.name] = self.value_for(table, column, depth=0)
        return self._insert_values(table, values, returning)

    def _insert_values(self, table: Table, values: dict[str, str | None], returning: tuple[str, ...]) -> tuple:
        columns = list(values)
        casts = [sql.SQL("{}::{}").format(sql.Placeholder(), sql.SQL(self.cast_type(table.columns[c])))
                 for c in columns]
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(table.schema, table.name),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(casts),
        )
        if returning:
            query += sql.SQL(" RETURNING {}").format(
                sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in returning))
        cursor = self.conn.execute(query, [values[c] for c in columns])
        if not returning:
            return ()
        row = cursor.fetchone()
        if row is None:  # a BEFORE trigger returned NULL: nothing was inserted
            raise CannotBuild(f"inserting into {table.schema}.{table.name} inserted no row (a trigger skipped it)")
        return row

    def cast_type(self, column: Column) -> str:
        base = column.type
        if base in self.schema.enums or f"public.{base}" in self.schema.enums:
            return ".".join(f'"{part}"' for part in (base if "." in base else f"public.{base}").split("."))
        return base

    def value_for(self, table: Table, column: Column, depth: int) -> str:
        """A value for a required column: a parent row's key for a foreign key, else a plain value."""
        fk = single_column_fk(table, column.name)
        if fk is not None:
            return self.parent_key(fk, depth + 1)
        return self.plain_value(table, column)

    def plain_value(self, table: Table, column: Column) -> str:
        type_name = column.type
        n = next(self._serial)
        labels = self._enum_labels.get(type_name)
        if labels:
            return labels[0]
        if is_text_type(type_name):
            limit = text_limit(type_name)
            return f"sg{n}"[: limit or None]
        if type_name in _INT_TYPES or type_name.startswith("numeric") or type_name in ("real", "double precision"):
            return "0"
        if type_name == "boolean":
            return "false"
        if type_name == "uuid":
            return str(uuid.uuid4())
        if type_name.startswith(("timestamp", "date", "time")):
            return "now"
        if type_name in ("json", "jsonb"):
            return "[]"
        if type_name.endswith("[]"):
            return "{}"
        raise CannotBuild(f"no value for required column {table.schema}.{table.name}.{column.name} "
                          f"of type {type_name}")

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
        for column in required_columns(target):
            if column.name != ref_column or column.identity == "none":
                values[column.name] = self.value_for(target, column, depth)
        (key,) = self._insert_values(target, values, (ref_column,))
        return key

    def _outside_parent(self, name: str, ref_column: str | None) -> str:
        """A parent outside the snapshot (``auth.users``): insert only its key, a fresh uuid or number."""
        if ref_column is None:
            raise CannotBuild(f"cannot tell which column of {name} a foreign key references")
        row = self.conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            (name, ref_column),
        ).fetchone()
        if row is None or row[0] not in ("uuid", *_INT_TYPES):
            raise CannotBuild(f"cannot make a parent row in {name}")
        value = str(uuid.uuid4()) if row[0] == "uuid" else str(900_000_000 + next(self._serial))
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}::{})").format(
            qualified_ident(name), sql.Identifier(ref_column), sql.Placeholder(), sql.SQL(row[0]))
        self.conn.execute(query, (value,))
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
