"""Item ``migrations[naming]``: files in the migrations directory that will not run, and mixed numbering.

Per-file naming problems (pattern, duplicate versions) fail that file's migration item; this item
covers what has no migration item of its own: stray files (``add_stuff.sql``, ``.DS_Store``),
``*.sql.skip`` files (never applied: listed, not a failure) and, under ``naming: any``, a
history that mixes sequential and timestamp numbering.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..migrations import MIGRATION_NAME, describe_mixed_numbering, mixed_numbering
from ..project import Project
from ..session import SchemaguardSession
from . import ItemSpec

NAME = "migrations[naming]"


def strays(project: Project) -> list[Path]:
    """Files in the migrations directory that are not migrations (the lock file may live there)."""
    lock = (project.root / project.settings.lock).resolve() if project.settings.lock else None
    return [p for p in project.migrations.strays if p.resolve() != lock]


def mixed(project: Project) -> str | None:
    if project.settings.naming != "any":
        return None  # under a strict rule the odd files fail their own migration items, with the same advice
    found = mixed_numbering(project.migrations, "any")
    return describe_mixed_numbering(*found) if found else None


def _strays(session: SchemaguardSession) -> list[Path]:
    assert session.project is not None
    return strays(session.project)


def _mixed(session: SchemaguardSession) -> str | None:
    assert session.project is not None
    return mixed(session.project)


def stray_hint(path: Path) -> str:
    """Why a file is not a migration, and what to rename it to if it was meant to be one."""
    if path.suffix == ".sql" and not MIGRATION_NAME.match(path.name):
        return ("not a migration (no `<version>_` prefix), so it is never applied; rename it like "
                f"20250101000000_{path.stem.lower().replace('-', '_')}.sql (`schemaguard new` picks the version) "
                f"or to {path.name}.skip to keep it unapplied on purpose")
    return "not a migration (only <version>_<name>.sql files are applied); move it out of the directory"


def check(session: SchemaguardSession) -> str | None:
    assert session.project is not None
    directory = session.project.migrations.directory
    skipped = [f"  {p.name}: skipped (.sql.skip files are never applied)" for p in session.project.migrations.skipped]
    problems = [f"  {p.name}: {stray_hint(p)}" for p in _strays(session)]
    mixed = _mixed(session)
    if mixed:
        problems.append(f"  {mixed}")
    if not problems:
        session.warnings.extend(line.strip() for line in skipped)
        return None
    return f"{directory}: files that will not run as migrations:\n" + "\n".join(problems + skipped)


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    # Only when there is something to list, so a tidy directory adds no item.
    if session.project is None:
        return []
    project = session.project
    if not (_strays(session) or project.migrations.skipped or _mixed(session)):
        return []
    return [ItemSpec(NAME, check, marker="schemaguard_migration", needs_database=False,
                     path=project.migrations.directory)]
