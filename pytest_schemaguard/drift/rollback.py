"""Rollback scripts proven by one walk (SPEC §5): up, down, up again, on one scratch database.

``project.rollbacks`` names a directory where ``<migration file name>`` undoes that migration.
For each migration with a rollback, in build order, on the same database:

    snapshot "before" -> apply migration -> snapshot "after" -> apply rollback -> snapshot, must equal
    "before" -> re-apply the migration -> snapshot, must equal "after"

and the walk then carries on with the next migration. N rollbacks cost one build plus a few
catalog reads each, not N rebuilds. All results are computed once, when the first
``rollback[...]`` item runs, and cached on the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from ..catalog import inspect_schema
from ..catalog.model import Schema
from ..database.build import StepOutcome, project_builder
from ..errors import SchemaguardError
from ..migrations import Migration
from ..project import Project, relative_path

if TYPE_CHECKING:
    from ..diff import Change
    from ..session import SchemaguardSession

_CACHE_ATTRIBUTE = "_schemaguard_rollback_results"


@dataclass(frozen=True)
class RollbackPlan:
    """Which migrations have rollback scripts, and which scripts match no migration."""

    directory: Path
    scripts: dict[str, Path]  # migration file name -> its rollback script
    orphans: tuple[Path, ...]  # scripts named after no migration


def plan_rollbacks(project: Project) -> RollbackPlan | None:
    """None when ``project.rollbacks`` is not set; reads only the file names."""
    if project.settings.rollbacks is None:
        return None
    directory = (project.root / project.settings.rollbacks).resolve()
    names = {m.name for m in project.migrations.migrations}
    scripts: dict[str, Path] = {}
    orphans: list[Path] = []
    if directory.is_dir():
        for path in sorted(directory.glob("*.sql")):
            if path.name in names:
                scripts[path.name] = path
            else:
                orphans.append(path)
    return RollbackPlan(directory=directory, scripts=scripts, orphans=tuple(orphans))


def _describe(change: Change) -> str:
    what = f"{change.kind.replace('_', ' ')} {change.name}"
    if change.change == "only_in_b":
        return f"left behind: {what}"
    if change.change == "only_in_a":
        return f"dropped, but it existed before the migration: {what}"
    return f"not restored: {what} ({change.field} differs)"


def _difference(title: str, changes: list[Change], a_label: str, b_label: str) -> str:
    from ..diff import render_changes

    summary = "\n".join(f"  {_describe(c)}" for c in changes)
    return f"{title}\n{summary}\n\n{render_changes(changes, a_label, b_label)}"


class RollbackWalk:
    """Applies the migrations in order on one connection, proving each rollback on the way."""

    def __init__(self, conn: psycopg.Connection, project: Project, scripts: dict[str, Path]) -> None:
        self.conn = conn
        self.project = project
        self.scripts = scripts
        self.builder = project_builder(conn, project)
        self.results: dict[str, str | None] = {}

    def _apply(self, migration: Migration) -> StepOutcome:
        return self.builder.apply(migration.name, migration.path, migration.statements,
                                  transaction=not migration.no_transaction)

    def run(self, migrations: Sequence[Migration]) -> dict[str, str | None]:
        self.builder.prepare()  # its warnings are the session build's, already reported
        for index, migration in enumerate(migrations):
            stopped = self._step(migration)
            if stopped:
                for later in migrations[index + 1:]:
                    if later.name in self.scripts:
                        self.results[later.name] = f"not checked: {stopped}"
                break
        return self.results

    def _step(self, migration: Migration) -> str | None:
        """Apply one migration (proving its rollback if it has one); why the walk stops, or None."""
        script = self.scripts.get(migration.name)
        before = inspect_schema(self.conn) if script else None
        outcome = self._apply(migration)
        if outcome.failure is not None:
            if script:
                self.results[migration.name] = f"the migration itself failed:\n{outcome.failure.render()}"
            return f"the migrations do not build past {migration.name}"
        if script is None or before is None:
            return None
        verdict, stop = self._prove(migration, script, before)
        self.results[migration.name] = verdict
        return stop

    def _prove(self, migration: Migration, script: Path, before: Schema) -> tuple[str | None, str | None]:
        """(verdict, why the walk must stop) for one migration just applied; leaves it applied.

        Down and up again run inside one transaction that is then rolled back, so the database is
        back at "after the migration" whatever the rollback did. Files that must run outside a
        transaction are proven for real instead, and a failed re-application then stops the walk.
        """
        rollback = Migration(path=script, version=migration.version, name=script.name)
        try:
            _ = rollback.statements  # read here, so an unreadable script fails its own item, not the walk
        except SchemaguardError as exc:
            return str(exc), None
        after = inspect_schema(self.conn)
        if migration.no_transaction or rollback.no_transaction:
            verdict, redo_failed = self._down_up(migration, rollback, before, after)
            return verdict, (f"re-applying {migration.name} after its rollback failed" if redo_failed else None)
        verdict = None
        with self.conn.transaction():
            verdict, _ = self._down_up(migration, rollback, before, after)
            raise psycopg.Rollback()
        return verdict, None

    def _down_up(self, migration: Migration, rollback: Migration, before: Schema,
                 after: Schema) -> tuple[str | None, bool]:
        """(verdict, whether re-applying failed) of rollback then migration again."""
        from ..diff import diff_snapshots

        script = relative_path(rollback.path, self.project.root)
        undone = self._apply(rollback)
        if undone.failure is not None:
            return f"the rollback script failed:\n{undone.failure.render()}", False
        left = diff_snapshots(before, inspect_schema(self.conn))
        verdict = (_difference(f"{script} does not restore the schema from before {migration.name}:",
                               left, f"before {migration.name}", f"after {script}") if left else None)
        redo = self._apply(migration)
        if redo.failure is not None:
            failed = f"re-applying {migration.name} after its rollback failed:\n{redo.failure.render()}"
            return (f"{verdict}\n\n{failed}" if verdict else failed), True
        if verdict:
            return verdict, False
        again = diff_snapshots(after, inspect_schema(self.conn))
        if again:
            return _difference(f"re-applying {migration.name} after {script} gives another schema:",
                               again, "first application", "after rollback and re-application"), False
        return None, False


def walk_rollbacks(session: SchemaguardSession) -> dict[str, str | None]:
    """Migration name -> failure text (None: proven), for every migration with a rollback; cached."""
    cached: dict[str, str | None] | None = getattr(session, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    assert session.project is not None
    plan = plan_rollbacks(session.project)
    results: dict[str, str | None] = {}
    if plan is not None and plan.scripts:
        info = session.scratch_database("rollback")
        with psycopg.connect(info.conninfo(), autocommit=True) as conn:
            results = RollbackWalk(conn, session.project, plan.scripts).run(session.project.migrations.migrations)
    setattr(session, _CACHE_ATTRIBUTE, results)
    return results
