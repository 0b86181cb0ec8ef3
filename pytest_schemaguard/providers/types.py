"""The ``types`` item (when ``project.types`` is set): the committed generated types are what the
migrations build now."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession


def _check(session: SchemaguardSession) -> str | None:
    from ..session import PendingWrite
    from ..typegen.generate import check_file, default_schemas, generate, language_of, types_path, write_file

    assert session.project is not None
    path = types_path(session.project)
    lang = language_of(path, None)
    schemas = default_schemas(session.project)
    if session.settings.update:
        # Generated now (from this build), written at the end of the run only if nothing failed.
        text = generate(session, lang, schemas)
        write = partial(write_file, path, text)
        session.pending_writes.append(PendingWrite(str(session.project.settings.types), write))
        return None
    return check_file(session, path, lang, schemas)


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    project = session.project
    if project is None or project.settings.types is None:
        return
    yield ItemSpec(name="types", check=_check, marker="schemaguard_drift",
                   path=project.root / project.settings.types, line=project.settings.line)
