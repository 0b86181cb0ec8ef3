"""pytest collection: the expectations file becomes one item per migration and per declared object.

Modelled on pytest's "Working with non-python tests": a ``File`` collector yields ``Item``s whose
``runtest`` asks the session for its (already computed) result and whose ``repr_failure`` prints
the finding text instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .checks.findings import ObjectReport
from .errors import SchemaguardError
from .migrations import Migration, naming_problems
from .providers import ItemSpec, discover_migration_checks, discover_providers
from .session import DatabaseUnavailable, SchemaguardSession, failure_location
from .stash import SESSION_KEY

__all__ = ["SESSION_KEY", "ExpectationsFile", "SchemaguardItem", "database_unavailable", "failing_item_in_run"]


class SchemaguardFailure(Exception):
    """A check that found mismatches; its text is the whole report."""


def _session(node: pytest.Item | pytest.Collector) -> SchemaguardSession:
    return node.config.stash[SESSION_KEY]


class ExpectationsFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        session = _session(self)
        session.load()
        if session.load_error is not None:
            raise session.load_error
        assert session.expectations is not None and session.project is not None
        project = session.project
        naming = naming_problems(project.migrations, project.settings.naming)
        for migration in project.migrations.migrations:
            yield MigrationItem.from_parent(self, name=f"migration[{migration.name}]", step=migration.name,
                                            path_=migration.path, migration=migration,
                                            problems=tuple(naming.get(migration.name, ())))
        for seed in project.seeds:
            yield MigrationItem.from_parent(self, name=f"seed[{seed.name}]", step=seed.name, path_=seed)
        for kind, name, line in session.expectations.declared_objects():
            yield ObjectItem.from_parent(self, name=f"{kind}[{name}]", kind=kind, object_name=name, line=line)
        for provide in discover_providers():
            for spec in provide(session):
                yield ProvidedItem.from_parent(self, name=spec.name, spec=spec)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, SchemaguardError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)  # type: ignore[return-value]


def database_unavailable(session: SchemaguardSession) -> str | None:
    """Why the database cannot be used (``database build failed at file:line``), or None."""
    try:
        session.require_database()
    except DatabaseUnavailable as exc:
        return str(exc)
    return None


def failing_item_in_run(node: pytest.Item | pytest.Collector, session: SchemaguardSession) -> bool:
    """Whether the item of the file that broke the build is part of this run (and so reports it)."""
    failed = session.build.failed_migration if session.build is not None else None
    return failed is not None and any(
        isinstance(item, MigrationItem) and item.step == failed.name for item in node.session.items
    )


class SchemaguardItem(pytest.Item):
    needs_build = True  # whether running it builds the database first (see plugin.pytest_runtest_protocol)

    def __init__(self, *, marker: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("schemaguard")
        self.add_marker(marker)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, (SchemaguardFailure, SchemaguardError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def require_database(self) -> None:
        """A broken build is reported once, on the migration that broke it; every item that needs
        the database is then skipped with one line, not one more failure in a cascade.

        When that migration's item is not in the run (``-k``, ``-m``), the first item that needs
        the database reports the failure instead, so a broken build never passes unnoticed.
        """
        session = _session(self)
        reason = database_unavailable(session)  # raised below, outside any handler: no "During handling"
        if reason is None:
            return
        failed = session.build.failed_migration if session.build is not None else None
        if failed is not None and failed.failure is not None and not session.build_failure_reported \
                and not failing_item_in_run(self, session):
            session.build_failure_reported = True
            raise SchemaguardFailure(f"{reason} (migration[{failed.name}] is not in this run):\n\n"
                                     + failed.failure.render())
        pytest.skip(reason)


class MigrationItem(SchemaguardItem):
    """Passes when the file applied cleanly; fails with file:line, statement and PostgreSQL's error."""

    def __init__(self, *, step: str, path_: Path, migration: Migration | None = None,
                 problems: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(marker="schemaguard_migration", **kwargs)
        self.step = step
        self.step_path = path_
        self.migration = migration  # None for a seed file
        self.problems = problems  # static findings about the file itself (naming, duplicates)

    def runtest(self) -> None:
        build = _session(self).ensure_built()
        outcome = build.outcome(self.step)
        if outcome is None:
            failed = build.failed_step
            pytest.skip(f"not applied: database build failed at {failure_location(failed) if failed else '?'}")
        if outcome.failure is not None:
            _session(self).build_failure_reported = True
            raise SchemaguardFailure(outcome.failure.render())
        failures = [f"{self.step}: {p}" for p in self.problems]
        if self.migration is not None:
            session = _session(self)
            failures += [f for check in discover_migration_checks() if (f := check(session, self.migration))]
        if failures:
            raise SchemaguardFailure("\n".join(failures))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.step_path, None, self.name


class ObjectItem(SchemaguardItem):
    """One declared object; fails with every mismatch found, each with its YAML line."""

    def __init__(self, *, kind: str, object_name: str, line: int | None, **kwargs: Any) -> None:
        super().__init__(marker="schemaguard_structure", **kwargs)
        self.kind = kind
        self.object_name = object_name
        self.line = line

    def runtest(self) -> None:
        self.require_database()  # here, not in setup: a failure is then rendered by repr_failure
        report = self.report()
        if not report.ok:
            raise SchemaguardFailure(report.render(self.path.name))

    def report(self) -> ObjectReport:
        reports = _session(self).reports()
        key = (self.kind, self.object_name)
        if key not in reports:
            raise SchemaguardFailure(f"internal: no result for {self.kind} {self.object_name}")
        return reports[key]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.line - 1) if self.line else None, self.name


class ProvidedItem(SchemaguardItem):
    """An item contributed by a provider module (lock, snapshot, drift, rules, ...)."""

    def __init__(self, *, spec: ItemSpec, **kwargs: Any) -> None:
        super().__init__(marker=spec.marker, **kwargs)
        self.spec = spec
        self.needs_build = spec.needs_database

    def runtest(self) -> None:
        if self.spec.needs_database:
            self.require_database()
        failure = self.spec.check(_session(self))
        if failure:
            raise SchemaguardFailure(failure)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = (self.spec.line - 1) if self.spec.line else None
        return self.spec.path or self.path, line, self.name
