"""The ``declarative`` check: do the migrations build exactly the schema the declared files build?

Declared files are found as the Supabase CLI finds them: ``project.declarative`` in the YAML
(paths/globs relative to the expectations file), else ``[db.migrations] schema_paths`` of
``supabase/config.toml`` (relative to ``supabase/``: each pattern in order, a glob's matches
sorted, every file once), else every ``.sql`` file under ``supabase/schemas/`` in the order a
lexical directory walk visits them. They are applied to a second scratch database with the same
shim as the migrations, one transaction per file, and the two catalogs are diffed.

What the declarative workflow itself cannot express (the CLI's documented caveats) may live in
migrations only and is not reported: see ``CAVEATS`` and docs/declarative.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.model import Schema
from ..database.scratch import ScratchBuild, build_scratch
from ..diff import DIFFERS, ONLY_IN_A, ONLY_IN_B, Change, diff_snapshots
from ..errors import ConfigError, SchemaguardError
from ..migrations import Migration
from ..project import Project, pattern_matches, relative_path

if TYPE_CHECKING:
    from ..session import SchemaguardSession

MIGRATED = "migrated"
DECLARED = "declared"
SCHEMAS_DIRECTORY = "schemas"

CAVEATS: tuple[str, ...] = (
    "column order (the CLI's diff cannot reorder columns: append new ones at the end)",
    "comments that only the migrations write",
    "view option security_invoker and grants on views/materialized views that only the migrations set",
    "column-level grants that only the migrations give",
    "materialized views that only the migrations create",
)
"""What ``supabase db diff`` documents it does not capture, so teams keep it in hand-written
migrations: differences of these kinds where only the migrations have the thing are not drift.
(DML, ``alter publication``, schema privileges and domains are outside the catalog we compare.)"""


class DeclarativeError(SchemaguardError):
    """The declared files cannot be found or do not build."""


@dataclass(frozen=True)
class DeclaredFiles:
    files: tuple[Path, ...]
    source: str  # where the list came from, as the user would name it

    def describe(self) -> str:
        return f"{self.source} ({len(self.files)} file(s))"


def declared_files(project: Project) -> DeclaredFiles | None:
    """The declared schema files in application order; None when the project declares none."""
    if project.settings.declarative is not None:
        return DeclaredFiles(_expand(project.root, project.settings.declarative, "project.declarative"),
                             "project.declarative")
    config_dir = project.root / "supabase"
    patterns = _schema_paths(project.supabase_config)
    if patterns:
        source = "supabase/config.toml [db.migrations] schema_paths"
        return DeclaredFiles(_expand(config_dir, patterns, source), source)
    directory = config_dir / SCHEMAS_DIRECTORY
    if not directory.is_dir():
        return None
    files = tuple(_walk_sql(directory))
    return DeclaredFiles(files, "supabase/schemas/") if files else None


def _schema_paths(config: dict[str, Any]) -> list[str]:
    migrations = config.get("db", {}).get("migrations", {})
    if not isinstance(migrations, dict):
        raise ConfigError(f"supabase/config.toml: [db.migrations] must be a table, found {migrations!r}")
    patterns = migrations.get("schema_paths", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError("supabase/config.toml: [db.migrations] schema_paths must be a list of paths or globs "
                          f"relative to supabase/, e.g. [\"./schemas/*.sql\"]; found {patterns!r}")
    return patterns


def _expand(base: Path, patterns: Iterable[str], source: str) -> tuple[Path, ...]:
    found: list[Path] = []
    for pattern in patterns:
        try:
            matches = pattern_matches(base, pattern)
        except (ValueError, NotImplementedError) as exc:  # e.g. `x**.sql`: Python's glob refuses it
            raise ConfigError(f"{source}: {pattern!r} is not a usable glob pattern ({exc}); write `**` as a whole "
                              "path part, e.g. schemas/**/*.sql") from None
        if not any(c in pattern for c in "*?[") and not matches[0].is_file():
            raise ConfigError(f"{source}: {pattern} does not exist (looked for {matches[0]})")
        found += [m.resolve() for m in matches if m.is_file()]
    return tuple(dict.fromkeys(found))


def _walk_sql(directory: Path) -> list[Path]:
    """``.sql`` files below ``directory`` in lexical walk order (a directory's entries sorted by
    name, subdirectories entered where they sort), as the CLI's default discovery does."""
    found: list[Path] = []
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.is_dir():
            found += _walk_sql(path)
        elif entry.is_file() and path.suffix == ".sql":
            found.append(path.resolve())
    return found


def as_steps(project: Project, files: Sequence[Path]) -> list[Migration]:
    """Declared files as build steps named by their project path, so failures say which file."""
    return [Migration(path=path, version=index, name=relative_path(path, project.root))
            for index, path in enumerate(files, 1)]


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    declared: DeclaredFiles
    build: ScratchBuild  # the declared build (its database stays up until the session closes)
    migrated: Schema
    changes: tuple[Change, ...]  # relevant differences, migrations (A) -> declared (B)

    @property
    def schema(self) -> Schema:
        assert self.build.schema is not None
        return self.build.schema


