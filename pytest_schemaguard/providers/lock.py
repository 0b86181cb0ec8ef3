"""Item ``lock`` (when ``project.lock`` is set): the lock file matches the migration files."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..integrity.lockfile import LockError, lock_report, write_lock
from ..session import PendingWrite, SchemaguardSession
from . import ItemSpec


def check(session: SchemaguardSession) -> str | None:
    project = session.project
    assert project is not None and project.settings.lock is not None
    path = project.root / project.settings.lock
    migrations = project.migrations.migrations
    if session.settings.update:
        # Written at the end of the run, and only if nothing failed: locking a migration that
        # failed (lint, a broken statement) would make the next run pass.
        session.pending_writes.append(PendingWrite(str(project.settings.lock), partial(write_lock, path, migrations)))
        return None
    try:
        return lock_report(path, migrations, display=project.settings.lock)
    except LockError as exc:
        return str(exc)


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.project is None or not session.project.settings.lock:
        return []
    return [ItemSpec("lock", check, marker="schemaguard_migration", needs_database=False)]
