"""Item ``history[live]`` (with ``--schemaguard-live-dsn``): the live database's applied versions vs the files.

Fails on versions missing locally, files that would run out of order, and files edited after
they were applied; pending files are normal before a deploy and pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..drift.live_session import read_live
from ..errors import SchemaguardError
from ..integrity.history import archived_migrations, compare_history, render_history_failure
from ..session import SchemaguardSession
from . import ItemSpec


def check(session: SchemaguardSession) -> str | None:
    project = session.project
    dsn = session.settings.live_dsn
    assert project is not None and dsn is not None
    try:
        reading = read_live(session, dsn, what="--schemaguard-live-dsn", schema=False)  # drift[live]'s visit
        if isinstance(reading.applied, SchemaguardError):
            raise reading.applied
    except SchemaguardError as exc:
        return str(exc)
    entries = compare_history(project.migrations.migrations, reading.applied, archived_migrations(project))
    return render_history_failure(entries, f"the live database {reading.display}")


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.project is None or not session.settings.live_dsn:
        return []
    return [ItemSpec("history[live]", check, marker="schemaguard_drift", needs_database=False)]
