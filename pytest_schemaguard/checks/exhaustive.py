"""Exhaustiveness: nothing beyond what the YAML lists, for a table's aspects or a whole schema.

These catch the object nobody declared — an extra policy that widens access, a stray column, a
leftover table — which per-object checks cannot see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pytest_schemaguard.catalog.model import Enum, Function, Schema, Table, View, qualify
from pytest_schemaguard.checks.constraints import find_exclusion
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.grants import unexpected_grantees
from pytest_schemaguard.checks.normalise import Normaliser
from pytest_schemaguard.expectations.model import (
    SCHEMA_EXHAUSTIVE_ASPECTS,
    TABLE_EXHAUSTIVE_ASPECTS,
    Expectations,
    SchemaExhaustiveExpectation,
    TableExpectation,
)


def check_table_exhaustive(expected: TableExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    line = expected.exhaustive_line or expected.line
    mismatches = []
    for aspect in expected.exhaustive:
        if aspect not in TABLE_EXHAUSTIVE_ASPECTS:
            message = f"cannot check aspect {aspect!r} (known: {', '.join(TABLE_EXHAUSTIVE_ASPECTS)})"
            mismatches.append(Mismatch("exhaustive", message, line))
            continue
        extra = _TABLE_FINDERS[aspect](expected, table, normaliser)
        if extra:
            mismatches.append(Mismatch(f"exhaustive {aspect}", f"unexpected {', '.join(extra)}", line))
    return mismatches


def _extra_columns(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    declared = {c.name for c in expected.columns if not c.absent}
    return [name for name in table.columns if name not in declared]


def _extra_policies(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    return sorted(set(table.policies) - {p.name for p in expected.policies})


def _extra_indexes(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    # indexes that implement a constraint are declared through that constraint
    declared = {i.name for i in expected.indexes}
    return sorted(n for n, ix in table.indexes.items() if n not in declared and ix.constraint is None)


def _extra_triggers(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    return sorted(set(table.triggers) - {t.name for t in expected.triggers})


def _extra_checks(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    declared = {c.name for c in expected.checks}
    return sorted(c.name for c in table.constraints_of("check") if c.name not in declared)


def _extra_foreign_keys(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    declared = {frozenset(fk.columns) for fk in expected.foreign_keys}
    return sorted(c.name for c in table.constraints_of("foreign_key") if frozenset(c.columns) not in declared)


def _extra_unique(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    declared = {frozenset(columns) for columns, _line in expected.unique}
    return sorted(c.name for c in table.constraints_of("unique") if frozenset(c.columns) not in declared)


def _extra_exclusions(expected: TableExpectation, table: Table, normaliser: Normaliser) -> list[str]:
    matched = {find_exclusion(e, table, normaliser) for e in expected.exclusion_constraints}
    return sorted(c.name for c in table.constraints_of("exclusion") if c not in matched)


def _extra_grantees(expected: TableExpectation, table: Table, _: Normaliser) -> list[str]:
    return unexpected_grantees(expected.grants, table.privileges, table.owner)


_TABLE_FINDERS: dict[str, Callable[[TableExpectation, Table, Normaliser], list[str]]] = {
    "columns": _extra_columns,
    "policies": _extra_policies,
    "indexes": _extra_indexes,
    "triggers": _extra_triggers,
    "checks": _extra_checks,
    "foreign_keys": _extra_foreign_keys,
    "unique": _extra_unique,
    "exclusion_constraints": _extra_exclusions,
    "grants": _extra_grantees,
}


# -- schemas ----------------------------------------------------------------------------------


def check_schema_exhaustive(
    expected: SchemaExhaustiveExpectation,
    expectations: Expectations,
    schema: Schema,
    declared_functions: Iterable[str],
) -> ObjectReport:
    """Objects in ``expected.schema`` that the file does not declare, per listed aspect.

    ``declared_functions`` are the signatures the function checks resolved (so an overload
    declared without ``args`` counts as declared).
    """
    mismatches = []
    for aspect in expected.aspects:
        if aspect not in SCHEMA_EXHAUSTIVE_ASPECTS:
            message = f"cannot check aspect {aspect!r} (known: {', '.join(SCHEMA_EXHAUSTIVE_ASPECTS)})"
            mismatches.append(Mismatch("exhaustive", message, expected.line))
            continue
        existing, declared = _schema_objects(aspect, expectations, schema, set(declared_functions))
        # by each object's own schema: a name may hold dots ("Order.Items"), so splitting keys would not do
        extra = sorted(n for n, found in existing.items() if found.schema == expected.schema and n not in declared)
        if extra:
            mismatches.append(Mismatch(aspect, f"unexpected {', '.join(extra)}", expected.line))
    return ObjectReport("exhaustive", expected.schema, expected.line, tuple(mismatches))


def _schema_objects(
    aspect: str, expectations: Expectations, schema: Schema, declared_functions: set[str]
) -> tuple[Mapping[str, Table | View | Enum | Function], set[str]]:
    if aspect == "tables":
        return schema.tables, {qualify(t.name) for t in expectations.tables}
    if aspect == "views":
        return schema.views, {qualify(v.name) for v in expectations.views if not v.materialized}
    if aspect == "materialized_views":
        return schema.materialized_views, {qualify(v.name) for v in expectations.views if v.materialized}
    if aspect == "enums":
        return schema.enums, {qualify(e.name) for e in expectations.enums}
    return schema.functions, declared_functions
