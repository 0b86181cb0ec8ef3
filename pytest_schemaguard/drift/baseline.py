"""Baselines (SPEC §5): squash old history into one migration, and prove the squash is exact.

``project.archive`` holds the migrations a baseline replaced. The ``baseline`` item replays the
archive into one scratch database and the baseline into another and diffs the two catalogs; it
warns about data statements in the archive (INSERT/UPDATE/DELETE, cron schedules, storage
buckets), which a schema-only baseline silently loses. ``schemaguard baseline`` makes such a
baseline: it builds the history through a version, dumps the schema (as the snapshot does),
proves the dump rebuilds the same schema, then moves the files and writes a summary.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..database.scratch import ScratchBuild, as_migration, build_scratch
from ..errors import SchemaguardError
from ..migrations import Migration, discover_migrations
from ..project import Project, read_text, relative_path
from .snapshot_file import dump_schema, session_pg_dump

if TYPE_CHECKING:
    from ..session import SchemaguardSession

SUMMARY_NAME = "BASELINE.md"
BASELINE_LINE = re.compile(r"^baseline: (?P<name>\S+\.sql)\s*$", re.MULTILINE)
ARCHIVE_HASH_LINE = re.compile(r"^archive sha256: (?P<hash>[0-9a-f]{64})\s*$", re.MULTILINE)
_DML = re.compile(r"^(insert|update|delete|merge|copy)\b", re.IGNORECASE)
_DML_ANYWHERE = re.compile(r"\b(insert\s+into|update\s+[\w.\"]+\s+set|delete\s+from|merge\s+into)\b", re.IGNORECASE)
_CRON = re.compile(r"\bcron\s*\.\s*schedule(_in_database)?\s*\(", re.IGNORECASE)
_BUCKET = re.compile(r"^insert\s+into\s+(\"?storage\"?\s*\.\s*\"?buckets\"?)", re.IGNORECASE)
_DO_OR_WITH = re.compile(r"^(do|with)\b", re.IGNORECASE)
_SELECT = re.compile(r"^select\b", re.IGNORECASE)


class BaselineRefused(SchemaguardError):
    """``schemaguard baseline`` would lose something; nothing was changed."""


@dataclass(frozen=True)
class DataStatement:
    file: str  # relative to the project root
    line: int
    what: str  # "INSERT", "cron schedule", "storage bucket", ...
    text: str

    def render(self) -> str:
        first = self.text.splitlines()[0] if self.text else ""
        first = first if len(first) <= 80 else first[:77] + "..."
        return f"{self.file}:{self.line}: {self.what}: {first}"


def _classify(text: str) -> str | None:
    """What kind of data statement ``text`` is, or None for schema statements."""
    if _BUCKET.match(text):
        return "storage bucket"
    if _CRON.search(text) and (_SELECT.match(text) or _DO_OR_WITH.match(text)):
        return "cron schedule"
    match = _DML.match(text)
    if match:
        return match[1].upper()
    if _DO_OR_WITH.match(text) and _DML_ANYWHERE.search(text):
        return f"{text.split(None, 1)[0].upper()} block that changes data"
    return None


def data_statements(migrations: Sequence[Migration], root: Path) -> list[DataStatement]:
    """Statements a schema-only dump cannot carry over, with file:line."""
    found: list[DataStatement] = []
    for migration in migrations:
        for statement in migration.statements:
            what = _classify(statement.text)
            if what:
                found.append(DataStatement(relative_path(migration.path, root), statement.line, what, statement.text))
    return found


def archive_hash(migrations: Sequence[Migration]) -> str:
    """One hash over the archived files, in order (names and contents): edits and removals show."""
    digest = hashlib.sha256()
    for migration in migrations:
        digest.update(f"{migration.name} {migration.sha256}\n".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- the `baseline` item


def archive_directory(project: Project) -> Path:
    assert project.settings.archive is not None
    return (project.root / project.settings.archive).resolve()


def baseline_migrations(project: Project, summary: str | None) -> list[Migration]:
    """The files the summary names as the baseline, else the first migration."""
    by_name = {m.name: m for m in project.migrations.migrations}
    if summary:
        named = [by_name[m["name"]] for m in BASELINE_LINE.finditer(summary) if m["name"] in by_name]
        if named:
            return named
    return list(project.migrations.migrations[:1])


def _replay(session: SchemaguardSession, label: str, files: Sequence[Migration]) -> ScratchBuild:
    assert session.project is not None
    return build_scratch(session.scratch_database(label), session.project, files)


def _warn_data(session: SchemaguardSession, found: list[DataStatement]) -> None:
    for item in found:
        warning = (f"{item.render()} — data in the archive; the schema-only baseline does not carry it "
                   "(keep it in seed.sql or a data migration)")
        if warning not in session.warnings:
            session.warnings.append(warning)


def check_baseline(session: SchemaguardSession) -> str | None:
    """The ``baseline`` item: replaying the archive gives exactly the baseline's schema."""
    from ..diff import diff_snapshots, render_changes

    project = session.project
    assert project is not None
    directory = archive_directory(project)
    where = relative_path(directory, project.root)
    if not directory.is_dir():
        return (f"project.archive is {project.settings.archive}, but {where} is not a directory: "
                "nothing to compare the baseline with")
    archived = list(discover_migrations(directory).migrations)
    if not archived:
        return (f"project.archive is {project.settings.archive}, but {where} holds no migrations: "
                "nothing to compare the baseline with")
    summary_path = directory / SUMMARY_NAME
    summary = read_text(summary_path) if summary_path.exists() else None
    recorded = ARCHIVE_HASH_LINE.search(summary) if summary else None
    if recorded and recorded["hash"] != archive_hash(archived):
        return (f"the archived files changed since the baseline was made ({where}/{SUMMARY_NAME} records "
                f"archive sha256 {recorded['hash'][:12]}..., the files now hash to {archive_hash(archived)[:12]}...): "
                "archived migrations are history and must not be edited")
    _warn_data(session, data_statements(archived, project.root))
    baseline = baseline_migrations(project, summary)
    names = ", ".join(m.name for m in baseline)
    old = _replay(session, "archive", archived)
    if old.failure is not None and old.failure.failure is not None:
        return f"replaying the archive {where} fails:\n{old.failure.failure.render()}"
    new = _replay(session, "baseline", baseline)
    if new.failure is not None and new.failure.failure is not None:
        return f"the baseline {names} does not apply to an empty database:\n{new.failure.failure.render()}"
    assert old.schema is not None and new.schema is not None
    changes = diff_snapshots(old.schema, new.schema)
    if not changes:
        return None
    return (f"the baseline {names} does not give the schema of the {len(archived)} archived migrations:\n"
            + render_changes(changes, f"archive ({where})", f"baseline ({names})"))


