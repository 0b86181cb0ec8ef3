"""Apply the Supabase shim, the migrations and the seed to a throwaway database.

One connection in autocommit; one explicit transaction per migration file (as Supabase applies them) with ``RESET ALL``
between files so one file's ``SET`` cannot leak into the next; files marked
``-- schemaguard: no-transaction`` run statement by statement in autocommit. Statements run one
at a time so a failure names the exact statement and its line.

Before a statement runs, ``bridges.plan_statement`` may skip it (an extension this server lacks,
a statement that only makes sense with that extension, a PostgreSQL 17 ``MAINTAIN`` grant) or drop
``MAINTAIN`` from its privilege list; each such decision is a build warning naming file:line.
With ``project.stubs: true`` the shim also installs stand-ins (shim/stubs.sql) for pg_net, pg_cron
and supabase_vault, so functions calling them create and run.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import psycopg
from psycopg import sql

from .bridges import CREATE_EXTENSION, EXTENSION_SCHEMAS, ServerFacts, plan_statement, stub_hint
from .migrations import Migration, Statement, split_statements
from .project import read_text, relative_path

if TYPE_CHECKING:
    from .project import Project

SUPABASE_SEARCH_PATH = '"$user", public, extensions'
SHIM_VERSION = "1"
__all__ = ["CREATE_EXTENSION", "SUPABASE_SEARCH_PATH", "BuildResult", "Builder", "StatementFailure", "StepOutcome",
           "build_database", "shim_extensions", "shim_sql"]
STUB_SECTION = re.compile(r"^-- @stub (?P<ext>[\w-]+)\s*$", re.MULTILINE)
STUB_WARNINGS = {
    "pg_net": "stub in use: net.http_get/http_post/http_delete stand in for pg_net (requests are queued in "
              "net.http_request_queue, never sent)",
    "pg_cron": "stub in use: cron.schedule/unschedule stand in for pg_cron (jobs are stored in cron.job, never run)",
    "supabase_vault": "stub in use: vault.create_secret/update_secret, vault.secrets and vault.decrypted_secrets "
                      "stand in for supabase_vault (secrets are stored unencrypted)",
}
# PostgreSQL's words for "that schema/function/table is not there", for the stubs hint.
MISSING_OBJECT_STATES = {"3F000", "42883", "42P01"}


@functools.cache
def shim_sql() -> str:
    """shim/supabase.sql, read once: builds install it, the snapshot hashes it and strips what it made."""
    return resources.files("pytest_schemaguard").joinpath("shim/supabase.sql").read_text(encoding="utf-8")


SHIM_EXTENSION = re.compile(r"^\s*CREATE EXTENSION IF NOT EXISTS (\"[^\"]+\"|\w+)", re.IGNORECASE | re.MULTILINE)


def shim_extensions() -> frozenset[str]:
    """Extensions the shim installs; they belong to the shim, not to the project's schema."""
    return frozenset(m.strip('"') for m in SHIM_EXTENSION.findall(shim_sql()))


@dataclass(frozen=True)
class StatementFailure:
    """Where and why a statement failed, with everything PostgreSQL said about it."""

    file: str
    line: int
    statement: str
    message: str
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    error_line: int | None = None  # file line of PostgreSQL's error position, when it gave one

    def render(self) -> str:
        shown = _shorten(self.statement)
        if self.error_line and self.error_line != self.line:
            lines = [f"{self.file}:{self.error_line}: statement starting at line {self.line} failed", ""]
        else:
            lines = [f"{self.file}:{self.line}: statement failed", ""]
        lines += [f"    {row}" for row in shown.splitlines()]
        lines += ["", f"ERROR:  {self.message}" + (f" (SQLSTATE {self.sqlstate})" if self.sqlstate else "")]
        for label, value in (("DETAIL", self.detail), ("HINT", self.hint), ("CONTEXT", self.context)):
            if value:
                lines.append(f"{label}:  {value}")
        return "\n".join(lines)


def _shorten(text: str, max_lines: int = 12, max_width: int = 160) -> str:
    rows = [r if len(r) <= max_width else r[: max_width - 3] + "..." for r in text.splitlines()]
    if len(rows) > max_lines:
        rows = [*rows[: max_lines - 2], f"... ({len(rows) - max_lines + 2} more lines)", rows[-1]]
    return "\n".join(rows)


