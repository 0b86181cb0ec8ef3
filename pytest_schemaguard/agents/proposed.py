"""The ``lint_migration`` tool: judge a migration given as SQL text before it becomes a file.

The SQL is added, under the name ``schemaguard new`` would give it, as the last migration of the
project, and the whole history is built on the throwaway database of one command session (dropped
when the call ends): it runs exactly as the file would, in one transaction or statement by statement
under ``-- schemaguard: no-transaction``, and the lint observer judges it as ``schemaguard lint``
judges a new file. Around it the catalog is read, so the result says what it changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import psycopg

from ..catalog import inspect_schema
from ..catalog.model import Schema
from ..commands._integrity import loaded_project
from ..commands.new import existing_versions, next_version, utcnow, validate_name
from ..config import Settings
from ..database.build import StatementFailure, StepOutcome
from ..diff import changes_as_json, diff_snapshots, render_changes
from ..errors import SchemaguardError
from ..lint.rules import Finding, shorten
from ..lint.run import lint_file, project_observer, summary
from ..migrations import Migration
from ..project import relative_path
from ..session import command_session


@dataclass(frozen=True)
class ProposedMigration(Migration):
    """A migration whose text is given, not read: its path is where ``new_migration`` would write it."""

    sql: str = ""

    @cached_property
    def text(self) -> str:
        return self.sql

    @cached_property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass
class CatalogAround:
    """Build observer: the catalog just before and just after one migration."""

    name: str
    before: Schema | None = None
    after: Schema | None = None
    outcome: StepOutcome | None = field(default=None, repr=False)

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None:
        if migration.name == self.name:
            self.before = inspect_schema(conn)

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None:
        if migration.name == self.name:
            self.outcome = outcome
            if outcome.ok:
                self.after = inspect_schema(conn)


def lint_proposed(settings: Settings, sql: str, name: str = "proposed") -> dict[str, Any]:
    name = validate_name(name)
    if not sql.strip():
        raise SchemaguardError("the proposed migration is empty: pass its SQL text as `sql`")
    with command_session(settings) as session:
        project = loaded_project(session)
        directory = project.migrations.directory
        version = next_version(existing_versions(directory), project.settings.naming, utcnow())
        proposed = ProposedMigration(path=directory / f"{version}_{name}.sql", version=int(version),
                                     name=f"{version}_{name}.sql", sql=sql)
        session.project = dataclasses.replace(project, migrations=dataclasses.replace(
            project.migrations, migrations=(*project.migrations.migrations, proposed)))
        lint = project_observer(project, {proposed.name})
        around = CatalogAround(proposed.name)
        session.observers.extend([lint, around])
        build = session.ensure_built()
        failed = build.failed_migration
        if failed is not None and failed.name != proposed.name and failed.failure is not None:
            raise SchemaguardError(f"the project's migrations do not build, so the proposal cannot be judged:\n"
                                   f"{failed.failure.render()}")
        findings = lint_file(proposed, lint)
        changes = diff_snapshots(around.before, around.after) if around.before and around.after else []
        seed = build.failed_step if failed is None else None
        return {
            "ok": around.after is not None and not any(f.level == "error" for f in findings) and seed is None,
            "file": relative_path(proposed.path, project.root),
            "applied": around.after is not None,
            "error": failure_json(around.outcome.failure) if around.outcome and around.outcome.failure else None,
            "findings": [finding_json(f) for f in findings],
            "summary": summary(findings),
            "semantic_rules_run": proposed.name in lint.analysed,
            "changes": changes_as_json(changes),
            "changes_text": render_changes(changes, "before", "after") if changes else "no catalog changes",
            "seed_error": failure_json(seed.failure) if seed is not None and seed.failure else None,
            "warnings": list(session.warnings),
            "note": "applied on a throwaway database that is dropped after this call; no file was written",
        }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "level": finding.level, "file": finding.file, "line": finding.line,
            "message": finding.message, "statement": shorten(finding.statement), "why": finding.why,
            "fix": finding.fix}


def failure_json(failure: StatementFailure) -> dict[str, Any]:
    return {"file": failure.file, "line": failure.error_line or failure.line, "statement_line": failure.line,
            "message": failure.message, "sqlstate": failure.sqlstate, "detail": failure.detail,
            "hint": failure.hint, "text": failure.render()}