# --------------------------------------------------------------------------- `schemaguard baseline`


@dataclass(frozen=True)
class BaselinePlan:
    replaced: tuple[Migration, ...]
    target: Path  # the new consolidated migration
    archive: Path
    data: tuple[DataStatement, ...]


def plan_baseline(project: Project, through: int | None, *, allow_data_loss: bool) -> BaselinePlan:
    """What ``schemaguard baseline`` would do, or BaselineRefused saying why it must not."""
    if project.settings.archive is None:
        raise BaselineRefused("project.archive is not set: add e.g. `archive: supabase/migrations/archive` "
                              "under `project:` so the replaced files have a place to go")
    archive = archive_directory(project)
    if archive.exists() and not archive.is_dir():
        raise BaselineRefused(f"project.archive is {project.settings.archive}, but "
                              f"{relative_path(archive, project.root)} is a file, not a directory")
    if archive.exists() and any(archive.iterdir()):
        raise BaselineRefused(f"the archive {relative_path(archive, project.root)} already holds files: a project "
                              "keeps one archive; empty it (or baseline by hand) before making a new baseline")
    migrations = project.migrations.migrations
    versions = [m.version for m in migrations]
    version = through if through is not None else versions[-1]
    if version not in versions:
        raise BaselineRefused(f"--through {through}: no migration has this version; versions run from "
                              f"{versions[0]} to {versions[-1]}")
    replaced = tuple(m for m in migrations if m.version <= version)
    target = project.migrations.directory / f"{version}_baseline.sql"
    if target.exists() and target not in {m.path for m in replaced}:
        raise BaselineRefused(f"{relative_path(target, project.root)} already exists and would be overwritten")
    data = tuple(data_statements(replaced, project.root))
    if data and not allow_data_loss:
        listed = "\n".join(f"  {d.render()}" for d in data)
        raise BaselineRefused(
            f"{len(data)} data statement(s) in the migrations to consolidate would be lost by a schema-only "
            f"baseline:\n{listed}\nMove them to seed.sql or a later data migration, or pass --allow-data-loss "
            "if production already has this data and fresh databases do not need it"
        )
    return BaselinePlan(replaced=replaced, target=target, archive=archive, data=data)


