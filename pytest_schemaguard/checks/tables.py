"""Table checks: RLS, comment, columns, then every table-level aspect in its own module."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Column, Schema, Table, View, qualify
from pytest_schemaguard.checks import constraints, exhaustive, features, indexes, policies, triggers
from pytest_schemaguard.checks.compare import comment_difference, expression_difference, missing
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.grants import check_grants
from pytest_schemaguard.checks.normalise import NormalisationError, Normaliser, literally_found
from pytest_schemaguard.expectations.model import ColumnExpectation, TableExpectation


def check_table(expected: TableExpectation, schema: Schema, normaliser: Normaliser) -> ObjectReport:
    """Every mismatch of one declared table, in the order of the YAML lines that declared them."""
    name = qualify(expected.name)
    table = schema.tables.get(name)
    if table is None:
        return ObjectReport("table", name, expected.line, (_missing_table(name, schema, expected.line),))
    found = [
        *_check_rls(expected, table),
        *_check_comment(expected, table),
        *(m for column in expected.columns for m in check_column(column, table, normaliser)),
        *constraints.check_constraints(expected, table, schema, normaliser),
        *indexes.check_indexes(expected, table, normaliser),
        *triggers.check_triggers(expected, table),
        *policies.check_policies(expected, table, normaliser),
        *features.check_full_text_search(expected.full_text_search, table),
        *features.check_soft_delete(expected.soft_delete, table),
        *check_grants(expected.grants, table.privileges, schema.role_memberships),
        *exhaustive.check_table_exhaustive(expected, table, normaliser),
    ]
    return ObjectReport("table", name, expected.line, by_line(found))


def by_line(mismatches: list[Mismatch]) -> tuple[Mismatch, ...]:
    """Mismatches in YAML order, so the report reads alongside the file."""
    return tuple(sorted(mismatches, key=lambda m: m.line if m.line is not None else float("inf")))


def _missing_table(name: str, schema: Schema, line: int) -> Mismatch:
    if name in schema.views:
        return Mismatch("table", f"missing ({name} is a view)", line)
    if name in schema.materialized_views:
        return Mismatch("table", f"missing ({name} is a materialized view)", line)
    return Mismatch("table", missing(name, schema.tables), line)


def _check_rls(expected: TableExpectation, table: Table) -> list[Mismatch]:
    if expected.rls is None or expected.rls.lower() == table.rls:
        return []
    line = expected.rls_line or expected.line
    return [Mismatch("rls", f"expected {expected.rls.lower()}, found {table.rls}", line)]


def _check_comment(expected: TableExpectation, table: Table) -> list[Mismatch]:
    message = comment_difference(expected.comment, table.comment)
    return [Mismatch("comment", message, expected.line)] if message else []


def check_column(expected: ColumnExpectation, table: Table | View, normaliser: Normaliser) -> list[Mismatch]:
    """Type, nullability, default, identity, generation and comment of one column (of a table or a view)."""
    aspect = f"column {expected.name}"
    column = table.columns.get(expected.name)
    if expected.absent:
        if column is None:
            return []
        return [Mismatch(aspect, f"expected absent, found {column.type}", expected.line)]
    if column is None:
        return [Mismatch(aspect, missing(expected.name, table.columns), expected.line)]
    problems = [
        _type_difference(expected, column, normaliser),
        _nullable_difference(expected, column),
        _default_difference(expected, column, table, normaliser),
        _identity_difference(expected, column),
        _generated_difference(expected, column, table, normaliser),
        comment_difference(expected.comment, column.comment, "comment "),
    ]
    return [Mismatch(aspect, message, expected.line) for message in problems if message]


def _type_difference(expected: ColumnExpectation, column: Column, normaliser: Normaliser) -> str | None:
    if expected.type is None:
        return None
    normalised = normaliser.type(expected.type)
    if isinstance(normalised, NormalisationError):
        return f"{normalised.describe()} (found: {column.type})"
    if normalised == column.type:
        return None
    return f"expected type {normalised}, found {column.type}"


def _nullable_difference(expected: ColumnExpectation, column: Column) -> str | None:
    if expected.nullable is None or expected.nullable == column.nullable:
        return None
    return "expected nullable, found NOT NULL" if expected.nullable else "expected NOT NULL, found nullable"


def _default_difference(
    expected: ColumnExpectation, column: Column, table: Table | View, normaliser: Normaliser
) -> str | None:
    if expected.default is None:
        if expected.has_default and column.default is not None:
            return f"expected no default, found default {column.default}"
        return None
    if column.default is None:
        return f"expected default {expected.default}, found no default"
    if literally_found(expected.default, column.default):
        return None
    normalised = normaliser.default(table.qualified_name, column.name, expected.default)
    return expression_difference(normalised, expected.default, column.default, normaliser, "default ")


def _identity_difference(expected: ColumnExpectation, column: Column) -> str | None:
    if expected.identity is None:
        return None
    wanted = expected.identity.lower().replace(" ", "_")
    if wanted == column.identity:
        return None
    return f"expected identity {wanted}, found {column.identity}"


def _generated_difference(
    expected: ColumnExpectation, column: Column, table: Table | View, normaliser: Normaliser
) -> str | None:
    """Compared like defaults, as the server prints the compiled expression: a textual comparison
    failed on mere spacing (`role ='admin'` against `role = 'admin'`)."""
    if expected.generated is None:
        return None
    if column.generated is None:
        return f"expected generated as {expected.generated}, found not generated"
    if literally_found(expected.generated, column.generated):
        return None
    normalised = normaliser.generated(table.qualified_name, column.name, expected.generated)
    return expression_difference(normalised, expected.generated, column.generated, normaliser, "generated as ")