@dataclass(frozen=True)
class StepOutcome:
    """The result of applying one file (migration or seed)."""

    name: str
    path: Path
    failure: StatementFailure | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    statements: int = 0

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass
class BuildResult:
    migrations: list[StepOutcome] = field(default_factory=list)
    seeds: list[StepOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_version_num: int = 0

    @property
    def failed_step(self) -> StepOutcome | None:
        return next((s for s in [*self.migrations, *self.seeds] if not s.ok), None)

    @property
    def failed_migration(self) -> StepOutcome | None:
        """The migration that stopped the build; a failed seed leaves the schema complete."""
        return next((s for s in self.migrations if not s.ok), None)

    @property
    def ok(self) -> bool:
        return self.failed_step is None

    def outcome(self, name: str) -> StepOutcome | None:
        return next((s for s in [*self.migrations, *self.seeds] if s.name == name), None)


class Builder:
    """Applies files in order over one connection and remembers what happened to each."""

    def __init__(self, conn: psycopg.Connection, *, root: Path, flavor: str, stubs: bool = False) -> None:
        self.conn = conn
        self.root = root
        self.flavor = flavor
        self.stubs = stubs

    def prepare(self) -> list[str]:
        """Ready an empty database for the project's files (the shim, for the supabase flavor);
        the build warnings this gives."""
        if self.flavor == "supabase":
            return self.install_shim()
        if self.stubs:
            return ["project.stubs: true has no effect with flavor postgres (the stubs are part of the Supabase shim)"]
        return []

    def install_shim(self) -> list[str]:
        """Make plain PostgreSQL look like a Supabase database (SPEC §7), with the stubs when asked
        for; idempotent (also across databases of one cluster). Returns the "stub in use" warnings."""
        warnings: list[str] = []
        with self.conn.transaction():
            for statement in split_statements(shim_sql()):
                self.conn.execute(statement.text)
            if self.stubs:
                warnings = self._install_stubs()
            dbname = self.conn.info.dbname
            # Later connections (fixtures, behaviour checks) must see extensions too. This is our
            # own throwaway database, so setting its default is ours to do.
            self.conn.execute(
                sql.SQL("ALTER DATABASE {} SET search_path = " + SUPABASE_SEARCH_PATH).format(
                    sql.Identifier(dbname)
                )
            )
        return warnings

    def _install_stubs(self) -> list[str]:
        """The stub sections for extensions this server lacks; a real extension is never shadowed."""
        text = resources.files("pytest_schemaguard").joinpath("shim/stubs.sql").read_text()
        parts = STUB_SECTION.split(text)  # [preamble, ext, body, ext, body, ...]
        warnings = []
        for ext, body in zip(parts[1::2], parts[2::2], strict=True):
            if ext in self._facts.available_extensions:
                continue
            for statement in split_statements(body):
                self.conn.execute(statement.text)
            warnings.append(STUB_WARNINGS[ext])
        return warnings

    @functools.cached_property
    def _facts(self) -> ServerFacts:
        """What the bridges ask about the server; the list of installable extensions never changes."""
        rows = self.conn.execute("SELECT name FROM pg_available_extensions").fetchall()
        return ServerFacts(
            version_num=self.conn.info.server_version,
            available_extensions=frozenset(r[0] for r in rows),
            schema_exists=self._schema_exists,
            stubs=self.stubs,
        )

    def _reset_session(self) -> None:
        self.conn.execute("RESET ALL")
        if self.flavor == "supabase":
            self.conn.execute("SET search_path = " + SUPABASE_SEARCH_PATH)

    def apply(self, name: str, path: Path, statements: Sequence[Statement], *, transaction: bool = True) -> StepOutcome:
        started = time.perf_counter()
        warnings: list[str] = []
        failure: StatementFailure | None = None
        count = 0
        self._reset_session()
        if transaction:
            with self.conn.transaction():
                failure, count = self._run(name, path, statements, warnings)
                if failure:
                    raise psycopg.Rollback()
        else:
            failure, count = self._run(name, path, statements, warnings)
        return StepOutcome(name=name, path=path, failure=failure, warnings=tuple(warnings),
                           seconds=time.perf_counter() - started, statements=count)

    def _run(self, name: str, path: Path, statements: Sequence[Statement],
             warnings: list[str]) -> tuple[StatementFailure | None, int]:
        count = 0
        for statement in statements:
            if statement.is_transaction_control():
                continue
            plan = plan_statement(statement.text, self._facts)
            if plan.warning:
                warnings.append(f"{name}:{statement.line}: {plan.warning}")
            if plan.text is None:
                continue
            try:
                self.conn.execute(plan.text)  # type: ignore[arg-type]  # the file's own SQL
            except psycopg.Error as exc:
                return _failure(relative_path(path, self.root), statement, exc, stubs=self.stubs), count
            count += 1
        return None, count

    def _schema_exists(self, schema: str) -> bool:
        return self.conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None


def _failure(file: str, statement: Statement, exc: psycopg.Error, *, stubs: bool = False) -> StatementFailure:
    diag = exc.diag
    position = int(diag.statement_position) if diag.statement_position else None
    message = diag.message_primary or str(exc).strip()
    hints = [h for h in (diag.message_hint, _missing_extension_hint(diag.sqlstate, message, stubs)) if h]
    return StatementFailure(
        file=file,
        line=statement.line,
        statement=statement.text,
        message=message,
        sqlstate=diag.sqlstate,
        detail=diag.message_detail,
        hint="\n       ".join(hints) or None,
        context=diag.context,
        error_line=statement.line_at(position) if position else None,
    )


def _missing_extension_hint(sqlstate: str | None, message: str, stubs: bool) -> str | None:
    """When the missing thing lives in an extension's schema (e.g. a LANGUAGE sql function calling
    net.http_post, checked at CREATE time), say which extension and what to do about it."""
    if sqlstate not in MISSING_OBJECT_STATES:
        return None
    match = re.search(r'(?:schema "|\b)(' + "|".join(EXTENSION_SCHEMAS) + r')(?:"|\.)', message)
    if not match:
        return None
    schema = match[1]
    ext = EXTENSION_SCHEMAS[schema]
    advice = stub_hint(ext, stubs).removeprefix("; ")
    if not advice:
        return f"schema {schema} belongs to extension {ext}, which this server lacks"
    return f"schema {schema} belongs to extension {ext}, which this server lacks: {advice}"


class BuildObserver(Protocol):
    """Called around each migration on the build connection (e.g. to snapshot the catalog before
    and after it, for semantic lint); it must leave the connection idle and unchanged."""

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None: ...

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None: ...


def build_database(
    conn: psycopg.Connection,
    *,
    root: Path,
    migrations: Sequence[Migration],
    seeds: Sequence[Path] = (),
    flavor: str = "supabase",
    observers: Sequence[BuildObserver] = (),
    stubs: bool = False,
) -> BuildResult:
    """Apply shim (supabase flavor; with stubs when ``stubs``), every migration in order, then the
    seeds; stop at the first failure."""
    started = time.perf_counter()
    # Autocommit, so that each `transaction()` block below is a real BEGIN/COMMIT of its own and
    # no-transaction files run as the server sees them in production.
    conn.autocommit = True
    result = BuildResult(server_version_num=conn.info.server_version)
    builder = Builder(conn, root=root, flavor=flavor, stubs=stubs)
    result.warnings.extend(builder.prepare())
    for migration in migrations:
        for observer in observers:
            observer.before_migration(conn, migration)
        outcome = builder.apply(migration.name, migration.path, migration.statements,
                                transaction=not migration.no_transaction)
        for observer in observers:
            observer.after_migration(conn, migration, outcome)
        result.migrations.append(outcome)
        result.warnings.extend(outcome.warnings)
        if not outcome.ok:
            break
    if result.ok:
        for seed in seeds:
            outcome = builder.apply(seed.name, seed, split_statements(read_text(seed, encoding="utf-8-sig")))
            result.seeds.append(outcome)
            result.warnings.extend(outcome.warnings)
            if not outcome.ok:
                break
    conn.execute("RESET ALL")
    result.seconds = time.perf_counter() - started
    return result


def build_project(
    conn: psycopg.Connection,
    project: Project,
    *,
    migrations: Sequence[Migration] | None = None,
    seeds: Sequence[Path] = (),
    observers: Sequence[BuildObserver] = (),
) -> BuildResult:
    """``build_database`` with the project's own root, flavor and stubs: every build of a project
    (the session's, snapshot reloads, rollback walks, lint replays) sees the same shim."""
    return build_database(
        conn,
        root=project.root,
        migrations=project.migrations.migrations if migrations is None else migrations,
        seeds=seeds,
        flavor=project.flavor,
        observers=observers,
        stubs=project.settings.stubs,
    )


def project_builder(conn: psycopg.Connection, project: Project) -> Builder:
    """A Builder set up like ``build_project``'s, for callers that apply files one at a time."""
    return Builder(conn, root=project.root, flavor=project.flavor, stubs=project.settings.stubs)
