"""Migration history of a live database: applied versions vs the files, and the rollback window.

Reads ``supabase_migrations.schema_migrations`` (version, name, statements — what the Supabase
CLI records) over the read-only connection of ``live.py`` and classifies every version in
Flyway's vocabulary: applied, pending, missing (applied, no file here), future (missing and newer
than every file: probably deployed from another branch), out of order (a file older than the
newest applied version that is not applied), edited (the recorded statements differ from the
file's). Optionally reads a project history table (``project.history``, e.g. the example's
``public.migration_history``) to show which migrations are still inside the rollback window.
Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from ..errors import SchemaguardError
from ..lazy import LazyAttribute, LazyModule
from ..migrations import Migration, discover_migrations, split_statements
from ..project import Project

if TYPE_CHECKING:
    from sqlglot import errors as sqlglot_errors
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.tokens import TokenType

    from ..drift.live import LiveDatabase
else:
    sqlglot_errors = LazyModule("sqlglot.errors")
    Postgres = LazyAttribute("sqlglot.dialects.postgres", "Postgres")
    TokenType = LazyAttribute("sqlglot.tokens", "TokenType")

DEFAULT_WINDOW_HOURS = 48.0
FAILING_STATES = ("missing", "future", "out of order", "edited")
# Column roles of a history table -> names tried in order (the example's names first).
HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("migration_name", "name", "migration", "version"),
    "status": ("status", "state"),
    "completed_at": ("completed_at", "finished_at", "applied_at", "executed_at"),
    "rollback": ("rollback_sql", "down_sql", "rollback", "undo_sql"),
    "phase": ("phase", "step"),
}
OPTIONAL_COLUMNS = ("status", "phase")


@dataclass(frozen=True)
class AppliedVersion:
    version: int
    name: str | None
    statements: tuple[str, ...] | None  # None when the CLI did not record them


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    state: str  # applied | archived | pending | missing | future | out of order | edited
    file: str | None  # local file name, None when missing locally
    detail: str = ""

    @property
    def failing(self) -> bool:
        return self.state in FAILING_STATES

    def render(self) -> str:
        label = self.file or f"{self.version} (no local file)"
        return f"{label}: {self.state}" + (f": {self.detail}" if self.detail else "")


# --------------------------------------------------------------------------- schema_migrations


def read_applied(conn: psycopg.Connection, where: str) -> list[AppliedVersion]:
    """Rows of supabase_migrations.schema_migrations (older CLIs lack ``name``/``statements``)."""
    columns = {row[0] for row in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('supabase_migrations.schema_migrations') "
        "AND attnum > 0 AND NOT attisdropped").fetchall()}
    if "version" not in columns:
        raise SchemaguardError(
            f"{where} has no table supabase_migrations.schema_migrations (with a version column): the Supabase "
            "CLI creates it when it first applies migrations (`supabase db push` / `supabase migration up`), "
            "so there is no migration history to compare with"
        )
    name = sql.Identifier("name") if "name" in columns else sql.NULL
    statements = sql.Identifier("statements") if "statements" in columns else sql.NULL
    query = sql.SQL("SELECT version::text, {}::text, {}::text[] FROM supabase_migrations.schema_migrations").format(
        name, statements)
    applied = []
    for version, row_name, row_statements in conn.execute(query).fetchall():
        if not version.isdigit():
            raise SchemaguardError(f"{where}: supabase_migrations.schema_migrations has version {version!r}, "
                                   "which is not a number; schemaguard compares versions as numbers")
        applied.append(AppliedVersion(int(version), row_name,
                                      tuple(row_statements) if row_statements is not None else None))
    return sorted(applied, key=lambda a: a.version)


def archived_migrations(project: Project) -> tuple[Migration, ...]:
    """The files a baseline replaced (``project.archive``); empty without an archive."""
    if project.settings.archive is None:
        return ()
    directory = (project.root / project.settings.archive).resolve()
    return discover_migrations(directory).migrations if directory.is_dir() else ()


def compare_history(migrations: Sequence[Migration], applied: Sequence[AppliedVersion],
                    archived: Sequence[Migration] = ()) -> list[HistoryEntry]:
    """One entry per version seen on either side, in version order.

    ``archived``: the files a baseline replaced. A database that applied them before the baseline
    is in step: their versions are `archived`, and the baseline's own version (the last replaced
    file's) counts as applied when the live record matches the archived original.
    """
    archive = {m.version: m for m in archived}
    files = {m.version: m for m in migrations}
    recorded = {a.version: a for a in applied}
    newest_applied = max(recorded, default=None)
    newest_file = max(files, default=None)
    entries = []
    for version in sorted(files.keys() | recorded.keys()):
        migration, row = files.get(version), recorded.get(version)
        if migration is None and version in archive:
            entries.append(HistoryEntry(version, "archived", archive[version].name,
                                        "replaced by the baseline; kept in project.archive"))
        elif migration is None:
            assert row is not None
            label = f"applied on the live database as {row.name!r}" if row.name else "applied on the live database"
            state = "future" if newest_file is not None and version > newest_file else "missing"
            entries.append(HistoryEntry(version, state, None, f"{label}, but no {version}_*.sql file here"))
        elif row is None:
            if newest_applied is not None and version < newest_applied:
                entries.append(HistoryEntry(version, "out of order", migration.name,
                                            f"not applied, but older than the newest applied version "
                                            f"{newest_applied}; `supabase db push` refuses it without "
                                            "--include-all"))
            else:
                entries.append(HistoryEntry(version, "pending", migration.name))
        else:
            difference = statement_difference(migration, row.statements) if row.statements is not None else None
            original = archive.get(version)
            if difference and original is not None and row.statements is not None \
                    and not statement_difference(original, row.statements):
                entries.append(HistoryEntry(version, "applied", migration.name,
                                            f"as {original.name}, which this baseline replaced"))
            elif difference:
                entries.append(HistoryEntry(version, "edited", migration.name, difference))
            else:
                entries.append(HistoryEntry(version, "applied", migration.name))
    return entries


def normalise_statement(text: str) -> str:
    """Token texts joined by one space: whitespace and comments do not count, everything else does."""
    try:
        tokens = Postgres().tokenize(text)
    except sqlglot_errors.TokenError:
        return " ".join(text.split())
    parts = []
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            continue
        body = " ".join(token.text.split()) if token.token_type == TokenType.HEREDOC_STRING else token.text
        parts.append(f"{token.token_type.name}:{body}")
    return " ".join(parts)


def _comparable(statements: Sequence[str]) -> list[tuple[str, str]]:
    """(normalised, original) for statements that do something (not empty, not BEGIN/COMMIT)."""
    found = []
    for text in statements:
        for statement in split_statements(text):  # a recorded entry may hold several statements
            if not statement.is_transaction_control():
                found.append((normalise_statement(statement.text), statement.text))
    return found


def statement_difference(migration: Migration, recorded: Sequence[str]) -> str | None:
    """Where the file's statements differ from those recorded when it was applied, or None."""
    file_side = [(normalise_statement(s.text), s) for s in migration.statements if not s.is_transaction_control()]
    live_side = _comparable(recorded)
    pairs = zip(file_side, live_side, strict=False)  # unequal lengths are reported below
    for index, ((file_norm, statement), (live_norm, live_text)) in enumerate(pairs, 1):
        if file_norm != live_norm:
            return (f"statement {index} (line {statement.line}) differs from the one recorded when it was applied: "
                    f"file `{_clip(statement.text)}`, live `{_clip(live_text)}`")
    if len(file_side) != len(live_side):
        return (f"the file has {len(file_side)} statement(s), {len(live_side)} were recorded when it was applied")
    return None