def build_declared(session: SchemaguardSession, declared: DeclaredFiles) -> ScratchBuild:
    """The declared files applied to a fresh scratch database; DeclarativeError if one fails."""
    assert session.project is not None
    built = build_scratch(session.scratch_database("declarative"), session.project,
                          as_steps(session.project, declared.files))
    failed = built.failure
    if failed is not None and failed.failure is not None:
        raise DeclarativeError(f"the declared schema does not build ({declared.source}):\n{failed.failure.render()}")
    return built


def compare(session: SchemaguardSession, declared: DeclaredFiles) -> Comparison:
    built = build_declared(session, declared)
    assert built.schema is not None
    migrated = session.schema
    return Comparison(declared, built, migrated, tuple(relevant_changes(migrated, built.schema)))


def relevant_changes(migrated: Schema, declared: Schema) -> list[Change]:
    """``diff_snapshots(migrated, declared)`` without what the declarative workflow cannot express."""
    return [c for c in diff_snapshots(migrated, declared) if not is_caveat(c)]


def is_caveat(change: Change) -> bool:
    """Something only the migrations have, of a kind the CLI's diff documents it cannot capture."""
    owner_kind = change.object[0] if change.object else change.kind
    if change.field == "column order":
        return True
    if change.kind == "comment":
        return change.b is None
    if change.kind == "grant":
        column_grant = change.object is not None and change.name != change.object[1]
        if column_grant or owner_kind in ("view", "materialized_view"):
            return bool(change.b <= change.a)
        return False
    if change.kind in ("view", "materialized_view") and change.field == "option security_invoker":
        return change.b is None
    return change.kind == "materialized_view" and change.change == ONLY_IN_A


# --------------------------------------------------------------------------- report


def render_comparison(comparison: Comparison, migrations: str) -> str:
    """The item's failure text: every difference grouped by object, in migrations -> declared terms."""
    lines = [f"the migrations ({migrations}) do not build the schema declared in "
             f"{comparison.declared.describe()}:"]
    lines += render_declarative_changes(comparison.changes, comparison.migrated, comparison.schema)
    lines.append("write the missing migration with `schemaguard diff --declarative -f <name>` "
                 "(it prints the SQL without -f)")
    return "\n".join(lines)


def render_declarative_changes(changes: Iterable[Change], migrated: Schema, declared: Schema) -> list[str]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault(change.object or (change.kind, change.name), []).append(change)
    lines: list[str] = []
    for (kind, name), members in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        lines.append(f"  {kind.replace('_', ' ')} {name}")
        lines += [f"    {describe_change(c, migrated, declared)}" for c in members]
    return lines


def describe_change(change: Change, migrated: Schema, declared: Schema) -> str:
    subject = f"{change.kind.replace('_', ' ')} {change.name}"
    if change.change == ONLY_IN_B:
        return f"declared, not migrated: {subject}{_what(change, declared)}"
    if change.change == ONLY_IN_A:
        return f"migrated, not declared: {subject}{_what(change, migrated)}"
    assert change.change == DIFFERS
    if change.kind == "grant":
        gained = sorted(change.b - change.a)
        lost = sorted(change.a - change.b)
        parts = ([f"declared, not migrated: {', '.join(gained)}"] if gained else []) + (
            [f"migrated, not declared: {', '.join(lost)}"] if lost else [])
        return f"grant on {change.name} to {change.field}: {'; '.join(parts)}"
    a_text, b_text = _show(change.a), _show(change.b)
    if "\n" in a_text or "\n" in b_text or len(a_text) + len(b_text) > 100:
        return (f"{subject}: {change.field} differs\n      {MIGRATED}: " + a_text.replace("\n", "\n        ")
                + f"\n      {DECLARED}:  " + b_text.replace("\n", "\n        "))
    return f"{subject}: {change.field} differs: {MIGRATED} {a_text} / {DECLARED} {b_text}"


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value).strip("\n") if value != "" else "''"


def _what(change: Change, schema: Schema) -> str:
    """A short description of an object one side has: a column's type, an index's definition..."""
    table_name = change.object[1] if change.object else ""
    table = schema.tables.get(table_name)
    inner = change.name[len(table_name) + 1:]
    if change.kind == "column" and table is not None and inner in table.columns:
        column = table.columns[inner]
        text = f" {column.type}" + ("" if column.nullable else " not null")
        return text + (f" default {column.default}" if column.default else "")
    if change.kind == "index" and table is not None and inner in table.indexes:
        return f": {table.indexes[inner].definition}"
    if change.kind == "constraint" and table is not None and inner in table.constraints:
        return f": {table.constraints[inner].definition}"
    if change.kind == "policy" and table is not None and inner in table.policies:
        policy = table.policies[inner]
        return f" for {policy.command} to {', '.join(policy.roles)}"
    if change.kind == "enum" and change.name in schema.enums:
        return f" ({', '.join(schema.enums[change.name].labels)})"
    return ""
