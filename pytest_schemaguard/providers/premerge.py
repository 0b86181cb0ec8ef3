"""Item ``premerge[<ref>]`` (with ``--schemaguard-base REF``): the branch only appends migrations.

An unknown ref or a directory outside git fails this item with the reason (the expectations are
still checked), rather than stopping the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import SchemaguardError
from ..integrity.premerge import base_files, compare_with_base
from ..session import SchemaguardSession
from . import ItemSpec


def check(session: SchemaguardSession) -> str | None:
    project = session.project
    ref = session.settings.base
    assert project is not None and ref is not None
    try:
        base = base_files(session)
    except SchemaguardError as exc:
        return str(exc)
    findings = compare_with_base(project.migrations.migrations, base, ref)
    if not findings:
        return None
    new = sum(1 for m in project.migrations.migrations if m.name not in base)
    body = "\n".join(f"  {finding}" for finding in findings)
    return (f"pre-merge check against {ref} ({len(base)} migration(s) at {ref} count as applied, {new} new):\n"
            f"{body}")


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.project is None or not session.settings.base:
        return []
    return [ItemSpec(f"premerge[{session.settings.base}]", check, marker="schemaguard_migration",
                     needs_database=False)]