def _clip(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def summarise(entries: Sequence[HistoryEntry]) -> str:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
    order = ("applied", "archived", "pending", "edited", "out of order", "missing", "future")
    return ", ".join(f"{counts[s]} {s}" for s in order if s in counts) or "no migrations"


def applied_versions(live: LiveDatabase) -> list[AppliedVersion]:
    """The versions applied on a live database, read in one read-only transaction."""
    with live.conn.transaction():
        return read_applied(live.conn, live.info.display())


def live_history(live: LiveDatabase, migrations: Sequence[Migration],
                 archived: Sequence[Migration] = ()) -> list[HistoryEntry]:
    """Compare the files with the versions applied on a live database."""
    return compare_history(migrations, applied_versions(live), archived)


def render_history_failure(entries: Sequence[HistoryEntry], where: str) -> str | None:
    """Failure text of the ``history[live]`` item: every failing version, then the counts."""
    failing = [e for e in entries if e.failing]
    if not failing:
        return None
    body = "\n".join(f"  {e.render()}" for e in failing)
    return f"migration history of {where} does not match the files:\n{body}\n({summarise(entries)})"


# --------------------------------------------------------------------------- rollback window


@dataclass(frozen=True)
class WindowEntry:
    name: str
    phase: str | None
    status: str | None
    completed_at: datetime
    hours_ago: float
    has_rollback: bool

    def render(self, window_hours: float) -> str:
        phase = f" [{self.phase}]" if self.phase else ""
        status = self.status or "completed"
        left = window_hours - self.hours_ago
        when = self.completed_at.strftime("%Y-%m-%d %H:%M UTC")
        rollback = "rollback SQL: yes" if self.has_rollback else "rollback SQL: none (irreversible)"
        return f"{self.name}{phase}: {status} {when} ({self.hours_ago:.0f} h ago, {left:.0f} h left); {rollback}"


def parse_column_map(text: str | None) -> dict[str, str]:
    """``name=migration_name,rollback=down`` -> {role: column}; SchemaguardError when malformed."""
    if not text:
        return {}
    mapping: dict[str, str] = {}
    for part in text.split(","):
        key, sep, column = (p.strip() for p in part.partition("="))
        if not sep or key not in HISTORY_COLUMNS or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", column):
            raise SchemaguardError(
                f"--history-columns: cannot read {part.strip()!r}: expected comma-separated role=column pairs, "
                f"roles {', '.join(HISTORY_COLUMNS)} (e.g. name=migration_name,rollback=rollback_sql)"
            )
        mapping[key] = column
    return mapping


def resolve_history_columns(conn: psycopg.Connection, table: str, overrides: dict[str, str]) -> dict[str, str]:
    """Role -> column of the history table, or a SchemaguardError naming what is missing."""
    schema, _, name = table.rpartition(".")
    rows = conn.execute(
        "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (schema or "public", name),
    ).fetchall()
    columns = [r[0] for r in rows]
    if not columns:
        raise SchemaguardError(
            f"project.history names {table}, but the live database has no such table: fix project.history in "
            "the expectations file (schema.table), or remove it to skip the rollback window"
        )
    resolved: dict[str, str] = {}
    for role, candidates in HISTORY_COLUMNS.items():
        if role in overrides:
            if overrides[role] not in columns:
                raise SchemaguardError(f"--history-columns: {table} has no column {overrides[role]!r} "
                                       f"(its columns: {', '.join(columns)})")
            resolved[role] = overrides[role]
            continue
        found = next((c for c in candidates if c in columns), None)
        if found:
            resolved[role] = found
        elif role not in OPTIONAL_COLUMNS:
            raise SchemaguardError(
                f"{table} has no column for the migration {role.replace('_', ' ')} (tried {', '.join(candidates)}; "
                f"its columns: {', '.join(columns)}). Name it with --history-columns {role}=<column>"
            )
    return resolved


def read_rollback_window(conn: psycopg.Connection, table: str, window_hours: float,
                         overrides: dict[str, str] | None = None) -> list[WindowEntry]:
    """History rows completed within the window (measured with the live server's clock)."""
    with conn.transaction():
        columns = resolve_history_columns(conn, table, overrides or {})
    schema, _, name = table.rpartition(".")

    def column(role: str) -> sql.Composable:
        return sql.Identifier(columns[role]) if role in columns else sql.NULL

    query = sql.SQL(
        "SELECT {name}::text, {phase}::text, {status}::text, {done}::timestamptz AT TIME ZONE 'UTC', "
        "extract(epoch FROM now() - {done}) / 3600, coalesce(btrim({rollback}::text), '') <> '' "
        "FROM {table} WHERE {done} IS NOT NULL AND {done} > now() - make_interval(secs => %s) "
        "ORDER BY {done}, {name}"
    ).format(name=column("name"), phase=column("phase"), status=column("status"), done=column("completed_at"),
             rollback=column("rollback"), table=sql.Identifier(schema or "public", name))
    try:
        with conn.transaction():
            rows = conn.execute(query, (window_hours * 3600,)).fetchall()
    except psycopg.Error as exc:
        raise SchemaguardError(f"cannot read {table} with columns {columns}: {str(exc).strip()}") from None
    return [WindowEntry(r[0], r[1], r[2], r[3], float(r[4]), bool(r[5])) for r in rows]
