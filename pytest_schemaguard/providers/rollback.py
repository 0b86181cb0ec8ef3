"""``rollback[<migration>]`` items (SPEC §5): one per migration that has a rollback script."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..project import relative_path
from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession


def _proof(migration: str) -> Callable[[SchemaguardSession], str | None]:
    def check(session: SchemaguardSession) -> str | None:
        from ..drift.rollback import walk_rollbacks  # the walk runs when the first rollback item does

        results = walk_rollbacks(session)
        if migration not in results:
            return f"internal: no rollback result for {migration}"
        return results[migration]

    return check


def _fixed(message: str) -> Callable[[SchemaguardSession], str | None]:
    return lambda session: message




def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    from ..drift.rollback import plan_rollbacks

    project = session.project
    if project is None:
        return
    plan = plan_rollbacks(project)
    if plan is None:
        return
    where = relative_path(plan.directory, project.root)
    if not plan.directory.is_dir():
        message = (f"project.rollbacks names {where}, which is not a directory: create it and put "
                   "<migration file name> rollback scripts there, or remove project.rollbacks")
        yield ItemSpec(name=f"rollback[{where}]", check=_fixed(message), marker="schemaguard_migration",
                       needs_database=False, line=project.settings.line)
        return
    for migration in project.migrations.migrations:
        script = plan.scripts.get(migration.name)
        if script is not None:
            yield ItemSpec(name=f"rollback[{migration.name}]", check=_proof(migration.name),
                           marker="schemaguard_migration", path=script)
    migrations = relative_path(project.migrations.directory, project.root)
    for orphan in plan.orphans:
        message = (f"{relative_path(orphan, project.root)} matches no migration in {migrations}: a rollback "
                   "script must have the exact file name of the migration it undoes")
        yield ItemSpec(name=f"rollback[{orphan.name}]", check=_fixed(message), marker="schemaguard_migration",
                       needs_database=False, path=orphan)