def baseline_text(project: Project, plan: BaselinePlan, body: str) -> str:
    first, last = plan.replaced[0], plan.replaced[-1]
    archive = relative_path(plan.archive, project.root)
    return (f"-- Baseline: the schema of {len(plan.replaced)} migrations, {first.name} through {last.name}.\n"
            f"-- The replaced files are in {archive}; written by `schemaguard baseline`.\n\n{body.rstrip()}\n")


def summary_text(project: Project, plan: BaselinePlan, archived: Sequence[Migration]) -> str:
    lines = [
        "# schemaguard baseline",
        "",
        f"baseline: {plan.target.name}",
        f"consolidated: {len(plan.replaced)} migrations, {plan.replaced[0].version} through "
        f"{plan.replaced[-1].version}, {sum(len(m.statements) for m in plan.replaced)} statements",
        f"archive sha256: {archive_hash(archived)}",
        f"data statements not carried over: {len(plan.data)}",
        "",
        "files:",
        *[f"  {m.name}  sha256:{m.sha256}" for m in archived],
    ]
    if plan.data:
        lines += ["", "data statements (not in the baseline):", *[f"  {d.render()}" for d in plan.data]]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BaselineOutcome:
    plan: BaselinePlan
    failure: str | None  # why nothing was written; None when the baseline was written


def make_baseline(session: SchemaguardSession, through: int | None, *, allow_data_loss: bool) -> BaselineOutcome:
    """Build, dump, prove, then (only then) move the files and write the baseline and summary."""
    from ..diff import diff_snapshots, render_changes

    project = session.project
    assert project is not None
    plan = plan_baseline(project, through, allow_data_loss=allow_data_loss)
    history = _replay(session, "history", plan.replaced)
    if history.failure is not None and history.failure.failure is not None:
        return BaselineOutcome(plan, f"the migrations do not build:\n{history.failure.failure.render()}")
    from .live import requested_extensions

    body = dump_schema(session_pg_dump(session), history.info, project.flavor, requested_extensions(plan.replaced))
    text = baseline_text(project, plan, body)
    with tempfile.TemporaryDirectory(prefix="schemaguard-baseline-") as tmp:
        candidate = Path(tmp) / plan.target.name
        candidate.write_text(text, encoding="utf-8")
        proof = _replay(session, "baseline", [as_migration(candidate, plan.replaced[-1].version)])
    if proof.failure is not None and proof.failure.failure is not None:
        return BaselineOutcome(plan, f"the dumped baseline does not load:\n{proof.failure.failure.render()}")
    assert history.schema is not None and proof.schema is not None
    changes = diff_snapshots(history.schema, proof.schema)
    if changes:
        return BaselineOutcome(plan, "the dumped baseline does not rebuild the same schema:\n"
                               + render_changes(changes, "migrations", "baseline"))
    _write(project, plan, text)
    return BaselineOutcome(plan, None)


def _write(project: Project, plan: BaselinePlan, text: str) -> None:
    plan.archive.mkdir(parents=True, exist_ok=True)
    archived = []
    for migration in plan.replaced:
        destination = plan.archive / migration.name
        migration.path.rename(destination)
        archived.append(Migration(path=destination, version=migration.version, name=migration.name))
    plan.target.write_text(text, encoding="utf-8")
    (plan.archive / SUMMARY_NAME).write_text(summary_text(project, plan, archived), encoding="utf-8")
