"""Index checks: matched by name; access method, keys, uniqueness and predicate compared."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Index, Table
from pytest_schemaguard.checks.compare import column_list, expression_difference, missing
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.checks.normalise import NormalisationError, Normaliser, loose_equal
from pytest_schemaguard.expectations.model import IndexExpectation, TableExpectation


def check_indexes(expected: TableExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    return [m for index in expected.indexes for m in _check_index(index, table, normaliser)]


def _check_index(expected: IndexExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    aspect = f"index {expected.name}"
    index = table.indexes.get(expected.name)
    if index is None:
        return [Mismatch(aspect, missing(expected.name, table.indexes), expected.line)]
    messages = [
        _using_difference(expected, index),
        _columns_difference(expected, index, table, normaliser),
        _unique_difference(expected, index),
        _where_difference(expected, index, table, normaliser),
    ]
    return [Mismatch(aspect, m, expected.line) for m in messages if m]


def _using_difference(expected: IndexExpectation, index: Index) -> str | None:
    if expected.using is None or expected.using.lower() == index.using.lower():
        return None
    return f"expected using {expected.using.lower()}, found {index.using}"


def _columns_difference(expected: IndexExpectation, index: Index, table: Table, normaliser: Normaliser) -> str | None:
    if expected.columns is None:
        return None
    if keys_match(expected.columns, index.columns, table, normaliser, expected.using or "btree"):
        return None
    return f"expected columns {column_list(expected.columns)}, found {column_list(index.columns)}"


def keys_match(
    expected: tuple[str, ...], found: tuple[str, ...], table: Table, normaliser: Normaliser, using: str
) -> bool:
    """Whether index keys (column names or expressions) are the same, in the same order."""
    if len(expected) != len(found):
        return False
    for wanted, existing in zip(expected, found, strict=True):
        normalised = normaliser.index_element(table.qualified_name, wanted, using)
        if isinstance(normalised, NormalisationError):
            if not loose_equal(wanted, existing):
                return False
        elif not normaliser.same(normalised, existing):
            return False
    return True


def _unique_difference(expected: IndexExpectation, index: Index) -> str | None:
    if expected.unique is None or expected.unique == index.unique:
        return None
    return "expected unique, found not unique" if expected.unique else "expected not unique, found unique"


def _where_difference(expected: IndexExpectation, index: Index, table: Table, normaliser: Normaliser) -> str | None:
    if expected.where is None:
        return None
    normalised = normaliser.predicate(table.qualified_name, expected.where)
    return expression_difference(normalised, expected.where, index.predicate, normaliser, "where ")
