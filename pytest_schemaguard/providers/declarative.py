"""The ``declarative`` item (SPEC §4): the migrations build exactly the declared schema files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import SchemaguardError
from ..project import relative_path
from . import ItemSpec

if TYPE_CHECKING:
    from ..drift.declarative import DeclaredFiles
    from ..session import SchemaguardSession

ITEM_NAME = "declarative"


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    from ..drift.declarative import declared_files  # catalog diffing is only needed when declared files exist

    project = session.project
    if project is None:
        return
    try:
        declared = declared_files(project)
    except SchemaguardError as exc:  # a wrong schema_paths fails this item, not the whole collection
        message = str(exc)
        yield ItemSpec(name=ITEM_NAME, check=lambda _session: message, marker="schemaguard_drift",
                       needs_database=False)
        return
    if declared is None:
        return
    yield ItemSpec(name=ITEM_NAME, check=lambda s: check_declarative(s, declared), marker="schemaguard_drift")


def check_declarative(session: SchemaguardSession, declared: DeclaredFiles) -> str | None:
    from ..drift.declarative import compare, render_comparison

    assert session.project is not None
    try:
        comparison = compare(session, declared)
    except SchemaguardError as exc:
        return str(exc)
    if not comparison.changes:
        return None
    project = session.project
    directory = relative_path(project.migrations.directory, project.root)
    migrations = f"{directory}, {len(project.migrations.migrations)} file(s)"
    return render_comparison(comparison, migrations)
