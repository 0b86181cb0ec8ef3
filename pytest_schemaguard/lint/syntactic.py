"""Syntactic rules: what a migration's statements risk, read from their text (see ``statements``).

"Existing table" means a table that existed before this migration ran: taken from the catalog
snapshot before the migration when the caller has one (``Before``), otherwise assumed for every
table the file does not create itself. A table created earlier in the same file never counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalog.model import Schema
from ..migrations import Statement
from .rules import Finding
from .statements import Facts, analyse

LOCKING_KINDS = {"alter_table", "create_index", "drop_index", "create_trigger", "drop_table", "truncate",
                 "vacuum_full", "cluster"}


@dataclass(frozen=True)
class Before:
    """What existed before the migration: qualified table names and index -> table."""

    tables: frozenset[str]
    index_tables: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_schema(cls, schema: Schema) -> Before:
        indexes = {f"{t.schema}.{name}": key for key, t in schema.tables.items() for name in t.indexes}
        return cls(tables=frozenset(schema.tables), index_tables=indexes)


@dataclass
class _FileState:
    file: str
    in_transaction: bool
    before: Before | None
    created_tables: set[str] = field(default_factory=set)
    created_indexes: set[str] = field(default_factory=set)
    lock_timeout: bool = False
    unguarded: list[tuple[Statement, str]] = field(default_factory=list)  # locking statements before any SET
    findings: list[Finding] = field(default_factory=list)

    def existing(self, table: str) -> bool:
        if not table or table in self.created_tables:
            return False
        return True if self.before is None else table in self.before.tables

    def add(self, rule: str, statement: Statement, message: str) -> None:
        self.findings.append(Finding(rule, self.file, statement.line, statement.text, message))

    def locking(self, statement: Statement, what: str) -> None:
        if not self.lock_timeout:
            self.unguarded.append((statement, what))


def lint_statements(file: str, statements: Sequence[Statement], *, no_transaction: bool,
                    before: Before | None = None) -> list[Finding]:
    """Every syntactic finding of one migration file (before suppression comments are applied)."""
    state = _FileState(file=file, in_transaction=not no_transaction, before=before)
    for statement in statements:
        if statement.is_transaction_control():
            continue
        facts = analyse(statement.text)
        CHECKS.get(facts.kind, _nothing)(state, statement, facts)
    if state.unguarded:
        first, what = state.unguarded[0]
        more = len(state.unguarded) - 1
        state.add("missing_lock_timeout", first,
                  f"{what} without a lock_timeout set earlier in the file"
                  + (f" (and {more} more locking statement(s) after it)" if more else ""))
    return state.findings


def _nothing(state: _FileState, statement: Statement, facts: Facts) -> None:
    return None


def _create_table(state: _FileState, statement: Statement, facts: Facts) -> None:
    state.created_tables.update(facts.tables)


def _create_index(state: _FileState, statement: Statement, facts: Facts) -> None:
    state.created_indexes.update(facts.indexes)
    table = facts.tables[0] if facts.tables else ""
    if facts.concurrently:
        _concurrently(state, statement, "CREATE INDEX CONCURRENTLY")
    elif state.existing(table):
        state.add("index_without_concurrently", statement,
                  f"CREATE INDEX on existing table {table} without CONCURRENTLY")
        state.locking(statement, f"CREATE INDEX on {table}")


def _drop_index(state: _FileState, statement: Statement, facts: Facts) -> None:
    if facts.concurrently:
        _concurrently(state, statement, "DROP INDEX CONCURRENTLY")
        return
    for index in facts.indexes:
        if index in state.created_indexes:
            continue
        if state.before is None:
            table = "its table"
        else:
            table = state.before.index_tables.get(index, "")
            if not state.existing(table):
                continue  # no such index before this migration (IF EXISTS), or on a table made here
        state.add("index_without_concurrently", statement,
                  f"DROP INDEX {index} on existing table {table} without CONCURRENTLY".replace(
                      "existing table its table", "an existing table"))
        state.locking(statement, f"DROP INDEX {index}")


def _concurrently(state: _FileState, statement: Statement, what: str) -> None:
    if state.in_transaction:
        state.add("concurrently_in_transaction", statement,
                  f"{what} in a file that runs in a transaction (no `-- schemaguard: no-transaction` marker)")


def _reindex(state: _FileState, statement: Statement, facts: Facts) -> None:
    if facts.concurrently:
        _concurrently(state, statement, "REINDEX CONCURRENTLY")


def _alter_table(state: _FileState, statement: Statement, facts: Facts) -> None:
    table = facts.tables[0] if facts.tables else ""
    if not state.existing(table):
        return
    for constraint in facts.unvalidated_constraints:
        state.add("constraint_without_not_valid", statement,
                  f"{constraint} added to existing table {table} without NOT VALID".replace("  ", " "))
    for column, default in facts.volatile_defaults:
        state.add("volatile_default", statement,
                  f"column {column} added to existing table {table} with volatile default {default}")
    for column in facts.set_not_null:
        state.add("set_not_null", statement, f"ALTER COLUMN {column} SET NOT NULL on existing table {table}")
    state.locking(statement, f"ALTER TABLE {table}")


def _on_existing(kind: str, what: str):  # type: ignore[no-untyped-def]
    """A check for statements that lock (and, for some rules, risk) an existing table."""

    def check(state: _FileState, statement: Statement, facts: Facts) -> None:
        for table in facts.tables or ("",):
            if facts.tables and not state.existing(table):
                continue
            shown = table or "a table"
            if kind == "update" and not facts.has_where:
                state.add("update_without_where", statement, f"UPDATE of every row of existing table {shown}")
            elif kind == "delete" and not facts.has_where:
                state.add("delete_without_where", statement, f"DELETE of every row of existing table {shown}")
            elif kind == "truncate":
                state.add("truncate", statement, f"TRUNCATE of existing table {shown}")
            elif kind in {"vacuum_full", "cluster"}:
                state.add(kind, statement, f"{what} {shown}".rstrip())
            if kind in LOCKING_KINDS:
                state.locking(statement, f"{what} {shown}")

    return check


def _enum_add_value(state: _FileState, statement: Statement, facts: Facts) -> None:
    if not facts.positioned:
        state.add("enum_value_without_position", statement, "ALTER TYPE ... ADD VALUE without BEFORE/AFTER")


def _set_lock_timeout(state: _FileState, statement: Statement, facts: Facts) -> None:
    state.lock_timeout = True


def _unanalysed(state: _FileState, statement: Statement, facts: Facts) -> None:
    state.add("statement_not_analysed", statement,
              f"lint could not analyse this statement ({facts.reason}); no syntactic rule checked it")


CHECKS = {
    "create_table": _create_table,
    "create_index": _create_index,
    "drop_index": _drop_index,
    "reindex": _reindex,
    "alter_table": _alter_table,
    "create_trigger": _on_existing("create_trigger", "CREATE TRIGGER on"),
    "drop_table": _on_existing("drop_table", "DROP TABLE"),
    "update": _on_existing("update", "UPDATE"),
    "delete": _on_existing("delete", "DELETE"),
    "truncate": _on_existing("truncate", "TRUNCATE"),
    "vacuum_full": _on_existing("vacuum_full", "VACUUM FULL"),
    "cluster": _on_existing("cluster", "CLUSTER"),
    "enum_add_value": _enum_add_value,
    "set_lock_timeout": _set_lock_timeout,
    "unanalysed": _unanalysed,
}
