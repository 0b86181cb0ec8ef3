"""Lint a project's migrations: choose the files, get catalog snapshots around them, run the rules.

Snapshots come from a ``LintObserver`` that watched the session's own build when it could be
registered before it (the CLI does this), or else from a replay of the migrations on a scratch
database of the same server (``pytest --schemaguard`` builds at session start, before providers
are even collected).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import psycopg

from ..database.build import StepOutcome, build_project
from ..migrations import Migration
from ..project import Project
from ..session import SchemaguardSession
from .rules import ERROR, Finding, sort_findings
from .semantic import LintObserver, exposed_schemas
from .suppress import apply_suppressions
from .syntactic import lint_statements


@dataclass
class LintResult:
    linted: list[str]  # file names, in version order
    findings: dict[str, list[Finding]]  # file name -> its findings, sorted
    strict: bool  # True when only new files were linted (errors fail); False: whole history, warnings only
    failed: StepOutcome | None = None  # the migration that stopped the build
    not_analysed: list[str] = field(default_factory=list)  # linted files the semantic rules could not see
    seconds: float = 0.0

    def errors(self) -> list[Finding]:
        return [f for file in self.linted for f in self.findings[file] if f.level == ERROR]


def lint_file(migration: Migration, observer: LintObserver | None) -> list[Finding]:
    """Every finding of one file, suppressions applied: as the observer judged it while it applied,
    else (not observed: no snapshots) the syntactic rules alone."""
    if observer is not None and migration.name in observer.findings:
        findings = list(observer.findings[migration.name])
    else:
        findings = lint_statements(migration.name, migration.statements, no_transaction=migration.no_transaction)
    return sort_findings(apply_suppressions(migration.name, migration.text, findings, migration.script))


def lint_project(project: Project, targets: set[str] | None, observer: LintObserver | None) -> LintResult:
    started = time.perf_counter()
    linted = [m for m in project.migrations.migrations if targets is None or m.name in targets]
    result = LintResult(linted=[m.name for m in linted], findings={}, strict=targets is not None,
                        failed=observer.failed if observer else None)
    for migration in linted:
        result.findings[migration.name] = lint_file(migration, observer)
        if observer is None or migration.name not in observer.analysed:
            result.not_analysed.append(migration.name)
    result.seconds = time.perf_counter() - started
    return result


def project_observer(project: Project, targets: set[str] | None) -> LintObserver:
    """The observer that lints ``targets`` of ``project`` (exposed schemas from its config) as they apply."""
    return LintObserver(targets, exposed_schemas(project.supabase_config, project.flavor))


def replay(session: SchemaguardSession, targets: set[str] | None) -> LintObserver:
    """Build the migrations again on a scratch database with a ``LintObserver`` watching."""
    project = session.project
    assert project is not None
    observer = project_observer(project, targets)
    migrations = list(project.migrations.migrations)
    if targets is not None:
        last = max((i for i, m in enumerate(migrations) if m.name in targets), default=-1)
        migrations = migrations[: last + 1]  # nothing after the last linted file matters
    if not migrations:
        observer.ran = True
        return observer
    info = session.scratch_database("lint")
    with psycopg.connect(info.conninfo(), autocommit=True) as conn:
        build_project(conn, project, migrations=migrations, observers=[observer])
    return observer


def render_file(result: LintResult, file: str) -> str:
    findings = result.findings[file]
    lines = [finding.render() for finding in findings]
    if file in result.not_analysed:
        why = f"the build failed at {result.failed.name}" if result.failed else "it was not applied"
        lines.append(f"{file}: semantic rules not run: {why}")
    return "\n".join(lines)


def summary(findings: list[Finding]) -> str:
    counts = {level: sum(1 for f in findings if f.level == level) for level in ("error", "warn", "info")}
    return ", ".join(f"{n} {level}" for level, n in counts.items() if n) or "no findings"
