"""The ``snapshot`` item (SPEC §5): ``schema.sql`` is fresh and rebuilds the migrations' schema."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession


def _check(session: SchemaguardSession) -> str | None:
    from ..drift.snapshot_file import check_snapshot, current_snapshot, snapshot_path  # pg_dump work: only when run

    if session.settings.update:
        from ..session import PendingWrite

        assert session.project is not None
        # Dumped now, from this run's build (so a missing pg_dump fails this item); written at
        # the end of the run, and only if nothing failed.
        text = current_snapshot(session)
        name = str(session.project.settings.snapshot)
        session.pending_writes.append(PendingWrite(name, partial(_write_snapshot, snapshot_path(session), text)))
        return None
    return check_snapshot(session)


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    project = session.project
    if project is None or project.settings.snapshot is None:
        return
    yield ItemSpec(name="snapshot", check=_check, marker="schemaguard_drift",
                   path=project.root / project.settings.snapshot, line=project.settings.line)


def _write_snapshot(path: Path, text: str) -> bool:
    from ..database.pg_dump import SnapshotError
    from ..project import write_text_if_changed

    return write_text_if_changed(path, text, SnapshotError)
