"""Constraint checks: primary key, unique, foreign keys, checks and exclusion constraints.

Constraints are matched the way people think of them: a primary key by its columns, unique
constraints by column set, foreign keys by columns (then target), checks by name, exclusion
constraints by name or else by what they exclude.
"""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Constraint, Schema, Table, qualify
from pytest_schemaguard.checks.compare import column_list, expression_difference, fold_choice, missing
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.checks.indexes import keys_match
from pytest_schemaguard.checks.normalise import Normaliser, literally_found, split_exclusion_element
from pytest_schemaguard.expectations.model import (
    CheckExpectation,
    ExclusionExpectation,
    ForeignKeyExpectation,
    TableExpectation,
)


def check_constraints(
    expected: TableExpectation, table: Table, schema: Schema, normaliser: Normaliser
) -> list[Mismatch]:
    return [
        *_check_primary_key(expected, table),
        *(m for columns, line in expected.unique for m in _check_unique(columns, line, table)),
        *(m for fk in expected.foreign_keys for m in _check_foreign_key(fk, table, schema)),
        *(m for check in expected.checks for m in _check_check(check, table, normaliser)),
        *(m for excl in expected.exclusion_constraints for m in _check_exclusion(excl, table, normaliser)),
    ]


def _check_primary_key(expected: TableExpectation, table: Table) -> list[Mismatch]:
    if expected.primary_key is None:
        return []
    found = table.primary_key
    found_columns = found.columns if found else None
    if found_columns == tuple(expected.primary_key):
        return []
    shown = column_list(found_columns) if found_columns is not None else "none"
    line = expected.primary_key_line or expected.line
    return [Mismatch("primary key", f"expected {column_list(expected.primary_key)}, found {shown}", line)]


def unique_sets(table: Table) -> list[tuple[str, ...]]:
    """Column lists kept unique by a UNIQUE constraint or a full (non-partial) unique index."""
    sets = [c.columns for c in table.constraints_of("unique")]
    for index in table.indexes.values():
        if index.unique and not index.primary and index.predicate is None and index.columns not in sets:
            sets.append(index.columns)
    return sets


def _check_unique(columns: tuple[str, ...], line: int, table: Table) -> list[Mismatch]:
    found = unique_sets(table)
    if any(set(existing) == set(columns) for existing in found):
        return []
    others = ", ".join(column_list(s) for s in found)
    message = f"missing (found unique: {others})" if found else "missing"
    return [Mismatch(f"unique {column_list(columns)}", message, line)]


def _check_foreign_key(expected: ForeignKeyExpectation, table: Table, schema: Schema) -> list[Mismatch]:
    aspect = f"foreign key {column_list(expected.columns)}"
    foreign_keys = table.constraints_of("foreign_key")
    candidates = [c for c in foreign_keys if c.columns == tuple(expected.columns)] or [
        c for c in foreign_keys if set(c.columns) == set(expected.columns)
    ]
    if not candidates:
        found = ", ".join(_describe_fk(c) for c in foreign_keys)
        message = f"missing (found foreign keys: {found})" if found else "missing"
        return [Mismatch(aspect, message, expected.line)]
    target = _expected_target(expected, schema)
    matching = [c for c in candidates if _target_of(c) == target]
    if not matching:
        found = ", ".join(_target_of(c) for c in candidates)
        return [Mismatch(aspect, f"expected references {target}, found {found}", expected.line)]
    constraint = matching[0]
    messages = [
        _choice("on_delete", expected.on_delete, constraint.on_delete),
        _choice("on_update", expected.on_update, constraint.on_update),
        None if expected.name in (None, constraint.name) else f"expected name {expected.name}, found {constraint.name}",
    ]
    return [Mismatch(aspect, m, expected.line) for m in messages if m]


