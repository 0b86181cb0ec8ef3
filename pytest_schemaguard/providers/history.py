"""Item ``history[live]`` (with ``--schemaguard-live-dsn``): the live database's applied versions vs the files.

Fails on versions missing locally, files that would run out of order, and files edited after
they were applied; pending files are normal before a deploy and pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import SchemaguardError
from ..history import live_history, render_history_failure
from ..live import open_live
from ..session import SchemaguardSession
from . import ItemSpec


def check(session: SchemaguardSession) -> str | None:
    project = session.project
    dsn = session.settings.live_dsn
    assert project is not None and dsn is not None
    try:
        with open_live(dsn) as live:
            entries = live_history(live, project.migrations.migrations)
            where = f"the live database {live.info.display()}"
    except SchemaguardError as exc:
        return str(exc)
    return render_history_failure(entries, where)


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.project is None or not session.settings.live_dsn:
        return []
    return [ItemSpec("history[live]", check, marker="schemaguard_drift", needs_database=False)]
