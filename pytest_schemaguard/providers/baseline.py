"""The ``baseline`` item (SPEC §5): replaying ``project.archive`` gives exactly the baseline's schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession


def _check(session: SchemaguardSession) -> str | None:
    from ..drift.baseline import check_baseline  # two scratch builds, only when the item runs

    return check_baseline(session)


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    project = session.project
    if project is None or project.settings.archive is None:
        return
    yield ItemSpec(name="baseline", check=_check, marker="schemaguard_migration",
                   path=project.root / project.settings.archive, line=project.settings.line)
