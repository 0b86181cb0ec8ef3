"""Structural half of ``full_text_search`` and ``soft_delete`` (SPEC §3).

Only what the catalog can show is checked here: the columns, something that maintains the
search column, the GIN index, and a uniqueness rule limited to active rows. Whether they really
behave is proved by the behaviour checks, which run Hypothesis against the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytest_schemaguard.catalog.model import Table
from pytest_schemaguard.checks.compare import column_list
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.checks.normalise import split_exclusion_element
from pytest_schemaguard.expectations.model import FullTextSearchExpectation, SoftDeleteExpectation

_IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b')
_TIMESTAMPTZ = "timestamp with time zone"


def check_full_text_search(expected: FullTextSearchExpectation | None, table: Table) -> list[Mismatch]:
    if expected is None:
        return []
    messages = [*_fts_column_problems(expected, table)]
    messages += [f"source column {s} missing" for s in expected.sources if s not in table.columns]
    return [Mismatch("full_text_search", m, expected.line) for m in messages]


def _fts_column_problems(expected: FullTextSearchExpectation, table: Table) -> list[str]:
    column = table.columns.get(expected.column)
    if column is None:
        return [f"column {expected.column} missing"]
    problems = []
    if column.type != "tsvector":
        problems.append(f"column {expected.column} is {column.type}, expected tsvector")
    if column.generated is None and not _maintained_by_trigger(table):
        problems.append(
            f"nothing maintains {expected.column}: no trigger fires on insert and update"
            " and it is not a generated column"
        )
    if not any(ix.using == "gin" and expected.column in ix.columns for ix in table.indexes.values()):
        problems.append(f"no GIN index on {expected.column}")
    return problems


def _maintained_by_trigger(table: Table) -> bool:
    return any(
        {"insert", "update"} <= set(t.events) and t.level == "row" and t.enabled for t in table.triggers.values()
    )


def check_soft_delete(expected: SoftDeleteExpectation | None, table: Table) -> list[Mismatch]:
    if expected is None:
        return []
    column = table.columns.get(expected.column)
    if column is None:
        return [Mismatch("soft_delete", f"column {expected.column} missing", expected.line)]
    messages = []
    if column.type != _TIMESTAMPTZ:
        messages.append(f"column {expected.column} is {column.type}, expected {_TIMESTAMPTZ}")
    for columns in expected.unique_while_active:
        if not _unique_while_active(columns, expected.column, table):
            messages.append(
                f"nothing keeps {column_list(columns)} unique among active rows: no partial unique index"
                f" or exclusion constraint WHERE {expected.column} IS NULL"
            )
    return [Mismatch("soft_delete", m, expected.line) for m in messages]


def _unique_while_active(columns: tuple[str, ...], deleted_column: str, table: Table) -> bool:
    """A partial unique index or an all-``=`` exclusion constraint, limited to active rows."""
    wanted = set(columns)
    for index in table.indexes.values():
        active_only = index.unique and _only_active(index.predicate, deleted_column)
        if active_only and _referenced_columns(index.columns, table) == wanted:
            return True
    for constraint in table.constraints_of("exclusion"):
        parts = [split_exclusion_element(e) for e in constraint.elements]
        active_only = _only_active(constraint.where, deleted_column) and all(op == "=" for _, op in parts)
        if active_only and _referenced_columns([expr for expr, _ in parts], table) == wanted:
            return True
    return False


def _only_active(predicate: str | None, column: str) -> bool:
    if predicate is None:
        return False
    pattern = rf'(?<![\w$"])"?{re.escape(column)}"?\s*\)?\s+IS\s+NULL\b'
    return re.search(pattern, predicate, re.IGNORECASE) is not None


def _referenced_columns(keys: Iterable[str], table: Table) -> set[str]:
    """The table columns that index keys mention (``lower(name)`` mentions ``name``)."""
    found = set()
    for key in keys:
        for quoted, bare in _IDENTIFIER.findall(key):
            name = quoted.replace('""', '"') if quoted else bare
            if name in table.columns:
                found.add(name)
    return found
