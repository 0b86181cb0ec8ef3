"""Lint as part of each ``migration[<file>]`` item (see ``pytest_schemaguard.lint``).

Which files: the new ones (not at ``--schemaguard-base``, or not in the lock file). With
neither, every file is linted but findings are only warnings, so an old history with old drops
does not fail forever. Warn/info findings always go to the terminal summary's warnings.
"""

from __future__ import annotations

import time

from ..errors import SchemaguardError
from ..integrity.premerge import new_files
from ..lint.rules import ERROR
from ..lint.run import LintResult, lint_file, project_observer, render_file, replay, summary
from ..lint.semantic import LintObserver
from ..migrations import Migration
from ..session import SchemaguardSession


def prepare(session: SchemaguardSession) -> None:
    """Watch the session's own build (call before ``ensure_built``), so no replay is needed."""
    if session.build is not None or _observer(session) is not None:
        return
    try:
        targets = new_files(session)  # decided once per session: git is asked only here
    except SchemaguardError:
        return  # the premerge / lock items say what is wrong with the base or the lock file
    if session.project is None or targets == set():
        return  # nothing to lint: no snapshot is worth taking
    observer = project_observer(session.project, targets)
    observer.warnings_only = targets is None  # every file linted: findings are warnings (docs/lint.md)
    session.observers.append(observer)


def _observer(session: SchemaguardSession) -> LintObserver | None:
    return next((o for o in session.observers if isinstance(o, LintObserver)), None)


def session_observer(session: SchemaguardSession, targets: set[str] | None) -> LintObserver:
    """The observer that saw the build, or one that watched a replay on a scratch database (once)."""
    session.ensure_built()
    observer = _observer(session)
    if observer is None or not observer.ran:
        if observer is not None:
            session.observers.remove(observer)
        started = time.perf_counter()
        observer = replay(session, targets)
        session.timings["lint replay"] = time.perf_counter() - started  # -v shows what the build did not watch
        session.observers.append(observer)  # the build is over: kept only as this session's cache
    return observer


def check_migration(session: SchemaguardSession, migration: Migration) -> str | None:
    """Lint one applied migration: error-level findings of a new file fail its ``migration[...]``
    item (SPEC §4); everything else, and every finding when no file counts as new, is a warning."""
    assert session.project is not None
    try:
        targets = new_files(session)
    except SchemaguardError:
        return None  # the premerge / lock items say what is wrong with the base or the lock file
    if targets is not None and migration.name not in targets:
        return None  # already applied elsewhere: linting it now would only repeat old news
    observer = session_observer(session, targets)
    findings = lint_file(migration, observer)
    strict = targets is not None
    result = LintResult(linted=[migration.name], findings={migration.name: findings}, strict=strict,
                        failed=observer.failed,
                        not_analysed=[] if migration.name in observer.analysed else [migration.name])
    failing = strict and any(f.level == ERROR for f in findings)
    covered = _covered_by_rules(session) if not strict else set()
    for finding in findings:
        if not (failing and finding.level == ERROR) and finding.rule not in covered:
            session.warnings.append(f"lint {finding.headline()}")
    if failing:
        return f"lint: {summary(findings)}\n{render_file(result, migration.name)}"
    return None


# Lint rules that say the same as a schema rule about the final schema. When the whole history
# is linted as warnings, the schema rule's report (about what the database has now) is the one
# worth reading; in pre-merge/lock mode the lint finding points at the new migration and stays.
_SAME_AS_SCHEMA_RULE = {"foreign_key_without_index": "unindexed_foreign_keys"}


def _covered_by_rules(session: SchemaguardSession) -> set[str]:
    from ..rules.evaluate import rule_levels

    assert session.expectations is not None and session.project is not None
    levels = rule_levels(session.expectations, session.project.flavor)
    return {lint for lint, rule in _SAME_AS_SCHEMA_RULE.items() if levels[rule].value != "off"}
