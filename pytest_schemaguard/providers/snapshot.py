"""The ``snapshot`` item (SPEC §5): ``schema.sql`` is fresh and rebuilds the migrations' schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession


def _check(session: SchemaguardSession) -> str | None:
    from ..snapshot_file import check_snapshot  # pg_dump work happens only when the item runs

    return check_snapshot(session)


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    project = session.project
    if project is None or project.settings.snapshot is None:
        return
    yield ItemSpec(name="snapshot", check=_check, marker="schemaguard_drift",
                   path=project.root / project.settings.snapshot, line=project.settings.line)