def _expected_target(expected: ForeignKeyExpectation, schema: Schema) -> str:
    """``public.t(id)``; a target written without columns means the target's primary key."""
    table = qualify(expected.references)
    columns = tuple(expected.ref_columns)
    if not columns:
        target = schema.tables.get(table)
        if target is not None and target.primary_key is not None:
            columns = target.primary_key.columns
    return f"{table}({', '.join(columns)})"


def _target_of(constraint: Constraint) -> str:
    return f"{constraint.references}({', '.join(constraint.ref_columns)})"


def _describe_fk(constraint: Constraint) -> str:
    return f"{column_list(constraint.columns)} -> {_target_of(constraint)}"


def _choice(label: str, expected: str | None, found: str | None) -> str | None:
    if expected is None:
        return None
    found_text = fold_choice(found or "no action")
    if fold_choice(expected) == found_text:
        return None
    return f"expected {label} {fold_choice(expected)}, found {found_text}"


def _check_check(expected: CheckExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    aspect = f"check {expected.name}"
    constraint = table.constraints.get(expected.name)
    if constraint is None or constraint.kind != "check":
        return [
            Mismatch(aspect, missing(expected.name, [c.name for c in table.constraints_of("check")]), expected.line)
        ]
    if expected.expression is None or literally_found(expected.expression, constraint.expression):
        return []
    normalised = normaliser.check_expression(table.qualified_name, expected.expression)
    difference = expression_difference(normalised, expected.expression, constraint.expression, normaliser)
    return [Mismatch(aspect, difference, expected.line)] if difference else []


# -- exclusion constraints -------------------------------------------------------------------


def _check_exclusion(expected: ExclusionExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    found = find_exclusion(expected, table, normaliser)
    aspect = f"exclusion constraint {expected.name or column_list(expected.elements)}"
    if found is None:
        existing = table.constraints_of("exclusion")
        if expected.name is not None:
            return [Mismatch(aspect, missing(expected.name, [c.name for c in existing]), expected.line)]
        others = "; ".join(c.definition for c in existing)
        message = f"missing (found: {others})" if others else "missing"
        return [Mismatch(aspect, message, expected.line)]
    return [Mismatch(aspect, m, expected.line) for m in exclusion_differences(expected, found, table, normaliser)]


def find_exclusion(expected: ExclusionExpectation, table: Table, normaliser: Normaliser) -> Constraint | None:
    """The constraint an exclusion expectation designates: by name, or else one that matches."""
    if expected.name is not None:
        constraint = table.constraints.get(expected.name)
        return constraint if constraint is not None and constraint.kind == "exclusion" else None
    for constraint in table.constraints_of("exclusion"):
        if not exclusion_differences(expected, constraint, table, normaliser):
            return constraint
    return None


def exclusion_differences(
    expected: ExclusionExpectation, found: Constraint, table: Table, normaliser: Normaliser
) -> list[str]:
    messages = []
    if expected.using is not None and expected.using.lower() != (found.using or "").lower():
        messages.append(f"expected using {expected.using.lower()}, found {found.using}")
    if not _elements_match(expected, found, table, normaliser):
        messages.append(f"expected elements {column_list(expected.elements)}, found {column_list(found.elements)}")
    if expected.where is not None:
        normalised = normaliser.predicate(table.qualified_name, expected.where)
        difference = expression_difference(normalised, expected.where, found.where, normaliser, "where ")
        if difference:
            messages.append(difference)
    return messages


def _elements_match(expected: ExclusionExpectation, found: Constraint, table: Table, normaliser: Normaliser) -> bool:
    """Same operators, element by element, and the same keys as index keys compare."""
    wanted = [split_exclusion_element(e) for e in expected.elements]
    existing = [split_exclusion_element(e) for e in found.elements]
    if [op for _, op in wanted] != [op for _, op in existing]:
        return False
    wanted_keys = tuple(expr for expr, _ in wanted)
    existing_keys = tuple(expr for expr, _ in existing)
    return keys_match(wanted_keys, existing_keys, table, normaliser, expected.using or "gist")
