"""Write the migration that closes the declarative gap, and prove it before anyone trusts it.

The generated SQL is applied to the migrations' own throwaway build, in transactions committed
as migration files would be (enum values first, in a file of their own: PostgreSQL refuses a new
enum value used in the transaction that added it), and that database is diffed against the
declared build again. Differences the first pass could not foresee (default privileges an object
got when it was created) are written by a second pass from the new diff; the migration is
complete only when the last diff is empty and nothing was left as ``-- TODO``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ..catalog import inspect_schema
from ..catalog.model import Schema
from ..catalog.reader import READ_SEARCH_PATH
from ..database.server import ConnectionInfo
from ..diff import Change
from ..lint.rules import Finding, sort_findings
from ..lint.syntactic import Before, lint_statements
from ..migrations import split_statements
from .declarative import Comparison, relevant_changes
from .migration_sql import MigrationPlan, Todo, generate_migration

MAX_PASSES = 3


@functools.cache
def _function_query() -> str:
    folder = resources.files("pytest_schemaguard.drift").joinpath("queries")
    return folder.joinpath("function_definition.sql").read_text(encoding="utf-8")


class DeclaredDefinitions:
    """``pg_get_functiondef`` from the declared build, read as the snapshot was (search_path = public)."""

    def __init__(self, info: ConnectionInfo) -> None:
        self.info = info

    def function(self, signature: str) -> str:
        with psycopg.connect(self.info.conninfo(), autocommit=True) as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SELECT set_config('search_path', %s, false)", (READ_SEARCH_PATH,))
            cur.execute(_function_query(), {"signature": signature})  # type: ignore[arg-type]
            row = cur.fetchone()
            assert row is not None
            return str(row["definition"])


@dataclass(frozen=True)
class GeneratedMigration:
    enum_values: tuple[str, ...]  # its own file, applied (and committed) first
    statements: tuple[str, ...]
    todos: tuple[Todo, ...]
    remaining: tuple[Change, ...]  # what the proven database still lacks
    proven_schema: Schema | None
    failure: str | None  # PostgreSQL's error when a generated statement failed
    lint: tuple[Finding, ...]

    @property
    def complete(self) -> bool:
        return not (self.todos or self.remaining or self.failure)

    def files(self) -> list[tuple[str, str]]:
        """(suffix, text) of each file to write: enum values first when there are any."""
        plan = MigrationPlan(self.enum_values, self.statements, self.todos)
        rest = plan.render(self.statements) if (self.statements or self.todos) else ""
        if not self.enum_values:
            return [("", rest)]
        values = MigrationPlan((), (), ()).render(self.enum_values)
        return [("_enum_values", values), ("", rest)] if rest else [("", values)]


def generate_and_prove(conn: psycopg.Connection[Any], comparison: Comparison, definitions: DeclaredDefinitions,
                       ) -> GeneratedMigration:
    """``conn``: the migrations' throwaway build (it is changed: use it for nothing else afterwards)."""
    declared = comparison.schema
    current, changes = comparison.migrated, list(comparison.changes)
    enum_values: list[str] = []
    statements: list[str] = []
    todos: dict[str, Todo] = {}
    failure = None
    for _ in range(MAX_PASSES):
        if not changes:
            break
        plan = generate_migration(changes, current, declared, definitions)
        todos.update({f"{t.object}: {t.reason}": t for t in plan.todos})
        if not (plan.enum_values or plan.statements):
            break
        failure = _apply(conn, plan.enum_values) or _apply(conn, plan.statements)
        enum_values += plan.enum_values
        statements += plan.statements
        if failure:
            break
        current = inspect_schema(conn)
        changes = relevant_changes(current, declared)
    before = Before.from_schema(comparison.migrated)
    lint: list[Finding] = []
    for name, part in (("enum values", enum_values), ("migration", statements)):
        text = "".join(f"{s};\n\n" for s in part)
        lint += lint_statements(f"(generated {name})", split_statements(text), no_transaction=False, before=before)
    return GeneratedMigration(tuple(enum_values), tuple(statements), tuple(todos.values()),
                              () if failure else tuple(changes), None if failure else current, failure,
                              tuple(sort_findings(lint)))


def _apply(conn: psycopg.Connection[Any], statements: tuple[str, ...]) -> str | None:
    """Run ``statements`` in one committed transaction, as a migration file; the error, if any."""
    if not statements:
        return None
    statement = ""
    try:
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]  # generated from the catalog, not user input
    except psycopg.Error as exc:
        diag = exc.diag
        lines = [f"the generated statement failed on a build of the migrations:\n    {statement};",
                 f"ERROR:  {diag.message_primary or exc}"]
        extra = (("DETAIL", diag.message_detail), ("HINT", diag.message_hint))
        lines += [f"{label}:  {value}" for label, value in extra if value]
        return "\n".join(lines)
    return None
