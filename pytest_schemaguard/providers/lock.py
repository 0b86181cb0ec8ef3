"""Item ``lock`` (when ``project.lock`` is set): the lock file matches the migration files."""

from __future__ import annotations

from collections.abc import Iterable

from ..lockfile import LockError, lock_report, write_lock
from ..session import SchemaguardSession
from . import ItemSpec


def check(session: SchemaguardSession) -> str | None:
    project = session.project
    assert project is not None and project.settings.lock is not None
    path = project.root / project.settings.lock
    migrations = project.migrations.migrations
    if session.settings.update:
        if write_lock(path, migrations):
            session.warnings.append(f"{project.settings.lock} rewritten from {len(migrations)} migration file(s) "
                                    "(--schemaguard-update): review and commit it")
        return None
    try:
        return lock_report(path, migrations, display=project.settings.lock)
    except LockError as exc:
        return str(exc)


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.project is None or not session.project.settings.lock:
        return []
    return [ItemSpec("lock", check, marker="schemaguard_migration", needs_database=False)]
