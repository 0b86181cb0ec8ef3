"""``behaviour[soft_delete <table>]``: uniqueness holds among active rows and is lifted for deleted ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
from hypothesis import strategies as st

from ..expectations.model import SoftDeleteExpectation, TableExpectation
from .rows import CannotBuild, RowBuilder, describe_error, is_text_type, single_column_fk, text_limit
from .runner import PropertyFailed, run_property
from .strategies import text_value

if TYPE_CHECKING:
    from ..session import SchemaguardSession

UNIQUENESS_ERRORS = ("23505", "23P01")  # unique_violation, exclusion_violation


def check_soft_delete(session: SchemaguardSession, expectation: TableExpectation) -> str | None:
    soft = expectation.soft_delete
    assert soft is not None
    conn = session.require_database()
    builder = RowBuilder(conn, session.schema)
    failures = []
    for columns in soft.unique_while_active:
        failure = _check_group(conn, builder, expectation.name, soft, columns)
        if failure:
            failures.append(failure)
    return "\n\n".join(failures) or None


def _deleted_value(builder: RowBuilder, table: str, column: str) -> tuple[str | None, str]:
    """(active value, deleted value) of the soft-delete column, by its type."""
    found = builder.table(table).columns.get(column)
    if found is None:
        raise CannotBuild(f"soft-delete column {table}.{column} does not exist")
    if found.type == "boolean":
        return "false", "true"
    if found.type.startswith(("timestamp", "date")):
        return None, "now"
    raise CannotBuild(f"soft-delete column {column} has type {found.type}: expected a timestamp or a boolean")


def _check_group(conn: psycopg.Connection, builder: RowBuilder, table: str,
                 soft: SoftDeleteExpectation, columns: tuple[str, ...]) -> str | None:
    where = f"{table} (line {soft.line}), unique while active: [{', '.join(columns)}]"
    try:
        strategy = _values_strategy(builder, table, columns)
        active, deleted = _deleted_value(builder, table, soft.column)
    except CannotBuild as error:
        import pytest

        pytest.skip(f"cannot build a valid row: {error}")

    def prop(example: dict[str, str]) -> None:
        values = _resolve(builder, table, example, columns)
        shown = ", ".join(f"{c}={v!r}" for c, v in values.items())
        # 1. two active rows with equal values: the second must be refused
        _insert_or_cannot(conn, builder, table, {**values, soft.column: active})
        try:
            with conn.transaction():
                builder.insert(table, {**values, soft.column: active})
        except psycopg.Error as error:
            if error.sqlstate not in UNIQUENESS_ERRORS:
                raise CannotBuild(f"second insert failed for another reason: {describe_error(error)}") from None
        else:
            raise PropertyFailed(f"{where}\n  two ACTIVE rows with {shown} ({soft.column} = {active or 'NULL'}) "
                                 "were both accepted: uniqueness among active rows is not enforced")

    def prop_deleted(example: dict[str, str]) -> None:
        values = _resolve(builder, table, example, columns)
        shown = ", ".join(f"{c}={v!r}" for c, v in values.items())
        # 2. a deleted row and an active one with the same values: both must go in
        _insert_or_cannot(conn, builder, table, {**values, soft.column: deleted})
        try:
            with conn.transaction():
                builder.insert(table, {**values, soft.column: active})
        except psycopg.Error as error:
            if error.sqlstate in UNIQUENESS_ERRORS:
                raise PropertyFailed(
                    f"{where}\n  a DELETED row ({soft.column} = {deleted}) and an active row with {shown}: "
                    f"the active one was refused: {describe_error(error)}\n"
                    "  uniqueness is not lifted for soft-deleted rows") from None
            raise CannotBuild(f"insert failed: {describe_error(error)}") from None

    preflight = {c: "sgAlpha" for c in columns if not _is_fk(builder, table, c)}
    return run_property(conn, strategy, prop, preflight) or run_property(conn, strategy, prop_deleted, preflight)


def _is_fk(builder: RowBuilder, table: str, column: str) -> bool:
    return single_column_fk(builder.table(table), column) is not None


def _values_strategy(builder: RowBuilder, table: str, columns: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    """Generated values for the text columns of the group; foreign keys get a parent per example."""
    found = builder.table(table)
    parts: dict[str, st.SearchStrategy[str]] = {}
    for name in columns:
        column = found.columns.get(name)
        if column is None:
            raise CannotBuild(f"column {table}.{name} does not exist")
        if _is_fk(builder, table, name):
            continue
        if is_text_type(column.type):
            parts[name] = text_value(text_limit(column.type))
        elif column.type in ("smallint", "integer", "bigint"):
            parts[name] = st.integers(min_value=1, max_value=30000).map(str)
        else:
            raise CannotBuild(f"no strategy for column {name} of type {column.type}")
    return st.fixed_dictionaries(parts) if parts else st.just({})


def _resolve(builder: RowBuilder, table: str, example: dict[str, str],
             columns: tuple[str, ...]) -> dict[str, str | None]:
    """The example's values plus a fresh parent row for every foreign-key column of the group,
    shared by both rows of the example (they must collide on it too)."""
    values: dict[str, str | None] = dict(example)
    found = builder.table(table)
    for column in columns:
        fk = single_column_fk(found, column)
        if fk is not None:
            try:
                with builder.conn.transaction():
                    values[column] = builder.parent_key(fk, 1)
            except psycopg.Error as error:
                raise CannotBuild(f"parent row for {table}.{column} failed: {describe_error(error)}") from None
    return values


def _insert_or_cannot(conn: psycopg.Connection, builder: RowBuilder, table: str, values: dict[str, str | None]) -> None:
    try:
        with conn.transaction():
            builder.insert(table, values)
    except psycopg.Error as error:
        raise CannotBuild(f"inserting into {table} failed: {describe_error(error)}") from None
