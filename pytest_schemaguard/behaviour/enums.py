"""``behaviour[enum <table>.<column>]``: an enum-typed column accepts every declared label and
refuses any other value."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg

from ..catalog.model import qualify
from ..expectations.model import EnumExpectation
from .rows import CannotBuild, RowBuilder, describe_error
from .runner import PropertyFailed, run_property
from .strategies import text_value

if TYPE_CHECKING:
    from ..catalog.model import Schema
    from ..session import SchemaguardSession

INVALID_TEXT = "22P02"  # invalid_text_representation: what an unknown enum label raises


def enum_columns(schema: Schema, enum: EnumExpectation) -> list[tuple[str, str]]:
    """(qualified table, column) of every table column whose type is ``enum``: types are resolved
    through the snapshot, as ``format_type`` prints them quoted (``"teamRoles"``) or qualified."""
    wanted = qualify(enum.name)
    return [(name, column.name) for name, table in sorted(schema.tables.items())
            for column in table.columns.values()
            if (found := schema.enum_of_type(column.type)) is not None and found.qualified_name == wanted]


def check_enum_column(session: SchemaguardSession, enum: EnumExpectation, table: str, column: str) -> str | None:
    conn = session.require_database()
    builder = RowBuilder(conn, session.schema)
    where = f"{table}.{column} of enum {enum.name} (line {enum.line})"

    def insert(value: str) -> psycopg.Error | None:
        try:
            with conn.transaction():
                builder.insert(table, {column: value})
        except psycopg.Error as error:
            return error
        return None

    def prop(bogus: str) -> None:
        refused = []
        for label in enum.labels:
            error = insert(label)
            if error is not None and error.sqlstate == INVALID_TEXT:
                refused.append(f"  label {label!r} refused: {describe_error(error)}")
            elif error is not None:
                raise CannotBuild(f"inserting into {table} failed: {describe_error(error)}")
        if refused:
            raise PropertyFailed(f"{where}\n" + "\n".join(refused))
        if bogus in enum.labels:
            return
        error = insert(bogus)
        if error is None:
            raise PropertyFailed(f"{where}\n  value {bogus!r}, not a declared label, was accepted")
        if error.sqlstate != INVALID_TEXT:
            raise CannotBuild(f"inserting into {table} failed: {describe_error(error)}")

    return run_property(conn, text_value(), prop, "sg_not_a_label")
